package bot

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// The user-facing texts of the dialogue. They are short, natural Chinese; contact details come
// from configuration (Options.Contact).

const (
	textAskToType      = "抱歉，这条语音没能识别出文字。麻烦您用文字再说一下问题，我马上为您查找。"
	textMediaPrefix    = "收到您发来的%s，不过我暂时只能看懂文字哦。"
	textMediaHelp      = "请用文字描述您的问题（例如“对账单在哪下载”），回复“菜单”查看自助服务，回复“人工”联系人工客服。"
	textMenuTitle      = "请回复数字选择您要咨询的类别："
	textMenuFooter     = "也可以直接输入您的问题，例如“对账单在哪下载”。回复“人工”联系人工客服。"
	textNoSuchOption   = "没有这个选项哦，请回复下面列表中的数字。"
	textCategoryFooter = "回复数字查看答案，回复“返回”回到主菜单。"
	textSuggestTitle   = "您可能想问："
	textSuggestFooter  = "请回复数字查看答案。都不是？换个说法试试，或回复“人工”。"
	textFeedbackAsk    = "这个回答对您有帮助吗？回复“有用”或“没用”。"
	textMoreDetail     = "（回复“详细”看完整说明）"
	textRelatedTitle   = "相关问题（回复数字查看）："
	textThanks         = "感谢您的反馈！还有其他问题可以随时问我，回复“菜单”查看自助服务。"
	textSorryAlts      = "抱歉没能帮到您。您要问的是不是下面这些？"
	textSessionExpired = "由于长时间没有操作，之前的对话已结束。"
	textRateLimited    = "您发送消息太频繁了，请稍等一分钟再发，我们会继续为您服务。"
	textContinueNone   = "没有需要继续显示的内容了。回复“菜单”查看自助服务。"
	textMoreSuffix     = "\n\n（内容较长，回复“继续”查看剩余内容）"
	textNothingToGoUp  = "已经在主菜单了。"
	textNotUnderstood  = "抱歉，我没能理解您的问题，可以换个说法再问一次，或从下面的自助服务里找找。"
	textOutOfScope     = "抱歉，“%s”相关的问题不在我的服务范围，建议咨询对应的服务机构。我可以帮您解答易联支付的交易、结算、对账、退款、费率等问题，回复“菜单”查看全部自助服务。"
	textEmpty          = "您好，请问有什么可以帮您？回复“菜单”查看自助服务。"
	textSecretOnlyHint = "您遇到的问题可以直接用文字描述，例如“验证码收不到”“卡被盗刷了怎么办”，我来帮您处理；回复“人工”联系人工客服。"
	textFlowBusy       = "系统有点忙，工单还没有提交成功。您填写的内容都保留着，请稍后再回复一次。"
	textTooLong        = "消息太长了，我先看了前面的部分；详细情况可以分几条发给我。"
)

// mediaName names a media kind as users say it.
var mediaName = map[Kind]string{
	KindImage:      "图片",
	KindVideo:      "视频",
	KindShortVideo: "小视频",
	KindLocation:   "位置",
	KindLink:       "链接",
	KindFile:       "文件",
}

func (b *Bot) welcomeText() string {
	name := b.contact("account_name")
	if name == "" {
		name = "易联支付"
	}
	return fmt.Sprintf("您好，欢迎关注%s！我是智能客服，全天为您解答支付问题。\n\n%s", name, b.menuText())
}

func (b *Bot) menuText() string {
	var sb strings.Builder
	sb.WriteString(textMenuTitle)
	for i, c := range b.kb.Content().Categories {
		fmt.Fprintf(&sb, "\n%d. %s", i+1, c.Name)
	}
	sb.WriteString("\n0. 人工客服\n\n")
	sb.WriteString(textMenuFooter)
	return sb.String()
}

func numbered(title string, items []string, footer string) string {
	var sb strings.Builder
	sb.WriteString(title)
	for i, it := range items {
		fmt.Fprintf(&sb, "\n%d. %s", i+1, it)
	}
	if footer != "" {
		sb.WriteString("\n\n")
		sb.WriteString(footer)
	}
	return sb.String()
}

