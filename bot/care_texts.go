package bot

// Texts of the fund-safety case's follow-ups and of the number check. The steps of a case are
// given once, when it opens (textCaseSteps); what follows answers the question asked, in a line
// or two, with the case's ticket. Numbers come from configuration.
const (
	textCaseStepsAgain  = "还没做的话，请先：%s；打开户银行电话止付、冻结；报警（110 或 96110）。"
	textCaseAddedStep   = "已补充到加急工单 %s。另外请马上：%s。"
	textCaseAck         = "不客气，您别太着急。记好加急工单号 %s，客服会联系您；有新情况随时发给我。"
	textCaseGoing       = "好的，这样最稳妥。去的时候带上转账记录、聊天截图、对方号码，还有您的%s。有新情况随时告诉我。"
	textCasePassword    = "可以，改密码是对的。请用自己的手机，在银行官方App或柜台改银行卡密码；易联后台的登录密码在后台“安全中心”改。新密码谁都不要告诉，也不用发给我。还没联系银行的话，先打银行电话止付、冻结。"
	textCaseEvidence    = "先别删。聊天记录、对方的微信号和电话、转账记录都是报警的证据，先截图保存好；可以不再回复、把对方设为免打扰，报完警再删或拉黑。"
	textCasePolice      = "警方需要交易记录的，由办案民警持公安机关的协查手续向易联支付调取，我们会配合。您可以把报案回执编号、交易时间和金额发给我，我补充到加急工单里，客服会跟进。"
	textCaseBankAsk     = "有人接：银行的挂失、止付电话一般24小时服务。请马上打%s卡背面印的客服电话（或手机银行App里的在线客服），说明被骗或盗刷，要求止付、冻结。"
	textCaseBankTold    = "好的，已记到工单里。请马上打%s卡背面印的客服电话（24小时有人接），说明是被骗转账或盗刷，申请止付、冻结，并问清能否拦截对方账户。"
	textCaseCollect     = "在确认账户安全之前，建议先用其他方式收款。请先改好后台登录密码、核对结算卡和登录手机号；客服处理加急工单时会帮您确认账户安全，确认后再恢复使用。"
	textCaseViaUs       = "短信里显示“易联支付”，说明这笔钱是在某个使用易联收款的商户那里扣的。我已把这条记到加急工单，客服会按时间和金额查出是哪个商户，配合银行和警方处理。请同时告诉发卡银行这是非本人交易，申请止付或争议处理。"
	textCaseLink        = "先关掉那个页面，里面什么都不要填。只是点开、没填信息的话，一般不会有损失；稳妥起见可以改一下后台登录密码，这几天留意账户和短信，有异常马上告诉我。"
	textCaseVerify      = "以官方渠道为准：自己打开官网或官方App登录商户后台，看消息中心和商户信息；或拨打客服热线 %s 核实。不要用短信或来电给的链接、号码去查。"
	textCasePastMissing = "%s。被骗的事要紧：回复“登记”，我马上为您重新登记加急工单，客服优先处理；"
	textCasePastFound   = "您的情况在加急处理中。有新情况（报案回执、交易时间、金额）可以直接发给我，我补充到工单里；"
	textCaseNumberAdded = "我已把这个号码补充到加急工单 %s；报警时也把它提供给警方。"
)

// The number check.
const (
	textNumberOursDemand  = "%s 确实是易联支付的官方%s，但对方要验证码、密码或让您转账，这就不对：官方人员绝不会这样要求，来电号码也可以伪造。请挂断，什么都不要给；要核实请自己拨打 %s。"
	textRiskAck           = "好的。记住：自称易联、又要验证码或转账的，都是骗子；有疑问就自己拨打 %s 核实。"
	textNumberPublic      = "%s 是%s，不是易联支付的号码。"
	textNumberPublicClaim = "如果对方用这个号码自称易联，就不对劲：来电显示可以伪造，请挂断后自己拨打易联热线 %s 核实。"
	textPrefixOurs        = "不是所有%s开头的号码都是易联的，只有下面这几个完整号码是。"
	textPrefixNone        = "易联支付没有%s开头的号码，这样的来电或短信自称易联，请当作诈骗处理。"
	textPrefixService     = "95、96开头的五位号码一般是银行等机构的客服号，不是易联的。"
)

