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
	unknown  string

	pending      []pendingReply // agents' replies waiting for this user
	pendingShown int            // how many of them this reply shows
	csat         string         // ticket whose satisfaction score was asked for
	csatDone     bool
	flowNote     bool // the ticket flow was paused by a question: say how to resume
	flowFailed   bool // Redis failed while the ticket was being created
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
			c.warning = c.b.guardText(kinds)
		}
		text = strings.TrimSpace(stripMasks(c.guarded.masked))
	}
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
	warning := c.b.guardText(c.guarded.kinds)
	c.warned(c.guarded.kinds)
	if c.inFlow() {
		return c.text(warning + "\n\n您正在提交工单，" + c.flowPrompt())
	}
	c.s.Prompt = prompt{}
	return c.text(warning + "\n" + textSecretOnlyHint)
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
		c.score,         // the satisfaction score asked for in the last message
		c.transferAsked, // the message after "人工" inside hours goes to the agents
		c.handoffWords,  // "人工" and friends
		c.lookup,        // 查询工单 GD…, a bare ticket number, 我的工单
		c.ticketFlow,    // start, resume, cancel or answer the ticket flow
		c.navigate,      // menu words, option numbers, 返回, 继续
		c.feedback,      // 有用 / 没用 on the last answer
	}
}

// inFlow reports whether the ticket flow is waiting for the user's answer.
func (c *conv) inFlow() bool {
	f := c.s.Flow
	return f != nil && !f.Paused && !c.stateless
}

// score takes a satisfaction score for the resolved ticket the last message asked about. The
// question is asked once: any other answer drops it.
func (c *conv) score(ctx context.Context, text string) (Reply, bool, error) {
	if c.csat == "" {
		return Reply{}, false, nil
	}
	c.csatDone = true
	if b := bare(text); len(b) == 1 && b >= "1" && b <= "5" {
		r, err := c.rate(ctx, c.csat, int(b[0]-'0'))
		return r, true, err
	}
	return Reply{}, false, nil
}