// guardText is the one-line warning put on top of the reply to a message with a payment secret.
// textFlowTypeShort asks for the ticket type without listing the types again.
const textFlowTypeShort = "要登记的话，回复上面工单类型的数字（1 商户服务、2 技术支持、3 投诉建议、0 其他）；不登记回复“取消”。"

// textGuardAgain reminds a user who was warned once already.
const textGuardAgain = "⚠️ 请不要在对话中发送%s，已自动隐藏。"

func (b *Bot) guardText(kinds []string) string {
	call := "联系官方客服"
	if h := b.contact("hotline"); h != "" {
		call = "拨打官方热线 " + h
	}
	return fmt.Sprintf("⚠️ 请不要在对话中发送%s，已自动隐藏、不会保存。官方客服绝不会索要验证码或密码，如已告诉他人，请立即修改密码并%s。",
		strings.Join(kinds, "、"), call)
}

func (b *Bot) handoffOpenText() string {
	return "好的，正在为您转接人工客服。请直接发送您要咨询的问题，客服接入后会尽快回复您（高峰期可能需要排队，请耐心等待）。"
}

func (b *Bot) handoffClosedText() string {
	now := b.now()
	s := fmt.Sprintf("人工客服的服务时间是每天 %s，现在不在服务时间，%s 起可以为您服务。\n"+
		"我先帮您登记工单，客服上班后会按时效优先处理；不需要的话回复“取消”，也可以继续向我提问。",
		b.hours.window(now), b.hours.nextOpen(now))
	if b.contact("hotline") != "" {
		s += "\n客服热线：" + b.contact("hotline")
	}
	return s
}

func (b *Bot) urgentClosedText() string {
	return fmt.Sprintf("您反映的问题涉及资金安全，我们会优先处理。\n"+
		"1. 如遇诈骗或盗刷，请立即联系开户银行冻结账户，并保留交易截图；\n"+
		"2. 现在人工客服不在服务时间（每天 %s），我先帮您登记工单，工单会进入加急通道；\n"+
		"3. 也可拨打官方热线 %s。",
		b.hours.window(b.now()), b.contact("hotline"))
}

func (b *Bot) twoMissesText() string {
	return "抱歉，我还是没能理解您的问题。建议您：\n" +
		"1. 回复“人工”联系人工客服；\n" +
		"2. 回复“提交工单”留下问题，客服会在4小时内回复；\n" +
		"3. 回复“菜单”浏览自助服务。"
}

