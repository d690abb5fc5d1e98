package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file holds what a careful human agent does around the FAQ: the fund-safety case, the
// check of a phone number that claims to be 易联's, and the acknowledgements and small words
// people type between questions.

// Kinds of fund-safety case, by what happened.
const (
	caseRisk     = "risk"     // someone is working on the user (impersonation, a demand to pay); nothing lost yet
	caseLoss     = "loss"     // money moved or went missing
	caseCode     = "code"     // a code or password was given away
	caseScreen   = "screen"   // screen sharing or a remote-control app
	caseTakeover = "takeover" // someone else got into the account or changed the settlement card
	caseTheft    = "theft"    // charges or a balance drop the user did not make
)

var (
	screenRE     = mustMatcher(`屏幕共享|共享屏幕|共享了屏幕|远程(软件|控制|协助|桌面|操作)|向日葵|todesk|teamviewer|anydesk|会议软件|screenshar|remoteaccess|remotecontrol`)
	screenDoneRE = mustMatcher(`开了|下了|装了|安装了|下载了|正在|还在|在共享|共享着|打开了|开着|用了|让我开|让我下|让我装|叫我下|叫我开|sharing|installed`)
	takeoverRE   = mustMatcher(`(结算卡|结算账户|收款账户|收款卡|银行卡|绑定的?卡|登录手机号|手机号|密码|操作员)(被|让)(人|别人|他人|陌生人|不明人)?(改|换|修改|更换|绑|加)|被(人|别人|他人)?(改|换)了?(结算卡|结算账户|绑卡)|(后台|账号|账户)被(人|别人|他人|陌生人)?(登|盗)|(别人|陌生人|他人)(登录|登上|登了)|不是我改的`)
	theftRE      = mustMatcher(`盗刷|被盗|盗用|被刷|被(人|别人)刷|被人盗|不是我(本人)?(操作|花|付|买|消费|转|弄)|不是本人|非本人|没(有)?(操作|消费|买)(过)?.{0,8}(扣|少|转走|付款)|莫名(其妙)?.{0,6}(扣|少)|(余额|钱|资金|账户).{0,6}少了|少了.{0,4}(钱|块|元|万|千)|stolen|notme|didntmake`)
	lossRE       = mustMatcher(`被骗|骗了|受骗|上当|(转|汇|付|打)了.{0,8}(钱|元|块|万|千|笔|保证金|过去|到)|(转|汇|付|打)了\d|已经(转|付|汇|打)|转过去了|付了第|scammed|stolen|sentthem|sentmoney|ipaid|itransferred|lostmoney`)
	codeGivenRE  = mustMatcher(`(报|给|告诉|念|输|发)了.{0,6}(验证码|码|密码)|(验证码|密码).{0,6}(报|给|告诉|念|输|发)(了|给他|给对方|过去|进去)|gavethe(code|password)`)
	impersonRE   = mustMatcher(`冒充|假冒|假客服|自称|说是(易联|你们|客服|官方|工作人员)|是易联的|易联(的)?客服|你们(的)?客服|你们的人|客户经理`)
	demandRE     = mustMatcher(`(让|要|叫|要求)我?.{0,8}(转账|转钱|打钱|汇款|付款|付\d|先付|交钱|交\d|保证金|押金|安全账户|扫码|共享|下载|念|报验证码|给他验证码|加他|加qq|加微信)`)
	// whatNowRE asks for the next step.
	whatNowRE  = mustMatcher(`怎么办|咋办|怎么弄|咋弄|该干嘛|该怎么|然后呢|接下来|现在呢|怎么处理|要做什么|做什么|whatshould|whatdoi|whatnow|nowwhat`)
	recoverRE  = mustMatcher(`要回来|追回|追得回|追的回|要得回|拿得回|能追|退回来|拿回|找回|能退吗|帮我把钱|钱还能|getmymoney|moneyback`)
	doneRE     = mustMatcher(`报警了|报案了|改好了|改了密码|卸载了|删了|挂了|挂断了|冻结了|联系了银行|打了银行|打过银行|银行说|关了共享|关掉了`)
	noHarmRE   = mustMatcher(`没理|没搭理|没回他|没接|没加|没给|没转|没付|没有(给|转|付|加|报)|就问问|还没(转|付|给)|没上当|没钱|钱没少|没少`)
	materialRE = mustMatcher(`资料|材料|提供什么|提供啥|准备什么|准备啥|要我提供|需要什么|需要啥`)
	whyRE      = mustMatcher(`怎么会这样|为什么会|怎么会|凭什么`)
	stopRE     = mustMatcher(`停掉|停了|冻结我|先冻结|暂停|先把.{0,6}(停|冻)|止付`)
	whoRE      = mustMatcher(`找谁|能找谁|谁能帮|找个人|有没有人`)
	// shareSecretRE: the user offers to send a code or password.
	shareSecretRE = mustMatcher(`(验证码|密码|码).{0,6}(发你|给你|发给你|告诉你|要不要|需要吗|用不用)|(要不要|需要|用不用).{0,6}(验证码|密码)`)
	// scriptRE: what scammers say to push the user.
	scriptRE = mustMatcher(`不弄.{0,6}冻结|马上冻结|再付|再转|再交|才能退|系统卡住|解冻费|激活费|流水不足|通道费`)
)

