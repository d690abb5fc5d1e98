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
	screenDoneRE = mustMatcher(`开了|下了|装了|安装了|下载了|正在|还在|在共享|共享着|打开了|开着|用了|sharing|installed`)
	// screenAskedRE: a remote session only asked for ("让我下个会议app共享屏幕"): a risk to
	// warn about, not a session to stop; caseKind reads the done words first.
	screenAskedRE = mustMatcher(`(让|叫|要)我(开|下|装|用|打开|共享)`)
	takeoverRE    = mustMatcher(`(结算卡|结算账户|收款账户|收款卡|银行卡|绑定的?卡|登录手机号|手机号|密码|操作员)(被|让)(人|别人|他人|陌生人|不明人)?(改|换|修改|更换|绑|加)|被(人|别人|他人)?(改|换)了?(结算卡|结算账户|绑卡)|(后台|账号|账户)被(人|别人|他人|陌生人)?(登|盗)|(别人|陌生人|他人)(登录|登上|登了)|不是我改的`)
	theftRE       = mustMatcher(`盗刷|被盗|盗用|被刷|被(人|别人)刷|被人盗|(被人|被别人|被)(提走|转走|划走)|不是我(本人)?(操作|花|付|买|消费|转|弄)|不是本人|非本人|没(有)?(操作|消费|买)(过)?.{0,8}(扣|少|转走|付款)|莫名(其妙)?.{0,6}(扣|少)|stolen|notme|didntmake|money(is|was|has|had)?(been)?(all)?(gone|missing|stolen|taken|disappeared)|(lost|drained)(all)?(of)?(my|the)(money|savings|balance|funds)`)
	// balanceDropRE: money missing; a fee or settlement question ("结算少了100") is no theft.
	balanceDropRE = mustMatcher(`(余额|钱|资金|账户).{0,6}少了|少了.{0,4}(钱|块|元|万|千)|(钱|块|元|万|千|余额|存款|积蓄|卡里)(全|都)?(没了|不见了|被转走|被划走|被取走)`)
	feeCtxRE      = mustMatcher(`手续费|费率|扣费|服务费|费用|结算|到账|退款|分账|税`)
	// fooledRE says the user was cheated; transferRE that money left the user's hands, which is
	// a loss only when someone worked on the user (scamCtxRE, or a case already open).
	fooledRE    = mustMatcher(`被骗|骗了我|我被.{0,4}骗|受骗|上当|scammed`)
	transferRE  = mustMatcher(`(转|汇|付|打)了.{0,8}(钱|元|块|万|千|笔|保证金|过去|到)|(转|汇|付|打)了\d|已经(转|付|汇)|已经打(了|过去|钱|款)|转过去了|付了第|sentthem|sentmoney|ipaid|itransferred|lostmoney`)
	scamCtxRE   = mustMatcher(`骗|冒充|假冒|自称|安全账户|保证金|解冻|刷单|返利|兼职|拉黑|打不通|联系不上|不回|跑了|征信|注销|双倍|赔偿|中奖|按对方|对方(让|要|叫)|(他|她|对方)(让|要|叫)我|(按|照|按照)(他|她|对方)|说是.{0,6}(客服|工作人员|官方|警察|公安)|陌生(账户|账号|人)|不认识的|(让|要|叫)我(转|汇|付|打)|说是(易联|你们|客服|官方|银行|警察|公安)|fake|scam|saying|claim|pretend|support|agent|customerservice`)
	codeGivenRE = mustMatcher(`((报|念|告诉)(了|给|过)?|(给|发给|发)(了)?(他|她|对方|别人|骗子|那个人|那人|陌生人)).{0,6}(验证码|短信码|动态码|校验码|密码)|(验证码|短信码|动态码|校验码|密码).{0,6}((报|念|告诉)(了|给|过)|(给|发给|发)(了)?(他|她|对方|别人|骗子|那个人|那人|陌生人)|(报|念|告诉|给|发|输)了?(过去|进去))|(扫|点).{0,12}输(了)?.{0,2}(密码|验证码)|输(了)?(一个|个|了个)?(验证)?码(进去|了)|(验证码|短信码|动态码|校验码|密码)(也|都|就|全)?(告诉|报给|念给|发给|给)(了)?(他|她|对方|别人|骗子|那个人|那人|陌生人)|gave(him|her|them|the|away|out)?(my|the|a|an)?(sms|text|verification|otp|security|login|one-?time)?(code|password|pin|otp)|(told|sent|read)(him|her|them|the(caller|scammer))(my|the)?(sms|verification)?(code|password|pin|otp)`)
	// codeDoneRE: a code asked for was given after all ("让我念验证码 我念了").
	codeDoneRE = mustMatcher(`(报|念|告诉|给|发|输)(了|过去|进去)`)
	// codeKeptRE: the code was not given ("我没报验证码给他").
	codeKeptRE = mustMatcher(`(没|没有|不|别|不能|不要|不会)(把)?(验证码|短信码|动态码|密码|码)?(报|念|告诉|给|发|输)`)
	impersonRE = mustMatcher(`冒充|假冒|假客服|自称|说是(易联|你们|客服|官方|工作人员)|是易联的|易联(的)?客服|你们(的)?客服|你们的人|客户经理`)
	demandRE   = mustMatcher(`(让|要|叫|要求)我?.{0,8}(转账|转钱|打钱|汇款|付款|付\d|先付|交钱|交\d|保证金|押金|安全账户|扫码|共享|下载|念|报验证码|给他验证码|加他|加qq|加微信)`)
	// noLossNowRE: fraud words that tell of no loss now: how to spot or avoid a scam, a
	// hypothesis, a near miss.
	noLossNowRE = mustMatcher(`怎么(识别|辨别|判断|分辨|区分|防|避免|预防|看出)|如何(识别|辨别|判断|分辨|区分|防|避免|预防)|怎样(识别|辨别|防|避免)|防止|预防|避免|防范|防骗|防诈|反诈知识|识别.{0,4}(骗|诈)|常见.{0,6}(骗|诈)|哪些.{0,6}(骗|诈)|是不是(骗|诈)|会不会(被)?骗|不会被骗|以免|提防|(如果|万一|要是|假如|假设)[^，。,.!！?？ ]{0,8}(被骗|上当|转了|被盗|盗刷|被刷)|差点|险些|差一点|幸好没|还好没|没被骗|没有被骗|没上当|没有上当`)
	// arrivedRE: the money arrived or came back; no transfer in the same message is a loss.
	arrivedRE = mustMatcher(`到账了|已到账|已经到账|钱到了|收到了?(钱|款|退款)|退回来了|退回了|已退回|退到了|追回来了|拿回来了|解决了|处理好了|处理完了`)
	// pastCaseRE: a case reported before ("我昨天被骗那个事"), asked about again.
	pastCaseRE = mustMatcher(`(昨天|前天|上次|之前|上周|前几天|那天|早上|上午|刚才).{0,6}(被骗|被盗|盗刷|上当|那个事|的事)|(被骗|被盗|盗刷|上当)(的|那个)(事|工单)`)
)

// caseKind reports the kind of fund-safety case a message (bare) describes, or "". inCase says
// that a case is open already: then money sent is a loss without the scam told again.
func caseKind(b string, inCase bool) string {
	if noLossNowRE.MatchString(b) {
		return ""
	}
	sent := transferRE.MatchString(b) && !strings.Contains(b, "没转") && !strings.Contains(b, "没付") && !arrivedRE.MatchString(b)
	switch {
	case screenRE.MatchString(b) && screenDoneRE.MatchString(b):
		return caseScreen
	case screenRE.MatchString(b) && screenAskedRE.MatchString(b) && !codeGivenRE.MatchString(b) && !sent:
		return caseRisk
	case takeoverRE.MatchString(b):
		return caseTakeover
	case codeGivenRE.MatchString(b) && !codeKeptRE.MatchString(b) && (!demandRE.MatchString(b) || codeDoneRE.MatchString(b)):
		return caseCode
	case fooledRE.MatchString(b) && !arrivedRE.MatchString(b), sent && (inCase || scamCtxRE.MatchString(b)):
		return caseLoss
	case theftRE.MatchString(b), balanceDropRE.MatchString(b) && !feeCtxRE.MatchString(b):
		return caseTheft
	case impersonRE.MatchString(b) && demandRE.MatchString(b), strings.Contains(b, "安全账户"):
		return caseRisk
	}
	return ""
}

// isLoss reports whether text tells of a loss (money moved or missing, a code given away, a
// remote session, a taken-over account): such a ticket is urgent. Urgency is this decision,
// not the presence of a word like 骗 or 冻结 (risk control freezes funds of honest merchants
// too, and "怎么识别诈骗" is a question).
func isLoss(text string) bool {
	k := caseKind(bare(text), false)
	return k != "" && k != caseRisk
}

