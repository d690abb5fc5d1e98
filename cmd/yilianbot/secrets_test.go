package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/bot/secret/secrettest"
	"github.com/yilianpay/yilianbot/handlers/openapitest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
	"github.com/yilianpay/yilianbot/handlers/wechat/wechatfake"
)

var (
	ticketNoRE   = regexp.MustCompile(`GD\d{12}`)
	labelValueRE = regexp.MustCompile(`\{[^}]*\}`)
	// numericAttrRE is a log attribute whose value is a number (duration_ms=150) or the time:
	// the process's own figures, not a user's words.
	numericAttrRE = regexp.MustCompile(`(?:time=\S+|"time":"[^"]*"|\b\w+=[0-9.]+\b|"\w+":[0-9.]+)`)
)

// TestNoSecretAtRestEndToEnd sends every secret of every corpus through the real binary: as a
// WeChat user's message in plain and in AES mode, and for every fifth row also as a ticket's
// description and inside an agent's reply through the agent API (which must refuse it). Then it searches every key under
// the bot's prefix (all types), every agent-API answer, /metrics, `kb unknown`, every reply, every
// message sent to WeChat and every log line: no secret may be found. Look-alikes must still
// serve: a merchant number files a ticket, a ticket number is looked up.
func TestNoSecretAtRestEndToEnd(t *testing.T) {
	t.Parallel()
	rows := secrettest.Secrets(t)
	looks := secrettest.Lookalikes(t)
	for _, mode := range []string{"plain", "aes"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			url, prefix := redistest.NewURL(t)
			fake := wechatfake.New()
			t.Cleanup(fake.Close)
			const adminToken = "e2e-admin-token-0123456789abcdefghij"
			env := map[string]string{
				"REDIS_URL":         url,
				"REDIS_PREFIX":      prefix,
				"WECHAT_TOKEN":      "e2etoken",
				"WECHAT_APP_ID":     fake.AppID,
				"WECHAT_APP_SECRET": fake.AppSecret,
				"WECHAT_API_BASE":   fake.URL,
				"ADMIN_TOKEN":       adminToken,
				"LOG_LEVEL":         "debug",
				"REPLY_BUDGET":      "4.9s",
				"RATE_LIMIT":        "1000",
			}
			wc := wechat.Settings{Token: "e2etoken", AppID: fake.AppID}
			if mode == "aes" {
				env["WECHAT_ENCODING_AES_KEY"] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
				wc.EncodingAESKey = env["WECHAT_ENCODING_AES_KEY"]
			}
			base, adminBase, logs := startServe(t, env)
			e := e2e{t: t, base: base, adminBase: adminBase, sim: wechat.NewSimulator(wc), admin: adminToken, api: openapitest.Load(t).Client(t)}

			var seen []string // replies, API answers, anything the outside world gets
			refused := 0
			for i, r := range rows {
				user := "o_sec_" + secrettest.Name(i)
				seen = append(seen, e.say(user, r.Message))
				if i%5 != 0 {
					// The bot's own corpus test sends every row through the ticket flow and
					// the desk; here a sample proves the HTTP doors.
					continue
				}

				// The same message as a ticket's description (a complaint goes straight to it).
				flow := user + "_flow"
				e.say(flow, "提交工单")
				e.say(flow, "3")
				seen = append(seen, e.say(flow, r.Message))
				done := e.say(flow, "跳过")
				if !ticketNoRE.MatchString(done) {
					e.say(flow, "结算款一直没有到账，请尽快处理")
					done = e.say(flow, "跳过")
				}
				seen = append(seen, done)
				no := ticketNoRE.FindString(done)
				if no == "" {
					t.Fatalf("%s: the ticket flow created no ticket: %q", r.Where, done)
				}
				status, body := e.call("POST", "/api/v1/tickets/"+no+"/replies", `{"text":`+jsonString("您好，"+r.Message)+`}`)
				seen = append(seen, body)
				if status == http.StatusUnprocessableEntity {
					// Refused, as an agent's reply carrying a secret must be.
					refused++
				} else {
					t.Errorf("%s: an agent reply carrying the secret got HTTP %d %s, want 422", r.Where, status, body)
				}
				_, body = e.call("GET", "/api/v1/tickets/"+no, "")
				seen = append(seen, body)
			}
			_, body := e.call("GET", "/api/v1/tickets?per_page=100", "")
			seen = append(seen, body)
			_, body = e.call("GET", "/api/v1/stats", "")
			seen = append(seen, body)
			_, body = e.metrics()
			// Sample values are numbers of the process's own (a goroutine count of 150 is no
			// CVV); what could carry a user's text is a label value.
			seen = append(seen, strings.Join(labelValueRE.FindAllString(body, -1), "\n"))
			for _, s := range fake.Sent() {
				seen = append(seen, s.Content)
			}
			var unknown bytes.Buffer
			if err := run(context.Background(), []string{"kb", "unknown"}, func(k string) string { return env[k] }, strings.NewReader(""), &unknown, io.Discard, hooks{}); err != nil {
				t.Fatalf("kb unknown: %v", err)
			}
			seen = append(seen, unknown.String())

			stored := dumpPrefix(t, url, prefix)
			leaked := secrettest.Search(t, rows, stored, map[string][]string{
				"what reached the outside": seen,
				"the logs":                 strings.Split(numericAttrRE.ReplaceAllString(logs.String(), ""), "\n"),
			})
			t.Logf("%s mode: %d secrets through the webhook, a sample as tickets and agent replies (%d refused): %d leaked; searched %d keys, %d answers, %d bytes of logs",
				mode, len(rows), refused, leaked, len(stored), len(seen), len(logs.String()))

			// Look-alikes still do their job.
			for i, r := range looks {
				user := "o_look_" + secrettest.Name(i)
				switch r.Kind {
				case "merchant":
					e.say(user, "提交工单")
					e.say(user, "1")
					if got := e.say(user, r.Message); strings.Contains(got, "商户编号格式") || strings.Contains(got, "已隐藏") {
						t.Errorf("%s: merchant number in %q refused in the ticket flow: %q", r.Where, r.Message, got)
					}
					e.say(user, "取消")
				default:
					if got := e.say(user, r.Message); strings.Contains(got, "已隐藏") || strings.Contains(got, "请勿发送") {
						t.Errorf("%s: look-alike %s %q treated as a secret: %q", r.Where, r.Kind, r.Value, got)
					}
				}
			}
		})
	}
}

