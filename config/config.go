// Package config loads yilianbot's configuration from the environment and an optional YAML file.
//
// Secrets (tokens, keys) come only from the environment; the file named by CONFIG_FILE holds
// non-secret settings an operator edits: contact details, service hours, notices and the custom menu.
package config

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Secret is a string that never prints: fmt, slog and JSON all see a redaction marker.
type Secret string

// String returns a redaction marker, so a Secret formatted with %s or %v does not leak.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[REDACTED]"
}

// GoString redacts the value under %#v too.
func (s Secret) GoString() string { return s.String() }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText redacts the value in JSON and YAML output.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reveal returns the secret itself, for the one place that must use it.
func (s Secret) Reveal() string { return string(s) }

// DevToken is the WeChat token used in development mode (no REDIS_URL) when WECHAT_TOKEN is unset.
// It is published (the chat command and wxload sign with it), so it protects nothing.
const DevToken = "yilianbotdev"

// DevHTTPAddr is where development mode listens unless HTTP_ADDR says otherwise: only this
// machine, since its tokens are published or printed.
const DevHTTPAddr = "127.0.0.1:8080"

// DefaultAdminAddr is where the admin listener (the desk, the agent API, metrics) listens
// unless ADMIN_ADDR says otherwise: only this machine. docker-compose publishes it on the
// internal network only.
const DefaultAdminAddr = "127.0.0.1:8081"

// MinAdminTokenLen is the shortest ADMIN_TOKEN production accepts: 32 characters, which
// openssl rand -hex 24 (48) exceeds.
const MinAdminTokenLen = 32

// DefaultAPIBase is WeChat's API host.
const DefaultAPIBase = "https://api.weixin.qq.com"

// Config is the whole configuration of the process.
type Config struct {
	HTTPAddr string
	// AdminAddr is the admin listener's address: the desk, the agent API and /metrics.
	AdminAddr string
	// DeskCookieSecure marks the desk's session cookie Secure on plain HTTP too (behind a
	// TLS-terminating proxy).
	DeskCookieSecure bool
	// DeskIdleTimeout ends a desk session unused this long.
	DeskIdleTimeout time.Duration
	LogLevel        slog.Level
	LogFormat       string // "text" or "json"

	// RedisURL is empty in development mode: an embedded Redis that keeps nothing is started.
	RedisURL     string
	RedisPrefix  string
	RedisTimeout time.Duration

	WeChat     WeChat
	AdminToken Secret

	// DevMode is true when REDIS_URL is empty: embedded Redis and development tokens.
	DevMode bool
	// DevDefaults lists the settings that were filled with development values: WECHAT_TOKEN
	// (the published DevToken), ADMIN_TOKEN (random per start) and HTTP_ADDR (DevHTTPAddr).
	DevDefaults []string
	// Warnings are problems that do not stop the process; run logs them.
	Warnings []string

	ReplyBudget   time.Duration
	SessionTTL    time.Duration
	TranscriptTTL time.Duration
	// TicketRetention is how long a resolved or closed ticket (with its contact and
	// transcript copy) is kept.
	TicketRetention time.Duration
	RateLimit       int // messages per openid per minute
	KBDir           string
	ConfigFile      string

	File File
}

// WeChat holds the official account's credentials.
type WeChat struct {
	AppID          string
	AppSecret      Secret
	Token          Secret
	EncodingAESKey Secret
	// AllowPlain accepts plain callbacks although EncodingAESKey is set (WECHAT_ALLOW_PLAIN),
	// only for the switch from plain to safe mode.
	AllowPlain bool
	APIBase    string
	// KfAccount optionally names the agent account that handoffs go to.
	KfAccount string
}

// File is the content of CONFIG_FILE over the defaults: settings an operator edits that are
// not secrets.
type File struct {
	Contact      Contact
	ServiceHours ServiceHours
	Notices      []Notice
	Retrieval    Retrieval
	Menu         []MenuGroup
	Tickets      TicketOptions
	Desk         DeskOptions
}

// DeskOptions configures the agents' desk.
type DeskOptions struct {
	CannedReplies []CannedReply `yaml:"canned_replies"`
}

// CannedReply is a prepared reply agents pick from.
type CannedReply struct {
	Title string `yaml:"title"`
	Text  string `yaml:"text"`
}