// caseKind reports the kind of fund-safety case a message (bare) describes, or "".
func caseKind(b string) string {
	switch {
	case screenRE.MatchString(b) && screenDoneRE.MatchString(b):
		return caseScreen
	case takeoverRE.MatchString(b):
		return caseTakeover
	case codeGivenRE.MatchString(b):
		return caseCode
	case lossRE.MatchString(b) && !strings.Contains(b, "没转") && !strings.Contains(b, "没付"):
		return caseLoss
	case theftRE.MatchString(b):
		return caseTheft
	case impersonRE.MatchString(b) && demandRE.MatchString(b), strings.Contains(b, "安全账户"):
		return caseRisk
	}
	return ""
}

// isLoss reports whether text tells of a loss (money moved or missing, a code given away, a
// remote session, a taken-over account): such a ticket is urgent. Urgency is this decision,
// not the presence of a word like 冻结 (risk control freezes funds of honest merchants too).
func isLoss(text string) bool {
	k := caseKind(bare(text))
	return k != "" && k != caseRisk
}

// fundSafety answers a fund-safety message: a loss opens the case and an urgent ticket without
// being asked; inside a case the follow-ups ("怎么办", "人工", a merchant number) stay in it.
func (c *conv) fundSafety(ctx context.Context, text string) (Reply, bool, error) {
	if c.inFlow() {
		return Reply{}, false, nil // the flow marks its ticket urgent itself
	}
	b := bare(text)
	if kind := caseKind(b); kind != "" {
		r, err := c.openCase(ctx, kind, text)
		return r, true, err
	}
	cs := c.s.Case
	if cs == nil {
		return Reply{}, false, nil
	}
	en := isEnglish(text)
	switch {
	case isHandoff(text) || englishHandoffRE.MatchString(b) || whoRE.MatchString(b):
		return c.caseHandoff(), true, nil
	case shareSecretRE.MatchString(b):
		return c.text(c.withTicket(textNeverShare)), true, nil
	case demandRE.MatchString(b) || scriptRE.MatchString(b):
		return c.text(c.withTicket(textScamScript)), true, nil
	case cs.Kind != caseRisk && noHarmRE.MatchString(b):
		return c.text(c.withTicket(textCaseRelief) + c.b.humanWhen(c.now)), true, nil
	case cs.Ticket != "" && findMerchantNo(text) != "":
		no := findMerchantNo(text)
		if err := c.noteOnTicket(ctx, cs.Ticket, func(t *Ticket) { t.MerchantNo = no }); err != nil {
			return Reply{}, true, err
		}
		return c.text(fmt.Sprintf(textCaseMerchant, no, cs.Ticket)), true, nil
	case cs.Kind == caseRisk && noHarmRE.MatchString(b):
		c.s.Case = nil
		return c.text(c.b.noHarmText()), true, nil
	case doneRE.MatchString(b):
		return c.text(c.caseDone(b)), true, nil
	case recoverRE.MatchString(b):
		return c.text(c.withTicket(textCaseRecover)), true, nil
	case stopRE.MatchString(b) && cs.Ticket != "":
		if err := c.noteOnTicket(ctx, cs.Ticket, nil); err != nil {
			return Reply{}, true, err
		}
		return c.text(fmt.Sprintf(textCaseStop, cs.Ticket)), true, nil
	case materialRE.MatchString(b):
		return c.text(c.withTicket(textCaseMaterials)), true, nil
	case whyRE.MatchString(b):
		return c.text(c.withTicket(textCaseWhy)), true, nil
	case whatNowRE.MatchString(b):
		cs.Steps++
		if en {
			return c.text(c.b.englishCaseText(cs.Ticket)), true, nil
		}
		return c.text(c.b.caseSteps(cs.Kind, true) + "\n" + c.caseTicketLine()), true, nil
	}
	return Reply{}, false, nil
}

