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
	// textFlowNoPhone: the user declined a phone before it was asked for.
	textFlowNoPhone = "好的，不留电话，提交后请留意这里的回复。"
	// textFlowHandoffKept: the ticket being filled when the user asked for a human.
	textFlowHandoffKept = "您正在填写的工单已保存，没有提交；之后回复“继续填写”可以接着提交。"
)
