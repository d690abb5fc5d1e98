package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// English. The knowledge base is Chinese; a user who writes English gets the gist of the entry
// in English (the details are for the agents and the international desk), and a question that
// matches nothing gets help that fits the hours rather than a Chinese answer pasted.

var (
	englishHandoffRE = mustMatcher(`realperson|human|agent|staff|operator|talkto|speakto|someone`)
	englishByeRE     = mustMatcher(`bye|seeyou|goodbye`)
	// enCrossRE names cross-border business; a question without a topic of its own is read in
	// it when the last answer was about it ("What documents do I need?").
	enCrossRE = regexp.MustCompile(`cross.?border|usd|dollar|euro|foreign|overseas|international|abroad|export|import|fx\b|exchange rate`)
	// enDocsRE asks what to provide.
	enDocsRE = regexp.MustCompile(`document|paper|material|certificate|licen[cs]e|what do i need|need to (provide|prepare|submit|send)|requirement`)
	// enHowLongRE asks how long something takes.
	enHowLongRE = regexp.MustCompile(`how long|how many (days|hours)|how soon|when will|when do|when can|how fast|take\b|arrive`)
)

// englishTopic is one topic an English question can be about: words that find it, the Chinese
// question that finds its entry, and its gist in English (%[1]s is the hotline, %[2]s its hours,
// %[3]s the service email, %[4]s the international desk's hours).
type englishTopic struct {
	re    *regexp.Regexp
	cross bool // only in a cross-border question or right after a cross-border answer
	zh    string
	en    string
}

// englishTopics are tried in order: the specific cross-border questions before the general one,
// and a settlement that did not arrive before fees ("charge").
var englishTopics = []englishTopic{
	{re: enDocsRE, cross: true, zh: "跨境业务需要准备哪些材料", en: textEnglishCrossDocs},
	{re: enHowLongRE, cross: true, zh: "跨境收款一般多久到账", en: textEnglishCrossTime},
	{re: enCrossRE, zh: "跨境支付", en: textEnglishCrossBorder},
	{re: regexp.MustCompile(`refund`), zh: "退款多久到账", en: textEnglishRefund},
	{re: regexp.MustCompile(`frozen|freeze|on ?hold|withheld|blocked`), zh: "资金被冻结了怎么办", en: textEnglishFrozen},
	{re: regexp.MustCompile(`settle|payout|not ?arriv|not ?receiv|never (got|received|arrived)|(didn'?t|did not|haven'?t|have not|hasn'?t|has not|not) (get|got|gotten|receive|received|arrive|arrived|come|came)|where is (my|the) money|missing (money|payment)|money.{0,20}(missing|not|never)`), zh: "结算款没到账", en: textEnglishSettlement},
	{re: regexp.MustCompile(`\bfees?\b|\brates?\b|commission|charges?\b|pricing|how much do you`), zh: "费率是多少", en: textEnglishFees},
	{re: regexp.MustCompile(`invoice|receipt|\bvat\b|fapiao`), zh: "发票怎么开", en: textEnglishInvoice},
	{re: regexp.MustCompile(`password|login|log ?in|sign ?in|locked`), zh: "忘记登录密码", en: textEnglishPassword},
	{re: regexp.MustCompile(`statement|reconcil`), zh: "对账单在哪下载", en: textEnglishStatement},
	{re: regexp.MustCompile(`payment.{0,12}(fail|declin|error)|(fail|declin|error).{0,12}pay|can'?t (pay|collect|receive payments)|cannot (pay|collect)|pending|processing`), zh: "交易显示处理中或失败怎么办", en: textEnglishPayment},
	{re: regexp.MustCompile(`apply|sign ?up|open an account|become a merchant|onboard|register|get started|start accepting|accept payments|integrat|\bapi\b`), zh: "怎么申请成为易联支付的商户", en: textEnglishOnboarding},
	{re: enDocsRE, zh: "商户入网需要准备哪些材料", en: textEnglishOnboarding},
}

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

