package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	t.Parallel()
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.DevMode || c.HTTPAddr != DevHTTPAddr || c.ReplyBudget != 4500*time.Millisecond || c.RateLimit != 20 || c.SessionTTL != 30*time.Minute || c.TicketRetention != 365*24*time.Hour {
		t.Errorf("defaults = %+v", c)
	}
	if c.WeChat.Token.Reveal() != DevToken || c.WeChat.APIBase != DefaultAPIBase {
		t.Errorf("dev token %q api %q", c.WeChat.Token.Reveal(), c.WeChat.APIBase)
	}
	if got := c.File.Variables()["hotline"]; got != "400-800-9000" {
		t.Errorf("default hotline = %q, want the seed's", got)
	}
	if c.AdminAddr != DefaultAdminAddr || c.DeskIdleTimeout != 30*time.Minute || c.DeskCookieSecure || len(c.File.Desk.CannedReplies) < 2 {
		t.Errorf("desk defaults: admin %q idle %v secure %v %d canned replies", c.AdminAddr, c.DeskIdleTimeout, c.DeskCookieSecure, len(c.File.Desk.CannedReplies))
	}
}

func TestDeskSettings(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{"ADMIN_ADDR": "10.0.0.5:9090", "DESK_IDLE_TIMEOUT": "15m", "DESK_COOKIE_SECURE": "true"}))
	if err != nil || c.AdminAddr != "10.0.0.5:9090" || c.DeskIdleTimeout != 15*time.Minute || !c.DeskCookieSecure {
		t.Errorf("Load = %+v, %v; want the desk settings", c, err)
	}
	bad := map[string]string{"HTTP_ADDR": ":8080", "ADMIN_ADDR": ":8080", "DESK_IDLE_TIMEOUT": "0", "DESK_COOKIE_SECURE": "sometimes"}
	_, err = Load(env(bad))
	for name := range bad {
		if name != "HTTP_ADDR" && (err == nil || !strings.Contains(err.Error(), name)) {
			t.Errorf("Load(%v) error does not name %s: %v", bad, name, err)
		}
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "c.yaml")
	os.WriteFile(file, []byte("desk:\n  canned_replies:\n    - {title: 稍等, text: 您好，正在为您查询。}\n    - {title: \"\", text: x}\n"), 0o644)
	_, err = Load(env(map[string]string{"CONFIG_FILE": file}))
	if err == nil || !strings.Contains(err.Error(), "desk.canned_replies[1].title") {
		t.Errorf("Load with an untitled canned reply: error = %v, want it named", err)
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"production without secrets", map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/0"}, []string{"WECHAT_TOKEN", "ADMIN_TOKEN"}},
		{"bad values", map[string]string{
			"REDIS_URL": "http://x", "HTTP_ADDR": "8080", "WECHAT_ENCODING_AES_KEY": "tooshort",
			"REPLY_BUDGET": "9s", "RATE_LIMIT": "-1", "TICKET_RETENTION": "forever", "LOG_LEVEL": "loud", "WECHAT_API_BASE": "ftp://x",
		}, []string{"REDIS_URL", "HTTP_ADDR", "WECHAT_ENCODING_AES_KEY", "WECHAT_APP_ID", "REPLY_BUDGET", "RATE_LIMIT", "TICKET_RETENTION", "LOG_LEVEL", "WECHAT_API_BASE"}},
		{"missing config file", map[string]string{"CONFIG_FILE": "/nonexistent/yilianbot.yaml"}, []string{"CONFIG_FILE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, name := range tt.want {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("error does not name %s:\n%v", name, err)
				}
			}
		})
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	t.Parallel()
	c, err := Load(env(map[string]string{
		"REDIS_URL": "redis://127.0.0.1:6379/0", "WECHAT_TOKEN": "tokenvalue123", "ADMIN_TOKEN": "adminvalue-0123456789abcdefghijklmn",
		"WECHAT_APP_ID": "wx1234567890abcdef", "WECHAT_APP_SECRET": "appsecretvalue", "WECHAT_ENCODING_AES_KEY": strings.Repeat("k", 43),
	}))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "cfg", c.WeChat, "admin", c.AdminToken)
	fmt.Fprintf(&buf, "%v %+v %#v %s", c, c, c, c.WeChat.AppSecret)
	j, _ := json.Marshal(c)
	buf.Write(j)
	for _, secret := range []string{"tokenvalue123", "adminvalue-0123456789abcdefghijklmn", "appsecretvalue", strings.Repeat("k", 43)} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("a secret was printed: %s", secret)
		}
	}
}

func TestConfigFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "yilianbot.yaml")
	os.WriteFile(path, []byte("contact:\n  hotline: 400-123-4567\nservice_hours:\n  close: \"21:00\"\n  peaks:\n    - {name: 双十一, from: 2026-11-10, to: 2026-11-12, close: \"01:00\"}\n"), 0o644)
	c, err := Load(env(map[string]string{"CONFIG_FILE": path}))
	if err != nil {
		t.Fatal(err)
	}
	v := c.File.Variables()
	if v["hotline"] != "400-123-4567" || v["service_email"] != "service@yeepay.com" || v["service_hours"] != "每天 08:00-21:00" {
		t.Errorf("variables = %v, want the file's hotline and hours over the defaults", v)
	}
	os.WriteFile(path, []byte("contact:\n  hotlne: typo\n"), 0o644)
	if _, err := Load(env(map[string]string{"CONFIG_FILE": path})); err == nil || !strings.Contains(err.Error(), "hotlne") {
		t.Errorf("unknown key in the file: %v, want an error naming it", err)
	}
}

// TestREADMEExample loads the CONFIG_FILE example of README.md, so the documentation an
// operator copies stays valid.
func TestREADMEExample(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "```yaml\ncontact:")
	if !ok {
		t.Fatal("README.md has no CONFIG_FILE example starting with contact:")
	}
	example, _, _ := strings.Cut("contact:"+rest, "```")
	path := filepath.Join(t.TempDir(), "yilianbot.yaml")
	if err := os.WriteFile(path, []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"CONFIG_FILE": path}))
	if err != nil {
		t.Fatalf("the README example does not load: %v", err)
	}
	f := c.File
	if len(f.Notices) != 1 || f.Notices[0].Start.IsZero() || len(f.ServiceHours.Peaks) != 1 || len(f.ServiceHours.Holidays) != 1 {
		t.Errorf("README example loaded as %+v", f)
	}
	if f.Retrieval.UnknownBigrams == nil || *f.Retrieval.UnknownBigrams != 2 || f.Retrieval.PerCategory["refund"] != 0.42 {
		t.Errorf("README retrieval example = %+v", f.Retrieval)
	}
}

