package wechat

import (
	"net/url"
	"strings"
	"testing"
)

func TestCallbackID(t *testing.T) {
	t.Parallel()
	base := url.Values{"timestamp": {"1409735669"}, "nonce": {"1320562132"}, "signature": {"16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"}}
	with := func(kv ...string) url.Values {
		q := url.Values{}
		for k, v := range base {
			q[k] = append([]string(nil), v...)
		}
		for i := 0; i < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		return q
	}
	id := CallbackID(base)
	if len(id) != 64 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Fatalf("CallbackID = %q, want 64 hex digits", id)
	}
	tests := []struct {
		name string
		q    url.Values
		same bool
	}{
		{"the same callback", with(), true},
		{"upper-case signature (Verify accepts it)", with("signature", strings.ToUpper(base.Get("signature"))), true},
		{"unchecked msg_signature on a plain callback", with("msg_signature", strings.Repeat("a", 40)), true},
		{"openid changed (not signed)", with("openid", "o_other"), true},
		{"another nonce", with("nonce", "1"), false},
		{"another timestamp", with("timestamp", "1409735670"), false},
		{"another signature", with("signature", strings.Repeat("0", 40)), false},
		{"encrypted: msg_signature counts", with("encrypt_type", "aes", "msg_signature", strings.Repeat("a", 40)), false},
	}
	for _, tt := range tests {
		if got := CallbackID(tt.q) == id; got != tt.same {
			t.Errorf("%s: same CallbackID = %v, want %v", tt.name, got, tt.same)
		}
	}
	enc1 := with("encrypt_type", "aes", "msg_signature", strings.Repeat("a", 40))
	enc2 := with("encrypt_type", "aes", "msg_signature", strings.Repeat("A", 40))
	if CallbackID(enc1) != CallbackID(enc2) {
		t.Error("msg_signature's case changes the CallbackID; Decode accepts either case")
	}
}

func TestBodyHash(t *testing.T) {
	t.Parallel()
	// SHA-256 of the empty string and of "abc" (FIPS 180-2).
	tests := []struct{ in, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		if got := BodyHash([]byte(tt.in)); got != tt.want {
			t.Errorf("BodyHash(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestDecodeRefusesPlainWithKey: with an AES key, only encrypted callbacks are accepted unless
// AllowPlain is set; compatible mode's body carries both and its encrypted part is used.
func TestDecodeRefusesPlainWithKey(t *testing.T) {
	t.Parallel()
	const key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	strict := Settings{Token: "spamtest", AppID: "wx2c2769f8efd9abc2", EncodingAESKey: key}
	migrating := strict
	migrating.AllowPlain = true
	plainQ := url.Values{"timestamp": {"1409735669"}, "nonce": {"1320562132"}, "signature": {"16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"}}
	aesQ := url.Values{"timestamp": {"1409735669"}, "nonce": {"1320562132"}, "signature": {"16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"},
		"encrypt_type": {"aes"}, "msg_signature": {"5d197aaffba7e9b25a30732f161a50dee96bd5fa"}}
	// Vector C's body with its plain part rewritten to speak as someone else: only the
	// encrypted part, covered by msg_signature, may count.
	forgedCompat := strings.Replace(vectorCBody, "oyORnuP8q7ou2gfYjqLzSIWZf0rs", "o_victim", 1)
	plainOnly := "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[o_victim]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[我的工单]]></Content><MsgId>1</MsgId></xml>"
	tests := []struct {
		name       string
		st         Settings
		q          url.Values
		body       string
		wantReason string // "" accepted
		wantFrom   string
	}{
		{"compatible mode", strict, aesQ, vectorCBody, "", "oyORnuP8q7ou2gfYjqLzSIWZf0rs"},
		{"compatible mode, plain part forged", strict, aesQ, forgedCompat, "", "oyORnuP8q7ou2gfYjqLzSIWZf0rs"},
		{"encrypt_type and msg_signature dropped", strict, plainQ, forgedCompat, "plain_refused", ""},
		{"plain body", strict, plainQ, plainOnly, "plain_refused", ""},
		{"plain body while migrating", migrating, plainQ, plainOnly, "", "o_victim"},
		{"plain body without a key", Settings{Token: "spamtest"}, plainQ, plainOnly, "", "o_victim"},
		{"huge openid", Settings{Token: "spamtest"}, plainQ, strings.Replace(plainOnly, "o_victim", strings.Repeat("o", 200), 1), "malformed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, rj := tt.st.Decode(tt.q, []byte(tt.body))
			switch {
			case tt.wantReason == "" && rj != nil:
				t.Fatalf("Decode refused: %v", rj)
			case tt.wantReason != "" && (rj == nil || rj.Reason != tt.wantReason):
				t.Fatalf("Decode = %v, want refused with %s", rj, tt.wantReason)
			case tt.wantReason == "" && string(m.FromUserName) != tt.wantFrom:
				t.Errorf("FromUserName = %q, want %q", m.FromUserName, tt.wantFrom)
			}
			if rj != nil && rj.Status != 400 && rj.Status != 403 {
				t.Errorf("status = %d, want 400 or 403", rj.Status)
			}
		})
	}
}
