package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// A merchant whose payments are failing right now: every order times out, nothing can be
// collected. It is pressing like a loss, though no fraud is involved, so it gets its own step.
var (
	// outageDownRE finds the service itself said to be down: 接口挂了, 系统崩了.
	outageDownRE = regexp.MustCompile(`(接口|系统|支付|收款|收银|通道|网关|服务器|平台)(又|是不是|好像|突然)?(挂了|崩了|宕机|瘫痪|不可用)`)
	// outageAllRE finds failures said of everything: 全部报超时, 所有订单都失败, 都付不了.
	outageAllRE = regexp.MustCompile(`(全部|全都|所有|大面积|大量|每一?笔|都)[^，,。]{0,8}(超时|报错|失败|付不了|支付不了|收不了|付不出)`)
	// outagePayRE is the payment the failures must be about, so that 实名认证都失败 is not one.
	outagePayRE = regexp.MustCompile(`订单|交易|支付|下单|付款|收款|接口|收银|扫码|付不了|收不了`)
	// outageCollectRE finds money that cannot come in at all: 收不了款, 顾客付不了了.
	outageCollectRE = regexp.MustCompile(`收不了(款|钱)|(付|支付|收款)不了了|无法(收款|支付)|(都|全部|全都)付不了`)
	// outageRushRE is what makes an outage pressing beyond the failure itself.
	// lineDeadRE is a phone line that did not answer.
	lineDeadRE   = regexp.MustCompile(`没人接|无人接|打不通|占线|没接通|打不进`)
	outageRushRE = regexp.MustCompile(`大促|高峰|双十一|双11|活动|每分钟|一分钟|亏|损失|急|马上|赶紧|值班`)
)

// isOutage reports whether b (bare text) says payments are down right now for the merchant.
func isOutage(b string) bool {
	if strings.Contains(b, "退款") {
		return false // refunds failing are the refund FAQ's
	}
	return outageDownRE.MatchString(b) || outageCollectRE.MatchString(b) ||
		outageAllRE.MatchString(b) && outagePayRE.MatchString(b)
}

// outage answers payments down right now: one line for the urgency, whether a maintenance was
// announced, what to do now, and an urgent technical ticket really filed at once, with its
// number (a draft is no ticket): what is missing, such as the merchant number, is asked for
// after and added to it. Inside service hours a person is offered at once.
func (c *conv) outage(ctx context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if c.inFlow() {
		return c.outageLineDead(b)
	}
	if c.s.Topic == topicOutage && c.s.Ticket != "" && !c.stateless {
		if r, ok, err := c.outageFollowUp(ctx, text, b); ok || err != nil {
			return r, true, err
		}
	}
	if !isOutage(b) || isTicketStart(text) {
		return Reply{}, false, nil
	}
	ack := textOutageAck
	if outageRushRE.MatchString(b) {
		ack = textOutageAckRush
	}
	now := fmt.Sprintf(textOutageNowOpen, c.b.contact("hotline"), c.b.contact("emergency_line"))
	if !c.b.hours.open(c.now) {
		// Out of hours only what answers now is named: neither line is staffed.
		now = fmt.Sprintf(textOutageNowClosed, c.b.contact("hotline"), c.b.hours.window(c.now), c.b.contact("emergency_line"))
	}
	if shopRE.MatchString(b) {
		now += "\n" + textOutageCheck // a till or a QR code at a shop, not an API
	}
	c.s.Prompt = prompt{}
	if c.stateless {
		// Without a session nothing can be filed: say so, and who answers.
		return c.text(joinNonEmpty(ack, c.noticeLine(), now, fmt.Sprintf(textOutageNoStore, c.b.contact("hotline"), c.b.hours.window(c.now)))), true, nil
	}
	t := c.urgentTicket(TypeTech, "maintenance")
	if err := c.storeTicket(ctx, newToken(), t); err != nil {
		return Reply{}, true, err
	}
	c.s.Topic, c.s.TopicQ, c.s.Last = topicOutage, "", ""
	filed := fmt.Sprintf(textOutageFiled, t.No, c.outagePromise(t.DueAt))
	var next []string
	if t.MerchantNo == "" {
		next = append(next, textOutageNeedMerchant)
	}
	if c.b.hours.open(c.now) {
		next = append(next, textOutageHuman)
	}
	return c.text(joinNonEmpty(ack, c.noticeLine(), now, filed, strings.Join(next, ""))), true, nil
}

