package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// CannedReply is a prepared reply agents pick from (CONFIG_FILE desk.canned_replies).
type CannedReply struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Limits of canned replies.
const (
	maxCannedReplies = 50
	maxCannedTitle   = 30 // runes
)

// CheckCannedReplies validates canned replies as a reply is checked before it is sent: a title
// of 1-30 characters, a text within the reply limit, no payment secret, no request for a code
// or password. It reports every problem, by position.
func CheckCannedReplies(rs []CannedReply) error {
	var problems []string
	if len(rs) > maxCannedReplies {
		problems = append(problems, fmt.Sprintf("at most %d canned replies", maxCannedReplies))
	}
	for i, r := range rs {
		if n := utf8.RuneCountInString(strings.TrimSpace(r.Title)); n == 0 || n > maxCannedTitle {
			problems = append(problems, fmt.Sprintf("canned_replies[%d].title: needs 1-%d characters", i, maxCannedTitle))
		}
		if err := checkAgentText(r.Text); err != nil {
			problems = append(problems, fmt.Sprintf("canned_replies[%d].text: %s", i, ErrorMessage(err)))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("desk: %s", strings.Join(problems, "; "))
	}
	return nil
}

// CannedReplies returns the agents' prepared replies.
func (b *Bot) CannedReplies() []CannedReply { return b.canned }

// Migrate indexes the tickets stored before the desk's indexes existed, once (see
// store.migrate); it returns how many it indexed. cmd runs it at start-up, before serving.
func (b *Bot) Migrate(ctx context.Context) (int, error) { return b.st.migrate(ctx, b.now()) }

// Sweep removes the tickets whose retention ended from the indexes and returns how many it
// removed. cmd runs it every SweepInterval.
func (b *Bot) Sweep(ctx context.Context) (int, error) { return b.st.sweep(ctx, b.now()) }

// SweepInterval is how often the indexes are swept of expired tickets.
const SweepInterval = 10 * time.Minute
