package kb

import (
	"context"
	"fmt"
	"io/fs"
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

// Reload builds an index from fsys and serves it only if the content passes validation and
// top-1 on the new content's evaluation set (EvalFile) does not drop; otherwise the current
// index stays and the error says why. It returns the index it replaced, which the caller closes
// once searches in flight on it are done, and the new and old top-1 on that set.
func (l *Live) Reload(ctx context.Context, fsys fs.FS, vars Variables, th Thresholds) (old *Index, newTop1, oldTop1 float64, err error) {
	c, err := Load(fsys, vars)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("kb: reload refused, content does not pass check:\n%w", err)
	}
	ix, err := Build(c, th)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("kb: reload refused: %w", err)
	}
	cases := c.Eval
	newRep, err := Evaluate(ctx, ix, cases)
	if err != nil {
		ix.Close()
		return nil, 0, 0, err
	}
	oldRep, err := Evaluate(ctx, l.Current(), cases)
	if err != nil {
		ix.Close()
		return nil, 0, 0, err
	}
	if newRep.Top1 < oldRep.Top1 {
		ix.Close()
		return nil, newRep.Top1Rate(), oldRep.Top1Rate(), fmt.Errorf("kb: reload refused, top-1 on the evaluation set would drop from %.3f to %.3f", oldRep.Top1Rate(), newRep.Top1Rate())
	}
	return l.Swap(ix), newRep.Top1Rate(), oldRep.Top1Rate(), nil
}
