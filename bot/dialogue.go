package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yilianpay/yilianbot/kb"
)

// conv is one message being answered: the session it may change and what it will record. It
// lives for one call of Bot.Reply; the request's context is passed to its methods.
type conv struct {
	b         *Bot
	m         Message
	now       time.Time
	s         *session
	stateless bool // no Redis: nothing is remembered
	expired   bool // the previous conversation timed out

	guarded  guardResult // the text with payment secrets masked, and which were found
	userText string      // the user's words as they may be stored (secrets and phones masked, capped)
	warning  string      // the one-line secrets warning to put on top of the reply
	long     bool        // the message was cut: the reply says so on top
	stats    []statIncr

	pending      []pendingReply // agents' replies waiting for this user
	pendingShown int            // how many of them this reply shows
	csat         string         // ticket whose satisfaction score was asked for
	csatDone     bool
	flowFailed   bool // Redis failed while the ticket was being created

	pre      string   // a line to put before the reply (empathy, a note on another company)
	unknowns []string // questions for the knowledge base's unknown list
	picked   bool     // the message picked an item from the last list
	quoted   string   // lines of the last answer that answer an elliptical follow-up
	ctxQ     string   // the follow-up searched together with the question before it
	usedCtx  bool     // the result came from that combined search

	prevLookedUp string // the ticket number the previous message looked up (session.LookedUp)
	wasEnglish   bool   // the previous message was English (session.English)
	hadForm      bool   // a ticket form was open when the message came
}

// Counter names of the dialogue's quality statistics, per day and category (see DayStats).
const (
	statAnswered   = "answered"
	statSuggested  = "suggested"
	statNone       = "none"
	statHelpful    = "helpful"
	statNotHelpful = "not_helpful"
	statHandoff    = "handoff"
	statTicket     = "ticket"
)

func (c *conv) count(category, name string) {
	if category == "" {
		category = "_"
	}
	c.stats = append(c.stats, statIncr{field: category + ":" + name})
}

// respond makes the reply to c.m. It changes the session c.s in place; Bot.Reply stores it.
func (c *conv) respond(ctx context.Context) (Reply, error) {
	switch c.m.Kind {
	case KindEvent:
		return c.event(ctx)
	case KindText, KindVoice:
	default:
		name := mediaName[c.m.Kind]
		if name == "" {
			name = "消息"
		}
		return c.text(fmt.Sprintf(textMediaPrefix, name) + textMediaHelp), nil
	}
	text := strings.TrimSpace(c.m.Text)
	if text == "" {
		if c.m.Kind == KindVoice {
			return c.text(textAskToType), nil
		}
		return c.text(textEmpty), nil
	}
	// Bound what one message costs: read at most maxTextRunes of it (cut before masking so
	// that no part of a secret survives the cut), and store at most maxStoredRunes.
	text, cutIn := cutRaw(text, maxTextRunes)
	// Mask payment secrets before any step, so that none sees or stores them.
	c.guarded = guard(text)
	stored, cutStored := cutMasked(strings.TrimSpace(maskPhones(c.guarded.masked)), maxStoredRunes)
	c.userText = stored
	c.long = c.m.Truncated || cutIn || cutStored
	if c.guarded.found() {
		// WeChat would forward the raw message, secret and all, to the agents: no transfer.
		c.s.Handoff = false
		if secretOnly(c.guarded.masked) {
			return c.secretOnly(), nil
		}
		// Mask and answer: the steps see the message as if the secret were not there, under
		// a one-line warning given once per kind and conversation.
		if kinds := c.unwarned(); len(kinds) > 0 {
			c.warning = c.guardLine(kinds)
		}
		text = strings.TrimSpace(stripMasks(c.guarded.masked))
	}
	// A suggestion list nobody picked from was no answer: its question goes to the unknown list.
	suggested := c.s.Suggested
	c.s.Suggested = ""
	defer func() {
		if suggested != "" && !c.picked {
			c.unknowns = append(c.unknowns, suggested)
		}
	}()
	c.noteMerchant(text)
	c.prevLookedUp, c.wasEnglish, c.hadForm = c.s.LookedUp, c.s.English, c.inFlow()
	c.s.LookedUp = ""
	defer func() {
		if c.s.TicketTalk && c.s.LookedUp == "" {
			// lookup's number, found or not: a "啥时候处理完" next is about it.
			c.s.LookedUp = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(looseTicketNoRE.FindString(foldASCII(text))))
		}
		if utf8.RuneCountInString(bare(text)) > 3 {
			c.s.English = isEnglish(text) // "ok" alone keeps the language the conversation is in
		}
	}()
	for _, step := range c.textSteps() {
		if r, handled, err := step(ctx, text); handled || err != nil {
			return r, err
		}
	}
	return c.faq(ctx, text)
}

// unwarned returns the kinds of secret found that the conversation was not warned about yet.
func (c *conv) unwarned() []string {
	var out []string
	for _, k := range c.guarded.kinds {
		if !slices.Contains(c.s.Warned, k) {
			out = append(out, k)
		}
	}
	return out
}

// secretOnly answers a message that holds nothing but a secret: the warning, and what the user
// can do instead; inside the ticket flow, the step's question again.
func (c *conv) secretOnly() Reply {
	warning := c.guardLine(c.guarded.kinds)
	c.warned(c.guarded.kinds)
	if c.inFlow() {
		return c.text(warning + "\n\n您正在提交工单，" + c.flowPrompt())
	}
	c.s.Prompt = prompt{}
	return c.text(warning + "\n" + textSecretOnlyHint)
}

// guardLine is the warning about kinds of secret sent: in full the first time in a
// conversation, then a short reminder, since the user has read why once already.
func (c *conv) guardLine(kinds []string) string {
	if len(c.s.Warned) > 0 {
		return fmt.Sprintf(textGuardAgain, strings.Join(kinds, "、"))
	}
	return c.b.guardText(kinds)
}

// warned records in the session that the user was warned about kinds.
func (c *conv) warned(kinds []string) {
	for _, k := range kinds {
		if !slices.Contains(c.s.Warned, k) {
			c.s.Warned = append(c.s.Warned, k)
		}
	}
}

// A textStep is one stage of answering a text: it answers it (handled) or leaves it to the
// next stage. text is the user's words, trimmed, with payment secrets (and their masks)
// removed; phone numbers are left for the ticket flow.
type textStep func(ctx context.Context, text string) (r Reply, handled bool, err error)

// textSteps are the stages a text goes through, in order; what none handles is a question for
// the knowledge base (faq).
func (c *conv) textSteps() []textStep {
	return []textStep{
		c.score,              // the satisfaction score asked for in the last message
		c.transferAsked,      // the message after "人工" inside hours goes to the agents; the queue
		c.solvedReport,       // "工单处理好了": thanks, and the score question
		c.fundSafety,         // a loss or a scam: what to do now, the urgent ticket; its follow-ups
		c.ticketShape,        // "gd20261201007 这个呢": a ticket number's shape, not a phone number
		c.phoneCheck,         // "这个号码是你们的吗"
		c.outage,             // "接口全部超时", "收不了款": payments down now, the urgent tech ticket
		c.flowLater,          // "那我8点以后再来找人工" inside the form: respected (flow.go)
		c.humanHours,         // "明天几点有人", "人工什么时候上班": the hours, not a transfer
		c.handoffWords,       // "人工" and friends
		c.lookup,             // 查询工单 GD…, a bare ticket number, 我的工单
		c.ticketNoSlip,       // "GD2026120400": a ticket number with the wrong digits
		c.suggestion,         // "你们能不能改进一下": feedback on the service, not a chase
		c.txnNumber,          // "流水号2026…": taken, and what can be done with it
		c.lookedUpWhen,       // "啥时候能处理完" right after a lookup: that ticket
		c.myTicket,           // "什么时候处理", "催一下" about the user's ticket
		c.merchantTicket,     // a merchant number given after an unsolved question: file it
		c.ticketFlowCared,    // start, resume, cancel or answer the ticket flow
		c.closing,            // "好 记下了", "ok 多谢", "没事了 拜拜": a line, no menu
		c.plan,               // "好 我先去查下防火墙": a line, the hotline when they will call
		c.merchantIgnores,    // "商家不理我": what 易联 can do, the complaint ticket
		c.buyerRefund,        // a buyer's refund that has not come, and its follow-ups
		c.menuAsked,          // "能帮我干啥 有目录吗": the menu itself
		c.smallWords,         // thanks, okay, emoji, goodbyes, "还在吗"
		c.chat,               // "早上好", "天气真好", "你们能干啥", "和X比哪个好": a line
		c.numberAgain,        // "电话多少来着": the hotline alone
		c.plainTalk,          // "你们能干啥", "帮我写首诗", "试了还是不行": a line, not the menu
		c.plainer,            // "字太多了 看不懂", "能不能打电话": in brief, and the hotline
		c.followUp,           // "详细", "然后呢", "为什么" about the answer just given
		c.navigate,           // menu words, option numbers, 返回, 继续
		c.feedback,           // 有用 / 没用 on the last answer
		c.englishIntent,      // English asking for a person, a ticket, the hotline
		c.english,            // English: a short English answer
		c.merchantNoQuestion, // "商户编号是什么"
		c.identity,           // "你们不是支付宝吗": 易联 is a company of its own
		c.otherCompany,       // 支付宝, 微信支付, a bank: theirs, honestly
		c.details,            // "金额是128.5 昨天晚上8点多": joins the last question
	}
}

// ticketFlowCared is ticketFlow with a line of empathy on top for an upset user not yet in the
// flow: going straight into a form ("我要投诉 你们扣了我两次钱!") is no reason to skip it.
func (c *conv) ticketFlowCared(ctx context.Context, text string) (Reply, bool, error) {
	// "投诉" alone is a request, not a mood: with a grievance it is both.
	mood := upset(strings.ReplaceAll(text, "投诉", "")) || strings.Contains(text, "投诉") && grievanceRE.MatchString(text)
	if c.inFlow() || c.pre != "" || !mood {
		return c.ticketFlow(ctx, text)
	}
	c.pre = textEmpathy
	r, handled, err := c.ticketFlow(ctx, text)
	if !handled {
		c.pre = "" // the step that answers says it, once
	}
	return r, handled, err
}

// inFlow reports whether the ticket flow is waiting for the user's answer.
func (c *conv) inFlow() bool {
	f := c.s.Flow
	return f != nil && !f.Paused && !c.stateless
}

// score takes a satisfaction score for the resolved ticket the bot asked about. The answer is
// taken only once the question was shown (a reply that shows the pending notice is not
// answered by the message it replies to); a number out of range is asked about once more, and
// anything else drops the question and is answered as usual. The question is the resolution
// notice's (c.csat) or the bot's own, asked when the user said a ticket was solved (Rate).
func (c *conv) score(ctx context.Context, text string) (Reply, bool, error) {
	no, notice := c.csat, true
	if no == "" || c.showsCSAT() {
		no, notice = c.s.Rate, false
	}
	c.s.Rate = ""
	if no == "" {
		// "4分吧 回复有点慢" unasked is still a score: on the ticket of this conversation, if any.
		n, ok := unaskedScore(bare(text))
		if !ok || c.stateless || c.inFlow() {
			return Reply{}, false, nil
		}
		if no = c.openTicket(); no == "" {
			no = noTicketOnFile
		}
		r, err := c.rate(ctx, no, n, false)
		return r, true, err
	}
	done := func() {
		c.csatDone = c.csatDone || notice
		c.s.CSATRetry = false
	}
	b := bare(text)
	n, ok := scoreIn(b)
	switch {
	case ok && n >= 1 && n <= 5:
		done()
		r, err := c.rate(ctx, no, n, len([]rune(b)) > 3)
		return r, true, err
	case ok && !c.s.CSATRetry:
		c.s.CSATRetry = true
		if !notice {
			c.s.Rate = no
		}
		return c.text(textScoreRange), true, nil
	}
	done()
	if notice && unresolvedRE.MatchString(b) {
		c.s.OfferTicket = true
		c.s.Reopen = no
		c.s.Prompt = prompt{}
		return c.text(fmt.Sprintf(textReopenOffer, no) + c.b.humanWhen(c.now)), true, nil
	}
	return Reply{}, false, nil
}

var (
	scoreRE      = regexp.MustCompile(`^(那就|就|打|给|评|给你|我给|那给)?(\d{1,3}|[一二三四五六七八九十])(分|星|颗星)?`)
	unresolvedRE = mustMatcher(`没解决|没有解决|还没好|没处理|没弄好|就给我关|关了`)
	// scoreUnitRE: what follows a number that is not a score ("3个月", "5天了").
	scoreUnitRE = regexp.MustCompile(`^(个|天|月|号|日|点|笔|元|块|万|千|百|次|年|小时|分钟|周|单)`)
	// scoreWords are ratings said in words, strongest first.
	scoreWords = []struct {
		re *regexp.Regexp
		n  int
	}{
		{regexp.MustCompile(`^(非常|很|十分|特别|超级?)不满意|^(很|太|非常)差|^差评|^垃圾`), 1},
		{regexp.MustCompile(`^(不太|不怎么|不是很|有点不|不)?满意`), 0}, // decided below
		{regexp.MustCompile(`^(非常|很|十分|特别|超级?|挺)满意|^满分|^好评|^五星|^完美|^超赞|^很好|^非常好`), 5},
		{regexp.MustCompile(`^(还不错|不错|挺好|还可以|蛮好|可以的?)`), 4},
		{regexp.MustCompile(`^(一般般?|还行|凑合|马马虎虎|中规中矩|普通)`), 3},
		{regexp.MustCompile(`^(不太好|不怎么样|有点差|较差|比较差|太慢|很慢)`), 2},
	}
)