// fundSafety answers a fund-safety message: a loss opens the case and an urgent ticket without
// being asked; inside a case the follow-ups ("银行这么晚有人接吗", "要不要删了他", a number,
// a merchant number) are answered briefly, in the case, and the steps are not pasted again.
func (c *conv) fundSafety(ctx context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if shareSecretRE.MatchString(b) && (c.s.Case == nil && caseKind(b, false) == "" || c.inFlow()) {
		// "要不要我把密码发给你": a plain no, wherever it is asked (a case answers it itself).
		return c.neverShare(), true, nil
	}
	if c.inFlow() {
		return Reply{}, false, nil // the flow marks its ticket urgent itself
	}
	cs := c.s.Case
	if cs != nil {
		r, ok, err := c.caseFollowUp(ctx, text, b)
		if ok || err != nil {
			cs.Aside = false
			if err == nil && feelingRE.MatchString(b) && !strings.HasPrefix(r.Text, "别") && !strings.HasPrefix(r.Text, "这不怪您") {
				// A panicking user gets a line of calm before the answer.
				r.Text = textCaseCalm + r.Text
			}
			return r, true, err
		}
	}
	if pastCaseRE.MatchString(b) || (looseTicketNoRE.MatchString(foldASCII(text)) && fooledRE.MatchString(b)) {
		// A case told before, asked about: its ticket, not a new one.
		r, ok, err := c.pastCase(ctx, text)
		if ok || err != nil {
			return r, true, err
		}
	}
	if cs == nil && scareOverRE.MatchString(b) && arrivedRE.MatchString(b) {
		// "还以为被骗了 已经到账了": a scare that is over, not a fraud to handle.
		c.s.Prompt = prompt{}
		return c.text(textScareOver), true, nil
	}
	if kind := caseKind(b, cs != nil); kind != "" {
		r, err := c.openCase(ctx, kind, text)
		return r, true, err
	}
	if cs == nil && (c.s.Topic == topicNearMiss || c.s.LastCategory == "anti-fraud") {
		// After a near miss ("没理他", "我没给 直接挂了"): the question asked, calmly, not the
		// victim's steps.
		switch {
		case nearMissPoliceRE.MatchString(b):
			c.s.Prompt, c.s.Topic = prompt{}, topicNearMiss
			return c.text(fmt.Sprintf(textNearMissPolice, c.b.contact("hotline"))), true, nil
		case moneySafeRE.MatchString(b):
			c.s.Prompt, c.s.Topic = prompt{}, topicNearMiss
			return c.text(fmt.Sprintf(textNearMissSafe, c.b.contact("hotline"))), true, nil
		}
	}
	if cs = c.s.Case; cs != nil {
		cs.Aside = true // the conversation moved on: an okay is no longer about the case
	}
	return Reply{}, false, nil
}

// Follow-ups inside a case: what people ask once the steps were given.
var (
	bankAskRE  = mustMatcher(`银行|工行|建行|农行|中行|交行|招行|邮储|浦发|中信|光大|民生|兴业|平安|信用社|农商`)
	bankNameRE = mustMatcher(`(工商|建设|农业|中国|交通|招商|邮储|邮政储蓄|浦发|中信|光大|民生|兴业|平安|广发|华夏|农商|北京|上海|宁波|江苏)银行|工行|建行|农行|中行|交行|招行|信用社`)
	evidenceRE = mustMatcher(`删|拉黑|屏蔽|聊天记录|截图`)
	appRE      = mustMatcher(`卸载|(app|软件|应用).{0,6}(删|卸|还能用|要不要|留着|保留|还要)|(删|卸).{0,4}(app|软件|应用)`)
	// channelRE: how the money left ("是用支付宝转的"), a fact for the ticket.
	channelRE     = mustMatcher(`(用|通过|从|走的?)(的)?(支付宝|微信|云闪付|手机银行|网银|银行卡|信用卡|花呗|京东).{0,6}(转|付|打|汇|扫|给)`)
	passwordAskRE = mustMatcher(`改(一下|了|好)?.{0,4}密码|密码.{0,6}(改|换|重置|重设)|换密码`)
	policeRE      = mustMatcher(`派出所|警察|公安|民警|报案|立案|报警回执|回执`)
	recordsRE     = mustMatcher(`记录|流水|证明|材料|出具|调取|盖章|凭证|明细`)
	goingRE       = mustMatcher(`(去|到)(派出所|公安|银行|报警|报案)|这就去|马上去|现在去|去报警`)
	collectRE     = mustMatcher(`还能(不能)?(用|收款|收钱)|能不能(继续|正常)?(用|收款|收钱)|会不会也(被|转)|还安全吗|安全不安全|继续收款|先别收|还敢用`)
	viaUsRE       = mustMatcher(`(短信|扣款|账单|记录|显示|写的?是?|商户名).{0,10}(易联|你们)|易联支付.{0,4}(消费|扣款|扣了|支付)`)
	linkRE        = mustMatcher(`点了.{0,4}链接|链接.{0,4}点(了|开)|点开了|打开了?链接|进了.{0,4}网站`)
	verifyRE      = mustMatcher(`怎么(才能)?(知道|确认|核实|查|判断|看).{0,12}(真|假|过期|冻结|异常|是不是|到底|有没有)`)
	askRE         = mustMatcher(`[?？]|吗|要不要|能不能|可以不|行不行|用不用|该不该|是不是|怎么`)
	// shareSecretRE: the user offers to send a code, password or card number.
	shareSecretRE = mustMatcher(`(验证码|密码|卡号|安全码|cvv|动态码|短信码).{0,6}(发你|发给你|给你|告诉你|报给你|发您|发给您|给您|告诉您|发过来|发这)|(要不要|需要|用不用)(我)?(把)?.{0,4}(验证码|密码|卡号|安全码|cvv|动态码|短信码).{0,4}(发|给|告诉|报)|我(把)?.{0,4}(验证码|密码|卡号|安全码|cvv)(也)?(发|给|告诉|报)(你|您)`)
	whatNowRE     = mustMatcher(`怎么办|咋办|怎么弄|咋弄|该干嘛|该怎么|然后呢|接下来|现在呢|怎么处理|要做什么|做什么|whatshould|whatdoi|whatnow|nowwhat`)
	recoverRE     = mustMatcher(`要回来|追回|追得回|追的回|要得回|拿得回|能追|退回来|拿回|找回|能退吗|帮我把钱|钱还能|getmymoney|moneyback`)
	doneRE        = mustMatcher(`报警了|报案了|报完(警|案)|报过(警|案)|改好了|卸载了|挂了|挂断了|冻结了|冻住了|冻上了|止付了|联系了银行|打了银行|打过银行|银行说|银行.{0,4}(打通了|打过了|联系上了)|关了共享|关掉了`)
	// scareOverRE: the user thought they were scammed and was not.
	scareOverRE = mustMatcher(`还以为|我以为|原来没|虚惊|白担心|吓死我了|吓我一跳`)
	// enWhenRE: an English "how long until…", asked inside a case.
	enWhenRE   = mustMatcher(`howlong|howsoon|when(will|would|can|does|do)|bywhen`)
	noHarmRE   = mustMatcher(`没说|没念|没报|没理|没搭理|没回他|没接|没加|没给|没转|没付|没有(给|转|付|加|报)|就问问|还没(转|付|给)|没上当|没钱|钱没少|没少`)
	moneyOKRE  = mustMatcher(`钱没少|没少|没有少|钱还在|没损失|没有损失|没钱`)
	materialRE = mustMatcher(`资料|材料|提供什么|提供啥|准备什么|准备啥|要我提供|需要什么|需要啥|带什么|带啥|要带`)
	// feelingRE: fear, shame, panic; liableRE asks who pays for the loss; traceRE asks
	// whether the money went through 易联.
	feelingRE = mustMatcher(`害怕|好怕|慌|急死|崩溃|睡不着|难受|后悔|自责|太蠢|好傻|丢人|不敢(跟|和|告诉)`)
	liableRE  = mustMatcher(`赔(偿|给|吗|不赔|钱)?|负责|担责|承担|你们的责任|报销`)
	traceRE   = mustMatcher(`(通过|经过|从|走)(的)?(你们|易联)|是不是你们|查(一下|到)?.{0,6}(去向|去哪|收款方|对方账户)`)
	whyRE     = mustMatcher(`怎么会这样|为什么会|怎么会|凭什么`)
	stopRE    = mustMatcher(`停掉|停了|冻结我|先冻结|暂停|先把.{0,6}(停|冻)|止付`)
	whoRE     = mustMatcher(`找谁|能找谁|谁能帮|找个人|有没有人`)
	// appDoneRE: the app was removed already ("卸载了 然后呢"): what is next, not "uninstall it".
	appDoneRE = mustMatcher(`卸载了|卸了|已经卸|已卸载|删了|删掉了|卸掉了`)
	// paidBeforeRE: asked to pay "again" or "one more", the user has paid once already.
	paidBeforeRE = mustMatcher(`(又|还)(让|要|叫)我?(再|重新)?(付|转|交|打|汇)|再(付|转|交|打|汇)一(笔|次|回)|(让|要|叫)我?再(付|转|交|打|汇)|再(付|转|交)了`)
	// scriptRE: what scammers say to push the user.
	scriptRE = mustMatcher(`不弄.{0,6}冻结|马上冻结|再付|再转|再交|再念|才能退|系统卡住|解冻费|激活费|流水不足|通道费`)
	// caseAckRE: an okay or thanks in a case, several run together ("好的 知道了 谢谢").
	caseAckRE = mustMatcher(`^(好的?|好吧|行|嗯+|哦+|噢+|明白了?|知道了|了解|收到|懂了|ok)+(谢谢|谢啦|多谢|感谢|谢了)?(你|您)?(啊|了|哈|呀|啦)*$|^(谢谢|谢啦|多谢|感谢)(你|您)?(啊|了|哈|呀|啦)*$`)
	// fileRE: yes to the offer of an urgent ticket.
	fileRE = mustMatcher(`登记|重新提|提交|帮我提|好的?|行|可以|要|麻烦`)
)

