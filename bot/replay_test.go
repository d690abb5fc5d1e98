package bot

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReplayedCallback: a callback id claimed with one body and seen again with another is a
// replay (ErrReplayed) and leaves nothing behind; an identical re-delivery is answered from
// the stored reply.
func TestReplayedCallback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newTestBot(t, mustIndex(t), at(10, 0), Options{})
	first := b.text(defaultUser, "对账单在哪下载")
	first.CallbackID, first.BodyHash = "cb-1", "body-1"
	r1, err := b.Reply(ctx, first)
	if err != nil || !strings.Contains(r1.Text, feedbackMark) {
		t.Fatalf("Reply(first) = %q, %v; want the answer", r1.Text, err)
	}
	again, err := b.Reply(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r1, again); diff != "" {
		t.Errorf("Reply(identical re-delivery) mismatch (-first +again):\n%s", diff)
	}

	// The same signed callback with another body, for another user.
	forged := b.text("o-victim", "人工")
	forged.CallbackID, forged.BodyHash = "cb-1", "body-2"
	if _, err := b.Reply(ctx, forged); !errors.Is(err, ErrReplayed) {
		t.Fatalf("Reply(replayed callback) error = %v, want ErrReplayed", err)
	}
	// Nothing of the victim's was taken: no claim of the delivery, no lock, no message counted.
	for _, key := range []string{b.st.keys.dedupe(forged), b.st.keys.lock("o-victim")} {
		if n := b.rdb.Exists(ctx, key).Val(); n != 0 {
			t.Errorf("key %s exists after a replay, want it given back", key)
		}
	}
	if n, _ := b.rdb.Get(ctx, b.st.keys.rate("o-victim", b.clock.Now())).Int(); n != 0 {
		t.Errorf("the victim's message count is %d after a replay, want 0", n)
	}
	// The victim's own message, delivered without a callback id, is answered.
	own := forged
	own.CallbackID, own.BodyHash = "", ""
	if r, err := b.Reply(ctx, own); err != nil || r.Empty() {
		t.Errorf("Reply(the victim's own message) = %+v, %v; want an answer", r, err)
	}
	if n := b.rdb.Exists(ctx, b.st.keys.callback("")).Val(); n != 0 {
		t.Errorf("an empty callback id was claimed")
	}
	if ttl := b.rdb.TTL(ctx, b.st.keys.callback("cb-1")).Val(); ttl <= 0 || ttl > callbackTTL {
		t.Errorf("TTL of the callback claim = %v, want up to %v", ttl, callbackTTL)
	}
}
