package bot

import (
	"encoding/json"
	"time"
)

// Turn is one line of a user's masked transcript.
type Turn struct {
	Time time.Time `json:"t"`
	From string    `json:"from"` // "user" or "bot"
	Text string    `json:"text"`
}

// session is a user's conversation state, stored as JSON.
type session struct {
	Seen   time.Time `json:"seen"`
	Prompt prompt    `json:"prompt,omitzero"`
	Misses int       `json:"misses,omitempty"`
	// Last is the entry answered last, for feedback; Alts are the runners-up of that search.
	Last string   `json:"last,omitempty"`
	Alts []string `json:"alts,omitempty"`
	// More is the rest of a long reply, shown on "继续".
	More string `json:"more,omitempty"`
	// Handoff is set when the user asked for a human inside service hours: the next message
	// goes to the agents.
	Handoff bool `json:"handoff,omitempty"`
	Urgent  bool `json:"urgent,omitempty"`
	// LastCategory is the category the bot last answered from, for tickets.
	LastCategory string `json:"cat,omitempty"`
	// Warned are the kinds of payment secret the user was warned about in this conversation:
	// the warning is given once per kind.
	Warned []string `json:"warned,omitempty"`
	// Flow is the ticket flow in progress (or paused with what the user gave).
	Flow *flow `json:"flow,omitempty"`
}

// promptKind is what the numbers of the last reply stand for.
type promptKind string

const (
	promptMenu     promptKind = "menu"     // categories of the main menu
	promptCategory promptKind = "category" // questions of one category
	promptSuggest  promptKind = "suggest"  // entries the search was unsure between
	promptRelated  promptKind = "related"  // entries related to the last answer
)

// prompt is what the last reply offered by number.
type prompt struct {
	Kind    promptKind `json:"kind,omitempty"`
	Options []string   `json:"opts,omitempty"` // what 1..n mean: category slugs or entry ids
	Parent  string     `json:"parent,omitempty"`
}

func decodeSession(raw []byte) *session {
	s := &session{}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, s) // a corrupt session starts fresh
	}
	return s
}

// stale reports whether the session had state that has expired.
func (s *session) stale(now time.Time, ttl time.Duration) bool {
	return !s.Seen.IsZero() && now.Sub(s.Seen) > ttl && (s.Prompt.Kind != "" || s.More != "" || s.Handoff || s.Flow != nil)
}
