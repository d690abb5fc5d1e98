package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yilianpay/yilianbot/handlers/wechat"
)

func TestRunAgainstEcho(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		wc   wechat.Settings
		args []string
	}{
		{"plain", wechat.Settings{Token: "loadtoken"}, nil},
		{"aes", wechat.Settings{
			AppID:          "wx0123456789abcdef",
			Token:          "loadtoken",
			EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
		}, []string{"-aes-key", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "-appid", "wx0123456789abcdef"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(echoHandler(tt.wc))
			t.Cleanup(srv.Close)

			args := append([]string{"-url", srv.URL + "/wechat", "-token", tt.wc.Token, "-users", "2", "-duration", "300ms"}, tt.args...)
			var stdout, stderr bytes.Buffer
			getenv := func(string) string { return "" }
			if err := run(context.Background(), args, getenv, &stdout, &stderr); err != nil {
				t.Fatalf("run(%q) = %v, want nil\nstdout:\n%s\nstderr:\n%s", args, err, &stdout, &stderr)
			}
			out := stdout.String()
			for _, re := range []string{
				`(?m)^throughput: +[0-9.]+ req/s`,
				`(?m)^latency p99: +\S+`,
				`(?m)^errors: +0 `,
				`(?m)^replies: +text [1-9]`,
			} {
				if !regexp.MustCompile(re).MatchString(out) {
					t.Errorf("run output does not match %s:\n%s", re, out)
				}
			}
		})
	}
}

func TestRunBadToken(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(echoHandler(wechat.Settings{Token: "right"}))
	t.Cleanup(srv.Close)

	args := []string{"-url", srv.URL + "/wechat", "-token", "wrong", "-users", "1", "-requests", "3"}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Errorf("run with a wrong token = %v, want an HTTP 400 error", err)
	}
	if !strings.Contains(stdout.String(), "errors:      3 (http 3,") {
		t.Errorf("run with a wrong token printed:\n%s\nwant 3 HTTP errors", &stdout)
	}
}

func TestParseFlagsRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no url", nil, "-url"},
		{"duration over cap", []string{"-url", "http://127.0.0.1:1/wechat", "-duration", "6m"}, "-duration"},
		{"no users", []string{"-url", "http://127.0.0.1:1/wechat", "-users", "0"}, "-users"},
		{"aes without appid", []string{"-url", "http://127.0.0.1:1/wechat", "-aes-key", "k"}, "-appid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseFlags(tt.args, func(string) string { return "" }, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseFlags(%q) = %v, want an error about %s", tt.args, err, tt.want)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	ms := func(ns ...int) []time.Duration {
		var d []time.Duration
		for _, n := range ns {
			d = append(d, time.Duration(n)*time.Millisecond)
		}
		return d
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms(7), 50, 7 * time.Millisecond},
		{"one max", ms(7), 100, 7 * time.Millisecond},
		{"p50 of 4", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p90 of 4", ms(1, 2, 3, 4), 90, 4 * time.Millisecond},
		{"p50 of 100", ms(hundred...), 50, 50 * time.Millisecond},
		{"p90 of 100", ms(hundred...), 90, 90 * time.Millisecond},
		{"p99 of 100", ms(hundred...), 99, 99 * time.Millisecond},
		{"max of 100", ms(hundred...), 100, 100 * time.Millisecond},
		{"tiny p", ms(1, 2, 3), 0.001, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}