// textNumberNoSafeAccount is said of a stranger's number inside a case.
const textNumberNoSafeAccount = "易联不会让任何人把钱转到“安全账户”，也不会索要验证码。"

// textCaseFallback answers, inside a case, what the bot cannot answer.
const textCaseFallback = "这个可以在客服联系您时一并问，您的加急工单是 %s。现在最要紧的还是：打银行卡背面的电话止付、冻结，报警（110 或 96110）。\n"

// The ticket flow.
const (
	textFlowStartTyped        = "好的，我来帮您提交一张%s工单，客服会根据工单跟进处理，只需几步。"
	textFlowStartFor          = "好的，我来帮您提交%s工单：“%s”，客服会根据工单跟进处理，只需几步。"
	textFlowStartComplaintFor = "好的，我来帮您登记投诉工单：“%s”，客服会在24小时内处理。"
	textFlowGotMerchant       = "商户编号 %s 已记下。"
	textFlowTypeChanged       = "好的，工单类型改为%s。"
	textFlowMerchantChanged   = "好的，商户编号改为 %s。"
	textFlowWait              = "好的，不着急，找到后直接发给我就行，工单先给您留着。"
	textFlowHere              = "在的，工单还在填写中。"
	textFlowDescAdded         = "好的，已补充到问题描述。"
	textFlowDescAbove         = "好的，就用您前面说的：“%s”。"
	textFlowDescAboveNone     = "抱歉，我这边没看到前面的描述，麻烦再简单说一下遇到了什么问题。"
	textFlowEmailNoted        = "我们只登记电话；邮箱 %s 已写进问题描述，客服需要时会用。"
	textFlowBadMerchantLen    = "“%s”不是有效的商户编号（这是%d位）：商户编号是88开头的10位数字，例如 8812345678。请核对后重新输入；个人用户请回复“个人用户”，暂时找不到可以回复“跳过”。"
)

// textCaseNotAgain answers "我没给" inside a case where money was already lost.
const textCaseNotAgain = "没给就对了，做得好。他再联系就直接挂断、不要回。之前的损失请尽快找开户银行止付、报警（110 或 96110）。"

// More follow-ups inside a case.
const (
	textCaseComfort = "这不怪您，这类骗局专门设计得让人防不住。您现在做的（止付、报警、登记工单）都是对的，越早处理越有希望挽回。"
	textCaseLiable  = "损失能否追回、由谁承担，要看公安机关的调查结果，我这里没法替客服承诺赔付。如果这笔钱经过易联，客服会在工单里核查交易、配合警方，并把结果告诉您。"
	textCaseTrace   = "是不是经过易联，需要客服按交易时间、金额核查，我这边查不到账户明细。请把转账时间、金额、对方账户（不要发密码和完整卡号）发给我，我补充到工单里。"
)

// textFlowPhoneUnseen answers a phone described instead of typed.
const textFlowPhoneUnseen = "我这边看不到您账户或微信绑定的手机号，请直接回复号码；不需要电话联系的话回复“跳过”。"

