package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/yilianpay/yilianbot/kb"
)

// watchReload rebuilds the knowledge base on SIGHUP until ctx is done. A replaced index is
// closed a while later, when no search can still be using it.
func watchReload(ctx context.Context, a *app, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var retired []*kb.Index
	defer func() {
		for _, ix := range retired {
			ix.Close()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Minute):
			for _, ix := range retired {
				ix.Close()
			}
			retired = nil
		case <-hup:
			old, newTop1, oldTop1, err := a.live.Reload(ctx, contentFS(a.cfg), a.cfg.File.Variables(), thresholds(a.cfg))
			if err != nil {
				log.Error("knowledge base reload refused; the previous index stays", "error", err)
				continue
			}
			retired = append(retired, old)
			log.Info("knowledge base reloaded", "source", kbSource(a.cfg), "dev_top1", newTop1, "previous_dev_top1", oldTop1)
		}
	}
}