// Fund safety. Every number comes from configuration.
const (
	textCaseEmpathy = "别着急，我来帮您，先做最要紧的几件事。\n"
	textCaseSteps   = "⚠️ 这涉及资金安全，请马上处理，越快越好：\n" +
		"1. %s；\n" +
		"2. 立即拨打开户银行（发卡行）的客服电话，说明情况，申请止付、冻结相关银行卡或账户；\n" +
		"3. 拨打110报警，也可以拨打96110反诈专线咨询；保留转账记录、聊天记录、对方号码和收款账号；\n" +
		"4. 易联客服热线 %s（每天 %s）可以走红色通道加急处理。"
	textCaseTicket        = "我已为您登记加急工单 %s，%s。"
	textCaseAddMore       = "有新情况（时间、金额、对方号码、商户编号）可以直接发给我，我会补充到工单里；请不要发送密码、验证码或完整卡号。"
	textCaseTicketShort   = "您的加急工单：%s，客服会优先处理。"
	textCaseNoTicket      = "需要我们跟进的话，回复“人工”联系人工客服，或拨打官方热线。"
	textCaseAdded         = "这条情况已补充到您的加急工单 %s，客服处理时会一并查看，不会重复立单。"
	textCaseMerchant      = "已把商户编号 %s 补充到加急工单 %s。请先修改后台登录密码、核对结算卡，客服会优先处理。"
	textCaseRecover       = "我没办法直接追回或撤销这笔钱，能不能拦截、追回要看银行和公安机关的处理，所以越快联系越好：\n1. 马上打开户银行电话申请止付；\n2. 带上转账记录去报警（110），或拨打96110；\n如果这笔钱是通过易联支付付出去的，我们会在工单里协助核查交易、配合警方调查。\n请警惕“帮您追回损失”要先交费的人，那同样是骗局。"
	textCaseStop          = "我这边没办法直接冻结或暂停您的结算，已把您的要求记到加急工单 %s，客服处理时会第一时间核实并办理。在此之前请先修改后台登录密码、检查结算卡设置，并联系开户银行。"
	textCaseMaterials     = "请准备这些（发给客服，或报警时带上）：\n1. 转账/交易的时间、金额、交易流水号或订单号；\n2. 转账记录、扣款短信、聊天记录的截图；\n3. 对方的电话号码、收款账号；\n4. 您的注册手机号、商户编号（商户用户）。\n⚠️ 不要发送密码、验证码或完整银行卡号，任何人都不需要这些。"
	textCaseWhy           = "这不是您的错，骗子的手法很专业。常见的原因有：点过钓鱼链接或扫过陌生二维码、手机装了可疑软件、在别的网站用过相同的密码。具体原因需要核查账户记录，先把损失止住最重要：改密码、联系银行、报警。"
	textCaseDoneAck       = "好的，做得对。"
	textCaseLeftBank      = "如果还没联系开户银行，请尽快打电话申请止付、冻结；转账记录、聊天记录、截图都要保留好。"
	textCaseLeftPolice    = "如果还没报警，请拨打110或96110；转账记录、聊天记录、截图都要保留好，接下来几天多留意账户交易。"
	textCaseHandoffOpen   = "好的，正在为您转接人工客服，您的加急工单 %s 已记录了经过，客服接入后可以直接查看。请直接发送您要补充的情况。"
	textCaseHandoffClosed = "人工客服的服务时间是每天 %s，现在不在服务时间。您的加急工单 %s 已经登记，客服%s上班后第一时间处理，不用再重新提交。\n现在就能做的：打开户银行电话止付、冻结；拨打110或96110报警。"
	textUrgentOpen        = "已进入加急通道，客服会在1小时内处理（%s前联系您）"
	textUrgentClosed      = "已进入加急通道。现在是非服务时间（人工服务每天 %s），客服%s上班后第一时间处理（%s前联系您）；在此之前，银行和110/96110随时可以联系"
	textRisk              = "⚠️ 这是典型的冒充客服诈骗，请不要转账、付款或扫码，也不要提供验证码、密码、银行卡信息，不要共享屏幕或安装对方让您装的软件。官方人员绝不会这样要求。\n%s"
	textRiskAsk           = "如果已经转账、付款或给了验证码，请马上告诉我，我帮您登记加急工单。"
	textNoHarm            = "那就好，没有损失最重要。以后遇到自称易联的来电或消息，挂断后自己拨打官方热线核实。"
)

// caseFirstStep is the first thing to do, by kind of case.
var caseFirstStep = map[string]string{
	caseLoss:     "立即停止转账、付款，不再和对方联系（挂断电话、不回消息、不点链接）",
	caseScreen:   "立即挂断通话、关闭屏幕共享，卸载对方让您安装的远程软件（如向日葵、ToDesk），必要时先断开网络；不要再输入任何验证码或密码，也不要在这台手机上打开银行或支付App",
	caseCode:     "立即用自己的手机修改登录密码和支付密码，检查最近的交易记录；不要再给对方任何验证码",
	caseTakeover: "立即修改商户后台登录密码，检查结算卡、登录手机号和操作员设置",
	caseTheft:    "立即用自己的手机修改登录密码和支付密码，查看最近的交易记录，记下异常交易的时间、金额和流水号",
}

// Official numbers.
const (
	textOfficialHotline   = "易联支付的官方电话：客服热线 %s"
	textOfficialEmergency = "；高峰期签约商户备用热线 %s（也是官方号码）"
	textOfficialOthers    = "。除此之外，自称易联的其他号码都不可信。"
	textNumberHotline     = "是的，%s 是易联支付的官方客服热线，服务时间每天 %s。不过来电号码可以伪造：只要对方索要验证码、密码或让您转账，都请挂断后自己拨打热线核实。"
	textNumberEmergency   = "是的，%s 是易联支付的官方备用热线，在双十一、春节等高峰期供签约商户使用。日常请拨打客服热线 %s。不过来电号码可以伪造：只要对方索要验证码、密码或让您转账，都请挂断后自己拨打热线核实。"
	textNumberNotOfficial = "%s 不是易联支付的官方号码，自称易联的来电或短信都请当作诈骗处理。"
	textNumberAdvice      = "请不要提供验证码、密码或银行卡信息，不要加对方QQ或微信，不要转账；%s已经给了验证码或转了钱的话，请马上告诉我。"
)