// Still more follow-ups, and the caution after a public number that called.
const (
	textCaseApp          = "要卸载。卸载前先截图保存这个APP的名称和对方让您做过的操作（报警用），然后卸载，再用自己的手机改银行卡和支付密码。"
	textCaseAddedPaid    = "别太自责，这类骗局很难防。已补充到加急工单 %s。请马上打开户银行电话，把每一笔转账都申请止付，并带上全部转账记录报警（110 或 96110）；对方再要钱一律不付。"
	textCaseAppDone      = "卸载了就好。接下来：1. 马上查银行卡和支付账户最近的交易，有不是您做的，立即打开户银行电话止付、冻结；2. 用另一台手机或电脑改银行卡和支付密码；3. 截图和聊天记录先留着，报警（110 或 96110）时要用。"
	textCasePaidBefore   = "对方让您“再付”，说明您已经付过一笔了，这笔要按被骗处理，千万不要再付。"
	textCaseCodeStep     = "打开户银行电话，查有没有异常扣款，有就立即止付、冻结银行卡；再用另一台没被共享过的手机或电脑修改登录密码和支付密码"
	textCaseCalm         = "我知道您很着急，别慌，我们一步一步来。\n"
	textCaseChannel      = "好的，已记到工单里。请马上联系%s的官方客服（App里的客服入口），说明被骗转账，申请冻结或拦截对方账户；同时报警（110 或 96110）。"
	textNumberPublicCall = "来电显示可以伪造：对方要验证码、密码或让您转账的，一律是骗子；要核实就挂断后自己拨打官方号码。"
)

// textFlowTopicKept follows an answer given at the type step: the ticket is still open.
const textFlowTopicKept = "如果还没解决，工单可以接着填（类型已记为%s），回复“取消”退出。"

// A case whose ticket was not found (pastCase): no ticket to add to yet.
const (
	textCasePoliceNoTicket  = "警方需要交易记录的，由办案民警持公安机关的协查手续向易联支付调取，我们会配合。回复“登记”，我为您登记加急工单，把报案回执编号、交易时间和金额写进去，客服会跟进。"
	textCaseHandoffNoTicket = "好的，正在为您转接人工客服。接通后请先说明是被骗的事，以及时间和金额，客服会优先处理。"
)

// Dead ends closed: a ticket number mistyped or forgotten, a wait complained of without one.
const (
	textTicketNoSlip     = "%s 好像不是完整的工单号：工单号是 GD 加 12 位数字（提交日期加 4 位序号，如 GD202612040001），您发的是 %d 位，请核对一下。"
	textTicketNoSlipAsk  = "找不到的话，把问题和大概的提交时间告诉我，我帮您重新跟进。"
	textForgotNoListed   = "是其中哪一个？直接回复工单号就能看到进度和客服回复。"
	textWaitedNoTicket   = "等了这么久还没结果，确实让人着急，抱歉。我在这个微信号下没查到待处理的工单：有工单号（GD开头）的话发给我，我马上帮您查和催；没有的话，说一下是什么问题，我帮您登记工单跟进。"
	textNumberNearMiss   = "%s，易联支付的客服热线是 %s（每天 %s）；%s 不是我们的号码，自称易联的其他号码都不要信。"
	textHiddenNeverShare = "您发来的已自动隐藏、没有保存。" + textNeverShare
	textPlanAck          = "好的，您先去看看，有问题随时回来找我。"
	textPlanCall         = "好的。客服热线 %s，人工服务时间每天 %s，到时直接拨打就行；在这里也可以随时问我。"
	textMerchantIgnores  = "商家不回应确实让人着急。易联是帮商家收款的支付机构，不能替商家决定退不退款，但可以帮您找商家：把付款时间、金额和商家名称（付款记录里能看到，有交易流水号更好）发给我，我登记投诉工单，客服会联系商家核实处理。"
)

