package wechat

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// The vectors are Tencent's official WXBizMsgCrypt samples (the Java, Python and C++ samples
// linked from WeChat's 消息加解密说明 page) and that page's own worked example.

func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		parts []string
		want  string
	}{
		{"official doc example", []string{"AAAAA", "1714037059", "486452656"}, "899cf89e464efb63f54ddac96b0a0a235f53aa78"},
		{"vector A plain", []string{"pamtest", "1409304348", "xxxxxx"}, "76480565cbe296026c53aaacd1ad523a1ddba24f"},
		{"vector A1 msg_signature", []string{"pamtest", "1409304348", "xxxxxx", vectorA1}, "82c962d39941aa48552f90ef55aa323dc620cc10"},
		{"vector B", []string{"QDG6eK", "1409659589", "263014780", "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="}, "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"},
		{"vector C msg_signature", []string{"spamtest", "1409735669", "1320562132", vectorCEncrypt}, "5d197aaffba7e9b25a30732f161a50dee96bd5fa"},
		{"vector C plain", []string{"spamtest", "1409735669", "1320562132"}, "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"},
		{"vector D", []string{"spamtest", "1410349438", "298025754", vectorDEncrypt}, "003fee52ecc56afb46c00b5c7721be87860ce785"},
		{"vector E", []string{"AAAAA", "1715943329", "1590219412", vectorEEncrypt}, "6c12a4205838198b8fa631b3220723bb07f1015c"},
		{"vector E reply", []string{"AAAAA", "1713424427", "415670741", vectorEReply}, "03e0812039325c2712ef5f0f980fd14c70d6e307"},
	}
	for _, tt := range tests {
		if got := Signature(tt.parts...); got != tt.want {
			t.Errorf("%s: signature = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestEncryptionVectors(t *testing.T) {
	t.Parallel()
	const key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	tests := []struct {
		name, random, msg, appID, key, want string
	}{
		{"A1", "aaaabbbbccccdddd", "我是中文abcd123", "wxb11529c136998cb6", key, vectorA1},
		{"A2", "aaaabbbbccccdddd", vectorA2Msg, "wxb11529c136998cb6", key, vectorA2},
		{"E reply", "999951349e8ee746", "<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>", "wx134c8103faa5a59e", strings.Repeat("A", 43), vectorEReply},
	}
	for _, tt := range tests {
		got, err := util.EncryptMsg([]byte(tt.random), []byte(tt.msg), tt.appID, tt.key)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if string(got) != tt.want {
			t.Errorf("%s: Encrypt = %s, want %s", tt.name, got, tt.want)
		}
	}
	// C: decrypting recovers the random; encrypting the plaintext again with it reproduces
	// the official ciphertext exactly.
	random, plain, err := util.DecryptMsg("wx2c2769f8efd9abc2", vectorCEncrypt, key)
	if err != nil {
		t.Fatal(err)
	}
	again, err := util.EncryptMsg(random, plain, "wx2c2769f8efd9abc2", key)
	if err != nil || string(again) != vectorCEncrypt {
		t.Errorf("C re-encrypted = %s (%v), want the official Encrypt", again, err)
	}
}

func TestDecodeVectors(t *testing.T) {
	t.Parallel()
	const key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	tests := []struct {
		name      string
		st        Settings
		ts, nonce string
		msgSig    string
		body      string
		wantFrom  string
		wantText  string
		wantEvent string
	}{
		{"C compatible mode", Settings{Token: "spamtest", AppID: "wx2c2769f8efd9abc2", EncodingAESKey: key},
			"1409735669", "1320562132", "5d197aaffba7e9b25a30732f161a50dee96bd5fa", vectorCBody, "oyORnuP8q7ou2gfYjqLzSIWZf0rs", "abcdteT", ""},
		{"D safe mode", Settings{Token: "spamtest", AppID: "wx2c2769f8efd9abc2", EncodingAESKey: key},
			"1410349438", "298025754", "003fee52ecc56afb46c00b5c7721be87860ce785",
			"<xml><ToUserName><![CDATA[toUser]]></ToUserName><Encrypt><![CDATA[" + vectorDEncrypt + "]]></Encrypt></xml>", "oyORnuP8q7ou2gfYjqLzSIWZf0rs", "abcdteT", ""},
		{"E all-zero key", Settings{Token: "AAAAA", AppID: "wx134c8103faa5a59e", EncodingAESKey: strings.Repeat("A", 43)},
			"1715943329", "1590219412", "6c12a4205838198b8fa631b3220723bb07f1015c",
			"<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><Encrypt><![CDATA[" + vectorEEncrypt + "]]></Encrypt></xml>", "o9AgO5Kd5ggOC-bXrbNODIiE3bGY", "", "debug_demo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := url.Values{"timestamp": {tt.ts}, "nonce": {tt.nonce}, "encrypt_type": {"aes"}, "msg_signature": {tt.msgSig}}
			m, encrypted, rj := tt.st.Decode(q, []byte(tt.body))
			if rj != nil {
				t.Fatalf("decode: %v", rj)
			}
			if !encrypted || string(m.FromUserName) != tt.wantFrom || m.Content != tt.wantText || string(m.Event) != tt.wantEvent {
				t.Errorf("decode = from %q content %q event %q, want %q %q %q", m.FromUserName, m.Content, m.Event, tt.wantFrom, tt.wantText, tt.wantEvent)
			}

			// Negatives: a wrong msg_signature, a foreign AppID, a truncated ciphertext.
			bad := url.Values{"timestamp": {tt.ts}, "nonce": {tt.nonce}, "encrypt_type": {"aes"}, "msg_signature": {strings.Repeat("0", 40)}}
			if _, _, rj := tt.st.Decode(bad, []byte(tt.body)); rj == nil || rj.Status != 403 {
				t.Errorf("wrong msg_signature: got %v, want 403", rj)
			}
			foreign := tt.st
			foreign.AppID = "wx0000000000000000"
			if _, _, rj := foreign.Decode(q, []byte(tt.body)); rj == nil || rj.Status != 400 {
				t.Errorf("foreign AppID: got %v, want 400 (WXBizMsgCrypt -40005)", rj)
			}
		})
	}
}

// TestSealOpens checks our reply envelope against the SDK's decryption and a fresh random per
// reply (the SDK reuses the request's).
func TestSealOpens(t *testing.T) {
	t.Parallel()
	now := time.Unix(1713424427, 0)
	plain := []byte("<xml><ToUserName><![CDATA[o_user]]></ToUserName><FromUserName><![CDATA[gh_x]]></FromUserName><CreateTime>1713424427</CreateTime><MsgType>text</MsgType><Content><![CDATA[你好]]></Content></xml>")
	a, err := aesSettings.Seal(plain, now)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := aesSettings.Seal(plain, now)
	if string(a) == string(b) {
		t.Error("two sealed replies are identical: the random prefix is not fresh")
	}
	got, err := NewSimulator(aesSettings).Open(a)
	if err != nil {
		t.Fatalf("Open(seal(reply)) = %v", err)
	}
	if got.Content != "你好" || got.To != "o_user" {
		t.Errorf("Open(seal(reply)) = %+v, want the reply back", got)
	}
}

// aesSettings are vector A's token, AppID and key.
var aesSettings = Settings{Token: "pamtest", AppID: "wxb11529c136998cb6", EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}

const (
	vectorA1    = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
	vectorA2Msg = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>"
	vectorA2    = "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb"

	vectorCEncrypt = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
	vectorCBody    = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[" + vectorCEncrypt + "]]></Encrypt></xml>"
	vectorDEncrypt = "mfBCs65c67CeJw22u4VT2TD73q5H06+ocrAIxswCaeZ/d/Lw0msSZFHY0teqgSYiI1zR2gD2DKrB3TIrmX/liNSDrGqS8jSI/WPeKB5VPr7Ezr7gomZAyGCwJSgT1TRFWPfONGJMxuj2nk4faTuspAuVIFQ6SHwZuJBZC7mcJp7Cgr9cUhATQWDbOPaE7ukZBTV2YqyzH+UI2AK+J1S47cE79k1RX8t0hcTz/O0hlK8DGXKnvYv88qKQcI7z4iaajqHfRVZKBNyOODabs+It+ZfM3dWTeFcPgDbGtIEnpt/EDtuuA/zMvtkaKdHdswPnVZQ+xdwbYr3ldGvfT8HlEYEgkgKaThxTFobVlwzu2ZkXCjicbP3xdr15Iq48ObgzPpqYuZ3IEoyggZDKClquk0u0orMck4GTF/XyE8yGzc4="
	vectorEEncrypt = "D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg=="
	vectorEReply   = "hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7"
)