// Acknowledgements and small talk.
const (
	textYoureWelcome = "不客气！还有问题随时问我。"
	textOK           = "好的，还有问题随时找我。"
	textBye          = "再见，祝您生意兴隆！有问题随时找我。"
	textStillHere    = "在的，您请说。"
	textSorryNoHelp  = "抱歉没帮上您。"
	// textAckTicket closes a conversation that filed a ticket: the line, then the ticket.
	textAckTicket         = "%s。您的工单 %s 客服会跟进，有进展会通知您。"
	textEnglishTicketOpen = " Your ticket %s stays open; we will follow up."
)

// English.
const (
	textEnglishHello           = "Hi, I'm here. How can I help?"
	textEnglishHandoffOpen     = "Sure, I'm transferring you to a human agent. Please type your question and an agent will reply soon."
	textEnglishHandoffClosed   = "Our agents work daily %s, so no one is available right now. Please call our hotline %s then, or leave your question here and we will follow up."
	textEnglishMore            = "(Reply \"more\" for the rest.)"
	textEnglishThanks          = "You're welcome! Anything else, just ask."
	textEnglishOK              = "OK. Anything else, just ask."
	textEnglishBye             = "Goodbye, and thank you!"
	textEnglishCase            = "This looks like a scam. Please act now:\n1. Stop paying and cut all contact with the caller.\n2. Call your card-issuing bank now to stop the payment and freeze the card.\n3. Report to the police: 110, or the anti-fraud line 96110. Keep transfer records and chat logs.\n4. Yilian Pay hotline: %s (daily %s), ask for the red channel.\n%s"
	textEnglishCaseTicket      = "I have opened urgent ticket %s for you; %s"
	textEnglishTicket          = "Sure, I'll open a ticket for you; an agent will follow up. The form is in Chinese: reply with your merchant number (10 digits starting with 88), or \"跳过\" (skip)."
	textEnglishTicketHint      = " Or reply \"ticket\" and I will open one for you."
	textEnglishHotline         = "Our hotline is %s, daily %s (Beijing time). You can also ask me here, or reply \"human\" for an agent during those hours."
	textEnglishCrossBorderDesk = "For cross-border business, our international desk works %s (Beijing time): call %s and ask for it. General service runs daily %s."
	textEnglishAbroad          = "A 400 number (%s) may not be reachable from outside mainland China. You can leave your question here: our agents work daily %s (Beijing time)."
	textEnglishRisk            = "This is a typical scam. Official Yilian Pay staff never ask you to transfer money, pay a deposit, share your screen or tell them a code or password. Hang up and call our official hotline %s yourself. If you already paid or gave a code, tell me right away."
)

// Other companies.
const (
	textOtherCompany = "“%s”是%s的产品，这类问题请在%s的App或官方客服咨询，易联支付没办法替它处理。\n我可以帮您解答易联支付的收款、结算、退款、对账、费率等问题，回复“菜单”查看。"
	textBankProduct  = "“%s”的业务由银行办理，请联系该银行的客服或网点，易联支付没办法替银行处理。\n我可以帮您解答易联支付的收款、结算、退款、对账、费率等问题，回复“菜单”查看。"
	textNoCompare    = "其他公司（%s）的费率和产品我不方便评价。"
	textCompareOurs  = "易联支付的费率以签约合同为准，可以在商户后台查看；想了解报价，可以拨打热线 %s 或回复“人工”咨询。"
	textBankAndUs    = "钱款进出%s的部分由银行处理；易联这边可以查到交易和退款是否已经发出。"
	textTheirProduct = "“%s”是%s的产品，能不能对接、怎么用请咨询对方；下面是易联支付这边的情况。"
)