// A buyer's refund, and 易联's own role next to other companies' wallets.
const (
	textBuyerRefundSorry = "让您等了这么久，确实着急，抱歉。"
	textBuyerRefund      = "退款由商家发起，钱会按原路退回您付款用的账户，易联不会扣留。一般这样查：\n1. 看原付款账户的明细：银行卡看银行App或账单（退款的名称可能和商家名不一样），零钱或余额看对应App；\n2. 向商家要“退款成功”的时间和退款单号，拿着去问发卡银行或付款App的客服；\n3. 还是查不到的，把付款时间、金额和商家名称发给我（有交易单号更好），我帮您登记工单，客服协助核查这笔退款。"
	textRefundLate       = "商家退款成功后，过了银行说的时间还没到，建议：先在原付款账户的明细或信用卡账单里找一笔退款或冲正（名称可能不是商家名）；找不到就带着退款成功时间和退款单号问发卡银行。仍查不到的，把付款时间、金额和商家名称发给我，我帮您登记工单，客服协助向渠道核查。"
	textRefundCredit     = "信用卡付款的，信用卡退款会退回原卡，在账单里显示为一笔退款（冲抵消费）或额度恢复，不会退到储蓄卡或零钱；入账时间以发卡行为准，有时要到下一期账单才看得到。"
	textRefundPlatform   = "在网购平台买的，退款先由平台处理：请在该平台App的订单里看退款进度和退款去向，按平台给的退款单号去查。如果银行扣款短信或账单上的商户名写的是“易联支付”，把付款时间和金额发给我，我帮您登记工单，客服查这笔交易的退款情况。"
	textRefundWhere      = "能不能在那里看到，要看您当时是用哪个账户付的：用哪张卡付的，就看那张卡的银行App或账单，信用卡看账单里的退款记录；用零钱或余额付的，看对应App的账单。"
	textCrossWalletOurs  = "能不能和 %s 对接，我这里给不了确定的答复，要由跨境业务团队按您的业务确认。易联自己的跨境收款服务可以收境外客户的外币付款、结汇到国内账户：回复“跨境支付”看开通条件，或拨打 %s 转跨境业务咨询。"
	textCrossWallet      = "“%s”是另一家公司的服务，它的提现和到账进度我们看不到，请在 %s 里查或联系它的客服。\n如果您做跨境生意、想收境外客户的款，易联有自己的跨境收款服务（外币收款、结汇到国内账户），能不能接您现在用的渠道、费率多少，由跨境业务团队按您的情况答复：回复“跨境支付”了解，或拨打 %s 转跨境业务。"
)