// openCase answers the message that shows a fund-safety case: what to do now, and the urgent
// ticket, filed without asking (or the existing one, with this message added to it).
func (c *conv) openCase(ctx context.Context, kind, text string) (Reply, error) {
	c.s.Prompt = prompt{}
	c.s.Need, c.s.Repeats = "", 0
	cs := c.s.Case
	if cs == nil {
		cs = &fundCase{Kind: kind}
		c.s.Case = cs
	} else if kind != caseRisk && (cs.Kind == caseRisk || kind == caseScreen || kind == caseTakeover || kind == caseTheft) {
		cs.Kind = kind
	}
	b := bare(text)
	en := isEnglish(text)
	if kind == caseRisk {
		if en {
			return c.text(c.b.englishRiskText()), nil
		}
		return c.text(c.b.riskText()), nil
	}
	head := ""
	if cs.Steps == 0 && (kind == caseLoss || kind == caseTakeover || kind == caseTheft) {
		head = textCaseEmpathy
	}
	// Steps already given: this message adds to the case.
	if cs.Ticket != "" {
		if err := c.noteOnTicket(ctx, cs.Ticket, nil); err != nil {
			return Reply{}, err
		}
		cs.Steps++
		return c.text(joinNonEmpty(head+c.b.caseSteps(cs.Kind, true), fmt.Sprintf(textCaseAdded, cs.Ticket))), nil
	}
	steps := c.b.caseSteps(cs.Kind, false)
	cs.Steps++
	if c.stateless {
		return c.text(head + steps + "\n" + textCaseNoTicket), nil
	}
	t, err := c.fileUrgent(ctx, kind)
	if err != nil {
		return Reply{}, err
	}
	cs.Ticket = t.No
	if en {
		return c.text(c.b.englishCaseText(t.No)), nil
	}
	out := joinNonEmpty(head+steps, c.caseTicketLine())
	if isHandoff(text) || strings.Contains(b, "人工") {
		out = joinNonEmpty(out, c.caseHandoffLine())
	}
	return c.text(out), nil
}

// caseTicketLine tells the user about the case's urgent ticket and what the desk promises now.
func (c *conv) caseTicketLine() string {
	no := c.s.Case.Ticket
	if no == "" {
		return textCaseNoTicket
	}
	return fmt.Sprintf(textCaseTicket, no, c.b.urgentPromise(c.now)) + "\n" + textCaseAddMore
}

// withTicket puts the case's ticket line under s.
func (c *conv) withTicket(s string) string {
	if c.s.Case == nil || c.s.Case.Ticket == "" {
		return s
	}
	return s + "\n" + fmt.Sprintf(textCaseTicketShort, c.s.Case.Ticket)
}

// caseDone acknowledges a step the user took and says what is left.
func (c *conv) caseDone(b string) string {
	left := textCaseLeftBank
	if strings.Contains(b, "银行") {
		left = textCaseLeftPolice
	}
	return c.withTicket(textCaseDoneAck + left)
}

// caseHandoff answers a request for a human inside a case: the agents see the urgent ticket;
// outside hours the ticket already waits for them and the user is told what works now.
func (c *conv) caseHandoff() Reply {
	c.count("", statHandoff)
	c.s.Prompt = prompt{}
	c.s.Asks++
	return c.text(c.caseHandoffLine())
}

func (c *conv) caseHandoffLine() string {
	no := ""
	if c.s.Case != nil {
		no = c.s.Case.Ticket
	}
	if c.b.hours.open(c.now) && !c.stateless {
		c.s.Handoff = true
		if no != "" {
			return fmt.Sprintf(textCaseHandoffOpen, no)
		}
		return c.b.handoffOpenText()
	}
	if no == "" {
		return c.b.handoffClosedShort(c.now)
	}
	return fmt.Sprintf(textCaseHandoffClosed, c.b.hours.window(c.now), no, c.b.hours.nextOpen(c.now))
}

// fileUrgent files the urgent ticket of a fund-safety case from the user's message.
func (c *conv) fileUrgent(ctx context.Context, kind string) (*Ticket, error) {
	typ := TypeOther
	if kind == caseTakeover {
		typ = TypeMerchant
	}
	c.s.Urgent = false
	t := &Ticket{
		OpenID: c.m.OpenID, Type: typ, Priority: PriorityUrgent, Status: StatusOpen,
		CreatedAt: c.now, UpdatedAt: c.now, DueAt: c.b.urgentDue(c.now),
		MerchantNo: findMerchantNo(c.userText), Description: c.userText,
		Category: "anti-fraud", Replies: []TicketReply{},
	}
	if err := c.storeTicket(ctx, newToken(), t); err != nil {
		return nil, err
	}
	c.s.Ticket = t.No
	return t, nil
}

// noteOnTicket adds the user's message to a ticket's transcript (what happened next) and
// applies change, if any.
func (c *conv) noteOnTicket(ctx context.Context, no string, change func(t *Ticket)) error {
	_, err := c.b.st.updateTicket(ctx, no, EventNoted, func(t *Ticket) (map[string]any, error) {
		if t.OpenID != c.m.OpenID {
			return nil, ErrNoTicket
		}
		if change != nil {
			change(t)
		}
		t.Transcript = append(t.Transcript, Turn{Time: c.now, From: "user", Text: c.userText})
		if len(t.Transcript) > 20 {
			t.Transcript = t.Transcript[len(t.Transcript)-20:]
		}
		t.UpdatedAt = c.now
		return nil, nil
	})
	if err != nil && !isNoTicket(err) {
		return err
	}
	return nil
}

// urgentDue is when an urgent ticket filed at now is due: an hour later while the urgent desk
// works, otherwise an hour after it opens.
func (b *Bot) urgentDue(now time.Time) time.Time {
	if b.urgent24h {
		return now.Add(slaUrgent)
	}
	return b.hours.nextOpenAt(now).Add(slaUrgent)
}

