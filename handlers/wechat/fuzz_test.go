package wechat

import (
	"encoding/xml"
	"net/url"
	"testing"
)

// FuzzDecodeMessage feeds arbitrary bodies to the decoder, plain and encrypted: it must refuse
// or accept them, never panic, and an accepted message always has its addressing fields.
// Seeds are in testdata/fuzz/FuzzDecodeMessage; run with go test -fuzz FuzzDecodeMessage ./handlers/wechat.
func FuzzDecodeMessage(f *testing.F) {
	f.Add([]byte(vectorCBody), true)
	f.Add([]byte("<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content><MsgId>1</MsgId></xml>"), false)
	// AllowPlain: plain bodies are parsed too, not refused before the parser sees them.
	st := Settings{Token: "spamtest", AppID: "wx2c2769f8efd9abc2", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", AllowPlain: true}
	f.Fuzz(func(t *testing.T, body []byte, encrypted bool) {
		q := url.Values{"timestamp": {"1409735669"}, "nonce": {"1320562132"}}
		if encrypted {
			q.Set("encrypt_type", "aes")
			// Sign whatever Encrypt the body carries, so the fuzzer reaches the decryption.
			var env struct {
				Encrypt string `xml:"Encrypt"`
			}
			_ = xml.Unmarshal(body, &env)
			q.Set("msg_signature", Signature(st.Token, "1409735669", "1320562132", env.Encrypt))
		}
		m, _, rj := st.Decode(q, body)
		if rj == nil && (m.MsgType == "" || m.FromUserName == "" || m.ToUserName == "") {
			t.Errorf("accepted a message without addressing: %+v", m)
		}
		if rj != nil && rj.Status != 400 && rj.Status != 403 {
			t.Errorf("refused with %d, want 400 or 403", rj.Status)
		}
	})
}
