package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
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
	// Outage marks a ticket for payments down right now: urgent, but not about fund safety.
	Outage bool `json:"outage,omitempty"`
	// Fails counts answers in a row that did not fit the step: after two the ways out are
	// offered.
	Fails int `json:"fails,omitempty"`
	// Candidate is a question typed at the description step, answered right away: "是" makes
	// it the description.
	Candidate string `json:"cand,omitempty"`
	// Ref is the ticket this one reopens.
	Ref string `json:"ref,omitempty"`
	// Subject is what the user said the ticket is for when asking for it ("回调一直失败"),
	// masked; it heads the description.
	Subject string `json:"subj,omitempty"`
	// NoContact is set when the user declined to leave a phone before it was asked for.
	NoContact bool `json:"nocontact,omitempty"`
	// English: the user writes English, so the form speaks English.
	English bool `json:"en,omitempty"`
	// Asides counts questions answered in passing at this step: after the first the step is
	// recalled in a line, not asked in full again.
	Asides    int      `json:"asides,omitempty"`
	AsideStep flowStep `json:"aside_step,omitempty"`
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
	// looseTicketNoRE is a ticket number as users type it: "gd202611280117", "GD 202611280099".
	looseTicketNoRE = regexp.MustCompile(`(?i)GD[ -]?\d{12}`)
	startWords      = []string{"提交工单", "工单", "留言", "我要留言", "我要投诉", "投诉", "建工单", "提工单", "创建工单", "我要提交工单", "提交问题", "新建工单"}
	// startRE: a request to file a ticket said in a sentence ("帮我提个投诉工单", "我想留个言").
	startRE = regexp.MustCompile(`(提交|提|建|开|创建|新建|留|登记|发起|要|想|帮我|填)(一?个|一下|一张|个|张)?(投诉|技术|商户服务|商户|售后)?(问题|支持)?的?(工单|单子|留言|言)|再(提|开|建)(一个|一张|个)(新的)?|提投诉|我要投诉|投诉工单|重新提(一个|一张|个)?|(帮我|给我|麻烦)登记(一下)?|(提|开|登记|建|帮我提)(一?个|一下|一张)投诉|^登记一下|(submit|open|file|create|raise|lodge|make)(a|an)?(new)?(ticket|workorder|complaint)`)
	// startPhraseRE: the fillers and type words between a request for a ticket and what it
	// is for.
	startPhraseRE  = regexp.MustCompile(`^[\s,，。.!！]*(你好|您好|好的?|嗯|行|那)?[\s,，]*(一下|吧)?[\s,，。：:]*(投诉|技术问题|技术支持|商户服务)?`)
	startEnglishRE = regexp.MustCompile(`(?i)i\s*(need|want|would like)\s*to\s*(submit|open|file|create|raise)\s*an?\s*(new\s*)?(ticket|complaint)`)
	// pastTicketRE: the sentence is about a ticket filed before, not a new one.
	pastTicketRE = regexp.MustCompile(`(提的|提了|提过|之前|昨天|上次|前天|刚才).{0,6}(工单|单子|投诉|留言)|提的|提过|(我|交|那个|这个)的工单`)
	resumeRE     = regexp.MustCompile(`^(继续|接着|还是)(填写?|填|写|提交?|弄)?(吧|工单)?$|继续填|接着填|接着写|还是提|刚才那个继续|继续刚才`)
	cancelRE     = regexp.MustCompile(`取消|算了|不用了|不要了|不提了|不弄了|不等了|退出|不填了|不办了|(回头|以后|改天|下次)再(说|弄|填|提)|nevermind|forgetit|cancel|noneed|notnow|illcall|iwillcall|callyoutomorrow`)
	// correctRE corrects an answer given before ("选错了 是技术的", "商户号填错了").
	correctRE = regexp.MustCompile(`选错|搞错|弄错|填错|写错|输错|错了|不对|应该是|改成|换成|改为|其实是`)
	// typeDigitRE is a type chosen by its number inside a correction ("应该选2").
	typeDigitRE = regexp.MustCompile(`(选|是|改成|换成|改为)([0-3])($|[^0-9])`)
	// waitRE asks the flow to wait while the user looks something up.
	flowWaitRE = regexp.MustCompile(`^(等下|等一下|等等|稍等|等会|等我)|我(去|先去|得)(问|找|查|看|翻|确认)|(问|找|查)(一)?下(我们|主管|老板|财务|同事|会计)|找一找|找找看`)
	// individualRE: the user is no merchant.
	individualRE = regexp.MustCompile(`个人|不是商户|不是商家|买东西|消费者|付款人|付款的|顾客|买家|普通用户`)
	// contactSkipRE declines to leave a phone.
	contactSkipRE = regexp.MustCompile(`^(skip|no|none|nope|nothanks|不必|免了|无)$|不方便|不想留|不给|别打|不要打|不用打|不用联系|不用电话`)
	// contactNoteRE: words next to a phone that say when or how to call.
	contactNoteRE = regexp.MustCompile(`点|上午|下午|晚上|中午|早上|周|工作日|以后|之前|别|不要|方便|忙|短信`)
	// aboveRE: the description was given before ("上面都说了").
	aboveRE = regexp.MustCompile(`(上面|前面|刚才|之前)(都|已经|我)?(说|讲|写)(了|过)|说过了|同上|见上`)
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	// phoneDescribedRE: a phone described instead of typed ("就是我注册的那个手机号").
	phoneDescribedRE = regexp.MustCompile(`(手机号|电话|号码).{0,6}(就是|是我|绑定|注册|预留|留的|那个|一样)|(就是|是我|绑定|注册|预留|原来).{0,8}(手机号|电话|号码)`)
	phoneWordRE      = regexp.MustCompile(`电话|手机|号码|打我|联系我|call|phone`)
	yesRE            = regexp.MustCompile(`^(好|好的|行|可以|嗯+|是|是的|对|要|需要|麻烦了?|好吧|ok|那)*(提一个|提一张|提吧|提|登记|帮我提|提交|就这个|就是这个|就用这个|就用这句|登记一下)?(吧|呀|啊)?$`)
	questionRE       = regexp.MustCompile(`[?？]|怎么|咋|在哪|哪里|哪儿|去哪|哪找|哪看|多久|什么|啥|吗|为什么|如何|能不能|可不可以|是不是|几天|几点|何时|哪天|多少|多长`)
	impatientRE      = regexp.MustCompile(`快点|赶紧|直接提|提了|告诉我单号|给我单号|别问了`)
	// problemToldRE: a message that tells what happened to the user, not only asks: a state
	// that changed or did not come ("少了", "冻结了", "还没到"), something shown, or a detail
	// of their case (an amount, a day). At the description step such a message is the
	// description, whatever question it ends with ("…不知道为什么").
	problemToldRE = regexp.MustCompile(`(少|多|扣|冻结|失败|报错|退|丢|停|掉|卡|封|关|限制?|拒)了|被(冻结|限|扣|封|关|拒|退)|还(没|不|是不)|一直|突然|` +
		`没(到|收到|有收到|到账|成功|反应|显示|通过)|收不到|到不了|进不去|登不上|登不进|打不开|用不了|不能用|付不了|提不了|对不上|不一致|显示|提示|` +
		`[0-9一二两三四五六七八九十百千万]+(块|元|笔|万|次|天了)|昨天|前天|今天|上周|上个月|这几天|刚才|刚刚|[0-9]+号`)
)

const minDescRunes = 5