// fileDoc is CONFIG_FILE as written; Load parses it into a File.
type fileDoc struct {
	Contact      Contact       `yaml:"contact"`
	ServiceHours hoursDoc      `yaml:"service_hours"`
	Notices      []Notice      `yaml:"notices"`
	Retrieval    Retrieval     `yaml:"retrieval"`
	Menu         []MenuGroup   `yaml:"menu"`
	Tickets      TicketOptions `yaml:"tickets"`
	Desk         DeskOptions   `yaml:"desk"`
}

// Contact holds the contact details that knowledge-base answers refer to as template variables.
type Contact struct {
	Hotline          string `yaml:"hotline"`
	HotlineMenu      string `yaml:"hotline_menu"`
	EmergencyLine    string `yaml:"emergency_line"`
	ServiceEmail     string `yaml:"service_email"`
	ComplaintEmail   string `yaml:"complaint_email"`
	CrossBorderHours string `yaml:"cross_border_hours"`
	PeakHours        string `yaml:"peak_hours"`
	AccountName      string `yaml:"account_name"`
}

// ServiceHours says when human agents answer.
type ServiceHours struct {
	Location *time.Location // time_zone
	Open     Clock
	Close    Clock // before Open means past midnight
	Peaks    []Peak
	Holidays []Note
	// UrgentDesk24h says that urgent (fund-safety) tickets are handled around the clock
	// (service_hours.urgent_desk: 24h). The default, "hours", is what the seed describes: the
	// hotline answers 08:00-22:00, so the bot promises the 1-hour red channel only then.
	UrgentDesk24h bool
}

// Clock is a time of day in minutes after midnight; 24:00 is a valid closing time.
type Clock int

// parseClock parses "HH:MM".
func parseClock(s string) (Clock, bool) {
	if !clockRE.MatchString(s) {
		return 0, false
	}
	h, _ := strconv.Atoi(s[:2])
	m, _ := strconv.Atoi(s[3:])
	if h == 24 && m > 0 {
		return 0, false
	}
	return Clock(h*60 + m), true
}

// String formats c as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Peak is a dated period with extended hours (the seed: 双十一 and 春节 until 01:00).
type Peak struct {
	Name     string
	From, To time.Time // midnight in ServiceHours.Location; To inclusive
	Close    Clock
}

// Note is a dated remark shown to users, for example a holiday schedule.
type Note struct {
	From, To time.Time // midnight in ServiceHours.Location; To inclusive
	Text     string
}

// hoursDoc is service_hours as written in CONFIG_FILE.
type hoursDoc struct {
	TimeZone string    `yaml:"time_zone"`
	Open     string    `yaml:"open"`  // "08:00"
	Close    string    `yaml:"close"` // "22:00"
	Peaks    []peakDoc `yaml:"peaks"`
	Holidays []noteDoc `yaml:"holidays"`
	// UrgentDesk is "hours" (urgent tickets are handled in service hours) or "24h".
	UrgentDesk string `yaml:"urgent_desk"`
}

type peakDoc struct {
	Name  string `yaml:"name"`
	From  string `yaml:"from"` // "2026-11-10"
	To    string `yaml:"to"`   // "2026-11-12", inclusive
	Close string `yaml:"close"`
}

type noteDoc struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
	Text string `yaml:"text"`
}

// parse checks service_hours and returns it typed; every error names its key.
func (d hoursDoc) parse() (ServiceHours, []error) {
	var errs []error
	loc, err := time.LoadLocation(d.TimeZone)
	if err != nil {
		errs = append(errs, fmt.Errorf("service_hours.time_zone: %q is not a time zone", d.TimeZone))
		loc = time.UTC // only to parse the dates below
	}
	clock := func(key, v string) Clock {
		c, ok := parseClock(v)
		if !ok {
			errs = append(errs, fmt.Errorf("service_hours.%s: %q is not HH:MM", key, v))
		}
		return c
	}
	date := func(key, v string) time.Time {
		t, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil {
			errs = append(errs, fmt.Errorf("service_hours.%s: %q is not YYYY-MM-DD", key, v))
		}
		return t
	}
	sh := ServiceHours{Location: loc, Open: clock("open", d.Open), Close: clock("close", d.Close)}
	switch d.UrgentDesk {
	case "", "hours":
	case "24h":
		sh.UrgentDesk24h = true
	default:
		errs = append(errs, fmt.Errorf("service_hours.urgent_desk: %q is not hours or 24h", d.UrgentDesk))
	}
	for i, p := range d.Peaks {
		key := fmt.Sprintf("peaks[%d].", i)
		sh.Peaks = append(sh.Peaks, Peak{Name: p.Name, From: date(key+"from", p.From), To: date(key+"to", p.To), Close: clock(key+"close", p.Close)})
	}
	for i, n := range d.Holidays {
		key := fmt.Sprintf("holidays[%d].", i)
		sh.Holidays = append(sh.Holidays, Note{From: date(key+"from", n.From), To: date(key+"to", n.To), Text: n.Text})
	}
	return sh, errs
}

