package bot

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// corpusRow is one line of a corpus under secret/testdata: a kind, the value, and the message
// a user typed.
type corpusRow struct {
	where       string // file:line
	kind, value string
	message     string
}

// readCorpora reads every corpus file matching pattern (a later corpus is picked up by itself).
func readCorpora(tb testing.TB, pattern string) []corpusRow {
	tb.Helper()
	paths, err := filepath.Glob(pattern)
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no corpus matches %s (%v)", pattern, err)
	}
	var rows []corpusRow
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			parts := strings.SplitN(line, "\t", 3)
			if len(parts) != 3 {
				tb.Fatalf("%s:%d: want kind<TAB>value<TAB>message", path, n)
			}
			rows = append(rows, corpusRow{where: fmt.Sprintf("%s:%d", filepath.Base(path), n), kind: parts[0], value: parts[1],
				message: strings.ReplaceAll(parts[2], `\n`, "\n")})
		}
		f.Close()
		if err := sc.Err(); err != nil {
			tb.Fatal(err)
		}
	}
	return rows
}

// comparable folds what a leak check must see through: full-width forms, Chinese numerals and
// the separators people put between digits (a copy of bot/secret's corpus_test fold).
func comparable(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '～':
			r -= 0xFEE0
		case strings.ContainsRune("零〇洞○", r):
			r = '0'
		case strings.ContainsRune("一壹幺", r):
			r = '1'
		case strings.ContainsRune("二贰两", r):
			r = '2'
		case strings.ContainsRune("三叁", r):
			r = '3'
		case strings.ContainsRune("四肆", r):
			r = '4'
		case strings.ContainsRune("五伍", r):
			r = '5'
		case strings.ContainsRune("六陆", r):
			r = '6'
		case strings.ContainsRune("七柒拐", r):
			r = '7'
		case strings.ContainsRune("八捌", r):
			r = '8'
		case strings.ContainsRune("九玖勾", r):
			r = '9'
		}
		if r == ' ' || r == '-' || r == '.' || r == '\n' || r == '\u3000' || r == '_' || r == '\t' || r == '、' {
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// leaks reports whether secret appears in text once both are folded. A short all-digit secret (a
// code, a CVV) counts only as a whole run of digits: "800" in the hotline 400-800-9000, or a code
// inside a timestamp or a ticket number, is not that code.
func leaks(text, secret string) bool {
	t, s := comparable(text), comparable(secret)
	if len(s) >= 10 || strings.Trim(s, "0123456789") != "" {
		return strings.Contains(t, s)
	}
	for i := 0; ; {
		j := strings.Index(t[i:], s)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(s)
		if (start == 0 || !isASCIIDigit(t[start-1])) && (end == len(t) || !isASCIIDigit(t[end])) {
			return true
		}
		i = start + 1
	}
}

func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

// dumpRedis reads every value of every key under prefix, whatever its type.
func dumpRedis(t *testing.T, rdb redis.UniversalClient, prefix string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		typ, err := rdb.Type(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		var vals []string
		switch typ {
		case "string":
			vals = []string{rdb.Get(ctx, key).Val()}
		case "list":
			vals = rdb.LRange(ctx, key, 0, -1).Val()
		case "hash":
			for f, v := range rdb.HGetAll(ctx, key).Val() {
				vals = append(vals, f, v)
			}
		case "set":
			vals = rdb.SMembers(ctx, key).Val()
		case "zset":
			vals = rdb.ZRange(ctx, key, 0, -1).Val()
		case "stream":
			for _, m := range rdb.XRange(ctx, key, "-", "+").Val() {
				for f, v := range m.Values {
					vals = append(vals, f, fmt.Sprint(v))
				}
			}
		default:
			t.Fatalf("key %s has type %s, which the leak check cannot read", key, typ)
		}
		out[key] = vals
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpusNoSecretAtRest sends every secret of every corpus through every door: as a user's
// message, as the ticket flow's description, and as an agent's reply (which must be refused).
// Then no secret may be found in Redis (every key under the test's prefix, every value of every
// type), in a reply, in a message sent to the user, or in what the desk API returns.
func TestCorpusNoSecretAtRest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rows := readCorpora(t, "secret/testdata/corpus*-secrets.tsv")
	m := &fakeMessenger{}
	b := newTestBot(t, mustIndex(t), at(10, 0), Options{Messenger: m})
	var seen []string // replies, messages sent, desk API answers
	var nos []string
	refused := 0
	for i, r := range rows {
		user, flowUser := fmt.Sprintf("o-c%d", i), fmt.Sprintf("o-c%d-flow", i)
		seen = append(seen, b.say(t, user, r.message).Text)

		b.say(t, flowUser, "提交工单")
		b.say(t, flowUser, "3") // a complaint: the next step is the description
		seen = append(seen, b.say(t, flowUser, r.message).Text)
		reply := b.say(t, flowUser, "跳过")
		if !createdRE.MatchString(reply.Text) {
			// The message held nothing but the secret: it was no description.
			b.say(t, flowUser, "结算款一直没有到账，请尽快处理")
			reply = b.say(t, flowUser, "跳过")
		}
		seen = append(seen, reply.Text)
		no := TicketNoRE.FindString(reply.Text)
		if no == "" {
			t.Fatalf("%s: the ticket flow created no ticket: %q", r.where, reply.Text)
		}
		nos = append(nos, no)

		_, err := b.ReplyTicket(ctx, xiaowang, no, "您好，"+r.message)
		if ErrorCode(err) == CodeInvalid {
			refused++
		} else {
			t.Errorf("%s: ReplyTicket(%q) error = %v, want it refused (%s)", r.where, r.message, err, CodeInvalid)
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

	stored := dumpRedis(t, b.rdb, b.prefix)
	values := 0
	leaked := 0
	for _, r := range rows {
		found := false
		for key, vals := range stored {
			for _, v := range vals {
				if leaks(v, r.value) {
					found = true
					t.Errorf("%s: %s %q is stored in %s: %q", r.where, r.kind, r.value, key, v)
				}
			}
		}
		for _, s := range seen {
			if leaks(s, r.value) {
				found = true
				t.Errorf("%s: %s %q is in a reply or an API answer: %q", r.where, r.kind, r.value, s)
			}
		}
		if found {
			leaked++
		}
	}
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
	rows := readCorpora(t, "secret/testdata/corpus*-lookalikes.tsv")
	b := newTestBot(t, mustIndex(t), at(10, 0), Options{})
	for i, r := range rows {
		user := fmt.Sprintf("o-l%d", i)
		b.say(t, user, r.message)
		turns, err := b.Transcript(context.Background(), user, 2)
		if err != nil {
			t.Fatal(err)
		}
		value := foldASCII(r.value)
		if len(turns) != 2 || !(strings.Contains(turns[0].Text, value) || r.kind == "phone" && strings.Contains(turns[0].Text, maskPhones(value))) {
			t.Errorf("%s: %s %q not kept in the transcript: %+v", r.where, r.kind, r.value, turns)
		}
		switch r.kind {
		case "merchant":
			b.say(t, user, "提交工单")
			b.say(t, user, "1")
			if got := b.say(t, user, r.value); !strings.Contains(got.Text, "请简要描述") {
				t.Errorf("%s: merchant number %q in the ticket flow = %q, want it accepted", r.where, r.value, got.Text)
			}
		case "ticket":
			no := strings.ToUpper(strings.ReplaceAll(value, " ", ""))
			if got := b.say(t, user, r.value); !strings.Contains(got.Text, "没有找到工单 "+no) {
				t.Errorf("%s: looking up %q = %q, want the lookup of %s", r.where, r.value, got.Text, no)
			}
		}
	}
}