// Tickets after they were filed.
const (
	textNoTicketFound     = "抱歉让您久等了。我查了一下，这个微信号下没有待处理的工单。请发给我工单号（GD开头）帮您查询；工单号找不到的话，可能是用别的账号或渠道提交的，回复“提交工单”可以重新提交，我会跟进。"
	textSorryWait         = "抱歉让您久等了。"
	textTicketStatus      = "您的工单 %s（%s）目前状态：%s"
	textTicketDue         = "，按时效会在 %s 前回复您。"
	textTicketOverdue     = "，已超过承诺的回复时间（%s），非常抱歉。"
	textTicketClosedHours = "\n现在是非服务时间（人工客服每天 %s），客服%s上班后优先处理，一般上班后%s内回复。"
	textChased            = "\n已为您催办，客服会优先跟进。"
	textChaseHandoff      = "\n需要现在就找人工的话，直接发送您的问题，我为您转接。"
)

// Flow.
const (
	textFlowStart          = "好的，我来帮您提交一张工单，客服会根据工单跟进处理，只需几步。"
	textFlowStartComplaint = "好的，我来帮您登记投诉工单，客服会在24小时内处理。"
	textFlowCancelEmpty    = "好的，已取消，没有提交任何工单。"
	textFlowCancelKept     = "已退出工单提交，还没有提交。您已填写的内容会保留30分钟，回复“继续填写”可以接着填。"
	textFlowResume         = "我们接着填写上次的工单，已填写的内容都保留着。"
	textFlowResumeEmpty    = "好的，我们继续提交工单。"
	textFlowStillOpen      = "（工单还在填写中，您的回答会接着记下。）"
	textFlowWayOut         = "暂时不方便的话：回复“跳过”先提交，回复“取消”退出，或回复“人工”联系人工客服。"
	textMerchantNoHelp     = "商户编号是88开头的10位数字，可以在商户后台首页、签约合同或入网通知短信/邮件里找到。"
	textSLAHelp            = "工单一般4小时内回复，投诉24小时内处理，涉及资金安全的会加急（服务时间内1小时）。"
	textFlowUseCandidate   = "如果这就是您要反映的问题，回复“是”，我把它作为工单描述；不是的话，请继续描述您遇到的问题。"
)

// Emotion and repetition.
const (
	textEmpathy            = "非常抱歉给您带来这么多麻烦，我理解您很着急。"
	textOfferHuman         = "需要的话回复“人工”，我马上为您转接人工客服。"
	textOfferTicket        = "人工客服现在不在服务时间（每天 %s），回复“提交工单”，我帮您登记，客服%s上班后优先处理。"
	textUpsetOthers        = "如果说的不是这个，可能是（回复数字查看）："
	textRepeatHead         = "抱歉，看来刚才的回答没有解决您的问题。"
	textRepeatBrief        = "我再简单说一下："
	textRepeatSpecific     = "如果是某一笔具体的交易或款项有问题，需要客服查看您的账户（商户编号、日期和金额）。"
	textRepeatPersonOpen   = "这个问题需要查看您的具体情况，我帮您转人工客服：请直接发送您的商户编号和问题，客服接入后会跟进。"
	textRepeatPersonClosed = "这个问题需要客服查看您的具体情况。人工客服每天 %s，%s 上班；现在回复“提交工单”，我帮您登记，上班后优先处理（热线 %s）。"
)

func (b *Bot) greetingText() string {
	return "您好！我是" + b.accountName() + "智能客服，可以帮您查结算、退款、对账、费率等问题，直接把问题发给我就行。"
}

func (b *Bot) accountName() string {
	if n := b.contact("account_name"); n != "" {
		return n
	}
	return "易联支付"
}

// riskText is the scam warning, with how to cut contact and verify fitting b and the hour.
func (c *conv) riskText(b string) string {
	return fmt.Sprintf(textRisk, c.cutContact(b)) + "\n" + c.b.officialNumbers() + "\n" + textRiskAsk
}

// cutContact says how to end contact with a scammer, fitting the channel b tells of (a call is
// hung up, a text message or WeChat is not answered), and how to verify: the hotline while it
// is open; out of hours when it opens, and the bank and the police, who answer now.
func (c *conv) cutContact(b string) string {
	stop := textCutOther
	switch {
	case scamCallRE.MatchString(b):
		stop = textCutCall
	case scamTextRE.MatchString(b):
		stop = textCutText
	}
	if c.b.hours.open(c.now) {
		return stop + fmt.Sprintf(textVerifyOpen, c.b.contact("hotline"))
	}
	return stop + fmt.Sprintf(textVerifyClosed, c.b.hours.window(c.now), c.b.hours.nextOpen(c.now), c.b.contact("hotline"))
}