// Notice is a maintenance or incident notice prepended to replies while active.
type Notice struct {
	Text  string    `yaml:"text"`
	Start time.Time `yaml:"start"`
	End   time.Time `yaml:"end"`
}

// Retrieval holds the FAQ decision thresholds the operator overrides; nil means the knowledge
// base's default (kb.DefaultThresholds), which cmd applies. The by-category maps are merged over
// the defaults, slug by slug.
//
// The probability keys decide while AnswerProbability is above 0 (the default): a query is
// answered when its best entry's calibrated confidence reaches answer_probability (or its
// category's) with probability_margin to the next entry. The similarity keys below them decide
// only when answer_probability is 0, the rule before calibrated confidence existed;
// suggest_confidence applies in both.
type Retrieval struct {
	AnswerProbability     *float64           `yaml:"answer_probability"`
	ProbabilityMargin     *float64           `yaml:"probability_margin"`
	ProbabilityByCategory map[string]float64 `yaml:"answer_probability_by_category"`
	SuggestProbability    *float64           `yaml:"suggest_probability"`
	UnrelatedProbability  *float64           `yaml:"unrelated_probability"`

	AnswerConfidence  *float64           `yaml:"answer_confidence"`
	AnswerMargin      *float64           `yaml:"answer_margin"`
	SuggestConfidence *float64           `yaml:"suggest_confidence"`
	PerCategory       map[string]float64 `yaml:"answer_confidence_by_category"`
	UnknownBigrams    *int               `yaml:"unknown_bigrams"`
	UnknownConfidence *float64           `yaml:"unknown_confidence"`
}

// MenuGroup is one top-level button of the official account's custom menu.
type MenuGroup struct {
	Name  string   `yaml:"name"`
	Key   string   `yaml:"key"`   // a click button when Items is empty
	Items []string `yaml:"items"` // category slugs or the keys "handoff" and "my_tickets"
}

// TicketOptions configures work orders.
type TicketOptions struct {
	TemplateID string `yaml:"template_id"`
}

// Variables returns the knowledge base's template variables filled from the contact details
// and service hours.
func (f File) Variables() map[string]string {
	c := f.Contact
	return map[string]string{
		"hotline":            c.Hotline,
		"hotline_menu":       c.HotlineMenu,
		"emergency_line":     c.EmergencyLine,
		"service_email":      c.ServiceEmail,
		"complaint_email":    c.ComplaintEmail,
		"service_hours":      "每天 " + f.ServiceHours.Open.String() + "-" + f.ServiceHours.Close.String(),
		"peak_hours":         c.PeakHours,
		"cross_border_hours": c.CrossBorderHours,
		"account_name":       c.AccountName,
	}
}

// Need names the groups of settings a command uses. LoadFor requires and checks only the
// groups asked for, so that `kb check` runs where WECHAT_TOKEN is not set and `menu show`
// needs no secret. The log, knowledge-base and CONFIG_FILE settings are always read.
type Need uint

const (
	// NeedServer is everything serve and chat use: HTTP_ADDR, the webhook's WeChat token and
	// AES key, ADMIN_TOKEN, the timeouts and limits, and REDIS_URL or development mode.
	NeedServer Need = 1 << iota
	// NeedRedis requires REDIS_URL: the command reads what the server kept.
	NeedRedis
	// NeedWeChatAPI requires WECHAT_APP_ID and WECHAT_APP_SECRET: the command calls WeChat's API.
	NeedWeChatAPI
)