// caseFollowUp answers a message inside a case: briefly, about what it asks, with the case's
// ticket. It leaves what it does not recognise to the other steps.
func (c *conv) caseFollowUp(ctx context.Context, text, b string) (Reply, bool, error) {
	cs := c.s.Case
	en := isEnglish(text)
	ask := askRE.MatchString(b)
	// note adds the message to the case's ticket (it tells something new) and answers s.
	note := func(s string) (Reply, bool, error) {
		if cs.Ticket != "" && !c.stateless {
			if err := c.noteOnTicket(ctx, cs.Ticket, nil); err != nil {
				return Reply{}, true, err
			}
		}
		return c.text(c.withTicket(s)), true, nil
	}
	var num numberVerdict
	numOK := false
	if claimedNumber(text) != "" || numberPrefixRE.MatchString(b) {
		num, numOK = c.numberAnswer(text)
		if !numOK && cs.Ticket != "" && findPhone(text) != "" && !c.knownNumber(claimedNumber(text)) {
			// A phone given inside a case without a question is the other side's.
			num, numOK = numberVerdict{}, true
		}
	}
	// A new kind of harm told inside the case (a code typed in after the screen was shared)
	// has a first step of its own: it comes before the answers to what the message also says.
	newKind := ""
	if k := caseKind(b, true); cs.Ticket != "" && k != cs.Kind && (k == caseCode || k == caseScreen || k == caseTakeover) {
		newKind = k
	}
	switch {
	case en && enWhenRE.MatchString(b) && cs.Ticket != "":
		// "How long until someone contacts me?": when, in English, not a Chinese transfer line.
		return c.text(fmt.Sprintf(textEnglishCaseWhen, cs.Ticket)), true, nil
	case isHandoff(text) || englishHandoffRE.MatchString(b) || whoRE.MatchString(b):
		return c.caseHandoff(), true, nil
	case newKind != "":
		r, err := c.openCase(ctx, newKind, text)
		return r, true, err
	case cs.Offer && cs.Ticket == "" && utf8.RuneCountInString(b) <= 8 && fileRE.MatchString(b) && !isCancel(text):
		return c.fileOffered(ctx)
	case cs.Ticket != "" && findMerchantNo(text) != "":
		no := findMerchantNo(text)
		if err := c.noteOnTicket(ctx, cs.Ticket, func(t *Ticket) { t.MerchantNo = no }); err != nil {
			return Reply{}, true, err
		}
		return c.text(fmt.Sprintf(textCaseMerchant, no, cs.Ticket)), true, nil
	case numOK:
		r := num
		if cs.Ticket != "" && r.official == "" && r.public == "" && claimedNumber(text) != "" {
			if err := c.noteOnTicket(ctx, cs.Ticket, nil); err != nil {
				return Reply{}, true, err
			}
			return c.text(fmt.Sprintf(textNumberNotOfficial, claimedNumber(text)) + "\n" + c.b.officialNumbers() + "\n" +
				textNumberNoSafeAccount + fmt.Sprintf(textCaseNumberAdded, cs.Ticket)), true, nil
		}
		return c.text(r.text), true, nil
	case shareSecretRE.MatchString(b):
		if c.guarded.found() && len(c.s.Warned) > 0 {
			// The answer is the reminder: not said twice.
			c.warning = ""
			c.warned(c.guarded.kinds)
			return c.text(c.withTicket(textOfferSecretNo + textHiddenNeverShare)), true, nil
		}
		return c.text(c.withTicket(textOfferSecretNo + textNeverShare)), true, nil
	case cs.Kind == caseRisk && cs.Ticket == "" && paidBeforeRE.MatchString(b) && !noHarmRE.MatchString(b):
		// "他又让我再付一笔": one payment went already, so this is a loss now.
		r, err := c.openCase(ctx, caseLoss, text)
		r.Text = textCasePaidBefore + "\n" + r.Text
		return r, true, err
	case demandRE.MatchString(b) || scriptRE.MatchString(b):
		return note(textScamScript)
	}
	if !en {
		// What people ask once the steps were given, answered before the narrower words below
		// can mistake it ("卡里还有钱 怎么办" is about the bank now, not the steps again).
		if r, ok, err := c.caseMore(ctx, b); ok || err != nil {
			return r, true, err
		}
	}
	switch {
	case appRE.MatchString(b) && appDoneRE.MatchString(b):
		return c.text(c.withTicket(textCaseAppDone)), true, nil
	case appRE.MatchString(b):
		return c.text(c.withTicket(textCaseApp)), true, nil
	case channelRE.MatchString(b) && !bankNameRE.MatchString(b) && cs.Kind != caseRisk:
		name := channelRE.FindStringSubmatch(b)[3]
		if strings.Contains(name, "银行") || name == "信用卡" {
			return note(c.bankLine(b, false))
		}
		return note(fmt.Sprintf(textCaseChannel, name))
	case passwordAskRE.MatchString(b) && !strings.Contains(b, "被"):
		return c.text(c.withTicket(textCasePassword)), true, nil
	case evidenceRE.MatchString(b) && (ask || strings.Contains(b, "删")):
		return c.text(c.withTicket(textCaseEvidence)), true, nil
	case policeRE.MatchString(b) && recordsRE.MatchString(b):
		if cs.Ticket == "" {
			return c.text(textCasePoliceNoTicket), true, nil
		}
		return note(textCasePolice)
	case goingRE.MatchString(b) && !ask:
		return c.text(fmt.Sprintf(textCaseGoing, c.ticketOrHotline())), true, nil
	case whyRE.MatchString(b):
		return c.text(c.withTicket(textCaseWhy)), true, nil
	case cs.Kind != caseRisk && noHarmRE.MatchString(b) && (cs.Ticket == "" || moneyOKRE.MatchString(b)):
		return c.text(c.withTicket(textCaseRelief) + c.b.humanWhen(c.now)), true, nil
	case cs.Kind != caseRisk && noHarmRE.MatchString(b):
		// "我没给 我挂了" after a loss: right this time, and the loss still needs the bank.
		return c.text(c.withTicket(textCaseNotAgain)), true, nil
	case cs.Kind == caseRisk && noHarmRE.MatchString(b):
		c.s.Case = nil
		c.s.Topic = topicNearMiss
		return c.text(c.b.noHarmText()), true, nil
	case doneRE.MatchString(b) && !ask:
		return c.text(c.caseDone(b)), true, nil
	case bankAskRE.MatchString(b) && cs.Kind != caseRisk:
		if !ask {
			return note(c.bankLine(b, false))
		}
		return c.text(c.withTicket(c.bankLine(b, true))), true, nil
	case recoverRE.MatchString(b):
		return c.text(c.withTicket(textCaseRecover)), true, nil
	case collectRE.MatchString(b):
		return c.text(c.withTicket(textCaseCollect)), true, nil
	case viaUsRE.MatchString(b) && cs.Kind != caseRisk:
		return note(textCaseViaUs)
	case linkRE.MatchString(b):
		return c.text(c.withTicket(textCaseLink)), true, nil
	case verifyRE.MatchString(b):
		return c.text(fmt.Sprintf(textCaseVerify, c.b.contact("hotline"))), true, nil
	case stopRE.MatchString(b) && cs.Ticket != "":
		if err := c.noteOnTicket(ctx, cs.Ticket, nil); err != nil {
			return Reply{}, true, err
		}
		return c.text(fmt.Sprintf(textCaseStop, cs.Ticket)), true, nil
	case materialRE.MatchString(b):
		return c.text(c.withTicket(textCaseMaterials)), true, nil
	case feelingRE.MatchString(b):
		return c.text(c.withTicket(textCaseComfort)), true, nil
	case liableRE.MatchString(b) && cs.Kind != caseRisk:
		return c.text(c.withTicket(textCaseLiable)), true, nil
	case traceRE.MatchString(b) && cs.Kind != caseRisk:
		return note(textCaseTrace)
	case whatNowRE.MatchString(b):
		cs.Steps++
		if en {
			return c.text(c.b.englishCaseText(cs.Ticket)), true, nil
		}
		if cs.Kind == caseRisk {
			return c.text(c.riskText(b)), true, nil
		}
		return c.text(c.stepsAgain()), true, nil
	case !cs.Aside && !en && (thanksRE.MatchString(b) || okRE.MatchString(b) || caseAckRE.MatchString(b)) && utf8.RuneCountInString(b) <= 12:
		if cs.Ticket == "" {
			return c.text(fmt.Sprintf(textRiskAck, c.b.contact("hotline"))), true, nil
		}
		return c.text(fmt.Sprintf(textCaseAck, cs.Ticket)), true, nil
	}
	if cs.Ticket != "" {
		// The case again in other words ("他又转走了500"): added to the ticket, not told anew.
		if kind := caseKind(b, true); kind != "" && kind != caseRisk {
			r, err := c.openCase(ctx, kind, text)
			return r, true, err
		}
	}
	return Reply{}, false, nil
}