func isTicketStart(text string) bool {
	b := bare(text)
	if slices.Contains(startWords, b) {
		return true
	}
	loc := startRE.FindStringIndex(b)
	if loc == nil || pastTicketRE.MatchString(b) || strings.Contains(b, "怎么") {
		return false
	}
	// A long message is a request when it opens with one ("我要提交个工单,技术支持,商户号…"):
	// the rest is what the ticket needs.
	return utf8.RuneCountInString(b) <= 40 || utf8.RuneCountInString(b[:loc[0]]) <= 4
}

func isComplaintStart(text string) bool { return strings.Contains(bare(text), "投诉") }

// typeFromWords reads a ticket type said in words ("技术问题", "投诉") or by its number.
func typeFromWords(b string) TicketType {
	if t, ok := map[string]TicketType{"1": TypeMerchant, "2": TypeTech, "3": TypeComplaint, "0": TypeOther}[foldASCII(b)]; ok {
		return t
	}
	for _, w := range []struct {
		word string
		t    TicketType
	}{{"技术", TypeTech}, {"接口", TypeTech}, {"报错", TypeTech}, {"投诉", TypeComplaint}, {"建议", TypeComplaint}, {"商户服务", TypeMerchant}, {"商户", TypeMerchant}, {"其他", TypeOther}, {"其它", TypeOther},
		{"tech", TypeTech}, {"api", TypeTech}, {"complain", TypeComplaint}, {"merchant", TypeMerchant}, {"settle", TypeMerchant}, {"other", TypeOther}} {
		if strings.Contains(b, w.word) {
			return w.t
		}
	}
	return ""
}

// typeFromTopic infers a ticket's type from what the ticket is about ("回调一直失败",
// "钱没到账"), or "".
func typeFromTopic(b string) TicketType {
	switch {
	case topicTechRE.MatchString(b):
		return TypeTech
	case strings.Contains(b, "投诉"):
		return TypeComplaint
	case topicMerchantRE.MatchString(b):
		return TypeMerchant
	}
	return ""
}

var (
	// askToLookRE: words after the request that ask someone to look, and say no subject.
	askToLookRE     = regexp.MustCompile(`^(让|请|给|麻烦)?(你们|客服|技术|人工|同事)*(的人)?(帮忙|帮我)?(看下|看看|看一下|处理一下|处理下|跟进一下|联系我|回复我)(吧|呗|啊)?$`)
	topicTechRE     = regexp.MustCompile(`技术|接口|报错|回调|notify|签名|验签|对接|sdk|api|证书|联调|测试环境|sign|timeout|宕机|挂了|错误码`)
	topicMerchantRE = regexp.MustCompile(`结算|到账|到帐|没到|费率|手续费|发票|对账|提现|商户信息|变更|入网|签约|冻结|跨境|settle|密码|登不上|登录|登陆|后台|账号|payout|frozen`)
)

// ticketSubject is what a request for a ticket says it is for ("回调一直失败" of "我要提个工单
// 回调一直失败"), from the masked text, or "".
func ticketSubject(masked string) string {
	// What follows the request is what it is for; what comes before it ("不用转人工") is not.
	low := strings.ToLower(foldASCII(masked))
	loc := startEnglishRE.FindStringIndex(low)
	if loc == nil {
		loc = startRE.FindStringIndex(low)
	}
	t := masked
	if loc != nil {
		t = low[loc[1]:]
	}
	t = strings.TrimSpace(startPhraseRE.ReplaceAllString(strings.TrimSpace(t), ""))
	t = strings.TrimFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	b := bare(t)
	if utf8.RuneCountInString(b) < 4 || slices.Contains(startWords, b) || askToLookRE.MatchString(b) || typeFromWords(b) != "" && utf8.RuneCountInString(b) <= 5 {
		return ""
	}
	return clip(t, 60)
}

// filled reports whether the user gave anything to the flow yet.
func (f *flow) filled() bool {
	return f.Type != "" || f.MerchantNo != "" || f.Individual || f.Desc != "" || f.Contact != ""
}

// startFlow begins the ticket flow, or resumes a paused one with everything already given.
// The first reply says that a ticket is being opened and what for.
func (c *conv) startFlow(preface string, typ TicketType) Reply {
	return c.openFlow(preface, typ, "")
}

// openFlow is startFlow with what the ticket is for, said by the user when asking for it.
func (c *conv) openFlow(preface string, typ TicketType, subject string) Reply {
	c.s.Prompt = prompt{}
	c.s.OfferTicket = false
	if f := c.s.Flow; f != nil {
		f.Paused = false
		resume := textFlowResumeEmpty
		if f.filled() {
			resume = textFlowResume
		}
		return c.text(joinNonEmpty(preface, resume, c.flowPrompt()))
	}
	f := &flow{ID: newToken(), Step: stepType, Urgent: c.s.Urgent, Subject: subject, English: isEnglish(c.m.Text)}
	c.s.Flow = f
	if preface == textEnglishTicket {
		// The English request: the whole form in English, its type asked like anyone's.
		f.English, preface = true, textFlowStartEnglish
		if typ == TypeMerchant {
			preface = textFlowStartEnglishTyped
		}
	}
	intro := textFlowStart
	if typ != "" {
		f.Type = typ
		f.Step = stepMerchant
		intro = fmt.Sprintf(textFlowStartTyped, typ.Name())
		if typ == TypeComplaint {
			intro = textFlowStartComplaint
		}
	}
	if subject != "" {
		name := "一张"
		if typ != "" && typ != TypeComplaint {
			name += typ.Name()
		}
		intro = fmt.Sprintf(textFlowStartFor, name, clip(subject, 20))
		if typ == TypeComplaint {
			intro = fmt.Sprintf(textFlowStartComplaintFor, clip(subject, 20))
		}
	}
	if preface != "" || f.English {
		intro = ""
	}
	if f.English && preface == "" {
		preface = textFlowStartEnglish
	}
	known := ""
	if no := c.s.Merchant; no != "" && preface == "" {
		// A merchant number typed earlier in the conversation is not asked for again; one
		// in the request itself needs no word.
		f.MerchantNo = no
		f.advance()
		if findMerchantNo(c.userText) != no && !f.English {
			known = fmt.Sprintf(textFlowMerchantKnown, no) + "\n"
		}
	}
	return c.text(joinNonEmpty(preface, intro, known+c.flowPrompt()))
}

// noteMerchant keeps the last merchant number the user typed in the conversation, so that a
// ticket opened later does not ask for it again.
func (c *conv) noteMerchant(text string) {
	if no := findMerchantNo(text); no != "" {
		c.s.Merchant = no
	}
}

// advance moves the flow past the steps whose answer it already has, so that an answer given
// early is not asked for again. It reports whether nothing is left to ask.
func (f *flow) advance() bool {
	for {
		switch {
		case f.Step == stepType && f.Type != "":
			f.Step = stepMerchant
		case f.Step == stepMerchant && (f.MerchantNo != "" || f.Individual):
			f.Step = stepDesc
		case f.Step == stepDesc && f.Desc != "":
			f.Step = stepContact
		case f.Step == stepContact && (f.Contact != "" || f.NoContact):
			return true
		default:
			return false
		}
	}
}

// missing names what the flow still needs, for a user who asks about a ticket not filed yet.
func (f *flow) missing() string {
	switch f.Step {
	case stepType:
		return "选择工单类型"
	case stepMerchant:
		return "商户编号（没有可回复“跳过”）"
	case stepDesc:
		return "问题描述"
	}
	return "联系电话（不需要可回复“跳过”）"
}

