package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// reload rebuilds the knowledge base from its source and serves it if it passes `kb check` and
// does not lower top-1 on the development set. The replaced index is closed when the app
// closes: a search may still be running on it, and an index is a few MiB.
func (a *app) reload(ctx context.Context) error {
	old, newTop1, oldTop1, err := a.live.Reload(ctx, contentFS(a.cfg), a.cfg.File.Variables(), thresholds(a.cfg))
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.retired = append(a.retired, old)
	a.mu.Unlock()
	a.log.Info("knowledge base reloaded", "source", kbSource(a.cfg), "dev_top1", newTop1, "previous_dev_top1", oldTop1)
	return nil
}

// notifyHUP subscribes to SIGHUP. serve calls it before it listens, so that a SIGHUP sent
// once the server answers never hits the default action, which ends the process.
func notifyHUP() (<-chan os.Signal, func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	return hup, func() { signal.Stop(hup) }
}

// watchReload reloads the knowledge base on each SIGHUP until ctx is done.
func watchReload(ctx context.Context, a *app, log *slog.Logger, hup <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if err := a.reload(ctx); err != nil {
				log.Error("knowledge base reload refused; the previous index stays", "error", err)
			}
		}
	}
}