// scoreIn reads a score from a bare message: "5", "4分吧就是有点慢", "那就5", "五星",
// "一般吧", "挺满意的".
func scoreIn(b string) (int, bool) {
	for _, w := range scoreWords {
		m := w.re.FindString(b)
		if m == "" {
			continue
		}
		if w.n != 0 {
			return w.n, true
		}
		if strings.Contains(m, "不") {
			return 2, true // 不满意, 不太满意
		}
		return 4, true
	}
	m := scoreRE.FindStringSubmatch(b)
	if m == nil || b == "88" || b == "886" {
		return 0, false
	}
	if rest := b[len(m[0]):]; m[3] == "" && rest != "" &&
		(scoreUnitRE.MatchString(rest) || strings.ContainsAny(rest, "0123456789") || utf8.RuneCountInString(rest) > 12) {
		return 0, false // a number in a sentence, not a score
	}
	if n, err := strconv.Atoi(m[2]); err == nil {
		return n, true
	}
	return slices.Index([]rune("一二三四五六七八九十"), []rune(m[2])[0]) + 1, true
}

// unaskedScore reads a score nobody asked for: a number of points said as such ("4分吧",
// "给5星"), in a short message; "3分钟" and "第2个" are no score.
func unaskedScore(b string) (int, bool) {
	m := scoreRE.FindStringSubmatch(b)
	if m == nil || m[3] == "" || utf8.RuneCountInString(b) > 20 || strings.HasPrefix(b[len(m[0]):], "钟") {
		return 0, false
	}
	n, ok := scoreIn(b)
	return n, ok && n >= 1 && n <= 5
}

// showsCSAT reports whether this reply shows the pending notice that asks for the score.
func (c *conv) showsCSAT() bool {
	for _, p := range c.pending {
		if p.No == c.csat && p.Index < 0 {
			return true
		}
	}
	return false
}

// transferAsked hands the message to the agents when the user asked for a human (inside
// hours) with the previous one; while the user waits for an agent, "还在吗" and another "人工"
// are answered with the queue, and a cancel cancels it.
func (c *conv) transferAsked(_ context.Context, text string) (Reply, bool, error) {
	asked := c.s.Handoff
	c.s.Handoff = false
	q := c.s.Queue
	if q != nil && c.now.Sub(q.Since) > queueKeep {
		c.s.Queue, q = nil, nil
	}
	if (!asked && q == nil) || c.stateless {
		return Reply{}, false, nil
	}
	b := bare(text)
	switch {
	case isCancel(text) || strings.Contains(b, "不等") || notHandoffRE.MatchString(b) || stopTransferRE.MatchString(b) && utf8.RuneCountInString(b) <= 16:
		c.s.Queue = nil
		c.s.Prompt = prompt{}
		if strings.Contains(b, "不等") || strings.Contains(b, "等不了") {
			c.s.OfferTicket = true
			return c.text(textQueueCancelledTicket), true, nil
		}
		return c.text(textQueueCancelled), true, nil
	case isMenuWord(text):
		c.s.Queue = nil // browsing the menu: a new request for a human starts over
		return Reply{}, false, nil
	case asked && (okRE.MatchString(b) || thanksRE.MatchString(b)) && utf8.RuneCountInString(b) <= 8:
		// An okay is no question for the agents; the next message still goes to them.
		c.s.Handoff = true
		if isEnglish(text) && thanksRE.MatchString(b) {
			return c.text(textEnglishThanks), true, nil
		}
		if isEnglish(text) {
			return c.text(textEnglishOK), true, nil
		}
		return c.text(textQueueAck), true, nil
	case asked && (signedOrDecimalRE.MatchString(foldASCII(strings.TrimSpace(text))) || choiceRE.MatchString(foldASCII(strings.TrimSpace(text)))):
		c.s.Queue = nil
		return Reply{}, false, nil // a number is a menu choice, not a question for the agents
	case asked && waitAskRE.MatchString(b) && utf8.RuneCountInString(b) <= 16:
		// A question about the wait, not for the agents: the notice, and the next message
		// still goes to them.
		c.s.Handoff = true
		if q == nil {
			q = &queue{Since: c.now}
			c.s.Queue = q
		}
		q.Nudges++
		if q.Nudges == 1 {
			return c.text(fmt.Sprintf(textQueueHowLong, c.b.contact("hotline"))), true, nil
		}
		return c.text(fmt.Sprintf(textQueueSorry, c.b.contact("hotline"))), true, nil
	case presenceRE.MatchString(b) || waitRE.MatchString(b) || waitAskRE.MatchString(b) || isHandoff(text):
		if q == nil {
			q = &queue{Since: c.now}
			c.s.Queue = q
		}
		q.Nudges++
		c.s.Handoff = asked
		if q.Nudges == 1 && isHandoff(text) {
			return c.text(textQueueAlready), true, nil
		}
		if q.Nudges == 1 && !waitRE.MatchString(b) {
			return c.text(textQueueWaiting), true, nil
		}
		return c.text(fmt.Sprintf(textQueueSorry, c.b.contact("hotline"))), true, nil
	case asked:
		if q == nil {
			q = &queue{Since: c.now}
			c.s.Queue = q
		}
		q.Transferred = true
		c.s.Prompt = prompt{}
		return Reply{Transfer: true, KfAccount: c.b.kfAccount}, true, nil
	}
	return Reply{}, false, nil
}

// queueKeep is how long after a hand-off "还在吗" is taken as a question about the queue.
const queueKeep = 30 * time.Minute

// stopTransferRE takes back a request for a human ("我按错了 不要转了").
var stopTransferRE = mustMatcher(`(不要|别|不用|不需要|先不|暂时不)(转|接)|不转了|按错|点错|发错|取消转`)

var waitRE = mustMatcher(`怎么还没|还没人|还要等|等多久|等了|排队|人呢|没人理|没人回`)

// waitAskRE asks how long the wait for an agent is ("多久能接通啊").
var waitAskRE = mustMatcher(`(多久|多长时间|什么时候|啥时候|几分钟)(才|能|可以)?(接通|接入|轮到|有人|回复|回我)|要等(多久|很久)吗?`)

// handoffWords answers a request for a human; it pauses a ticket flow in progress, except
// outside hours, where the flow is what the user can do. A repeated request gets a shorter,
// then a more personal reply, never the same block again.
func (c *conv) handoffWords(_ context.Context, text string) (Reply, bool, error) {
	if !isHandoff(text) {
		return Reply{}, false, nil
	}
	c.s.Asks++
	if c.inFlow() && !c.b.hours.open(c.now) {
		c.count("", statHandoff)
		if c.s.Asks >= 3 && c.s.Flow.Step == stepType {
			// The type list was shown twice already: a third paste reads like a loop.
			return c.text(c.closedAgain() + "\n" + textFlowTypeShort), true, nil
		}
		return c.text(c.closedAgain() + "\n\n" + c.flowPrompt()), true, nil
	}
	if f := c.s.Flow; f != nil {
		f.Paused = true
	}
	if c.s.Asks >= 2 && !c.b.hours.open(c.now) && !c.stateless {
		c.count("", statHandoff)
		c.s.OfferTicket = true
		return c.text(c.closedAgain() + "\n回复“提交工单”，我帮您登记。"), true, nil
	}
	r, err := c.handoff(isLoss(text))
	return r, true, err
}

var (
	// offScopeRE asks for something no payment service does.
	offScopeRE = mustMatcher(`写(一)?(首|篇|段|个)?(诗|文章|作文|小说|歌词|情书|周报)|讲(个|一个)?(笑话|故事)|算(个)?命|陪我聊|聊聊天`)
	// stillFailsRE: the steps just given did not work.
	stillFailsRE = mustMatcher(`^(我)?(都|也)?(试|弄|操作|照着(做|弄)|按(你|您)说的(做|弄)?)(了|过)(一下|了)?.{0,4}(还是|也|都|依然|仍然)(不行|没用|不好使|失败|不管用|没反应|报错)|^(还是|依然|仍然)(不行|没用|不好使|失败|不管用)(啊|呀|啊|的)?$|^.{0,8}(还是|依然|仍然|一直)(这样|这个样子|老样子|没变化?|没动静|处理中)(的)?(呢|啊|呀)?$`)
)

// plainTalk answers in a line what needs no knowledge base: a request outside any payment
// service, and "试了还是不行" after an answer (a person, not the menu).
func (c *conv) plainTalk(_ context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if utf8.RuneCountInString(b) > 20 {
		return Reply{}, false, nil
	}
	switch {
	case offScopeRE.MatchString(b):
		c.s.Prompt = prompt{}
		return c.text(textOffScope), true, nil
	case stillFailsRE.MatchString(b) && c.s.Answered != "":
		c.s.Prompt = prompt{}
		if c.b.hours.open(c.now) || c.stateless {
			return c.text(textStillFails + "回复“人工”，我帮您转接人工客服；也可以回复“提交工单”。"), true, nil
		}
		c.s.OfferTicket = true
		return c.text(textStillFails + fmt.Sprintf("人工客服每天 %s 服务，现在回复“提交工单”，我帮您登记，%s上班后优先处理（热线 %s）。", c.b.hours.window(c.now), c.b.hours.nextOpen(c.now), c.b.contact("hotline"))), true, nil
	}
	return Reply{}, false, nil
}

// humanHoursRE asks when people answer, not for one now.
var humanHoursRE = mustMatcher(`(几点|什么时候|啥时候|何时)(才)?(有人|有客服|有人工|能找到?人|能转人工|上班|开始|开门)|(人工|客服|你们)(几点|什么时候|啥时候|一般几点)(才)?(上班|有人|开始|在|营业)|(服务|上班|营业|工作)时间(是)?(几点|多少|是什么|怎么)|(你们|客服|人工)(已经|都)?(下班|休息)(了)?(吗|没|么|嘛)|(你们|客服|人工)(还)?(在|上)班(吗|么|嘛|没)`)

// humanHours answers when people answer: the hours, and whether that is now; a ticket being
// filled is asked on.
func (c *conv) humanHours(ctx context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if !humanHoursRE.MatchString(b) || utf8.RuneCountInString(b) > 24 {
		return Reply{}, false, nil
	}
	h := c.b.hours
	var s string
	if h.open(c.now) {
		s = fmt.Sprintf("人工客服每天 %s 服务，现在就在服务时间，回复“人工”即可联系。热线：%s", h.window(c.now), c.b.contact("hotline"))
	} else {
		s = fmt.Sprintf("人工客服每天 %s 服务，%s 起有人，到时回复“人工”或拨打热线 %s 都可以。", h.window(c.now), h.nextOpen(c.now), c.b.contact("hotline"))
	}
	c.s.Prompt = prompt{}
	if f := c.s.Flow; c.inFlow() && f.Step == stepType && !f.filled() {
		// The form the out-of-hours handoff opened, not begun: set aside, with the way back.
		c.leaveFlow()
		s += "\n现在想先留下问题的话，回复“提交工单”。"
	} else if c.inFlow() {
		s = c.flowAside(s)
	}
	return c.text(s), true, nil
}

// closedAgain is the reply to a request for a human outside hours, by how often it was asked.
func (c *conv) closedAgain() string {
	h := c.b.hours
	switch {
	case c.s.Asks <= 1:
		return fmt.Sprintf("人工客服的服务时间是每天 %s，现在不在服务时间。您正在提交的工单会在上班后优先处理。", h.window(c.now))
	case c.s.Asks == 2:
		return fmt.Sprintf("现在是非服务时间，人工客服%s上班。先把工单填好，上班后优先处理。", h.nextOpen(c.now))
	case c.s.Asks == 3:
		return fmt.Sprintf("我理解您想马上找到人，抱歉现在确实没有人工可以接入：人工客服%s上班，届时也可以拨打热线 %s。工单现在登记，上班后第一时间处理。", h.nextOpen(c.now), c.b.contact("hotline"))
	}
	return fmt.Sprintf("我一直在这里。人工客服%s上班（热线 %s）；登记好的工单会排在前面处理。", h.nextOpen(c.now), c.b.contact("hotline"))
}

// rate stores a satisfaction score on the user's ticket.
func (c *conv) rate(ctx context.Context, no string, score int, comment bool) (Reply, error) {
	if no == noTicketOnFile {
		comment = false // nothing to put it on
		return c.rated(score, comment), nil
	}
	_, err := c.b.st.updateTicket(ctx, no, EventRated, func(t *Ticket) (map[string]any, error) {
		if t.OpenID != c.m.OpenID {
			return nil, ErrNoTicket
		}
		t.CSAT = score
		t.UpdatedAt = c.now
		if comment {
			t.Transcript = append(t.Transcript, Turn{Time: c.now, From: "user", Text: c.userText})
		}
		return map[string]any{"csat": score}, nil
	})
	if err != nil && !errors.Is(err, ErrNoTicket) {
		return Reply{}, err
	}
	return c.rated(score, comment), nil
}

// rated thanks the user for a score.
func (c *conv) rated(score int, comment bool) Reply {
	note := ""
	switch {
	case comment:
		note = "您的意见也已记在工单上。"
	case score > 2 && slowRE.MatchString(bare(c.userText)):
		// "3分吧 回复有点慢": the remark is heard even with no ticket to put it on.
		note = "回复慢让您久等了，抱歉，我们会改进。"
	}
	if score <= 2 {
		c.s.OfferTicket = true
		return c.text("感谢您的评分，很抱歉这次没能让您满意。" + note + "我们会认真改进；问题仍未解决的话，回复“提交工单”告诉我们。")
	}
	return c.text("感谢您的评分！" + note + "还有其他问题可以随时问我。")
}

func (c *conv) event(ctx context.Context) (Reply, error) {
	switch strings.ToLower(c.m.Event) {
	case "subscribe":
		c.s.Prompt = c.menuPrompt()
		return c.text(c.b.welcomeText()), nil
	case "click":
		return c.click(ctx, c.m.EventKey)
	case "scan":
		c.s.Prompt = c.menuPrompt()
		return c.text("您好，欢迎回来！\n\n" + c.b.menuText()), nil
	}
	return Reply{}, nil
}

// Menu keys of the custom menu's click buttons.
const (
	KeyHandoff   = "handoff"
	KeyMyTickets = "my_tickets"
	KeyMenu      = "menu"
	KeyCategory  = "cat:" // followed by a slug
)

func (c *conv) click(ctx context.Context, key string) (Reply, error) {
	switch {
	case key == KeyHandoff:
		return c.handoff(false)
	case key == KeyMenu:
		return c.showMenu(""), nil
	case key == KeyMyTickets:
		r, _, err := c.lookup(ctx, "") // lookup recognises the key
		return r, err
	case strings.HasPrefix(key, KeyCategory):
		if r, ok := c.showCategory(strings.TrimPrefix(key, KeyCategory)); ok {
			return r, nil
		}
	}
	return c.showMenu(""), nil
}