var (
	// takeFillerRE: words around a number that say nothing about the problem.
	takeFillerRE = regexp.MustCompile(`(?i)(我的|我们的|我们|我)?(商户|商家)?(编号|号码|号)(是|为)?|手机号?|电话|联系方式|联系我|打这个|打我|随时|都行|都可以|可以|谢谢|好的|给你|这是|是|的|不好意思|抱歉|对不起|找到了|打错了|输错了|写错了|刚才的?|应该是|这个|在这|\b(my|merchant|number|no\.?|id|phone|mobile|is|call|me|thanks|thank you|sorry|oops|ok|okay|here|it)\b`)
	// numberRunRE: a merchant number or a phone, masked or not, in the stored text.
	numberRunRE = regexp.MustCompile(`[+0-9*＊][0-9*＊\- ]{6,}[0-9]`)
)

// metaRE is talk about the form, not about the problem: fillers, apologies, corrections of
// an earlier answer ("搞错了 商户号应该是…没错"), commands ("继续刚才的工单", "好 提交"),
// labels of numbers ("联系电话"), declining a phone ("不留电话了") and type words.
var metaRE = regexp.MustCompile(`(?i)^[\s,，。.!！]*(哦+|噢+|喔+|嗯+|啊+|呃+|好的?|行|那|对了|ok|okay)[\s,，。.!！]+|(哦|噢|喔|嗯|啊|呃)+|不好意思|抱歉|对不起|sorry|oops|(我|刚才)?(刚才)?(搞|弄|填|写|输|打|选)错了|没错|继续(刚才|上次|之前)?的?(工单|填写?)?|接着(填|写)|(我(想|要)?)?(提交|提个|提一个)(工单|一下|吧)?$|(电话|手机号?)(就|也)?不(用|需要)?留了?|不(用|需要)?留(电话|手机号?)了?|(我的|我们的?)?(商户|商家)(编号|号码|号)(应该)?(是|为)?[:：]?|(联系)?(电话|手机号?)(是|为)?[:：]|联系电话|应该是|^(技术支持|技术问题|商户服务|投诉建议|其他问题)`)

// cleanDesc is what a message says about the problem once numbers and talk about the form are
// taken out, or "" when nothing worth a description is left.
func cleanDesc(masked string) string {
	t := numberRunRE.ReplaceAllString(masked, " ")
	for range 3 { // a removal can expose another at the start ("好 继续刚才的工单")
		t = strings.TrimSpace(metaRE.ReplaceAllString(t, " "))
	}
	t = strings.Join(strings.Fields(t), " ")
	t = strings.TrimFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	b := bare(t)
	if utf8.RuneCountInString(b) < minDescRunes || !hasCJK(t) && len(strings.Fields(t)) < 3 {
		return ""
	}
	return t
}

// noPhone reports whether a short message declines to leave a phone ("no phone", "电话不留了").
func noPhone(b string) bool {
	return utf8.RuneCountInString(b) <= 10 && phoneWordRE.MatchString(b) && !questionRE.MatchString(b) &&
		(isSkip(b) || contactSkipRE.MatchString(b) || strings.Contains(b, "不留") || strings.Contains(b, "不用留"))
}

