// Command wxload puts load on yilianbot's WeChat webhook and reports throughput and latency.
//
// Each of -users senders is a distinct WeChat user that posts text messages, signed (and, with
// an AES key, encrypted) exactly as WeChat does, and checks every reply. With -baseline the same
// load is also run against the WeChat SDK's bare echo server, started in this process, to show
// what the bot costs on top of signature checks, XML and crypto.
//
// Every message is a real conversation turn for the bot: it writes sessions, transcripts and
// statistics to the bot's Redis. Point wxload only at a bot with a Redis database of its own.
//
// Usage:
//
//	wxload -url http://127.0.0.1:8080/wechat [-token T] [-aes-key K -appid wx...]
//	       [-users 16] [-duration 10s] [-requests N] [-queries FILE] [-baseline]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	offConfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/sirupsen/logrus"

	"github.com/yilianpay/yilianbot/handlers/wechat"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "wxload:", err)
		os.Exit(1)
	}
}

// maxDuration caps -duration: wxload is for short measurements, not soak tests.
const maxDuration = 5 * time.Minute

// defaultQueries are questions 易联支付's merchants really ask; -queries replaces them.
var defaultQueries = []string{
	"对账单在哪下载",
	"钱怎么还没到账",
	"退款多久到账",
	"手续费怎么算",
	"忘记密码了",
	"结算周期是多久",
	"怎么开通微信支付",
	"商户号在哪里看",
	"提现失败怎么办",
	"交易记录怎么查",
	"POS机怎么申请",
	"费率可以调低吗",
	"营业执照变更了怎么办",
	"怎么修改结算银行卡",
	"客户说付款成功但我没收到",
	"账户被冻结了",
	"发票怎么开",
	"跨境收款支持哪些币种",
	"人工客服电话多少",
	"怎么注销商户",
}

// options are the parsed command line.
type options struct {
	url      string
	wc       wechat.Settings
	users    int
	duration time.Duration
	requests int64 // 0: no limit
	queries  []string
	baseline bool
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("wxload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.url, "url", "", "webhook URL of the running bot, e.g. http://127.0.0.1:8080/wechat")
	fs.StringVar(&o.wc.Token, "token", or(getenv("WECHAT_TOKEN"), "yilianbotdev"), "WeChat token (env WECHAT_TOKEN)")
	fs.StringVar(&o.wc.EncodingAESKey, "aes-key", getenv("WECHAT_ENCODING_AES_KEY"), "EncodingAESKey; set it to send encrypted messages (env WECHAT_ENCODING_AES_KEY)")
	fs.StringVar(&o.wc.AppID, "appid", getenv("WECHAT_APP_ID"), "AppID, needed with -aes-key (env WECHAT_APP_ID)")
	fs.IntVar(&o.users, "users", 16, "concurrent senders, each a distinct WeChat user")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long to send, at most "+maxDuration.String())
	fs.Int64Var(&o.requests, "requests", 0, "stop after this many requests in all (0: only -duration limits)")
	queries := fs.String("queries", "", "file of queries, one per line (default: built-in customer questions)")
	fs.BoolVar(&o.baseline, "baseline", false, "also measure the WeChat SDK's bare echo server, in process, and compare")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	var errs []error
	if u, err := url.Parse(o.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("-url: %q is not an http(s) URL such as http://127.0.0.1:8080/wechat", o.url))
	}
	if o.wc.Token == "" {
		errs = append(errs, errors.New("-token: required"))
	}
	if o.wc.EncodingAESKey != "" && o.wc.AppID == "" {
		errs = append(errs, errors.New("-appid: required with -aes-key (it is part of every encrypted message)"))
	}
	if o.users < 1 || o.users > 10000 {
		errs = append(errs, fmt.Errorf("-users: %d is not between 1 and 10000", o.users))
	}
	if o.duration <= 0 || o.duration > maxDuration {
		errs = append(errs, fmt.Errorf("-duration: %s is not between 0 and %s", o.duration, maxDuration))
	}
	if o.requests < 0 {
		errs = append(errs, fmt.Errorf("-requests: %d is negative", o.requests))
	}
	o.queries = defaultQueries
	if *queries != "" {
		q, err := readQueries(*queries)
		if err != nil {
			errs = append(errs, fmt.Errorf("-queries: %w", err))
		}
		o.queries = q
	}
	return o, errors.Join(errs...)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// readQueries reads one query a line, skipping blank lines.
func readQueries(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if q := strings.TrimSpace(sc.Text()); q != "" {
			qs = append(qs, q)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s has no queries", path)
	}
	return qs, nil
}

// run is the whole program; main only reports its error.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The baseline SDK logs every refused signature and decrypted message through the global
	// logrus logger.
	logrus.SetOutput(io.Discard)
	o, err := parseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}

	client := &http.Client{
		Transport: &http.Transport{
			Proxy:               nil, // loopback load must never go through HTTP_PROXY
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:        o.users * 2,
			MaxIdleConnsPerHost: o.users,
			IdleConnTimeout:     30 * time.Second,
		},
		// WeChat gives up after 5 s; a bot that takes longer has failed.
		Timeout: 6 * time.Second,
	}
	defer client.CloseIdleConnections()

	mode := "plain"
	if o.wc.EncodingAESKey != "" {
		mode = "aes"
	}
	limit := "none"
	if o.requests > 0 {
		limit = fmt.Sprint(o.requests)
	}
	fmt.Fprintf(stdout, "wxload: %d users, duration %s, request limit %s, %s mode, %d queries\n",
		o.users, o.duration, limit, mode, len(o.queries))

	// SIGINT ends the load loops early; what was measured until then is still printed.
	bot := measure(ctx, client, o.url, o)
	fmt.Fprintf(stdout, "\n== bot %s ==\n", o.url)
	bot.print(stdout)
	if ctx.Err() != nil || !o.baseline {
		return bot.err()
	}

	base, err := measureBaseline(ctx, client, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n== baseline: silenceper/wechat echo server, in process ==\n")
	base.print(stdout)
	if b := base.okRate(); b > 0 {
		fmt.Fprintf(stdout, "\nbot/baseline throughput (ok req/s): %.3f\n", bot.okRate()/b)
	}
	return errors.Join(bot.err(), base.err())
}

