package main

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
)

// TestServeRefusesReplay: a captured plain callback URL posted again with another body (a
// victim's openid asking for their tickets) is refused by the real bot on real Redis, while
// WeChat's exact re-delivery of the callback still gets the identical reply.
func TestServeRefusesReplay(t *testing.T) {
	t.Parallel()
	url, prefix := redistest.NewURL(t)
	env := map[string]string{
		"REDIS_URL":    url,
		"REDIS_PREFIX": prefix,
		"WECHAT_TOKEN": "e2etoken",
		"ADMIN_TOKEN":  "e2e-admin-token-0123456789abcdefghij",
	}
	base, _ := startRun(t, env)
	sim := wechat.NewSimulator(wechat.Settings{Token: "e2etoken"})
	signed, err := sim.Request(base+"/wechat", sim.TextXML("o_replay_owner", "对账单在哪下载", sim.NextMsgID(), time.Now()), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(signed.Body)
	post := func(b []byte) (int, []byte) {
		t.Helper()
		resp, err := http.Post(signed.URL.String(), "text/xml", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out
	}

	code1, reply1 := post(body)
	code2, reply2 := post(body)
	if code1 != 200 || code2 != 200 || !bytes.Equal(reply1, reply2) {
		t.Fatalf("delivery and re-delivery = %d, %d (identical %v), want 200, 200 and the same reply", code1, code2, bytes.Equal(reply1, reply2))
	}
	forged := sim.TextXML("o_replay_victim", "我的工单", sim.NextMsgID(), time.Now())
	if code, out := post(forged); code != http.StatusForbidden {
		t.Errorf("captured URL with another body = %d %s, want 403", code, out)
	}
	if code, out := post(body); code != 200 || !bytes.Equal(out, reply1) {
		t.Errorf("re-delivery after the forgery = %d, want 200 and the first reply", code)
	}
}
