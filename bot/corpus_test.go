package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/bot/secret/secrettest"
)

// TestCorpusNoSecretAtRest sends every secret of every corpus through every door: as a user's
// message, as the ticket flow's description, and as an agent's reply (which must be refused).
// Then no secret may be found in Redis (every key under the test's prefix, every value of every
// type), in a reply, in a message sent to the user, or in what the desk API returns.
func TestCorpusNoSecretAtRest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rows := secrettest.Secrets(t)
	m := &fakeMessenger{}
	b := newTestBot(t, mustIndex(t), at(10, 0), Options{Messenger: m})
	var seen []string // replies, messages sent, desk API answers
	var nos []string
	refused := 0
	for i, r := range rows {
		user, flowUser := "o-c"+secrettest.Name(i), "o-c"+secrettest.Name(i)+"-flow"
		seen = append(seen, b.say(t, user, r.Message).Text)

		b.say(t, flowUser, "提交工单")
		b.say(t, flowUser, "3") // a complaint: the next step is the description
		seen = append(seen, b.say(t, flowUser, r.Message).Text)
		reply := b.say(t, flowUser, "跳过")
		if !createdRE.MatchString(reply.Text) {
			// The message held nothing but the secret: it was no description.
			b.say(t, flowUser, "结算款一直没有到账，请尽快处理")
			reply = b.say(t, flowUser, "跳过")
		}
		seen = append(seen, reply.Text)
		no := TicketNoRE.FindString(reply.Text)
		if no == "" {
			t.Fatalf("%s: the ticket flow created no ticket: %q", r.Where, reply.Text)
		}
		nos = append(nos, no)

		_, err := b.ReplyTicket(ctx, xiaowang, no, "您好，"+r.Message)
		if ErrorCode(err) == CodeInvalid {
			refused++
		} else {
			t.Errorf("%s: ReplyTicket(%q) error = %v, want it refused (%s)", r.Where, r.Message, err, CodeInvalid)
		}
	}
	for _, no := range nos {
		tk, err := b.Ticket(ctx, no)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(tk)
		seen = append(seen, string(raw))
	}
	page, err := b.Tickets(ctx, TicketFilter{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(page)
	seen = append(seen, string(raw))
	texts, templates := m.sent()
	for _, s := range append(texts, templates...) {
		seen = append(seen, s.Text, fmt.Sprint(s.Fields))
	}

	stored := redistest.Dump(t, b.rdb, b.prefix)
	values := 0
	leaked := secrettest.Search(t, rows, stored, map[string][]string{"a reply or an API answer": seen})
	for _, vals := range stored {
		values += len(vals)
	}
	t.Logf("%d secrets through Reply, the ticket description and ReplyTicket (%d refused): %d leaked; searched %d keys, %d values, %d replies and API answers",
		len(rows), refused, leaked, len(stored), values, len(seen))
}

// TestCorpusLookalikes: what looks like a secret but serves the user survives: in the
// transcript (a phone may be masked 138****5678), a merchant number in the ticket flow, a ticket
// number looked up.
func TestCorpusLookalikes(t *testing.T) {
	t.Parallel()
	rows := secrettest.Lookalikes(t)
	b := newTestBot(t, mustIndex(t), at(10, 0), Options{})
	for i, r := range rows {
		user := "o-l" + secrettest.Name(i)
		b.say(t, user, r.Message)
		turns, err := b.Transcript(context.Background(), user, 2)
		if err != nil {
			t.Fatal(err)
		}
		value := foldASCII(r.Value)
		if len(turns) != 2 || !(strings.Contains(turns[0].Text, value) || r.Kind == "phone" && strings.Contains(turns[0].Text, maskPhones(value))) {
			t.Errorf("%s: %s %q not kept in the transcript: %+v", r.Where, r.Kind, r.Value, turns)
		}
		switch r.Kind {
		case "merchant":
			b.say(t, user, "提交工单")
			b.say(t, user, "1")
			if got := b.say(t, user, r.Value); !strings.Contains(got.Text, "请简要描述") {
				t.Errorf("%s: merchant number %q in the ticket flow = %q, want it accepted", r.Where, r.Value, got.Text)
			}
		case "ticket":
			no := strings.ToUpper(strings.ReplaceAll(value, " ", ""))
			if got := b.say(t, user, r.Value); !strings.Contains(got.Text, "没有找到工单 "+no) {
				t.Errorf("%s: looking up %q = %q, want the lookup of %s", r.Where, r.Value, got.Text, no)
			}
		}
	}
}
