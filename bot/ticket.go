package bot

import (
	"errors"
	"regexp"
	"strconv"
	"time"
)

// Ticket statuses.
const (
	StatusOpen       = "open"
	StatusProcessing = "processing"
	StatusResolved   = "resolved"
	StatusClosed     = "closed"
)

// Ticket priorities.
const (
	PriorityNormal = "normal"
	PriorityUrgent = "urgent" // fund safety: the red channel, 1-hour target
)

// Ticket types, mirroring the hotline's routing (1 商户服务, 2 技术支持, 3 投诉建议, 0 其他).
const (
	TypeMerchant  = "merchant"
	TypeTech      = "tech"
	TypeComplaint = "complaint"
	TypeOther     = "other"
)

var typeNames = map[string]string{TypeMerchant: "商户服务", TypeTech: "技术支持", TypeComplaint: "投诉建议", TypeOther: "其他"}

var statusNames = map[string]string{StatusOpen: "待处理", StatusProcessing: "处理中", StatusResolved: "已解决", StatusClosed: "已关闭"}

// Service levels from the seed article: consultations within 4 hours, complaints within 24,
// fund-safety cases within 1.
const (
	slaConsult   = 4 * time.Hour
	slaComplaint = 24 * time.Hour
	slaUrgent    = time.Hour
)

// Errors of the ticket API.
var (
	ErrNoTicket      = errors.New("bot: no such ticket")
	ErrInvalidUpdate = errors.New("bot: invalid ticket update")
)

// Ticket is a work order.
type Ticket struct {
	No              string        `json:"no"`
	OpenID          string        `json:"openid"`
	Type            string        `json:"type"`
	Priority        string        `json:"priority"`
	Status          string        `json:"status"`
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
}

// Overdue reports whether the ticket is still unresolved past its due time.
func (t Ticket) Overdue(now time.Time) bool {
	return (t.Status == StatusOpen || t.Status == StatusProcessing) && now.After(t.DueAt)
}

func slaFor(typ string, urgent bool) time.Duration {
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

// TicketFilter selects tickets for the agent API.
type TicketFilter struct {
	Status, Priority string
	Overdue          bool
	Page, PerPage    int // Page from 1
}

// TicketPage is one page of tickets, oldest due first.
type TicketPage struct {
	Tickets []Ticket `json:"tickets"`
	Page    int      `json:"page"`
	PerPage int      `json:"per_page"`
	Total   int      `json:"total"`
}
