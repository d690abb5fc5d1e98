package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// flow is the ticket flow's state in the session: what the user has given so far.
type flow struct {
	ID         string     `json:"id"`
	Step       flowStep   `json:"step"`
	Paused     bool       `json:"paused,omitempty"`
	Type       TicketType `json:"type,omitempty"`
	MerchantNo string     `json:"merchant,omitempty"`
	Individual bool       `json:"individual,omitempty"`
	Desc       string     `json:"desc,omitempty"`
	Contact    string     `json:"contact,omitempty"`
	Urgent     bool       `json:"urgent,omitempty"`
}

// flowStep is what the ticket flow asks for next.
type flowStep string

const (
	stepType     flowStep = "type"
	stepMerchant flowStep = "merchant"
	stepDesc     flowStep = "desc"
	stepContact  flowStep = "contact"
)

var (
	merchantNoRE = regexp.MustCompile(`^88\d{8}$`)
	mobileRE     = regexp.MustCompile(`^1[3-9]\d{9}$`)
	landlineRE   = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}$`)
	// looseTicketNoRE is a ticket number as users type it: "gd202611280117", "GD 202611280099".
	looseTicketNoRE = regexp.MustCompile(`(?i)GD[ -]?\d{12}`)
	startWords      = []string{"提交工单", "工单", "留言", "我要留言", "我要投诉", "投诉", "建工单", "提工单", "创建工单", "我要提交工单", "提交问题", "新建工单"}
)

const minDescRunes = 5

func isTicketStart(b string) bool {
	for _, w := range startWords {
		if b == w {
			return true
		}
	}
	return false
}

func isComplaintStart(b string) bool { return b == "我要投诉" || b == "投诉" }

// startFlow begins the ticket flow, or resumes a paused one with everything already given.
func (c *conv) startFlow(preface string, complaint bool) Reply {
	c.s.Prompt = prompt{}
	if f := c.s.Flow; f != nil {
		f.Paused = false
		return c.text(joinNonEmpty(preface, "我们接着填写上次的工单，已填写的内容都保留着。", c.flowPrompt()))
	}
	f := &flow{ID: newToken(), Step: stepType, Urgent: c.s.Urgent}
	c.s.Flow = f
	if complaint {
		f.Type = TypeComplaint
		f.Step = stepDesc
	}
	return c.text(joinNonEmpty(preface, c.flowPrompt()))
}

// flowPrompt asks for what the current step needs.
func (c *conv) flowPrompt() string {
	f := c.s.Flow
	switch f.Step {
	case stepType:
		return "请选择工单类型，回复数字：\n1. 商户服务（结算、费率、商户信息等）\n2. 技术支持（接口报错、系统对接）\n3. 投诉建议\n0. 其他\n\n回复“取消”可随时退出。"
	case stepMerchant:
		return "请回复您的商户编号（88开头的10位数字，可在商户后台首页查看）。\n个人用户请回复“个人用户”，暂时找不到可回复“跳过”。"
	case stepDesc:
		if f.Type == TypeTech {
			return "请描述您遇到的问题，并尽量附上错误码、发生时间和请求号（request id），方便技术同事快速定位。"
		}
		if f.Type == TypeComplaint {
			return "请描述您要投诉或建议的内容：发生了什么、涉及的交易或时间，我们会在24小时内处理。"
		}
		return "请简要描述您遇到的问题（至少5个字），涉及交易的请附上交易时间和金额。"
	case stepContact:
		return "如需客服电话联系您，请回复手机号；不需要请回复“跳过”。"
	}
	return ""
}

// answersStep reports whether text is an attempt at the current step's answer, right or
// wrong. A question typed instead ("对账单在哪下载" while asked for the type) is not: it pauses
// the flow and is answered as usual.
func (c *conv) answersStep(text string) bool {
	b := bare(text)
	short := utf8.RuneCountInString(b) <= 4
	switch c.s.Flow.Step {
	case stepType:
		return utf8.RuneCountInString(b) <= 2 || strings.ContainsAny(foldASCII(b), "0123456789") ||
			strings.Contains(b, "商户") || strings.Contains(b, "技术") || strings.Contains(b, "投诉") ||
			strings.Contains(b, "建议") || strings.Contains(b, "其他")
	case stepMerchant, stepContact:
		return short || strings.ContainsAny(foldASCII(b), "0123456789") || isSkip(b)
	}
	return true // a description can be anything
}

func isSkip(b string) bool {
	for _, w := range []string{"跳过", "不用", "不需要", "没有", "算了", "不留"} {
		if strings.Contains(b, w) {
			return true
		}
	}
	return false
}

// flowInput handles the user's answer to the current step.
func (c *conv) flowInput(ctx context.Context, text string) (Reply, error) {
	f := c.s.Flow
	b := bare(text)
	switch f.Step {
	case stepType:
		typ := map[string]TicketType{"1": TypeMerchant, "2": TypeTech, "3": TypeComplaint, "0": TypeOther}[foldASCII(b)]
		for word, t := range map[string]TicketType{"商户": TypeMerchant, "技术": TypeTech, "投诉": TypeComplaint, "建议": TypeComplaint, "其他": TypeOther} {
			if typ == "" && strings.Contains(b, word) {
				typ = t
			}
		}
		if typ == "" {
			return c.text("请回复 1、2、3 或 0 选择工单类型。\n" + c.flowPrompt()), nil
		}
		f.Type = typ
		f.Step = stepDesc
		if typ == TypeMerchant || typ == TypeTech {
			f.Step = stepMerchant
		}
		return c.text(c.flowPrompt()), nil
	case stepMerchant:
		digits := strings.NewReplacer(" ", "", "-", "").Replace(foldASCII(strings.TrimSpace(text)))
		switch {
		case merchantNoRE.MatchString(digits):
			f.MerchantNo = digits
		case b == "个人用户" || b == "个人" || b == "我是个人用户" || b == "跳过" || b == "没有":
			f.Individual = b != "跳过" && b != "没有"
		default:
			return c.text(fmt.Sprintf("“%s”不是有效的商户编号。商户编号是88开头的10位数字，例如 8812345678，请核对后重新输入；个人用户请回复“个人用户”。", clip(c.userText, 20))), nil
		}
		f.Step = stepDesc
		return c.text(c.flowPrompt()), nil
	case stepDesc:
		d := strings.TrimSpace(c.userText) // already masked
		if utf8.RuneCountInString(d) < minDescRunes {
			return c.text("描述太短了，请至少写5个字，说明遇到了什么问题。"), nil
		}
		f.Desc = d
		if urgentRE.MatchString(d) {
			f.Urgent = true
		}
		f.Step = stepContact
		return c.text(c.flowPrompt()), nil
	case stepContact:
		phone := strings.NewReplacer(" ", "", "-", "").Replace(foldASCII(strings.TrimSpace(text)))
		if len(phone) > 11 {
			phone = strings.TrimPrefix(strings.TrimPrefix(phone, "+"), "86")
		}
		switch {
		case mobileRE.MatchString(phone) || landlineRE.MatchString(strings.TrimSpace(text)):
			f.Contact = strings.TrimSpace(text)
			if mobileRE.MatchString(phone) {
				f.Contact = phone
			}
		case isSkip(b) || b == "否":
		default:
			return c.text("电话格式不对，请回复11位手机号（或带区号的座机号），不需要请回复“跳过”。"), nil
		}
		return c.createTicket(ctx)
	}
	c.s.Flow = nil
	return c.showMenu(""), nil
}

func (c *conv) createTicket(ctx context.Context) (Reply, error) {
	f := c.s.Flow
	b := c.b
	urgent := f.Urgent || c.s.Urgent
	t := &Ticket{
		OpenID: c.m.OpenID, Type: f.Type, Priority: PriorityNormal, Status: StatusOpen,
		CreatedAt: c.now, UpdatedAt: c.now, DueAt: c.now.Add(slaFor(f.Type, urgent)),
		MerchantNo: f.MerchantNo, Individual: f.Individual, Description: f.Desc,
		Contact: f.Contact, ContactMasked: maskPhones(f.Contact),
		Category: c.s.LastCategory, Replies: []TicketReply{},
	}
	if urgent {
		t.Priority = PriorityUrgent
	}
	tr, err := b.st.transcript(ctx, c.m.OpenID, 10)
	if err != nil {
		c.flowFailed = true
		return Reply{}, err
	}
	// The transcript holds masked turns already; the copy that never expires with it is masked
	// again, in case a turn was stored by an older, weaker guard.
	for i := range tr {
		tr[i].Text = redact(tr[i].Text)
	}
	t.Transcript = append(tr, Turn{Time: c.now, From: "user", Text: c.userText})
	if len(t.Transcript) > 10 {
		t.Transcript = t.Transcript[len(t.Transcript)-10:]
	}
	if err := b.st.createTicket(ctx, f.ID, t, day(c.now, b.hours.Location)); err != nil {
		c.flowFailed = true
		return Reply{}, err
	}
	c.s.Flow = nil
	c.s.Urgent = false
	c.count(t.Category, statTicket)
	var sb strings.Builder
	fmt.Fprintf(&sb, "工单已提交，编号：%s\n类型：%s", t.No, t.Type.Name())
	if t.MerchantNo != "" {
		fmt.Fprintf(&sb, "\n商户编号：%s", t.MerchantNo)
	}
	if t.ContactMasked != "" {
		fmt.Fprintf(&sb, "\n联系电话：%s", t.ContactMasked)
	}
	if urgent {
		fmt.Fprintf(&sb, "\n\n您的问题涉及资金安全，已进入加急通道，我们会在1小时内处理。如遇盗刷或诈骗，请同时联系开户银行冻结账户。")
	} else {
		fmt.Fprintf(&sb, "\n\n我们会在%s内回复您", slaText(slaFor(t.Type, false)))
		if !b.hours.open(c.now) {
			fmt.Fprintf(&sb, "（非服务时间提交的工单，%s 上班后优先处理）", b.hours.nextOpen(c.now))
		}
		sb.WriteString("。")
	}
	fmt.Fprintf(&sb, "\n查询进度：回复“查询工单 %s”或直接发送工单号；回复“我的工单”查看全部。", t.No)
	return c.text(sb.String()), nil
}

// lookup answers 查询工单 GD…, a bare ticket number and 我的工单. A ticket of another user is
// answered exactly like a number that does not exist.
func (c *conv) lookup(ctx context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	no := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(looseTicketNoRE.FindString(foldASCII(text))))
	mine := b == "我的工单" || b == "查询工单" || b == "查工单" || b == "工单进度" || b == "查看工单" || c.m.EventKey == KeyMyTickets
	if no == "" && !mine {
		return Reply{}, false, nil
	}
	if no != "" && !strings.Contains(b, "工单") && strings.TrimSpace(strings.ToUpper(text)) != no && len([]rune(b)) > len(no)+4 {
		return Reply{}, false, nil // a number in passing, not a lookup
	}
	if c.stateless {
		return c.text("工单查询暂时不可用，请稍后再试。"), true, nil
	}
	// A failing counter fails the lookup, which needs Redis too: the bot answers statelessly.
	n, err := c.b.st.countLookup(ctx, c.m.OpenID, c.now)
	if err != nil {
		return Reply{}, true, err
	}
	if n > lookupLimit {
		return c.text("查询太频繁了，请稍等一分钟再试。"), true, nil
	}
	c.s.Prompt = prompt{}
	if no == "" {
		ts, err := c.b.st.userTickets(ctx, c.m.OpenID, 5)
		if err != nil {
			return Reply{}, true, err
		}
		if len(ts) == 0 {
			return c.text("您还没有提交过工单。需要客服跟进的问题，回复“提交工单”即可。"), true, nil
		}
		var sb strings.Builder
		sb.WriteString("您最近的工单：")
		for _, t := range ts {
			fmt.Fprintf(&sb, "\n%s　%s　%s　%s", t.No, t.Type.Name(), t.Status.Name(), c.b.shortTime(t.UpdatedAt))
		}
		sb.WriteString("\n\n发送工单号查看详情和客服回复。")
		return c.text(sb.String()), true, nil
	}
	t, err := c.b.st.ticket(ctx, no)
	if err != nil && !errors.Is(err, ErrNoTicket) {
		return Reply{}, true, err
	}
	if errors.Is(err, ErrNoTicket) || t.OpenID != c.m.OpenID {
		return c.text(fmt.Sprintf("没有找到工单 %s，请核对编号后再试；回复“我的工单”查看您提交过的工单。", no)), true, nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "工单 %s\n状态：%s\n类型：%s\n提交时间：%s\n最近更新：%s", t.No, t.Status.Name(), t.Type.Name(), c.b.shortTime(t.CreatedAt), c.b.shortTime(t.UpdatedAt))
	if t.Priority == PriorityUrgent {
		sb.WriteString("\n优先级：加急")
	}
	if n := len(t.Replies); n > 0 {
		r := t.Replies[n-1]
		fmt.Fprintf(&sb, "\n\n最新客服回复（%s）：\n%s", c.b.shortTime(r.At), r.Text)
	} else if t.Status == StatusOpen {
		fmt.Fprintf(&sb, "\n\n客服会在%s前回复您，请耐心等待。", c.b.shortTime(t.DueAt))
	}
	return c.text(sb.String()), true, nil
}

const lookupLimit = 10 // lookups per user per minute

func (b *Bot) shortTime(t time.Time) string { return t.In(b.hours.Location).Format("01-02 15:04") }

func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return string(r)
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}
