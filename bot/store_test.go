package bot

import (
	"context"
	"strings"
	"testing"
	"time"
)

// stepClock makes b's waits advance its fake clock instead of taking real time, calling hook
// (when not nil) with the number of the sleep before each one returns.
func stepClock(b *testBot, hook func(n int)) *int {
	n := new(int)
	b.st.after = func(d time.Duration) <-chan time.Time {
		*n++
		if hook != nil {
			hook(*n)
		}
		b.clock.Add(d)
		ch := make(chan time.Time, 1)
		ch <- b.clock.Now()
		return ch
	}
	return n
}

// TestLockWaitOnBotClock: the wait for the user's previous message runs on the bot's clock, so
// its outcome does not depend on how fast the machine is.
func TestLockWaitOnBotClock(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	ctx := context.Background()

	t.Run("gives up after lockWait and answers statelessly", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(10, 0), Options{})
		sleeps := stepClock(b, nil)
		// Another request is answering this user's previous message and keeps the lock.
		if err := b.rdb.Set(ctx, b.st.keys.lock(defaultUser), "other", time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
		start := b.clock.Now()
		m := b.text(defaultUser, "对账单在哪下载")
		r, err := b.Reply(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if want := int(lockWait/lockPoll) + 1; *sleeps != want {
			t.Errorf("slept %d times, want %d (lockWait / lockPoll, then past the deadline)", *sleeps, want)
		}
		if got := b.clock.Now().Sub(start); got <= lockWait {
			t.Errorf("the wait took %v on the bot's clock, want just over %v", got, lockWait)
		}
		if strings.Contains(r.Text, feedbackMark) {
			t.Errorf("Reply = %q, want the stateless answer (no feedback question)", r.Text)
		}
		// The delivery was given back: WeChat's retry is answered afresh.
		if n := b.rdb.Exists(ctx, b.st.keys.dedupe(m)).Val(); n != 0 {
			t.Errorf("dedupe key exists after giving up, want it released")
		}
	})

	t.Run("proceeds when the previous message is done", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(10, 0), Options{})
		lock := b.st.keys.lock(defaultUser)
		sleeps := stepClock(b, func(n int) {
			if n == 3 { // the other request finishes during the third sleep
				b.rdb.Del(ctx, lock)
			}
		})
		if err := b.rdb.Set(ctx, lock, "other", time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
		r, err := b.Reply(ctx, b.text(defaultUser, "对账单在哪下载"))
		if err != nil {
			t.Fatal(err)
		}
		if *sleeps != 3 {
			t.Errorf("slept %d times, want 3", *sleeps)
		}
		if !strings.Contains(r.Text, feedbackMark) {
			t.Errorf("Reply = %q, want the stateful answer with the feedback question", r.Text)
		}
		if n := b.rdb.Exists(ctx, lock).Val(); n != 0 {
			t.Errorf("the user's lock is still held after the reply, want it released")
		}
	})
}
