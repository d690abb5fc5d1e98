package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/yilianpay/yilianbot/config"
)

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// adoptLogger makes log the destination of the libraries' own logging, so that with
// LOG_FORMAT=json every line the process writes is JSON: the log package (net/http's
// messages among them) through slog.SetDefault, and go-redis (pool errors, Sentinel
// discovery), which otherwise prints plain lines to stderr. Both are process-wide; the WeChat
// SDK's logrus output stays discarded (run).
func adoptLogger(log *slog.Logger) {
	slog.SetDefault(log)
	redis.SetLogger(redisLog{log})
}

// redisLog is go-redis's logging interface over slog. go-redis logs only what goes wrong or
// changes (a dropped connection, a new Sentinel master), so every message is a warning.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	if ctx == nil {
		ctx = context.Background()
	}
	msg := strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: ")
	l.log.WarnContext(ctx, msg, "component", "go-redis")
}
