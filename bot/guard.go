package bot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yilianpay/yilianbot/bot/secret"
)

// Secret kinds as users read them, in the warning. Official staff never ask for any of them.
const (
	secretCode     = "验证码"
	secretPassword = "密码"
	secretCard     = "银行卡号"
	secretCVV      = "安全码"
	secretID       = "身份证号"
)

// kindNames names the detector's kinds for users.
var kindNames = map[secret.Kind]string{
	secret.Code: secretCode, secret.Password: secretPassword, secret.Card: secretCard,
	secret.CVV: secretCVV, secret.ID: secretID,
}

// A mainland mobile number, with an optional +86/86 prefix and the spaces or dashes people
// type between the groups: 13812345678, +86 138 1234 5678, 138-1234-5678.
var phoneRE = regexp.MustCompile(`(^|[^0-9+])((?:\+?86[ -]?)?1[3-9][0-9])[ -]?([0-9]{4})[ -]?([0-9]{4})($|[^0-9])`)

// guardResult is what the guardrail found in one message.
type guardResult struct {
	masked string   // the message with every secret masked
	kinds  []string // what was found, in a fixed order, without repeats
}

func (g guardResult) found() bool { return len(g.kinds) > 0 }

// guard masks payment secrets in s with the detector in package secret: verification codes,
// passwords, card numbers, CVVs and ID numbers. Phone numbers are left for flows to use;
// maskPhones hides them before storage.
func guard(s string) guardResult {
	r := secret.Mask(s)
	g := guardResult{masked: r.Text}
	for _, k := range r.Kinds {
		g.kinds = append(g.kinds, kindNames[k])
	}
	return g
}

// maskPhones hides the middle of mobile numbers: 13812345678 → 138****5678.
func maskPhones(s string) string {
	if !hasASCIIDigit(s) {
		return s
	}
	// Run twice: adjacent numbers share the separator the pattern consumes.
	for range 2 {
		s = phoneRE.ReplaceAllString(s, "${1}${2}****${4}${5}")
	}
	return s
}

// redact is what may be stored or logged of anyone's words: secrets and phone numbers masked.
func redact(s string) string { return maskPhones(guard(s).masked) }

func hasASCIIDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// masks are the placeholders the detector puts in place of secrets.
var masks = []string{secret.CardMask, secret.IDMask, secret.ValueMask}

// stripMasks removes the placeholders from a masked text: they are no words of the user's and
// must not steer retrieval ("银行卡号" in "[银行卡号已隐藏]" is not a question about card numbers).
func stripMasks(s string) string {
	if !strings.Contains(s, "已隐藏]") {
		return s
	}
	for _, m := range masks {
		s = strings.ReplaceAll(s, m, " ")
	}
	return s
}

// secretWords are what is left of a message that only hands over a secret, once the secret is
// masked: the words naming it and a few fillers.
var secretWordsRE = regexp.MustCompile(`(?i)我的|我|的|是|为|这个|给你|发给你|你看|你看看|看看|帮我看看|收到|刚收到|短信|验证码|校验码|动态码|短信码|动态密码|密码|支付密码|登录密码|银行卡号|银行卡|卡号|卡|身份证号码|身份证号|身份证|号码|安全码|cvv2?|cvc|背面|otp|code|password|pwd|pin|号`)

// secretOnly reports whether a masked message says nothing but the secret it carried ("验证码
// 384756", a bare card number): there is no question to answer.
func secretOnly(masked string) bool {
	rest := stripMasks(masked)
	if utf8.RuneCountInString(rest) > 60 {
		return false // more words than any secret's name and fillers
	}
	rest = secretWordsRE.ReplaceAllString(bare(rest), "")
	return utf8.RuneCountInString(rest) <= 1
}