// Load reads the configuration of the server; it is LoadFor(getenv, NeedServer).
func Load(getenv func(string) string) (Config, error) { return LoadFor(getenv, NeedServer) }

// LoadFor reads the configuration from getenv and, when CONFIG_FILE is set, from that file,
// checking the groups of settings need names. Every problem is reported in one error, naming
// each variable. Settings outside need keep their defaults when they do not parse.
func LoadFor(getenv func(string) string, need Need) (Config, error) {
	var errs []error
	server := need&NeedServer != 0
	// check records err when the setting belongs to a group the command needs.
	check := func(n Need, err error) {
		if need&n != 0 {
			errs = append(errs, err)
		}
	}
	c := Config{
		HTTPAddr:    strings.TrimSpace(getenv("HTTP_ADDR")),
		AdminAddr:   or(getenv("ADMIN_ADDR"), DefaultAdminAddr),
		LogFormat:   or(getenv("LOG_FORMAT"), "text"),
		RedisURL:    strings.TrimSpace(getenv("REDIS_URL")),
		RedisPrefix: or(getenv("REDIS_PREFIX"), "yl:"),
		WeChat: WeChat{
			AppID:          strings.TrimSpace(getenv("WECHAT_APP_ID")),
			AppSecret:      Secret(strings.TrimSpace(getenv("WECHAT_APP_SECRET"))),
			Token:          Secret(strings.TrimSpace(getenv("WECHAT_TOKEN"))),
			EncodingAESKey: Secret(strings.TrimSpace(getenv("WECHAT_ENCODING_AES_KEY"))),
			APIBase:        strings.TrimRight(or(getenv("WECHAT_API_BASE"), DefaultAPIBase), "/"),
			KfAccount:      strings.TrimSpace(getenv("WECHAT_KF_ACCOUNT")),
		},
		AdminToken: Secret(strings.TrimSpace(getenv("ADMIN_TOKEN"))),
		KBDir:      strings.TrimSpace(getenv("KB_DIR")),
		ConfigFile: strings.TrimSpace(getenv("CONFIG_FILE")),
	}
	c.DevMode = c.RedisURL == "" && server
	if c.HTTPAddr == "" {
		c.HTTPAddr = ":8080"
		if c.DevMode {
			c.HTTPAddr = DevHTTPAddr
			c.DevDefaults = append(c.DevDefaults, "HTTP_ADDR")
		}
	}

	duration := func(name string, def time.Duration, dst *time.Duration) {
		v := getenv(name)
		if v == "" {
			*dst = def
			return
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			*dst = def
			check(NeedServer, fmt.Errorf("%s: %q is not a positive duration such as 4.5s", name, v))
			return
		}
		*dst = d
	}
	duration("REPLY_BUDGET", 4500*time.Millisecond, &c.ReplyBudget)
	duration("REDIS_TIMEOUT", 500*time.Millisecond, &c.RedisTimeout)
	duration("SESSION_TTL", 30*time.Minute, &c.SessionTTL)
	duration("TRANSCRIPT_TTL", 7*24*time.Hour, &c.TranscriptTTL)
	duration("TICKET_RETENTION", 365*24*time.Hour, &c.TicketRetention)
	duration("DESK_IDLE_TIMEOUT", 30*time.Minute, &c.DeskIdleTimeout)
	if c.ReplyBudget > 4900*time.Millisecond {
		check(NeedServer, fmt.Errorf("REPLY_BUDGET: %s leaves no time before WeChat's 5 s limit; use at most 4.9s", c.ReplyBudget))
	}

	if v := strings.TrimSpace(getenv("DESK_COOKIE_SECURE")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			check(NeedServer, fmt.Errorf("DESK_COOKIE_SECURE: %q is not true or false", v))
		}
		c.DeskCookieSecure = b
	}

	if v := strings.TrimSpace(getenv("WECHAT_ALLOW_PLAIN")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			check(NeedServer, fmt.Errorf("WECHAT_ALLOW_PLAIN: %q is not true or false", v))
		}
		c.WeChat.AllowPlain = b
	}

	c.RateLimit = 20
	if v := getenv("RATE_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			check(NeedServer, fmt.Errorf("RATE_LIMIT: %q is not a positive number of messages per minute", v))
		} else {
			c.RateLimit = n
		}
	}

	switch v := strings.ToUpper(or(getenv("LOG_LEVEL"), "INFO")); v {
	case "DEBUG", "INFO", "WARN", "ERROR":
		_ = c.LogLevel.UnmarshalText([]byte(v))
	default:
		errs = append(errs, fmt.Errorf("LOG_LEVEL: %q is not one of debug, info, warn, error", v))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT: %q is not text or json", c.LogFormat))
	}

	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		check(NeedServer, fmt.Errorf("HTTP_ADDR: %q is not host:port (for example :8080)", c.HTTPAddr))
	}
	if _, port, err := net.SplitHostPort(c.AdminAddr); err != nil {
		check(NeedServer, fmt.Errorf("ADMIN_ADDR: %q is not host:port (for example 127.0.0.1:8081)", c.AdminAddr))
	} else if c.AdminAddr == c.HTTPAddr && port != "0" {
		check(NeedServer, errors.New("ADMIN_ADDR: must differ from HTTP_ADDR: the desk and the agent API must not be served on the public listener"))
	}
	if c.RedisURL != "" {
		if err := checkRedisURL(c.RedisURL); err != nil {
			check(NeedServer|NeedRedis, fmt.Errorf("REDIS_URL: %w", err))
		}
	} else {
		check(NeedRedis, errors.New("REDIS_URL: required: this command reads what the server keeps in Redis"))
	}
	if u, err := url.Parse(c.WeChat.APIBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		check(NeedServer|NeedWeChatAPI, fmt.Errorf("WECHAT_API_BASE: %q is not an http(s) URL", c.WeChat.APIBase))
	}
	if need&NeedWeChatAPI != 0 {
		if c.WeChat.AppID == "" {
			errs = append(errs, errors.New("WECHAT_APP_ID: required: calling WeChat's API needs the official account's AppID"))
		}
		if c.WeChat.AppSecret == "" {
			errs = append(errs, errors.New("WECHAT_APP_SECRET: required: calling WeChat's API needs the official account's AppSecret"))
		}
	}

	if server {
		errs = append(errs, c.webhook()...)
	}
	if c.WeChat.AppID != "" && !appIDRE.MatchString(c.WeChat.AppID) {
		check(NeedServer|NeedWeChatAPI, fmt.Errorf("WECHAT_APP_ID: %q does not look like an AppID (wx followed by letters and digits)", c.WeChat.AppID))
	}

	doc := defaultDoc()
	if c.ConfigFile != "" {
		if err := loadFile(c.ConfigFile, &doc); err != nil {
			errs = append(errs, fmt.Errorf("CONFIG_FILE: %w", err))
		}
	}
	hours, herrs := doc.ServiceHours.parse()
	errs = append(errs, herrs...)
	c.File = File{
		Contact:      doc.Contact,
		ServiceHours: hours,
		Notices:      doc.Notices,
		Retrieval:    doc.Retrieval,
		Menu:         doc.Menu,
		Tickets:      doc.Tickets,
		Desk:         doc.Desk,
	}
	errs = append(errs, c.File.validate()...)

	if len(errs) > 0 {
		return Config{}, fmt.Errorf("invalid configuration:\n  %w", joinLines(errs))
	}
	return c, nil
}

