package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/redis/go-redis/v9"

	"github.com/yilianpay/yilianbot/bot/redistest"
	"github.com/yilianpay/yilianbot/kb"
	"github.com/yilianpay/yilianbot/kb/kbtest"
)

// cst is China Standard Time, the zone of the bot's default service hours.
var cst = time.FixedZone("CST", 8*3600)

// at returns hh:mm on 2026-11-26 (a Thursday) in Shanghai.
func at(hh, mm int) time.Time { return time.Date(2026, 11, 26, hh, mm, 0, 0, cst) }

// testDay is at's day as ticket numbers and statistics write it.
const testDay = "20261126"

// fakeClock is the bot's injected clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testBot is a Bot on real Redis (under a prefix of its own) and the real index, with a fake
// clock that moves gap forward before every message a conversation sends.
type testBot struct {
	*Bot
	clock  *fakeClock
	rdb    redis.UniversalClient
	prefix string
	gap    time.Duration
	msgID  atomic.Int64
}

// newTestBot returns a bot whose clock starts at start. Fields of o that are left zero get the
// test's Redis, prefix, clock and contact details.
func newTestBot(tb testing.TB, ix *kb.Index, start time.Time, o Options) *testBot {
	tb.Helper()
	clock := &fakeClock{t: start}
	if o.Redis == nil {
		o.Redis, o.Prefix = redistest.New(tb)
	}
	if o.Now == nil {
		o.Now = clock.Now
	}
	if o.Contact == nil {
		o.Contact = testContact
	}
	return &testBot{Bot: New(ix, o), clock: clock, rdb: o.Redis, prefix: o.Prefix, gap: 5 * time.Second}
}

// text returns a fresh text message from user at the bot's current time.
func (b *testBot) text(user, s string) Message {
	return Message{OpenID: user, Kind: KindText, Text: s, MsgID: fmt.Sprint(b.msgID.Add(1)), CreateTime: b.clock.Now()}
}

// say sends one text message, failing the test on an error.
func (b *testBot) say(t testing.TB, user, s string) Reply {
	t.Helper()
	b.clock.Add(b.gap)
	r, err := b.Reply(context.Background(), b.text(user, s))
	if err != nil {
		t.Fatalf("Reply(%q) error: %v", s, err)
	}
	return r
}

// step is one line of a conversation and what its reply must look like.
type step struct {
	say   string        // what the user types
	msg   *Message      // instead of say: this message or event (OpenID, MsgID and CreateTime filled in when empty)
	as    string        // the sender's openid; empty is the conversation's user
	after time.Duration // how much further the clock moves before this step, on top of the bot's gap

	want     []string       // substrings the reply must contain
	notWant  []string       // substrings it must not contain
	match    *regexp.Regexp // the reply must match
	transfer bool           // the reply hands over to human agents
	empty    bool           // no reply at all
	check    func(t *testing.T, r Reply)
}

const defaultUser = "o-user"

// converse plays steps against b and checks every reply; it returns the replies.
func converse(t *testing.T, b *testBot, steps []step) []Reply {
	t.Helper()
	var out []Reply
	for i, st := range steps {
		b.clock.Add(b.gap + st.after)
		user := st.as
		if user == "" {
			user = defaultUser
		}
		m := b.text(user, st.say)
		if st.msg != nil {
			m = *st.msg
			if m.OpenID == "" {
				m.OpenID = user
			}
			if m.MsgID == "" && m.Kind != KindEvent {
				m.MsgID = fmt.Sprint(b.msgID.Add(1))
			}
			if m.CreateTime.IsZero() {
				m.CreateTime = b.clock.Now()
			}
		}
		in := st.say
		if st.msg != nil {
			in = fmt.Sprintf("%s %s/%s %q", m.Kind, m.Event, m.EventKey, m.Text)
		}
		r, err := b.Reply(context.Background(), m)
		if err != nil {
			t.Fatalf("step %d: Reply(%s) error: %v", i+1, in, err)
		}
		out = append(out, r)
		checkReply(t, fmt.Sprintf("step %d: Reply(%s)", i+1, in), r, st)
		if !r.Empty() && !r.Time.Equal(b.clock.Now()) {
			t.Errorf("step %d: Reply(%s).Time = %v, want the time it was made, %v", i+1, in, r.Time, b.clock.Now())
		}
	}
	return out
}

