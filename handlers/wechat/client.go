package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/util"
)

// The calls below are written by hand rather than through the SDK's managers: the SDK sends
// everything through the process-global util.DefaultHTTPClient (no timeout, and no way to give
// each test its own fake server), and its errors embed request URLs, which carry the secret or
// the access_token. Request and response bodies are
// this package's own types (types.go).

// TokenCache stores the access_token where every replica sees it (Redis in production), so
// that replicas do not each fetch their own.
type TokenCache interface {
	// Get returns the value stored under key, or "" and a nil error when there is none.
	Get(ctx context.Context, key string) (string, error)
	Set(ctx context.Context, key, value string, ttl time.Duration) error
	Delete(ctx context.Context, key string) error
}

// ClientOptions configure a Client.
type ClientOptions struct {
	AppID     string
	AppSecret string
	// BaseURL is WeChat's API host; default "https://api.weixin.qq.com".
	BaseURL string
	Cache   TokenCache
	// HTTPClient defaults to a client with a 5 s timeout.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Metrics, when set, counts the calls and token fetches (NewMetrics).
	Metrics *Metrics
}

// Client calls the official account's server API: customer-service and template messages
// and the custom menu. It is safe for concurrent use.
type Client struct {
	appID    string
	secret   string
	base     string
	tokenKey string
	cache    TokenCache
	client   *http.Client
	log      *slog.Logger
	metrics  *Metrics
	// fetching is held while a token is fetched, so that concurrent callers that all miss
	// the cache wait for one fetch; a channel rather than a mutex so waiting honours ctx.
	fetching chan struct{}
}

// NewClient returns a client for the account o.AppID. o.Cache is required.
func NewClient(o ClientOptions) *Client {
	if o.Cache == nil {
		panic("wechat: NewClient needs ClientOptions.Cache")
	}
	c := &Client{
		appID:    o.AppID,
		secret:   o.AppSecret,
		base:     strings.TrimRight(o.BaseURL, "/"),
		tokenKey: "wechat:access_token:" + o.AppID,
		cache:    o.Cache,
		client:   o.HTTPClient,
		log:      o.Logger,
		metrics:  o.Metrics,
		fetching: make(chan struct{}, 1),
	}
	if c.base == "" {
		c.base = "https://api.weixin.qq.com"
	}
	if c.client == nil {
		c.client = &http.Client{Timeout: 5 * time.Second}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c
}

// ErrOutsideWindow means WeChat does not let the account message this user now: the last
// message is more than 48 hours old, the quota of messages after it is used up, or the user
// unfollowed (errcodes 45015, 45047, 43004).
var ErrOutsideWindow = errors.New("wechat: user cannot be messaged now")

// APIError is an errcode returned by WeChat.
type APIError struct {
	Code int
	Msg  string
}

func (e *APIError) Error() string { return fmt.Sprintf("errcode %d: %s", e.Code, e.Msg) }

// ErrCode returns WeChat's errcode, for callers that know errors only as
// interface{ ErrCode() int } (package bot records it on a ticket's timeline).
func (e *APIError) ErrCode() int { return e.Code }

// MaxTextBytes is the longest customer-service text WeChat accepts; SendText splits longer ones.
const MaxTextBytes = 2048

// tokenRefreshMargin is how long before WeChat's expiry a cached token is dropped; the stable
// token endpoint rotates tokens about five minutes before they expire.
const tokenRefreshMargin = 300 * time.Second

// SendText sends text to the user as customer-service messages, split into parts of at most
// MaxTextBytes. Every errcode gives an error wrapping an *APIError; 45015, 45047 and 43004
// also wrap [ErrOutsideWindow]. When a later part fails, the earlier parts were sent.
func (c *Client) SendText(ctx context.Context, openID, text string) error {
	if text == "" {
		return errors.New("wechat: send text: empty text")
	}
	parts := splitText(text, MaxTextBytes)
	for i, p := range parts {
		msg := customerText{ToUser: openID, MsgType: MsgTypeText}
		msg.Text.Content = p
		body, err := json.Marshal(msg)
		if err != nil {
			return fmt.Errorf("wechat: send text: %w", err)
		}
		if err := c.call(ctx, "/cgi-bin/message/custom/send", body); err != nil {
			if len(parts) > 1 {
				return fmt.Errorf("wechat: send text part %d of %d: %w", i+1, len(parts), messageError(err))
			}
			return fmt.Errorf("wechat: send text: %w", messageError(err))
		}
	}
	return nil
}

// SendTemplate sends a template message whose data are fields (keyword name → value).
// Errors are classified as SendText's are.
func (c *Client) SendTemplate(ctx context.Context, openID, templateID string, fields map[string]string) error {
	data := make(map[string]templateItem, len(fields))
	for k, v := range fields {
		data[k] = templateItem{Value: v}
	}
	body, err := json.Marshal(templateMessage{ToUser: openID, TemplateID: templateID, Data: data})
	if err != nil {
		return fmt.Errorf("wechat: send template: %w", err)
	}
	if err := c.call(ctx, "/cgi-bin/message/template/send", body); err != nil {
		return fmt.Errorf("wechat: send template: %w", messageError(err))
	}
	return nil
}

// messageError adds ErrOutsideWindow to the errcodes that mean the user cannot be
// messaged now, keeping the *APIError reachable too.
func messageError(err error) error {
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.Code {
		case 45015, 45047, 43004:
			return fmt.Errorf("%w: %w", err, ErrOutsideWindow)
		}
	}
	return err
}

func isTokenError(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Code {
	case 40001, 42001, 40014:
		return true
	}
	return false
}