func (c *conv) text(s string) Reply {
	if c.pre != "" {
		s = c.pre + "\n" + s
		c.pre = ""
	}
	if c.long {
		s = textTooLong + "\n\n" + s
		c.long = false
	}
	if c.warning != "" {
		s = c.warning + "\n" + s
		c.warning = ""
		c.warned(c.guarded.kinds)
	}
	if len(c.pending) > 0 {
		// Agents' replies that could not be pushed come first, oldest first.
		var sb strings.Builder
		for _, p := range c.pending {
			sb.WriteString(p.Text)
			sb.WriteString("\n\n")
		}
		s = sb.String() + "——\n" + s
		c.pendingShown = len(c.pending)
	}
	s = c.withNotice(s)
	if c.expired {
		s = textSessionExpired + "\n" + s
	}
	head, rest := split(s)
	c.s.More = rest
	return Reply{Text: head}
}

// withNotice puts the active notices on top of s, each once per conversation.
func (c *conv) withNotice(s string) string {
	for _, n := range c.b.notices {
		if c.now.Before(n.Start) || !c.now.Before(n.End) {
			continue
		}
		key := strconv.FormatInt(n.Start.Unix(), 36) + ":" + clip(n.Text, 12)
		if slices.Contains(c.s.Noticed, key) {
			continue
		}
		if !c.stateless {
			c.s.Noticed = append(c.s.Noticed, key)
		}
		s = "【公告】" + n.Text + "\n\n" + s
	}
	return s
}

var (
	handoffExact = []string{"人工", "转人工", "人工客服", "找客服", "真人", "找人工", "要人工", "人工服务",
		"我要人工", "转接人工", "联系人工", "人工坐席", "客服", "在线客服", "接人工", "人工在吗", "有人吗", "真人客服", "转客服"}
	handoffRE = mustMatcher(`人工|真人|活人|找客服|转客服|有没有人|有人吗|(找|叫|换|要)(个|一个)?(人|客服|管事的|能管事的人?)(来|吧|啊|呀|处理|跟我说|和我说|跟我聊)?$`)
	// notHandoffRE: "不用转人工", "不要人工".
	notHandoffRE = mustMatcher(`(不用|不要|别|不想|不需要)(转|找|帮我转)?(人工|真人)`)
)

// bare is the message without spaces, punctuation and emoji, for matching command words:
// lower case, full-width ASCII folded. Every step calls it, so it is one pass over the text
// rather than a regexp replacement.
func bare(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
				sb.WriteRune(r)
				continue
			}
			if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
				continue
			}
			sb.WriteRune(r)
		case unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r):
		default:
			sb.WriteRune(unicode.ToLower(r))
		}
	}
	return sb.String()
}

func foldASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFEE0
		}
		return r
	}, s)
}

func isHandoff(text string) bool {
	b := bare(text)
	if notHandoffRE.MatchString(b) {
		return false
	}
	return slices.Contains(handoffExact, b) || (len([]rune(b)) <= 14 && handoffRE.MatchString(b))
}

func isMenuWord(text string) bool {
	if t := strings.TrimSpace(text); t == "?" || t == "？" {
		return true
	}
	switch bare(text) {
	case "菜单", "帮助", "主菜单", "目录", "help", "menu":
		return true
	}
	return false
}

// handoff hands the user to a human inside service hours, or offers a work order outside.
func (c *conv) handoff(urgent bool) (Reply, error) {
	c.count("", statHandoff)
	c.s.Prompt = prompt{}
	if urgent {
		c.s.Urgent = true
	}
	if c.b.hours.open(c.now) {
		c.s.Handoff = !c.stateless
		if !c.stateless {
			c.s.Queue = &queue{Since: c.now}
		}
		if c.stateless && c.m.Kind != KindEvent && !c.guarded.found() {
			// Without a session the next message cannot be recognised: transfer this one.
			// (Events are never forwarded to agents: WeChat only forwards messages.)
			return Reply{Transfer: true, KfAccount: c.b.kfAccount}, nil
		}
		if c.stateless {
			return c.text("请直接发送您要咨询的问题，并在消息里写上“人工”，我们会为您转接人工客服。"), nil
		}
		return c.text(c.b.handoffOpenText() + c.flowHandoffNote()), nil
	}
	t := c.b.handoffClosedText()
	if urgent || c.s.Urgent {
		t = c.b.urgentClosedText()
	}
	for _, n := range c.b.hours.notes(c.now) {
		t += "\n" + n
	}
	if c.stateless {
		return c.text(t), nil
	}
	return c.startFlow(t, ""), nil
}

// navigate handles menu words, numbers, 返回 and 继续. A number means what the last list
// offered (the main menu when there was none); only positive whole numbers are choices.
func (c *conv) navigate(_ context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if isMenuWord(text) {
		return c.showMenu(""), true, nil
	}
	if strings.TrimSpace(text) == "#" {
		return c.back(), true, nil
	}
	switch b {
	case "返回", "上一级", "上一步":
		return c.back(), true, nil
	case "继续", "更多", "继续看":
		if c.s.More == "" && c.s.Detail {
			return c.detail(), true, nil
		}
		if c.s.More == "" {
			return c.text(textContinueNone), true, nil
		}
		more := c.s.More
		c.s.More = ""
		head, rest := split(more)
		c.s.More = rest
		return Reply{Text: head}, true, nil
	}
	raw := strings.TrimSpace(foldASCII(text))
	if menuAskRE.MatchString(b) && utf8.RuneCountInString(b) <= 16 {
		return c.showMenu(""), true, nil // "有什么可以查的 给我个目录"
	}
	if mobileOnlyRE.MatchString(b) {
		c.s.Prompt = prompt{}
		return c.text(textPhoneAlone), true, nil // a phone number is not an option
	}
	// "17。", "第一个", "选3": the number the user means; "3 和 8": the first, the rest named.
	if signedOrDecimalRE.MatchString(raw) {
		return c.outOfRange(), true, nil
	}
	raw = strings.TrimRight(raw, "。.，,！!、 ")
	var others []string
	if m := multiChoiceRE.FindStringSubmatch(raw); m != nil {
		others = choiceSepRE.Split(strings.TrimSpace(m[2]), -1)
		raw = m[1]
	}
	if m := ordinalRE.FindStringSubmatch(b); m != nil {
		raw = m[1]
	}
	n, isChoice := choice(raw)
	if !isChoice {
		if signedOrDecimalRE.MatchString(raw) || raw == "零" || raw == "〇" {
			return c.outOfRange(), true, nil
		}
		return Reply{}, false, nil
	}
	if len(others) > 0 {
		c.pre = fmt.Sprintf(textMultiChoice, raw, strings.Join(others, "、"))
	}
	p := c.s.Prompt
	if c.stateless || c.expired {
		hint := textNoSuchOption
		if c.expired {
			hint = "请重新选择："
		}
		return c.showMenu(hint), true, nil
	}
	if p.Kind == "" || (p.Kind == promptRelated && len(p.Options) == 0) {
		if len(c.pending) == 0 && !c.hadForm {
			// No list on screen: the number picks nothing the user saw. (A ticket form's
			// type list was on screen: its number out of range is the menu's, as before.)
			if n := len(c.b.kb.Content().Categories); n > 0 && choiceOver(raw, n) {
				return c.showMenu(fmt.Sprintf(textOutOfRangeMenu, n)), true, nil
			}
			return c.showMenu(textNoListShown), true, nil
		}
		// Sent before the notice above it was seen, or beside a form: the main menu.
		p = c.menuPrompt()
		c.s.Prompt = p
	}
	if n == 0 {
		if p.Kind != promptMenu {
			return c.outOfRange(), true, nil
		}
		r, _ := c.handoff(false)
		return r, true, nil
	}
	if n > len(p.Options) {
		return c.outOfRange(), true, nil
	}
	c.picked = true
	opt := p.Options[n-1]
	if p.Kind == promptMenu {
		r, _ := c.showCategory(opt)
		return r, true, nil
	}
	r, _ := c.answer(opt, nil)
	return r, true, nil
}

var (
	// menuAskRE asks for the menu in a sentence.
	menuAskRE = mustMatcher(`目录|菜单|有什么可以(查|问)|能查(些)?什么|可以查(些)?什么|有哪些服务|有什么服务|功能列表`)
	// mobileOnlyRE is a message that is only a mainland mobile number.
	mobileOnlyRE = regexp.MustCompile(`^(\+?86)?1[3-9][0-9]{9}$`)
	// multiChoiceRE: several numbers at once ("3 和 8"); ordinalRE: "第一个", "选3", "3号".
	multiChoiceRE     = regexp.MustCompile(`^([0-9]{1,2})\s*(?:[,，、和跟及与&+]|还有|\s)\s*([0-9]{1,2}(?:\s*(?:[,，、和跟及与&+]|还有|\s)\s*[0-9]{1,2})*)$`)
	choiceSepRE       = regexp.MustCompile(`\s*(?:[,，、和跟及与&+]|还有|\s)\s*`)
	ordinalRE         = regexp.MustCompile(`^(?:那|那个|那第|还有|再看|再看第)?(?:第|选|选第|要|看|看第|我要|我选)?([0-9]{1,2}|[一二三四五六七八九])(?:个|项|条|题)?(?:吧|呢)?$`)
	choiceRE          = regexp.MustCompile(`^[0-9]{1,3}$`)
	signedOrDecimalRE = regexp.MustCompile(`^[+\-−－]\s*[0-9]+([.．][0-9]+)?$|^[0-9]+[.．][0-9]+$`)
	hanDigits         = "一二三四五六七八九"
)

// choice reads a choice: a positive whole number (full-width digits count) or one of 一…九.
func choice(raw string) (int, bool) {
	if choiceRE.MatchString(raw) {
		n, _ := strconv.Atoi(raw)
		return n, true
	}
	if r := []rune(raw); len(r) == 1 {
		if i := strings.IndexRune(hanDigits, r[0]); i >= 0 {
			return i/len("一") + 1, true
		}
	}
	return 0, false
}

// choiceOver reports whether the choice raw is beyond a list of n.
func choiceOver(raw string, n int) bool {
	k, ok := choice(raw)
	return ok && k > n
}

// outOfRange says which numbers the last list offers, and shows that list again.
func (c *conv) outOfRange() Reply {
	p := c.s.Prompt
	if c.stateless || p.Kind == "" || p.Kind == promptMenu || (p.Kind == promptRelated && len(p.Options) == 0) {
		return c.showMenu(fmt.Sprintf(textOutOfRangeMenu, len(c.b.kb.Content().Categories)))
	}
	hint := fmt.Sprintf(textOutOfRange, len(p.Options))
	if p.Kind == promptCategory {
		if r, ok := c.showCategory(p.Parent); ok {
			r.Text = hint + "\n" + r.Text
			return r
		}
	}
	var qs []string
	for _, id := range p.Options {
		if e, ok := c.b.kb.Content().Entry(id); ok {
			qs = append(qs, e.Question)
		}
	}
	return c.text(numbered(hint, qs, textSuggestFooter))
}

func (c *conv) menuPrompt() prompt {
	var slugs []string
	for _, cat := range c.b.kb.Content().Categories {
		slugs = append(slugs, cat.Slug)
	}
	return prompt{Kind: promptMenu, Options: slugs}
}

func (c *conv) showMenu(hint string) Reply {
	c.s.Prompt = c.menuPrompt()
	t := c.b.menuText()
	if hint != "" {
		t = hint + "\n" + t
	}
	return c.text(t)
}

// categoryListSize is how many questions a category listing shows.
const categoryListSize = 9

func (c *conv) showCategory(slug string) (Reply, bool) {
	cat, ok := c.b.kb.Content().Category(slug)
	if !ok {
		return Reply{}, false
	}
	var ids, qs []string
	for i, e := range cat.Entries {
		if i == categoryListSize {
			break
		}
		ids = append(ids, e.ID)
		qs = append(qs, e.Question)
	}
	c.s.Prompt = prompt{Kind: promptCategory, Options: ids, Parent: slug}
	title := fmt.Sprintf("【%s】%s\n常见问题：", cat.Name, cat.Description)
	return c.text(numbered(title, qs, textCategoryFooter)), true
}

func (c *conv) back() Reply {
	p := c.s.Prompt
	switch {
	case p.Kind == promptRelated && p.Parent != "":
		if r, ok := c.showCategory(p.Parent); ok {
			return r
		}
	case p.Kind == promptMenu:
		return c.showMenu(textNothingToGoUp)
	}
	return c.showMenu("")
}

// answer replies with an entry's answer, its related questions and the feedback prompt.
func (c *conv) answer(id string, alts []string) (Reply, bool) {
	e, ok := c.b.kb.Content().Entry(id)
	if !ok {
		return c.showMenu(textNoSuchOption), true
	}
	c.count(e.Category, statAnswered)
	c.s.LastCategory = e.Category
	c.s.Misses = 0
	c.s.Last = e.ID
	c.s.Alts = alts
	c.s.Topic, c.s.Answered, c.s.Rejected = e.ID, e.ID, ""
	var sb strings.Builder
	head, cut := e.Answer, false
	if !c.stateless {
		head, cut = shortAnswer(e.Answer, answerRunes)
	}
	c.s.Detail = cut
	sb.WriteString(head)
	if cut {
		sb.WriteString("\n")
		sb.WriteString(textMoreDetail)
	}
	var rel, relQ []string
	for _, r := range e.Related {
		if re, ok := c.b.kb.Content().Entry(r); ok && len(rel) < relatedMax {
			rel = append(rel, r)
			relQ = append(relQ, re.Question)
		}
	}
	if len(rel) > 0 && !c.stateless {
		sb.WriteString("\n\n")
		sb.WriteString(numbered(textRelatedTitle, relQ, ""))
		c.s.Prompt = prompt{Kind: promptRelated, Options: rel, Parent: e.Category}
	} else {
		c.s.Prompt = prompt{Kind: promptRelated, Parent: e.Category}
	}
	if e.Urgent && entryUrgent(e.Category, c.userText) {
		c.s.Urgent = true
	}
	if !c.stateless {
		sb.WriteString("\n\n")
		if e.OfferTicket {
			sb.WriteString("问题仍未解决？回复“提交工单”，客服会跟进处理。")
		} else {
			sb.WriteString(textFeedbackAsk)
		}
	}
	return c.text(sb.String()), true
}

