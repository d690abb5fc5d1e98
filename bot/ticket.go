package bot

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Status is where a ticket stands.
type Status string

// Ticket statuses.
const (
	StatusOpen       Status = "open"
	StatusProcessing Status = "processing"
	StatusResolved   Status = "resolved"
	StatusClosed     Status = "closed"
)

var statusNames = map[Status]string{StatusOpen: "待处理", StatusProcessing: "处理中", StatusResolved: "已解决", StatusClosed: "已关闭"}

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool { return statusNames[s] != "" }

// Name is the status as users read it.
func (s Status) Name() string { return statusNames[s] }

// done reports whether the ticket is resolved or closed.
func (s Status) done() bool { return s == StatusResolved || s == StatusClosed }

// Priority is how urgent a ticket is; it sets the ticket's due time.
type Priority string

// Ticket priorities.
const (
	PriorityNormal Priority = "normal"
	PriorityUrgent Priority = "urgent" // fund safety: the red channel, 1-hour target
)

// Valid reports whether p is one of the priorities above.
func (p Priority) Valid() bool { return p == PriorityNormal || p == PriorityUrgent }

// TicketType says which team handles a ticket.
type TicketType string

// Ticket types, mirroring the hotline's routing (1 商户服务, 2 技术支持, 3 投诉建议, 0 其他).
const (
	TypeMerchant  TicketType = "merchant"
	TypeTech      TicketType = "tech"
	TypeComplaint TicketType = "complaint"
	TypeOther     TicketType = "other"
)

var typeNames = map[TicketType]string{TypeMerchant: "商户服务", TypeTech: "技术支持", TypeComplaint: "投诉建议", TypeOther: "其他"}

// Name is the type as users read it.
func (t TicketType) Name() string { return typeNames[t] }

// EventKind is the "event" field of an entry of EventsStream.
type EventKind string

// Ticket events.
const (
	EventCreated       EventKind = "created"
	EventReplied       EventKind = "replied"   // an agent replied
	EventDelivered     EventKind = "delivered" // an agent's reply reached the user
	EventStatusChanged EventKind = "status_changed"
	EventRated         EventKind = "rated" // the user gave a satisfaction score

	// Kinds that appear on a ticket's timeline (Bot.Timeline) and, but for the first four,
	// not on EventsStream.
	EventPending         EventKind = "pending" // a reply waits for the user's next message (48-hour window)
	EventFailed          EventKind = "failed"  // WeChat refused a reply (TimelineEvent.ErrCode); it waits too
	EventNote            EventKind = "note"    // an agent's internal note, never sent
	EventPriorityChanged EventKind = "priority_changed"
	EventAssigned        EventKind = "assigned"       // From and To are agent names; "" is nobody
	EventContactViewed   EventKind = "contact_viewed" // an agent read the full phone number
	EventNoted           EventKind = "noted"          // the user added to the ticket in the dialogue (a chase, what happened next)
)

// Service levels: consultations are answered within 4 hours, complaints within 24, fund-safety
// cases within 1.
const (
	slaConsult   = 4 * time.Hour
	slaComplaint = 24 * time.Hour
	slaUrgent    = time.Hour
)

// Ticket is a work order.
type Ticket struct {
	No              string        `json:"no"`
	OpenID          string        `json:"openid"`
	Type            TicketType    `json:"type"`
	Priority        Priority      `json:"priority"`
	Status          Status        `json:"status"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
	DueAt           time.Time     `json:"due_at"`
	MerchantNo      string        `json:"merchant_no,omitempty"`
	Individual      bool          `json:"individual,omitempty"`
	Description     string        `json:"description"`
	Contact         string        `json:"contact,omitempty"`        // full phone, for agents only
	ContactMasked   string        `json:"contact_masked,omitempty"` // for display to users
	Category        string        `json:"category,omitempty"`       // the category the bot last matched
	Transcript      []Turn        `json:"transcript"`
	Replies         []TicketReply `json:"replies"`
	FirstResponseAt *time.Time    `json:"first_response_at,omitempty"`
	CSAT            int           `json:"csat,omitempty"` // 1..5, after resolution
	// Assignee is the name of the agent working the ticket; "" when nobody is.
	Assignee string `json:"assignee"`
}

// TicketReply is an agent's reply on a ticket.
type TicketReply struct {
	Agent       string     `json:"agent"`
	Text        string     `json:"text"`
	At          time.Time  `json:"at"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	// Pending is true while WeChat would not take the message; it is delivered when the user
	// next writes.
	Pending bool `json:"pending,omitempty"`
	// ErrCode is WeChat's errcode when sending failed for another reason than the 48-hour
	// window (the reply is pending too).
	ErrCode int `json:"errcode,omitempty"`
}