// topicOutage marks that an urgent outage ticket was filed in this conversation (c.s.Ticket).
const topicOutage = "_outage"

var (
	// maintenanceAskRE asks whether 易联 is down or doing maintenance.
	maintenanceAskRE = regexp.MustCompile(`维护|升级|检修|是不是你们|你们(那边|系统|平台).{0,6}(问题|故障|挂|崩)|有没有(公告|通知)`)
	// fileAskRE asks to file or register the problem.
	fileAskRE = regexp.MustCompile(`登记|提交|提个|报修|报障|开个?工单|记一下|帮我报`)
	// merchantLabelRE is the label left beside a merchant number taken out of a sentence.
	merchantLabelRE = regexp.MustCompile(`(我的|我们的|我们)?(商户编号|商户号|商户代码)(是|为|:|：)?`)
	// shopRE says the payments fail at a shop's till or QR code, where the device is worth a look.
	shopRE = regexp.MustCompile(`店|扫码|收款码|二维码|pos|收银|顾客|客人|桌`)
	// noPhoneRE declines to leave a phone.
	noPhoneRE = regexp.MustCompile(`不(用|必)?留(电话|手机|号码|了)?|不用电话|不要电话|别打电话`)
	// stillDownRE says it still fails.
	stillDownRE = regexp.MustCompile(`还是(不行|失败|收不了|付不了|报错|超时|不能)|还没(好|恢复)|一直(不行|失败)`)
)

// outageFollowUp answers what follows an outage ticket: the merchant number or a phone added to
// it, whether it is maintenance, a request to file it (it is filed), a human out of hours.
func (c *conv) outageFollowUp(ctx context.Context, text, b string) (Reply, bool, error) {
	no := c.s.Ticket
	t, err := c.b.st.ticket(ctx, no)
	if err != nil && !isNoTicket(err) {
		return Reply{}, true, err
	}
	if err != nil || t.OpenID != c.m.OpenID {
		return Reply{}, false, nil
	}
	// missing asks for the merchant number while the ticket has none.
	missing := ""
	if t.MerchantNo == "" {
		missing = "\n" + textOutageNeedMerchant
	}
	merchant, phone := findMerchantNo(text), findPhone(text)
	rest := strings.TrimSpace(merchantLabelRE.ReplaceAllString(takeRest(c.userText), " "))
	if fileAskRE.MatchString(bare(rest)) || utf8.RuneCountInString(bare(rest)) < 4 {
		rest = "" // "那先给我登记一下吧": no description
	}
	switch {
	case merchant != "":
		if err := c.noteOnTicket(ctx, no, func(t *Ticket) {
			t.MerchantNo = merchant
			if rest != "" {
				t.Description = joinDesc(t.Description, rest)
			}
		}); err != nil {
			return Reply{}, true, err
		}
		s := fmt.Sprintf(textOutageMerchantAdded, merchant, no)
		if rest != "" {
			s = fmt.Sprintf(textOutageMerchantMore, merchant, no)
		}
		if maintenanceAskRE.MatchString(b) {
			s = c.noticeLine() + "\n" + s
		}
		return c.text(s + textOutagePhoneAsk), true, nil
	case phone != "" && claimedNumber(text) != "" && !numberClaimRE.MatchString(b):
		if err := c.noteOnTicket(ctx, no, func(t *Ticket) {
			t.Contact, t.ContactMasked = phone, maskPhones(phone)
		}); err != nil {
			return Reply{}, true, err
		}
		return c.text(fmt.Sprintf(textOutagePhoneAdded, maskPhones(phone), no)), true, nil
	case lineDeadRE.MatchString(b):
		if err := c.noteOnTicket(ctx, no, func(t *Ticket) { t.Description = joinDesc(t.Description, "备用热线未接通") }); err != nil {
			return Reply{}, true, err
		}
		return c.text(textOutageLineDead + missing), true, nil
	case (contactSkipRE.MatchString(b) || noPhoneRE.MatchString(b)) && utf8.RuneCountInString(b) <= 12:
		s := fmt.Sprintf(textOutageNoPhone, no, clip(t.Description, 60))
		if t.MerchantNo != "" {
			s += fmt.Sprintf(textOutageSummaryMerchant, t.MerchantNo)
		}
		return c.text(s + "\n" + textOutageRepliesHere), true, nil
	case isHandoff(text) && !c.b.hours.open(c.now):
		return c.text(fmt.Sprintf(textOutageHandoffClosed, c.b.hours.window(c.now), no, c.b.hours.nextOpen(c.now), c.b.contact("hotline"))), true, nil
	case maintenanceAskRE.MatchString(b):
		return c.text(c.noticeLine() + "\n" + fmt.Sprintf(textOutageInHand, no) + missing), true, nil
	case stillDownRE.MatchString(b) || isOutage(b):
		if err := c.noteOnTicket(ctx, no, nil); err != nil {
			return Reply{}, true, err
		}
		if !c.b.hours.open(c.now) {
			return c.text(fmt.Sprintf(textOutageNotedClosed, no, c.b.hours.nextOpen(c.now)) + missing), true, nil
		}
		return c.text(fmt.Sprintf(textOutageNoted, no, c.b.contact("hotline")) + missing), true, nil
	case fileAskRE.MatchString(b) || utf8.RuneCountInString(b) <= 2 && digits(b) == b && b != "":
		// "帮我登记一下", or a type number typed out of habit: the ticket is filed already.
		return c.text(fmt.Sprintf(textOutageAlready, no)), true, nil
	}
	return Reply{}, false, nil
}