func checkReply(t *testing.T, what string, r Reply, st step) {
	t.Helper()
	if len(r.Text) > MaxReplyBytes {
		t.Errorf("%s is %d bytes, want at most %d", what, len(r.Text), MaxReplyBytes)
	}
	if r.Transfer != st.transfer {
		t.Errorf("%s = %+v, want Transfer %v", what, r, st.transfer)
	}
	if st.empty && !r.Empty() {
		t.Errorf("%s = %q, want no reply", what, r.Text)
	}
	if !st.empty && !st.transfer && r.Text == "" {
		t.Errorf("%s = empty reply, want text", what)
	}
	for _, w := range st.want {
		if !strings.Contains(r.Text, w) {
			t.Errorf("%s = %q, want it to contain %q", what, r.Text, w)
		}
	}
	for _, w := range st.notWant {
		if strings.Contains(r.Text, w) {
			t.Errorf("%s = %q, want it not to contain %q", what, r.Text, w)
		}
	}
	if st.match != nil && !st.match.MatchString(r.Text) {
		t.Errorf("%s = %q, want it to match %s", what, r.Text, st.match)
	}
	if st.check != nil {
		st.check(t, r)
	}
}

// entry returns a knowledge-base entry, failing the test when it does not exist.
func entry(t testing.TB, ix *kb.Index, id string) *kb.Entry {
	t.Helper()
	e, ok := ix.Content().Entry(id)
	if !ok {
		t.Fatalf("knowledge base has no entry %q", id)
	}
	return e
}

// lastLine is the last line of s.
func lastLine(s string) string { return s[strings.LastIndex(s, "\n")+1:] }

// firstLine is the first line of s: enough to recognise an answer without repeating it.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Texts that recur in the expectations.
const (
	menuMark       = "请回复数字选择您要咨询的类别"
	feedbackMark   = "这个回答对您有帮助吗"
	suggestMark    = "您可能想问："
	handoffOpen    = "正在为您转接人工客服"
	guardMark      = "请不要在对话中发送"
	noSuchOption   = "没有这个选项哦"
	sessionExpired = "之前的对话已结束"
)

func TestMenuNavigation(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	cats := ix.Content().Categories
	if len(cats) != 17 {
		t.Fatalf("knowledge base has %d categories, want 17", len(cats))
	}
	var menu []string
	for i, c := range cats {
		menu = append(menu, fmt.Sprintf("\n%d. %s", i+1, c.Name))
	}
	menu = append(menu, "\n0. 人工客服")
	settlement := cats[2]
	if settlement.Slug != "settlement" {
		t.Fatalf("category 3 is %q, want settlement", settlement.Slug)
	}
	notArrived := entry(t, ix, "settlement-not-arrived") // question 3 of category 3
	failedCard := entry(t, ix, "settlement-failed-card") // its first related question
	catHeader := "【" + settlement.Name + "】"
	var catList []string
	for i, e := range settlement.Entries[:9] {
		catList = append(catList, fmt.Sprintf("\n%d. %s", i+1, e.Question))
	}

	tests := []struct {
		name  string
		steps []step
	}{
		{"menu lists 17 categories and human help", []step{
			{say: "菜单", want: append([]string{menuMark}, menu...), notWant: []string{"\n18. "}},
			{say: "帮助", want: []string{menuMark}},
			{say: "?", want: []string{menuMark}},
		}},
		{"number picks category then question; numbers follow the last prompt", []step{
			{say: "菜单", want: []string{menuMark}},
			{say: "3", want: append([]string{catHeader, "回复“返回”回到主菜单"}, catList...), notWant: []string{"\n10. "}},
			// 3 now means the third question of 结算与到账, not category 3.
			{say: "3", want: []string{firstLine(notArrived.Answer), "相关问题", "1. " + failedCard.Question, "提交工单"}, notWant: []string{catHeader, menuMark}},
			// And now 1 means the first related question.
			{say: "1", want: []string{firstLine(failedCard.Answer)}, notWant: []string{firstLine(notArrived.Answer)}},
		}},
		{"返回 goes up one level at a time", []step{
			{say: "菜单"},
			{say: "3", want: []string{catHeader}},
			{say: "2", want: []string{firstLine(settlement.Entries[1].Answer)}},
			{say: "返回", want: []string{catHeader}, notWant: []string{menuMark}},
			{say: "#", want: []string{menuMark}, notWant: []string{catHeader}},
			{say: "返回", want: []string{"已经在主菜单了", menuMark}},
			{say: "17", want: []string{"【客服联系方式与服务时间】"}},
		}},
		// Changed by design: a number means what the last list offered; with none on screen
		// the menu is shown; out of range re-shows that list with its range.
		{"a number means what the last list offered", []step{
			{say: "3", want: []string{menuMark}, notWant: []string{catHeader}},
			{say: "3", want: []string{catHeader}, notWant: []string{noSuchOption}},
			{say: "菜单"},
			{say: "18", want: []string{noSuchOption, "1-17", menuMark}},
			{say: "3", want: []string{catHeader}},
			{say: "10", want: []string{noSuchOption, "1-9", catHeader}, notWant: []string{menuMark}},
			// The hint re-offered the category: 3 is its third question.
			{say: "3", want: []string{firstLine(notArrived.Answer)}},
		}},
		{"0 asks for human help", []step{
			{say: "菜单"},
			{say: "0", want: []string{handoffOpen}},
			{say: "我的结算款三天没到账", transfer: true},
		}},
		{"subscribe welcomes with the menu and its numbers work", []step{
			{msg: &Message{Kind: KindEvent, Event: "subscribe"}, want: []string{"欢迎关注易联支付", menuMark}},
			{say: "2", want: []string{"【对账文件下载】"}},
		}},
		{"custom menu clicks act like the words", []step{
			{msg: &Message{Kind: KindEvent, Event: "CLICK", EventKey: KeyMenu}, want: []string{menuMark}},
			{msg: &Message{Kind: KindEvent, Event: "CLICK", EventKey: KeyCategory + "refund"}, want: []string{"【退款】"}},
			{say: "1", want: []string{firstLine(ix.Content().Categories[7].Entries[0].Answer)}},
			{msg: &Message{Kind: KindEvent, Event: "CLICK", EventKey: KeyHandoff}, want: []string{handoffOpen}},
			{msg: &Message{Kind: KindEvent, Event: "unsubscribe"}, empty: true},
		}},
		{"media and empty messages get a nudge to type", []step{
			{msg: &Message{Kind: KindImage}, want: []string{"收到您发来的图片", "请用文字描述"}},
			{msg: &Message{Kind: KindVoice}, want: []string{"语音没能识别"}},
			{msg: &Message{Kind: KindVoice, Text: "对账单在哪下载"}, want: []string{firstLine(entry(t, ix, "reconciliation-download").Answer)}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, at(10, 0), Options{})
			converse(t, b, tt.steps)
		})
	}
}