// English answers: the gist of the Chinese entry; the details are for the agents and the
// hotline's international desk.
const (
	textEnglishRefund      = "Refunds are made by the merchant you paid, so ask them first. A refund goes back the way you paid: to your account balance quickly, or to your card, where the issuing bank decides when it posts (holidays can delay it).\nIf a refund is late, send me the payment time, amount and merchant name and I'll open a ticket, or call %[1]s (daily %[2]s)."
	textEnglishCrossBorder = "Yilian Pay offers cross-border collection for signed merchants: foreign-currency payments (such as USD) from overseas buyers, converted and settled to your account in China. Which currencies, fees and documents apply depends on your business and contract, so our international desk confirms it: call %[1]s and ask for cross-border business (desk hours %[4]s, Beijing time), or reply \"ticket\" and we'll contact you."
	textEnglishCrossDocs   = "Because cross-border funds go through a foreign-exchange compliance review, besides your usual merchant documents you normally need:\n1. your merchant number and the business licence name of the signed company;\n2. the customs (HS) code of the goods, shown on the customs declaration;\n3. the trade contract with your overseas buyer, matching the real transactions;\n4. supporting papers such as invoices, customs declarations or shipping documents, as the reviewer asks.\nEmail them to %[3]s with your merchant number in the subject; replies usually come within 2 working days. Services (no goods) need different papers: ask the international desk on %[1]s (%[4]s, Beijing time)."
	textEnglishCrossTime   = "There is no single fixed time for cross-border settlement: the cycle is the one in your cross-border contract, and each payment also goes through the compliance review, currency conversion and the banks at both ends, so complete documents make it faster and holidays on either side can delay it. The merchant portal shows where each payment is. If one is past the contract's time, call %[1]s and ask for the international desk (%[4]s, Beijing time), or reply \"ticket\" with your merchant number."
	textEnglishFrozen      = "Funds are held for a risk review, a dispute, documents to update or an order from the authorities; the money stays in your account. The message center in the merchant portal shows the reason. Then call %[1]s (daily %[2]s) or reply \"ticket\" with your merchant number. We never ask for an \"unfreezing fee\", codes or passwords."
	textEnglishSettlement  = "Sorry you haven't received it yet. Settlement is normally T+1 and moves to the next working day over weekends and holidays. Please check two things in the merchant portal: the transaction (did the payment succeed?) and the settlement record (\"processing\" means the bank is still handling it; \"failed\" usually means the settlement card details need fixing). If it still hasn't arrived, reply \"ticket\" with your merchant number and the payment's time and amount, or call %[1]s (daily %[2]s)."
	textEnglishFees        = "Fees are set in your merchant contract and depend on the product and industry; you can see yours in the merchant portal. Not signed yet? Our business team quotes them when you apply. To ask about or adjust them, call %[1]s (daily %[2]s) or reply \"ticket\"."
	textEnglishInvoice     = "Invoices for our service fees are requested in the merchant portal; they are issued to the name on your merchant account. For a special request (for example an English version), reply \"ticket\" or call %[1]s (daily %[2]s)."
	textEnglishPassword    = "Use \"Forgot password\" on the merchant portal's login page and verify with the phone number on file. If the account is locked or that phone number has changed, call %[1]s (daily %[2]s) or reply \"ticket\". Never send your password or codes to anyone, including us."
	textEnglishStatement   = "Statements and reconciliation files can be downloaded in the merchant portal, by date. If a file is missing or looks wrong, reply \"ticket\" with your merchant number and the date, or call %[1]s (daily %[2]s)."
	textEnglishPayment     = "Look the payment up in the merchant portal by its time and amount: \"success\" means it went through; \"processing\" usually settles within minutes, so don't charge the customer again; \"failed\" shows a reason (often the card's limit, the balance or the bank declining it, so another card or method helps). If many payments fail at once, tell me right away. For one payment that looks wrong, reply \"ticket\" with your merchant number, the time and amount, or call %[1]s (daily %[2]s)."
	textEnglishOnboarding  = "To become a Yilian Pay merchant you apply online and our business team reviews it. You usually need the business licence, the legal representative's ID, a settlement bank account and photos of the shop or a link to the website or app (sole proprietors can apply too). Fees and products are agreed when you sign. To start, call %[1]s (daily %[2]s) and ask for new merchant sign-up, or reply \"ticket\" and the business team will contact you."
	textEnglishClosedNow   = "Our agents work daily %s (Beijing time); reply \"ticket\" and I'll log it now so it's handled first thing."
	textEnglishHelpOpen    = "Hello! I can help in English with settlement, refunds, fees, frozen funds, invoices, statements, login and cross-border payments: just tell me what you need. Or reply \"human\" for an agent now (hotline %s, daily %s)."
	textEnglishHelpClosed  = "Hello! I can help in English with settlement, refunds, fees, frozen funds, invoices, statements, login and cross-border payments: just tell me what you need. Our agents work daily %s (Beijing time) and the hotline %s opens then; reply \"ticket\" and I'll log your question so it's handled first thing."
	textEnglishSpeak       = "Yes, I can help in English. What do you need help with (for example settlement, refunds, fees or cross-border payments)?"
	textEnglishSpeakOpen   = "If you'd rather talk to a person, reply \"human\"."
	textEnglishSpeakClosed = "Our agents work daily %s (Beijing time); until then I can open a ticket for you."
	textEnglishCaseWhen    = "Your urgent ticket %s is in the red channel: an agent will contact you within 1 hour (during 08:00-22:00 service hours). Your bank and the police (110, or 96110) can act right now, so please do not wait for us."
	textScareOver          = "钱到账了就好，虚惊一场。以后想确认有没有到账，登录商户后台看交易和结算记录最准；有人催您转账或要验证码，先打官方热线 400-800-9000 核实。"
)

