package bot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

// convSet is a blind conversation set: conversations written from the company's facts only,
// with what a careful agent would answer at each turn.
type convSet []struct {
	ID    string `yaml:"id"`
	Class string `yaml:"class"`
	Time  string `yaml:"time"`
	Setup string `yaml:"setup"`
	Turns []struct {
		User   string `yaml:"user"`
		Expect string `yaml:"expect"`
	} `yaml:"turns"`
}

// Values the set's placeholders stand for.
var convPlaceholders = strings.NewReplacer(
	"<CARD>", "6217001234567890122",
	"<CODE>", "384756",
	"<PASSWORD>", "Yl@2026pay",
)

// TestConvSet plays a conversation set through the bot and writes the transcript as Markdown
// for a judge: CONVSET=path/conversations.yaml [CONVSET_OUT=report.md]. It checks nothing
// itself; it is skipped without CONVSET.
func TestConvSet(t *testing.T) {
	path := os.Getenv("CONVSET")
	if path == "" {
		t.Skip("CONVSET not set")
	}
	out := os.Getenv("CONVSET_OUT")
	if out == "" {
		out = filepath.Join(filepath.Dir(path), "run.md")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var set convSet
	if err := yaml.Unmarshal(raw, &set); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	ix := mustIndex(t)
	ctx := context.Background()
	var sb strings.Builder
	fmt.Fprintf(&sb, "# Conversation set run\n\nSet: `%s` (%d conversations). Day: 2026-11-26 (Thursday), Asia/Shanghai; "+
		"20 s between turns. Placeholders: <CARD>=6217001234567890122, <CODE>=384756, <PASSWORD>=Yl@2026pay.\n"+
		"Contact configuration: hotline 400-800-9000, emergency line 010-88888888, hours 08:00-22:00.\n", path, len(set))
	for _, cv := range set {
		var hh, mm int
		if _, err := fmt.Sscanf(cv.Time, "%d:%d", &hh, &mm); err != nil {
			t.Fatalf("%s: time %q: %v", cv.ID, cv.Time, err)
		}
		start := at(hh, mm)
		m := &fakeMessenger{}
		b := newTestBot(t, ix, start, Options{Messenger: m})
		b.gap = 20 * time.Second
		user := "o-" + cv.ID
		fmt.Fprintf(&sb, "\n## %s (%s, %s)\n", cv.ID, cv.Class, cv.Time)
		ticket := ""
		if cv.Setup != "" {
			fmt.Fprintf(&sb, "\nSetup: %s\n", cv.Setup)
			ticket = convSetup(t, b, user, cv.Setup, start, m)
			if ticket != "" {
				fmt.Fprintf(&sb, "\n<TICKET> = %s\n", ticket)
			}
			if texts, _ := m.sent(); len(texts) > 0 {
				fmt.Fprintf(&sb, "\nPushed to the user before the conversation:\n\n```\n%s\n```\n", texts[len(texts)-1].Text)
			}
		}
		for i, turn := range cv.Turns {
			say := convPlaceholders.Replace(strings.ReplaceAll(turn.User, "<TICKET>", ticket))
			b.clock.Add(b.gap)
			r, err := b.Reply(ctx, b.text(user, say))
			text := r.Text
			switch {
			case err != nil:
				text = "ERROR: " + err.Error()
			case r.Transfer && text == "":
				text = "[transfer to human agents (WeChat transfer_customer_service)]"
			case r.Transfer:
				text += "\n[and transfer to human agents]"
			case r.Empty():
				text = "[no reply]"
			}
			fmt.Fprintf(&sb, "\n**%d. User** (%s): %s\n\n*Expected:* %s\n\n**Bot:**\n\n```\n%s\n```\n",
				i+1, b.clock.Now().Format("15:04:05"), say, turn.Expect, text)
		}
		page, err := b.Tickets(ctx, TicketFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total > 0 {
			sb.WriteString("\nTickets at the end:\n")
			for _, tk := range page.Tickets {
				fmt.Fprintf(&sb, "- %s type=%s priority=%s status=%s merchant=%q individual=%v contact=%q csat=%d due=%s desc=%q\n",
					tk.No, tk.Type, tk.Priority, tk.Status, tk.MerchantNo, tk.Individual, tk.ContactMasked, tk.CSAT,
					b.shortTime(tk.DueAt), tk.Description)
			}
		}
	}
	if err := os.WriteFile(out, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", out)
}

// convSetup makes the state a conversation's setup describes and returns the ticket number it
// filed, if any: a ticket filed before start (the day before when the setup says yesterday),
// resolved when the setup says so (the notice pushed through m).
func convSetup(t *testing.T, b *testBot, user, setup string, start time.Time, m *fakeMessenger) string {
	t.Helper()
	if strings.Contains(setup, "no ticket") {
		return ""
	}
	b.clock.mu.Lock()
	b.clock.t = start.Add(-3 * time.Hour)
	if strings.Contains(setup, "yesterday") {
		b.clock.t = start.Add(-24 * time.Hour)
	}
	b.clock.mu.Unlock()
	var no string
	if strings.Contains(setup, "技术支持") {
		rs := converse(t, b, []step{
			{as: user, say: "提交工单"},
			{as: user, say: "2"},
			{as: user, say: "8812345678"},
			{as: user, say: "支付接口返回错误码 40004，下单失败"},
			{as: user, say: "跳过"},
		})
		no = ticketNo(t, rs[len(rs)-1])
	} else {
		no = fileTicket(t, b, user, "退款申请一周了还没到账，请帮忙查一下")
	}
	if strings.Contains(setup, "resolved") {
		b.clock.Add(time.Hour)
		if _, err := b.UpdateTicket(context.Background(), xiaowang, no, update(StatusResolved, "")); err != nil {
			t.Fatal(err)
		}
	}
	b.clock.mu.Lock()
	b.clock.t = start
	b.clock.mu.Unlock()
	return no
}