// urgentPromise is what the bot may promise about an urgent ticket filed at now.
func (b *Bot) urgentPromise(now time.Time) string {
	due := b.shortTime(b.urgentDue(now))
	if b.urgent24h || b.hours.open(now) {
		return fmt.Sprintf(textUrgentOpen, due)
	}
	return fmt.Sprintf(textUrgentClosed, b.hours.window(now), b.hours.nextOpen(now), due)
}

// caseSteps lists what to do now for a kind of case; short is the reminder given again.
func (b *Bot) caseSteps(kind string, short bool) string {
	first := caseFirstStep[kind]
	if first == "" {
		first = caseFirstStep[caseLoss]
	}
	if short {
		return fmt.Sprintf(textCaseStepsShort, first, b.contact("hotline"))
	}
	return fmt.Sprintf(textCaseSteps, first, b.contact("hotline"), b.hours.window(b.now()))
}

// Phone numbers that claim to be 易联's.

// numberRE finds a phone-like number: 400-800-9000, 010-88888888, 0755 1234 5678, 95338.
var numberRE = regexp.MustCompile(`\+?\d[\d\- ]{3,16}\d`)

// officialAskRE: the message asks whether a number is 易联's (or reports a call from it).
var officialAskRE = mustMatcher(`官方|你们的|是你们|你们电话|你们号码|真的|假的|是不是|对吧|对吗|是易联|说是|自称|打给我|打过来|打来|打电话|来电|号码|电话|热线|呢`)

// phoneCheck tells the user whether a number they ask about is one of 易联's official ones
// (compared with the configured numbers, dashes and spaces ignored).
func (c *conv) phoneCheck(_ context.Context, text string) (Reply, bool, error) {
	if c.inFlow() {
		return Reply{}, false, nil // a phone typed in the flow is the user's own
	}
	num := claimedNumber(text)
	if num == "" || !officialAskRE.MatchString(bare(text)) {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	switch digits(num) {
	case digits(c.b.contact("hotline")):
		return c.text(fmt.Sprintf(textNumberHotline, c.b.contact("hotline"), c.b.hours.window(c.now))), true, nil
	case digits(c.b.contact("emergency_line")):
		return c.text(fmt.Sprintf(textNumberEmergency, c.b.contact("emergency_line"), c.b.contact("hotline"))), true, nil
	}
	if c.s.Case == nil {
		c.s.Case = &fundCase{Kind: caseRisk}
	}
	return c.text(fmt.Sprintf(textNumberNotOfficial, num) + "\n" + c.b.officialNumbers() + "\n" + textNumberAdvice), true, nil
}

// claimedNumber returns the first phone-like number in text that is not a merchant number, a
// ticket number or an amount.
func claimedNumber(text string) string {
	t := foldASCII(text)
	if looseTicketNoRE.MatchString(t) {
		t = looseTicketNoRE.ReplaceAllString(t, " ")
	}
	for _, m := range numberRE.FindAllStringIndex(t, -1) {
		n := strings.TrimSpace(t[m[0]:m[1]])
		d := digits(n)
		if len(d) < 5 || len(d) > 13 || merchantNoRE.MatchString(d) || publicLines[d] {
			continue
		}
		rest := t[m[1]:]
		if strings.HasPrefix(rest, "元") || strings.HasPrefix(rest, "块") || strings.HasPrefix(rest, "万") {
			continue
		}
		return n
	}
	return ""
}

// publicLines are public-service numbers users name when upset ("去12315投诉"): never a
// caller claiming to be 易联.
var publicLines = map[string]bool{"12315": true, "12345": true, "12363": true, "12378": true, "96110": true, "12321": true}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, foldASCII(s))
}

// officialNumbers names every official number, from configuration.
func (b *Bot) officialNumbers() string {
	s := fmt.Sprintf(textOfficialHotline, b.contact("hotline"))
	if e := b.contact("emergency_line"); e != "" {
		s += fmt.Sprintf(textOfficialEmergency, e)
	}
	return s + textOfficialOthers
}

// Merchant numbers in sentences.

// merchantInTextRE finds a merchant number in a sentence: 88 and eight more digits, spaces and
// dashes allowed between them, not part of a longer number.
var merchantInTextRE = regexp.MustCompile(`(^|[^0-9])(8[ -]?8(?:[ -]?[0-9]){8})($|[^0-9])`)

// findMerchantNo returns the merchant number in text, normalised, or "".
func findMerchantNo(text string) string {
	m := merchantInTextRE.FindStringSubmatch(foldASCII(text))
	if m == nil {
		return ""
	}
	return digits(m[2])
}

// mobileInTextRE finds a mainland mobile or a landline in a sentence.
var (
	mobileInTextRE   = regexp.MustCompile(`(^|[^0-9])((?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){8})($|[^0-9])`)
	landlineInTextRE = regexp.MustCompile(`(^|[^0-9])(0[0-9]{2,3}-?[0-9]{7,8})($|[^0-9])`)
)

