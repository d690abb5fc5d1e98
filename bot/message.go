// Package bot is the dialogue domain of yilianbot: what a WeChat user said (Message), what the
// bot answers (Reply), and everything in between — intents, menus, guardrails, session state,
// de-duplication of WeChat's retries — and the work orders (tickets) agents answer.
//
// The files follow its three jobs:
//
//   - the dialogue: bot.go (Bot.Reply), dialogue.go, flow.go (the ticket flow), guard.go,
//     texts.go, hours.go, session.go;
//   - the agents' desk: ticket.go (the ticket domain), desk.go (the agent API's use cases),
//     errors.go (errors the API shows);
//   - storage in Redis: keys.go (every key and TTL, with the layout documented) and the store
//     files store*.go, the only ones that call Redis.
//
// It never imports net/http, XML or the WeChat SDK; handlers translate at the edge.
package bot

import (
	"errors"
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
	// CallbackID identifies the signed callback (a hash of timestamp, nonce and signature) that
	// carried the message; WeChat's re-delivery of the same callback has the same CallbackID.
	CallbackID string
	// BodyHash is a hash of the callback's raw body. One CallbackID with two BodyHashes is a
	// captured callback URL reused with another body: Reply refuses it with ErrReplayed.
	BodyHash string
	// Truncated reports that the edge cut Text to its first runes.
	Truncated bool
}

// ErrReplayed is returned by Reply for a callback whose CallbackID was already seen with
// another BodyHash.
var ErrReplayed = errors.New("bot: callback replayed with another body")

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
