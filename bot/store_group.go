package bot

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// group merges the pipelines of concurrent messages into one Redis round trip (group commit).
// The caller that finds no flush running sends everything queued, and keeps sending what
// queued meanwhile; the others wait for the flush that carries their commands. Every caller
// still gets its own commands' results, so nothing changes for it but the number of writes.
type group struct {
	mu       sync.Mutex
	queue    []*groupJob
	flushing bool
}

type groupJob struct {
	fn       func(redis.Pipeliner)
	deadline time.Time // zero: none
	done     chan error
}

// pipelined runs fn's commands in a pipeline shared with concurrent callers. Like
// redis.Pipelined it returns the first error of the batch; callers read their own commands.
func (g *group) pipelined(ctx context.Context, rdb redis.Cmdable, fn func(redis.Pipeliner)) error {
	job := &groupJob{fn: fn, done: make(chan error, 1)}
	job.deadline, _ = ctx.Deadline()
	g.mu.Lock()
	g.queue = append(g.queue, job)
	if g.flushing {
		g.mu.Unlock()
		return <-job.done
	}
	g.flushing = true
	for len(g.queue) > 0 {
		batch := g.queue
		g.queue = nil
		g.mu.Unlock()
		bctx, cancel := batchContext(ctx, batch)
		_, err := rdb.Pipelined(bctx, func(p redis.Pipeliner) error {
			for _, j := range batch {
				j.fn(p)
			}
			return nil
		})
		cancel()
		for _, j := range batch {
			j.done <- err
		}
		g.mu.Lock()
	}
	g.flushing = false
	g.mu.Unlock()
	return <-job.done
}

// batchContext is the context of a shared flush: one caller hanging up does not cancel the
// others' commands, but the flush keeps the latest of their deadlines, so a Redis that does
// not answer still fails within the callers' timeout (and the bot degrades).
func batchContext(ctx context.Context, batch []*groupJob) (context.Context, context.CancelFunc) {
	var latest time.Time
	for _, j := range batch {
		if j.deadline.IsZero() {
			return context.WithoutCancel(ctx), func() {}
		}
		if j.deadline.After(latest) {
			latest = j.deadline
		}
	}
	return context.WithDeadline(context.WithoutCancel(ctx), latest)
}
