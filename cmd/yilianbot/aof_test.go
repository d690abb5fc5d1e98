package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/yilianpay/yilianbot/bot"
	"github.com/yilianpay/yilianbot/handlers/openapitest"
	"github.com/yilianpay/yilianbot/handlers/wechat"
)

// startRedisServer starts a redis-server of the test's own with the append-only file that
// docker-compose.yml configures, in dir, listening only on the Unix socket sock: a restart
// gets the same address back, which a TCP port freed and picked again would not promise.
// It skips when redis-server is not installed, except with CI=true.
func startRedisServer(t *testing.T, dir, sock string) *exec.Cmd {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but redis-server is not installed")
		}
		t.Skip("redis-server is not installed")
	}
	cmd := exec.Command(bin, "--port", "0", "--unixsocket", sock, "--dir", dir, "--save", "",
		"--appendonly", "yes", "--appendfsync", "everysec")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	rdb := redis.NewClient(&redis.Options{Network: "unix", Addr: sock})
	defer rdb.Close()
	for i := 0; ; i++ {
		if rdb.Ping(context.Background()).Err() == nil {
			return cmd
		}
		if i > 100 {
			t.Fatalf("redis-server on %s did not start", sock)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTicketSurvivesRedisCrash acknowledges a ticket, kills Redis with SIGKILL after the
// append-only file's fsync second, restarts it on the same directory and reads the ticket back
// through the agent API.
func TestTicketSurvivesRedisCrash(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sock := filepath.Join(dir, "redis.sock")
	srv := startRedisServer(t, dir, sock)

	env := map[string]string{
		"REDIS_URL":    "unix://" + sock + "?db=0",
		"WECHAT_TOKEN": "aoftoken",
		"ADMIN_TOKEN":  "aof-admin-token-0123456789abcdefghij",
	}
	pub, admin, _ := startServe(t, env) // the agent API is on the admin listener
	sim := wechat.NewSimulator(wechat.Settings{Token: "aoftoken"})
	var last string
	for _, line := range []string{"提交工单", "1", "8812345678", "结算款三天没到账，请帮忙查一下", "跳过"} {
		req, _ := sim.Request(pub+"/wechat", sim.TextXML("o_aof_user", line, sim.NextMsgID(), time.Now()), time.Now())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		r, err := sim.Open(body)
		if err != nil {
			t.Fatal(err)
		}
		last = r.Content
	}
	no := bot.TicketNoRE.FindString(last)
	if no == "" {
		t.Fatalf("no ticket number in %q", last)
	}

	time.Sleep(1500 * time.Millisecond) // appendfsync everysec
	srv.Process.Kill()
	srv.Wait()
	startRedisServer(t, dir, sock)

	apiClient := openapitest.Load(t).Client(t) // answers must match handlers/openapi.yaml
	get := func() (int, string) {
		req, _ := http.NewRequest("GET", admin+"/api/v1/tickets/"+no, nil)
		req.Header.Set("Authorization", "Bearer "+env["ADMIN_TOKEN"])
		resp, err := apiClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	var code int
	var body string
	for range 50 { // the client reconnects on its own
		if code, body = get(); code == 200 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code != 200 || !strings.Contains(body, "8812345678") || !strings.Contains(body, fmt.Sprintf(`"no":"%s"`, no)) {
		t.Fatalf("after a Redis crash and restart GET %s = %d %s, want the ticket", no, code, body)
	}
}