// measureBaseline serves the SDK's echo handler on 127.0.0.1:0 for the length of one
// measurement.
func measureBaseline(ctx context.Context, client *http.Client, o options) (*result, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("baseline: listen: %w", err)
	}
	srv := &http.Server{Handler: echoHandler(o.wc), ReadHeaderTimeout: 5 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	r := measure(ctx, client, "http://"+ln.Addr().String()+"/wechat", o)
	client.CloseIdleConnections()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return nil, fmt.Errorf("baseline: shutdown: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return nil, fmt.Errorf("baseline: serve: %w", err)
	}
	return r, nil
}

// echoHandler is the smallest WeChat server the SDK allows: verify, decode, reply "ok".
func echoHandler(wc wechat.Settings) http.Handler {
	oa := officialaccount.NewOfficialAccount(&offConfig.Config{
		AppID:          wc.AppID,
		AppSecret:      "x", // never used: the echo server calls no WeChat API
		Token:          wc.Token,
		EncodingAESKey: wc.EncodingAESKey,
		Cache:          cache.NewMemory(),
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv := oa.GetServer(r, w)
		srv.SetMessageHandler(func(*message.MixMessage) *message.Reply {
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText("ok")}
		})
		// The SDK writes nothing when it refuses a message, which would read as a 200
		// "success"; make refusals visible as HTTP errors instead.
		if err := srv.Serve(); err != nil {
			http.Error(w, "serve: "+err.Error(), http.StatusBadRequest)
			return
		}
		if err := srv.Send(); err != nil {
			http.Error(w, "send: "+err.Error(), http.StatusInternalServerError)
		}
	})
}

// outcome is what became of one request.
type outcome int

const (
	okText      outcome = iota // a text reply
	okSilent                   // "success": no reply
	okTransfer                 // handed to human agents
	okOther                    // another reply type
	errHTTP                    // transport error or status other than 200
	errReply                   // a body Simulator.Open refuses
	errFallback                // the bot's "too busy" fallback text
	numOutcomes
)

// result is one measurement.
type result struct {
	elapsed   time.Duration
	counts    [numOutcomes]int64
	firstErr  [numOutcomes]string // a sample of each error kind
	latencies []time.Duration     // sorted; every completed request
}

func (r *result) total() int64 {
	var n int64
	for _, c := range r.counts {
		n += c
	}
	return n
}

func (r *result) failed() int64 {
	return r.counts[errHTTP] + r.counts[errReply] + r.counts[errFallback]
}

func (r *result) rate(n int64) float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(n) / r.elapsed.Seconds()
}

func (r *result) okRate() float64 { return r.rate(r.total() - r.failed()) }

// err reports a measurement in which nothing worked: its numbers would only mislead.
func (r *result) err() error {
	if r.total() > 0 && r.failed() == r.total() {
		for _, e := range r.firstErr {
			if e != "" {
				return fmt.Errorf("every request failed, e.g. %s", e)
			}
		}
	}
	return nil
}

