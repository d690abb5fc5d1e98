package bot

import (
	"context"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/bot/redistest"
)

func TestTokenCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, prefix := redistest.New(t)
	c := NewTokenCache(rdb, prefix)
	const key = "wechat:access_token:wx-test"
	if got, err := c.Get(ctx, key); got != "" || err != nil {
		t.Fatalf("Get(missing) = %q, %v; want \"\", nil", got, err)
	}
	if err := c.Set(ctx, key, "tok-1", time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx, key); got != "tok-1" || err != nil {
		t.Errorf("Get after Set = %q, %v; want tok-1", got, err)
	}
	if ttl := rdb.TTL(ctx, prefix+key).Val(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("TTL of %s = %v, want up to a minute", prefix+key, ttl)
	}
	if err := c.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx, key); got != "" || err != nil {
		t.Errorf("Get after Delete = %q, %v; want \"\", nil", got, err)
	}
}