var (
	// scamCallRE is contact by phone call; scamTextRE by message, link or chat app.
	scamCallRE = regexp.MustCompile(`来电|打电话|打来|电话里|通话|给我打|打给我|接到.{0,4}电话`)
	scamTextRE = regexp.MustCompile(`短信|微信|QQ|qq|链接|消息|私信|加我|群里`)
)

func (b *Bot) englishRiskText() string { return fmt.Sprintf(textEnglishRisk, b.contact("hotline")) }

func (b *Bot) noHarmText() string { return textNoHarm + "\n" + b.officialNumbers() }

func (b *Bot) englishCaseText(ticket string) string {
	line := ""
	if ticket != "" {
		due := b.shortTime(b.urgentDue(b.now()))
		promise := "an agent will handle it within 1 hour (by " + due + ")."
		if !b.urgent24h && !b.hours.open(b.now()) {
			promise = "our agents start at " + b.hours.Open.String() + " and will handle it first (by " + due + "); your bank and the police can be reached now."
		}
		line = fmt.Sprintf(textEnglishCaseTicket, ticket, promise)
	}
	return fmt.Sprintf(textEnglishCase, b.contact("hotline"), b.hours.window(b.now()), line)
}

// handoffClosedShort is the reminder of the hours for a repeated request outside them.
func (b *Bot) handoffClosedShort(now time.Time) string {
	return fmt.Sprintf("人工客服每天 %s 服务，现在不在服务时间，%s 起可以找人工（热线 %s）。", b.hours.window(now), b.hours.nextOpen(now), b.contact("hotline"))
}

// sorryText answers negative feedback that is about no answer in particular.
func (b *Bot) sorryText(now time.Time) string {
	if b.hours.open(now) {
		return textSorryNoHelp + "您可以换个说法再问，或回复“人工”联系人工客服，回复“提交工单”留下问题。"
	}
	return textSorryNoHelp + fmt.Sprintf("人工客服每天 %s 服务；现在可以回复“提交工单”留下问题，上班后客服优先跟进。", b.hours.window(now))
}

// Menus, queue, satisfaction.
const (
	textOutOfRange           = "没有这个选项哦，请回复 1-%d 之间的数字："
	textOutOfRangeMenu       = "没有这个选项哦，请回复 1-%d 之间的数字（0 是人工客服）。"
	textQueueWaiting         = "在的，正在为您转接人工客服。请直接发送您要咨询的问题，客服接入后会回复您。"
	textQueueSorry           = "抱歉让您久等了，现在咨询的人比较多，您还在排队中，不用重复发送“人工”。着急的话也可以拨打客服热线 %s，或回复“不等了”改为提交工单。"
	textQueueCancelled       = "好的，已取消转人工。有问题随时问我，回复“菜单”可以看自助服务。"
	textQueueCancelledTicket = "好的，已取消排队，抱歉让您久等了。回复“提交工单”留下问题，客服会跟进联系您。"
	textScoreRange           = "评分是1-5分哦（5分为非常满意），请回复1-5之间的数字。"
	textReopenOffer          = "非常抱歉，问题没解决就结束了工单 %s，是我们的问题。回复“重新提交”，我帮您重新登记工单并注明原工单号，客服会继续跟进。"
	textMerchantTicket       = "好的，我用商户编号 %s 帮您登记工单，您说的情况都会写进工单，客服查明后联系您。"
	textMerchantNoExplain    = "需要提交工单时，我会请您填写这个编号。"
)

// humanWhen says when people answer: now, or from when.
func (b *Bot) humanWhen(now time.Time) string {
	if b.hours.open(now) {
		return "也可以回复“人工”联系人工客服。"
	}
	return fmt.Sprintf("人工客服%s上班。", b.hours.nextOpen(now))
}

// manyMissesText answers the third question in a row the bot could not understand.
func (b *Bot) manyMissesText(now time.Time) string {
	if b.hours.open(now) {
		return "抱歉，这个问题我确实答不上来，别再让您反复试了：回复“人工”，我为您转接人工客服。"
	}
	return fmt.Sprintf("抱歉，这个问题我确实答不上来。人工客服%s上班；回复“提交工单”把问题留给客服，上班后优先处理。", b.hours.nextOpen(now))
}

