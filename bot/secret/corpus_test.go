package secret

import (
	"strings"
	"testing"

	"github.com/yilianpay/yilianbot/bot/secret/secrettest"
)

// TestCorpora runs every corpus under testdata: no secret survives masking, and every
// look-alike survives unchanged.
func TestCorpora(t *testing.T) {
	t.Parallel()
	rows := secrettest.Secrets(t)
	leaked := 0
	for _, r := range rows {
		if got := Mask(r.Message); secrettest.Leaks(got.Text, r.Value) {
			leaked++
			t.Errorf("%s: %s %q survives in %q", r.Where, r.Kind, r.Value, got.Text)
		}
	}
	t.Logf("%d of %d secrets masked", len(rows)-leaked, len(rows))
	looks := secrettest.Lookalikes(t)
	broken := 0
	for _, r := range looks {
		if got := Mask(r.Message); !strings.Contains(got.Text, foldString(r.Value)) || got.Found() {
			broken++
			t.Errorf("%s: %s %q masked: %q %v", r.Where, r.Kind, r.Value, got.Text, got.Kinds)
		}
	}
	t.Logf("%d of %d look-alikes kept", len(looks)-broken, len(looks))
}
