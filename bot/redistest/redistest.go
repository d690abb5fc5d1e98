// Package redistest gives tests a real Redis with a key prefix of their own.
//
// It connects to TEST_REDIS_URL (default redis://127.0.0.1:6379/0). Where no Redis answers it
// falls back to an embedded miniredis and says so, unless CI=true, where a missing Redis fails
// the test: CI always proves the real thing.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// URL returns the Redis URL tests use.
func URL() string {
	if u := os.Getenv("TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

var unsafe = regexp.MustCompile(`[^A-Za-z0-9]+`)

// Prefix returns a key prefix unique to this test run.
func Prefix(tb testing.TB) string {
	b := make([]byte, 4)
	rand.Read(b)
	name := unsafe.ReplaceAllString(tb.Name(), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	return "test:" + name + ":" + hex.EncodeToString(b) + ":"
}

// New returns a client and a fresh key prefix; every key under the prefix is deleted when the
// test ends.
func New(tb testing.TB) (redis.UniversalClient, string) {
	tb.Helper()
	url := URL()
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatalf("TEST_REDIS_URL %q: %v", url, err)
	}
	rdb := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		if os.Getenv("CI") == "true" {
			tb.Fatalf("CI=true but no Redis answers at %s: %v", url, err)
		}
		tb.Logf("no Redis at %s (%v): using an embedded miniredis instead", url, err)
		mr := miniredis.RunT(tb)
		rdb = redis.NewClient(&redis.Options{Addr: mr.Addr()})
	}
	prefix := Prefix(tb)
	tb.Cleanup(func() {
		Clean(tb, rdb, prefix)
		rdb.Close()
	})
	return rdb, prefix
}

// Clean deletes every key under prefix.
func Clean(tb testing.TB, rdb redis.UniversalClient, prefix string) {
	tb.Helper()
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		tb.Logf("clean %s: %v", prefix, err)
		return
	}
	if len(keys) > 0 {
		rdb.Del(ctx, keys...)
	}
}

// NewURL is New for tests that connect by URL, such as the end-to-end test through run: it
// returns a Redis URL (an embedded one where no real Redis answers, unless CI=true) and a key
// prefix that is cleaned when the test ends.
func NewURL(tb testing.TB) (string, string) {
	tb.Helper()
	rdb, prefix := New(tb)
	if c, ok := rdb.(*redis.Client); ok && c.Options().Addr != mustAddr(tb, URL()) {
		return "redis://" + c.Options().Addr + "/0", prefix
	}
	return URL(), prefix
}

func mustAddr(tb testing.TB, url string) string {
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	return opt.Addr
}

// Dump reads every value of every key under prefix, whatever its type: zset members, hash
// fields and values, stream entries' fields and values. Leak checks search them all.
func Dump(tb testing.TB, rdb redis.UniversalClient, prefix string) map[string][]string {
	tb.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		typ, err := rdb.Type(ctx, key).Result()
		if err != nil {
			tb.Fatal(err)
		}
		var vals []string
		switch typ {
		case "string":
			vals = []string{rdb.Get(ctx, key).Val()}
		case "list":
			vals = rdb.LRange(ctx, key, 0, -1).Val()
		case "hash":
			for f, v := range rdb.HGetAll(ctx, key).Val() {
				vals = append(vals, f, v)
			}
		case "set":
			vals = rdb.SMembers(ctx, key).Val()
		case "zset":
			vals = rdb.ZRange(ctx, key, 0, -1).Val()
		case "stream":
			for _, m := range rdb.XRange(ctx, key, "-", "+").Val() {
				for f, v := range m.Values {
					vals = append(vals, f, fmt.Sprint(v))
				}
			}
		case "none":
			continue // expired between SCAN and TYPE (a per-minute counter, say)
		default:
			tb.Fatalf("key %s has type %s, which the leak check cannot read", key, typ)
		}
		out[key] = vals
	}
	if err := iter.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