// More replies of the conversation layer.
const (
	textNeverShare       = "不要把验证码或密码发给任何人，包括我和客服。我们任何时候都不需要您的验证码、密码或完整卡号；处理工单也用不到它们。"
	textScamScript       = "这是典型的骗子话术：易联的工作人员绝不会要求您付款、转账或交保证金，不会索要验证码，也不会因为“不配合”就冻结账户。请不要再付任何钱、不要念验证码，立即挂断、停止联系。"
	textCaseRelief       = "没有损失就好。为稳妥起见，请还是改一下登录和支付密码，接下来几天留意账户交易和短信，发现异常马上联系银行和我们。"
	textCapabilities     = "我是易联支付的智能客服，可以帮商户和付款人解答：交易状态、对账单下载、结算到账、费率、退款、商户入网与信息变更、接口对接、发票、防诈骗等问题；也可以帮您提交工单、转人工客服。回复“菜单”查看全部。"
	textTheirProductOnly = "“%s”是%s的产品，能不能对接、怎么使用请咨询对方，我不好替它下结论。\n易联支付为商户提供收款、结算、对账、退款等服务，接入方式可以回复“商户入网”了解，或拨打客服热线 %s 咨询。"
	textForgotNo         = "没关系。工单号是GD开头的编号，提交成功时的回复里有；找不到的话，可能是用别的微信号或电话提交的。回复“提交工单”可以重新提交，我会跟进。"
	textQueueAlready     = "已经在为您转接人工客服了，不用重复发送。请直接发送您要咨询的问题，客服接入后会回复您。"
	textNothingToCancel  = "好的，有需要随时找我。"
	textWhere            = "易联支付的办公地址请以官网公示的信息为准，我这里没有能确认的地址。办理业务不需要上门：客服热线 %s（每天 %s），邮箱 %s，也可以在这里直接问我。"
	textQueueAck         = "好的。客服接入后会回复您，有问题可以直接发给我转给客服。"
)

// Follow-ups on the answer just given.
const (
	textDetailNone  = "刚才的回答已经是完整的了。"
	textNextRelated = "关于这个问题，还可以看看（回复数字查看）："
	textNextOffer   = "还没解决的话，回复“提交工单”留下商户编号和情况，客服会跟进；"
	textWhyLines    = "刚才的回答里说到的原因："
	textWhyUnknown  = "具体原因要看您账户和交易的实际情况，我这边查不到明细。"
)

// Satisfaction asked by the bot when the user says a ticket was solved.
const (
	textSolvedThanks = "太好了，问题解决了就好，谢谢您告诉我们！"
	textSolvedSlow   = "问题解决了就好，处理得慢了，让您久等，非常抱歉。"
	textScoreAsk     = "方便的话请为这次服务打个分：回复1-5（5分最满意）。"
)

// Feedback on the service and who we are.
const (
	textSuggestionThanks = "谢谢您的意见，我们会转给相关团队改进。想正式提建议或投诉，回复“投诉”登记，客服会在24小时内处理。"
	textNotThem          = "不是的。%s是一家独立的支付公司，和%s不是一家；我们主要为商户提供收款、结算、对账、退款等服务。%s的问题需要找%s的客服。"
)

// Menus.
const (
	textMultiChoice = "先为您显示第 %s 项；想看 %s，回复对应数字即可。"
	textPhoneAlone  = "收到一个手机号。需要客服回电的话，请先说说遇到了什么问题，或回复“提交工单”，我帮您登记并留下这个号码。"
)

// textTxnNumber answers a transaction number given on its own.
const textTxnNumber = "收到流水号 %s。我这边查不到单笔交易的明细：回复“提交工单”登记（描述里写上这个流水号和遇到的问题），客服查明后联系您；"