// findPhone returns the phone number in text (a mobile normalised to its 11 digits), or "".
func findPhone(text string) string {
	t := foldASCII(text)
	if m := mobileInTextRE.FindStringSubmatch(t); m != nil {
		d := digits(m[2])
		return d[len(d)-11:]
	}
	if m := landlineInTextRE.FindStringSubmatch(t); m != nil {
		return m[2]
	}
	return ""
}

// Small words between questions.

var (
	stickerRE = regexp.MustCompile(`\[[^\[\]]{1,6}\]`)
	// thanksRE, okRE, byeRE, presenceRE and negativeRE match a whole short message (bare).
	thanksRE       = regexp.MustCompile(`^(好的?|行|嗯|明白了?|知道了|收到)?(太|非常|十分|真是|真的)?(谢谢|谢啦|谢了|多谢|感谢|太感谢|非常感谢|辛苦|thank|thx|thanks|ty)`)
	okRE           = regexp.MustCompile(`^((好的?|好吧|好嘞|好滴|行吧?|可以|嗯+|哦+|噢+|ok(ay)?|okk|知道了|明白了?|了解|收到|懂了|是的|对|哈+|呵+|早说嘛|没事了?|没问题|这样啊|原来如此|那好吧|我去.{0,6}看看|我自己看看|先这样|那先这样|那个|(我)?(打|说|写|输|发)错了)(吧|啊|了|哈|呀|的|呢)*)+$`)
	byeRE          = regexp.MustCompile(`(^|没事了?|好的?|那)(再见|拜拜|拜|88|886|bye|byebye|goodbye|回头见)$|^(88|886)$`)
	presenceRE     = regexp.MustCompile(`^(你?还在吗|还在不|在吗|在不在|人呢|有人在吗|hello|anyoneth?ere|isanyonethere|hi|hey)$`)
	whereRE        = mustMatcher(`^(你们|易联|贵)(公司|总部|办公室?)?(在哪|在哪里|在哪儿|地址|的地址|位置)|公司地址|办公地址|总部在`)
	capabilityRE   = regexp.MustCompile(`^(那)?(你们|你|易联)(能|可以|会)(干嘛|干啥|做什么|做啥|帮我什么|帮我做什么|干什么)|你们是做什么的|易联是做什么的|你们是干嘛的`)
	dissatisfiedRE = mustMatcher(`就会说这些|说这些没用|没用的|废话|别跟我说|敷衍|解决不了|糊弄|车轱辘`)
	negativeRE     = regexp.MustCompile(`^(没用|没啥用|没什么用|没有用|一点用都没有|没帮助|没有帮助|不对|不是这个|答非所问|不行|还是不行|没解决|不好用|没看懂|看不懂)(啊|呀|吧|的)*$`)
	emojiOnly      = func(s string) bool {
		s = stickerRE.ReplaceAllString(s, "")
		for _, r := range s {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return false
			}
		}
		return true
	}
)

// smallWords answers thanks, okays, emoji and stickers, goodbyes, "还在吗" and negative
// feedback with a line and no menu.
func (c *conv) smallWords(_ context.Context, text string) (Reply, bool, error) {
	raw := strings.TrimSpace(text)
	if isMenuWord(raw) || raw == "#" {
		return Reply{}, false, nil
	}
	b := bare(stickerRE.ReplaceAllString(raw, ""))
	en := isEnglish(raw)
	switch {
	case b == "" && emojiOnly(raw):
		if c.s.Seen.IsZero() {
			return c.text(c.b.greetingText()), true, nil
		}
		return c.ack(textOK), true, nil
	case byeRE.MatchString(b) || (en && englishByeRE.MatchString(b)):
		c.s.Prompt = prompt{}
		c.s.Repeats = 0
		if en {
			return c.text(textEnglishBye), true, nil
		}
		return c.text(textBye), true, nil
	case thanksRE.MatchString(b) && utf8.RuneCountInString(b) <= 12:
		if en {
			return c.ack(textEnglishThanks), true, nil
		}
		return c.ack(textYoureWelcome), true, nil
	case okRE.MatchString(b):
		if en {
			return c.ack(textEnglishOK), true, nil
		}
		return c.ack(textOK), true, nil
	case presenceRE.MatchString(b) && !c.s.Seen.IsZero():
		if en {
			return c.text(textEnglishHello), true, nil
		}
		return c.text(textStillHere), true, nil
	case isCancel(raw) && utf8.RuneCountInString(b) <= 6:
		// Nothing to cancel: a short okay.
		c.s.Prompt = prompt{}
		return c.text(textNothingToCancel), true, nil
	case whereRE.MatchString(b):
		c.s.Prompt = prompt{}
		return c.text(fmt.Sprintf(textWhere, c.b.contact("hotline"), c.b.hours.window(c.now), c.b.contact("service_email"))), true, nil
	case capabilityRE.MatchString(b):
		c.s.Prompt = prompt{}
		return c.text(textCapabilities), true, nil
	case dissatisfiedRE.MatchString(b) && utf8.RuneCountInString(b) <= 16:
		c.s.Prompt = prompt{}
		c.s.Last = ""
		return c.text(textEmpathy + strings.TrimPrefix(c.humanOffer(true), "\n\n")), true, nil
	case negativeRE.MatchString(b) && c.s.Last == "":
		c.s.Prompt = prompt{}
		return c.text(c.b.sorryText(c.now)), true, nil
	}
	return Reply{}, false, nil
}

