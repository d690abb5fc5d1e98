package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
)

// redisServerBin returns the redis-server binary, or skips the test (fails it with CI=true).
func redisServerBin(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		unavailable(t, "redis-server is not installed")
	}
	return bin
}

// unavailable skips a test whose Redis topology cannot be set up here; under CI=true that is a
// failure, since CI must prove the README's examples.
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true: "+format, args...)
	}
	t.Skipf(format, args...)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago and whose cluster bus
// port (+10000) was too.
func freePort(t *testing.T) int {
	t.Helper()
	for range 100 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if port >= 55535 {
			continue
		}
		bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000))
		if err != nil {
			continue
		}
		bus.Close()
		return port
	}
	t.Fatal("no free port pair")
	return 0
}

// startRedis runs redis-server with args on port until the test ends and waits until it
// answers (with password, when set).
func startRedis(t *testing.T, bin string, port int, password string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port), Password: password})
	defer rdb.Close()
	for i := 0; ; i++ {
		if rdb.Ping(context.Background()).Err() == nil {
			return
		}
		if i > 100 {
			unavailable(t, "redis-server %q did not start on port %d:\n%s", args, port, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkTopology connects with connectRedis, as the server does, writes and reads keys that
// hash to different slots, and then answers a callback through run with that REDIS_URL.
func checkTopology(t *testing.T, redisURL string) {
	t.Helper()
	ctx := t.Context()
	rdb, err := connectRedis(ctx, redisURL)
	if err != nil {
		t.Fatalf("connectRedis(%s) = %v", redisURL, err)
	}
	defer rdb.Close()
	prefix := redistest.Prefix(t)
	for i := range 10 {
		k := fmt.Sprintf("%sk%d", prefix, i)
		if err := rdb.Set(ctx, k, i, time.Minute).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
		if got, err := rdb.Get(ctx, k).Int(); err != nil || got != i {
			t.Fatalf("GET %s = %d, %v; want %d", k, got, err, i)
		}
	}

	env := map[string]string{
		"REDIS_URL": redisURL, "REDIS_PREFIX": prefix,
		"WECHAT_TOKEN": "topotoken", "ADMIN_TOKEN": "topo-admin-token-0123456789abcdef",
	}
	base, _ := startRun(t, env)
	sim := wechat.NewSimulator(wechat.Settings{Token: "topotoken"})
	// The second is a new message, so the session is read back; asking the same question twice
	// would be taken as "that did not help".
	for _, q := range []string{"对账单在哪下载", "对账单是什么格式的"} {
		req, _ := sim.Request(base+"/wechat", sim.TextXML("o_topo_user", q, sim.NextMsgID(), time.Now()), time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		r, err := sim.Open(body)
		if err != nil || !strings.Contains(r.Content, "对账") {
			t.Errorf("reply through %s = %q, %v", redisURL, r.Content, err)
		}
	}
	resp, err := http.Get(base + "/readyz?state=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/readyz?state=1 through %s = %d, want 200: state is kept", redisURL, resp.StatusCode)
	}
}

// TestSentinelURL starts a password-protected redis-server and a Sentinel that monitors it,
// and connects with the README's Sentinel URL: the host is a Sentinel, master_name names the
// monitored master, password is the master's.
func TestSentinelURL(t *testing.T) {
	t.Parallel()
	bin := redisServerBin(t)
	dir := t.TempDir()
	master, sentinel := freePort(t), freePort(t)
	const password = "masterpw0123456789"
	startRedis(t, bin, master, password, "--port", strconv.Itoa(master), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir, "--requirepass", password)

	// Sentinel rewrites its configuration file, so it lives in the test's directory.
	conf := filepath.Join(dir, "sentinel.conf")
	err := os.WriteFile(conf, fmt.Appendf(nil, "port %d\nbind 127.0.0.1\ndir %s\n"+
		"sentinel monitor mymaster 127.0.0.1 %d 1\nsentinel auth-pass mymaster %s\n"+
		"sentinel down-after-milliseconds mymaster 5000\n", sentinel, dir, master, password), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	startRedis(t, bin, sentinel, "", conf, "--sentinel")
	s := redis.NewSentinelClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(sentinel)})
	defer s.Close()
	for i := 0; ; i++ {
		addr, err := s.GetMasterAddrByName(t.Context(), "mymaster").Result()
		if err == nil && len(addr) == 2 && addr[1] == strconv.Itoa(master) {
			break
		}
		if i > 100 {
			unavailable(t, "Sentinel does not report mymaster: %v %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	checkTopology(t, fmt.Sprintf("redis://127.0.0.1:%d/0?master_name=mymaster&password=%s", sentinel, password))
}

// TestClusterURL starts a three-node Redis Cluster (no replicas; slots split in three) and
// connects with the README's Cluster URL: one node as host, the others as addr parameters.
func TestClusterURL(t *testing.T) {
	t.Parallel()
	bin := redisServerBin(t)
	dir := t.TempDir()
	ports := []int{freePort(t), freePort(t), freePort(t)}
	for _, p := range ports {
		startRedis(t, bin, p, "", "--port", strconv.Itoa(p), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
			"--dir", dir, "--cluster-enabled", "yes", "--cluster-config-file", fmt.Sprintf("nodes-%d.conf", p))
	}
	ctx := t.Context()
	nodes := make([]*redis.Client, len(ports))
	for i, p := range ports {
		nodes[i] = redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(p)})
		defer nodes[i].Close()
	}
	const slots = 16384
	for i, n := range nodes {
		from, to := i*slots/len(nodes), (i+1)*slots/len(nodes)-1
		if err := n.ClusterAddSlotsRange(ctx, from, to).Err(); err != nil {
			unavailable(t, "CLUSTER ADDSLOTSRANGE on %d: %v", ports[i], err)
		}
		if i > 0 {
			if err := nodes[0].ClusterMeet(ctx, "127.0.0.1", strconv.Itoa(ports[i])).Err(); err != nil {
				unavailable(t, "CLUSTER MEET %d: %v", ports[i], err)
			}
		}
	}
	for i := 0; ; i++ {
		ok := true
		for _, n := range nodes {
			info, err := n.ClusterInfo(ctx).Result()
			ok = ok && err == nil && strings.Contains(info, "cluster_state:ok") && strings.Contains(info, "cluster_known_nodes:3")
		}
		if ok {
			break
		}
		if i > 200 {
			unavailable(t, "the cluster on %v did not reach cluster_state:ok", ports)
		}
		time.Sleep(50 * time.Millisecond)
	}

	checkTopology(t, fmt.Sprintf("redis://127.0.0.1:%d/0?addr=127.0.0.1:%d&addr=127.0.0.1:%d", ports[0], ports[1], ports[2]))
}
