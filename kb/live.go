package kb

import (
	"context"
	"sync/atomic"
)

// Live is an Index that can be replaced while it is searched: a reload builds a new Index and
// swaps it in atomically; searches in flight finish on the old one.
type Live struct {
	cur atomic.Pointer[Index]
}

// NewLive returns a Live serving ix.
func NewLive(ix *Index) *Live {
	l := &Live{}
	l.cur.Store(ix)
	return l
}

// Current returns the index being served.
func (l *Live) Current() *Index { return l.cur.Load() }

// Swap serves ix from now on and returns the previous index, which the caller closes once
// searches in flight are done.
func (l *Live) Swap(ix *Index) *Index { return l.cur.Swap(ix) }

// Search searches the current index.
func (l *Live) Search(ctx context.Context, q string, n int) (Result, error) {
	return l.cur.Load().Search(ctx, q, n)
}

// Content returns the current index's content.
func (l *Live) Content() *Content { return l.cur.Load().Content() }