// ack answers an acknowledgement; after an answer it counts as "helpful".
func (c *conv) ack(s string) Reply {
	if c.s.Last != "" {
		if e, ok := c.b.kb.Content().Entry(c.s.Last); ok {
			c.count(e.Category, statHelpful)
		}
		c.s.Last, c.s.Alts = "", nil
	}
	c.s.Repeats, c.s.Need = 0, ""
	return c.text(s)
}

// English.

var (
	englishHandoffRE = regexp.MustCompile(`realperson|human|agent|staff|operator|talkto|speakto|someone`)
	englishByeRE     = regexp.MustCompile(`bye|seeyou|goodbye`)
	// englishTerms map English words onto the knowledge base's Chinese.
	englishTerms = []struct {
		re *regexp.Regexp
		zh string
	}{
		{regexp.MustCompile(`refund`), "退款多久到账"},
		{regexp.MustCompile(`cross.?border|usd|dollar|foreign|overseas|international`), "跨境支付"},
		{regexp.MustCompile(`frozen|freeze|on ?hold|withheld|blocked`), "资金被冻结了怎么办"},
		{regexp.MustCompile(`settle|payout|notarriv|notreceiv`), "结算款没到账"},
		{regexp.MustCompile(`fee|rate|charge`), "费率是多少"},
		{regexp.MustCompile(`invoice`), "发票怎么开"},
		{regexp.MustCompile(`password|login|log in`), "忘记登录密码"},
		{regexp.MustCompile(`statement|reconcil`), "对账单在哪下载"},
	}
)

// isEnglish reports whether text is written in English (mostly Latin letters, no Chinese).
func isEnglish(text string) bool {
	letters, han := 0, 0
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			letters++
		}
	}
	return han == 0 && letters >= 2
}

// english answers a message in English: a human, a greeting, or the Chinese answer under an
// English line.
func (c *conv) english(ctx context.Context, text string) (Reply, bool, error) {
	if !isEnglish(text) {
		return Reply{}, false, nil
	}
	b := bare(text)
	low := strings.ToLower(text)
	if englishHandoffRE.MatchString(b) {
		c.count("", statHandoff)
		c.s.Prompt = prompt{}
		if c.b.hours.open(c.now) && !c.stateless {
			c.s.Handoff = true
			return c.text(textEnglishHandoffOpen), true, nil
		}
		return c.text(fmt.Sprintf(textEnglishHandoffClosed, c.b.hours.window(c.now), c.b.contact("hotline"))), true, nil
	}
	for _, t := range englishTerms {
		if !t.re.MatchString(low) {
			continue
		}
		res, err := c.b.kb.Search(ctx, t.zh, 3)
		if err != nil {
			return Reply{}, true, err
		}
		if res.Decision == "answer" && len(res.Hits) > 0 {
			e, ok := c.b.kb.Content().Entry(res.Hits[0].ID)
			if ok {
				c.count(e.Category, statAnswered)
				c.s.Prompt = prompt{}
				c.s.Topic, c.s.TopicQ = e.ID, t.zh
				head, cut := shortAnswer(e.Answer, answerRunes)
				c.s.Answered, c.s.Detail = e.ID, cut
				if cut {
					head += "\n" + textEnglishMore
				}
				return c.text(fmt.Sprintf(textEnglishAnswer, c.b.contact("hotline"), c.b.hours.window(c.now)) + "\n\n" + head), true, nil
			}
		}
	}
	return c.text(fmt.Sprintf(textEnglishHelp, c.b.contact("hotline"), c.b.hours.window(c.now))), true, nil
}

// Other companies' products.

// otherCompanies name other companies' products and services and whose they are.
var otherCompanies = []struct {
	re    *matcher
	owner string
}{
	{mustMatcher(`支付宝|花呗|借呗|余额宝|蚂蚁`), "支付宝"},
	{mustMatcher(`微信(支付|零钱|钱包|红包|转账)|零钱通|财付通|微信的?零钱|微信的?(个人)?收款码|微信的?提现`), "微信支付"},
	{mustMatcher(`paypal|贝宝`), "PayPal"},
	{mustMatcher(`stripe|payoneer|派安盈|wise|万里汇|worldfirst`), "对应的跨境收款平台"},
	{mustMatcher(`云闪付|银联`), "中国银联（云闪付）"},
	{mustMatcher(`拉卡拉`), "拉卡拉"},
	{mustMatcher(`京东支付|京东金融|白条`), "京东"},
	{mustMatcher(`美团支付|抖音支付`), "对应平台"},
	{mustMatcher(`(工行|工商银行|建行|建设银行|农行|农业银行|中行|中国银行|交行|交通银行|招行|招商银行|邮储|浦发|中信银行|光大银行|民生银行|兴业银行|平安银行)`), "发卡银行"},
}