// webhook fills and checks the settings of the webhook and the agent API: the WeChat token and
// AES key, and ADMIN_TOKEN. Development mode fills what a bare machine lacks; production
// requires it.
func (c *Config) webhook() []error {
	var errs []error
	if c.WeChat.Token == "" {
		if c.DevMode {
			c.WeChat.Token = DevToken
			c.DevDefaults = append(c.DevDefaults, "WECHAT_TOKEN")
		} else {
			errs = append(errs, errors.New("WECHAT_TOKEN: required (the Token set in the official account's server configuration)"))
		}
	}
	if t := string(c.WeChat.Token); t != "" && !tokenRE.MatchString(t) {
		// WeChat's console only accepts 3-32 letters or digits; anything else is almost
		// certainly a copy-paste slip, but a stand-in server may use other tokens.
		if strings.ContainsAny(t, " \t\r\n") || len(t) > 64 {
			errs = append(errs, errors.New("WECHAT_TOKEN: contains whitespace or is longer than 64 characters"))
		} else {
			c.Warnings = append(c.Warnings, "WECHAT_TOKEN is not 3-32 letters or digits, which WeChat's console requires")
		}
	}
	switch {
	case c.AdminToken == "" && c.DevMode:
		// Random per start: a published default would open the agent API of every
		// development instance that someone exposed.
		c.AdminToken = Secret(rand.Text())
		c.DevDefaults = append(c.DevDefaults, "ADMIN_TOKEN")
	case c.AdminToken == "":
		errs = append(errs, errors.New("ADMIN_TOKEN: required (bearer token of the agent API); generate one with openssl rand -hex 24"))
	case len(c.AdminToken) < MinAdminTokenLen && !c.DevMode:
		errs = append(errs, fmt.Errorf("ADMIN_TOKEN: %d characters is too short to guard the agent API; use at least %d, for example openssl rand -hex 24", len(c.AdminToken), MinAdminTokenLen))
	}
	if k := string(c.WeChat.EncodingAESKey); k != "" {
		if !aesKeyRE.MatchString(k) {
			errs = append(errs, errors.New("WECHAT_ENCODING_AES_KEY: must be exactly 43 letters or digits"))
		}
		if c.WeChat.AppID == "" {
			errs = append(errs, errors.New("WECHAT_APP_ID: required when WECHAT_ENCODING_AES_KEY is set (it is checked in every encrypted message)"))
		}
		if c.WeChat.AllowPlain {
			c.Warnings = append(c.Warnings, "WECHAT_ALLOW_PLAIN is on: plain callbacks are accepted although WECHAT_ENCODING_AES_KEY is set, and their signature does not cover the body; turn it off once the console is in safe mode")
		}
	} else if c.WeChat.AllowPlain {
		c.Warnings = append(c.Warnings, "WECHAT_ALLOW_PLAIN has no effect without WECHAT_ENCODING_AES_KEY: plain mode is the only mode")
	}
	return errs
}