var (
	helpfulWords    = []string{"有用", "有帮助", "解决了", "明白了", "懂了", "好的谢谢", "谢谢", "感谢", "多谢", "thx", "thanks", "好的", "ok", "好"}
	notHelpfulWords = []string{"没用", "没帮助", "没有帮助", "没解决", "没有用", "不是这个", "不对", "答非所问", "没看懂", "看不懂", "不行", "还是不行"}
)

func (c *conv) feedback(_ context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if c.s.Last == "" {
		if slices.Contains(helpfulWords, b) {
			return c.text("不客气！还有其他问题可以随时问我。"), true, nil
		}
		return Reply{}, false, nil
	}
	e, _ := c.b.kb.Content().Entry(c.s.Last)
	cat := ""
	if e != nil {
		cat = e.Category
	}
	switch {
	case slices.Contains(helpfulWords, b):
		c.count(cat, statHelpful)
		c.s.Last, c.s.Alts = "", nil
		return c.text(textThanks), true, nil
	case slices.Contains(notHelpfulWords, b) || negativeRE.MatchString(b):
		c.count(cat, statNotHelpful)
		alts := c.s.Alts
		c.s.Last, c.s.Alts = "", nil
		c.s.Rejected = c.s.Answered // what comes next is not answered from its lines
		if len(alts) == 0 {
			c.s.Prompt = prompt{}
			return c.text("抱歉没能帮到您。您可以回复“提交工单”留下问题，由客服跟进处理；" + c.b.humanWhen(c.now)), true, nil
		}
		var qs []string
		for _, id := range alts {
			if a, ok := c.b.kb.Content().Entry(id); ok {
				qs = append(qs, a.Question)
			}
		}
		c.s.Prompt = prompt{Kind: promptSuggest, Options: alts}
		return c.text(numbered(textSorryAlts, qs, "回复数字查看答案。如果都不是，回复“提交工单”由客服跟进；"+c.b.humanWhen(c.now))), true, nil
	}
	return Reply{}, false, nil
}

// faq answers from the knowledge base. A follow-up is searched with the question before it, a
// long message clause by clause; an upset user gets a line of empathy and the offer of a
// person; the same need unmet twice gets a person instead of the same reply.
func (c *conv) faq(ctx context.Context, text string) (Reply, error) {
	// Masked, and bounded: the result cache holds no phone number, and a huge message costs
	// retrieval no more than a long question.
	q := query(c.userText)
	res, err := c.b.kb.Search(ctx, q, 5)
	if err != nil {
		return Reply{}, err
	}
	if res.Smalltalk == "" {
		if res, err = c.withContext(ctx, text, q, res); err != nil {
			return Reply{}, err
		}
		if !c.usedCtx || c.s.LastCategory != "cross-border" {
			res = withinScope(res, text) // a follow-up in a cross-border topic is cross-border
		}
		if res, err = c.crossBorderFirst(ctx, text, q, res); err != nil {
			return Reply{}, err
		}
		if res, err = c.inTopic(ctx, text, q, res); err != nil {
			return Reply{}, err
		}
	}
	c.b.metrics.decisions.WithLabelValues(string(res.Decision)).Inc()
	if id := c.relatedWhen(text); id != "" && c.quoted == "" {
		// "要多久能开通" after the onboarding answer: its related entry about time.
		r, _ := c.answer(id, nil)
		return r, nil
	}
	if c.quoted != "" {
		c.s.Prompt = prompt{}
		c.s.Need = ""
		return c.text(c.quoted), nil
	}
	if res.Smalltalk != "" {
		c.s.Prompt = prompt{}
		return c.text(res.Smalltalk), nil
	}
	mood := upset(text)
	if mood {
		c.pre = textEmpathy + c.pre
	}
	// The same need again: stop repeating, offer a person.
	need := needKey(text)
	top := ""
	if res.Decision != kb.None && len(res.Hits) > 0 {
		top = res.Hits[0].ID
	}
	sameEntry := top != "" && top == c.s.Answered
	if !c.stateless && !mood && c.s.Answered != "" && c.s.Answered != c.s.Rejected && need != c.s.Need &&
		!similar(need, c.s.Need) && utf8.RuneCountInString(need) <= 10 && !whyAskedRE.MatchString(need) {
		// A short question about the answer just given ("重试几次" after the answer on
		// retries, "间隔多久" after the one on callbacks) is answered from its lines, not
		// taken for the same question again, for one the knowledge base has no answer to, or
		// for another entry whose question it fits no better than a line of the answer.
		if q, n := c.quoteLines(c.s.Answered, need); q != "" && (sameEntry || res.Decision == kb.None || !c.usedCtx && c.quoteFits(res, need, n)) {
			c.s.Need = need
			c.s.Repeats = 0
			c.s.Prompt = prompt{}
			return c.text(q), nil
		}
	}
	if !c.stateless && res.Decision != kb.None && need != "" && (need == c.s.Need || sameEntry && (res.Decision == kb.Answer || similar(need, c.s.Need))) {
		c.s.Repeats++
	} else {
		c.s.Repeats = 0
	}
	c.s.Need = need
	c.s.LastQ = c.userText
	if c.s.Repeats > 0 {
		return c.repeated(), nil
	}
	// Inside a fund-safety case, an anti-fraud suggestion is the answer, and what is not
	// understood gets the case's steps.
	if c.s.Case != nil && res.Decision == kb.Suggest && res.Hits[0].Category == "anti-fraud" {
		res.Decision = kb.Answer
	}
	if cs := c.s.Case; cs != nil && cs.Kind != caseRisk && res.Decision != kb.Answer {
		return c.text(c.caseFallback()), nil
	}
	if payerRE.MatchString(text) && !merchantCueRE.MatchString(text) {
		c.s.Payer = true
	} else if merchantCueRE.MatchString(text) {
		c.s.Payer = false
	}
	if res.Decision != kb.None && len(res.Hits) > 0 && c.s.Case == nil &&
		(c.payerGetsMerchantSteps(text, res.Hits[0].ID) || c.s.Payer && elderRE.MatchString(text)) {
		// The entry tells a merchant what to do in the back office, or a long list of checks
		// to a user who says they cannot follow one; the user paid: a payer's few plain lines
		// and a person, not a procedure cut short.
		c.s.Prompt = prompt{}
		c.s.Topic, c.s.TopicQ, c.s.LastCategory = res.Hits[0].ID, c.userText, res.Hits[0].Category
		c.s.Answered, c.s.Detail = "", false
		return c.text(c.payerLines(text)), nil
	}
	var r Reply
	switch res.Decision {
	case kb.Answer:
		var alts []string
		for _, h := range res.Hits[1:] {
			if len(alts) < 3 {
				alts = append(alts, h.ID)
			}
		}
		c.s.TopicQ = c.userText
		if c.ctxQ != "" && c.usedCtx {
			c.s.TopicQ = c.ctxQ // a follow-up: the topic is still the question it followed
		}
		r, _ = c.answer(res.Hits[0].ID, alts)
	case kb.Suggest:
		c.count(res.Hits[0].Category, statSuggested)
		c.s.Misses = 0
		var ids, qs []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
			qs = append(qs, h.Question)
		}
		if c.stateless {
			return c.text(numbered(textSuggestTitle, qs, "请直接发送上面的问题查看答案。")), nil
		}
		if c.s.Answered != "" && c.s.Answered != c.s.Rejected && !mood && utf8.RuneCountInString(bare(text)) <= 10 && slices.ContainsFunc(res.Hits, func(h kb.Hit) bool { return h.ID == c.s.Answered }) {
			// A short question whose list holds the answer just given ("然后呢 从哪扣") is
			// about that answer: its lines that fit, not a list with it again.
			if q, _ := c.quoteLines(c.s.Answered, need); q != "" {
				c.s.Prompt = prompt{}
				return c.text(q), nil
			}
		}
		lead := c.leads(res, text, mood)
		c.s.Prompt = prompt{Kind: promptSuggest, Options: ids}
		c.s.Suggested = c.userText
		c.s.Topic, c.s.TopicQ, c.s.LastCategory = res.Hits[0].ID, c.userText, res.Hits[0].Category
		if lead {
			// An upset user gets an answer first, not a list to choose from: the likeliest
			// entry in brief, the next ones by number, then a person.
			e, ok := c.b.kb.Content().Entry(ids[0])
			if ok {
				short, cut := shortAnswer(e.Answer, repeatRunes)
				c.s.Answered, c.s.Detail = e.ID, cut
				if cut {
					short += "\n" + textMoreDetail
				}
				n := min(len(ids), 3)
				others, otherQs := ids[1:n], qs[1:n]
				if !mood {
					// Entries of other categories beside a lead are noise, not alternatives.
					others, otherQs = nil, nil
					for i, h := range res.Hits[1:] {
						if h.Category == res.Hits[0].Category && len(others) < 2 {
							others, otherQs = append(others, ids[i+1]), append(otherQs, qs[i+1])
						}
					}
					short = fmt.Sprintf(textLeadHead, e.Question) + "\n" + short
				}
				c.s.Prompt = prompt{Kind: promptSuggest, Options: others}
				c.s.Last, c.s.Alts = e.ID, others // "没用" offers the others
				if len(others) == 0 {
					r = c.text(short + "\n\n" + textFeedbackAsk)
					break
				}
				r = c.text(short + "\n\n" + numbered(textUpsetOthers, otherQs, "") + c.humanOffer(mood))
				break
			}
		}
		r = c.text(numbered(textSuggestTitle, qs, textSuggestFooter) + c.humanOffer(mood))
	default:
		r = c.none(res, mood)
	}
	if mood && res.Decision == kb.Answer {
		r.Text += c.humanOffer(true)
	}
	return r, nil
}

// none answers a question the knowledge base has no answer for.
func (c *conv) none(res kb.Result, mood bool) Reply {
	c.count("", statNone)
	c.unknowns = append(c.unknowns, c.userText)
	c.s.Topic = ""
	if res.OutOfScope != "" {
		c.s.Prompt = prompt{}
		return c.text(fmt.Sprintf(textOutOfScope, res.OutOfScope))
	}
	c.s.Misses++
	switch {
	case mood:
		c.s.Prompt = prompt{}
		return c.text(strings.TrimPrefix(c.humanOffer(true), "\n\n"))
	case c.s.Misses == 2:
		c.s.Prompt = prompt{}
		return c.text(c.b.twoMissesText())
	case c.s.Misses > 2:
		c.s.Prompt = prompt{}
		c.s.OfferTicket = true
		return c.text(c.b.manyMissesText(c.now))
	}
	return c.showMenu(textNotUnderstood)
}

// humanOffer is the closing offer of a person: a transfer inside hours, a ticket outside.
func (c *conv) humanOffer(mood bool) string {
	if !mood || c.stateless {
		return ""
	}
	if c.b.hours.open(c.now) {
		return "\n\n" + textOfferHuman
	}
	c.s.OfferTicket = true
	return "\n\n" + fmt.Sprintf(textOfferTicket, c.b.hours.window(c.now), c.b.hours.nextOpen(c.now))
}

// repeated answers a need asked again: a person instead of the same reply.
func (c *conv) repeated() Reply {
	c.s.Prompt = prompt{}
	if c.s.Repeats == 1 {
		s := textRepeatHead + "这个问题可能需要查看您的具体情况（商户编号、交易日期和金额）。"
		if e, ok := c.b.kb.Content().Entry(c.s.Answered); ok {
			// The answer again, in brief, and the question a person would ask next.
			short, _ := shortAnswer(e.Answer, repeatRunes)
			s = textRepeatBrief + "\n" + short + "\n\n"
			if e.Category == "contact" {
				return c.text(strings.TrimSpace(s)) // a number asked again is only the number
			}
			s += textRepeatSpecific
		}
		if c.b.hours.open(c.now) {
			return c.text(s + textOfferHuman)
		}
		c.s.OfferTicket = true
		return c.text(s + fmt.Sprintf(textOfferTicket, c.b.hours.window(c.now), c.b.hours.nextOpen(c.now)))
	}
	c.count("", statHandoff)
	brief := ""
	if e, ok := c.b.kb.Content().Entry(c.s.Answered); ok {
		short, _ := shortAnswer(e.Answer, repeatRunes)
		brief = "\n" + short + "\n"
	}
	if c.b.hours.open(c.now) {
		c.s.Handoff = true
		c.s.Queue = &queue{Since: c.now}
		c.pre = ""
		return c.text(textEmpathy + brief + textRepeatPersonOpen)
	}
	f := c.s.Flow
	if f == nil {
		f = &flow{ID: newToken(), Step: stepType}
		c.s.Flow = f
	}
	f.Paused = false
	c.pre = ""
	return c.text(joinNonEmpty(textEmpathy+fmt.Sprintf(textRepeatPersonClosed, c.b.hours.window(c.now), c.b.hours.nextOpen(c.now), c.b.contact("hotline")), c.flowPrompt()))
}

// needKey is a message reduced to what it asks, to recognise the same question typed again.
func needKey(text string) string {
	k := strings.TrimRight(bare(text), "啊呀吧呢嘛")
	if len([]rune(k)) < 3 {
		return ""
	}
	return k
}

// similar reports whether most of a's characters are in b: the same question reworded
// ("为什么冻结" after "我账户为什么被冻结了").
func similar(a, b string) bool {
	ra := []rune(a)
	if len(ra) == 0 || b == "" {
		return false
	}
	in := 0
	for _, r := range ra {
		if strings.ContainsRune(b, r) {
			in++
		}
	}
	return in*4 >= len(ra)*3
}

// crossBorderCueRE: the message is about cross-border business.
var crossBorderCueRE = mustMatcher(`(?i)跨境|境外|海外|国外|外币|外汇|美元|欧元|港币|日元|usd|eur|结汇|购汇|出口|进口|外贸|海关|国际|汇率|cross`)