// Caps on what one message costs (see Bot.Reply).
const (
	// maxTextRunes is the most of a message the bot reads at all, cut before masking with
	// cutRaw: twice what it stores, so that a secret just past the stored part is still
	// recognised and warned about. (The webhook cuts the raw Content at a few thousand runes
	// already and sets Message.Truncated.)
	maxTextRunes = 1000
	// maxStoredRunes is the most of a message stored: a transcript turn, a ticket description.
	// It is cut after masking, with cutMasked.
	maxStoredRunes = 500
	// maxQueryRunes is the most of a message searched in the knowledge base, after
	// normalising and dropping repeated terms and characters. Retrieval's cost grows with the
	// query's distinct terms; FAQ questions are short (the longest of kb's evaluation set has
	// under 60 runes), so 100 runes hold any real question, and a message of 93 KB costs a
	// few times a normal one (BenchmarkReplyHugeMessage).
	maxQueryRunes = 100
)

// rawBackoff is how far cutRaw backs off over what may be the head of a secret cut in two: more
// than the longest card number as people group it, or a password as the detector reads it.
const rawBackoff = 64

// cutRunes returns s cut to at most n runes (at a rune boundary) and whether it was cut.
func cutRunes(s string, n int) (string, bool) {
	count := 0
	for i := range s {
		if count == n {
			return s[:i], true
		}
		count++
	}
	return s, false
}

// cutRaw cuts an unmasked text to at most n runes. A secret straddling the cut would leave its
// head unmasked (the detector cannot tell ten digits from a card), so the cut backs off over
// the digits, letters, Chinese numerals and separators before it, up to rawBackoff runes: the
// head of any secret is dropped with them.
func cutRaw(s string, n int) (string, bool) {
	head, cut := cutRunes(s, n)
	if !cut {
		return s, false
	}
	for range rawBackoff {
		r, size := utf8.DecodeLastRuneInString(head)
		if size == 0 || !numberish(r) {
			break
		}
		head = head[:len(head)-size]
	}
	return head, true
}

// cutMasked cuts a masked text to at most n runes without splitting a mask.
func cutMasked(s string, n int) (string, bool) {
	head, cut := cutRunes(s, n)
	if !cut {
		return s, false
	}
	if open := strings.LastIndex(head, "["); open >= 0 && !strings.Contains(head[open:], "]") {
		for _, m := range masks {
			if strings.HasPrefix(m, head[open:]) && strings.HasPrefix(s[open:], m) {
				return head[:open], true
			}
		}
	}
	return head, true
}

// numberish reports whether r may be part of a card number, an ID number, a code or a
// password as people type them.
func numberish(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r > ' ' && r <= '~' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ', r == '\u3000', r == '－', r == '—':
		return true
	}
	return strings.ContainsRune("零〇○洞一壹幺二贰两三叁四肆五伍六陆七柒拐八捌九玖勾", r)
}

// query is what of a user's masked words is searched: the masks removed, repeated characters
// ("啊啊啊啊") and repeated terms dropped, spaces collapsed, at most maxQueryRunes.
// abuseRE is abuse thrown at 易联 itself ("骗子吧你们", "你们就是骗子", "垃圾公司"), which tells no
// topic.
var abuseRE = regexp.MustCompile(`骗子(公司)?(吧|啊|呀)?(你们|易联)|(你们|易联|你们公司|这公司|这破公司)(就|根本)?(是)?(个|一群)?骗子(公司)?(吧|啊|呀)?|垃圾(公司|平台)|什么破(系统|公司|平台)|破(系统|公司|平台)`)

func query(masked string) string {
	text := stripMasks(masked)
	if t := strings.TrimSpace(abuseRE.ReplaceAllString(text, " ")); t != "" {
		// "垃圾公司 钱都冻结三天了 骗子吧你们": the anger is no topic; left in, "骗子" finds
		// the impersonation entries.
		text = t
	}
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	var b strings.Builder
	seen := map[string]bool{}
	n := 0
	for _, f := range fields {
		f = squeeze(f)
		if seen[f] {
			continue
		}
		seen[f] = true
		if b.Len() > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(f)
		n += utf8.RuneCountInString(f)
		if n >= maxQueryRunes {
			break
		}
	}
	q, _ := cutRunes(b.String(), maxQueryRunes)
	return q
}

// squeeze keeps at most two of a character repeated in a row.
func squeeze(s string) string {
	var b strings.Builder
	var last rune
	run := 0
	for _, r := range s {
		if r == last {
			run++
		} else {
			last, run = r, 1
		}
		if run <= 2 {
			b.WriteRune(r)
		}
	}
	return b.String()
}