// stepsAgain is the reminder of the steps once the whole block was given: two lines.
func (c *conv) stepsAgain() string {
	cs := c.s.Case
	first := caseFirstStep[cs.Kind]
	if first == "" {
		first = caseFirstStep[caseLoss]
	}
	if i := strings.Index(first, "（"); i > 0 {
		first = first[:i]
	} else if i := strings.Index(first, "，"); i > 0 {
		first = first[:i]
	}
	return fmt.Sprintf(textCaseStepsAgain, first) + "\n" + c.caseTicketShort()
}

// caseTicketShort names the case's ticket and what is promised, in one line.
func (c *conv) caseTicketShort() string {
	if c.s.Case.Ticket == "" {
		return textCaseNoTicket
	}
	return fmt.Sprintf(textCaseTicketShort, c.s.Case.Ticket)
}

// ticketOrHotline is what the user should bring: the ticket number, or the hotline.
func (c *conv) ticketOrHotline() string {
	if c.s.Case != nil && c.s.Case.Ticket != "" {
		return "加急工单号 " + c.s.Case.Ticket
	}
	return "易联热线 " + c.b.contact("hotline")
}

// bankLine tells the user how to reach the bank: the number on the back of the card, which
// answers at any hour. ask is a question about it, otherwise a fact for the ticket.
func (c *conv) bankLine(b string, ask bool) string {
	name := "开户银行"
	if m := bankNameRE.FindString(b); m != "" {
		name = m
	}
	if ask {
		return fmt.Sprintf(textCaseBankAsk, name)
	}
	return fmt.Sprintf(textCaseBankTold, name)
}

// pastCase answers a case reported before ("我昨天被骗那个事 有人联系我了吗"): its ticket's
// status when it is found, and the case is open again; otherwise the honest "not found" and the
// offer to file the urgent ticket again. A new case is not filed unasked.
func (c *conv) pastCase(ctx context.Context, text string) (Reply, bool, error) {
	if c.stateless {
		return Reply{}, false, nil
	}
	no := strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(looseTicketNoRE.FindString(foldASCII(text))))
	var t *Ticket
	if no != "" {
		got, err := c.b.st.ticket(ctx, no)
		if err != nil && !isNoTicket(err) {
			return Reply{}, true, err
		}
		if err == nil && got.OpenID == c.m.OpenID {
			t = got
		}
	} else {
		ts, err := c.b.st.userTickets(ctx, c.m.OpenID, 5)
		if err != nil {
			return Reply{}, true, err
		}
		for i := range ts {
			if ts[i].Priority == PriorityUrgent {
				t = &ts[i]
				break
			}
		}
	}
	c.s.Prompt = prompt{}
	if t == nil {
		c.s.Case = &fundCase{Kind: caseLoss, Offer: true, Desc: c.userText, Aside: false}
		missing := "没有查到您之前的加急工单"
		if no != "" {
			missing = fmt.Sprintf("没有查到工单 %s（可能是编号记错了一位）", no)
		}
		return c.text(fmt.Sprintf(textCasePastMissing, missing) + c.b.humanWhen(c.now)), true, nil
	}
	c.s.Case = &fundCase{Kind: caseLoss, Ticket: t.No, Steps: 1}
	c.s.Ticket = t.No
	if err := c.noteOnTicket(ctx, t.No, nil); err != nil {
		return Reply{}, true, err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, textTicketStatus, t.No, t.Type.Name(), t.Status.Name())
	switch {
	case len(t.Replies) > 0:
		r := t.Replies[len(t.Replies)-1]
		fmt.Fprintf(&sb, "。\n最新客服回复（%s）：%s", c.b.shortTime(r.At), r.Text)
	case t.Status.done():
		sb.WriteString("。")
	case c.now.After(t.DueAt):
		fmt.Fprintf(&sb, textTicketOverdue, c.b.shortTime(t.DueAt))
	default:
		fmt.Fprintf(&sb, textTicketDue, c.b.shortTime(t.DueAt))
	}
	sb.WriteString("\n" + textCasePastFound + c.b.humanWhen(c.now))
	return c.text(sb.String()), true, nil
}

// fileOffered files the urgent ticket the user agreed to after pastCase found none.
func (c *conv) fileOffered(ctx context.Context) (Reply, bool, error) {
	cs := c.s.Case
	desc := cs.Desc
	if desc == "" {
		desc = c.userText
	}
	saved := c.userText
	c.userText = desc
	t, err := c.fileUrgent(ctx, cs.Kind)
	c.userText = saved
	if err != nil {
		return Reply{}, true, err
	}
	cs.Ticket, cs.Offer, cs.Desc, cs.Steps = t.No, false, "", 1
	return c.text(fmt.Sprintf(textCaseTicket, t.No, c.b.urgentPromise(c.now)) + "\n" + textCaseAddMore), true, nil
}