// Overdue reports whether the ticket is still unresolved past its due time.
func (t Ticket) Overdue(now time.Time) bool {
	return (t.Status == StatusOpen || t.Status == StatusProcessing) && now.After(t.DueAt)
}

func slaFor(typ TicketType, urgent bool) time.Duration {
	switch {
	case urgent:
		return slaUrgent
	case typ == TypeComplaint:
		return slaComplaint
	}
	return slaConsult
}

func slaText(d time.Duration) string {
	return strconv.Itoa(int(d.Hours())) + "小时"
}

// TicketNoRE matches a ticket number: GD, the date (YYYYMMDD) and a 4-digit daily sequence.
var TicketNoRE = regexp.MustCompile(`(?i)GD\d{12}`)

// pendingReply is an agent's reply waiting for the user's next message.
type pendingReply struct {
	No    string    `json:"no"`
	Agent string    `json:"agent"`
	Text  string    `json:"text"`
	At    time.Time `json:"at"`
	Index int       `json:"index"` // position in Ticket.Replies
}

// TicketFilter selects tickets for the agents' queue. The zero filter selects the active
// tickets (open and processing).
type TicketFilter struct {
	Status     Status // "" = open and processing ("active")
	Priority   Priority
	Type       TicketType
	Overdue    bool
	AssignedTo string // an agent's name
	Unassigned bool
	// Query is a ticket number (then the other fields are ignored), a merchant number (88 and
	// 8 digits) or the last 4 digits of the contact phone.
	Query         string
	Page, PerPage int // Page from 1, PerPage 1..100 (default 20)
}

var (
	last4RE  = regexp.MustCompile(`^\d{4}$`)
	fullNoRE = regexp.MustCompile(`^GD\d{12}$`)
)

// Validate reports an invalid (CodeInvalid) error for an unknown status, priority or type, or a
// query that is neither a ticket number, a merchant number nor 4 digits.
func (f TicketFilter) Validate() error {
	if f.Status != "" && !f.Status.Valid() {
		return Errorf(CodeInvalid, "unknown status %q", f.Status)
	}
	if f.Priority != "" && !f.Priority.Valid() {
		return Errorf(CodeInvalid, "unknown priority %q", f.Priority)
	}
	if f.Type != "" && f.Type.Name() == "" {
		return Errorf(CodeInvalid, "unknown type %q", f.Type)
	}
	if f.AssignedTo != "" && f.Unassigned {
		return Errorf(CodeInvalid, "give assigned_to or unassigned, not both")
	}
	if q := strings.ToUpper(strings.TrimSpace(f.Query)); q != "" && !fullNoRE.MatchString(q) && !merchantNoRE.MatchString(q) && !last4RE.MatchString(q) {
		return Errorf(CodeInvalid, "搜索请输入工单号、商户编号（88开头10位）或手机号后4位。")
	}
	return nil
}

// TicketUpdate is an agent's change of a ticket's status, priority and/or assignee; nil fields
// are left as they are.
type TicketUpdate struct {
	Status   *Status
	Priority *Priority
	// Assignee names the agent to assign; "" unassigns.
	Assignee *string
}

// Validate reports an invalid (CodeInvalid) error for an empty update or an unknown status or
// priority.
func (u TicketUpdate) Validate() error {
	if u.Status == nil && u.Priority == nil && u.Assignee == nil {
		return Errorf(CodeInvalid, "give status, priority or assignee")
	}
	if u.Status != nil && !u.Status.Valid() {
		return Errorf(CodeInvalid, "unknown status %q", *u.Status)
	}
	if u.Priority != nil && !u.Priority.Valid() {
		return Errorf(CodeInvalid, "unknown priority %q", *u.Priority)
	}
	return nil
}

// TicketPage is one page of tickets: urgent first, then oldest due first.
type TicketPage struct {
	Tickets []Ticket `json:"tickets"`
	Page    int      `json:"page"`
	PerPage int      `json:"per_page"`
	Total   int      `json:"total"`
}