func (r *result) print(w io.Writer) {
	total := r.total()
	fmt.Fprintf(w, "requests:    %d in %.2fs\n", total, r.elapsed.Seconds())
	fmt.Fprintf(w, "errors:      %d (http %d, bad reply %d, fallback %d)\n",
		r.failed(), r.counts[errHTTP], r.counts[errReply], r.counts[errFallback])
	for _, k := range []outcome{errHTTP, errReply, errFallback} {
		if r.firstErr[k] != "" {
			fmt.Fprintf(w, "  first:     %s\n", r.firstErr[k])
		}
	}
	fmt.Fprintf(w, "replies:     text %d, no reply %d, transfer %d, other %d\n",
		r.counts[okText], r.counts[okSilent], r.counts[okTransfer], r.counts[okOther])
	fmt.Fprintf(w, "throughput:  %.1f req/s (ok %.1f req/s)\n", r.rate(total), r.okRate())
	fmt.Fprintf(w, "latency p50: %s\n", fmtDuration(percentile(r.latencies, 50)))
	fmt.Fprintf(w, "latency p90: %s\n", fmtDuration(percentile(r.latencies, 90)))
	fmt.Fprintf(w, "latency p99: %s\n", fmtDuration(percentile(r.latencies, 99)))
	fmt.Fprintf(w, "latency max: %s\n", fmtDuration(percentile(r.latencies, 100)))
	if total > 0 && r.counts[okSilent]*2 > total {
		fmt.Fprintf(w, "note: most replies were \"success\" (no reply). yilianbot stops answering a user who\n"+
			"      sends more than RATE_LIMIT messages a minute (default 20), so this mostly measured the\n"+
			"      rate limiter; start the bot with a larger RATE_LIMIT to measure real answers.\n")
	}
}

func fmtDuration(d time.Duration) string {
	return d.Round(time.Microsecond).String()
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of sorted, or 0 when it
// is empty.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// measure runs o.users senders against target until o.duration passes, o.requests have been
// sent or ctx is done. Its elapsed time includes the last requests' completion.
func measure(ctx context.Context, client *http.Client, target string, o options) *result {
	sim := wechat.NewSimulator(o.wc)
	// A run id keeps users apart from earlier runs, whose sessions and rate limits live on.
	runID := time.Now().UnixNano() % 1e9
	// At the deadline senders stop starting requests but let the ones in flight finish:
	// cancelling them would show up in the bot as clients that went away. SIGINT (ctx) does
	// cancel them.
	sending, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()

	var (
		issued atomic.Int64
		mu     sync.Mutex
		res    = &result{}
		wg     sync.WaitGroup
	)
	start := time.Now()
	for i := range o.users {
		wg.Go(func() {
			openID := fmt.Sprintf("o_wxload_%d_%d", runID, i)
			var (
				counts   [numOutcomes]int64
				firstErr [numOutcomes]string
				lat      []time.Duration
			)
			for n := 0; sending.Err() == nil; n++ {
				if o.requests > 0 && issued.Add(1) > o.requests {
					break
				}
				q := o.queries[(i+n*o.users)%len(o.queries)]
				t0 := time.Now()
				k, detail := send(ctx, client, sim, target, openID, q)
				d := time.Since(t0)
				if ctx.Err() != nil && k == errHTTP {
					break // cut off by SIGINT, not failed
				}
				counts[k]++
				if detail != "" && firstErr[k] == "" {
					firstErr[k] = detail
				}
				lat = append(lat, d)
			}
			mu.Lock()
			defer mu.Unlock()
			for k := range counts {
				res.counts[k] += counts[k]
				if res.firstErr[k] == "" {
					res.firstErr[k] = firstErr[k]
				}
			}
			res.latencies = append(res.latencies, lat...)
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.latencies)
	return res
}

// send posts one text message and classifies the answer; detail describes errors.
func send(ctx context.Context, client *http.Client, sim *wechat.Simulator, target, openID, text string) (outcome, string) {
	now := time.Now()
	req, err := sim.Request(target, sim.TextXML(openID, text, sim.NextMsgID(), now), now)
	if err != nil {
		return errHTTP, err.Error()
	}
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		return errHTTP, err.Error()
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return errHTTP, fmt.Sprintf("read reply: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		return errHTTP, fmt.Sprintf("HTTP %d: %.200s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	r, err := sim.Open(body)
	switch {
	case err != nil:
		return errReply, err.Error()
	case r.Success:
		return okSilent, ""
	case r.MsgType == "text" && r.Content == wechat.FallbackText:
		return errFallback, "fallback reply: " + r.Content
	case r.MsgType == "text":
		return okText, ""
	case r.MsgType == "transfer_customer_service":
		return okTransfer, ""
	}
	return okOther, ""
}