// TestServiceHours checks that Load returns service hours parsed once, in their time zone, and
// names every key it cannot parse.
func TestServiceHours(t *testing.T) {
	t.Parallel()
	load := func(yaml string) (Config, error) {
		path := filepath.Join(t.TempDir(), "yilianbot.yaml")
		os.WriteFile(path, []byte(yaml), 0o644)
		return Load(env(map[string]string{"CONFIG_FILE": path}))
	}
	c, err := load("service_hours:\n  time_zone: Asia/Tokyo\n  close: \"24:00\"\n" +
		"  peaks:\n    - {name: 双十一, from: 2026-11-10, to: 2026-11-12, close: \"01:00\"}\n" +
		"  holidays:\n    - {from: 2027-02-05, to: 2027-02-12, text: 春节}\n")
	if err != nil {
		t.Fatal(err)
	}
	sh := c.File.ServiceHours
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, tokyo) }
	if sh.Location.String() != "Asia/Tokyo" || sh.Open != 8*60 || sh.Close != 24*60 {
		t.Errorf("service hours = %v %v-%v, want Asia/Tokyo 08:00-24:00", sh.Location, sh.Open, sh.Close)
	}
	if len(sh.Peaks) != 1 || !sh.Peaks[0].From.Equal(day(11, 10)) || !sh.Peaks[0].To.Equal(day(11, 12)) || sh.Peaks[0].Close != 60 || sh.Peaks[0].Name != "双十一" {
		t.Errorf("peaks = %+v, want 双十一 2026-11-10..12 until 01:00 Tokyo time", sh.Peaks)
	}
	if len(sh.Holidays) != 1 || !sh.Holidays[0].From.Equal(time.Date(2027, 2, 5, 0, 0, 0, 0, tokyo)) || sh.Holidays[0].Text != "春节" {
		t.Errorf("holidays = %+v", sh.Holidays)
	}

	_, err = load("service_hours:\n  time_zone: Mars/Olympus\n  open: \"8:00\"\n  close: \"24:30\"\n" +
		"  peaks:\n    - {name: x, from: 2026-13-01, to: 2026-11-12, close: \"1am\"}\n" +
		"  holidays:\n    - {from: 2027-02-05, to: soon, text: x}\n")
	for _, key := range []string{"service_hours.time_zone", "service_hours.open", "service_hours.close",
		"service_hours.peaks[0].from", "service_hours.peaks[0].close", "service_hours.holidays[0].to"} {
		if err == nil || !strings.Contains(err.Error(), key+":") {
			t.Errorf("error does not name %s:\n%v", key, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "service_hours.peaks[0].to") {
		t.Errorf("error names a valid key:\n%v", err)
	}

	// The urgent desk works the service hours unless configured round the clock: the seed's
	// hotline answers 08:00-22:00, so the 1-hour promise is not made at night by default.
	for _, tt := range []struct {
		yaml    string
		want24h bool
		wantErr bool
	}{
		{"service_hours:\n  open: \"08:00\"\n", false, false},
		{"service_hours:\n  urgent_desk: hours\n", false, false},
		{"service_hours:\n  urgent_desk: 24h\n", true, false},
		{"service_hours:\n  urgent_desk: always\n", false, true},
	} {
		c, err := load(tt.yaml)
		if (err != nil) != tt.wantErr || tt.wantErr && !strings.Contains(err.Error(), "service_hours.urgent_desk:") {
			t.Errorf("Load(%q) error = %v, want error %v naming service_hours.urgent_desk", tt.yaml, err, tt.wantErr)
			continue
		}
		if err == nil && c.File.ServiceHours.UrgentDesk24h != tt.want24h {
			t.Errorf("Load(%q).UrgentDesk24h = %v, want %v", tt.yaml, c.File.ServiceHours.UrgentDesk24h, tt.want24h)
		}
	}
}

// TestAdminToken: production refuses a short ADMIN_TOKEN; development, without one, makes a
// fresh random token instead of a published one.
func TestAdminToken(t *testing.T) {
	t.Parallel()
	prod := func(admin string) map[string]string {
		return map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/0", "WECHAT_TOKEN": "tokenvalue123", "ADMIN_TOKEN": admin}
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr bool
	}{
		{"production, one character", prod("x"), true},
		{"production, 31 characters", prod(strings.Repeat("a", 31)), true},
		{"production, 32 characters", prod(strings.Repeat("a", 32)), false},
		{"production, openssl rand -hex 24", prod("5f0c2a61f6e0a8d3b7c94e21d0a6f3b98c7e15d24a0b6c3f"), false},
		{"development, short token set", map[string]string{"ADMIN_TOKEN": "x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(env(tt.env))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Load = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && (!strings.Contains(err.Error(), "ADMIN_TOKEN") || !strings.Contains(err.Error(), "openssl rand -hex 24")) {
				t.Errorf("error does not name ADMIN_TOKEN and say how to make one: %v", err)
			}
		})
	}

	a, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Load(env(nil))
	got := a.AdminToken.Reveal()
	if got == b.AdminToken.Reveal() || len(got) < MinAdminTokenLen/2 || strings.HasPrefix(got, DevToken) {
		t.Errorf("development ADMIN_TOKEN = %q then %q, want a fresh random token per Load", got, b.AdminToken.Reveal())
	}
	if !slices.Contains(a.DevDefaults, "ADMIN_TOKEN") {
		t.Errorf("DevDefaults = %v, want ADMIN_TOKEN listed", a.DevDefaults)
	}
}

// TestDevListens: development mode listens on the loopback interface unless HTTP_ADDR says
// otherwise; production keeps :8080.
func TestDevListens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"development", nil, "127.0.0.1:8080"},
		{"development, HTTP_ADDR set", map[string]string{"HTTP_ADDR": ":9090"}, ":9090"},
		{"production", map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/0", "WECHAT_TOKEN": "t0k", "ADMIN_TOKEN": strings.Repeat("a", 32)}, ":8080"},
	}
	for _, tt := range tests {
		c, err := Load(env(tt.env))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if c.HTTPAddr != tt.want {
			t.Errorf("%s: HTTPAddr = %q, want %q", tt.name, c.HTTPAddr, tt.want)
		}
	}
}