var (
	tokenRE  = regexp.MustCompile(`^[A-Za-z0-9]{3,32}$`)
	aesKeyRE = regexp.MustCompile(`^[A-Za-z0-9]{43}$`)
	appIDRE  = regexp.MustCompile(`^wx[A-Za-z0-9]{6,30}$`)
	clockRE  = regexp.MustCompile(`^([01][0-9]|2[0-4]):[0-5][0-9]$`)
)

// defaultDoc returns the settings used when CONFIG_FILE does not override them; the contact
// details are the company's published ones. The retrieval thresholds' defaults are kb's.
func defaultDoc() fileDoc {
	return fileDoc{
		Contact: Contact{
			Hotline:          "400-800-9000",
			HotlineMenu:      "按1商户服务，按2技术支持，按3投诉建议，按0人工导引",
			EmergencyLine:    "010-88888888",
			ServiceEmail:     "service@yeepay.com",
			ComplaintEmail:   "complaint@yeepay.com",
			CrossBorderHours: "09:00-18:00",
			PeakHours:        "双十一、春节等高峰期延长至次日 01:00",
			AccountName:      "易联支付",
		},
		ServiceHours: hoursDoc{TimeZone: "Asia/Shanghai", Open: "08:00", Close: "22:00", UrgentDesk: "hours"},
		Menu: []MenuGroup{
			{Name: "交易结算", Items: []string{"txn-status", "settlement", "reconciliation", "refund", "fees"}},
			{Name: "商户服务", Items: []string{"onboarding", "merchant-info", "api-integration", "login-password", "risk-limits"}},
			{Name: "联系客服", Items: []string{"handoff", "my_tickets", "anti-fraud", "contact"}},
		},
		Desk: DeskOptions{CannedReplies: []CannedReply{
			{Title: "已收到，正在处理", Text: "您好，您的问题我们已经收到，正在为您核实处理，预计 2 小时内回复您，请耐心等待。"},
			{Title: "结算延迟说明", Text: "您好，结算款一般在 T+1 个工作日到账，节假日顺延。如超过时间仍未到账，请提供商户编号和结算日期，我们为您进一步核查。"},
			{Title: "防骗提醒", Text: "温馨提示：易联支付工作人员不会以任何理由索要您的验证码、密码或银行卡信息，请勿向任何人透露。"},
			{Title: "问题已解决", Text: "您好，您反映的问题已处理完毕。如仍有疑问，欢迎随时在公众号留言，感谢您的支持！"},
		}},
	}
}