// Payments down right now (outage).
const (
	textOutageAck           = "收款中断非常紧急，我马上帮您处理。"
	textOutageAckRush       = "明白，大促中收款中断每分钟都是损失，我马上帮您处理。"
	textOutageNoNotice      = "目前没有已公告的系统维护，我们按故障处理。"
	textOutageNotice        = "目前有公告：%s"
	textOutageLineDead      = "抱歉备用热线没接通，工单已按加急登记，会写明这一点，技术同事会主动联系您。"
	textTicketEnglish       = "Your ticket is filed: %s. %s To check on it, just send the ticket number."
	textTicketEnglishDue    = "We will get back to you by %s (Beijing time)."
	textTicketEnglishClosed = "Our agents work %s (Beijing time); it will be handled first when they start at %s."
	textNumberAgain         = "客服热线：%s\n服务时间：每天 %s。"
	textOutageDone          = "已按加急技术故障处理，技术同事会在 %s 前联系您；在此之前签约商户可拨备用热线 %s。"
)

// How to cut contact with a scammer and verify (cutContact).
const (
	textCutCall      = "请立即挂断、不要再接"
	textCutText      = "请不要回复，不要点对方发的链接，也不要在里面填任何信息"
	textCutOther     = "请立即停止和对方联系"
	textVerifyOpen   = "，要核实请自己拨打官方热线 %s。"
	textVerifyClosed = "。热线现在已下班（每天 %s），%s 后可自己拨打 %s 核实；现在就能联系的是开户银行（止付）和110或96110（报警）。"
)

// Lines of plainTalk.
const (
	textOffScope   = "这个我帮不上忙，我只负责易联支付的业务问题，比如收款、结算、退款、对账、费率。有这方面的问题随时问我。"
	textStillFails = "抱歉，按这些步骤还没解决，需要客服看看您的具体情况。"
)

// Conversation without the knowledge base (chat, plainer, details, ticketShape, lookedUpWhen,
// the lead answer of a list).
const (
	textHelloAgain   = "您好！有什么可以帮您？直接把问题发给我就行。"
	textChat         = "哈哈，谢谢您来打招呼～我一直在，结算、退款、对账、费率这些问题随时发给我。"
	textCanDo        = "我可以帮您：查结算到账、退款、对账文件、费率手续费、交易状态，办商户入网和信息变更，解答接口对接和后台登录问题，也能帮您提交工单、查工单进度、转人工客服。直接说您的问题就行，回复“菜单”可以看全部目录。"
	textCanDoMenu    = "我能帮您解答下面这些问题，也能提交工单、查工单进度、转人工客服。"
	textCompare      = "其他公司的产品我不方便评价。%s为商户提供收款、结算、对账和退款等支付服务，费率和结算周期以签约为准；想了解具体方案，可以直接问我，或回复“人工”联系客服。"
	textPlainerHead  = "抱歉，我说得太多了，简单讲就是："
	textPlainerCall  = "看文字不方便的话，可以直接打客服热线 %s（每天 %s），有人一步一步帮您弄。"
	textDetailsTaken = "收到：%s。我这边看不到具体交易，需要客服按金额和时间帮您核实。回复“提交工单”，我把这些信息一起登记，客服会跟进；"
	textLeadHead     = "您问的应该是“%s”："
	textLookedUpDue  = "工单 %s 现在是“%s”，客服会在 %s 前回复您，有进展会通知您。"
	textLookedUpDone = "工单 %s 已经是“%s”，回复工单号可以看客服的处理结果。"
	textLookedUpNone = "刚才的 %s 没有查到对应的工单，所以没法告诉您它的进度。请核对一下编号（GD 加 12 位数字），或回复“我的工单”查看您名下的工单。"
	textQueueHowLong = "已经在为您排队转接了，客服接入后会第一时间回复您，高峰期可能要多等一会儿，请稍候。着急的话也可以拨打客服热线 %s。"
	textPayerCharged = "您是付款的一方，不用去弄什么后台，别着急：\n1. 扣了钱但没付成功、或者多扣了的，一般会自动原路退回您付款的卡或账户，留意几天内的到账通知；\n2. 过几天还没退回，可以找收款的商家，或者打客服热线 %s（每天 %s），有人一步一步帮您查。"
	textPayerFailed  = "您是付款的一方，不用去弄什么后台，先试这两步：\n1. 看看手机网络是否正常、卡里余额够不够，换一张卡或换个付款方式再试一次；\n2. 还是不行，可以请收款的商家帮忙看看，或者打客服热线 %s（每天 %s），有人一步一步帮您弄。"
	textNoListShown  = "您发的是一个数字，但刚才没有可选的列表。想了解哪方面？回复下面的数字选择，或直接说您的问题："
)