// call posts body to path with an access_token. When WeChat refuses the token, the cached one
// is dropped and the call retried once.
func (c *Client) call(ctx context.Context, path string, body []byte) error {
	for attempt := 0; ; attempt++ {
		tok, err := c.token(ctx)
		if err != nil {
			return err
		}
		err = c.post(ctx, path+"?access_token="+url.QueryEscape(tok), body, nil)
		if attempt > 0 || !isTokenError(err) {
			return err
		}
		c.log.InfoContext(ctx, "wechat rejected the access token; fetching a new one", "path", path, "error", err)
		c.dropToken(ctx, tok)
	}
}

// token returns the cached access_token or fetches one.
func (c *Client) token(ctx context.Context) (string, error) {
	if tok := c.cached(ctx); tok != "" {
		return tok, nil
	}
	select {
	case c.fetching <- struct{}{}:
		defer func() { <-c.fetching }()
	case <-ctx.Done():
		return "", fmt.Errorf("get access token: %w", ctx.Err())
	}
	// Another caller may have fetched one while this one waited.
	if tok := c.cached(ctx); tok != "" {
		return tok, nil
	}
	req, err := json.Marshal(map[string]any{
		"grant_type":    "client_credential",
		"appid":         c.appID,
		"secret":        c.secret,
		"force_refresh": false,
	})
	if err != nil {
		return "", fmt.Errorf("get access token: %w", err)
	}
	var res accessToken
	if err := c.post(ctx, "/cgi-bin/stable_token", req, &res); err != nil {
		c.metrics.refresh(err)
		return "", fmt.Errorf("get access token: %w", err)
	}
	if res.AccessToken == "" {
		err := errors.New("get access token: answer has no access_token")
		c.metrics.refresh(err)
		return "", err
	}
	c.metrics.refresh(nil)
	ttl := time.Duration(res.ExpiresIn)*time.Second - tokenRefreshMargin
	if ttl <= 0 {
		// A token close to expiry is still good for a little while.
		ttl = time.Duration(res.ExpiresIn) * time.Second / 2
	}
	if ttl > 0 {
		if err := c.cache.Set(ctx, c.tokenKey, res.AccessToken, ttl); err != nil {
			c.log.WarnContext(ctx, "cannot cache the wechat access token", "error", err)
		}
	}
	c.log.InfoContext(ctx, "wechat access token fetched", "expires_in", res.ExpiresIn)
	return res.AccessToken, nil
}

// cached returns the cached token or "". A cache that fails is logged and bypassed: the
// stable-token endpoint hands every caller the same token, so fetching directly is safe.
func (c *Client) cached(ctx context.Context) string {
	tok, err := c.cache.Get(ctx, c.tokenKey)
	if err != nil {
		c.log.WarnContext(ctx, "cannot read the cached wechat access token", "error", err)
		return ""
	}
	return tok
}

// dropToken removes tok from the cache unless another caller has already replaced it.
func (c *Client) dropToken(ctx context.Context, tok string) {
	if c.cached(ctx) != tok {
		return
	}
	if err := c.cache.Delete(ctx, c.tokenKey); err != nil {
		c.log.WarnContext(ctx, "cannot delete the cached wechat access token", "error", err)
	}
}

// maxAnswer bounds the answers read from WeChat; real ones are well under a KiB.
const maxAnswer = 1 << 20

// post sends body to target (a path with its query) and decodes the answer. A non-zero
// errcode is returned as an *APIError. Errors name only the path: the query holds the
// access_token, and net/http's *url.Error would print it.
func (c *Client) post(ctx context.Context, target string, body []byte, out any) error {
	path, _, _ := strings.Cut(target, "?")
	start := time.Now()
	errcode, err := c.exchange(ctx, path, target, body, out)
	c.metrics.call(path, errcode)
	c.log.DebugContext(ctx, "wechat api call", "path", path, "errcode", errcode, "duration_ms", time.Since(start).Milliseconds())
	return err
}

// exchange is post without the metrics: it also returns the errcode label of the call.
func (c *Client) exchange(ctx context.Context, path, target string, body []byte, out any) (errcode string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+target, bytes.NewReader(body))
	if err != nil {
		return ErrcodeNetwork, fmt.Errorf("POST %s: %w", path, stripURL(err))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := c.client.Do(req)
	if err != nil {
		return ErrcodeNetwork, fmt.Errorf("POST %s: %w", path, stripURL(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return ErrcodeNetwork, fmt.Errorf("POST %s: read answer: %w", path, stripURL(err))
	}
	if resp.StatusCode != http.StatusOK {
		return ErrcodeHTTP, fmt.Errorf("POST %s: %s", path, resp.Status)
	}
	var ce util.CommonError
	if err := json.Unmarshal(raw, &ce); err != nil {
		return ErrcodeHTTP, fmt.Errorf("POST %s: answer is not JSON: %w", path, err)
	}
	if ce.ErrCode != 0 {
		return errcodeLabel(int64(ce.ErrCode)), fmt.Errorf("POST %s: %w", path, &APIError{Code: int(ce.ErrCode), Msg: ce.ErrMsg})
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return ErrcodeHTTP, fmt.Errorf("POST %s: decode answer: %w", path, err)
		}
	}
	return "0", nil
}

// stripURL drops the URL, which holds the access_token, from a net/http client error.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// splitText cuts s into parts of at most n bytes, never inside a character, preferring to cut
// after a newline in the second half of a part. The parts joined give s back.
func splitText(s string, n int) []string {
	var parts []string
	for len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if nl := strings.LastIndexByte(s[:cut], '\n'); nl >= cut/2 {
			cut = nl + 1
		}
		if cut == 0 { // n is smaller than one character
			_, cut = utf8.DecodeRuneInString(s)
		}
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	if s != "" || len(parts) == 0 {
		parts = append(parts, s)
	}
	return parts
}
