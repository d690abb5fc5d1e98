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

	"github.com/prometheus/client_golang/prometheus"

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

	// reloads counts finished reloads by outcome; loadedAt is when the served index was built.
	// Both are nil until register.
	reloads  *prometheus.CounterVec
	loadedAt prometheus.Gauge
}

// register creates the reload metrics on reg, with both outcomes at 0 and the served index
// loaded at loaded (the start).
func (r *reloader) register(reg prometheus.Registerer, loaded time.Time) {
	r.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yilianbot_knowledge_reloads_total",
		Help: "Knowledge-base reloads (SIGHUP or POST /api/v1/kb/reload) by outcome: succeeded, failed (refused; the previous index stays).",
	}, []string{"outcome"})
	r.loadedAt = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "yilianbot_knowledge_last_reload_timestamp_seconds",
		Help: "Unix time the served knowledge base was loaded: at start or by the last successful reload.",
	})
	reg.MustRegister(r.reloads, r.loadedAt)
	r.reloads.WithLabelValues(string(handlers.ReloadSucceeded))
	r.reloads.WithLabelValues(string(handlers.ReloadFailed))
	r.loadedAt.Set(float64(loaded.UnixNano()) / 1e9)
}

// record counts a finished reload.
func (r *reloader) record(st handlers.KBReload) {
	if r.reloads == nil {
		return
	}
	r.reloads.WithLabelValues(string(st.State)).Inc()
	if st.State == handlers.ReloadSucceeded {
		r.loadedAt.Set(float64(st.FinishedAt.UnixNano()) / 1e9)
	}
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
			log.DebugContext(ctx, "knowledge base reload started", "source", kbSource(r.a.cfg))
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
			id, st := r.last.ID, r.last
			r.mu.Unlock()
			r.record(st)
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