// hasCJK reports whether s has a Chinese character.
func hasCJK(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// waitAloneRE asks how long, and names nothing else: about the ticket being filled ("那要几天啊").
var waitAloneRE = regexp.MustCompile(`^(那|那么)?(大概|大约|一般)?(还)?(要|得|需要)?(等)?(几天|多久|多长时间|几个小时|什么时候)(啊|呢|呀|吗|才行|能好)*$`)

// takeRest is what a message says besides the numbers in it, if it is worth a description.
func takeRest(masked string) string {
	rest := strings.TrimSpace(numberRunRE.ReplaceAllString(masked, " "))
	rest = strings.TrimFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	b := bare(rest)
	words := strings.Fields(takeFillerRE.ReplaceAllString(strings.ToLower(rest), " "))
	if utf8.RuneCountInString(bare(takeFillerRE.ReplaceAllString(b, ""))) < 5 || !hasCJK(rest) && len(words) < 3 || questionRE.MatchString(b) ||
		isSkip(b) || contactSkipRE.MatchString(b) || individualRE.MatchString(b) && utf8.RuneCountInString(b) <= 12 {
		return ""
	}
	return rest
}

// flowTake takes whatever a message with a merchant number or a phone gives the ticket, at any
// step: a merchant number typed where the type was asked, a phone where the merchant number
// was asked, a number and the problem in one sentence. It says what it took and asks for what
// is still missing; a message the current step reads on its own is left to it.
func (c *conv) flowTake(ctx context.Context, text string) (Reply, bool, error) {
	f := c.s.Flow
	no, phone := findMerchantNo(text), findPhone(text)
	if b, n := bare(text), utf8.RuneCountInString(bare(text)); phone != "" && (n > 40 && !phoneWordRE.MatchString(b) || n > 20 && questionRE.MatchString(b)) {
		// A number inside a long text (an API request, an order) or a question is nobody's
		// contact.
		phone = ""
	}
	if no == "" && phone == "" {
		return Reply{}, false, nil
	}
	rest := takeRest(c.userText)
	if rest != "" {
		rest = cleanDesc(rest)
	}
	switch f.Step {
	case stepMerchant:
		if phone == "" && rest == "" {
			return Reply{}, false, nil
		}
	case stepDesc:
		if no == "" {
			return Reply{}, false, nil // a description with a phone: the step files it
		}
	case stepContact:
		if no == "" {
			return Reply{}, false, nil
		}
	}
	var took []string
	changed := ""
	if no != "" && no != f.MerchantNo {
		if f.MerchantNo != "" {
			// A second number replaces the first: said as a change, not as news.
			changed = fmt.Sprintf(textFlowMerchantChanged, no) + "\n"
		} else {
			took = append(took, "商户编号 "+no)
		}
		f.MerchantNo, f.Individual = no, false
	}
	if phone != "" && phone != f.Contact {
		f.Contact = phone
		took = append(took, "联系电话 "+maskPhones(phone))
		if note := contactNote(c.userText); note != "" && rest != "" && utf8.RuneCountInString(bare(rest)) <= 12 {
			f.Desc = joinDesc(f.Desc, "联系备注："+note)
			rest = ""
		}
	}
	if rest != "" {
		f.Desc = joinDesc(f.Desc, rest)
		if isLoss(f.Desc) {
			f.Urgent = true
		}
		took = append(took, "问题描述")
	}
	// What is left once the numbers and fillers are gone may be a type ("投诉", "2") or "个人用户".
	core := bare(takeFillerRE.ReplaceAllString(bare(numberRunRE.ReplaceAllString(c.userText, " ")), ""))
	if f.Type == "" && rest == "" && utf8.RuneCountInString(core) <= 6 {
		if t := typeFromWords(core); t != "" {
			f.Type = t
			took = append(took, "工单类型 "+t.Name())
		}
	}
	if f.Type == "" {
		f.Type = typeFromTopic(bare(rest + f.Subject))
	}
	if no == "" && f.MerchantNo == "" && !f.Individual && individualRE.MatchString(core) && utf8.RuneCountInString(core) <= 8 {
		f.Individual = true
		took = append(took, "个人用户")
	}
	if len(took) == 0 && changed != "" {
		f.Fails = 0
		if f.advance() {
			return c.createTicketReply(ctx)
		}
		return c.text(changed + c.flowPrompt()), true, nil
	}
	if len(took) == 0 {
		if rest != "" || phone != "" && phone != f.Contact {
			return Reply{}, false, nil
		}
		// Only what the ticket has already: it is no answer to this step.
		if no != "" {
			took = append(took, "商户编号 "+no)
		} else {
			took = append(took, "联系电话 "+maskPhones(phone))
		}
	}
	f.Fails = 0
	if f.advance() {
		return c.createTicketReply(ctx)
	}
	return c.text(changed + fmt.Sprintf(textFlowTook, strings.Join(took, "、")) + "\n" + c.flowPrompt()), true, nil
}

// flowHandoffNote pauses a ticket being filled when the user is handed to a human, and says
// that what they gave is kept: the form is not dropped behind their back.
func (c *conv) flowHandoffNote() string {
	f := c.s.Flow
	if f == nil || c.stateless {
		return ""
	}
	f.Paused = true
	if !f.filled() && f.Subject == "" {
		return ""
	}
	return "\n" + textFlowHandoffKept
}

// createTicketReply is createTicket for a step that reports whether it handled the message.
func (c *conv) createTicketReply(ctx context.Context) (Reply, bool, error) {
	r, err := c.createTicket(ctx)
	return r, true, err
}

// flowPrompt asks for what the current step needs.
func (c *conv) flowPrompt() string {
	f := c.s.Flow
	if f.English {
		switch f.Step {
		case stepType:
			return textFlowTypeEnglish
		case stepMerchant:
			return textFlowMerchantEnglish
		case stepDesc:
			return textFlowDescEnglish
		}
		return textFlowContactEnglish
	}
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

func isSkip(b string) bool {
	if b == "no" || b == "none" || b == "na" {
		return true
	}
	for _, w := range []string{"跳过", "不用", "不需要", "没有", "算了", "不留", "不要", "没商户号", "找不到", "不知道", "忘了", "忘记", "不记得", "skip", "nophone", "nothanks", "dontknow", "donthave"} {
		if strings.Contains(b, w) {
			return true
		}
	}
	return false
}

func isCancel(text string) bool {
	b := bare(text)
	limit := 16
	if isEnglish(text) {
		limit = 48 // "never mind, I will call tomorrow. thanks"
	}
	return utf8.RuneCountInString(b) <= limit && cancelRE.MatchString(b) && !strings.Contains(b, "还是") &&
		!strings.Contains(b, "继续") && !strings.Contains(b, "提吧") && !strings.Contains(b, "要提")
}

// ticketFlow starts, resumes and cancels the ticket flow, and takes the answers to its steps.
func (c *conv) ticketFlow(ctx context.Context, text string) (Reply, bool, error) {
	if c.stateless {
		return Reply{}, false, nil
	}
	f, inFlow, b := c.s.Flow, c.inFlow(), bare(text)
	offered := c.s.OfferTicket
	c.s.OfferTicket = false
	switch {
	case inFlow && isCancel(text) && !(f.Step == stepContact && isSkip(b) && !strings.Contains(b, "取消")):
		return c.cancelFlow(), true, nil
	case inFlow && isMenuWord(text):
		f.Paused = true
		return c.showMenu("工单已暂停填写，回复“继续填写”可以接着填写。"), true, nil
	case f != nil && f.Paused && (resumeRE.MatchString(b) ||
		f.Step == stepMerchant && findMerchantNo(text) != "" && utf8.RuneCountInString(b) <= 30):
		// Resuming with the answer in the same message ("找到了 8820003141 接着填"): take it.
		got := ""
		if no := findMerchantNo(text); no != "" && f.Step == stepMerchant {
			f.MerchantNo, f.Step = no, stepDesc
			if f.Desc != "" {
				f.Step = stepContact
			}
			got = fmt.Sprintf(textFlowGotMerchant, no)
		}
		r := c.startFlow("", "")
		if got != "" {
			r.Text = strings.Replace(r.Text, textFlowResume, textFlowResume+got, 1)
		}
		return r, true, nil
	case isTicketStart(text) && !(inFlow && f.Step != stepType) && !(f == nil && isEnglish(text)):
		// An English request opens the ticket in englishIntent, which skips the Chinese
		// type step and says so in English.
		typ := typeFromWords(b)
		if isComplaintStart(text) {
			typ = TypeComplaint
		}
		if typ == "" {
			typ = typeFromTopic(b)
		}
		if f != nil && typ != "" && !f.filled() {
			f.Type, f.Step = typ, stepMerchant
		}
		if f == nil && c.s.Reopen != "" {
			return c.reopen(ctx), true, nil
		}
		r := c.openFlow("", typ, ticketSubject(c.userText))
		if c.fillFromRequest(text) {
			return c.createTicketReply(ctx)
		}
		return r, true, nil
	case !inFlow && offered && yesRE.MatchString(b) && b != "":
		return c.startFlow("", ""), true, nil
	case inFlow:
		return c.flowInput(ctx, text)
	}
	return Reply{}, false, nil
}

// noPhoneInRE declines a phone inside a longer request ("…不留电话了").
var noPhoneInRE = regexp.MustCompile(`(电话|手机号?)(就|也)?不(用|需要)?留|不(用|需要)?留(电话|手机号?)|不用(打)?电话|不需要电话|nophone`)

// fillFromRequest takes what a request for a ticket already gives ("提个工单 技术支持 商户号
// 8834567890 对账文件昨天的没生成 不留电话了"): the merchant number, the phone or its refusal,
// and the problem, so that only what is missing is asked. It reports whether the ticket has
// everything and can be filed now.
func (c *conv) fillFromRequest(text string) bool {
	f := c.s.Flow
	if f == nil || f.filled() && f.Desc != "" {
		return false
	}
	if no := findMerchantNo(text); no != "" {
		f.MerchantNo, f.Individual = no, false
	}
	if p := findPhone(text); p != "" && p != f.MerchantNo {
		f.Contact = p
	} else if noPhoneInRE.MatchString(bare(text)) {
		f.NoContact = true
	}
	// A subject alone is usually a heading ("物业收的款退不回来"), and the details are asked;
	// with the other answers beside it, or long, it is the description itself.
	given := f.MerchantNo != "" || f.Contact != "" || f.NoContact
	if d := cleanDesc(f.Subject); utf8.RuneCountInString(bare(d)) >= 6 && (given || utf8.RuneCountInString(bare(d)) >= 15) && !questionRE.MatchString(bare(d)) {
		f.Desc, f.Subject = d, ""
		if f.Type == "" {
			f.Type = typeFromTopic(bare(d))
		}
	}
	return f.Type != "" && f.advance()
}

// subjectDetailRE is a detail the agents can work with: a figure, a date or time, an order or an error.
var subjectDetailRE = regexp.MustCompile(`[0-9]|[一二三四五六七八九十两百千万]+(块|元|号|日|月|点)|昨天|今天|前天|上周|上个?月|早上|晚上|中午|下午|上午|金额|订单|流水|报错|错误码`)

// hasDetails reports whether a ticket's subject says more than a heading: details, or length.
func hasDetails(s string) bool {
	return subjectDetailRE.MatchString(s) || utf8.RuneCountInString(bare(s)) >= 15
}

// reopen starts a ticket that refers to the resolved one the user said was not solved, with its
// type and merchant number: only the description is asked.
func (c *conv) reopen(ctx context.Context) Reply {
	no := c.s.Reopen
	c.s.Reopen = ""
	r := c.startFlow("", "")
	t, err := c.b.st.ticket(ctx, no)
	if err != nil || t.OpenID != c.m.OpenID {
		return r // a plain new ticket
	}
	f := c.s.Flow
	f.Ref, f.Type, f.MerchantNo, f.Individual, f.Step = no, t.Type, t.MerchantNo, t.Individual, stepDesc
	if f.MerchantNo == "" && !f.Individual {
		f.Step = stepMerchant
	}
	return c.text(fmt.Sprintf("好的，我帮您重新提交工单，会注明原工单 %s，类型和商户信息沿用原工单。", no) + "\n\n" + c.flowPrompt())
}

// leaveFlow sets the form aside for a message that is not for it: kept paused when something
// was given, dropped when nothing was.
func (c *conv) leaveFlow() {
	if f := c.s.Flow; f.filled() || f.Subject != "" {
		f.Paused = true
		return
	}
	c.s.Flow = nil
}

// cancelFlow leaves the flow, saying honestly whether anything was kept.
func (c *conv) cancelFlow() Reply {
	f := c.s.Flow
	var s string
	if f.filled() {
		f.Paused = true
		s = textFlowCancelKept
	} else {
		c.s.Flow = nil
		s = textFlowCancelEmpty
	}
	if f.English {
		s = textFlowCancelEnglish
		if f.filled() {
			s = textFlowCancelKeptEnglish
		}
		if !c.b.hours.open(c.now) {
			s += fmt.Sprintf(textFlowCancelClosedEnglish, c.b.hours.window(c.now), c.b.shortTime(c.b.hours.nextOpenAt(c.now)), c.b.contact("hotline"))
		}
		return c.text(s)
	}
	if !c.b.hours.open(c.now) {
		s += fmt.Sprintf("人工客服每天 %s 服务，%s 起可以找人工或拨打热线 %s。", c.b.hours.window(c.now), c.b.hours.nextOpen(c.now), c.b.contact("hotline"))
	}
	return c.text(s)
}

// flowQuestion answers a question typed instead of the step's answer, and keeps the flow.
func (c *conv) flowQuestion(ctx context.Context, text string) (string, bool, error) {
	b := bare(text)
	switch {
	case merchantNoQuestionRE.MatchString(b) || (c.s.Flow.Step == stepMerchant && questionRE.MatchString(b) && strings.Contains(b, "号")):
		return textMerchantNoHelp, true, nil
	case slaQuestionRE.MatchString(b) || whenRE.MatchString(b) || waitAloneRE.MatchString(b):
		// The ticket does not exist yet: say so, and what it still needs.
		return fmt.Sprintf(textFlowNotFiled, c.s.Flow.missing()), true, nil
	}
	if !questionRE.MatchString(b) {
		return "", false, nil
	}
	return c.flowAnswer(ctx)
}

// flowAside is an answer given inside the flow, and the step asked again; an answer that
// already says the ticket is not filed does not say so twice.
//
// The type list was on screen when the form opened, and a step asked once stays on screen: a
// second aside, or any aside at the type step, recalls the step in one line instead, so that
// side questions are not followed by the whole form each time.
func (c *conv) flowAside(a string) string {
	f := c.s.Flow
	if f.AsideStep != f.Step {
		f.Asides, f.AsideStep = 0, f.Step
	}
	f.Asides++
	if strings.HasPrefix(a, textFlowNotFiledLead) {
		return a + "\n\n" + c.flowPrompt()
	}
	if !f.English && (f.Step == stepType || f.Asides > 1) {
		return a + "\n\n" + flowReminder(f.Step)
	}
	return a + "\n\n" + textFlowStillOpen + "\n" + c.flowPrompt()
}

// flowReminder is the step, recalled in a line after a question answered in passing.
func flowReminder(step flowStep) string {
	switch step {
	case stepType:
		return textFlowRemindType
	case stepMerchant:
		return textFlowRemindMerchant
	case stepDesc:
		return textFlowRemindDesc
	}
	return textFlowRemindContact
}

// laterRE is a user who will come back for a person or the ticket later: "那我8点以后再来找人工",
// "明天再说", "先不登记了".
var laterRE = regexp.MustCompile(`(明天|明早|晚点|晚些|回头|等会儿?|一会儿?|过会儿?|稍后|待会儿?|到时候?|上班(后|以后)?|[0-9一二三四五六七八九十两]+点(钟|半)?(以后|之后|后)?).{0,6}(再来|再找|再问|再说|再联系|再打|再填|再登记|再提交|来找|找人工|找客服|打电话|打热线)`)

// flowLater answers a user who, inside the form out of hours (where the form was opened for
// them, not asked for), says they will come back later for a person or the ticket: the offer
// is respected, not pushed again. The form is
// set aside quietly (what was given is kept), and the reply says when someone is there.
func (c *conv) flowLater(_ context.Context, text string) (Reply, bool, error) {
	b := bare(text)
	// An explicit 取消 is the cancel's, which says what was kept and when people are there.
	if !c.inFlow() || c.s.Flow.Outage || c.b.hours.open(c.now) || !laterRE.MatchString(b) || strings.Contains(b, "取消") || utf8.RuneCountInString(b) > 24 ||
		findMerchantNo(text) != "" || findPhone(text) != "" {
		return Reply{}, false, nil
	}
	kept := c.s.Flow.filled()
	c.leaveFlow()
	c.s.Prompt = prompt{}
	c.s.OfferTicket = false
	s := fmt.Sprintf(textFlowLaterClosed, c.b.hours.nextOpen(c.now), c.b.contact("hotline"))
	if kept {
		s += textFlowLaterKept
	}
	return c.text(s), true, nil
}

// flowAnswer is the knowledge base's sure answer to the message, if it has one.
func (c *conv) flowAnswer(ctx context.Context) (string, bool, error) {
	return c.flowAnswerFor(ctx, c.userText)
}

// flowAnswerFor is the knowledge base's sure answer to q (masked), read in the conversation's
// topic as the answers outside the form are ("要多久生效" after an answer about changing the
// settlement card); the answer becomes the topic that follow-ups lean on.
func (c *conv) flowAnswerFor(ctx context.Context, q string) (string, bool, error) {
	res, err := c.b.kb.Search(ctx, query(q), 3)
	if err != nil {
		return "", false, err
	}
	if res, err = c.withContext(ctx, bare(q), query(q), res); err != nil {
		return "", false, err
	}
	if c.quoted != "" {
		a := c.quoted
		c.quoted = ""
		return a, true, nil
	}
	if res.Decision != "answer" || len(res.Hits) == 0 {
		return "", false, nil
	}
	e, ok := c.b.kb.Content().Entry(res.Hits[0].ID)
	if !ok {
		return "", false, nil
	}
	c.count(e.Category, statAnswered)
	c.s.LastCategory, c.s.Topic, c.s.Answered = e.Category, e.ID, e.ID
	c.s.TopicQ = q
	if c.ctxQ != "" && c.usedCtx {
		c.s.TopicQ = c.ctxQ
	}
	return e.Answer, true, nil
}

// flowFail answers an answer that does not fit the step; after two, with the ways out.
func (c *conv) flowFail(msg string) Reply {
	f := c.s.Flow
	f.Fails++
	if f.Fails >= 2 {
		msg += "\n" + textFlowWayOut
	}
	return c.text(msg)
}

// flowInput handles the user's answer to the current step: it reads what the step needs from a
// sentence; a question is answered and the step asked again; a correction of an earlier answer
// changes it and the step is asked again; "等下", "还在吗" keep the step.
//
// At the type step, words that are no type and no question it can answer ("那明天几点有人",
// "好吧 明天再说") leave the form: handled is false and the rest of the pipeline answers them,
// so the user is not asked for 1, 2, 3 or 0 whatever they say.
func (c *conv) flowInput(ctx context.Context, text string) (Reply, bool, error) {
	r, err := c.flowStep(ctx, text)
	if errors.Is(err, errLeftFlow) {
		return Reply{}, false, nil
	}
	return r, true, err
}

// errLeftFlow is flowStep's word that the message is not for the form, which it left.
var errLeftFlow = errors.New("bot: message left the ticket flow")

// flowStep is flowInput's work: the reply to an answer of the current step.
func (c *conv) flowStep(ctx context.Context, text string) (Reply, error) {
	f := c.s.Flow
	b := bare(text)
	next := func() Reply {
		f.Fails = 0
		return c.text(c.flowPrompt())
	}
	again := func(lead string) Reply {
		return c.text(lead + "\n" + c.flowPrompt())
	}
	switch {
	case hasCJK(text):
		f.English = false
	case isEnglish(text) && len(strings.Fields(text)) >= 3 && !hasASCIIDigit(text):
		f.English = true
	}
	if r, ok, err := c.flowMeta(ctx, text, b); ok || err != nil {
		return r, err
	}
	if r, ok := c.flowCorrection(text, b); ok {
		return r, nil
	}
	switch {
	case presenceRE.MatchString(b):
		return again(textFlowHere), nil
	case flowWaitRE.MatchString(b) && !questionRE.MatchString(b) && !strings.ContainsAny(text, "?？") && findMerchantNo(text) == "" && findPhone(text) == "":
		return c.text(textFlowWait), nil
	}
	if r, ok, err := c.flowTake(ctx, text); ok || err != nil {
		return r, err
	}
	if f.Step != stepContact && noPhone(b) {
		// "no phone", "电话就不留了" before the phone is asked: taken, and the step asked on.
		f.NoContact, f.Fails = true, 0
		return c.text(textFlowNoPhone + "\n" + c.flowPrompt()), nil
	}
	switch f.Step {
	case stepType:
		raw := strings.TrimSpace(foldASCII(text))
		typ := typeFromWords(b)
		topic := false
		if typ == "" && utf8.RuneCountInString(b) <= 10 && !questionRE.MatchString(b) {
			typ = typeFromTopic(b) // "结算的问题", "钱没到账"
			topic = typ != ""
		}
		if signedOrDecimalRE.MatchString(raw) || (hasASCIIDigit(raw) && !choiceRE.MatchString(raw)) && utf8.RuneCountInString(b) <= 3 {
			typ = ""
		} else if typ == "" && !hasASCIIDigit(raw) && utf8.RuneCountInString(b) >= 8 && !questionRE.MatchString(b) && cleanDesc(c.userText) != "" {
			// The problem itself, typed before the type: keep it and ask on.
			f.Desc = cleanDesc(c.userText)
			if isLoss(f.Desc) {
				f.Urgent = true
			}
			f.Type = typeFromTopic(b)
			if f.Type == "" {
				f.Type = TypeOther
			}
			if f.advance() {
				return c.createTicket(ctx)
			}
			return c.text("好的，问题已记下。\n" + c.flowPrompt()), nil
		}
		if typ == "" {
			if yesRE.MatchString(b) && b != "" {
				return c.text("好的。" + c.flowPrompt()), nil
			}
			if a, ok, err := c.flowQuestion(ctx, text); err != nil || ok {
				return c.text(c.flowAside(a)), err
			}
			if questionRE.MatchString(b) {
				return c.text(textFlowCantAnswer + "\n\n" + c.flowPrompt()), nil
			}
			if !hasASCIIDigit(raw) && utf8.RuneCountInString(b) >= 2 {
				c.leaveFlow()
				return Reply{}, errLeftFlow
			}
			return c.flowFail("请回复 1、2、3 或 0 选择工单类型（也可以直接说“技术问题”“投诉”）。\n" + c.flowPrompt()), nil
		}
		if f.Subject == "" {
			// "投诉 退款拖了10天了": the type, and what the ticket is for.
			f.Subject = ticketSubject(strings.TrimSpace(c.userText))
			if typeFromWords(bare(f.Subject)) == typ && utf8.RuneCountInString(bare(f.Subject)) <= 6 {
				f.Subject = ""
			}
		}
		f.Type = typ
		if !topic && f.Desc == "" && utf8.RuneCountInString(b) >= 12 && !questionRE.MatchString(b) {
			// The problem itself, naming its type ("支付接口一直超时"): the type and the
			// description both.
			f.Desc, f.Subject = strings.TrimSpace(c.userText), ""
			if isLoss(f.Desc) {
				f.Urgent = true
			}
			if f.advance() {
				return c.createTicket(ctx)
			}
			return c.text("好的，问题已记下。\n" + c.flowPrompt()), nil
		}
		if f.advance() {
			return c.createTicket(ctx)
		}
		if topic {
			// A topic may be the question itself ("钱没到账"): its answer first, if there is a
			// sure one, and the ticket stays open for what the answer does not settle.
			a, ok, err := c.flowAnswer(ctx)
			if err != nil || ok {
				f.Subject = strings.TrimSpace(c.userText)
				return c.text(a + "\n\n" + fmt.Sprintf(textFlowTopicKept, typ.Name()) + "\n" + c.flowPrompt()), err
			}
		}
		return next(), nil
	case stepMerchant:
		if no := findMerchantNo(text); no != "" {
			f.MerchantNo = no
			if f.advance() {
				return c.createTicket(ctx)
			}
			return next(), nil
		}
		short := utf8.RuneCountInString(b) <= 8
		switch {
		case individualRE.MatchString(b) && (short || utf8.RuneCountInString(b) <= 20 || strings.Contains(b, "商户号")):
			f.Individual = true
		case isSkip(b) && (short || strings.Contains(b, "跳过")):
		case !hasASCIIDigit(foldASCII(b)) && utf8.RuneCountInString(b) >= 8 && !questionRE.MatchString(b) && cleanDesc(c.userText) != "":
			// The problem itself, typed before the number: keep it as the description.
			f.Desc = cleanDesc(c.userText)
			if isLoss(f.Desc) {
				f.Urgent = true
			}
			f.Step = stepContact
			f.Fails = 0
			if f.advance() {
				return c.createTicket(ctx)
			}
			return c.text("好的，问题已记下（没有商户编号也可以提交）。\n" + c.flowPrompt()), nil
		default:
			if a, ok, err := c.flowQuestion(ctx, text); err != nil || ok {
				return c.text(c.flowAside(a)), err
			}
			if questionRE.MatchString(b) && !hasASCIIDigit(foldASCII(b)) {
				return c.text(textFlowCantAnswer + "\n\n" + c.flowPrompt()), nil
			}
			if d := digits(text); len(d) >= 5 && len(d) <= 13 {
				return c.flowFail(fmt.Sprintf(textFlowBadMerchantLen, d, len(d))), nil
			}
			return c.flowFail(fmt.Sprintf("“%s”不是有效的商户编号：商户编号是88开头的10位数字，例如 8812345678。请核对后重新输入；个人用户请回复“个人用户”，暂时找不到可以回复“跳过”。", clip(c.userText, 20))), nil
		}
		f.Step = stepDesc
		if f.advance() {
			return c.createTicket(ctx)
		}
		return next(), nil
	case stepDesc:
		d := strings.TrimSpace(c.userText) // already masked
		lead, aside := "", ""
		if p := findPhone(text); p != "" && cleanDesc(d) == "" {
			// A phone alone where the problem was asked: it is the contact, not the problem.
			f.Contact, f.Fails = p, 0
			if f.Candidate != "" {
				// The question answered a moment ago is the problem the user left it at.
				f.Desc, f.Candidate = f.Candidate, ""
				return c.createTicket(ctx)
			}
			took := fmt.Sprintf(textFlowPhoneTaken, maskPhones(p))
			if f.English {
				took = fmt.Sprintf(textFlowPhoneTakenEnglish, maskPhones(p))
			}
			return again(took), nil
		}
		switch {
		case f.Candidate != "" && (yesRE.MatchString(b) || isSkip(b)) && b != "":
			d = f.Candidate
		case aboveRE.MatchString(b) && utf8.RuneCountInString(b) <= 12:
			// "上面都说了": what the user told before the flow.
			d = f.Subject
			if d == "" && utf8.RuneCountInString(c.s.LastQ) >= minDescRunes {
				d = c.s.LastQ
			}
			if d == "" {
				return c.flowFail(textFlowDescAboveNone), nil
			}
			lead = fmt.Sprintf(textFlowDescAbove, clip(d, 30)) + "\n"
		case utf8.RuneCountInString(d) <= 30 && questionRE.MatchString(b) && findPhone(text) == "" && problemToldRE.MatchString(b):
			// A question that tells what happened ("结算款少了两百块钱不知道为什么") is the
			// problem: it is taken, with the knowledge base's answer in brief by the way.
			a, ok, err := c.flowAnswer(ctx)
			if err != nil {
				return Reply{}, err
			}
			if ok {
				short, _ := shortAnswer(a, repeatRunes)
				aside = fmt.Sprintf(textFlowDescWithAnswer, short) + "\n"
			}
		case utf8.RuneCountInString(d) <= 30 && questionRE.MatchString(b) && findPhone(text) == "":
			// A question that asks only ("对账单在哪下载") may be one to answer now, or the very
			// problem: answered, and offered as the description.
			if a, ok, err := c.flowQuestion(ctx, text); err != nil || ok {
				f.Candidate = d
				return c.text(a + "\n\n" + textFlowStillOpen + textFlowUseCandidate), err
			}
		}
		f.Candidate = ""
		if lead == "" {
			d = cleanDesc(d)
		}
		if utf8.RuneCountInString(d) < minDescRunes {
			if f.English {
				return c.flowFail(textFlowShortEnglish), nil
			}
			return c.flowFail("描述太短了，请至少写5个字，说明遇到了什么问题。"), nil
		}
		f.Desc = d
		if isLoss(d) {
			f.Urgent = true
		}
		if aside != "" {
			c.pre = joinLines(c.pre, aside)
		}
		if p := findPhone(text); p != "" {
			f.Contact = p
			return c.createTicket(ctx)
		}
		f.Step = stepContact
		f.Fails = 0
		if f.advance() {
			return c.createTicket(ctx)
		}
		return c.text(lead + c.flowPrompt()), nil
	case stepContact:
		if m := emailRE.FindString(text); m != "" && findPhone(text) == "" {
			// Only a phone is asked for; an e-mail address goes into the description.
			f.Desc = joinDesc(f.Desc, "联系邮箱："+m)
			c.pre = fmt.Sprintf(textFlowEmailNoted, m)
			return c.createTicket(ctx)
		}
		switch p := findPhone(text); {
		case p != "":
			f.Contact = p
			if note := contactNote(c.userText); note != "" {
				f.Desc = joinDesc(f.Desc, "联系备注："+note)
			}
		case isSkip(b) || b == "否" || contactSkipRE.MatchString(b) || impatientRE.MatchString(b):
		case phoneDescribedRE.MatchString(b) && !hasASCIIDigit(foldASCII(b)) && !questionRE.MatchString(b):
			// "就是我注册的那个手机号": the bot cannot see it.
			return c.flowFail(textFlowPhoneUnseen), nil
		case !phoneAttempt(text, b) && utf8.RuneCountInString(b) >= 8 && !questionRE.MatchString(b):
			// More about the problem, typed where the phone was asked for: it is added to
			// the description and the phone asked again.
			more := cleanDesc(c.userText)
			if more == "" {
				return c.text(c.flowPrompt()), nil
			}
			f.Desc = joinDesc(f.Desc, more)
			if isLoss(f.Desc) {
				f.Urgent = true
			}
			f.Fails = 0
			return again(textFlowDescAdded), nil
		default:
			if a, ok, err := c.flowQuestion(ctx, text); err != nil || ok {
				return c.text(c.flowAside(a)), err
			}
			if questionRE.MatchString(b) && !phoneAttempt(text, b) {
				return c.text(textFlowCantAnswer + "\n\n" + c.flowPrompt()), nil
			}
			return c.flowFail("电话格式不对，请回复11位手机号（或带区号的座机号），不需要请回复“跳过”。"), nil
		}
		return c.createTicket(ctx)
	}
	c.s.Flow = nil
	return c.showMenu(""), nil
}

var (
	// asideRE opens a question asked in passing ("等等 我先问一下 …", "对了 顺便问下 …"); what
	// follows it is the question.
	asideRE = regexp.MustCompile(`^[\s,，。]*(等等|等下|等一下|稍等|对了|另外|哦)?[\s,，。]*(我)?(先|想|再|顺便|还想)*(问|请教)(一)?下[\s,，。:：]*`)
	// goOnRE asks to carry on with the form that is open ("好 继续刚才的工单", "接着填吧").
	goOnRE = regexp.MustCompile(`^(好|好的|行|嗯|ok|那)*(我们)?(继续|接着)(刚才|上次|之前)?(的|那个)?(工单|填写?|写|提交?|弄)?(吧|呀|啊)?$|^(goon|continue|carryon)$`)
	// submitRE asks to file the ticket now ("好 提交", "直接提交吧").
	submitRE = regexp.MustCompile(`^(好|好的|行|嗯|可以|那|ok)*(就|直接|帮我|现在)?(提交|提交吧|交了吧|submit|submitit|fileit)(吧|了|就行|即可|工单)?$`)
	// solvedRE: the problem went away while the form was open ("刚刚文件出来了 问题解决了").
	flowSolvedRE = regexp.MustCompile(`(问题)?(已经|现在|刚刚|自己)?(解决了|好了|搞定了|恢复了|正常了|没问题了)|(it'?s|its)?(solved|fixed|working(now|again)?)$`)
	solvedNotRE  = regexp.MustCompile(`没|不|还是|又|但|吗|怎么|会不会|如果`)
)

// flowMeta answers a message that is no value for any step: a question asked in passing
// (answered, then the step asked again), "继续刚才的工单" (the step asked again), "好 提交"
// (filed when the ticket has what it needs, else the one missing thing asked for), and a
// problem that went away meanwhile (the form is dropped: nothing was filed).
func (c *conv) flowMeta(ctx context.Context, text, b string) (Reply, bool, error) {
	f := c.s.Flow
	say := func(zh, en string) string {
		if f.English {
			return en
		}
		return zh
	}
	if loc := asideRE.FindStringIndex(text); loc != nil && loc[1] < len(text) && findMerchantNo(text) == "" {
		q := strings.TrimSpace(text[loc[1]:])
		if utf8.RuneCountInString(bare(q)) >= 3 && (questionRE.MatchString(bare(q)) || strings.ContainsAny(q, "?？")) {
			f.Fails = 0
			a, ok, err := c.flowAnswerFor(ctx, q)
			if err != nil {
				return Reply{}, true, err
			}
			if !ok {
				a = textFlowAsideUnknown
			}
			return c.text(a + "\n\n" + say(textFlowAsideKept, textFlowAsideEnglish) + "\n" + c.flowPrompt()), true, nil
		}
	}
	switch {
	case goOnRE.MatchString(b):
		f.Fails = 0
		return c.text(say(textFlowGoOn, textFlowGoOnEnglish) + "\n" + c.flowPrompt()), true, nil
	case submitRE.MatchString(b) && f.Step != stepType:
		f.Fails = 0
		if f.Desc == "" && f.Candidate != "" {
			f.Desc, f.Candidate = f.Candidate, ""
		}
		if f.Desc == "" && utf8.RuneCountInString(bare(f.Subject)) >= minDescRunes && hasDetails(f.Subject) {
			// A heading alone ("你们扣了我两次钱") is no description: the details are asked.
			f.Desc, f.Subject = f.Subject, ""
		}
		if f.Desc != "" && (f.Step == stepContact || f.MerchantNo != "" || f.Individual) {
			f.NoContact = f.NoContact || f.Contact == ""
			return c.createTicketOf(ctx)
		}
		return c.text(say(textFlowConfirmed, textFlowConfirmedEnglish) + "\n" + c.flowPrompt()), true, nil
	case flowSolvedRE.MatchString(b) && !solvedNotRE.MatchString(b) && utf8.RuneCountInString(b) <= 24:
		c.s.Flow = nil
		return c.text(say(textFlowSolved, textFlowSolvedEnglish)), true, nil
	}
	return Reply{}, false, nil
}

// createTicketOf is createTicket for flowMeta.
func (c *conv) createTicketOf(ctx context.Context) (Reply, bool, error) {
	r, err := c.createTicket(ctx)
	return r, true, err
}

// flowCorrection takes a correction of an earlier answer ("选错了 是技术的", "商户号填错了
// 应该是8812345678") and asks the current step again; a type said alone at a later step
// ("技术支持" when the number was asked for) corrects the type too.
func (c *conv) flowCorrection(text, b string) (Reply, bool) {
	f := c.s.Flow
	if f.Step == stepType {
		return Reply{}, false
	}
	correcting := correctRE.MatchString(b) && utf8.RuneCountInString(b) <= 20
	if no := findMerchantNo(text); no != "" && correcting && f.Step != stepMerchant {
		f.MerchantNo, f.Individual = no, false
		f.Fails = 0
		return c.text(fmt.Sprintf(textFlowMerchantChanged, no) + "\n" + c.flowPrompt()), true
	}
	words := strings.NewReplacer("商户号", "", "商户编号", "").Replace(b)
	t := typeFromWords(words)
	if m := typeDigitRE.FindStringSubmatch(foldASCII(words)); correcting && t == "" && m != nil {
		t = typeFromWords(m[2])
	}
	alone := f.Step != stepDesc && utf8.RuneCountInString(b) <= 6 && !hasASCIIDigit(foldASCII(b)) &&
		(t != TypeMerchant || strings.Contains(b, "服务"))
	if t == "" || !correcting && !alone {
		return Reply{}, false
	}
	f.Type = t
	f.Fails = 0
	return c.text(fmt.Sprintf(textFlowTypeChanged, t.Name()) + "\n" + c.flowPrompt()), true
}

// phoneAttempt reports whether a message at the phone step is a phone number typed wrong
// ("+86 138 1234 567", "我电话1391234567") rather than more words about the problem.
func phoneAttempt(text, b string) bool {
	d := digits(text)
	if len(d) < 7 {
		return false
	}
	return utf8.RuneCountInString(b)-len(d) <= 6 || phoneWordRE.MatchString(b)
}

// joinDesc adds more to a ticket's description.
func joinDesc(desc, more string) string {
	if desc == "" {
		return more
	}
	if strings.Contains(desc, more) {
		return desc
	}
	return desc + "；" + more
}

// contactNote is what a message with a phone says about calling ("下午两点以后打"), or "".
func contactNote(masked string) string {
	rest := strings.TrimSpace(phoneMaskRE.ReplaceAllString(masked, " "))
	if !contactNoteRE.MatchString(rest) || utf8.RuneCountInString(bare(rest)) < 3 {
		return ""
	}
	return clip(rest, 40)
}

// phoneMaskRE finds a phone number, masked or not, in the stored text.
var phoneMaskRE = regexp.MustCompile(`[+0-9*＊\- ]{7,}`)

// storeTicket files t with the conversation's last turns; flowID makes a retried creation
// return the same ticket.
func (c *conv) storeTicket(ctx context.Context, flowID string, t *Ticket) error {
	b := c.b
	tr, err := b.st.transcript(ctx, c.m.OpenID, 10)
	if err != nil {
		c.flowFailed = true
		return err
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
	if err := b.st.createTicket(ctx, flowID, t, day(c.now, b.hours.Location)); err != nil {
		c.flowFailed = true
		return err
	}
	c.count(t.Category, statTicket)
	c.s.Ticket = t.No
	return nil
}

func (c *conv) createTicket(ctx context.Context) (Reply, error) {
	f := c.s.Flow
	b := c.b
	if f.Type == "" {
		f.Type = TypeOther
	}
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
		t.DueAt = b.urgentDue(c.now)
	}
	if f.Subject != "" && !strings.Contains(t.Description, f.Subject) {
		t.Description = joinDesc(f.Subject, t.Description)
	}
	if f.Ref != "" {
		t.Description = "（重新提交，原工单 " + f.Ref + "）" + t.Description
	}
	if err := c.storeTicket(ctx, f.ID, t); err != nil {
		return Reply{}, err
	}
	c.s.Flow = nil
	c.s.Urgent = false
	var sb strings.Builder
	fmt.Fprintf(&sb, "工单已提交，编号：%s\n类型：%s", t.No, t.Type.Name())
	if t.Description != "" {
		fmt.Fprintf(&sb, "\n问题：%s", clip(t.Description, 30))
	}
	if t.MerchantNo != "" {
		fmt.Fprintf(&sb, "\n商户编号：%s", t.MerchantNo)
	}
	if t.ContactMasked != "" {
		fmt.Fprintf(&sb, "\n联系电话：%s", t.ContactMasked)
	}
	if urgent && f.Outage {
		if b.hours.open(c.now) {
			fmt.Fprintf(&sb, "\n\n"+textOutageDone, b.shortTime(b.urgentDue(c.now)), b.contact("emergency_line"))
		} else {
			// Out of hours neither line answers: only the ticket's promise.
			fmt.Fprintf(&sb, "\n\n"+textOutageDoneClosed, b.hours.nextOpen(c.now), b.shortTime(b.urgentDue(c.now)))
		}
	} else if urgent {
		fmt.Fprintf(&sb, "\n\n您的问题涉及资金安全，%s。如遇盗刷或诈骗，请同时联系开户银行止付、冻结，并拨打110或96110报警。", b.urgentPromise(c.now))
	} else {
		fmt.Fprintf(&sb, "\n\n我们会在%s内回复您", slaText(slaFor(t.Type, false)))
		if !b.hours.open(c.now) {
			fmt.Fprintf(&sb, "（非服务时间提交的工单，%s 上班后优先处理）", b.hours.nextOpen(c.now))
		}
		sb.WriteString("。")
	}
	fmt.Fprintf(&sb, "\n查询进度：回复“查询工单 %s”或直接发送工单号；回复“我的工单”查看全部。", t.No)
	if f.English || isEnglish(c.m.Text) || isEnglish(t.Description) {
		// An English user gets the confirmation in English first; the Chinese details follow.
		due := fmt.Sprintf(textTicketEnglishDue, b.shortTime(t.DueAt))
		if !urgent && !b.hours.open(c.now) {
			due = fmt.Sprintf(textTicketEnglishClosed, b.hours.window(c.now), b.shortTime(b.hours.nextOpenAt(c.now)))
		}
		return c.text(fmt.Sprintf(textTicketEnglish, t.No, due) + "\n\n" + sb.String()), nil
	}
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
	c.s.TicketTalk = true
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
		pending := ""
		if f := c.s.Flow; f != nil && !c.stateless {
			// The ticket being filled is no ticket yet: said plainly, with what it needs.
			pending = fmt.Sprintf(textFlowPending, f.missing())
			if c.inFlow() {
				pending += "\n" + c.flowPrompt()
			} else {
				pending += textFlowResumeHint
			}
		}
		if len(ts) == 0 && pending != "" {
			return c.text(textFlowNoneYet + pending), true, nil
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
		if pending != "" {
			sb.WriteString("\n\n" + pending)
		}
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