// openCase answers the message that shows a fund-safety case: what to do now, and the urgent
// ticket, filed without asking (or the existing one, with this message added to it).
func (c *conv) openCase(ctx context.Context, kind, text string) (Reply, error) {
	c.s.Prompt = prompt{}
	c.s.Need, c.s.Repeats = "", 0
	cs := c.s.Case
	prev := ""
	if cs == nil {
		cs = &fundCase{Kind: kind}
		c.s.Case = cs
	} else if prev = cs.Kind; kind != caseRisk && (cs.Kind == caseRisk || kind == caseScreen || kind == caseTakeover || kind == caseTheft) {
		cs.Kind = kind
	}
	b := bare(text)
	en := isEnglish(text)
	if kind == caseRisk {
		cs.Steps++
		switch {
		case en:
			return c.text(c.b.englishRiskText()), nil
		case cs.Steps > 1:
			return c.text(textScamScript + "\n" + textRiskAsk), nil
		}
		return c.text(c.riskText(b)), nil
	}
	head := ""
	if cs.Ticket == "" && (kind == caseLoss || kind == caseTakeover || kind == caseTheft) {
		head = textCaseEmpathy
	}
	// The steps were given already: this message adds to the case's ticket, and only what is
	// new to do is said (the first step of another kind of case).
	if cs.Ticket != "" {
		if err := c.noteOnTicket(ctx, cs.Ticket, nil); err != nil {
			return Reply{}, err
		}
		out := fmt.Sprintf(textCaseAdded, cs.Ticket)
		if kind == caseLoss && prev == caseLoss && transferRE.MatchString(b) {
			// Another payment went out: every payment needs the bank's stop and the report.
			out = fmt.Sprintf(textCaseAddedPaid, cs.Ticket)
		}
		if kind != prev {
			step := caseFirstStep[kind]
			if kind == caseCode {
				// A code typed in may have let someone pay: the bank comes first, and the
				// passwords are changed on a device that was not shared.
				step = textCaseCodeStep
			}
			out = fmt.Sprintf(textCaseAddedStep, cs.Ticket, step)
		}
		return c.text(out), nil
	}
	steps := c.b.caseSteps(cs.Kind)
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

// caseFallback answers, inside a case, what neither the case nor the knowledge base
// understood: not the steps again, but who can answer it and the ticket.
func (c *conv) caseFallback() string {
	cs := c.s.Case
	if cs.Ticket == "" {
		return textCaseNoTicket
	}
	return fmt.Sprintf(textCaseFallback, cs.Ticket) + c.b.humanWhen(c.now)
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
// "派出所让我找银行" is the police done and the bank still to do, not the bank done.
func (c *conv) caseDone(b string) string {
	police, bank := policeDoneRE.MatchString(b), bankDoneRE.MatchString(b)
	left := textCaseLeftBank
	switch {
	case police && !bank && sentToBankRE.MatchString(b):
		return c.withTicket(textCaseSentToBank)
	case police && bank:
		left = textCaseLeftNone
	case bank:
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
		if c.s.Case != nil && c.s.Case.Kind != caseRisk {
			return textCaseHandoffNoTicket
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
	t := c.urgentTicket(typ, "anti-fraud")
	if err := c.storeTicket(ctx, newToken(), t); err != nil {
		return nil, err
	}
	c.s.Ticket = t.No
	if c.s.Case != nil {
		c.s.Case.Offer, c.s.Case.Desc = false, ""
	}
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

// caseSteps lists what to do now for a kind of case. It is given once, when the case opens;
// stepsAgain is the reminder.
func (b *Bot) caseSteps(kind string) string {
	first := caseFirstStep[kind]
	if first == "" {
		first = caseFirstStep[caseLoss]
	}
	return fmt.Sprintf(textCaseSteps, first, b.contact("hotline"), b.hours.window(b.now()))
}

// Phone numbers that claim to be 易联's.

// numberRE finds a phone-like number: 400-800-9000, 010-88888888, 0755 1234 5678, 95338.
var numberRE = mustMatcher(`\+?\d[\d\- ]{3,16}\d`)

var (
	// numberClaimRE: the message asks whether a number is 易联's, or tells of one that claimed
	// to be; numberAskRE asks about a number, which only a short message is taken to do.
	numberClaimRE = mustMatcher(`官方|你们的|是你们|是不是你们|是易联|易联的|说是|自称|冒充|真的吗|真的假的|假的|可信|靠谱|能信|正规`)
	numberAskRE   = mustMatcher(`是不是|对吧|对吗|打给我|打过来|打来|来电|短信|号码|电话|热线|呢|吗`)
	// numberPrefixRE: a number known by its first digits ("95开头的").
	numberPrefixRE = mustMatcher(`(\d{2,5})开头`)
	// mobilePrefixRE: a mobile's first digits; staff may call from one (the FAQ explains when).
	mobilePrefixRE = mustMatcher(`^1[3-9]`)
	// numberUseRE: a public number the user means to call ("去12315投诉"), not one to check.
	numberUseRE = mustMatcher(`我(要|想|准备|会|就|打算|得)(去)?.{0,6}(投诉|举报|报警|报案)|(去|找|打)[^被]{0,6}(投诉|举报)`)
	// numberCallRE: the number called or wrote to the user.
	numberCallRE = mustMatcher(`打来|来电|打电话|打给我|电话说|短信|发来`)
	// numberDemandRE: the caller wanted a secret or money: even an official number is then
	// suspicious (caller IDs can be faked).
	numberDemandRE = mustMatcher(`验证码|密码|转账|转钱|汇款|付款|打钱|卡号|链接|下载|共享|安全账户|保证金`)
)

// publicNumbers are well-known public numbers that are not 易联's: the police's anti-fraud
// line, regulators' hotlines, banks' and payment companies' service lines.
var publicNumbers = map[string]string{
	"96110": "全国反诈预警专线（公安机关）",
	"12315": "全国消费者投诉举报热线（市场监管部门）",
	"12345": "政务服务便民热线",
	"12363": "中国人民银行的金融消费者投诉热线",
	"12378": "金融监管部门的消费者投诉热线",
	"95588": "工商银行的客服电话",
	"95533": "建设银行的客服电话",
	"95599": "农业银行的客服电话",
	"95566": "中国银行的客服电话",
	"95559": "交通银行的客服电话",
	"95555": "招商银行的客服电话",
	"95580": "邮储银行的客服电话",
	"95558": "中信银行的客服电话",
	"95595": "光大银行的客服电话",
	"95568": "民生银行的客服电话",
	"95561": "兴业银行的客服电话",
	"95511": "平安银行的客服电话",
	"95528": "浦发银行的客服电话",
	"95508": "广发银行的客服电话",
	"95577": "华夏银行的客服电话",
	"95188": "支付宝的客服电话",
	"95017": "微信支付的客服电话",
	"95516": "中国银联的客服电话",
}

// numberVerdict is the answer about a number: official names the configured contact it is,
// public the public body it belongs to.
type numberVerdict struct {
	text, official, public string
	near                   string // the official number the asked one was mistaken for
}

// phoneCheck tells the user whether a number they ask about is one of 易联's official ones
// (compared with the configured numbers, dashes and spaces ignored), a well-known public
// number, or a stranger's claiming to be 易联.
func (c *conv) phoneCheck(_ context.Context, text string) (Reply, bool, error) {
	if c.inFlow() {
		return Reply{}, false, nil // a phone typed in the flow is the user's own
	}
	if c.s.Topic == topicOutage && !numberClaimRE.MatchString(bare(text)) {
		return Reply{}, false, nil // a phone given for the outage ticket is the user's own
	}
	v, ok := c.numberAnswer(text)
	if !ok {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	b := bare(text)
	if c.s.Case == nil && v.public == "" && v.near == "" && (v.official == "" || numberDemandRE.MatchString(b)) {
		// A stranger's number, or an official one that asked for a code: a scam may be going
		// on, so "我没给", "已经转了" that follow are read in that context.
		c.s.Case = &fundCase{Kind: caseRisk, Steps: 1}
	}
	return c.text(v.text), true, nil
}

// numberAnswer reads the number a message asks about and says whose it is; ok is false when
// the message does not ask about one.
func (c *conv) numberAnswer(text string) (numberVerdict, bool) {
	b := bare(text)
	claim := numberClaimRE.MatchString(b)
	if !claim && !(numberAskRE.MatchString(b) && utf8.RuneCountInString(b) <= 40) {
		return numberVerdict{}, false
	}
	hotline, backup := c.b.contact("hotline"), c.b.contact("emergency_line")
	num := claimedNumber(text)
	if num == "" {
		return c.prefixAnswer(b, claim)
	}
	d := digits(num)
	switch {
	case d == digits(hotline) && numberDemandRE.MatchString(b):
		return numberVerdict{text: fmt.Sprintf(textNumberOursDemand, hotline, "客服热线", hotline), official: "hotline"}, true
	case d == digits(hotline):
		s := fmt.Sprintf(textNumberHotline, hotline, c.b.hours.window(c.now))
		return numberVerdict{text: s, official: "hotline"}, true
	case backup != "" && d == digits(backup) && numberDemandRE.MatchString(b):
		return numberVerdict{text: fmt.Sprintf(textNumberOursDemand, backup, "备用热线（高峰期供签约商户使用）", hotline), official: "emergency_line"}, true
	case backup != "" && d == digits(backup):
		s := fmt.Sprintf(textNumberEmergency, backup, hotline)
		return numberVerdict{text: s, official: "emergency_line"}, true
	}
	if who := publicNumbers[d]; who != "" {
		if numberUseRE.MatchString(b) && !claim {
			return numberVerdict{}, false // "去12315投诉": a number to call, not to check
		}
		s := fmt.Sprintf(textNumberPublic, num, who)
		switch {
		case strings.Contains(b, "易联") || strings.Contains(b, "你们"):
			s += fmt.Sprintf(textNumberPublicClaim, hotline)
		case numberCallRE.MatchString(b):
			s += textNumberPublicCall
		}
		return numberVerdict{text: s, public: who}, true
	}
	if !numberCallRE.MatchString(b) && !numberDemandRE.MatchString(b) && !scamCtxRE.MatchString(b) {
		// "热线是400-800-9001对吧": a number remembered wrong, not a stranger calling.
		for _, n := range []string{hotline, backup} {
			if n != "" && nearNumber(d, digits(n)) {
				return numberVerdict{text: fmt.Sprintf(textNumberNearMiss, nearOpening(b), n, c.b.hours.window(c.now), num), near: n}, true
			}
		}
	}
	return numberVerdict{text: fmt.Sprintf(textNumberNotOfficial, num) + "\n" + c.b.officialNumbers() + "\n" + fmt.Sprintf(textNumberAdvice, c.cutContact(b))}, true
}

// nearOpening answers a number the user believes is ours ("…对吧") with 不对, and a question
// about one ("…也是你们的吗") with 不是.
func nearOpening(b string) string {
	if strings.Contains(b, "对吧") || strings.Contains(b, "是吧") || strings.Contains(b, "对不对") || strings.Contains(b, "没错") {
		return "不对"
	}
	return "不是"
}

// nearNumber reports whether a differs from the official number b in one or two digits, or by
// one digit left out or added: a number misremembered.
func nearNumber(a, b string) bool {
	if a == b || len(b) < 7 {
		return false
	}
	switch len(a) - len(b) {
	case 0:
		diff := 0
		for i := range len(a) {
			if a[i] != b[i] {
				diff++
			}
		}
		return diff <= 2
	case 1, -1:
		long, short := a, b
		if len(short) > len(long) {
			long, short = short, long
		}
		for i := range len(long) {
			if long[:i]+long[i+1:] == short {
				return true
			}
		}
	}
	return false
}

// knownNumber reports whether num is an official or a well-known public number.
func (c *conv) knownNumber(num string) bool {
	d := digits(num)
	return d == digits(c.b.contact("hotline")) || d == digits(c.b.contact("emergency_line")) || publicNumbers[d] != ""
}

// prefixAnswer answers about numbers known only by their first digits ("95开头的也是你们的吗").
func (c *conv) prefixAnswer(b string, claim bool) (numberVerdict, bool) {
	ms := numberPrefixRE.FindAllStringSubmatch(b, -1)
	if len(ms) == 0 || mobilePrefixRE.MatchString(ms[0][1]) || !claim && !strings.Contains(b, "你们") && !strings.Contains(b, "易联") {
		return numberVerdict{}, false
	}
	var ps []string
	ours := ""
	for _, m := range ms {
		ps = append(ps, m[1])
		for _, n := range []string{c.b.contact("hotline"), c.b.contact("emergency_line")} {
			if n != "" && strings.HasPrefix(digits(n), m[1]) {
				ours = n
			}
		}
	}
	p := strings.Join(ps, "、")
	if ours != "" {
		return numberVerdict{text: fmt.Sprintf(textPrefixOurs, p) + "\n" + c.b.officialNumbers()}, true
	}
	s := fmt.Sprintf(textPrefixNone, p)
	if strings.HasPrefix(ps[0], "95") || strings.HasPrefix(ps[0], "96") {
		s += textPrefixService
	}
	return numberVerdict{text: s + "\n" + c.b.officialNumbers() + "\n" + fmt.Sprintf(textNumberAdvice, c.cutContact(b))}, true
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
		if len(d) < 5 || len(d) > 13 || merchantNoRE.MatchString(d) {
			continue
		}
		if amountAfterRE.MatchString(t[m[1]:]) || amountBeforeRE.MatchString(t[:m[0]]) {
			continue // an amount, a date or a count, not a phone number
		}
		return n
	}
	return ""
}

var (
	amountAfterRE  = mustMatcher(`^\s*(元|块|万|千|百|笔|次|天|号|日|月|年|分|个|人|rmb|usd)`)
	amountBeforeRE = mustMatcher(`(转|付|汇|交|充|扣|消费|金额|共|花|少|¥|￥|\$)了?\s*$`)
)

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
var merchantInTextRE = mustMatcher(`(^|[^0-9])(8[ -]?8(?:[ -]?[0-9]){8})($|[^0-9])`)

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
	mobileInTextRE   = mustMatcher(`(^|[^0-9])((?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){8})($|[^0-9])`)
	landlineInTextRE = mustMatcher(`(^|[^0-9])(0[0-9]{2,3}-?[0-9]{7,8})($|[^0-9])`)
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
	stickerRE = mustMatcher(`\[[^\[\]]{1,6}\]`)
	// thanksRE, okRE, byeRE, presenceRE and negativeRE match a whole short message (bare).
	thanksRE       = mustMatcher(`^(好的?|行|嗯|明白了?|知道了|收到)?(太|非常|十分|真是|真的)?(谢谢|谢啦|谢了|多谢|感谢|太感谢|非常感谢|辛苦|thank|thx|thanks|ty)`)
	okRE           = mustMatcher(`^((好的?|好吧|好嘞|好滴|行吧?|可以|嗯+|哦+|噢+|ok(ay)?|okk|知道了|明白了?|了解|收到|懂了|是的|对|哈+|呵+|早说嘛|没事了?|没问题|这样啊|原来如此|那好吧|我去.{0,6}看看|我自己看看|先这样|那先这样|那个|(我)?(打|说|写|输|发)错了)(吧|啊|了|哈|呀|的|呢)*)+$`)
	byeRE          = mustMatcher(`(^|没事了?|好的?|那)(再见|拜拜|拜|88|886|bye|byebye|goodbye|回头见)$|^(88|886)$`)
	presenceRE     = mustMatcher(`^(你?还在吗|还在不|在吗|在不在|人呢|有人在吗|hello|anyoneth?ere|isanyonethere|hi|hey)$`)
	whereRE        = mustMatcher(`^(你们|易联|贵)(公司|总部|办公室?)?(在哪|在哪里|在哪儿|地址|的地址|位置)|公司地址|办公地址|总部在`)
	capabilityRE   = mustMatcher(`^(好吧|好的|行吧|行|嗯|哦|算了)?(那)?(你们|你|易联)(到底|都)?(能|可以|会)(干嘛|干啥|做什么|做啥|帮我什么|帮我做什么|干什么|帮我干啥|帮我做啥|干点啥|做些什么)|你是干(嘛|啥)的|有(什么|啥|哪些)功能|你们是做什么的|易联是做什么的|你们是干嘛的`)
	dissatisfiedRE = mustMatcher(`就会说这些|说这些没用|没用的|废话|别跟我说|敷衍|解决不了|糊弄|车轱辘`)
	negativeRE     = mustMatcher(`^(没用|没啥用|没什么用|没有用|一点用都没有|没帮助|没有帮助|不对|不是这个|答非所问|不行|还是不行|没解决|不好用|没看懂|看不懂)(啊|呀|吧|的)*$`)
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
	if crossWalletRE.MatchString(strings.ToLower(name)) {
		// PayPal and the like: 易联 cannot see their transfers, but has a cross-border service
		// of its own, which is what "你们能接PayPal吗" is really asking about.
		c.s.Prompt = prompt{}
		again := c.s.Topic == topicCross
		c.s.Topic, c.s.TopicQ, c.s.Last = topicCross, "", ""
		if again {
			// Asked again ("那你们能接PayPal吗"): about 易联's side, not the same reply.
			return c.text(fmt.Sprintf(textCrossWalletOurs, name, c.b.contact("hotline"))), true, nil
		}
		return c.text(fmt.Sprintf(textCrossWallet, name, name, c.b.contact("hotline"))), true, nil
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

// crossWalletRE names the cross-border wallets and platforms a trader may ask 易联 about.
var crossWalletRE = mustMatcher(`paypal|stripe|payoneer|派安盈|wise|万里汇|worldfirst|pingpong|连连|亚马逊|amazon|shopee|ebay|速卖通`)

// Refunds as a buyer sees them: the money the buyer waits for, not the merchant's back office.
var (
	// refundMissRE: a refund that has not come.
	refundMissRE = mustMatcher(`退款.{0,10}(没到|没收到|没有收到|还没到|不到账|没到账|没退回|没回来|没见|没看到|查不到|没有到)|(没|没有)(收到|到|看到)(退款|退的钱)|退的钱.{0,6}(没到|没收到|还没)|退了.{0,8}(没到|都没到|还没到|没收到)|退.{0,20}钱(还|都)?没(回来|到|退回)|refund.{0,12}(notreceived|notarrived|hasnt|havent|didnt|not)`)
	// sellerCtxRE: the message is a merchant's (their customer, their back office).
	sellerCtxRE = mustMatcher(`顾客|客户|买家|付款人|消费者|我们店|我的店|店里|商户后台|后台|发起退款|退款失败|退不了|给他退|给她退|我退了|我们退了|商户号|商户编号|88\d{8}`)
	// refundLateRE: "那要是过了时间还没到呢" inside a refund topic.
	refundLateRE   = mustMatcher(`过了.{0,6}(时间|天|日|期)|超过|超时|还(是)?没(到|收到|退)|一直没|都没到|迟迟`)
	refundCreditRE = mustMatcher(`信用卡`)
	// platformRE: where the buyer bought; the platform handles its refunds first.
	platformRE = mustMatcher(`(在|从)(拼多多|淘宝|天猫|京东|美团|饿了么|抖音|快手|闲鱼|唯品会|小红书|得物)|(拼多多|淘宝|天猫|京东|美团|饿了么|抖音|快手|闲鱼|唯品会|小红书|得物)(上|里|店)?.{0,4}(买|下单|购|付)|网上买|网购|网店`)
	// payAppRE: a payment app or bank app where the buyer may look.
	payAppRE = mustMatcher(`云闪付|手机银行|银行app|网银|账单里|app里`)
)

// topicCross marks that the last answer was about a cross-border wallet and 易联's own service.
const topicCross = "_cross"

// topicRefund marks that the last answer was the buyer's refund answer.
const topicRefund = "_refund"

// buyerRefund answers a buyer waiting for a refund, and what they ask next inside that topic
// (credit cards, "过了时间还没到", the platform they bought on, where to look). The FAQ's refund
// entries are written for merchants (商户后台, 提醒顾客), so they are the wrong audience here.
func (c *conv) buyerRefund(_ context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	n := utf8.RuneCountInString(b)
	inTopic := c.s.Topic == topicRefund || strings.HasPrefix(c.s.Answered, "refund-arrival") || strings.HasPrefix(c.s.Topic, "refund-arrival")
	s := ""
	switch {
	case refundMissRE.MatchString(b) && !sellerCtxRE.MatchString(b) && !isEnglish(text):
		s = textBuyerRefund
		if m := bankNameRE.FindString(b); m != "" {
			// "是你们的问题还是银行的问题": the bank's part said first.
			s = fmt.Sprintf(textBankAndUs, m) + "\n" + s
		}
		if upset(text) || strings.Contains(b, "吞") || strings.Contains(b, "别让我") {
			s = textBuyerRefundSorry + s
		}
		switch {
		case platformRE.MatchString(b):
			s += "\n" + textRefundPlatform
		case refundCreditRE.MatchString(b):
			s += "\n" + textRefundCredit
		}
	case !inTopic || n > 24 || sellerCtxRE.MatchString(b):
		return Reply{}, false, nil
	case platformRE.MatchString(b):
		s = textRefundPlatform
	case refundLateRE.MatchString(b):
		s = textRefundLate
	case refundCreditRE.MatchString(b):
		s = textRefundCredit
	case payAppRE.MatchString(b):
		s = textRefundWhere
	default:
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	c.s.Topic, c.s.TopicQ = topicRefund, ""
	c.s.OfferTicket = true
	return c.text(s), true, nil
}

// topicOther marks that the last answer was about another company's product.
const topicOther = "_other"

// Plans and complaints about a merchant, which would otherwise reach the FAQ's pick-list.
var (
	// planRE: an okay with what the user will do next ("好 我先去查下防火墙", "算了 8点以后打电话问").
	planRE     = mustMatcher(`^(好的?|好吧|行|嗯+|那|算了|ok|那好|那行|知道了|明白了|收到|了解)*(那)?(我)?(就)?(先|等|回头|明天|晚点|晚些|稍后|待会|等会|过会|改天|下午|晚上|明早|早上|上班|[0-9一二两三四五六七八九十]{1,2}点(以后|之后|后|钟|多)?)+.{0,8}(查|看|试|检查|排查|打电话|打个电话|打过去|打热线|问|联系|找|弄|改|处理|核对|确认)`)
	planCallRE = mustMatcher(`电话|打过去|热线|打给`)
	// merchantIgnoresRE: a buyer whose merchant does not answer or refund.
	merchantIgnoresRE = mustMatcher(`(商家|卖家|店家|店主|商店|网店|那家店)(一直|都|就是|根本|也|还是|压根)?(不理|不回|不管|不退|不给退|联系不上|找不到|拉黑|不接|踢皮球|推给)`)
)

// plan acknowledges an okay that says what the user will do next: a line, the hotline when they
// mean to call, no pick-list.
func (c *conv) plan(_ context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if utf8.RuneCountInString(b) > 24 || !planRE.MatchString(b) || askRE.MatchString(b) {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	c.s.Need, c.s.Repeats = "", 0
	if planCallRE.MatchString(b) {
		return c.text(fmt.Sprintf(textPlanCall, c.b.contact("hotline"), c.b.hours.window(c.now))), true, nil
	}
	return c.text(textPlanAck), true, nil
}

// merchantIgnores answers a buyer whose merchant will not answer: what 易联 can do (chase the
// merchant through a complaint ticket) and what the buyer needs to give for it.
func (c *conv) merchantIgnores(_ context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	if utf8.RuneCountInString(b) > 40 || !merchantIgnoresRE.MatchString(b) {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	c.s.OfferTicket = true
	return c.text(textMerchantIgnores + c.b.humanWhen(c.now)), true, nil
}

// Emotion.

var upsetRE = mustMatcher(`[!！]{2,}|[?？]{3,}|怎么回事|搞什么|投诉|垃圾|骗子公司|吞了|气死|急死|烦死|到底|还做不做|什么破|太差|太慢|给我个说法|必须给|差评|不管|凭什么|坑人|人民银行`)

// upset reports whether the user sounds upset.
func upset(text string) bool { return upsetRE.MatchString(text) }

// merchantNoQuestionRE asks what or where the merchant number is.
var merchantNoQuestionRE = mustMatcher(`商户(编|代)?号.{0,6}(在哪|哪里|哪儿|哪看|去哪|哪找|哪查|怎么(看|查|找)|是什么|是啥|什么意思|啥意思|指什么|多少位|找不到)`)

// slaQuestionRE asks how long a ticket takes.
var slaQuestionRE = mustMatcher(`多久.{0,4}(回|处理|答复|联系)|什么时候.{0,4}(回|处理|答复|联系)|几(个)?小时.{0,3}(回|处理)|多长时间`)

// whenRE, chaseRE: a question about the user's own ticket.
var (
	whenRE  = mustMatcher(`什么时候.{0,6}(处理|回复|解决|好|联系|有结果)|多久.{0,6}(处理|回复|解决|好|有人)|进度|处理到哪|怎么(还)?没(人)?(处理|回复|理|联系|消息)|没人理|有结果了?吗|还要多久|要等多久`)
	chaseRE = mustMatcher(`催一下|催催|催单|帮我催|快点处理|加急处理|能不能快点|赶紧处理|催`)
	// forgotNoRE: the user does not have the ticket number.
	forgotNoRE = mustMatcher(`(单号|工单号|编号).{0,4}(忘|不记得|找不到|没记|丢)`)
	// forgotNumRE: "号码忘了" said of a ticket ("好像GD开头的").
	forgotNumRE = mustMatcher(`(号码|号)(也)?.{0,3}(忘|不记得|记不得|记不清|找不到|没记)`)
	// waitedRE: a wait told as a complaint ("都一周了", "好几天没人理").
	waitedRE = mustMatcher(`都.{0,4}(天|周|星期|礼拜|月)了?|好几天|几天了|[一二两三四五六七八九十\d]+(天|周|个星期|个礼拜|个月)了|半个月|没人理|没人管|还没(人)?(处理|回复|联系|消息)`)
	// slipNoRE: a ticket number typed with the wrong number of digits ("GD2026120400").
	slipNoRE = regexp.MustCompile(`(?i)^\s*GD[ -]?\d{4,16}\s*$`)
)

// ticketNoSlip answers a ticket number with too few or too many digits: the format, and the
// user's tickets to pick from. A right-length number is lookup's.
func (c *conv) ticketNoSlip(ctx context.Context, text string) (Reply, bool, error) {
	t := foldASCII(text)
	if c.inFlow() || !slipNoRE.MatchString(t) || looseTicketNoRE.MatchString(t) {
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	no := strings.ToUpper(strings.Join(strings.Fields(strings.ReplaceAll(t, "-", " ")), ""))
	return c.slipReply(ctx, no, len(no)-2)
}

// slipReply says a ticket number has the wrong number of digits and shows the user's own
// tickets, or asks for the number again when there are none.
func (c *conv) slipReply(ctx context.Context, no string, digits int) (Reply, bool, error) {
	s := fmt.Sprintf(textTicketNoSlip, no, digits)
	list, err := c.ticketList(ctx)
	if err != nil {
		return Reply{}, true, err
	}
	if list != "" {
		return c.text(s + "\n" + list), true, nil
	}
	return c.text(s + textTicketNoSlipAsk), true, nil
}

// ticketList lists the user's latest tickets, or "" when there are none (or no store).
func (c *conv) ticketList(ctx context.Context) (string, error) {
	if c.stateless {
		return "", nil
	}
	ts, err := c.b.st.userTickets(ctx, c.m.OpenID, 5)
	if err != nil || len(ts) == 0 {
		return "", err
	}
	var sb strings.Builder
	sb.WriteString("您最近的工单：")
	for _, t := range ts {
		fmt.Fprintf(&sb, "\n%s　%s　%s", t.No, t.Type.Name(), t.Status.Name())
	}
	return sb.String(), nil
}

// myTicket answers "什么时候处理", "催一下" and "进度" about the ticket filed in this
// conversation (or the user's latest open one).
func (c *conv) myTicket(ctx context.Context, text string) (Reply, bool, error) {
	if c.stateless || c.inFlow() {
		return Reply{}, false, nil
	}
	b := bare(text)
	if forgotNoRE.MatchString(b) || forgotNumRE.MatchString(b) && (strings.Contains(b, "gd") || strings.Contains(b, "工单")) {
		c.s.Prompt = prompt{}
		list, err := c.ticketList(ctx)
		if err != nil {
			return Reply{}, true, err
		}
		if list != "" {
			return c.text(list + "\n" + textForgotNoListed), true, nil
		}
		c.s.OfferTicket = true
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
		if waitedRE.MatchString(b) {
			// "怎么还没处理 都一周了" with no ticket here: sorry, which request, and a person.
			c.s.OfferTicket = true
			return c.text(textWaitedNoTicket + c.b.humanWhen(c.now)), true, nil
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
	// What the user said before and what this message adds beside the number ("错误码TIMEOUT
	// 一分钟几百单") both describe the problem; either may name its type.
	var desc []string
	if utf8.RuneCountInString(c.s.LastQ) >= minDescRunes {
		desc = append(desc, c.s.LastQ)
	}
	if rest := takeRest(c.userText); rest != "" {
		desc = append(desc, rest)
	}
	if cat := c.s.LastCategory; cat == "api-integration" || typeFromTopic(bare(strings.Join(desc, " "))) == TypeTech {
		f.Type = TypeTech
	}
	if len(desc) > 0 {
		f.Desc = clip(strings.Join(desc, "；"), maxStoredRunes)
		f.Step = stepContact
	}
	c.s.Flow = f
	c.s.Prompt = prompt{}
	return c.text(joinNonEmpty(fmt.Sprintf(textMerchantTicket, no), c.flowPrompt())), true, nil
}

// The follow-ups that used to reach the "cannot tell" fallback inside a case: the user cannot
// do the steps, asks whether anyone works now, for the ticket's number or when someone calls,
// whether the money is still there, says they are doing a step or waiting, or that the remote
// app is still open.
var (
	cantDoRE = mustMatcher(`不会弄|不会操作|不会用|不会打|不知道怎么弄|弄不来|弄不了|搞不懂|搞不来|不懂这些|看不懂|年纪大|年龄大|岁数大|老人家|老年人|眼睛不好|眼花|字太多|不识字`)
	// openNowRE asks whether anyone answers now; a bank's line is bankLine's.
	openNowRE = mustMatcher(`(电话|人工|客服|你们).{0,6}(打得通|打的通|能打通|打不打得通|有人接|有人吗|在吗|上班吗)|还有人(管|在|接|上班|值班|处理)|有人(管|接|值班|处理)吗|现在有人|有没有人(管|接|值班|处理)|下班了吗|(半夜|这么晚|深更半夜|大晚上|凌晨|晚上).{0,8}(有人|打得通|能打|管吗|接吗|处理吗|上班)`)
	// ticketNoAskRE asks for the ticket's number.
	ticketNoAskRE = mustMatcher(`(工单|单号|编号|单子).{0,4}(多少|是什么|是啥|几号|发我|给我|再说|再发|在哪|呢)|^(我的)?(工单号|单号|工单编号)$`)
	// caseWhenRE asks when someone will be in touch.
	caseWhenRE = mustMatcher(`(多久|多长时间|什么时候|啥时候|几点|要等多久|等多久|几个小时).{0,6}(联系|处理|回复|回电|打给我|有人|有结果|找我|来电|回我)|^(要|还要|大概|那|得)?(多久|等多久|多长时间)(啊|呢|呀)?$`)
	// balanceRE asks whether the money is still there or safe.
	balanceRE = mustMatcher(`钱还在|还在不在|钱.{0,4}(安全|没事|保住|还有没有)|余额|(查|看).{0,4}(卡里|钱|余额)|卡里(的钱)?还有|卡里还剩|钱(会|还会)不会`)
	// doingRE: a step being done now; waitRE: the user waits for the call.
	doingRE    = mustMatcher(`在弄|正在弄|在办|在打|正在打|正在联系|在联系|正在问|在问|在关|在卸|弄着|马上弄|这就弄`)
	caseWaitRE = mustMatcher(`我等着|我等|等着|在等|等你们|等电话`)
	// stillOpenRE: the remote or screen-sharing app still runs.
	stillOpenRE = mustMatcher(`还开着|还在共享|没关|关不掉|关不了|还连着|还在运行|还能看到`)
	// sentToBankRE: the police sent the user to the bank.
	sentToBankRE = mustMatcher(`(让|叫|要)我?(去)?(找|联系|去|打给?)银行`)
	policeDoneRE = mustMatcher(`报警了|报案了|报完(警|案)|报过(警|案)|立案了|派出所`)
	bankDoneRE   = mustMatcher(`冻结了|冻住了|冻上了|止付了|联系了银行|打了银行|打过银行|银行说|银行.{0,4}(打通了|打过了|联系上了|处理了)`)
)

// caseMore answers the follow-ups above (b is bare text), in the case and with its ticket.
func (c *conv) caseMore(ctx context.Context, b string) (Reply, bool, error) {
	cs := c.s.Case
	if cs.Kind == caseRisk && cs.Ticket == "" {
		return Reply{}, false, nil // nothing lost: the risk answers apply
	}
	open := c.b.hours.open(c.now)
	switch {
	case cantDoRE.MatchString(b):
		s := textCaseCantDo
		if open && !c.stateless {
			c.count("", statHandoff)
			c.s.Prompt = prompt{}
			return c.text(s + "\n" + c.caseHandoffLine()), true, nil
		}
		s += fmt.Sprintf(textCaseCantDoClosed, c.b.hours.window(c.now))
		if cs.Ticket != "" {
			s += "\n" + fmt.Sprintf(textCaseCantDoTicket, cs.Ticket, c.b.hours.nextOpen(c.now))
		}
		return c.text(s), true, nil
	case stillOpenRE.MatchString(b) && cs.Kind == caseScreen || stillOpenRE.MatchString(b) && screenRE.MatchString(b) || stillOpenRE.MatchString(b) && strings.Contains(b, "app"):
		return c.text(c.withTicket(textCaseStillOpen)), true, nil
	case cs.Ticket == "":
		return Reply{}, false, nil
	case ticketNoAskRE.MatchString(b):
		p, err := c.casePromise(ctx)
		if err != nil {
			return Reply{}, true, err
		}
		return c.text(fmt.Sprintf(textCaseTicketNo, cs.Ticket, p)), true, nil
	case openNowRE.MatchString(b) && !bankNameRE.MatchString(b) && !strings.Contains(b, "银行"):
		p, err := c.casePromise(ctx)
		if err != nil {
			return Reply{}, true, err
		}
		if open {
			return c.text(fmt.Sprintf(textCaseOpenNow, c.b.hours.window(c.now), cs.Ticket, p)), true, nil
		}
		return c.text(fmt.Sprintf(textCaseClosedNow, cs.Ticket, p) + "\n" + textCaseActNow), true, nil
	case caseWhenRE.MatchString(b) && !bankAskRE.MatchString(b) && !recoverRE.MatchString(b):
		p, err := c.casePromise(ctx)
		if err != nil {
			return Reply{}, true, err
		}
		s := fmt.Sprintf(textCaseWhen, cs.Ticket, p)
		if open {
			return c.text(s + textCaseWhenOpen), true, nil
		}
		return c.text(s + "\n" + textCaseActNow), true, nil
	case balanceRE.MatchString(b) && !(collectRE.MatchString(b) && (cs.Kind == caseTakeover || strings.Contains(b, "收"))):
		s := textCaseBalance
		if strings.Contains(b, "还有") || strings.Contains(b, "还剩") {
			s = textCaseBalanceLeft
		}
		return c.text(c.withTicket(s)), true, nil
	case doingRE.MatchString(b) && utf8.RuneCountInString(b) <= 16:
		if bankAskRE.MatchString(b) {
			return c.text(c.withTicket(textCaseDoingBank)), true, nil
		}
		return c.text(c.withTicket(textCaseDoing)), true, nil
	case caseWaitRE.MatchString(b) && utf8.RuneCountInString(b) <= 16:
		p, err := c.casePromise(ctx)
		if err != nil {
			return Reply{}, true, err
		}
		return c.text(fmt.Sprintf(textCaseWait, p)), true, nil
	}
	return Reply{}, false, nil
}

// casePromise is what the urgent desk promises about the case's ticket, from its due time and
// the configured hours: within the hour while the desk works, otherwise when it opens.
func (c *conv) casePromise(ctx context.Context) (string, error) {
	due := c.b.urgentDue(c.now)
	if !c.stateless {
		t, err := c.b.st.ticket(ctx, c.s.Case.Ticket)
		if err != nil && !isNoTicket(err) {
			return "", err
		}
		if err == nil {
			due = t.DueAt
		}
	}
	if c.now.After(due) {
		return fmt.Sprintf(textCasePromiseLate, c.b.shortTime(due)), nil
	}
	if c.b.urgent24h || c.b.hours.open(c.now) {
		return fmt.Sprintf(textCasePromiseOpen, c.b.shortTime(due)), nil
	}
	return fmt.Sprintf(textCasePromiseClosed, c.b.hours.window(c.now), c.b.hours.nextOpen(c.now), c.b.shortTime(due)), nil
}

// topicNearMiss marks a scam that cost nothing ("没理他"): what follows is asked calmly.
const topicNearMiss = "_nearmiss"

var (
	// nearMissPoliceRE asks whether to report a scam attempt.
	nearMissPoliceRE = mustMatcher(`(要|需要|用|该|能|可以)(不要)?报警|报警吗|要不要报(警|案)|(要|需要|能|可以|怎么|去哪|在哪)举报|报案吗`)
	// moneySafeRE asks whether the money is safe or what else to do.
	moneySafeRE = mustMatcher(`钱.{0,4}(没事|安全|不会有事|会不会有事|会不会(被|丢|少))|(还|需要|要|用)(需要|要)?做(点)?(什么|啥)|还要注意(什么|啥)|(会不会|有没有)(损失|风险)|账户.{0,2}(安全|没事)吗`)
)

// neverShare answers an offer to send a password, a code or a card number: no, never; inside
// the ticket flow the step's question follows.
func (c *conv) neverShare() Reply {
	s := textOfferSecretNo + textNeverShare
	if c.guarded.found() && len(c.s.Warned) > 0 {
		c.warning = ""
		c.warned(c.guarded.kinds)
		s = textOfferSecretNo + textHiddenNeverShare
	}
	if c.inFlow() {
		return c.text(s + "\n\n" + c.flowPrompt())
	}
	c.s.Prompt = prompt{}
	return c.text(s + "\n" + textOfferSecretInstead)
}

// entryUrgent reports whether an answer from a knowledge-base entry marked urgent makes the
// conversation's next ticket urgent: a freeze by risk control is a complaint to handle within
// its time limit, not a fraud emergency, unless the message tells of a loss.
func entryUrgent(category, text string) bool {
	if category == "risk-limits" {
		return isLoss(text)
	}
	return true
}

// urgentTicket is the urgent ticket a fund-safety case or an outage files without a form: the
// user's message is its description, with the merchant number found in it.
func (c *conv) urgentTicket(typ TicketType, category string) *Ticket {
	return &Ticket{
		OpenID: c.m.OpenID, Type: typ, Priority: PriorityUrgent, Status: StatusOpen,
		CreatedAt: c.now, UpdatedAt: c.now, DueAt: c.b.urgentDue(c.now),
		MerchantNo: findMerchantNo(c.userText), Description: c.userText,
		Category: category, Replies: []TicketReply{},
	}
}
