package bot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/yilianpay/yilianbot/bot/redistest"
)

// TestGroupPipelined runs many concurrent pipelines through one group: each caller gets
// exactly its own results, and a flush shared by callers is not cancelled by one of them.
func TestGroupPipelined(t *testing.T) {
	t.Parallel()
	rdb, prefix := redistest.New(t)
	var g group
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			key := fmt.Sprintf("%sk%d", prefix, i)
			var set *redis.StatusCmd
			var get *redis.StringCmd
			var missing *redis.StringCmd
			err := g.pipelined(ctx, rdb, func(p redis.Pipeliner) {
				set = p.Set(ctx, key, i, time.Minute)
				get = p.Get(ctx, key)
				missing = p.Get(ctx, key+":none")
			})
			if err != nil && !errors.Is(err, redis.Nil) {
				t.Errorf("pipelined #%d: %v", i, err)
				return
			}
			if set.Err() != nil || get.Val() != fmt.Sprint(i) || !errors.Is(missing.Err(), redis.Nil) {
				t.Errorf("#%d got set=%v get=%q missing=%v, want its own value %d", i, set.Err(), get.Val(), missing.Err(), i)
			}
		})
	}
	// A caller that has already given up must not take the others' commands down with it.
	wg.Go(func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		g.pipelined(ctx, rdb, func(p redis.Pipeliner) { p.Get(ctx, prefix+"cancelled") })
	})
	wg.Wait()
}

// TestGroupDeadline: a Redis that does not answer fails the flush within the callers'
// deadline, which is what sends the bot into degraded mode.
func TestGroupDeadline(t *testing.T) {
	t.Parallel()
	// A listener that accepts and never answers.
	// The socket's own timeout is long: only the callers' deadline can end the flush early.
	rdb := redis.NewClient(&redis.Options{Addr: silentAddr(t), MaxRetries: -1, ReadTimeout: 10 * time.Second, ContextTimeoutEnabled: true})
	defer rdb.Close()
	var g group
	// The deadline reaches the socket either as context.DeadlineExceeded or as an i/o timeout,
	// whichever fires first; what matters is that it ends the flush well before the socket's
	// own 10 s, inside this 3 s budget.
	budget, cancelBudget := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancelBudget()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := g.pipelined(ctx, rdb, func(p redis.Pipeliner) { p.Get(ctx, "x") })
	if err == nil || budget.Err() != nil {
		t.Errorf("pipelined against a silent server = %v (budget: %v), want an error from the callers' 200 ms deadline", err, budget.Err())
	}
}

// silentAddr is a loopback address that accepts connections and never answers: a Redis
// that hangs.
func silentAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// TestDegradedWhenRedisHangs: a Redis that accepts connections and never answers costs the
// user REDIS_TIMEOUT, not the reply budget: the FAQ is answered without state.
func TestDegradedWhenRedisHangs(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: silentAddr(t), MaxRetries: -1, ContextTimeoutEnabled: true})
	defer rdb.Close()
	b := New(mustIndex(t), Options{Redis: rdb, RedisTimeout: 100 * time.Millisecond, Contact: testContact})
	// A budget of 1 s: if the 100 ms Redis timeout were not honoured, the wait for Redis would
	// use it all up and the reply would fail.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	r, err := b.Reply(ctx, Message{OpenID: "o-hang", Kind: KindText, Text: "对账单在哪下载", MsgID: "1", CreateTime: time.Now()})
	if err != nil || !strings.Contains(r.Text, "对账") {
		t.Fatalf("Reply with a hanging Redis = %q, %v; want the FAQ answer", r.Text, err)
	}
	if ctx.Err() != nil {
		t.Error("the reply used up its whole budget: the Redis timeout was not honoured (the webhook would have sent the fallback text)")
	}
}