// Follow-ups inside a case (caseMore): plain words for people who cannot do the steps, the
// hours and the urgent desk's promise, the ticket's number, the money on the card.
const (
	textCaseCantDo        = "没关系，不用全都弄，先做最要紧的一件：\n拿出银行卡，翻到背面，打上面印的客服电话，跟银行说“我被骗了，要止付、冻结”。\n剩下的交给我们。"
	textCaseCantDoClosed  = "\n打电话不方便的话，请家里人帮忙打，或者直接拨打110。易联人工客服每天 %s 在线。"
	textCaseCantDoTicket  = "您的加急工单 %s 已经登记好了，客服%s上班后第一时间联系您，您不用再做别的。"
	textCaseStillOpen     = "马上关掉，这一步最要紧：先挂断电话，在屏幕上方或App里点“结束共享”或“断开”；关不掉就直接关机，或关掉WiFi和流量。\n关掉以后卸载这个App，不要再在这台手机上输入验证码或密码；然后打银行卡背面的电话止付、冻结。"
	textCaseTicketNo      = "您的加急工单号是 %s，%s。以后问进度，直接把这个号发给我就行。"
	textCaseOpenNow       = "有人。人工客服现在在线（每天 %s），回复“人工”马上为您转接；您的加急工单 %s %s。"
	textCaseClosedNow     = "易联的人工客服现在下班了。您的加急工单 %s 已经登记，%s，不用再重新提交。"
	textCaseActNow        = "但最要紧的几件现在就能办，不用等我们：银行卡背面的客服电话24小时有人接，马上打过去止付、冻结；报警打110，或打96110反诈专线，也随时能打通。"
	textCaseWhen          = "您的加急工单 %s 走的是加急通道，%s。"
	textCaseWhenOpen      = "着急的话回复“人工”，马上为您转接。"
	textCaseBalance       = "易联看不到您银行卡里的余额和交易，我这里查不了。请现在就打卡背面印的银行客服电话（24小时有人接），或登录手机银行看余额和最近的交易：有不是您做的，马上让银行止付、冻结这张卡。"
	textCaseBalanceLeft   = "趁钱还在，越快越好：现在就打卡背面印的银行客服电话（24小时有人接），让银行马上止付、冻结这张卡；再用手机银行看看最近的交易，有不是您做的都告诉银行。易联看不到您银行卡里的余额，这一步只能找银行。"
	textCaseDoing         = "好的，您先弄，不着急，一步一步来。弄完以后，还没联系银行的话，打银行卡背面的电话止付、冻结；再报警（110 或 96110）。有问题随时发给我。"
	textCaseDoingBank     = "好的，跟银行说清楚：被骗转账，要止付、冻结，再问能不能拦截对方的账户。银行办完后，再报警（110 或 96110）。"
	textCaseWait          = "好的，%s，请保持电话畅通。等的时候，还没联系银行的话，先打银行卡背面的电话止付、冻结。"
	textCasePromiseOpen   = "客服会在1小时内联系您（%s前）"
	textCasePromiseClosed = "人工服务每天 %s，客服%s上班后第一时间处理（%s前联系您）"
	textCasePromiseLate   = "已经过了承诺的联系时间（%s），抱歉让您久等，回复“催一下”我马上帮您催"
)

// What is left once the user did a step (caseDone).
const (
	textCaseSentToBank = "报警了就好，做得对。派出所让您找银行是对的：请现在就打银行卡背面的客服电话（24小时有人接），说明被骗转账、已经报警，申请止付、冻结，并问能不能拦截对方账户；报案回执编号也告诉银行。转账记录、聊天记录、截图都留好。"
	textCaseLeftNone   = "报警和银行都办了，最要紧的已经做完。转账记录、聊天记录、截图留好，接下来等客服联系您；有新情况随时发给我。"
)

