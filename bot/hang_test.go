package bot

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/yilianpay/yilianbot/bot/redistest"
)

// hangProxy forwards a client's commands to the real Redis until, once armed, it sees a
// command that trigger picks; from then on it forwards nothing on any connection, as a Redis
// that hangs after the first round trips of a request.
type hangProxy struct {
	addr    string
	armed   atomic.Bool
	hung    atomic.Bool
	trigger func(cmd []byte) bool
}

func newHangProxy(t *testing.T, target string, trigger func([]byte) bool) *hangProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &hangProxy{addr: ln.Addr().String(), trigger: trigger}
	var mu sync.Mutex
	var conns []net.Conn
	var wg sync.WaitGroup
	track := func(c net.Conn) {
		mu.Lock()
		defer mu.Unlock()
		conns = append(conns, c)
	}
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			track(client)
			track(server)
			wg.Go(func() { io.Copy(client, server) })
			wg.Go(func() {
				buf := make([]byte, 64<<10)
				for {
					n, err := client.Read(buf)
					if err != nil {
						server.Close()
						return
					}
					if p.hung.Load() || p.armed.Load() && p.trigger(buf[:n]) {
						p.hung.Store(true)
						continue // swallowed: no answer ever comes
					}
					if _, err := server.Write(buf[:n]); err != nil {
						return
					}
				}
			})
		}
	})
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return p
}

// has picks the commands holding every one of parts, ignoring case (go-redis sends command
// names in lower case).
func has(parts ...string) func([]byte) bool {
	return func(cmd []byte) bool {
		cmd = bytes.ToLower(cmd)
		for _, p := range parts {
			if !bytes.Contains(cmd, bytes.ToLower([]byte(p))) {
				return false
			}
		}
		return true
	}
}

// TestDegradedWhenRedisHangsMidRequest: when Redis stops answering after the first round trips
// of a request (begin went through), every later call on the message path gives up after
// REDIS_TIMEOUT and the user gets the degraded answer, not the webhook's fallback text.
func TestDegradedWhenRedisHangsMidRequest(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	download := firstLine(entry(t, ix, "reconciliation-download").Answer)
	toContact := []string{"提交工单", "0", "结算款三天没到账，请帮忙查一下"}
	tests := []struct {
		name    string
		setup   []string // said before the proxy is armed
		say     string   // "<no>" is the ticket filed in setup
		trigger func(*testBot, Message) func([]byte) bool
		want    string
	}{
		{"ticket lookup: the lookup counter", nil, "查询工单 <no>",
			func(*testBot, Message) func([]byte) bool { return has(":lk:") }, "工单查询暂时不可用"},
		{"ticket lookup: the ticket read", nil, "查询工单 <no>",
			func(*testBot, Message) func([]byte) bool { return has("{tickets}:t:") }, "工单查询暂时不可用"},
		{"my tickets: the user's index", nil, "我的工单",
			func(*testBot, Message) func([]byte) bool { return has("{tickets}:user:") }, "工单查询暂时不可用"},
		{"the ticket flow's last step: the transcript read", toContact, "跳过",
			func(*testBot, Message) func([]byte) bool { return has("LRANGE", ":tr") }, textFlowBusy},
		{"the ticket flow's last step: the re-delivery guard", toContact, "跳过",
			func(*testBot, Message) func([]byte) bool { return has("{tickets}:flow:") }, textFlowBusy},
		{"the ticket flow's last step: the ticket number", toContact, "跳过",
			func(*testBot, Message) func([]byte) bool { return has("{tickets}:seq:") }, textFlowBusy},
		{"the ticket flow's last step: the ticket write", toContact, "跳过",
			func(*testBot, Message) func([]byte) bool { return has("MULTI") }, textFlowBusy},
		{"a concurrent duplicate's wait for the reply", nil, "对账单在哪下载",
			func(b *testBot, m Message) func([]byte) bool {
				// The first delivery is being answered elsewhere: its claim holds no reply yet.
				dd := b.st.keys.dedupe(m)
				b.rdb.Set(context.Background(), dd, "", time.Minute)
				return func(cmd []byte) bool { return has("\r\nget\r\n", dd)(cmd) && !has("\r\nset\r\n")(cmd) }
			}, download},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			direct, prefix := redistest.New(t)
			target := direct.(*redis.Client).Options().Addr
			// The conversation so far goes straight to Redis, with the default timeout: under
			// -race on a loaded machine a 100 ms timeout could already degrade it.
			setup := newTestBot(t, ix, at(10, 0), Options{Redis: direct, Prefix: prefix})
			no := fileTicket(t, setup, defaultUser, "结算款三天没到账，请帮忙查一下")
			for _, s := range tt.setup {
				setup.say(t, defaultUser, s)
			}
			setup.clock.Add(setup.gap)
			m := setup.text(defaultUser, strings.ReplaceAll(tt.say, "<no>", no))

			// The message itself goes through the proxy, which hangs at the chosen command.
			proxy := newHangProxy(t, target, tt.trigger(setup, m))
			proxy.armed.Store(true)
			rdb := redis.NewClient(&redis.Options{Addr: proxy.addr, MaxRetries: -1, ContextTimeoutEnabled: true})
			t.Cleanup(func() { rdb.Close() })
			// Long enough that the round trips before the trigger get through on a loaded machine
			// under -race (200 ms did not always), short against the budget below.
			const timeout = 500 * time.Millisecond
			b := New(ix, Options{Redis: rdb, Prefix: prefix, RedisTimeout: timeout, Now: setup.clock.Now, Contact: testContact})

			// A budget of 10 s: without REDIS_TIMEOUT on every call the hang would use it up.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := time.Now()
			r, err := b.Reply(ctx, m)
			took := time.Since(start)
			if !proxy.hung.Load() {
				t.Fatalf("the proxy never hung: the trigger matched no command (reply %q)", r.Text)
			}
			if err != nil || !strings.Contains(r.Text, tt.want) {
				t.Fatalf("Reply(%q) with Redis hanging = %q, %v; want %q", m.Text, r.Text, err, tt.want)
			}
			if took > 8*timeout {
				t.Errorf("Reply took %v with a %v Redis timeout, want well under the budget", took, timeout)
			}
		})
	}
}