// english answers a message in English: a human, the gist of the matching topic in English,
// or, when nothing matches, what the bot can help with and who is there at this hour.
func (c *conv) english(ctx context.Context, text string) (Reply, bool, error) {
	if !isEnglish(text) {
		return Reply{}, false, nil
	}
	b := bare(text)
	low := strings.ToLower(foldASCII(text))
	if englishHandoffRE.MatchString(b) {
		c.count("", statHandoff)
		c.s.Prompt = prompt{}
		if c.b.hours.open(c.now) && !c.stateless {
			c.s.Handoff = true
			return c.text(textEnglishHandoffOpen), true, nil
		}
		return c.text(fmt.Sprintf(textEnglishHandoffClosed, c.b.hours.window(c.now), c.b.contact("hotline"))), true, nil
	}
	if t, ok := c.englishTopicOf(low); ok {
		return c.englishAnswer(ctx, t)
	}
	if !englishWordRE.MatchString(text) {
		// Letters and digits but no English word ("GD2026120400", "AB12"): a code or a number,
		// not a sign that the user reads English.
		return Reply{}, false, nil
	}
	c.s.Prompt = prompt{}
	if c.b.hours.open(c.now) || c.stateless {
		return c.text(fmt.Sprintf(textEnglishHelpOpen, c.b.contact("hotline"), c.b.hours.window(c.now))), true, nil
	}
	c.s.OfferTicket = true
	return c.text(fmt.Sprintf(textEnglishHelpClosed, c.b.hours.window(c.now), c.b.contact("hotline"))), true, nil
}

// englishTopicOf finds the topic of an English question (low: lower-case, folded).
func (c *conv) englishTopicOf(low string) (englishTopic, bool) {
	cross := enCrossRE.MatchString(low) || c.s.LastCategory == "cross-border"
	for _, t := range englishTopics {
		if t.cross && !cross {
			continue
		}
		if t.re.MatchString(low) {
			return t, true
		}
	}
	return englishTopic{}, false
}

// englishAnswer gives topic t's English gist, with the ticket offered out of hours, and keeps
// its entry as the conversation's topic so that follow-ups are read in it.
func (c *conv) englishAnswer(ctx context.Context, t englishTopic) (Reply, bool, error) {
	res, err := c.b.kb.Search(ctx, t.zh, 3)
	if err != nil {
		return Reply{}, true, err
	}
	c.s.Prompt = prompt{}
	if len(res.Hits) > 0 {
		h := res.Hits[0]
		c.count(h.Category, statAnswered)
		c.s.Topic, c.s.TopicQ, c.s.LastCategory = h.ID, t.zh, h.Category
		c.s.Answered, c.s.Detail = h.ID, false
	}
	out := fmt.Sprintf(t.en, c.b.contact("hotline"), c.b.hours.window(c.now), c.b.contact("service_email"), c.crossHours())
	if !c.b.hours.open(c.now) && !c.stateless {
		c.s.OfferTicket = true
		out += "\n" + fmt.Sprintf(textEnglishClosedNow, c.b.hours.window(c.now))
	}
	return c.text(out), true, nil
}

// crossHours is when the international desk works, or the general hours where none is set.
func (c *conv) crossHours() string {
	if h := c.b.contact("cross_border_hours"); h != "" {
		return h
	}
	return c.b.hours.window(c.now)
}

// englishSpeak answers "Do you speak English?": yes, and what the user needs, with the person
// offered only when one is there.
func (c *conv) englishSpeak() Reply {
	c.s.Prompt = prompt{}
	if c.b.hours.open(c.now) {
		return c.text(textEnglishSpeak + " " + textEnglishSpeakOpen)
	}
	if !c.stateless {
		c.s.OfferTicket = true
	}
	return c.text(textEnglishSpeak + " " + fmt.Sprintf(textEnglishSpeakClosed, c.b.hours.window(c.now)))
}

// englishWordRE finds a word of English, three letters or more.
var englishWordRE = regexp.MustCompile(`(^|[^A-Za-z])[A-Za-z]{3,}`)
