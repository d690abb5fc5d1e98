package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisOnSocket runs redis-server in dir on the Unix socket dir/redis.sock with the extra args,
// and returns a client; the server is killed when the test ends (or by stop).
func redisOnSocket(t *testing.T, bin, dir string, args ...string) (rdb *redis.Client, stop func()) {
	t.Helper()
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command(bin, append([]string{"--port", "0", "--unixsocket", sock, "--dir", dir}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	t.Cleanup(stop)
	rdb = redis.NewClient(&redis.Options{Network: "unix", Addr: sock})
	t.Cleanup(func() { rdb.Close() })
	for i := 0; rdb.Ping(context.Background()).Err() != nil; i++ {
		if i > 100 {
			unavailable(t, "redis-server %q did not start", args)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return rdb, stop
}

// waitRewrite waits until no AOF rewrite runs and the last one succeeded.
func waitRewrite(t *testing.T, rdb *redis.Client) {
	t.Helper()
	for i := 0; ; i++ {
		info, err := rdb.Info(t.Context(), "persistence").Result()
		if err == nil && strings.Contains(info, "aof_rewrite_in_progress:0") && !strings.Contains(info, "aof_rewrite_scheduled:1") &&
			strings.Contains(info, "aof_last_bgrewrite_status:ok") {
			return
		}
		if i > 200 {
			t.Fatalf("AOF rewrite did not finish: %v\n%s", err, info)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// TestRDBRestore follows the README's backup and restore steps with the persistence settings of
// docker-compose.yml: redis-cli --rdb takes the backup; Redis started with appendonly yes on the
// bare dump.rdb comes up empty (the trap the README warns about); started without the AOF,
// switched to it and restarted, it has the backup's keys and not the later ones.
func TestRDBRestore(t *testing.T) {
	t.Parallel()
	bin := redisServerBin(t)
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		unavailable(t, "redis-cli is not installed")
	}
	ctx := t.Context()
	aof := []string{"--appendonly", "yes", "--appendfsync", "everysec"}

	live := t.TempDir()
	rdb, stop := redisOnSocket(t, bin, live, aof...)
	rdb.Set(ctx, "yl:{tickets}:t:GD202612020001", "ticket", 0)
	rdb.Set(ctx, "yl:u:{o1}:sess", "session", time.Hour)
	backup := filepath.Join(t.TempDir(), "yilianbot.rdb")
	if out, err := exec.Command(cli, "-s", filepath.Join(live, "redis.sock"), "--rdb", backup).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --rdb: %v\n%s", err, out)
	}
	rdb.Set(ctx, "yl:{tickets}:t:GD202612020002", "after the backup", 0)
	stop()

	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	restoreDir := func() string {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "dump.rdb"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}

	trap, _ := redisOnSocket(t, bin, restoreDir(), aof...)
	if n, err := trap.DBSize(ctx).Result(); err != nil || n != 0 {
		t.Errorf("appendonly yes on a bare dump.rdb: DBSIZE = %d, %v; the README says it starts empty", n, err)
	}

	dir := restoreDir()
	rdb, stop = redisOnSocket(t, bin, dir, "--appendonly", "no")
	if err := rdb.ConfigSet(ctx, "appendonly", "yes").Err(); err != nil {
		t.Fatal(err)
	}
	waitRewrite(t, rdb)
	stop()
	rdb, _ = redisOnSocket(t, bin, dir, aof...)
	for key, want := range map[string]string{
		"yl:{tickets}:t:GD202612020001": "ticket",
		"yl:u:{o1}:sess":                "session",
		"yl:{tickets}:t:GD202612020002": "",
	} {
		if got, _ := rdb.Get(ctx, key).Result(); got != want {
			t.Errorf("after restore %s = %q, want %q", key, got, want)
		}
	}
	if ttl := rdb.TTL(ctx, "yl:u:{o1}:sess").Val(); ttl <= 0 || ttl > time.Hour {
		t.Errorf("restored session TTL = %v, want its TTL kept", ttl)
	}
}
