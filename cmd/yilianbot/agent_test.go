package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/handlers/openapitest"
)

// TestAgentCommand: agents are managed from the command line, scriptably; their tokens work on
// the admin listener only, and the admin listener's access log names the agent, never the
// token.
func TestAgentCommand(t *testing.T) {
	t.Parallel()
	url, prefix := redistest.NewURL(t)
	env := map[string]string{
		"REDIS_URL": url, "REDIS_PREFIX": prefix, "WECHAT_TOKEN": "agenttoken",
		"ADMIN_TOKEN": "agent-admin-token-0123456789abcdefghij",
	}
	agent := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"agent"}, args...), func(k string) string { return env[k] },
			strings.NewReader(stdin), &out, io.Discard, hooks{})
		return out.String(), err
	}
	tests := []struct {
		name    string
		stdin   string
		args    []string
		want    string // regexp the output must match
		wantErr string
	}{
		{"help", "", []string{"-h"}, `usage: yilianbot agent`, ""},
		{"add help", "", []string{"add", "-h"}, `usage: yilianbot agent`, ""},
		{"add from stdin", "correct-horse-battery\n", []string{"add", "wang", "--role", "admin"}, `^added wang \(admin\)\n$`, ""},
		{"add generated", "", []string{"add", "li"}, `added li \(agent\)\npassword: \S{20,}\n`, ""},
		{"add taken", "correct-horse-battery\n", []string{"add", "li"}, ``, "已存在"},
		{"short password", "short\n", []string{"add", "zhao"}, ``, "密码"},
		{"bad role", "correct-horse-battery\n", []string{"add", "zhao", "--role", "root"}, ``, "角色"},
		{"list", "", []string{"list"}, `(?s)NAME\s+ROLE.*(wang\s+admin\s+active.*li\s+agent\s+active|li\s+agent\s+active.*wang\s+admin\s+active)`, ""},
		{"passwd", "another-long-password\n", []string{"passwd", "li"}, `password of li changed`, ""},
		{"token", "", []string{"token", "li", "--label", "cron"}, `: ylt_\S+\n`, ""},
		{"disable", "", []string{"disable", "wang"}, `disabled wang`, ""},
		{"list after", "", []string{"list"}, `wang\s+admin\s+disabled`, ""},
		{"no such command", "", []string{"promote", "li"}, ``, "unknown command"},
		{"missing name", "", []string{"disable"}, ``, "want 1 name"},
	}
	var token string
	for _, tt := range tests {
		out, err := agent(tt.stdin, tt.args...)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%s: agent %v error = %v, want %q", tt.name, tt.args, err, tt.wantErr)
		}
		if !regexp.MustCompile(tt.want).MatchString(out) {
			t.Errorf("%s: agent %v printed %q, want it to match %s", tt.name, tt.args, out, tt.want)
		}
		if tt.name == "token" {
			token = regexp.MustCompile(`ylt_\S+`).FindString(out)
		}
	}
	if err := run(context.Background(), []string{"agent", "list"}, func(string) string { return "" }, strings.NewReader(""), io.Discard, io.Discard, hooks{}); err == nil || !strings.Contains(err.Error(), "REDIS_URL") {
		t.Errorf("agent list without REDIS_URL: error = %v, want one naming REDIS_URL", err)
	}

	pub, admin, logs := startServe(t, env)
	checked := openapitest.Load(t).Client(t) // the agent API's answers must match openapi.yaml
	get := func(base, path string) (int, string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		client := http.DefaultClient // the public listener serves no agent API: its 404s are not the document's
		if base == admin {
			client = checked
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tt := range []struct {
		base, path string
		want       int
		wantBody   string
	}{
		{admin, "/api/v1/me", 200, `"name":"li"`},
		{admin, "/api/v1/agents", 403, "forbidden"},
		{admin, "/metrics", 200, `yilianbot_tickets_open{priority="urgent"} 0`},
		{pub, "/api/v1/me", 404, ""},
		{pub, "/api/v1/tickets", 404, ""},
		{pub, "/metrics", 404, ""},
		{pub, "/desk/", 404, ""},
		{pub, "/healthz", 200, "ok"},
	} {
		if code, body := get(tt.base, tt.path); code != tt.want || !strings.Contains(body, tt.wantBody) {
			t.Errorf("GET %s%s = %d %.200s, want %d with %q", tt.base, tt.path, code, body, tt.want, tt.wantBody)
		}
	}
	out := logs.String()
	if !regexp.MustCompile(`msg="admin request" method=GET path=/api/v1/me status=200 duration_ms=\S+ client=127.0.0.1 agent=li`).MatchString(out) {
		t.Errorf("no access log line for GET /api/v1/me by li:\n%s", out)
	}
	if strings.Contains(out, token) || strings.Contains(out, token[4:]) {
		t.Errorf("the logs contain the token:\n%s", out)
	}
}