func TestAllowPlain(t *testing.T) {
	t.Parallel()
	key := strings.Repeat("k", 43)
	tests := []struct {
		name      string
		env       map[string]string
		want      bool
		wantWarn  bool
		wantError bool
	}{
		{"default", map[string]string{"WECHAT_ENCODING_AES_KEY": key, "WECHAT_APP_ID": "wx1234567890abcdef"}, false, false, false},
		{"on with a key", map[string]string{"WECHAT_ENCODING_AES_KEY": key, "WECHAT_APP_ID": "wx1234567890abcdef", "WECHAT_ALLOW_PLAIN": "true"}, true, true, false},
		{"on without a key", map[string]string{"WECHAT_ALLOW_PLAIN": "true"}, true, true, false},
		{"off", map[string]string{"WECHAT_ALLOW_PLAIN": "false"}, false, false, false},
		{"not a bool", map[string]string{"WECHAT_ALLOW_PLAIN": "maybe"}, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env))
			if tt.wantError {
				if err == nil || !strings.Contains(err.Error(), "WECHAT_ALLOW_PLAIN") {
					t.Errorf("Load = %v, want an error naming WECHAT_ALLOW_PLAIN", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			warned := slices.ContainsFunc(c.Warnings, func(w string) bool { return strings.Contains(w, "WECHAT_ALLOW_PLAIN") })
			if c.WeChat.AllowPlain != tt.want || warned != tt.wantWarn {
				t.Errorf("AllowPlain = %v, warned = %v, want %v, %v", c.WeChat.AllowPlain, warned, tt.want, tt.wantWarn)
			}
		})
	}
}

// TestLoadFor checks that a command is refused only for the settings it uses, and that the
// error names each missing or invalid one.
func TestLoadFor(t *testing.T) {
	t.Parallel()
	// What a production container sets for serve, minus the secrets kb and menu do not use.
	prod := map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/0", "REPLY_BUDGET": "forever"}
	tests := []struct {
		name    string
		need    Need
		env     map[string]string
		want    []string // named in the error; none means success
		notWant []string // never named
	}{
		{"kb check in production", 0, prod, nil, nil},
		{"kb check, bad log level", 0, map[string]string{"LOG_LEVEL": "loud"}, []string{"LOG_LEVEL"}, nil},
		{"kb unknown without REDIS_URL", NeedRedis, nil, []string{"REDIS_URL"}, []string{"WECHAT_TOKEN", "ADMIN_TOKEN"}},
		{"kb unknown with a bad REDIS_URL", NeedRedis, map[string]string{"REDIS_URL": "http://x"}, []string{"REDIS_URL"}, nil},
		{"kb unknown in production", NeedRedis, prod, nil, nil},
		{"menu push without credentials", NeedWeChatAPI, prod, []string{"WECHAT_APP_ID", "WECHAT_APP_SECRET"}, []string{"WECHAT_TOKEN", "ADMIN_TOKEN", "REDIS_URL", "REPLY_BUDGET"}},
		{"menu push", NeedWeChatAPI, map[string]string{"WECHAT_APP_ID": "wxb11529c136998cb6", "WECHAT_APP_SECRET": "s"}, nil, nil},
		{"menu push, bad api base", NeedWeChatAPI, map[string]string{"WECHAT_APP_ID": "wxb11529c136998cb6", "WECHAT_APP_SECRET": "s", "WECHAT_API_BASE": "ftp://x"}, []string{"WECHAT_API_BASE"}, nil},
		{"serve in production", NeedServer, prod, []string{"WECHAT_TOKEN", "ADMIN_TOKEN", "REPLY_BUDGET"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := LoadFor(env(tt.env), tt.need)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("LoadFor(%b) = %v, want no error", tt.need, err)
				}
				if tt.need&NeedServer == 0 && (c.DevMode || c.AdminToken != "" || c.WeChat.Token != "") {
					t.Errorf("LoadFor(%b) filled development settings: dev=%v", tt.need, c.DevMode)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadFor(%b) succeeded, want an error naming %v", tt.need, tt.want)
			}
			for _, name := range tt.want {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("error does not name %s:\n%v", name, err)
				}
			}
			for _, name := range tt.notWant {
				if strings.Contains(err.Error(), name) {
					t.Errorf("error names %s, which this command does not use:\n%v", name, err)
				}
			}
		})
	}
}
