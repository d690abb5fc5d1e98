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

	// Case is the fund-safety case the conversation is about, if any: follow-ups ("怎么办",
	// "已经转了", "人工") are answered inside it.
	Case *fundCase `json:"case,omitempty"`
	// Topic is the entry the user's last question was answered with and TopicQ the words that
	// asked it: a follow-up that only makes sense with it ("那信用卡呢") is searched with them.
	Topic  string `json:"topic,omitempty"`
	TopicQ string `json:"topicq,omitempty"`
	// Answered is the entry whose answer was shown last (Topic may be only suggested).
	Answered string `json:"answered,omitempty"`
	// Rejected is Answered when the user said it did not help: its lines answer nothing more.
	Rejected string `json:"rejected,omitempty"`
	// Detail is set when Answered was shown cut to fit a phone screen: "详细", "然后呢" show
	// the rest.
	Detail bool `json:"detail,omitempty"`
	// Need is the last question the user asked (bare) and Repeats how many times in a row it
	// was asked: the second time the bot stops repeating itself and offers a person.
	Need    string `json:"need,omitempty"`
	Repeats int    `json:"repeats,omitempty"`
	// Asks counts requests for a human in this conversation, so that the bot does not paste
	// the same block again and again.
	Asks int `json:"asks,omitempty"`
	// Queue is set once the user was handed to the agents (inside hours).
	Queue *queue `json:"queue,omitempty"`
	// Ticket is the ticket filed in this conversation: "什么时候处理", "催一下" are about it.
	Ticket string `json:"ticket,omitempty"`
	// Noticed are the notices shown in this conversation: each is shown once.
	Noticed []string `json:"noticed,omitempty"`
	// Suggested is the question that got a suggestion list; when nothing is picked from the
	// list it goes to the knowledge base's unknown list.
	Suggested string `json:"suggested,omitempty"`
	// OfferTicket is set when the last reply offered a ticket: "好", "提一个" start it.
	OfferTicket bool `json:"offer,omitempty"`
	// Rate is the ticket whose score the bot asked for because the user said it was solved
	// (noTicketOnFile when none of the user's tickets was found); the next message may be
	// the score.
	Rate string `json:"rate,omitempty"`
	// TicketTalk is set by a ticket lookup and read by the next message only: "问题已经解决了"
	// right after it is about that ticket even without the word 工单.
	TicketTalk bool `json:"tt,omitempty"`
	// CSATRetry is set when a score out of range was answered: the question is asked once more.
	CSATRetry bool `json:"csatretry,omitempty"`
	// Reopen is a resolved ticket the user said was not solved: a new ticket refers to it.
	Reopen string `json:"reopen,omitempty"`
	// Merchant is the last merchant number the user typed in the conversation: a ticket
	// opened later starts with it.
	Merchant string `json:"mch,omitempty"`
	// LastQ is the user's last question (masked), the description of a ticket filed from it.
	LastQ string `json:"lastq,omitempty"`
	// LookedUp is the ticket number the previous message looked up, found or not (or typed in
	// a wrong shape): "大概啥时候能处理完" right after it is about that ticket.
	LookedUp string `json:"lu,omitempty"`
	// English says the user's last message was English: a bare "ok" is answered in the
	// language the conversation is in.
	English bool `json:"en,omitempty"`
	// Payer is set once the user showed they are the one who paid, not a merchant: answers
	// stay in a payer's few plain lines.
	Payer bool `json:"payer,omitempty"`
}

// fundCase is a fund-safety case: what happened and the urgent ticket filed for it.
type fundCase struct {
	Kind   string `json:"kind"`             // one of the case kinds (caseLoss, ...)
	Ticket string `json:"ticket,omitempty"` // the urgent ticket, once filed
	Steps  int    `json:"steps,omitempty"`  // how many times the steps were given
	// Aside is set when the conversation moved on to something else: an okay is then no
	// longer an okay about the case.
	Aside bool `json:"aside,omitempty"`
	// Offer is set when the bot offered to file the urgent ticket again (a case reported
	// before whose ticket was not found); Desc is the masked message that told of it.
	Offer bool   `json:"offer,omitempty"`
	Desc  string `json:"desc,omitempty"`
}

// queue is a hand-off to the agents in progress.
type queue struct {
	Since       time.Time `json:"since"`
	Transferred bool      `json:"transferred,omitempty"` // a message was handed over
	Nudges      int       `json:"nudges,omitempty"`      // "还在吗" while waiting
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
	return !s.Seen.IsZero() && now.Sub(s.Seen) > ttl && (s.Prompt.Kind != "" || s.More != "" || s.Handoff || s.Flow != nil || s.Queue != nil || s.Case != nil)
}