// settleVague is a settlement question too vague to answer: the knowledge base suggests five
// settlement entries. (Retrieval v2 answers a bare "结算" with the settlement cycle, and the
// upgraded one "结算款" with the entry on several settlements a day.)
const settleVague = "结算的事"

func TestFAQ(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	download := entry(t, ix, "reconciliation-download")
	// answersFrom accepts an answer from the category, or suggestions that list one of its
	// questions first.
	answersFrom := func(slug string) func(t *testing.T, r Reply) {
		return func(t *testing.T, r Reply) {
			t.Helper()
			cat, ok := ix.Content().Category(slug)
			if !ok {
				t.Fatalf("no category %q", slug)
			}
			first := ""
			if _, list, ok := strings.Cut(r.Text, suggestMark+"\n1. "); ok {
				first, _, _ = strings.Cut(list, "\n")
			}
			for _, e := range cat.Entries {
				if strings.HasPrefix(r.Text, firstLine(e.Answer)) || first == e.Question {
					return
				}
			}
			t.Errorf("Reply = %q, want an answer from %s or suggestions with one of its questions first", r.Text, slug)
		}
	}
	noAnswer := []string{feedbackMark, suggestMark, "相关问题"}
	settleSuggest := func() []string { // what settleVague suggests, in order
		res, err := ix.Search(context.Background(), settleVague, 5)
		if err != nil || res.Decision != kb.Suggest {
			t.Fatalf("Search(%s) = %v, %v; want a suggestion to test with", settleVague, res.Decision, err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}()

	tests := []struct {
		name  string
		steps []step
	}{
		{"answers", []step{
			{say: "对账单在哪下载", want: []string{firstLine(download.Answer), "相关问题", feedbackMark}},
			{say: "钱怎么还没到账", check: answersFrom("settlement")},
			{say: "有人自称客服问我要验证码", want: []string{"验证码"}, check: answersFrom("anti-fraud")},
		}},
		{"out of scope chatter gets no made-up answer", []step{
			{say: "今天天气怎么样", want: []string{"不在我的服务范围"}, notWant: noAnswer},
			{say: "花呗额度怎么提升", want: []string{"“花呗”", "支付宝的产品"}, notWant: noAnswer},
		}},
		{"two misses in a row offer a human or a ticket", []step{
			{say: "你喜欢什么颜色", want: []string{"没能理解", menuMark, "人工"}, notWant: noAnswer},
			{say: "你喜欢什么颜色呀", want: []string{"还是没能理解", "回复“人工”", "回复“提交工单”"}, notWant: noAnswer},
		}},
		{"an answer between misses resets the count", []step{
			{say: "你喜欢什么颜色", want: []string{"没能理解"}},
			{say: "对账单在哪下载", want: []string{firstLine(download.Answer)}},
			{say: "你喜欢什么颜色呀", want: []string{"没能理解", menuMark}, notWant: []string{"还是没能理解"}},
		}},
		{"suggestions are answered by number", []step{
			{say: settleVague, want: []string{suggestMark, "1. " + entry(t, ix, settleSuggest[0]).Question}},
			{say: "2", want: []string{firstLine(entry(t, ix, settleSuggest[1]).Answer)}, notWant: []string{suggestMark}},
		}},
		{"helpful feedback thanks", []step{
			{say: "对账单在哪下载", want: []string{feedbackMark}},
			{say: "有用", want: []string{"感谢您的反馈"}},
			// Feedback is taken once.
			{say: "没用", notWant: []string{"抱歉没能帮到您"}},
		}},
		{"unhelpful feedback offers alternatives, then a ticket", []step{
			{say: "对账单在哪下载", want: []string{feedbackMark}},
			{say: "没用", want: []string{"抱歉没能帮到您", "1. ", "提交工单"}},
			{say: "1", notWant: []string{noSuchOption}, check: func(t *testing.T, r Reply) {
				if !strings.Contains(r.Text, feedbackMark) && !strings.Contains(r.Text, "问题仍未解决") {
					t.Errorf("Reply(1) after alternatives = %q, want an answer", r.Text)
				}
			}},
		}},
		{"greetings get small talk", []step{
			{say: "你好", notWant: []string{feedbackMark, "没能理解"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, at(10, 0), Options{})
			converse(t, b, tt.steps)
		})
	}
}

func TestHandoff(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	peak := Hours{
		Location: cst, Open: 8 * 60, Close: 22 * 60,
		Peaks: []Peak{{Name: "双十一", From: time.Date(2026, 11, 10, 0, 0, 0, 0, cst), To: time.Date(2026, 11, 12, 0, 0, 0, 0, cst), Close: 60}},
		Notes: []DatedNote{{From: time.Date(2026, 11, 26, 0, 0, 0, 0, cst), To: time.Date(2026, 11, 26, 0, 0, 0, 0, cst), Text: "今晚系统升级，客服提前下班。"}},
	}
	tests := []struct {
		name  string
		start time.Time
		hours Hours
		steps []step
	}{
		{"inside hours: told, then the next message is transferred", at(10, 0), Hours{}, []step{
			{say: "人工", want: []string{handoffOpen}},
			{say: "我想问一下结算的事情", transfer: true},
			// Only that one message.
			{say: "对账单在哪下载", want: []string{feedbackMark}},
		}},
		{"inside hours: other handoff words", at(21, 59), Hours{}, []step{
			{say: "转人工！", want: []string{handoffOpen}},
			{say: "菜单", want: []string{menuMark}}, // a menu word is not sent to the agents
			{say: "我要找人工客服", want: []string{handoffOpen}},
			{say: "取消", notWant: []string{handoffOpen}},
		}},
		{"outside hours: when people are back, then the ticket flow", at(23, 30), Hours{}, []step{
			{say: "人工", want: []string{"不在服务时间", "08:00-22:00", "明天 08:00", "请选择工单类型", "1. 商户服务"}},
			{say: "1", want: []string{"商户编号"}},
		}},
		{"before opening: back today", at(7, 0), Hours{}, []step{
			{say: "人工客服", want: []string{"今天 08:00", "请选择工单类型"}},
		}},
		{"at closing time it is closed", at(22, 0), Hours{}, []step{
			{say: "人工", want: []string{"不在服务时间"}, notWant: []string{handoffOpen}},
		}},
		{"outside hours a fund-safety handoff files the urgent ticket", at(23, 30), Hours{}, []step{
			{say: "被骗了转人工", want: []string{"涉及资金安全", "冻结", "加急工单 GD", "不在服务时间"}, notWant: []string{"请选择工单类型"}},
		}},
		{"peak period closes at 01:00: 00:30 is open", time.Date(2026, 11, 12, 0, 30, 0, 0, cst), peak, []step{
			{say: "人工", want: []string{handoffOpen}},
			{say: "结算款没到账", transfer: true},
		}},
		{"peak period evening", time.Date(2026, 11, 11, 23, 30, 0, 0, cst), peak, []step{
			{say: "人工", want: []string{handoffOpen}},
		}},
		{"after the peak's 01:00 it is closed", time.Date(2026, 11, 12, 1, 0, 0, 0, cst), peak, []step{
			{say: "人工", want: []string{"不在服务时间", "今天 08:00"}},
		}},
		{"dated notes are shown outside hours", at(23, 0), peak, []step{
			{say: "人工", want: []string{"今晚系统升级，客服提前下班。"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, tt.start, Options{Hours: tt.hours})
			b.gap = time.Second
			converse(t, b, tt.steps)
		})
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	tests := []struct {
		name  string
		ttl   time.Duration
		steps []step
	}{
		{"a number after the session ended gets a short note", 10 * time.Minute, []step{
			{say: "菜单"},
			{say: "3", want: []string{"【结算与到账】"}},
			{say: "2", after: 11 * time.Minute, want: []string{sessionExpired, "请重新选择", menuMark}, notWant: []string{"【结算与到账】"}},
			// The note is given once; the menu it showed is the new prompt.
			{say: "3", want: []string{"【结算与到账】"}, notWant: []string{sessionExpired}},
		}},
		{"within the TTL numbers still work", 10 * time.Minute, []step{
			{say: "菜单"},
			{say: "3", after: 9 * time.Minute, want: []string{"【结算与到账】"}, notWant: []string{sessionExpired}},
		}},
		{"default TTL is 30 minutes", 0, []step{
			{say: "菜单"},
			{say: "3", after: 29 * time.Minute, want: []string{"【结算与到账】"}},
			{say: "1", after: 31 * time.Minute, want: []string{sessionExpired}},
		}},
		{"a question after expiry is answered with the note", 10 * time.Minute, []step{
			{say: "菜单"},
			{say: "对账单在哪下载", after: time.Hour, want: []string{sessionExpired, feedbackMark}},
		}},
		{"nothing to expire: no note", 10 * time.Minute, []step{
			{say: "你好"},
			{say: "对账单在哪下载", after: time.Hour, notWant: []string{sessionExpired}},
		}},
		{"a pending handoff expires too", 10 * time.Minute, []step{
			{say: "人工", want: []string{handoffOpen}},
			{say: "对账单在哪下载", after: 11 * time.Minute, want: []string{sessionExpired}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := newTestBot(t, ix, at(10, 0), Options{SessionTTL: tt.ttl})
			converse(t, b, tt.steps)
		})
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	b := newTestBot(t, ix, at(10, 0), Options{RateLimit: 3})
	b.gap = time.Second
	converse(t, b, []step{
		{say: "菜单", want: []string{menuMark}},
		{say: "3", want: []string{"【结算与到账】"}},
		{say: "返回", want: []string{menuMark}},
		{say: "3", want: []string{"发送消息太频繁"}, notWant: []string{"【结算与到账】"}},
		{say: "3", empty: true},
		{say: "菜单", empty: true},
		// Another user is not limited.
		{say: "对账单在哪下载", as: "o-other", want: []string{feedbackMark}},
		// The next minute works again, and the session is where it was.
		{say: "3", after: time.Minute, want: []string{"【结算与到账】"}},
	})
	turns, err := b.Transcript(context.Background(), defaultUser, 50)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(turns), 8; got != want {
		t.Errorf("transcript has %d turns, want %d (limited messages are not recorded): %+v", got, want, turns)
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	sentence := "结算资金会在T+1个工作日到账，遇到节假日顺延。"
	tests := []struct {
		name  string
		text  string
		parts int
	}{
		{"short", "您好", 1},
		{"exactly the limit", strings.Repeat("a", MaxReplyBytes), 1},
		{"one byte over", strings.Repeat("a", MaxReplyBytes+1), 2},
		{"sentences", strings.Repeat(sentence, 100), 0},
		{"lines", strings.Repeat("1. 登录商户后台，进入对账管理\n", 120), 0},
		{"no boundary at all", strings.Repeat("结算", 2000), 0},
		{"four-byte runes", strings.Repeat("💰到账了吗", 600), 0},
		{"boundary right at the cut", strings.Repeat("x", MaxReplyBytes-len(textMoreSuffix)-3) + "。" + strings.Repeat("y", 100), 2},
		{"blank lines between paragraphs", strings.Repeat(strings.Repeat("段落内容。", 40)+"\n\n", 10), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			parts := splitAll(t, tt.text)
			if tt.parts > 0 && len(parts) != tt.parts {
				t.Errorf("split(%d bytes) made %d parts, want %d", len(tt.text), len(parts), tt.parts)
			}
			if len(parts) > 1 && len(parts[0]) < MaxReplyBytes/2 {
				t.Errorf("first part is %d bytes: cut far too early", len(parts[0]))
			}
			checkRejoin(t, tt.text, parts)
		})
	}
}

// splitAll cuts text as the "继续" replies would show it, checking every part's size and
// the continuation hint, and returns the parts without the hint.
func splitAll(t *testing.T, text string) []string {
	t.Helper()
	var parts []string
	for rest := text; rest != ""; {
		var head string
		head, rest = split(rest)
		if len(head) > MaxReplyBytes {
			t.Fatalf("part %d is %d bytes, want at most %d", len(parts)+1, len(head), MaxReplyBytes)
		}
		if rest != "" {
			p, ok := strings.CutSuffix(head, textMoreSuffix)
			if !ok {
				t.Fatalf("part %d = ...%q, want it to end with the 继续 hint", len(parts)+1, tail(head))
			}
			head = p
		} else if strings.HasSuffix(head, textMoreSuffix) {
			t.Fatalf("last part ends with the 继续 hint")
		}
		parts = append(parts, head)
		if len(parts) > 100 {
			t.Fatal("split does not make progress")
		}
	}
	return parts
}

// checkRejoin checks that parts, in order, are text with nothing lost or repeated; only the
// line breaks at a cut may be dropped.
func checkRejoin(t *testing.T, text string, parts []string) {
	t.Helper()
	pos := 0
	for i, p := range parts {
		for pos < len(text) && text[pos] == '\n' && !strings.HasPrefix(p, "\n") {
			pos++
		}
		if !strings.HasPrefix(text[pos:], p) {
			t.Fatalf("part %d (%q...) is not the text at byte %d (%q...)", i+1, head(p), pos, head(text[pos:]))
		}
		pos += len(p)
	}
	for pos < len(text) && text[pos] == '\n' {
		pos++
	}
	if pos != len(text) {
		t.Errorf("parts cover %d of %d bytes: lost %q", pos, len(text), head(text[pos:]))
	}
}

func head(s string) string { return string([]rune(s)[:min(20, len([]rune(s)))]) }
func tail(s string) string { r := []rune(s); return string(r[max(0, len(r)-20):]) }

func TestLongReplyContinues(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	b := newTestBot(t, ix, at(10, 0), Options{})
	// A long agent reply that WeChat would not deliver is shown before the user's next
	// answer, which makes that reply too long for one WeChat message.
	no := fileTicket(t, b, defaultUser, "结算款三天没到账，请帮忙查一下")
	agentText := strings.Repeat("您好，经核实，您的结算款因银行系统升级延迟入账，预计今天下午到账。", 18)
	if _, err := b.ReplyTicket(context.Background(), xiaowang, no, agentText); err != nil {
		t.Fatal(err)
	}
	answer := b.say(t, "o-other", "对账单在哪下载").Text // the same answer without the agent's reply
	var parts []string
	converse(t, b, []step{
		{say: "对账单在哪下载", want: []string{"【工单 " + no + " 客服回复】", "回复“继续”查看剩余内容"}, check: func(t *testing.T, r Reply) {
			parts = append(parts, strings.TrimSuffix(r.Text, textMoreSuffix))
		}},
		// The answer, whole: its rest is too short to be cut for a phone screen.
		{say: "继续", want: []string{feedbackMark, lastLine(entry(t, ix, "reconciliation-download").Answer)}, notWant: []string{"客服回复】", "回复“继续”查看剩余内容"}, check: func(t *testing.T, r Reply) {
			parts = append(parts, r.Text)
		}},
		{say: "继续", want: []string{"没有需要继续显示的内容了"}},
		// The answer's feedback question and related numbers still apply after the continuation.
		{say: "1", want: []string{firstLine(entry(t, ix, "reconciliation-generate-time").Answer)}},
		{say: "菜单", notWant: []string{"客服回复】"}},
	})
	full := fmt.Sprintf("【工单 %s 客服回复】\n%s\n\n回复“查询工单 %s”查看进度。\n\n——\n%s", no, agentText, no, answer)
	if len(full) <= MaxReplyBytes {
		t.Fatalf("reply with the agent's text is %d bytes, want more than %d to test continuation", len(full), MaxReplyBytes)
	}
	checkRejoin(t, full, parts)
}

func TestNotices(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	b := newTestBot(t, ix, at(10, 0), Options{Notices: []Notice{{Text: "今晚系统维护", Start: at(10, 2), End: at(10, 3)}}})
	b.gap = time.Minute
	converse(t, b, []step{
		{say: "菜单", notWant: []string{"【公告】"}},                           // 10:01: not yet
		{say: "对账单在哪下载", want: []string{"【公告】今晚系统维护\n\n", feedbackMark}}, // 10:02: active
		{say: "菜单", notWant: []string{"【公告】"}},                           // 10:03: ended
	})
}

func TestRetries(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	ctx := context.Background()

	t.Run("a re-delivery gets the identical reply", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(10, 0), Options{})
		m := b.text(defaultUser, "菜单")
		first, err := b.Reply(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		b.clock.Add(5 * time.Second)
		again, err := b.Reply(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Errorf("Reply(re-delivery) mismatch (-first +again):\n%s", diff)
		}
		if !again.Time.Equal(at(10, 0)) {
			t.Errorf("Reply(re-delivery).Time = %v, want the first delivery's %v", again.Time, at(10, 0))
		}
		// The retry did not count as a second message: 3 is still the category.
		converse(t, b, []step{{say: "3", want: []string{"【结算与到账】"}}})
		turns, err := b.Transcript(ctx, defaultUser, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(turns) != 4 {
			t.Errorf("transcript has %d turns, want 4", len(turns))
		}
	})

	t.Run("events are de-duplicated by time and key", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(10, 0), Options{})
		ev := Message{OpenID: defaultUser, Kind: KindEvent, Event: "CLICK", EventKey: KeyMenu, CreateTime: at(10, 0)}
		first, err := b.Reply(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		b.clock.Add(time.Second)
		again, err := b.Reply(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Errorf("Reply(re-delivered event) mismatch (-first +again):\n%s", diff)
		}
		other := ev
		other.EventKey = KeyCategory + "refund"
		r, err := b.Reply(ctx, other)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Text, "【退款】") {
			t.Errorf("Reply(another click in the same second) = %q, want the refund category", r.Text)
		}
	})

	t.Run("concurrent duplicates are processed once", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(10, 0), Options{})
		m := b.text(defaultUser, "对账单在哪下载")
		const n = 8
		if r := replyConcurrently(t, b, m, n); !strings.Contains(r.Text, feedbackMark) {
			t.Errorf("Reply = %q, want the answer", r.Text)
		}
		turns, err := b.Transcript(ctx, defaultUser, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(turns) != 2 {
			t.Errorf("transcript has %d turns after %d concurrent duplicates, want 2: %+v", len(turns), n, turns)
		}
		st, err := b.st.dayStats(ctx, testDay)
		if err != nil {
			t.Fatal(err)
		}
		if got := st["reconciliation"][statAnswered]; got != 1 {
			t.Errorf("answered count = %d, want 1", got)
		}
	})

	t.Run("concurrent messages of one user are answered one at a time", func(t *testing.T) {
		t.Parallel()
		b := newTestBot(t, ix, at(10, 0), Options{})
		texts := []string{"对账单在哪下载", "钱怎么还没到账", "菜单", "怎么退款", "费率是多少"}
		var wg sync.WaitGroup
		for _, s := range texts {
			m := b.text(defaultUser, s)
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				if _, err := b.Reply(ctx, m); err != nil {
					t.Errorf("Reply(%q): %v", s, err)
				}
			})
		}
		wg.Wait()
		turns, err := b.Transcript(ctx, defaultUser, 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(turns) != 2*len(texts) {
			t.Fatalf("transcript has %d turns, want %d", len(turns), 2*len(texts))
		}
		for i := 0; i < len(turns); i += 2 {
			if turns[i].From != "user" || turns[i+1].From != "bot" {
				t.Errorf("turns %d-%d are from %s, %s; want user, bot (one message at a time)", i, i+1, turns[i].From, turns[i+1].From)
			}
		}
	})
}

func TestRedisGoesAway(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mr.Close)
	addr := mr.Addr()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	b := newTestBot(t, ix, at(10, 0), Options{Redis: rdb, Prefix: "yl:", RedisTimeout: 300 * time.Millisecond})
	b.gap = 100 * time.Millisecond
	download := entry(t, ix, "reconciliation-download")
	notArrived := entry(t, ix, "settlement-not-arrived")

	converse(t, b, []step{
		{say: "菜单", want: []string{menuMark}},
		{say: "3", want: []string{"【结算与到账】"}},
	})

	mr.Close()
	converse(t, b, []step{
		// Degraded: FAQ still answered, statelessly (no feedback question, no numbers to remember).
		{say: "对账单在哪下载", want: []string{firstLine(download.Answer)}, notWant: []string{feedbackMark}},
		{say: "钱怎么还没到账", want: []string{firstLine(notArrived.Answer)}},
		{say: "3", want: []string{noSuchOption, menuMark}},
		{say: "我的验证码是384756", want: []string{"验证码"}, notWant: []string{"384756"}},
		// Without a session the next message could not be recognised: transfer right away.
		{say: "人工", transfer: true},
		{say: "查询工单 GD202611260001", want: []string{"暂时不可用"}},
	})
	if err := b.Healthy(context.Background()); err == nil {
		t.Errorf("Healthy() = nil with Redis closed, want an error")
	}

	if err := mr.StartAddr(addr); err != nil {
		t.Fatalf("restart miniredis on %s: %v", addr, err)
	}
	// Within the 2 s back-off the bot does not try Redis yet.
	converse(t, b, []step{
		{say: "菜单", want: []string{menuMark}},
		{say: "3", want: []string{noSuchOption}},
	})
	// Past it, it uses Redis again by itself.
	converse(t, b, []step{
		{say: "菜单", after: 3 * time.Second, want: []string{menuMark}},
		{say: "3", want: []string{"【结算与到账】"}},
		{say: "2", want: []string{feedbackMark}},
	})
	if err := b.Healthy(context.Background()); err != nil {
		t.Errorf("Healthy() after restart = %v, want nil", err)
	}
}

// errSearcher is a knowledge base whose search fails, a path the real index cannot produce.
type errSearcher struct{ *kb.Index }

func (errSearcher) Search(context.Context, string, int) (kb.Result, error) {
	return kb.Result{}, fmt.Errorf("kb: search: %w", context.DeadlineExceeded)
}

func TestSearchErrorReleasesClaim(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	rdb, prefix := redistest.New(t)
	clock := &fakeClock{t: at(10, 0)}
	failing := New(errSearcher{ix}, Options{Redis: rdb, Prefix: prefix, Now: clock.Now, Contact: testContact})
	m := Message{OpenID: defaultUser, Kind: KindText, Text: "对账单在哪下载", MsgID: "42", CreateTime: at(10, 0)}
	if _, err := failing.Reply(context.Background(), m); err == nil {
		t.Fatal("Reply with a failing search = nil error, want the error")
	}
	// WeChat's retry reaches a healthy replica: it is answered, not treated as a duplicate.
	healthy := New(ix, Options{Redis: rdb, Prefix: prefix, Now: clock.Now, Contact: testContact})
	r, err := healthy.Reply(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, feedbackMark) {
		t.Errorf("Reply(retry) = %q, want the answer", r.Text)
	}
}

func TestQualityCounters(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	b := newTestBot(t, ix, at(10, 0), Options{})
	converse(t, b, []step{
		{say: "对账单在哪下载"},
		{say: "有用"},
		{say: "钱怎么还没到账"},
		{say: "没用"},
		{say: settleVague, want: []string{suggestMark}},
		{say: "你喜欢什么颜色", want: []string{"没能理解"}},
		{say: "人工", want: []string{handoffOpen}},
	})
	ctx := context.Background()
	got, err := b.st.dayStats(ctx, testDay)
	if err != nil {
		t.Fatal(err)
	}
	want := DayStats{
		"reconciliation": {statAnswered: 1, statHelpful: 1},
		"settlement":     {statAnswered: 1, statNotHelpful: 1, statSuggested: 1},
		"_":              {statNone: 1, statHandoff: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Stats(%s) mismatch (-want +got):\n%s", testDay, diff)
	}
	unknown, err := TopUnknown(ctx, b.rdb, b.prefix, cst, b.clock.Now(), 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	// The suggestion list nobody picked from counts too.
	want2 := []UnknownQuestion{{Text: "你喜欢什么颜色", Count: 1}, {Text: settleVague, Count: 1}}
	if diff := cmp.Diff(want2, unknown, cmpopts.SortSlices(func(a, b UnknownQuestion) bool { return a.Text < b.Text })); diff != "" {
		t.Errorf("TopUnknown mismatch (-want +got):\n%s", diff)
	}
}

// mustIndex is the shipped knowledge base, indexed.
func mustIndex(tb testing.TB) *kb.Index { return kbtest.Index(tb) }

// testContact fills every template variable of the shipped knowledge base.
var testContact = map[string]string(kbtest.Vars)

// replyConcurrently delivers m n times at once, as WeChat's retries can arrive, and checks
// that every delivery got the same reply; it returns that reply.
func replyConcurrently(t *testing.T, b *testBot, m Message, n int) Reply {
	t.Helper()
	replies := make([]Reply, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			replies[i], errs[i] = b.Reply(ctx, m)
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Reply #%d: %v", i, errs[i])
		}
		if diff := cmp.Diff(replies[0], replies[i]); diff != "" {
			t.Errorf("Reply #%d mismatch (-#0 +#%d):\n%s", i, i, diff)
		}
	}
	return replies[0]
}

func TestNewNeedsRedis(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Errorf("New without Options.Redis did not panic")
		}
	}()
	New(mustIndex(t), Options{})
}
