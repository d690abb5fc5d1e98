package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
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
// announced, what to do now, and an urgent technical ticket opened at once.
func (c *conv) outage(ctx context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if c.inFlow() {
		return c.outageLineDead(b)
	}
	if !isOutage(b) || isTicketStart(text) {
		return Reply{}, false, nil
	}
	ack := textOutageAck
	if outageRushRE.MatchString(b) {
		ack = textOutageAckRush
	}
	notice := textOutageNoNotice
	if n, ok := c.activeNotice(); ok {
		notice = fmt.Sprintf(textOutageNotice, n.Text)
	}
	now := fmt.Sprintf(textOutageNow, c.b.contact("emergency_line"))
	when := fmt.Sprintf(textOutageOpen, c.b.hours.window(c.now))
	if !c.b.urgent24h && !c.b.hours.open(c.now) {
		when = fmt.Sprintf(textOutageClosed, c.b.hours.window(c.now), c.b.hours.nextOpen(c.now))
	}
	c.s.Urgent = true
	r := c.openFlow(joinNonEmpty(ack, notice, now, when), TypeTech, clip(text, 40))
	if f := c.s.Flow; f != nil {
		f.Outage = true
	}
	return r, true, nil
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
