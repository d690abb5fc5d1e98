// Package bot is the dialogue domain of yilianbot: what a WeChat user said (Message), what the
// bot answers (Reply), and everything in between — intents, menus, guardrails, session state,
// de-duplication of WeChat's retries — and the work orders (tickets) agents answer.
//
// The files follow its three jobs:
//
//   - the dialogue: bot.go (Bot.Reply), dialogue.go, flow.go (the ticket flow), care.go (the
//     fund-safety case, number checks, small words, other companies, ticket follow-ups),
//     guard.go, texts.go, hours.go, session.go;
//   - the agents' desk: ticket.go (the ticket domain), desk.go (the agent API's use cases),
//     errors.go (errors the API shows);
//   - storage in Redis: keys.go (every key and TTL, with the layout documented) and the store
//     files store*.go, the only ones that call Redis.
//
// It never imports net/http, XML or the WeChat SDK; handlers translate at the edge.
package bot

import (
	"strconv"
	"time"
)

// Kind is the type of an inbound message, named as WeChat names it.
type Kind string

// Inbound kinds.
const (
	KindText       Kind = "text"
	KindVoice      Kind = "voice"
	KindImage      Kind = "image"
	KindVideo      Kind = "video"
	KindShortVideo Kind = "shortvideo"
	KindLocation   Kind = "location"
	KindLink       Kind = "link"
	KindFile       Kind = "file"
	KindEvent      Kind = "event"
)

// Message is one inbound message or event from a WeChat user.
type Message struct {
	OpenID string
	Kind   Kind
	// Text is the user's words: Content for text, Recognition for voice.
	Text string
	// Event and EventKey are set for KindEvent (subscribe, unsubscribe, CLICK, ...).
	Event    string
	EventKey string
	// MsgID is WeChat's message id (empty for events).
	MsgID      string
	CreateTime time.Time
	// Truncated is set by the edge when it cut Text before it arrived (the raw Content is
	// capped at a few thousand runes); the user is then told to send shorter messages.
	Truncated bool
	// CallbackID identifies one signed callback: a hash the edge computes of its timestamp,
	// nonce and signature. BodyHash is a hash of the callback's raw body. The bot claims the
	// CallbackID with the BodyHash for callbackTTL; the same CallbackID with another body is a
	// replay (ErrReplayed). An empty CallbackID is not claimed.
	CallbackID string
	BodyHash   string
}

// DedupeKey identifies a delivery across WeChat's retries: openid+MsgId for messages and
// openid+CreateTime+Event+EventKey for events (MsgIds were seen to collide across users, and
// several events can share one second).
func (m Message) DedupeKey() string {
	if m.MsgID != "" {
		return "m:" + m.MsgID
	}
	return "e:" + strconv.FormatInt(m.CreateTime.Unix(), 10) + ":" + m.Event + ":" + m.EventKey
}

// Reply is what the bot answers. The zero Reply means "no reply" (WeChat's "success").
type Reply struct {
	Text string `json:"text,omitempty"`
	// Transfer hands the conversation to WeChat's customer-service agents
	// (transfer_customer_service), optionally to KfAccount.
	Transfer  bool   `json:"transfer,omitempty"`
	KfAccount string `json:"kf,omitempty"`
	// Time is when the reply was first made; a retry of the same message gets the same Time,
	// so the rendered reply is identical.
	Time time.Time `json:"time"`
}

// Empty reports whether r says nothing.
func (r Reply) Empty() bool { return r.Text == "" && !r.Transfer }