// withinScope drops cross-border entries from a result when the message says nothing about
// cross-border business: their texts (foreign-exchange review, cross-border contracts) are wrong
// for a domestic merchant, and "结算周期是多久" is a domestic question. A result led by one is
// demoted to the remaining suggestions, never promoted.
func withinScope(res kb.Result, text string) kb.Result {
	var hits []kb.Hit
	for _, h := range res.Hits {
		if h.Category != "cross-border" {
			hits = append(hits, h)
		}
	}
	// The cue is searched for only when there is something to drop: most results have no
	// cross-border entry, and the cue's alternation is the dearer test.
	if len(hits) == len(res.Hits) || crossBorderCueRE.MatchString(text) {
		return res
	}
	led := res.Hits[0].Category == "cross-border"
	res.Hits = hits
	switch {
	case len(hits) == 0:
		res.Decision = kb.None
	case led && res.Decision != kb.None:
		res.Decision = kb.Suggest
	}
	return res
}

// crossBorderFirst is withinScope's other half: a message about cross-border business that
// retrieval answers with a domestic entry ("跨境收款手续费多少" with the refund-fee answer) is
// searched again within the cross-border category, and a confident answer there is taken.
func (c *conv) crossBorderFirst(ctx context.Context, text, q string, res kb.Result) (kb.Result, error) {
	if len(res.Hits) == 0 || res.Hits[0].Category == "cross-border" || !crossBorderCueRE.MatchString(text) {
		return res, nil
	}
	cat, ok := c.b.kb.Content().Category("cross-border")
	if !ok {
		return res, nil
	}
	in, err := c.b.kb.Search(ctx, query(cat.Name+" "+q), 5)
	if err != nil {
		return res, err
	}
	if in.Decision == kb.Answer && in.Hits[0].Category == "cross-border" {
		return in, nil
	}
	return res, nil
}

// fillerRE: the words around the subject of an elliptical follow-up ("那信用卡呢").
var fillerRE = regexp.MustCompile(`^(那么|那个|那要是|那如果|那|还有|另外|如果|要是)|(也一样|也是|也行|也可以|也能)?(呢|吗|嘛|呀|啊)$`)