// walletNameRE names another wallet in a comparison.
var walletNameRE = mustMatcher(`微信|支付宝|银联|拉卡拉`)

// ourWordsRE: the message is (also) about 易联 itself.
var ourWordsRE = mustMatcher(`易联|你们|贵司|小票|商家|商户|收款码|签约`)

// compareRE: a comparison with another company.
var compareRE = mustMatcher(`哪个|哪家|比|对比|相比|区别|更便宜|更低`)

// otherCompany answers a question about another company's product honestly: it is theirs, and
// this is what 易联 can help with. A question that is also about 易联 goes on to the FAQ.
func (c *conv) otherCompany(ctx context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	owner, name := "", ""
	for _, o := range otherCompanies {
		if m := o.re.FindString(b); m != "" {
			owner, name = o.owner, m
			break
		}
	}
	if owner == "" {
		// A follow-up about another wallet ("那微信零钱呢") after such an answer.
		if c.s.Topic == topicOther && (strings.Contains(b, "零钱") || strings.Contains(b, "微信")) {
			owner, name = "微信支付", "微信零钱"
		} else if m := walletNameRE.FindString(b); m != "" && compareRE.MatchString(b) {
			owner, name = m, m // "比微信便宜吗"
		} else {
			return Reply{}, false, nil
		}
	}
	if lt := strings.ToLower(text); len(lt) == len(text) {
		if i := strings.Index(lt, name); i >= 0 {
			name = text[i : i+len(name)] // "PayPal" as the user wrote it
		}
	}
	rest := strings.Replace(b, strings.ToLower(name), "", 1) // "微信收款码" is not 易联's 收款码
	if compareRE.MatchString(b) && !ourWordsRE.MatchString(rest) && c.s.LastCategory != "" {
		// "比微信便宜吗" after an answer about 易联: a comparison, not a question about them.
		c.s.Prompt = prompt{}
		c.s.Topic = ""
		return c.text(fmt.Sprintf(textNoCompare, owner) + fmt.Sprintf(textCompareOurs, c.b.contact("hotline"))), true, nil
	}
	if ourWordsRE.MatchString(rest) {
		if owner == "发卡银行" {
			// "是你们的问题还是银行的问题": both parts are real; 易联's is answered.
			c.pre = fmt.Sprintf(textBankAndUs, name)
			return Reply{}, false, nil
		}
		if compareRE.MatchString(b) {
			c.s.Topic = ""
			c.pre = fmt.Sprintf(textNoCompare, owner)
		} else if !strings.Contains(b, "小票") && !strings.Contains(b, "商家") {
			res, err := c.b.kb.Search(ctx, query(c.userText), 3)
			if err != nil {
				return Reply{}, true, err
			}
			if res.Decision != "answer" {
				c.s.Prompt = prompt{}
				return c.text(fmt.Sprintf(textTheirProductOnly, name, owner, c.b.contact("hotline"))), true, nil
			}
			c.pre = fmt.Sprintf(textTheirProduct, name, owner)
		}
		return Reply{}, false, nil
	}
	c.count("", statNone)
	c.s.Prompt = prompt{}
	c.s.Topic, c.s.TopicQ = topicOther, ""
	c.s.Last = ""
	if owner == "发卡银行" {
		return c.text(fmt.Sprintf(textBankProduct, name)), true, nil
	}
	return c.text(fmt.Sprintf(textOtherCompany, name, owner, owner)), true, nil
}

// topicOther marks that the last answer was about another company's product.
const topicOther = "_other"

// Emotion.

var upsetRE = mustMatcher(`[!！]{2,}|[?？]{3,}|怎么回事|搞什么|投诉|垃圾|骗子公司|吞了|气死|急死|烦死|到底|还做不做|什么破|太差|太慢|给我个说法|必须给|差评|不管|凭什么|坑人|人民银行`)

// upset reports whether the user sounds upset.
func upset(text string) bool { return upsetRE.MatchString(text) }

// merchantNoQuestionRE asks what or where the merchant number is.
var merchantNoQuestionRE = regexp.MustCompile(`商户(编|代)?号.{0,6}(在哪|哪里|哪儿|哪看|去哪|哪找|哪查|怎么(看|查|找)|是什么|是啥|什么意思|啥意思|指什么|多少位|找不到)`)

// slaQuestionRE asks how long a ticket takes.
var slaQuestionRE = regexp.MustCompile(`多久.{0,4}(回|处理|答复|联系)|什么时候.{0,4}(回|处理|答复|联系)|几(个)?小时.{0,3}(回|处理)|多长时间`)