func loadFile(path string, f *fileDoc) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	// Decode over the defaults so the file only needs what it changes.
	if err := yaml.UnmarshalWithOptions(b, f, yaml.Strict()); err != nil {
		return fmt.Errorf("%s: %s", path, yaml.FormatError(err, false, true))
	}
	return nil
}

func (f File) validate() []error {
	var errs []error
	for i, n := range f.Notices {
		if n.Text == "" || n.End.Before(n.Start) {
			errs = append(errs, fmt.Errorf("notices[%d]: needs text and an end after its start", i))
		}
	}
	r := f.Retrieval
	if r.UnknownBigrams != nil && *r.UnknownBigrams < 0 {
		errs = append(errs, fmt.Errorf("retrieval.unknown_bigrams: %d is negative", *r.UnknownBigrams))
	}
	for _, t := range []struct {
		name string
		v    *float64
	}{
		{"answer_probability", r.AnswerProbability}, {"probability_margin", r.ProbabilityMargin}, {"suggest_probability", r.SuggestProbability}, {"unrelated_probability", r.UnrelatedProbability},
		{"answer_confidence", r.AnswerConfidence}, {"answer_margin", r.AnswerMargin}, {"suggest_confidence", r.SuggestConfidence}, {"unknown_confidence", r.UnknownConfidence},
	} {
		if t.v != nil && (*t.v < 0 || *t.v > 1) {
			errs = append(errs, fmt.Errorf("retrieval.%s: %v is outside 0..1", t.name, *t.v))
		}
	}
	for key, m := range map[string]map[string]float64{"answer_confidence_by_category": r.PerCategory, "answer_probability_by_category": r.ProbabilityByCategory} {
		for slug, v := range m {
			if v < 0 || v > 1 {
				errs = append(errs, fmt.Errorf("retrieval.%s.%s: %v is outside 0..1", key, slug, v))
			}
		}
	}
	if n := len(f.Desk.CannedReplies); n > 50 {
		errs = append(errs, fmt.Errorf("desk.canned_replies: %d replies, at most 50", n))
	}
	for i, r := range f.Desk.CannedReplies {
		if n := len([]rune(strings.TrimSpace(r.Title))); n == 0 || n > 30 {
			errs = append(errs, fmt.Errorf("desk.canned_replies[%d].title: needs 1-30 characters", i))
		}
		if n := len([]rune(strings.TrimSpace(r.Text))); n == 0 || n > 1500 {
			errs = append(errs, fmt.Errorf("desk.canned_replies[%d].text: needs 1-1500 characters", i))
		}
	}
	if len(f.Menu) > 3 {
		errs = append(errs, errors.New("menu: WeChat allows at most 3 top-level buttons"))
	}
	for i, g := range f.Menu {
		if g.Name == "" || len(g.Name) > 16 {
			errs = append(errs, fmt.Errorf("menu[%d].name: %q must be 1-16 bytes", i, g.Name))
		}
		if len(g.Items) > 5 {
			errs = append(errs, fmt.Errorf("menu[%d]: WeChat allows at most 5 sub-buttons", i))
		}
		if len(g.Items) == 0 && g.Key == "" {
			errs = append(errs, fmt.Errorf("menu[%d]: needs items or a key", i))
		}
	}
	return errs
}

func checkRedisURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("not a URL such as redis://127.0.0.1:6379/0")
	}
	switch u.Scheme {
	case "redis", "rediss", "unix":
	default:
		return fmt.Errorf("scheme %q is not redis, rediss or unix", u.Scheme)
	}
	if u.Scheme != "unix" && u.Host == "" {
		return errors.New("has no host, for example redis://127.0.0.1:6379/0")
	}
	return nil
}

func or(v, def string) string {
	if v = strings.TrimSpace(v); v != "" {
		return v
	}
	return def
}

// lines is an error that prints one cause per line and still unwraps to each of them.
type lines []error

func (l lines) Error() string {
	s := make([]string, len(l))
	for i, e := range l {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n  ")
}

func (l lines) Unwrap() []error { return l }

func joinLines(errs []error) error { return lines(errs) }