// e2e talks to a running binary as WeChat (on base) and as an agent (on adminBase).
type e2e struct {
	t         *testing.T
	base      string
	adminBase string
	sim       *wechat.Simulator
	admin     string       // ADMIN_TOKEN
	api       *http.Client // checks every answer against openapi.yaml
}

// say posts a signed text message as user and returns the reply's text.
func (e e2e) say(user, text string) string {
	e.t.Helper()
	req, err := e.sim.Request(e.base+"/wechat", e.sim.TextXML(user, text, e.sim.NextMsgID(), time.Now()), time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("POST /wechat %q: HTTP %d %s", text, resp.StatusCode, body)
	}
	r, err := e.sim.Open(body)
	if err != nil {
		e.t.Fatal(err)
	}
	return r.Content
}

// call calls the agent API with the admin token.
func (e e2e) call(method, path, body string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.adminBase+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.api.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// metrics scrapes the admin listener's /metrics.
func (e e2e) metrics() (int, string) {
	e.t.Helper()
	resp, err := http.Get(e.adminBase + "/metrics")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// dumpPrefix reads every key the binary wrote under prefix.
func dumpPrefix(t *testing.T, url, prefix string) map[string][]string {
	t.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(o)
	defer rdb.Close()
	return redistest.Dump(t, rdb, prefix)
}