// Near misses and offers of secrets (K2, K5).
const (
	textNearMissPolice     = "没有损失的话，不算紧急情况，不用打110。想举报可以打96110反诈专线，或在“国家反诈中心”App里举报，把对方的微信号、电话和聊天截图提供过去；也可以打易联热线 %s 告诉我们这个冒充的账号。\n如果已经转了钱、给了验证码或共享过屏幕，那就要马上处理，请告诉我。"
	textNearMissSafe       = "只要没给验证码、密码，也没转账、没共享屏幕，钱一般不会有事。稳妥起见可以再做三件小事：\n1. 登录商户后台或银行App，看一眼最近的交易；\n2. 担心的话改一下登录密码；\n3. 再有人自称易联，挂断后自己拨打 %s 核实。\n发现不是您做的交易，马上告诉我。"
	textOfferSecretNo      = "不用，千万别发。"
	textOfferSecretInstead = "查退款、交易只要付款时间、金额和商户名称，有订单号更好，把这些发给我就行。"
)

// An outage ticket filed at once (outage.go): its number, what is still wanted, who answers.
const (
	textOutageCheck           = "先花一分钟排除店里的问题：收款设备或手机的网络是否正常，换个网络或换台设备试一笔小额的；一时收不了，先请顾客换其他方式付款，别耽误结账。"
	textOutageNowOpen         = "现在可以做的：拨打客服热线 %s 转技术支持（签约商户在高峰期也可拨备用热线 %s）；同时记下报错码、开始时间和一两个失败订单号，方便技术排查。"
	textOutageNowClosed       = "现在是非服务时间：人工客服每天 %[2]s 在线，客服热线 %[1]s 的人工也是这个时间接听；签约商户的备用热线 %[3]s 只在高峰期启用。现在可以做的：记下报错码、开始时间和一两个失败订单号，方便技术排查。"
	textOutageFiled           = "我已为您登记加急技术支持工单 %s，%s。"
	textOutagePromiseOpen     = "技术同事会在1小时内联系您（%s前）"
	textOutagePromiseClosed   = "技术同事%[2]s 上班后第一时间处理（%[3]s前联系您）"
	textOutageNeedMerchant    = "请回复您的商户编号（88开头的10位数字），我补充到工单里，技术同事能直接查您的交易；顾客看到的报错提示也可以一起发给我。"
	textOutageHuman           = "现在是服务时间，回复“人工”马上为您转接。"
	textOutageNoStore         = "着急的话请拨打客服热线 %s（人工服务每天 %s）转技术支持。"
	textOutageMerchantAdded   = "已把商户编号 %s 补充到加急工单 %s，技术同事会直接查这个商户的交易。"
	textOutageMerchantMore    = "已把商户编号 %s 和您说的情况补充到加急工单 %s，技术同事会直接查这个商户的交易。"
	textOutageNoPhone         = "好的，不留电话也可以。加急工单 %s（技术支持）记下的是：\n问题：%s"
	textOutageSummaryMerchant = "\n商户编号：%s"
	textOutageRepliesHere     = "客服的回复会发到这里，您也可以随时发工单号查进度。"
	textOutagePhoneAsk        = "需要技术同事打电话联系您的话，回复手机号。"
	textOutagePhoneAdded      = "已记下联系电话 %s，加急工单 %s 的技术同事会打这个号码联系您。"
	textOutageHandoffClosed   = "人工客服和客服热线 %[4]s 每天 %[1]s 服务，现在都不在服务时间，我不能为您转接。您的加急工单 %[2]s 已经登记，%[3]s 上班后第一时间处理，不用再重新提交。"
	textOutageInHand          = "您的加急工单 %s 已在处理队列里，技术同事会按故障排查。"
	textOutageNoted           = "已补充到加急工单 %s。还是收不了款的话，请拨打客服热线 %s 转技术支持，并记下一两个失败订单号。"
	textOutageNotedClosed     = "已补充到加急工单 %s，技术同事%s 上班后第一时间处理。在那之前请记下一两个失败订单号，店里先请顾客换其他方式付款。"
	textOutageAlready         = "已经登记好了：加急技术支持工单 %s，不用再选类型或重新提交。有商户编号、报错提示、手机号，直接发给我就能补充进去。"
)