// transferAsked hands the message to the agents when the user asked for a human (inside
// hours) with the previous one, unless it is a menu word or a cancel.
func (c *conv) transferAsked(_ context.Context, text string) (Reply, bool, error) {
	asked := c.s.Handoff
	c.s.Handoff = false
	if !asked || isMenuWord(text) || isCancel(text) {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	return Reply{Transfer: true, KfAccount: c.b.kfAccount}, true, nil
}

// handoffWords answers a request for a human; it pauses a ticket flow in progress, except
// outside hours, where the flow is what the user can do.
func (c *conv) handoffWords(_ context.Context, text string) (Reply, bool, error) {
	if !isHandoff(text) {
		return Reply{}, false, nil
	}
	if c.inFlow() && !c.b.hours.open(c.now) {
		return c.text(fmt.Sprintf("人工客服的服务时间是每天 %s，现在不在服务时间。您正在提交的工单会在上班后优先处理。\n\n%s",
			c.b.hours.window(c.now), c.flowPrompt())), true, nil
	}
	if f := c.s.Flow; f != nil {
		f.Paused = true
	}
	r, err := c.handoff(urgentRE.MatchString(text))
	return r, true, err
}

// ticketFlow starts or resumes the ticket flow, and takes the answers to its steps. A text
// that is no answer pauses the flow and goes on to the next steps, with a note on how to resume.
func (c *conv) ticketFlow(ctx context.Context, text string) (Reply, bool, error) {
	if c.stateless {
		return Reply{}, false, nil
	}
	f, inFlow, b := c.s.Flow, c.inFlow(), bare(text)
	switch {
	case inFlow && isCancel(text):
		f.Paused = true
		return c.text("已退出工单提交。您已填写的内容会保留一段时间，回复“提交工单”可以接着填写。"), true, nil
	case inFlow && isMenuWord(text):
		f.Paused = true
		return c.showMenu("工单已暂停填写，回复“提交工单”可以接着填写。"), true, nil
	case isTicketStart(b):
		return c.startFlow("", isComplaintStart(b) && f == nil), true, nil
	case inFlow && c.answersStep(text):
		r, err := c.flowInput(ctx, text)
		return r, true, err
	case inFlow:
		f.Paused = true
		c.flowNote = true
	}
	return Reply{}, false, nil
}

// rate stores a satisfaction score on the user's ticket.
func (c *conv) rate(ctx context.Context, no string, score int) (Reply, error) {
	_, err := c.b.st.updateTicket(ctx, no, EventRated, func(t *Ticket) (map[string]any, error) {
		if t.OpenID != c.m.OpenID {
			return nil, ErrNoTicket
		}
		t.CSAT = score
		t.UpdatedAt = c.now
		return map[string]any{"csat": score}, nil
	})
	if err != nil && !errors.Is(err, ErrNoTicket) {
		return Reply{}, err
	}
	if score <= 2 {
		return c.text("感谢您的评分，很抱歉这次没能让您满意。我们会认真改进；问题仍未解决的话，回复“提交工单”告诉我们。"), nil
	}
	return c.text("感谢您的评分！还有其他问题可以随时问我。"), nil
}

func (c *conv) event(ctx context.Context) (Reply, error) {
	switch strings.ToLower(c.m.Event) {
	case "subscribe":
		c.s.Prompt = c.menuPrompt()
		return c.text(c.b.welcomeText()), nil
	case "click":
		return c.click(ctx, c.m.EventKey)
	case "scan":
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
	if c.flowNote {
		s += "\n\n（工单填写已暂停，回复“提交工单”可以接着填写。）"
	}
	s = c.withNotice(s)
	if c.expired {
		s = textSessionExpired + "\n" + s
	}
	head, rest := split(s)
	c.s.More = rest
	return Reply{Text: head}
}

func (c *conv) withNotice(s string) string {
	for _, n := range c.b.notices {
		if !c.now.Before(n.Start) && c.now.Before(n.End) {
			s = "【公告】" + n.Text + "\n\n" + s
		}
	}
	return s
}

var (
	handoffExact = []string{"人工", "转人工", "人工客服", "找客服", "真人", "找人工", "要人工", "人工服务",
		"我要人工", "转接人工", "联系人工", "人工坐席", "客服", "在线客服", "接人工", "人工在吗", "有人吗", "真人客服", "转客服"}
	handoffRE = regexp.MustCompile(`转人工|人工客服|找人工|要人工|人工服务|转接人工|联系人工|真人客服|找客服|人工坐席|接人工`)
	urgentRE  = regexp.MustCompile(`被骗|诈骗|骗子|盗刷|被盗|资金冻结|冻结|资金损失|钱被扣|扣了钱|扣款.*没到|没到账.*扣|钱没了|损失`)
	punctRE   = regexp.MustCompile(`[\s\p{P}\p{S}]+`)
)

// bare is the message without spaces, punctuation and emoji, for matching command words.
func bare(s string) string { return punctRE.ReplaceAllString(strings.ToLower(foldASCII(s)), "") }

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
	return slices.Contains(handoffExact, b) || (len([]rune(b)) <= 20 && handoffRE.MatchString(b))
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

func isCancel(text string) bool {
	switch bare(text) {
	case "取消", "算了", "不用了", "退出":
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
		if c.stateless && c.m.Kind != KindEvent && !c.guarded.found() {
			// Without a session the next message cannot be recognised: transfer this one.
			// (Events are never forwarded to agents: WeChat only forwards messages.)
			return Reply{Transfer: true, KfAccount: c.b.kfAccount}, nil
		}
		if c.stateless {
			return c.text("请直接发送您要咨询的问题，并在消息里写上“人工”，我们会为您转接人工客服。"), nil
		}
		return c.text(c.b.handoffOpenText()), nil
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
	return c.startFlow(t, false), nil
}

// navigate handles menu words, numbers, 返回 and 继续.
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
		if c.s.More == "" {
			return c.text(textContinueNone), true, nil
		}
		more := c.s.More
		c.s.More = ""
		head, rest := split(more)
		c.s.More = rest
		return Reply{Text: head}, true, nil
	}
	n, err := strconv.Atoi(b)
	if err != nil || len(b) > 3 {
		return Reply{}, false, nil
	}
	if n == 0 {
		r, _ := c.handoff(false)
		return r, true, nil
	}
	p := c.s.Prompt
	if c.stateless || p.Kind == "" || n > len(p.Options) {
		hint := textNoSuchOption
		if c.expired {
			hint = "请重新选择："
		}
		return c.showMenu(hint), true, nil
	}
	opt := p.Options[n-1]
	if p.Kind == promptMenu {
		r, _ := c.showCategory(opt)
		return r, true, nil
	}
	r, _ := c.answer(opt, nil)
	return r, true, nil
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
	var sb strings.Builder
	sb.WriteString(e.Answer)
	var rel, relQ []string
	for _, r := range e.Related {
		if re, ok := c.b.kb.Content().Entry(r); ok && len(rel) < 3 {
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
	if e.Urgent {
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
	case slices.Contains(notHelpfulWords, b):
		c.count(cat, statNotHelpful)
		alts := c.s.Alts
		c.s.Last, c.s.Alts = "", nil
		if len(alts) == 0 {
			c.s.Prompt = prompt{}
			return c.text("抱歉没能帮到您。您可以回复“提交工单”留下问题，由客服跟进处理；或回复“人工”联系人工客服。"), true, nil
		}
		var qs []string
		for _, id := range alts {
			if a, ok := c.b.kb.Content().Entry(id); ok {
				qs = append(qs, a.Question)
			}
		}
		c.s.Prompt = prompt{Kind: promptSuggest, Options: alts}
		return c.text(numbered(textSorryAlts, qs, "回复数字查看答案。如果都不是，回复“提交工单”由客服跟进。")), true, nil
	}
	return Reply{}, false, nil
}

// faq answers from the knowledge base.
func (c *conv) faq(ctx context.Context, text string) (Reply, error) {
	// Masked, and bounded: the result cache holds no phone number, and a huge message costs
	// retrieval no more than a long question.
	res, err := c.b.kb.Search(ctx, query(c.userText), 5)
	if err != nil {
		return Reply{}, err
	}
	c.b.metrics.decisions.WithLabelValues(string(res.Decision)).Inc()
	if res.Smalltalk != "" {
		return c.text(res.Smalltalk), nil
	}
	switch res.Decision {
	case kb.Answer:
		var alts []string
		for _, h := range res.Hits[1:] {
			if len(alts) < 3 {
				alts = append(alts, h.ID)
			}
		}
		r, _ := c.answer(res.Hits[0].ID, alts)
		return r, nil
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
		c.s.Prompt = prompt{Kind: promptSuggest, Options: ids}
		return c.text(numbered(textSuggestTitle, qs, textSuggestFooter)), nil
	}
	c.count("", statNone)
	c.unknown = c.userText
	if res.OutOfScope != "" {
		c.s.Prompt = prompt{}
		return c.text(fmt.Sprintf(textOutOfScope, res.OutOfScope)), nil
	}
	c.s.Misses++
	if c.s.Misses >= 2 {
		c.s.Misses = 0
		c.s.Prompt = prompt{}
		return c.text(c.b.twoMissesText()), nil
	}
	return c.showMenu(textNotUnderstood), nil
}
