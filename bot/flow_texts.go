package bot

// Texts of the ticket flow for answers that fill another step than the one asked.
const (
	// textFlowTook says what a message gave to the ticket; %s lists it ("商户编号 8812345678、问题描述").
	textFlowTook = "好的，已记下%s。"
	// textFlowMerchantKnown: the merchant number the user typed earlier in the conversation.
	textFlowMerchantKnown = "商户编号先用您前面提到的 %s（不对的话直接发正确的编号）。"
	// textFlowNotFiled answers "多久有人联系我" before the ticket exists; %s is what is missing.
	textFlowNotFiled     = textFlowNotFiledLead + "，还差%s。提交后：" + textSLAHelp
	textFlowNotFiledLead = "您的工单还没有提交"
	// textFlowCantAnswer answers a question the flow cannot answer, instead of taking it as
	// a wrong answer to the step.
	textFlowCantAnswer = "这个问题我这里答不上来，可以写进工单的问题描述，客服会一并答复；着急的话也可以回复“人工”。"
	// textFlowPending is the unfinished ticket, named when the user asks for their tickets; %s
	// is what is missing.
	textFlowPending    = "您正在填写的工单还没有提交（还差%s）。"
	textFlowNoneYet    = "您还没有已提交的工单。"
	textFlowResumeHint = "回复“继续填写”接着填写。"
	// textFlowDescWithAnswer: a description that is also a question the knowledge base
	// answers; %s is the answer in brief.
	textFlowDescWithAnswer = "好的，问题已记下。这类问题的常见情况供您先参考：\n%s"
	// textFlowNoPhone: the user declined a phone before it was asked for.
	textFlowNoPhone = "好的，不留电话，提交后请留意这里的回复。"
	// textFlowHandoffKept: the ticket being filled when the user asked for a human.
	textFlowHandoffKept = "您正在填写的工单已保存，没有提交；之后回复“继续填写”可以接着提交。"
)

// Texts for messages inside the ticket flow that are no value for the step: commands,
// asides, a problem solved meanwhile.
const (
	// textFlowGoOn answers "继续刚才的工单" while the form is open: the step, asked again.
	textFlowGoOn = "好的，我们接着填。"
	// textFlowAsideKept follows the answer to a question asked in passing.
	textFlowAsideKept = "您的工单还没提交，已填的内容都留着，我们接着填："
	// textFlowAsideUnknown: a question asked in passing that the knowledge base has no sure
	// answer to.
	textFlowAsideUnknown = "这个问题我这里没有确切的答案，可以写进工单描述，客服会一并答复；着急的话回复“人工”。"
	// textFlowConfirmed answers "好 提交" before the ticket has what it needs.
	textFlowConfirmed = "好的，马上就能提交，还差这一项："
	// textFlowSolved: the user's problem went away while the ticket was being filled.
	textFlowSolved = "太好了，问题解决了就好。这张工单还没提交，我就不提交了；之后有需要随时找我。"
	// textOutageDoneClosed closes an outage ticket filed out of hours, when no line answers:
	// when it is handled and the promise.
	textOutageDoneClosed = "已按加急技术故障处理，技术同事%s 上班后第一时间处理（%s前联系您）。在那之前请记下一两个失败订单号，店里先请顾客换其他方式付款。"
	// textFlowRemind…: a step recalled in a line after a question answered in passing.
	textFlowRemindType     = "（工单还没提交：要登记就回复类型数字 1 商户服务、2 技术支持、3 投诉建议、0 其他；不需要回复“取消”。）"
	textFlowRemindMerchant = "（工单还没提交：接着回复商户编号就行，个人用户回复“个人用户”。）"
	textFlowRemindDesc     = "（工单还没提交：接着简单说说您遇到的问题就行。）"
	textFlowRemindContact  = "（工单还没提交：需要电话联系就回复手机号，不需要回复“跳过”。）"
	// textFlowLater…: out of hours, the user will come back later; %s are when people are
	// there and the hotline.
	textFlowLaterClosed = "好的，工单先不提交。人工客服%s起在线，到时在这里回复“人工”，或拨打热线 %s 都可以。"
	textFlowLaterKept   = "已填的工单内容先帮您留着，回来回复“继续填写”接着填。"
	// textFlowPhoneTaken: a phone sent where the description was asked.
	textFlowPhoneTaken = "好的，联系电话 %s 已记下。"
)

// English texts of the ticket flow, for a user who writes English.
const (
	textFlowStartEnglish        = "Sure, I'll open a ticket for you; an agent will follow up. Just a few quick questions (reply \"cancel\" any time to stop)."
	textFlowStartEnglishTyped   = "Sure, I'll open a ticket for you (as merchant services); an agent will follow up. Reply \"cancel\" any time to stop."
	textFlowTypeEnglish         = "What is it about? Reply with a number:\n1. Merchant services (settlement, fees, merchant details)\n2. Technical support (API errors, integration)\n3. Complaint or suggestion\n0. Other"
	textFlowMerchantEnglish     = "Please reply with your merchant number (商户编号: 10 digits starting with 88, shown on the merchant portal's home page). Not a merchant? Reply \"individual\". Can't find it? Reply \"skip\"."
	textFlowDescEnglish         = "Please describe the problem in a sentence or two (for a payment: its time and amount; for an API error: the error code and request id)."
	textFlowContactEnglish      = "If you'd like an agent to call you, reply with a phone number; otherwise reply \"skip\"."
	textFlowTookEnglish         = "Noted: %s."
	textFlowGoOnEnglish         = "OK, let's carry on."
	textFlowAsideEnglish        = "Your ticket is not submitted yet; everything you gave is kept. Let's carry on:"
	textFlowConfirmedEnglish    = "Almost there; one more thing:"
	textFlowSolvedEnglish       = "Glad it's solved. The ticket was not submitted, so there is nothing to cancel. Just message me if you need anything."
	textFlowCancelEnglish       = "OK, cancelled; no ticket was submitted."
	textFlowCancelKeptEnglish   = "OK, I've stopped; nothing was submitted. What you gave is kept for 30 minutes: reply \"continue\" to pick it up."
	textFlowCancelClosedEnglish = " Our agents work daily %s; from %s you can reach one here or on our hotline %s."
	textFlowBadMerchantEnglish  = "That doesn't look like a merchant number: it has 10 digits and starts with 88 (e.g. 8812345678). Please check it, or reply \"individual\" or \"skip\"."
	textFlowShortEnglish        = "Could you say a bit more about the problem?"
	textFlowBadPhoneEnglish     = "That doesn't look like a phone number. Please reply with a mobile (11 digits) or a landline with its area code, or \"skip\"."
	textFlowPhoneTakenEnglish   = "Noted your phone %s."
)