// noticeLine says whether a maintenance or incident is announced now.
func (c *conv) noticeLine() string {
	if n, ok := c.activeNotice(); ok {
		return fmt.Sprintf(textOutageNotice, n.Text)
	}
	return textOutageNoNotice
}

// outagePromise is when the technical desk gets in touch about an urgent ticket due at due.
func (c *conv) outagePromise(due time.Time) string {
	if c.b.urgent24h || c.b.hours.open(c.now) {
		return fmt.Sprintf(textOutagePromiseOpen, c.b.shortTime(due))
	}
	return fmt.Sprintf(textOutagePromiseClosed, c.b.hours.window(c.now), c.b.hours.nextOpen(c.now), c.b.shortTime(due))
}

// outageLineDead answers, inside an outage ticket, that the backup line did not answer: the
// ticket is already urgent, so the step's question again rather than a reading as its answer.
func (c *conv) outageLineDead(b string) (Reply, bool, error) {
	f := c.s.Flow
	if f == nil || !f.Outage || !lineDeadRE.MatchString(b) || numberRE.MatchString(b) {
		return Reply{}, false, nil
	}
	f.Desc = joinDesc(f.Desc, "备用热线未接通")
	return c.text(textOutageLineDead + "\n\n" + c.flowPrompt()), true, nil
}

// activeNotice is the first maintenance or incident notice active now.
func (c *conv) activeNotice() (Notice, bool) {
	for _, n := range c.b.notices {
		if !c.now.Before(n.Start) && c.now.Before(n.End) {
			return n, true
		}
	}
	return Notice{}, false
}

// numberAgainRE asks for the hotline's number again: 电话多少来着, 热线号码再发一下, 号码忘了.
var numberAgainRE = regexp.MustCompile(`(电话|热线|号码)[^，,。]{0,6}(多少来着|是多少来着|来着|再说|再发|再给|没记住|没记下|忘了|记不住)|(再说|再发|再给|重复)(一下|一遍|一次)?.{0,3}(电话|热线|号码)`)

// numberAgain answers a user who asks for the hotline again with the number alone, large and
// clear, rather than a paragraph quoted from the last answer.
func (c *conv) numberAgain(ctx context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if c.inFlow() || !numberAgainRE.MatchString(b) || strings.Contains(b, "备用") {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	return c.text(fmt.Sprintf(textNumberAgain, c.b.contact("hotline"), c.b.hours.window(c.now))), true, nil
}