// whenRE, chaseRE: a question about the user's own ticket.
var (
	whenRE  = mustMatcher(`什么时候.{0,6}(处理|回复|解决|好|联系|有结果)|多久.{0,6}(处理|回复|解决|好|有人)|进度|处理到哪|怎么(还)?没(人)?(处理|回复|理|联系|消息)|没人理|有结果了?吗|还要多久|要等多久`)
	chaseRE = mustMatcher(`催一下|催催|催单|帮我催|快点处理|加急处理|能不能快点|赶紧处理|催`)
	// forgotNoRE: the user does not have the ticket number.
	forgotNoRE = mustMatcher(`(单号|工单号|编号).{0,4}(忘|不记得|找不到|没记|丢)`)
)

// myTicket answers "什么时候处理", "催一下" and "进度" about the ticket filed in this
// conversation (or the user's latest open one).
func (c *conv) myTicket(ctx context.Context, text string) (Reply, bool, error) {
	if c.stateless || c.inFlow() {
		return Reply{}, false, nil
	}
	b := bare(text)
	if forgotNoRE.MatchString(b) {
		c.s.OfferTicket = true
		c.s.Prompt = prompt{}
		return c.text(textForgotNo + c.b.humanWhen(c.now)), true, nil
	}
	chase := chaseRE.MatchString(b)
	if !chase && !whenRE.MatchString(b) {
		return Reply{}, false, nil
	}
	if utf8.RuneCountInString(b) > 30 {
		return Reply{}, false, nil
	}
	var t *Ticket
	if c.s.Ticket != "" {
		got, err := c.b.st.ticket(ctx, c.s.Ticket)
		if err != nil && !isNoTicket(err) {
			return Reply{}, true, err
		}
		if err == nil && got.OpenID == c.m.OpenID {
			t = got
		}
	}
	if t == nil {
		ts, err := c.b.st.userTickets(ctx, c.m.OpenID, 5)
		if err != nil {
			return Reply{}, true, err
		}
		for i := range ts {
			if !ts[i].Status.done() {
				t = &ts[i]
				break
			}
		}
	}
	c.s.Prompt = prompt{}
	if t == nil {
		if strings.Contains(b, "工单") || chase {
			c.s.OfferTicket = true
			return c.text(textNoTicketFound), true, nil
		}
		return Reply{}, false, nil
	}
	var sb strings.Builder
	if chase || upset(text) {
		sb.WriteString(textSorryWait)
	}
	fmt.Fprintf(&sb, textTicketStatus, t.No, t.Type.Name(), t.Status.Name())
	if t.Priority == PriorityUrgent {
		sb.WriteString("（加急）")
	}
	overdue := c.now.After(t.DueAt)
	open := c.b.hours.open(c.now)
	switch {
	case t.Status.done():
		sb.WriteString("。")
	case overdue:
		fmt.Fprintf(&sb, textTicketOverdue, c.b.shortTime(t.DueAt))
	case open || t.Priority == PriorityUrgent:
		fmt.Fprintf(&sb, textTicketDue, c.b.shortTime(t.DueAt))
	default:
		sb.WriteString("。")
	}
	if !open {
		// A due time in the night is not what happens: say when people are back.
		fmt.Fprintf(&sb, textTicketClosedHours, c.b.hours.window(c.now), c.b.hours.nextOpen(c.now), slaText(slaFor(t.Type, false)))
	}
	if chase {
		if err := c.noteOnTicket(ctx, t.No, nil); err != nil {
			return Reply{}, true, err
		}
		sb.WriteString(textChased)
		if c.b.hours.open(c.now) {
			c.s.Handoff = true
			sb.WriteString(textChaseHandoff)
		}
	}
	return c.text(sb.String()), true, nil
}

func isNoTicket(err error) bool { return errors.Is(err, ErrNoTicket) }

// merchantNoQuestion explains the merchant number.
func (c *conv) merchantNoQuestion(_ context.Context, text string) (Reply, bool, error) {
	if !merchantNoQuestionRE.MatchString(bare(text)) {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	return c.text(textMerchantNoHelp + textMerchantNoExplain), true, nil
}

// merchantTicket files a ticket when a merchant number follows a question the bot could not
// settle ("商户号8801239876 你自己查"): the bot cannot look into accounts, the agents can.
func (c *conv) merchantTicket(_ context.Context, text string) (Reply, bool, error) {
	no := findMerchantNo(text)
	if no == "" || c.stateless || c.s.Flow != nil || c.s.LastQ == "" || utf8.RuneCountInString(bare(text)) > 30 {
		return Reply{}, false, nil
	}
	f := &flow{ID: newToken(), Step: stepDesc, Type: TypeMerchant, MerchantNo: no, Urgent: c.s.Urgent}
	if cat := c.s.LastCategory; cat == "api-integration" {
		f.Type = TypeTech
	}
	if utf8.RuneCountInString(c.s.LastQ) >= minDescRunes {
		f.Desc = c.s.LastQ
		f.Step = stepContact
	}
	c.s.Flow = f
	c.s.Prompt = prompt{}
	return c.text(joinNonEmpty(fmt.Sprintf(textMerchantTicket, no), c.flowPrompt())), true, nil
}
