package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// failReader fails the test that reads it.
type failReader struct{ t *testing.T }

func (r failReader) Read([]byte) (int, error) {
	r.t.Errorf("help read standard input")
	return 0, nil
}

// TestHelp runs `X -h` and `X --help` for every command of the table, and the names an
// operator types, through run. Each must print its usage on stdout and return nil without
// reading the environment (so without loading the configuration, listening, dialling Redis or
// the server) or standard input. A command added to the table is covered by this test.
func TestHelp(t *testing.T) {
	t.Parallel()
	names := []string{
		"serve", "chat", "kb", "kb search", "kb check", "kb eval", "kb unknown",
		"menu", "menu show", "menu push", "healthcheck", "help",
	}
	for _, c := range commands() {
		names = append(names, c.name)
	}
	type invocation struct {
		args []string
		want string // at the start of stdout
	}
	var tests []invocation
	for _, name := range names {
		words := strings.Fields(name)
		for _, flag := range []string{"-h", "--help"} {
			tests = append(tests, invocation{append(words[:len(words):len(words)], flag), "usage: yilianbot " + name})
		}
		// A flag after other arguments asks for help too: kb eval --help is not a file name.
		tests = append(tests, invocation{append(words[:len(words):len(words)], "x", "--help"), "usage: yilianbot " + name})
		tests = append(tests, invocation{append([]string{"help"}, words...), "usage: yilianbot " + name})
	}
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		tests = append(tests, invocation{args, "usage: yilianbot [COMMAND]"})
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			getenv := func(k string) string {
				t.Errorf("run(%q) read %s: help must not load the configuration", tt.args, k)
				return ""
			}
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tt.args, getenv, failReader{t}, &stdout, &stderr, hooks{
				listening: func(string, string) { t.Errorf("run(%q) started the server", tt.args) },
			})
			if err != nil {
				t.Fatalf("run(%q) = %v, want nil", tt.args, err)
			}
			if !strings.HasPrefix(stdout.String(), tt.want) {
				t.Errorf("run(%q) printed\n%s\nwant it to start with %q", tt.args, stdout.String(), tt.want)
			}
			if stderr.Len() > 0 {
				t.Errorf("run(%q) wrote to stderr:\n%s", tt.args, stderr.String())
			}
		})
	}
}

// TestCommandErrors checks the mistakes that are not requests for help: they fail, name the
// problem and start nothing.
func TestCommandErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"nosuch"}, `unknown command "nosuch"`},
		{[]string{"kb"}, "kb: missing command"},
		{[]string{"kb", "nosuch"}, `kb: unknown command "nosuch" (want search, check, eval or unknown)`},
		{[]string{"menu", "delete"}, `(want show or push)`},
		{[]string{"serve", "extra"}, `serve: unexpected argument "extra"`},
		{[]string{"help", "nosuch"}, `help: unknown command "nosuch"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			getenv := func(k string) string {
				t.Errorf("run(%q) read %s", tt.args, k)
				return ""
			}
			var out bytes.Buffer
			err := run(context.Background(), tt.args, getenv, failReader{t}, &out, &out, hooks{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v, want an error containing %q", tt.args, err, tt.want)
			}
		})
	}
}

// TestCommandsNeedOnlyTheirSettings runs the kb and menu commands in a production
// environment that lacks the server's secrets: they do not use them, so they must not ask.
func TestCommandsNeedOnlyTheirSettings(t *testing.T) {
	t.Parallel()
	prod := map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/0"}
	for _, args := range [][]string{
		{"kb", "check"},
		{"kb", "search", "对账单在哪下载"},
		{"menu", "show"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			if out, err := runCmd(t, prod, "", args...); err != nil {
				t.Errorf("%q with only REDIS_URL set = %v\n%s", args, err, out)
			}
		})
	}
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want []string
	}{
		{[]string{"kb", "unknown"}, nil, []string{"REDIS_URL"}},
		{[]string{"agent", "list"}, nil, []string{"REDIS_URL"}},
		{[]string{"menu", "push"}, prod, []string{"WECHAT_APP_ID", "WECHAT_APP_SECRET"}},
	} {
		t.Run(strings.Join(tt.args, " ")+" missing", func(t *testing.T) {
			t.Parallel()
			_, err := runCmd(t, tt.env, "", tt.args...)
			if err == nil {
				t.Fatalf("%q succeeded, want an error naming %v", tt.args, tt.want)
			}
			for _, name := range tt.want {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("%q = %v, want it to name %s", tt.args, err, name)
				}
			}
			for _, name := range []string{"WECHAT_TOKEN", "ADMIN_TOKEN"} {
				if strings.Contains(err.Error(), name) {
					t.Errorf("%q = %v: names %s, which it does not use", tt.args, err, name)
				}
			}
		})
	}
}
