package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/yilianpay/yilianbot/handlers"
	"github.com/yilianpay/yilianbot/kb"
)

// reload rebuilds the knowledge base from its source and serves it if it passes `kb check` and
// does not lower top-1 on the source's evaluation set. The replaced index is closed when the
// app closes: a search may still be running on it, and an index is a few MiB.
func (a *app) reload(ctx context.Context) (newTop1, oldTop1 float64, err error) {
	old, newTop1, oldTop1, err := a.live.Reload(ctx, contentFS(a.cfg), a.cfg.File.Variables(), thresholds(a.cfg))
	if err != nil {
		return newTop1, oldTop1, err
	}
	a.mu.Lock()
	a.retired = append(a.retired, old)
	a.mu.Unlock()
	a.log.Info("knowledge base reloaded", "source", kbSource(a.cfg), "dev_top1", newTop1, "previous_dev_top1", oldTop1)
	return newTop1, oldTop1, nil
}

// reloader runs knowledge-base reloads one at a time in the goroutine serve starts (watch),
// whether the admin API or SIGHUP asked for them, and remembers how the latest one went.
type reloader struct {
	a   *app
	now func() time.Time
	// queue holds a reload StartReload accepted and watch has not begun yet. It never holds
	// more than one: StartReload queues only when no reload is running.
	queue chan struct{}

	mu   sync.Mutex
	last handlers.KBReload
}

var _ handlers.KBReloader = (*reloader)(nil)

func newReloader(a *app) *reloader {
	return &reloader{a: a, now: time.Now, queue: make(chan struct{}, 1), last: handlers.KBReload{State: handlers.ReloadIdle}}
}

// StartReload implements handlers.KBReloader.
func (r *reloader) StartReload() (handlers.KBReload, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last.State == handlers.ReloadRunning {
		return r.last, false
	}
	r.last = handlers.KBReload{ID: r.last.ID + 1, State: handlers.ReloadRunning, StartedAt: r.now()}
	r.queue <- struct{}{}
	return r.last, true
}

// ReloadStatus implements handlers.KBReloader.
func (r *reloader) ReloadStatus() handlers.KBReload {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.last
	st.Problems = append([]string(nil), st.Problems...)
	return st
}

// watch runs queued reloads and starts one on each SIGHUP, until ctx is done. serve runs it in
// its own goroutine and waits for it before it returns. A SIGHUP while a reload is queued or
// running starts one more once that one ends: the running reload may have read the files
// before the edit the signal announces.
func (r *reloader) watch(ctx context.Context, log *slog.Logger, hup <-chan os.Signal) {
	hupPending := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if _, ok := r.StartReload(); !ok {
				hupPending = true
			}
		case <-r.queue:
			newTop1, oldTop1, err := r.a.reload(ctx)
			r.mu.Lock()
			r.last.FinishedAt = r.now()
			r.last.Top1, r.last.PreviousTop1 = newTop1, oldTop1
			r.last.State = handlers.ReloadSucceeded
			if err != nil {
				r.last.State = handlers.ReloadFailed
				r.last.Error = err.Error()
				var probs kb.Problems
				if errors.As(err, &probs) {
					for _, p := range probs {
						r.last.Problems = append(r.last.Problems, p.String())
					}
				}
			}
			id := r.last.ID
			r.mu.Unlock()
			if err != nil {
				log.Error("knowledge base reload refused; the previous index stays", "reload_id", id, "error", err)
			}
			if hupPending {
				// Fails only when an API request has just started a reload, which is as new.
				r.StartReload()
				hupPending = false
			}
		}
	}
}

// notifyHUP subscribes to SIGHUP. serve calls it before it listens, so that a SIGHUP sent
// once the server answers never hits the default action, which ends the process.
func notifyHUP() (<-chan os.Signal, func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	return hup, func() { signal.Stop(hup) }
}
