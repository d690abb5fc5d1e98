package handlers

import (
	"context"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/bot/redistest"
)

// FuzzDecodeMessage feeds arbitrary bodies to the decoder, plain and encrypted: it must refuse
// or accept them, never panic, and an accepted message always has its addressing fields.
// Seeds are in testdata/fuzz/FuzzDecodeMessage; run with go test -fuzz FuzzDecodeMessage ./handlers.
func FuzzDecodeMessage(f *testing.F) {
	f.Add([]byte(vectorCBody), true)
	f.Add([]byte("<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content><MsgId>1</MsgId></xml>"), false)
	wc := WeChat{Token: "spamtest", AppID: "wx2c2769f8efd9abc2", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}
	f.Fuzz(func(t *testing.T, body []byte, encrypted bool) {
		q := url.Values{"timestamp": {"1409735669"}, "nonce": {"1320562132"}}
		if encrypted {
			q.Set("encrypt_type", "aes")
			// Sign whatever Encrypt the body carries, so the fuzzer reaches the decryption.
			var env struct {
				Encrypt string `xml:"Encrypt"`
			}
			_ = xml.Unmarshal(body, &env)
			q.Set("msg_signature", signature(wc.Token, "1409735669", "1320562132", env.Encrypt))
		}
		m, _, rj := wc.decode(q, body)
		if rj == nil && (m.MsgType == "" || m.FromUserName == "" || m.ToUserName == "") {
			t.Errorf("accepted a message without addressing: %+v", m)
		}
		if rj != nil && rj.status != 400 && rj.status != 403 {
			t.Errorf("refused with %d, want 400 or 403", rj.status)
		}
	})
}

// BenchmarkWebhookText measures the full handler path for a text message: signature check,
// XML decode, dialogue with real Redis (de-duplication, session, transcript) and the real
// index, and the XML reply.
func BenchmarkWebhookText(b *testing.B) {
	rdb, prefix := redistest.New(b)
	now := time.Now()
	bt := bot.New(mustIndex(b), bot.Options{Redis: rdb, Prefix: prefix, RateLimit: 1 << 30, Contact: testContact})
	h := New(slog.New(slog.DiscardHandler), bt, Options{WeChat: plainWC})
	sim := NewSimulator(plainWC)
	queries := []string{"对账单在哪里下载", "钱怎么还没到账", "退款多久能到", "手续费怎么收的", "忘记后台登录密码了"}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		body := sim.TextXML(fmt.Sprintf("o_bench_%d", i%1000), queries[i%len(queries)], sim.NextMsgID(), now)
		req, _ := sim.Request("http://bot/wechat", body, now)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req.WithContext(ctx))
		if rec.Code != 200 {
			b.Fatalf("HTTP %d", rec.Code)
		}
	}
}
