package main

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
)

// TestServeRefusesDowngrade replays the review's attack on a safe-mode server: a captured
// callback URL with encrypt_type and msg_signature dropped, posting a plain body as another
// user. It is refused; with WECHAT_ALLOW_PLAIN=true (a migration) it is not.
func TestServeRefusesDowngrade(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		allow string
		want  int
	}{{"", http.StatusForbidden}, {"true", http.StatusOK}} {
		t.Run("WECHAT_ALLOW_PLAIN="+tt.allow, func(t *testing.T) {
			t.Parallel()
			url, prefix := redistest.NewURL(t)
			env := map[string]string{
				"REDIS_URL":               url,
				"REDIS_PREFIX":            prefix,
				"WECHAT_TOKEN":            "e2etoken",
				"WECHAT_APP_ID":           "wxb11529c136998cb6",
				"WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
				"WECHAT_ALLOW_PLAIN":      tt.allow,
				"ADMIN_TOKEN":             "e2e-admin-token-0123456789abcdefghij",
			}
			base, logs := startRun(t, env)
			sim := wechat.NewSimulator(wechat.Settings{Token: "e2etoken", AppID: env["WECHAT_APP_ID"], EncodingAESKey: env["WECHAT_ENCODING_AES_KEY"]})
			captured, err := sim.Request(base+"/wechat", sim.TextXML("o_owner", "你好", sim.NextMsgID(), time.Now()), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			q := captured.URL.Query()
			q.Del("encrypt_type")
			q.Del("msg_signature")
			captured.URL.RawQuery = q.Encode()
			resp, err := http.Post(captured.URL.String(), "text/xml", bytes.NewReader(sim.TextXML("o_victim", "我的工单", sim.NextMsgID(), time.Now())))
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("downgraded callback = %d, want %d", resp.StatusCode, tt.want)
			}
			if warned := strings.Contains(logs.String(), "WECHAT_ALLOW_PLAIN is on"); warned != (tt.allow == "true") {
				t.Errorf("startup warning about WECHAT_ALLOW_PLAIN = %v, want %v", warned, tt.allow == "true")
			}
		})
	}
}