// quoteAnswered answers an elliptical follow-up from the answer just shown: the lines of it
// that name the follow-up's subject ("信用卡" in "那信用卡呢" after the refund-time answer).
func (c *conv) quoteAnswered(b string) string {
	if c.s.Answered == "" || !followUpRE.MatchString(b) {
		return ""
	}
	term := fillerRE.ReplaceAllString(fillerRE.ReplaceAllString(b, ""), "")
	if n := utf8.RuneCountInString(term); n < 2 || n > 6 {
		return ""
	}
	e, ok := c.b.kb.Content().Entry(c.s.Answered)
	if !ok {
		return ""
	}
	var lines []string
	for _, l := range strings.Split(e.Answer, "\n") {
		if strings.Contains(l, term) {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 || !answersKind(b, lines) {
		return ""
	}
	return quoted(lines)
}

// followUpRE: a message that leans on the one before ("那信用卡呢", "那个多久", "周末也到吗").
var followUpRE = mustMatcher(`^(那|那个|那要是|那如果|还有|另外|如果|要是)|呢$|也(到|能|可以|行)|这个|那个`)

// withContext improves a search with the conversation: a follow-up is searched together with
// the question before it, and a long message clause by clause (its main topic is the clause
// retrieval is surest about).
func (c *conv) withContext(ctx context.Context, text, q string, res kb.Result) (kb.Result, error) {
	b := bare(text)
	// A question of a few characters ("能降吗", "要多久") has no subject of its own.
	bareQ := len([]rune(b)) <= bareQuestionRunes
	topical := c.topicFits(res, b)
	if c.s.Topic != "" && c.s.Topic != topicOther && c.s.TopicQ != "" && len([]rune(b)) <= 16 &&
		(followUpRE.MatchString(b) || res.Decision != kb.Answer || bareQ || topical) {
		if q := c.quoteAnswered(b); q != "" {
			c.quoted = q
			return res, nil
		}
		combined := query(c.s.TopicQ) + " " + q
		both, err := c.b.kb.Search(ctx, combined, 5)
		if err != nil {
			return res, err
		}
		c.ctxQ = combined
		ellipsis := followUpRE.MatchString(b)
		if both.Decision != kb.None && ellipsis && both.Hits[0].Category == c.s.LastCategory && both.Hits[0].ID != c.s.Answered &&
			(res.Decision == kb.None || len(res.Hits) > 0 && res.Hits[0].Category != c.s.LastCategory) {
			// "那信用卡呢" after a refund question is about refunds, whatever "信用卡" alone finds.
			both.Decision, both.Smalltalk, both.OutOfScope = kb.Answer, "", ""
			c.usedCtx = true
			return both, nil
		}
		if both.Decision == kb.Answer && both.Hits[0].ID != c.s.Answered &&
			(res.Decision != kb.Answer || (followUpRE.MatchString(b) || bareQ) && both.Hits[0].Category == c.s.LastCategory) {
			both.Smalltalk, both.OutOfScope = "", ""
			c.usedCtx = true
			return both, nil
		}
		// Both searches offer the same entry of the topic's category first, or an elliptical
		// follow-up ("那周末收的钱呢") is unsure between entries led by one of the topic's
		// category: that is the answer.
		if res.Decision == kb.Suggest && len(both.Hits) > 0 && (both.Hits[0].ID == res.Hits[0].ID || ellipsis) &&
			res.Hits[0].Category == c.s.LastCategory && res.Hits[0].ID != c.s.Answered {
			res.Decision = kb.Answer
			c.usedCtx = true
			return res, nil
		}
		// A short question with no topic of its own ("到账要几天", "需要准备什么资料" after a
		// cross-border answer) is asked within the topic's category, also when retrieval is
		// sure of it alone (topical).
		// One whose own search is sure of another category ("发票怎么开") has a topic.
		// One whose own search leads with the answer just given ("要返回什么" after the answer
		// on repeated callbacks) is about that answer (faq quotes its lines).
		ownTopic := len(res.Hits) > 0 && res.Hits[0].Category != c.s.LastCategory && res.Hits[0].Confidence >= 0.9
		onAnswer := len(res.Hits) > 0 && res.Hits[0].ID == c.s.Answered
		if cat, ok := c.b.kb.Content().Category(c.s.LastCategory); ok && (res.Decision == kb.Suggest && !ownTopic && !onAnswer || topical) && len([]rune(b)) <= 10 {
			in, err := c.b.kb.Search(ctx, query(cat.Name+" "+q), 5)
			if err != nil {
				return res, err
			}
			// The answer just given, found again, is no answer to a question after it: the
			// next entry is, when the search is as sure of it and the question found it on its
			// own ("要冻几天" after the answer on frozen funds: how long unfreezing takes).
			if in.Decision == kb.Answer && len(in.Hits) > 1 && in.Hits[0].ID == c.s.Answered &&
				in.Hits[1].Confidence >= leadConfidence && hasHit(res, in.Hits[1].ID) {
				in.Hits = append([]kb.Hit{in.Hits[1], in.Hits[0]}, in.Hits[2:]...)
			}
			// The category's name alone can lead the search ("接口对接与错误码 间隔多久" finds
			// the entry on error codes): its entry must be one the question found on its own or
			// share some of its words.
			if in.Decision == kb.Answer && in.Hits[0].Category == c.s.LastCategory && in.Hits[0].ID != c.s.Answered &&
				(hasHit(res, in.Hits[0].ID) || shared(keyChars(b), in.Hits[0].Question) >= 2) {
				in.Smalltalk, in.OutOfScope = "", ""
				c.ctxQ = cat.Name + " " + q
				c.usedCtx = true
				return in, nil
			}
		}
	}
	if len([]rune(q)) < 20 || (res.Decision == kb.Answer && len([]rune(q)) < 40) {
		return res, nil
	}
	// A long message: its main topic is the clause retrieval is surest about, money first.
	type pick struct {
		r     kb.Result
		conf  float64
		money bool
	}
	var best *pick
	for i, cl := range clauses(c.userText) {
		if i == 10 {
			break
		}
		r, err := c.b.kb.Search(ctx, query(cl), 5)
		if err != nil {
			return res, err
		}
		if r.Decision != kb.Answer {
			continue
		}
		p := &pick{r: r, conf: r.Hits[0].Confidence, money: moneyRE.MatchString(cl)}
		if best == nil || p.money && !best.money || p.money == best.money && p.conf > best.conf {
			best = p
		}
	}
	if best != nil && best.money {
		return best.r, nil
	}
	// No clause is sure: search the clauses about money together; a list about the money beats
	// a confident answer about something said in passing.
	var money []string
	for _, cl := range clauses(c.userText) {
		if moneyRE.MatchString(cl) {
			money = append(money, cl)
		}
	}
	if len(money) > 0 {
		m, err := c.b.kb.Search(ctx, query(strings.Join(money, " ")), 5)
		if err != nil {
			return res, err
		}
		m = withinScope(m, text)
		if m.Decision == kb.None && len(m.Hits) > 0 && moneyCategories[m.Hits[0].Category] {
			m.Decision = kb.Suggest // unsure, but about the money: a list, not a wrong answer
		}
		if m.Decision == kb.Answer || m.Decision == kb.Suggest && (res.Decision != kb.Answer || !moneyCategories[res.Hits[0].Category]) {
			return m, nil
		}
	}
	if best != nil && res.Decision != kb.Answer {
		return best.r, nil
	}
	return res, nil
}

// inTopic keeps a short follow-up that retrieval is unsure of inside the conversation's topic:
// a list is cut to the entries of the topic's category, and a question found nowhere is
// searched within it. A list across topics ("要多久" after a pending payment: maintenance,
// tickets, refunds) or the menu is no answer to a follow-up.
func (c *conv) inTopic(ctx context.Context, text, q string, res kb.Result) (kb.Result, error) {
	cat, ok := c.b.kb.Content().Category(c.s.LastCategory)
	if c.stateless || !ok || c.s.Topic == "" || c.s.Topic == topicOther || res.Decision == kb.Answer ||
		res.OutOfScope != "" || res.Smalltalk != "" || utf8.RuneCountInString(bare(text)) > topicRunes {
		return res, nil
	}
	inCat := func(hs []kb.Hit) []kb.Hit {
		var out []kb.Hit
		for _, h := range hs {
			if h.Category == c.s.LastCategory && h.ID != c.s.Answered {
				out = append(out, h)
			}
		}
		return out
	}
	if res.Decision == kb.Suggest {
		// A list that holds the answer just given is about it (faq quotes its lines), and one
		// all inside the topic is the topic's already.
		// So is a question the answer's own lines answer ("间隔多久" after the one on callbacks).
		if q, _ := c.quoteLines(c.s.Answered, needKey(text)); q != "" {
			return res, nil
		}
		if hasHit(res, c.s.Answered) || !slices.ContainsFunc(res.Hits, func(h kb.Hit) bool { return h.Category != c.s.LastCategory }) {
			return res, nil
		}
		if hs := inCat(res.Hits); len(hs) > 0 {
			res.Hits = hs
			c.usedCtx = true
			return res, nil
		}
	}
	in, err := c.b.kb.Search(ctx, query(cat.Name+" "+c.s.TopicQ+" "+q), 5)
	if err != nil {
		return res, err
	}
	// A question with a few characters of its own ("得等多久") is the topic's; one with more must
	// share them with the entry found.
	keys := keyChars(bare(text))
	if hs := inCat(in.Hits); len(hs) > 0 && in.Decision != kb.None && (len(keys) <= 3 || shared(keys, hs[0].Question) >= 2) {
		in.Hits, in.Decision, in.Smalltalk, in.OutOfScope = hs, kb.Suggest, "", ""
		c.usedCtx = true
		return in, nil
	}
	return res, nil
}

// topicRunes is the longest message taken as a follow-up that may lean on the topic.
const topicRunes = 14

// topicFits reports whether a short message that retrieval answers in another category than
// the conversation's names no subject of its own: an entry of the topic's category among the
// hits fits its words at least as well as the answer's ("一般多久到账" after a cross-border
// answer is "跨境收款一般多久到账", not domestic settlement; "结算一般多久到账" and "发票怎么开"
// are not).
func (c *conv) topicFits(res kb.Result, b string) bool {
	if res.Decision != kb.Answer || c.s.LastCategory == "" || utf8.RuneCountInString(b) > 10 ||
		len(res.Hits) == 0 || res.Hits[0].Category == c.s.LastCategory {
		return false
	}
	keys := keyChars(b)
	own := shared(keys, res.Hits[0].Question)
	for _, h := range res.Hits[1:] {
		if h.Category == c.s.LastCategory && h.ID != c.s.Answered {
			if n := shared(keys, h.Question); n >= 2 && n >= own {
				return true
			}
		}
	}
	return false
}

// hasHit reports whether the entry id is among res's hits.
func hasHit(res kb.Result, id string) bool {
	return slices.ContainsFunc(res.Hits, func(h kb.Hit) bool { return h.ID == id })
}

// bareQuestionRunes is the longest question taken to have no subject of its own.
const bareQuestionRunes = 4

// moneyRE: a clause about the user's money, the core of a payment company's service.
var moneyRE = mustMatcher(`钱|款|到账|结算|退款|扣|冻结|提现|余额|流水|打到|没收到|银行卡`)

// moneyCategories are the categories about the user's money.
var moneyCategories = map[string]bool{"settlement": true, "refund": true, "risk-limits": true, "txn-status": true, "fees": true}

// clauses cuts a message at punctuation and spaces into the parts worth searching.
func clauses(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	var out []string
	for _, p := range parts {
		if len([]rune(p)) >= 4 {
			out = append(out, p)
		}
	}
	return out
}

// Acknowledgements and closings made of several pieces ("行 我下午再看看", "ok 多谢",
// "没事了 睡了 拜拜"): each piece is an okay, a thanks or a goodbye, and the message is the
// strongest of them.

// closingKind is what a message made only of acknowledgements says.
type closingKind int

const (
	notClosing closingKind = iota
	closingOK
	closingPlan // an okay that says what the user goes to do ("我去看下文档")
	closingThanks
	closingBye
)

var (
	// pieceByeRE, pieceThanksRE and pieceOKRE match one bare piece of a message.
	pieceByeRE    = regexp.MustCompile(`^(先|那|好的?|我)?(再见|拜拜|拜|88|886|回头见|回见|晚安|睡了|下了|走了|撤了|去忙了|忙去了|bye|byebye|goodbye|seeya|seeyou|cya|goodnight)(啦|了|哈|咯|喽|呀)*$`)
	pieceThanksRE = regexp.MustCompile(`^(好的?|行|嗯+|哦+|ok|明白了?|知道了|收到)?(真是|真的)?(太|非常|十分|万分)?(谢谢|谢啦|谢了|多谢|感谢|感恩|辛苦|thank|thx|thanks|ty|tks|3q)`)
	pieceOKRE     = regexp.MustCompile(`^(好的?|好吧|好嘞|好滴|好哒|行吧?|行行|成|可以了?|嗯+|嗯呢|哦+|噢+|喔+|哈+|呵+|额|ok(ay)?|okk|k|知道了?|知道啦|明白了?|明白啦|了解了?|收到了?|懂了|懂啦|是的|对的?|记下了|记住了|记好了|我记下了|我记住了|原来如此|这样啊|原来是这样|没事了?|没问题|那好吧|那行|行了|先这样吧?|那先这样|就这样吧?|我(下午|晚上|晚点|晚些|等会|待会|明天|回头|改天|过会|稍后|一会)?再(看看|试试|说|问|找你|联系|打|弄|来)|我先(看看|试试|去看看|去试试|去弄|去查查)|(我|那我)?(再)?(考虑|想想|琢磨|合计)(一下|下|考虑)?|(那)?(明天|改天|下次|回头|晚点|以后|等会|过会|有空)再(说|问|聊|联系|来|看|找你?)|我去(看看|试试|查查)|gotit|fine|cool|sure|alright|noted|great|good|nice|perfect|understood|iseeyou|isee|yes|yep|yeah)(的|啦|了|哈|呀|哦|吧|呢|啊)*$`)
	// pieceGoRE: the user goes off to do something ("我去看下文档", "那我先去后台找找").
	pieceGoRE = regexp.MustCompile(`^(那)?(我|我们)?(先|再|这就|马上|等下|回头)?去(看|查|试|问|翻|找|弄|研究|对|核对|改|后台|文档|官网)[^0-9]{0,8}$`)
	// englishClosingRE is an English message made only of okays, thanks and goodbyes (bare).
	englishClosingRE = regexp.MustCompile(`^(ok|okay|okk|k|gotit|got|it|thanks?|thankyou|you|thx|ty|tks|alot|somuch|very|much|fine|cool|great|good|nice|noted|understood|perfect|sure|alright|allright|yes|yep|yeah|isee|bye|byebye|goodbye|seeyou|seeya|later|goodnight|have|a|niceday|gooday|day|and|so|pls|please|no|problem|np|appreciate|appreciated)+$`)
	// fillerPiece are words that may stand between the others ("谢谢 老板", "好的 亲").
	fillerPieces = []string{"老板", "亲", "孩子", "小姐姐", "客服", "你", "您", "你们", "那", "啊", "哈", "呀", "哦", "the", "and", "a", "lot", "so", "much", "very", "you", "pls", "please", "ok"}
)

// closingOf reads a message made only of okays, thanks and goodbyes; stickers and emoji may
// stand between them.
func closingOf(raw string) closingKind {
	if len(raw) > 90 {
		return notClosing // thirty-odd characters of okays is already a lot
	}
	if isEnglish(raw) {
		// English runs its words together once bare: "got it thx", "ok bye".
		b := bare(stickerRE.ReplaceAllString(raw, ""))
		switch {
		case !englishClosingRE.MatchString(b):
		case strings.Contains(b, "bye") || strings.Contains(b, "seeyou") || strings.Contains(b, "goodnight"):
			return closingBye
		case strings.Contains(b, "thank") || strings.Contains(b, "thx") || strings.HasSuffix(b, "ty"):
			return closingThanks
		default:
			return closingOK
		}
	}
	text := raw
	if strings.Contains(raw, "[") {
		text = stickerRE.ReplaceAllString(raw, " ")
	}
	pieces := strings.FieldsFunc(foldASCII(text), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	kind := notClosing
	for _, p := range pieces {
		p = bare(p)
		if p == "" || slices.Contains(fillerPieces, p) {
			continue
		}
		var k closingKind
		switch {
		case pieceByeRE.MatchString(p):
			k = closingBye
		case pieceThanksRE.MatchString(p) && utf8.RuneCountInString(p) <= 10:
			k = closingThanks
		case pieceOKRE.MatchString(p):
			k = closingOK
		case pieceGoRE.MatchString(p) && !strings.ContainsAny(p, "哪吗么啥呢谁几"):
			k = closingPlan
		default:
			return notClosing
		}
		kind = max(kind, k)
	}
	return kind
}

// closing answers a message made only of acknowledgements with a short line and no menu; a
// ticket filed in the conversation is named, so the user knows it is still followed.
func (c *conv) closing(ctx context.Context, text string) (Reply, bool, error) {
	kind := closingOf(text)
	if kind == notClosing {
		return Reply{}, false, nil
	}
	// A bare "ok" is English only in an English conversation.
	en := isEnglish(text) && (c.wasEnglish || utf8.RuneCountInString(bare(text)) > 3)
	c.s.Prompt = prompt{}
	c.s.OfferTicket = false
	line := ""
	switch {
	case kind == closingBye && en:
		line = textEnglishBye
	case kind == closingBye:
		line = textBye
	case kind == closingThanks && en:
		line = textEnglishThanks
	case kind == closingThanks:
		line = textYoureWelcome
	case en:
		line = textEnglishOK
	case kind == closingPlan:
		line = textPlanAck
	default:
		line = textOK
	}
	no, err := c.activeTicket(ctx)
	if err != nil {
		return Reply{}, true, err
	}
	if no != "" {
		if en {
			line += fmt.Sprintf(textEnglishTicketOpen, no)
		} else {
			line = fmt.Sprintf(textAckTicket, strings.TrimSuffix(line, "。"), no)
		}
	}
	if kind == closingBye {
		c.s.Repeats, c.s.Need = 0, ""
		return c.text(line), true, nil
	}
	return c.ack(line), true, nil
}

// activeTicket is openTicket while it is still being handled: a resolved ticket is not
// "followed up".
func (c *conv) activeTicket(ctx context.Context) (string, error) {
	no := c.openTicket()
	if no == "" || c.stateless {
		return "", nil
	}
	t, err := c.b.st.ticket(ctx, no)
	if errors.Is(err, ErrNoTicket) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if t.Status.done() {
		return "", nil
	}
	return no, nil
}

// openTicket is the ticket filed in this conversation (a fund-safety case's first), if any.
func (c *conv) openTicket() string {
	if cs := c.s.Case; cs != nil && cs.Ticket != "" {
		return cs.Ticket
	}
	return c.s.Ticket
}

// How much of an answer a reply shows: a phone screen's worth, the rest on "详细".
const (
	answerRunes = 200 // an answer longer than this is cut at a line
	repeatRunes = 90  // the brief answer given when a question is asked again
	relatedMax  = 2   // related questions listed under an answer
)

// shortAnswer returns the first lines of answer that fit in about limit runes (at least one
// line) and whether lines were left out. A rest too short to be worth a "详细" is kept.
func shortAnswer(answer string, limit int) (string, bool) {
	total := utf8.RuneCountInString(answer)
	if total <= limit {
		return answer, false
	}
	lines := strings.Split(answer, "\n")
	n, said := 0, 0
	for i, l := range lines {
		n += utf8.RuneCountInString(l) + 1
		if i > 0 && n > limit && said >= minShownLines {
			// A line that introduces what follows ("建议：") goes with what it introduces.
			for i > 1 && strings.HasSuffix(strings.TrimSpace(lines[i-1]), "：") || i > 1 && strings.HasSuffix(strings.TrimSpace(lines[i-1]), ":") {
				i--
			}
			head := strings.Join(lines[:i], "\n")
			if total-utf8.RuneCountInString(head) < minRestRunes {
				return answer, false
			}
			return head, true
		}
		if t := strings.TrimSpace(l); t != "" && !strings.HasSuffix(t, "：") && !strings.HasSuffix(t, ":") {
			said++
		}
	}
	return answer, false
}

// minShownLines is the least number of lines that say something (not a heading like "建议：")
// a cut answer shows: a reply of one step, or of a heading and "回复'详细'", answers nothing.
const minShownLines = 3

// minRestRunes is the least an answer's rest must hold to be worth a "详细" round trip.
const minRestRunes = 80

// detail shows the rest of an answer that was cut.
func (c *conv) detail() Reply {
	c.s.Detail = false
	e, ok := c.b.kb.Content().Entry(c.s.Answered)
	if !ok {
		return c.text(textContinueNone)
	}
	head, _ := shortAnswer(e.Answer, answerRunes)
	rest := strings.TrimLeft(strings.TrimPrefix(e.Answer, head), "\n")
	if strings.TrimSpace(rest) == "" {
		// The answer was shown whole after all: what comes next, not an empty reply.
		return c.text(strings.TrimPrefix(c.nextSteps(e), "\n"))
	}
	return c.text(rest + "\n\n" + textFeedbackAsk)
}

var (
	// detailRE, nextRE, whyAskRE: a bare follow-up that asks for more of the answer just given,
	// what comes next, or why.
	detailRE = regexp.MustCompile(`^(more|details?|moredetails?|tellmemore|showmore|continue|full)$|^(请|麻烦)?(详细|具体|完整)(点|一点|些|一些|说说|说明|步骤|讲讲|内容)?(呢|吧|啊)?$|^(展开|全部|看全部|看详细|详情)$`)
	nextRE   = regexp.MustCompile(`^(那)?(然后|接下来|之后|下一步|后面|再然后|还有|还有别的|还有其他的?|其他的?|别的)(呢|吗|嘛|怎么办|怎么弄|怎么做|咋办|干嘛|做什么)?$|^然后$`)
	whyAskRE = regexp.MustCompile(`^(那|可是|但是)?(为什么|为啥|为何|啥原因|什么原因|怎么会这样|怎么会|咋回事|原因呢|原因是什么)(呢|啊|呀|吗)?$`)
	// stillRE: the steps just given did not work ("那怎么办 还是进不去"): the rest of them, then
	// a ticket or a person.
	stillRE = regexp.MustCompile(`^.{0,6}(还是|仍然|依然|照样|都试了|试了)(不行|没用|不管用|进不去|登不上|登不进去|打不开|失败|不能用|一样)(啊|呀|呢|怎么办)?$`)
	// reasonRE marks the lines of an answer that give causes.
	reasonRE = mustMatcher(`原因|因为|由于|多为|多是|通常是|一般是|可能是|可能|导致`)
)

// followUp answers "详细", "然后呢", "还有呢" and "为什么" from the answer just given, instead of
// searching two words on their own.
func (c *conv) followUp(_ context.Context, text string) (Reply, bool, error) {
	if c.s.Answered == "" || c.stateless {
		return Reply{}, false, nil
	}
	b := bare(text)
	e, ok := c.b.kb.Content().Entry(c.s.Answered)
	if !ok {
		return Reply{}, false, nil
	}
	switch {
	case detailRE.MatchString(b) || (nextRE.MatchString(b) || stillRE.MatchString(b)) && c.s.Detail:
		if c.s.Detail {
			return c.detail(), true, nil
		}
		if detailRE.MatchString(b) {
			return c.text(textDetailNone + c.nextSteps(e)), true, nil
		}
	case nextRE.MatchString(b) || stillRE.MatchString(b):
		return c.text(strings.TrimPrefix(c.nextSteps(e), "\n")), true, nil
	case whyAskRE.MatchString(b):
		var lines []string
		for _, l := range strings.Split(e.Answer, "\n") {
			if reasonRE.MatchString(l) {
				lines = append(lines, l)
			}
		}
		c.s.Prompt = prompt{}
		if len(lines) > 0 {
			return c.text(textWhyLines + "\n" + strings.Join(lines, "\n") + "\n\n" + textWhyUnknown + c.ticketOrHuman()), true, nil
		}
		return c.text(textWhyUnknown + c.ticketOrHuman()), true, nil
	}
	return Reply{}, false, nil
}

// nextSteps is what follows an answer: its related questions, then a ticket or a person.
func (c *conv) nextSteps(e *kb.Entry) string {
	var ids, qs []string
	for _, r := range e.Related {
		if re, ok := c.b.kb.Content().Entry(r); ok && len(ids) < 3 {
			ids = append(ids, r)
			qs = append(qs, re.Question)
		}
	}
	s := "\n"
	if len(ids) > 0 {
		c.s.Prompt = prompt{Kind: promptRelated, Options: ids, Parent: e.Category}
		s += numbered(textNextRelated, qs, "") + "\n\n"
	} else {
		c.s.Prompt = prompt{}
	}
	return s + strings.TrimPrefix(c.ticketOrHuman(), "\n")
}

// ticketOrHuman offers a ticket, and a person inside hours.
func (c *conv) ticketOrHuman() string {
	c.s.OfferTicket = true
	return "\n" + textNextOffer + c.b.humanWhen(c.now)
}

// quoteLines returns the lines of an entry's answer that share the most characters with a
// short question about it, under a line that says where they come from, and how many
// characters they share; "" when no line shares two.
func (c *conv) quoteLines(id, need string) (string, int) {
	e, ok := c.b.kb.Content().Entry(id)
	if !ok {
		return "", 0
	}
	keys := keyChars(need)
	// Every line that ties for the most shared characters: "国庆也一样吗" after the holiday
	// answer is about each settlement cycle's line, not the shortest of them.
	var best []string
	bestScore := 1
	for _, l := range strings.Split(e.Answer, "\n") {
		n := shared(keys, l)
		switch {
		case n > bestScore:
			best, bestScore = []string{l}, n
		case n == bestScore && len(best) > 0 && len(best) < 3:
			best = append(best, l)
		}
	}
	if len(best) == 0 || !answersKind(need+" "+c.userText, best) {
		return "", 0
	}
	return quoted(best), bestScore
}

// quoted is lines of an answer given again as a reply of their own: without the numbers of the
// list they stood in.
func quoted(lines []string) string {
	var out []string
	for _, l := range lines {
		l = listNoRE.ReplaceAllString(strings.TrimSpace(l), "")
		if strings.HasSuffix(l, "：") || strings.HasSuffix(l, ":") {
			// "…等。建议您：" introduces steps not quoted: the heading goes.
			i := strings.LastIndex(l, "。")
			if i < 0 {
				continue
			}
			l = l[:i+len("。")]
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// listNoRE is the number of a list item ("2. ", "（3）").
var listNoRE = regexp.MustCompile(`^(\d{1,2}[.、．)）]\s*|[（(]\d{1,2}[)）]\s*|[-•·]\s*)`)

var (
	// howLongRE asks for a time ("多久能收到", "几天到账"); timeSaidRE says one.
	howLongRE  = mustMatcher(`多久|多长时间|几天|几个小时|什么时候|啥时候|何时|时效`)
	timeSaidRE = mustMatcher(`为准|不固定|没有统一|取决于|视.{1,8}而定|\d|[一二三四五六七八九十两半]个?(天|小时|分钟|工作日|月|周)|实时|即时|立即|马上|当天|当日|次日|隔天|工作日|T\+|D0|D1`)
	// howMuchRE asks for an amount or a rate; amountSaidRE says one.
	howMuchRE    = mustMatcher(`多少钱|费率|手续费多少|多少|限额`)
	amountSaidRE = mustMatcher(`\d|%|元|费率|限额|免费|不收`)
)

// answersKind reports whether lines can answer the kind of question need is: a question of
// how long wants a time in them, one of how much an amount. Lines that only share its words
// ("退款" in the line on expired refunds, for "退回去多久能收到") answer nothing.
func answersKind(need string, lines []string) bool {
	text := strings.Join(lines, "\n")
	switch {
	case howLongRE.MatchString(need):
		return timeSaidRE.MatchString(text)
	case howMuchRE.MatchString(need):
		return amountSaidRE.MatchString(text)
	}
	return true
}

// quoteFits reports whether lines of the answer just given that share n characters with a
// short question fit it better than the entry retrieval found on its own: as well as a list's
// first entry, better than an answer's.
func (c *conv) quoteFits(res kb.Result, need string, n int) bool {
	if len(res.Hits) == 0 {
		return true
	}
	fit := shared(keyChars(need), res.Hits[0].Question)
	if res.Decision == kb.Answer {
		return n > fit
	}
	return n >= fit
}

// keyChars are the characters of a question that can tie it to a text: Chinese characters
// other than the commonest ones of any question, each once.
func keyChars(s string) []rune {
	var keys []rune
	for _, r := range s {
		if unicode.Is(unicode.Han, r) && !strings.ContainsRune(stopChars, r) && !slices.Contains(keys, r) {
			keys = append(keys, r)
		}
	}
	return keys
}

// shared counts the keys that occur in s.
func shared(keys []rune, s string) int {
	n := 0
	for _, r := range keys {
		if strings.ContainsRune(s, r) {
			n++
		}
	}
	return n
}

// whyAskedRE: a question about causes, which the answer's lines do not settle for this user.
var whyAskedRE = mustMatcher(`为什么|为啥|凭什么|怎么会|什么原因|啥原因`)

// stopChars are characters too common in questions to tie one to a line of an answer.
const stopChars = "的了吗呢吧啊呀么是我你们他她它这那个几多少怎什要会能可以有没不在和与就都也还请"

// noTicketOnFile stands for the ticket in Rate when the user said a ticket was solved and none
// of theirs was found: the score is thanked for and kept nowhere.
const noTicketOnFile = "-"

var (
	// solvedRE: the user says a problem was solved; notSolvedRE takes it back ("还没解决").
	solvedRE = mustMatcher(`解决了|处理好了|处理完了|处理完毕|已经处理|已处理|搞定了|弄好了|修好了|恢复了|好了|钱到了|到账了|退回来了|已退回|收到钱了|收到退款`)
	// solvedStrongRE is solvedRE without the bare "好了" of an okay.
	solvedStrongRE = mustMatcher(`解决了|处理好了|处理完了|处理完毕|已经处理|已处理|搞定了|弄好了|修好了|改好了|办好了|恢复了|钱到了|到账了|退回来了|已退回|收到钱了|收到退款`)
	// staffDidRE: the user credits 易联's people with the fix.
	staffDidRE  = mustMatcher(`(客服|你们的人|工作人员|专员|小姐姐|小哥).{0,6}(帮|给)(我|俺)`)
	notSolvedRE = mustMatcher(`没|未|不|吗|么|怎么|为什么|骗|盗|冻结|[?？]`)
	// ticketRefRE: the message is about a ticket or a complaint.
	ticketRefRE = mustMatcher(`(?i)工单|投诉|单子|gd\d`)
	// slowRE: the user says it took too long.
	slowRE = mustMatcher(`慢|太久|好久|拖了|等了`)
)

// solvedReport answers a user who says their ticket was solved: thanks, an apology if it
// was slow, and the satisfaction question, asked once; the next message may be the score.
func (c *conv) solvedReport(ctx context.Context, text string) (Reply, bool, error) {
	if c.stateless || c.inFlow() || c.csat != "" {
		return Reply{}, false, nil
	}
	b := bare(text)
	talk := c.s.TicketTalk
	c.s.TicketTalk = false
	// About a ticket: it says so, it follows a lookup, or it credits the staff ("客服帮我改好了").
	// Without the word, a plain "好了" is not enough.
	// A ticket filed in this conversation is what "问题解决了" is about.
	about := ticketRefRE.MatchString(b) || (talk || staffDidRE.MatchString(b) || c.openTicket() != "") && solvedStrongRE.MatchString(b)
	if !about || !solvedRE.MatchString(b) || notSolvedRE.MatchString(b) || utf8.RuneCountInString(b) > 60 {
		return Reply{}, false, nil
	}
	no, err := c.solvedTicket(ctx, text)
	if err != nil {
		return Reply{}, true, err
	}
	c.s.Rate = no
	c.s.CSATRetry = false
	c.s.Prompt = prompt{}
	c.s.Last, c.s.Alts = "", nil
	line := textSolvedThanks
	if slowRE.MatchString(b) {
		line = textSolvedSlow
	}
	return c.text(line + textScoreAsk), true, nil
}

// solvedTicket is the user's ticket a solved report is about: the number in it, the one
// filed in this conversation, or the latest; noTicketOnFile when there is none.
func (c *conv) solvedTicket(ctx context.Context, text string) (string, error) {
	if no := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(looseTicketNoRE.FindString(foldASCII(text)))); no != "" {
		t, err := c.b.st.ticket(ctx, no)
		if err != nil && !errors.Is(err, ErrNoTicket) {
			return "", err
		}
		if err == nil && t.OpenID == c.m.OpenID {
			return t.No, nil
		}
		return noTicketOnFile, nil // another user's number is answered like an unknown one
	}
	if no := c.openTicket(); no != "" {
		return no, nil
	}
	ts, err := c.b.st.userTickets(ctx, c.m.OpenID, 1)
	if err != nil {
		return "", err
	}
	if len(ts) > 0 {
		return ts[0].No, nil
	}
	return noTicketOnFile, nil
}

var (
	// What an English message asks for, matched on its lower-case words.
	enHandoffRE = regexp.MustCompile(`\b(transfer|human|agent|real person|someone|somebody|operator|representative|staff|talk to|speak to|speak with|talk with|live chat)\b`)
	enTicketRE  = regexp.MustCompile(`\b(ticket|complain|complaint|work order|file a|report a problem|case number)\b`)
	enPhoneRE   = regexp.MustCompile(`\b(phone|hotline|call|number|contact)\b`)
	enAbroadRE  = regexp.MustCompile(`\b(overseas|abroad|outside( of)? (mainland )?china|foreign country|international|usa|america|europe|hong kong|singapore|japan|korea|malaysia|thailand|vietnam|australia|canada|germany|france|dubai)\b`)
	enEnglishRE = regexp.MustCompile(`\benglish\b`)
	enHoursRE   = regexp.MustCompile(`\b(what time|opening hours|service hours|business hours|when (are|do) you|open now|hours)\b`)
)

// englishIntent answers English that asks for a person, a ticket, the hotline, the hours or
// help in English, in English, and points to the right help.
func (c *conv) englishIntent(_ context.Context, text string) (Reply, bool, error) {
	if !isEnglish(text) {
		return Reply{}, false, nil
	}
	low := strings.ToLower(foldASCII(text))
	open := c.b.hours.open(c.now)
	hours := c.b.hours.window(c.now)
	hotline := c.b.contact("hotline")
	switch {
	case enTicketRE.MatchString(low):
		// The type step is skipped (its choices are in Chinese): the English line asks for
		// the merchant number, which is the next step.
		c.count("", statHandoff)
		typ := TypeMerchant
		if strings.Contains(low, "complain") {
			typ = TypeComplaint
		}
		return c.startFlow(textEnglishTicket, typ), true, nil
	case enHandoffRE.MatchString(low):
		c.count("", statHandoff)
		c.s.Prompt = prompt{}
		if open && !c.stateless {
			c.s.Handoff = true
			c.s.Queue = &queue{Since: c.now}
			return c.text(textEnglishHandoffOpen), true, nil
		}
		c.s.OfferTicket = !c.stateless
		return c.text(fmt.Sprintf(textEnglishHandoffClosed, hours, hotline) + textEnglishTicketHint), true, nil
	case enAbroadRE.MatchString(low) && (enPhoneRE.MatchString(low) || strings.Contains(low, "reach")):
		c.s.Prompt = prompt{}
		c.s.OfferTicket = !c.stateless
		return c.text(fmt.Sprintf(textEnglishAbroad, hotline, hours) + textEnglishTicketHint), true, nil
	case enPhoneRE.MatchString(low) || enHoursRE.MatchString(low):
		c.s.Prompt = prompt{}
		if cb := c.b.contact("cross_border_hours"); cb != "" && (c.s.LastCategory == "cross-border" || enAbroadRE.MatchString(low)) {
			return c.text(fmt.Sprintf(textEnglishCrossBorderDesk, cb, hotline, hours)), true, nil
		}
		return c.text(fmt.Sprintf(textEnglishHotline, hotline, hours)), true, nil
	case enEnglishRE.MatchString(low):
		return c.englishSpeak(), true, nil // english.go
	}
	return Reply{}, false, nil
}

var (
	// suggestionRE: the user tells the service what to do better.
	suggestionRE = mustMatcher(`改进|改善|优化|提(个|点)?(意见|建议)|给(你们)?(个|点)?建议|希望你们|建议你们|你们应该`)
	// identityRE asks whether 易联 is (part of) another company.
	identityRE = mustMatcher(`^(那)?(你们|易联|易联支付)(不是|是不是|就是|是)(.{1,8}?)(吗|嘛|么|的吗|的嘛|旗下的?吗?|的公司吗|公司吗)?$|^(你们|易联)(和|跟|与)(.{1,8}?)(是)?(一家|一个公司|一回事|有关系|什么关系)`)
)

// suggestion thanks a user for feedback on the service and names the channel that takes it.
func (c *conv) suggestion(_ context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if !suggestionRE.MatchString(b) || utf8.RuneCountInString(b) > 30 || c.inFlow() {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	c.s.OfferTicket = false
	return c.text(textSuggestionThanks), true, nil
}

// identity answers "你们不是支付宝吗": 易联支付 is a payment company of its own.
func (c *conv) identity(_ context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	m := identityRE.FindStringSubmatch(b)
	if m == nil {
		return Reply{}, false, nil
	}
	other := m[4]
	if other == "" {
		other = m[8]
	}
	owner := ""
	for _, o := range otherCompanies {
		if o.re.MatchString(other) {
			owner = o.owner
			break
		}
	}
	if owner == "" {
		return Reply{}, false, nil
	}
	if owner == "发卡银行" {
		owner = other
	}
	c.s.Prompt = prompt{}
	return c.text(fmt.Sprintf(textNotThem, c.b.accountName(), owner, owner, owner)), true, nil
}

// txnNoRE is a message that gives a transaction or order number and little else.
var txnNoRE = mustMatcher(`^(我的|这笔的?|那笔的?)?(交易)?(流水号|流水|订单号|单号|交易号|商户订单号|退款单号)(是|为)?([0-9a-z]{12,32})$|^([0-9]{16,32})$`)

// txnNumber answers a transaction number on its own: the bot cannot look into transactions,
// a ticket with the number can; the number is kept as the ticket's description.
func (c *conv) txnNumber(_ context.Context, text string) (Reply, bool, error) {
	if c.stateless || c.inFlow() {
		return Reply{}, false, nil
	}
	m := txnNoRE.FindStringSubmatch(bare(text))
	if m == nil {
		return Reply{}, false, nil
	}
	no := m[5]
	if no == "" {
		no = m[6]
	}
	c.s.Prompt = prompt{}
	c.s.OfferTicket = true
	if c.s.LastQ != "" && !strings.Contains(c.s.LastQ, no) {
		c.s.LastQ = clip(c.s.LastQ+"（流水号 "+no+"）", maxStoredRunes)
	}
	return c.text(fmt.Sprintf(textTxnNumber, no) + c.b.humanWhen(c.now)), true, nil
}

// Conversation turns that need no knowledge base: a greeting, chat, what the bot can do, the
// wish for a simpler answer, details given for the last question, a ticket number of the
// wrong shape and the question of when the ticket just looked up is handled.

var (
	// greetingRE is a greeting and nothing else (bare, stickers removed).
	greetingRE = regexp.MustCompile(`^(早上好|早安|早|上午好|中午好|下午好|晚上好|你好|您好|你们好|哈喽|哈啰|嗨|嘿|hello|hi|hey|hallo|在吗|在不在|在么|有人在吗)(呀|啊|哈|哦|呢|嘛|鸭|~)*(你好|您好|客服|小助手|机器人)?(呀|啊|哈|哦)*$`)
	// chatRE is talk about nothing the service does: the weather, saying hello, laughing.
	chatRE = mustMatcher(`(打(个|声)?招呼|随便(看看|聊聊)|闲聊|来看看你|问候(一下|下)?你?)$|(今天|今儿|最近|外面)?天气(真|挺|好|很|太)?(不错|好|棒|热|冷|晴|差)|^(哈+|嘿嘿|呵呵|嘻嘻)$`)
	// canDoRE asks what the bot or the service can do.
	canDoRE = mustMatcher(`(你|你们|机器人|客服)(到底|都|究竟)?(能|可以|会)(帮我)?(管|干|做|帮|办|处理|查|解决)?(些)?(啥|什么|哪些)|(有|能提供)(什么|哪些|啥)(功能|服务|业务)`)
	// whichBetterRE asks to compare 易联 with another company.
	whichBetterRE = mustMatcher(`(和|跟|与|比)(.{1,8}?)(比|相比|比较|对比)?(哪个|哪家|谁)(好|更好|强|便宜|靠谱)|(哪个|哪家)(更)?(好|便宜|靠谱)`)
	// plainerRE asks for the last answer in fewer, simpler words, or says it cannot be read.
	plainerRE = mustMatcher(`字(太|好)?(多|长|小)|太长了?|看不清|说(得)?简单(点|些|一点)|简单(点|些|一点)说|通俗(点|一点|些)|听不懂|(说|讲)人话|太复杂`)
	// phoneWishRE would rather talk on the phone.
	phoneWishRE = mustMatcher(`打(个)?电话|电话(联系|说|问|沟通)|(能|可以)(直接)?(打|拨)|电话(是)?多少`)
	// detailsRE gives an amount or a time and asks nothing: details of the last question.
	detailsRE  = mustMatcher(`(金额|扣了|扣款|付了|一共|总共)?[0-9]+([.．][0-9]{1,2})?(元|块|块钱)?|(昨天|今天|前天|上周|上午|下午|晚上|凌晨|中午)|[0-9一二三四五六七八九十]+(点|号|日|月)`)
	amountRE   = regexp.MustCompile(`[0-9]+(?:[.．][0-9]{1,2})?`)
	timeWordRE = mustMatcher(`昨天|今天|前天|上周|上午|下午|晚上|凌晨|中午|[0-9一二三四五六七八九十]+(点|号|日)`)
	// wrongTicketNoRE is a GD number of any length; a right one has 12 digits.
	wrongTicketNoRE = regexp.MustCompile(`(?i)gd[ -]?([0-9](?:[ -]?[0-9])*)`)
	// stressRE: the user needs the answer now (money needed, a shop waiting).
	stressRE = mustMatcher(`急|等着用|等钱|店里|赶紧|尽快|快点|马上要|客人|顾客等`)
)

// chat answers greetings, small talk, "what can you do" and comparisons with a line, never
// "not understood" and the menu.
func (c *conv) chat(_ context.Context, text string) (Reply, bool, error) {
	if c.inFlow() {
		return Reply{}, false, nil
	}
	b := bare(stickerRE.ReplaceAllString(text, ""))
	if b == "" || utf8.RuneCountInString(b) > 24 {
		return Reply{}, false, nil
	}
	switch {
	case greetingRE.MatchString(b):
		c.s.Prompt = prompt{}
		if isEnglish(text) {
			return c.text(textEnglishHello), true, nil
		}
		if c.s.Seen.IsZero() {
			return c.text(c.b.greetingText()), true, nil
		}
		return c.text(textHelloAgain), true, nil
	case chatRE.MatchString(b) && !askRE.MatchString(b):
		c.s.Prompt = prompt{}
		return c.text(textChat), true, nil
	case canDoRE.MatchString(b) && menuAskRE.MatchString(b):
		return c.showMenu(textCanDoMenu), true, nil // "能帮我干啥 有目录吗": the menu itself
	case canDoRE.MatchString(b):
		c.s.Prompt = prompt{}
		return c.text(textCanDo), true, nil
	case whichBetterRE.MatchString(b) && !moneyRE.MatchString(b):
		c.s.Prompt = prompt{}
		return c.text(fmt.Sprintf(textCompare, c.b.accountName())), true, nil
	}
	return Reply{}, false, nil
}

// menuAsked shows the menu to a short message that asks for it in words ("有目录吗"), before
// anything answers the rest of it in prose.
func (c *conv) menuAsked(_ context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if c.inFlow() || utf8.RuneCountInString(b) > 16 || !menuAskRE.MatchString(b) {
		return Reply{}, false, nil
	}
	if canDoRE.MatchString(b) || capabilityRE.MatchString(b) {
		return c.showMenu(textCanDoMenu), true, nil
	}
	return c.showMenu(""), true, nil
}

// plainer answers "字太多了 看不懂" and "字太小 能不能打电话": the last answer in a line or
// two, and the hotline, where a person explains it.
func (c *conv) plainer(_ context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if c.inFlow() || utf8.RuneCountInString(b) > 20 || !plainerRE.MatchString(b) {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	call := fmt.Sprintf(textPlainerCall, c.b.contact("hotline"), c.b.hours.window(c.now))
	if phoneWishRE.MatchString(b) {
		return c.text(call), true, nil
	}
	if c.s.Payer {
		// A payer who finds it too long gets the payer's lines, not the merchant's gist.
		return c.text(c.payerLines(c.s.LastQ + " " + text)), true, nil
	}
	e, ok := c.b.kb.Content().Entry(c.s.Answered)
	if !ok {
		return c.text(call), true, nil
	}
	return c.text(textPlainerHead + "\n" + gist(e.Answer) + "\n\n" + call), true, nil
}

// elderRE: a user who says reading steps is hard for them.
var elderRE = mustMatcher(`老年人|老人|年纪大|岁数大|眼睛不好|眼神不好|看不清|不太会|不会弄|不懂这些|孩子.{0,4}(上班|不在)`)

// chargedRE: a payer says money was taken ("扣了两次", "多付了").
var chargedRE = mustMatcher(`扣|多付|付了两次|付了2次|重复付|钱没了|钱少了`)

// payerLines answers a payer in two plain lines, the hotline and, in hours, a person: what to
// check when a payment fails, what happens to money taken.
func (c *conv) payerLines(text string) string {
	t := textPayerFailed
	if chargedRE.MatchString(text) {
		t = textPayerCharged
	}
	s := fmt.Sprintf(t, c.b.contact("hotline"), c.b.hours.window(c.now))
	if c.b.hours.open(c.now) {
		s += "\n" + c.b.humanWhen(c.now)
	}
	return s
}

// gist is an answer in two lines: its first lines that say something (not "建议您："), cut.
func gist(answer string) string {
	var out []string
	for _, l := range strings.Split(answer, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasSuffix(l, "：") || strings.HasSuffix(l, ":") {
			continue
		}
		if r := []rune(l); len(r) > 60 {
			l = string(r[:60]) + "…"
		}
		out = append(out, l)
		if len(out) == 2 {
			break
		}
	}
	return strings.Join(out, "\n")
}

// details takes an amount and a time given after a question ("金额是128.5 昨天晚上8点多"):
// the bot cannot see the transaction, a ticket with them can; they join the question.
func (c *conv) details(_ context.Context, text string) (Reply, bool, error) {
	if c.stateless || c.inFlow() || c.s.LastQ == "" {
		return Reply{}, false, nil
	}
	b := bare(text)
	if utf8.RuneCountInString(b) > 30 || askRE.MatchString(b) || !amountRE.MatchString(b) || !timeWordRE.MatchString(b) {
		return Reply{}, false, nil
	}
	// What is left once the amount and the time are taken out must be filler.
	rest := detailsRE.ReplaceAllString(b, "")
	if utf8.RuneCountInString(strings.Trim(rest, "是的多左右了吧这笔那笔时间大概一点钟分")) > 4 {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	c.s.OfferTicket = true
	if !strings.Contains(c.s.LastQ, c.userText) {
		c.s.LastQ = clip(c.s.LastQ+"（"+c.userText+"）", maxStoredRunes)
	}
	return c.text(fmt.Sprintf(textDetailsTaken, c.userText) + c.b.humanWhen(c.now)), true, nil
}

// ticketShape answers a GD number of the wrong length anywhere in a message ("查工单
// gd20261201007", "gd20261201007 这个呢") before it can be taken for a phone number: what a
// ticket number looks like, and the user's tickets.
func (c *conv) ticketShape(ctx context.Context, text string) (Reply, bool, error) {
	if c.inFlow() {
		return Reply{}, false, nil
	}
	m := wrongTicketNoRE.FindStringSubmatch(foldASCII(text))
	if m == nil {
		return Reply{}, false, nil
	}
	digits := strings.NewReplacer(" ", "", "-", "").Replace(m[1])
	if len(digits) == 12 || len(digits) < 4 || len(digits) > 16 {
		return Reply{}, false, nil // lookup's
	}
	no := "GD" + digits
	c.s.Prompt = prompt{}
	c.s.LookedUp = no
	return c.slipReply(ctx, no, len(digits))
}

// lookedUpWhen answers "大概啥时候能处理完" right after a ticket number was looked up: about
// that ticket, found or not, not the general table of time limits.
func (c *conv) lookedUpWhen(ctx context.Context, text string) (Reply, bool, error) {
	no := c.prevLookedUp
	b := bare(text)
	if no == "" || c.stateless || c.inFlow() || utf8.RuneCountInString(b) > 24 || !timeAskRE.MatchString(b) ||
		!whenRE.MatchString(b) && !slaQuestionRE.MatchString(b) && !doneWhenRE.MatchString(b) {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	c.s.LookedUp = no
	if looseTicketNoRE.MatchString(no) && len(no) == 14 {
		t, err := c.b.st.ticket(ctx, no)
		if err != nil && !errors.Is(err, ErrNoTicket) {
			return Reply{}, true, err
		}
		if err == nil && t.OpenID == c.m.OpenID {
			if t.Status.done() {
				return c.text(fmt.Sprintf(textLookedUpDone, t.No, t.Status.Name())), true, nil
			}
			return c.text(fmt.Sprintf(textLookedUpDue, t.No, t.Status.Name(), c.b.shortTime(t.DueAt))), true, nil
		}
	}
	return c.text(fmt.Sprintf(textLookedUpNone, no) + textSLAHelp), true, nil
}

// grievanceRE: what went wrong, said with a complaint ("扣了我两次钱!").
var grievanceRE = mustMatcher(`[!！]|扣了|多扣|乱扣|两次|重复|骗|没人管|不处理|不给|太差|太慢|气`)

// timeAskRE asks about time, not a chase ("怎么还没处理" is myTicket's).
var timeAskRE = mustMatcher(`什么时候|啥时候|多久|几时|多长时间|几天|几个小时|多少天`)

// relatedWhen is, for a short question about time right after an answer ("要多久能开通"),
// the answer's related entry about time, if it has one.
func (c *conv) relatedWhen(text string) string {
	b := bare(text)
	if c.stateless || c.s.Answered == "" || utf8.RuneCountInString(b) > 8 || !timeAskRE.MatchString(b) {
		return ""
	}
	e, ok := c.b.kb.Content().Entry(c.s.Answered)
	if !ok {
		return ""
	}
	for _, id := range e.Related {
		if r, ok := c.b.kb.Content().Entry(id); ok && timeAskRE.MatchString(r.Question) {
			return id
		}
	}
	return ""
}

var (
	// payerRE: the user is the one who paid (an elderly buyer, "买菜付钱扣了两次").
	payerRE = mustMatcher(`我是(付款人|付款方|消费者|顾客|买家|老年人|老人)|买(菜|东西|衣服|饭|早餐|药)|(我|俺)(刚)?(付|付款|付钱|扫码付|支付|买)|扣了我|我的(卡|银行卡|信用卡|储蓄卡)|孙子|孙女|孩子|儿子|女儿|老年人|年纪大`)
	// merchantCueRE: the user collects the money.
	merchantCueRE = mustMatcher(`商户|我们店|店里|我店|本店|后台|收款|收钱|客户付|顾客付|我们收|商家这边|老板让`)
)

// payerGetsMerchantSteps reports whether a payer is about to be given an entry written for
// merchants (its steps are done in the merchant back office).
func (c *conv) payerGetsMerchantSteps(text, id string) bool {
	if !payerRE.MatchString(text) || merchantCueRE.MatchString(text) {
		return false
	}
	e, ok := c.b.kb.Content().Entry(id)
	return ok && strings.Contains(e.Answer, "商户后台") && !strings.Contains(e.Question, "付款人") && !strings.Contains(e.Question, "消费者")
}

// joinLines joins the non-empty lines a and b.
func joinLines(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// doneWhenRE asks when something will be finished ("啥时候能处理完", "要多久才好").
var doneWhenRE = mustMatcher(`(什么时候|啥时候|多久|几时|多长时间).{0,4}(处理完|办完|好|完成|弄好|有结果|能完)`)

// leads reports whether a list of suggestions should be answered by its first entry: the user
// is upset or pressed, retrieval is sure of the entry though not of its neighbours, or the
// entry continues the conversation's topic. Read before the suggestion changes the topic.
func (c *conv) leads(res kb.Result, text string, mood bool) bool {
	if c.stateless || len(res.Hits) < 2 {
		return false
	}
	top := res.Hits[0]
	switch {
	case mood:
		return true
	case c.usedCtx && top.Category == c.s.LastCategory && top.ID != c.s.Answered:
		return true // a follow-up kept in the topic: its best entry, not a list to pick from
	case utf8.RuneCountInString(bare(text)) < leadRunes:
		return false // "结算款": too vague to pick for the user
	case top.Confidence >= leadConfidence:
		return true
	case stressRE.MatchString(text) && top.Confidence >= 0.5:
		return true
	}
	return c.s.LastCategory != "" && top.Category == c.s.LastCategory && top.ID != c.s.Answered && top.Confidence >= 0.2
}

// leadConfidence is the calibrated confidence from which a suggestion's first entry is taken as
// the answer (the decision was a list because its neighbours were close, not because it is
// doubtful).
const leadConfidence = 0.9

// leadRunes is the shortest message whose suggestions may be answered by the first: shorter
// ones name a subject, not a question.
const leadRunes = 6
