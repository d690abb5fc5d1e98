package bot

// TEMPORARY (branch deskweb only): the types of the desk contract (/work/desk-contract.md) that
// desk-core is building on branch deskcore, so that the desk pages compile and are tested against
// fakes before that branch is merged. The merge replaces this file with the real domain.

import "time"

// Role is what an agent may do.
type Role string

// Agent roles.
const (
	RoleAdmin Role = "admin"
	RoleAgent Role = "agent"
)

// Agent is a person who works tickets at the desk.
type Agent struct {
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// Session is a logged-in agent's browser session.
type Session struct {
	ID      string
	CSRF    string
	Agent   Agent
	Expires time.Time
}

// APIToken is an agent's token for the agent API.
type APIToken struct {
	ID, Label string
	CreatedAt time.Time
	LastUsed  *time.Time
}

// TimelineEvent is one thing that happened to a ticket.
type TimelineEvent struct {
	At      time.Time `json:"at"`
	Kind    EventKind `json:"kind"`
	Agent   string    `json:"agent,omitempty"`
	Text    string    `json:"text,omitempty"`
	From    string    `json:"from,omitempty"`
	To      string    `json:"to,omitempty"`
	ErrCode int       `json:"errcode,omitempty"`
	CSAT    int       `json:"csat,omitempty"`
}

// AuditEntry is one audited action.
type AuditEntry struct {
	At                                      time.Time
	Agent, Action, Ticket, ClientIP, Detail string
}

// Dashboard is the desk's summary.
type Dashboard struct {
	Today, Week   Period
	PerCategory   []CategoryStats
	TopUnknown    []UnknownQuestion
	Open, Overdue map[Priority]int
}

// Period are the figures of one period.
type Period struct {
	Messages, Answered, Suggested, NotUnderstood, Handoffs int
	TicketsCreated, TicketsResolved                        int
	MedianFirstResponse                                    time.Duration
	SLAMet                                                 float64
	CSATAverage                                            float64
	CSATCount                                              int
}

// CategoryStats are one category's figures.
type CategoryStats struct {
	Slug, Name                   string
	Answered, Suggested, Tickets int
}

// CannedReply is a prepared reply agents pick from.
type CannedReply struct{ Title, Text string }

// Codes of the desk's application errors.
const (
	CodeBadLogin  = "bad_login"
	CodeLocked    = "locked"
	CodeNoSession = "no_session"
	CodeForbidden = "forbidden"
	CodeExists    = "exists"
)
