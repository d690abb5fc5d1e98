// Package secret finds payment secrets in free text and masks them: bank card numbers, resident
// ID numbers, one-time codes, passwords and card security codes, in the spellings people type
// on a phone (grouped digits, full-width digits, Chinese numerals, quotes around a password).
//
// It is a detector, not a list of examples: card numbers are every 16–19-digit window of a run
// of digit groups that passes the Luhn check, ID numbers pass the GB 11643 checksum, and the
// other kinds are values found after (or before) the words that name them. What looks alike but
// is needed to serve a user (order numbers failing Luhn, amounts, dates, merchant numbers, ticket
// numbers, error codes, phone numbers) is left alone.
package secret

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is a class of secret.
type Kind string

// The kinds of secret, in the order they are reported.
const (
	Code     Kind = "code"
	Password Kind = "password"
	Card     Kind = "card"
	CVV      Kind = "cvv"
	ID       Kind = "id"
)

var kindOrder = []Kind{Code, Password, Card, CVV, ID}

// Masks put in place of a secret.
const (
	CardMask  = "[银行卡号已隐藏]"
	IDMask    = "[身份证号已隐藏]"
	ValueMask = "[已隐藏]"
)

// Result is a masked text and what was found in it.
type Result struct {
	Text  string
	Kinds []Kind // without repeats, in kindOrder
}

// Found reports whether any secret was found.
func (r Result) Found() bool { return len(r.Kinds) > 0 }

// Has reports whether a secret of kind k was found.
func (r Result) Has(k Kind) bool { return slices.Contains(r.Kinds, k) }

// Mask returns s with every secret replaced by a mask. Full-width letters and digits come back
// folded to ASCII; everything else is kept as typed.
func Mask(s string) Result {
	n := normalize(s)
	if !n.interesting {
		return Result{Text: n.folded()}
	}
	var spans []span
	spans = append(spans, digitRunSpans(n.text)...)
	spans = append(spans, valueSpans(n, spans)...)
	if len(spans) == 0 {
		return Result{Text: n.folded()}
	}
	return n.apply(spans)
}

// span is a secret at normalised byte offsets [start, end).
type span struct {
	start, end int
	kind       Kind
}

func (sp span) overlaps(o span) bool { return sp.start < o.end && o.start < sp.end }

// normalized is s with full-width letters, digits and spaces folded to ASCII, and a map from
// each byte of the folded text back to the original.
type normalized struct {
	orig        string
	text        string
	at          []int // at[i] is the offset in orig of text's byte i; at[len(text)] = len(orig)
	interesting bool  // holds a digit, a latin letter or a Chinese numeral
}

// numeral reports whether text's byte i is a digit that was a Chinese numeral.
func (n normalized) numeral(i int) bool {
	if i >= len(n.text) || !isDigit(n.text[i]) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(n.orig[n.at[i]:])
	return numeralValue(r) >= 0 && (r < '0' || r > '9')
}

func normalize(s string) normalized {
	var b strings.Builder
	at := make([]int, 0, len(s)+1)
	interesting := false
	for i, r := range s {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			r -= 0xFEE0
		case r == '\u3000' || r == '\u00a0':
			r = ' '
		case r == '：':
			r = ':'
		case r == '，':
			r = ','
		case r == '／':
			r = '/'
		case r == '＝':
			r = '='
		case r == '－' || r == '—' || r == '–':
			r = '-'
		case r == '．':
			r = '.'
		case numeralValue(r) >= 0:
			// Codes and card numbers are read out as Chinese numerals too (voice input).
			r = rune('0' + numeralValue(r))
		case r > 0x2000 && (unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Cs, r)):
			// Emoji, keycaps (4️⃣), variation selectors and joiners put between digits
			// separate groups like a space does.
			r = '_'
		}
		if r < utf8.RuneSelf && (isDigit(byte(r)) || isLetter(byte(r))) {
			interesting = true
		}
		start := b.Len()
		b.WriteRune(r)
		for range b.Len() - start {
			at = append(at, i)
		}
	}
	at = append(at, len(s))
	return normalized{orig: s, text: b.String(), at: at, interesting: interesting}
}

// folded is the original text with full-width letters and digits folded.
func (n normalized) folded() string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' || r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ' {
			return r - 0xFEE0
		}
		return r
	}, n.orig)
}

// apply replaces the spans (in normalised offsets) in the original text.
func (n normalized) apply(spans []span) Result {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	found := map[Kind]bool{}
	var b strings.Builder
	last := 0 // in normalised offsets
	for _, sp := range spans {
		if sp.start < last {
			continue // overlaps one already masked
		}
		b.WriteString(foldString(n.orig[n.at[last]:n.at[sp.start]]))
		switch sp.kind {
		case Card:
			b.WriteString(CardMask)
		case ID:
			b.WriteString(IDMask)
		default:
			b.WriteString(ValueMask)
		}
		found[sp.kind] = true
		last = sp.end
	}
	b.WriteString(foldString(n.orig[n.at[last]:]))
	var kinds []Kind
	for _, k := range kindOrder {
		if found[k] {
			kinds = append(kinds, k)
		}
	}
	return Result{Text: b.String(), Kinds: kinds}
}

func foldString(s string) string { return normalized{orig: s}.folded() }

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { c |= 0x20; return c >= 'a' && c <= 'z' }

// ---- card and ID numbers ----

// group is a maximal run of ASCII digits, optionally ending in the X of an ID number.
type group struct {
	start, end int // byte offsets; end includes a trailing X
	digits     string
	x          bool // ends in X or x
}

// isSep reports whether c may stand between the digit groups of one number: people group card
// numbers with spaces, dashes, dots, slashes, commas and line breaks.
func isSep(c byte) bool {
	return c == ' ' || c == '-' || c == '.' || c == '\n' || c == '\r' || c == '\t' || c == '_' || c == '/' || c == ','
}

// digitRuns splits text into runs of digit groups separated by at most two separator bytes.
func digitRuns(text string) [][]group {
	var runs [][]group
	var cur []group
	i := 0
	for i < len(text) {
		if !isDigit(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		g := group{start: i, end: j, digits: text[i:j]}
		// An X ends an ID number when no other letter follows.
		if j < len(text) && (text[j] == 'X' || text[j] == 'x') && (j+1 == len(text) || !isLetter(text[j+1])) {
			g.x = true
			g.end = j + 1
		}
		// Joined to the previous group when only separators stand between them, and the
		// previous group did not end in X, and the preceding character is not a letter
		// (E1023, GD2026... are codes, not parts of a number).
		if len(cur) > 0 {
			prev := cur[len(cur)-1]
			gap := text[prev.end:i]
			joined := !prev.x && len(gap) >= 1 && len(gap) <= 2
			for k := 0; joined && k < len(gap); k++ {
				joined = isSep(gap[k])
			}
			if !joined {
				runs = append(runs, cur)
				cur = nil
			}
		}
		if len(cur) == 0 && i > 0 && isLetter(text[i-1]) {
			// Digits glued to latin letters (GD202611250042, E1023, order A1234...) are
			// identifiers of ours, not cards; keep them as a run of their own that is
			// never combined with the next group.
			runs = append(runs, []group{g})
			i = g.end
			continue
		}
		cur = append(cur, g)
		i = g.end
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	return runs
}

// digitRunSpans finds card and ID numbers: for every run of digit groups, each window of whole
// consecutive groups holding 16–19 digits that passes Luhn, or 18 (15) characters that form a
// valid ID number. A single group longer than that (a card glued to other digits) is checked by
// its leading 16–19 and 18 digits.
func digitRunSpans(text string) []span {
	var out []span
	for _, run := range digitRuns(text) {
		if len(run) == 1 && run[0].start > 0 && isLetter(text[run[0].start-1]) {
			continue
		}
		var cands []span
		for i := range run {
			total := 0
			var digits strings.Builder
			for j := i; j < len(run); j++ {
				if j > i && run[j-1].x {
					break
				}
				digits.WriteString(run[j].digits)
				total += len(run[j].digits)
				d := digits.String()
				sp := span{start: run[i].start, end: run[j].end}
				switch {
				case run[j].x:
					if total == 17 && validID(d+"X") {
						cands = append(cands, span{sp.start, sp.end, ID})
					}
				case total == 18 && validID(d):
					cands = append(cands, span{sp.start, sp.end, ID})
				case total >= 16 && total <= 19 && luhn(d):
					cands = append(cands, span{sp.start, sp.end, Card})
				case total == 15 && validLegacyID(d):
					cands = append(cands, span{sp.start, sp.end, ID})
				}
				if total > 19 {
					break
				}
			}
			// A long glued group: its leading digits may be a card or an ID.
			g := run[i]
			if len(g.digits) > 19 && len(g.digits) <= maxGlued {
				for _, l := range []int{18, 19, 16, 17} {
					if l > len(g.digits) {
						continue
					}
					d := g.digits[:l]
					if l == 18 && validID(d) {
						cands = append(cands, span{g.start, g.start + l, ID})
						break
					}
					if strings.ContainsRune("3456", rune(d[0])) && luhn(d) {
						cands = append(cands, span{g.start, g.start + l, Card})
						break
					}
				}
			}
		}
		// Prefer the earliest, then the longest, window; drop overlapping ones.
		slices.SortFunc(cands, func(a, b span) int {
			if a.start != b.start {
				return a.start - b.start
			}
			return (b.end - b.start) - (a.end - a.start)
		})
		for _, c := range cands {
			if slices.ContainsFunc(out, c.overlaps) {
				continue
			}
			out = append(out, c)
		}
	}
	for _, sp := range splitCardSpans(text) {
		if !slices.ContainsFunc(out, sp.overlaps) {
			out = append(out, sp)
		}
	}
	return out
}

// maxGlued is the longest group of digits whose leading digits are checked for a card or an ID
// glued to a few more digits (a year, an amount). Longer groups are transaction numbers of
// other systems (WeChat Pay's and Alipay's have 28 digits), which contain Luhn-valid windows by
// chance.
const maxGlued = 23

// cardWordRE names a card number; splitCardSpans looks for numbers split around words only
// where one is named.
var cardWordRE = regexp.MustCompile(`(?i)卡号|银行卡|储蓄卡|信用卡|借记卡|card`)

// splitCardSpans finds a card number typed in pieces with words between them ("卡号前面是
// 621799，后面是41678030230"): two or three consecutive digit groups, at most 30 bytes apart,
// whose digits together are a Luhn-valid 16–19-digit number, in a message that names a card.
func splitCardSpans(text string) []span {
	if !cardWordRE.MatchString(text) {
		return nil
	}
	var groups [][2]int
	for i := 0; i < len(text); {
		if !isDigit(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		groups = append(groups, [2]int{i, j})
		i = j
	}
	var out []span
	for i := 0; i < len(groups); i++ {
		digits := text[groups[i][0]:groups[i][1]]
		for j := i + 1; j < len(groups) && j <= i+2; j++ {
			if groups[j][0]-groups[j-1][1] > 30 {
				break
			}
			digits += text[groups[j][0]:groups[j][1]]
			if len(digits) > 19 {
				break
			}
			if len(digits) >= 16 && luhn(digits) && len(text[groups[i][0]:groups[i][1]]) >= 4 {
				for k := i; k <= j; k++ {
					out = append(out, span{groups[k][0], groups[k][1], Card})
				}
				i = j
				break
			}
		}
	}
	return out
}

// luhn reports whether the digits pass the Luhn checksum used by bank cards.
func luhn(digits string) bool {
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// provinces are the first two digits of resident ID numbers.
var provinces = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83 91"

func validProvince(d string) bool { return strings.Contains(provinces, d[:2]) && d[0] != '0' }

// validID checks an 18-character resident ID number: a province, a birth date and the
// ISO 7064 MOD 11-2 check character (GB 11643).
func validID(id string) bool {
	if len(id) != 18 || !allDigits(id[:17]) || !validProvince(id) {
		return false
	}
	if !validDate(atoi(id[6:10]), atoi(id[10:12]), atoi(id[12:14])) {
		return false
	}
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(id[i]-'0') * w
	}
	last := id[17]
	if last == 'x' {
		last = 'X'
	}
	return last == "10X98765432"[sum%11]
}

// validLegacyID checks a 15-digit first-generation ID number: a province and a birth date
// (YYMMDD, 19xx).
func validLegacyID(id string) bool {
	return len(id) == 15 && allDigits(id) && validProvince(id) &&
		validDate(1900+atoi(id[6:8]), atoi(id[8:10]), atoi(id[10:12]))
}

func validDate(y, m, d int) bool {
	return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// ---- codes, passwords and security codes ----

// numeralValue is the digit a Chinese numeral stands for, or -1. 幺, 两, 拐, 洞 and 勾 are how
// 1, 2, 7, 0 and 9 are read out digit by digit.
func numeralValue(r rune) int {
	switch r {
	case '零', '〇', '洞', '○':
		return 0
	case '一', '壹', '幺':
		return 1
	case '二', '贰', '两':
		return 2
	case '三', '叁':
		return 3
	case '四', '肆':
		return 4
	case '五', '伍':
		return 5
	case '六', '陆':
		return 6
	case '七', '柒', '拐':
		return 7
	case '八', '捌':
		return 8
	case '九', '玖', '勾':
		return 9
	}
	return -1
}

// digitsRE is a value of n to m digits, with a space, dash, enumeration comma or line break
// allowed between digits ("4 8 2 9 1 3", "8-1-3-4-0-2", "3、9、1、5"). Chinese numerals are
// digits by now.
func digitsRE(n, m int) string {
	return `([0-9](?:[ \-\n、/_]{0,2}[0-9]){` + strconv.Itoa(n-1) + `,` + strconv.Itoa(m-1) + `})`
}

var (
	codeWords = `验证码|校验码|短信码|动态码|动态密码|动态口令|确认码|授权码|一次性密码|短信(?:上|里|中)?(?:的|收到的)?(?:数字|码)|收到的数字|(?:发来|发过来|收到|短信)的?(?:那串|这串|那个|这个|一串)?(?:数字|码)|(?:那串|这串)数字|(?:^|[\s,，。!！?？:：的个到那这])码|otp|sms[ _-]?code|verification[ _-]?code|verify[ _-]?code|auth[ _-]?code|check[ _-]?code|passcode`
	// codeGap is what may stand between a code word and its value: characters that are not
	// digits, or a count with its measure word ("收到一个", "6位数的": Chinese numerals are
	// digits by now, so "一个" is "1个").
	codeGap = `(?:[^0-9]|[0-9](?:个|串|条|位))`
	// codeRE: a code word, a few characters of codeGap, then 4–8 digits.
	codeRE = regexp.MustCompile(`(?i)(?:` + codeWords + `)` + codeGap + `{0,12}?` + digitsRE(4, 8))
	// codeRevRE: the digits first: "384756是验证码".
	codeRevRE = regexp.MustCompile(`(?i)` + digitsRE(4, 8) + `\s*(?:就是|是|为|这个是)?\s*(?:我的|刚收到的|收到的)?(?:` + codeWords + `)`)
	// codeCountRE and passwordCountRE: a value said as a count, "四个7", "六个八" (7777, 888888).
	codeCountRE     = regexp.MustCompile(`(?i)(?:` + codeWords + `)[^0-9]{0,10}?([2-8]个[0-9])`)
	passwordCountRE = regexp.MustCompile(`(?:密码|口令|密碼)[^0-9]{0,8}?([4-8]个[0-9])`)
	// bareCodeRE: an English "code" that is not an error code.
	bareCodeRE  = regexp.MustCompile(`(?i)(^|[^a-z_])(code)[\s:=]*(?:is)?[\s:=]*([0-9]{4,8})`)
	errorBefore = regexp.MustCompile(`(?i)(error|err|错误|返回|status|http|return|响应|报错|resp|result)[ _:-]*$`)

	// cvvRE: a security-code word, then 3 or 4 digits.
	cvvRE = regexp.MustCompile(`(?i)(?:cvv2?|cvc2?|cvn2?|安全码|卡验证值|security ?code|card ?code|(?:背面|背后|反面|后面)[^0-9]{0,8}?3(?:位|个)(?:数字|数|码)?|(?:背面|背后|反面)(?:的|上的)?(?:数字|号码|码)|(?:背面|背后|反面|后面)[^0-9]{0,12}?(?:码|数字|小字))[^0-9]{0,16}?` + digitsRE(3, 4))
	// cvvBackRE: "背面 314": the back of the card and three digits close by.
	errorCodeWords = regexp.MustCompile(`(?i)(?:返回|错误|状态|响应|结果)码|error|errcode|err_code|返回值`)
	cvvBackRE      = regexp.MustCompile(`(?:卡背|背面|背后|反面)[^0-9]{0,4}?([0-9]{3})`)
	cvvRevRE       = regexp.MustCompile(`(?i)` + digitsRE(3, 4) + `\s*(?:是|为)?\s*(?:卡)?(?:背面|背后)?(?:的)?(?:cvv2?|cvc2?|安全码)`)

	// passwordGapRE: a password word, a separator, up to six Chinese characters ("我生日"),
	// then a value of 6–16 characters holding a digit.
	passwordGapRE = regexp.MustCompile(`(?i)(?:密码|口令|密碼|password|pwd)\s*(?:是|为|:|=)\s*\p{Han}{1,6}?([0-9A-Za-z!@#$%^&*]*[0-9][0-9A-Za-z!@#$%^&*]*)`)
	// phoneRE is a mainland mobile number, which a password gap must not swallow.
	phoneRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

	passwordWords = `密码|口令|密碼|p[ ._-]?a[ ._-]?s[ ._-]?s[ ._-]?w[ ._-]?o[ ._-]?r[ ._-]?d|passwd|passwort|pwd|pin码|\bpin`
	// passwordRE: the word, then separators or linking words, then a value: a quoted string
	// or a run of printable ASCII (Chinese numerals are digits by now).
	passwordRE = regexp.MustCompile(`(?i)(?:` + passwordWords + `)((?:\s|[:=是为，,、|]|["']\s*[:=]|→|->|=>|is\s|was\s|就是|是这个|设的是|设的|设置的是|设置的|设置成|设置为|设成|设为|改成了?|改为|换成了?|应该是|好像是|用的是|输的是|一直是|原来是|原密码|新密码)*)` +
		`(?:` +
		"[\"'“‘「『【\\[(（<《]([^\"'”’」』】\\])）>》\\n\\p{Han}]{1,40})[\"'”’」』】\\])）>》](?:$|[\\s,;:，。、！？!?)}\\]\\p{Han}])" + // quoted, then not more of the value
		`|([!-~]{3,40})` + // printable ASCII without spaces
		`)`)
)

// valueSpans finds codes, passwords and security codes in text, skipping what the digit-run
// pass already masked.
func valueSpans(n normalized, masked []span) []span {
	text := n.text
	lower := strings.ToLower(text)
	// "p.a.s.s.w.o.r.d" is still a password word.
	squeezed := strings.NewReplacer(".", "", " ", "", "_", "", "-", "").Replace(lower)
	v := valueFinder{text: text, lower: lower + "\x00" + squeezed, taken: masked, n: n}
	// Cheap checks first: most messages name none of these secrets.
	if v.has("码", "otp", "code", "数字", "口令") {
		v.codes()
	}
	if v.has("cvv", "cvc", "cvn", "安全码", "卡验证值", "背", "反面", "后面", "security", "card code") {
		v.cvvs()
	}
	if v.has("密码", "口令", "密碼", "pass", "pwd", "pin") {
		v.passwords()
	}
	if v.has("卡", "card") {
		v.addNamed(namedCardRE, Card)
	}
	if v.has("身份", "证件", "id") {
		v.addNamed(namedIDRE, ID)
	}
	return v.found
}

var (
	// namedCardRE: a number the user calls a card's, masked whatever its check digit says (a
	// mistyped card number is still one): a card word, a short gap that names no other number
	// (订单号, 流水号), then 15–19 digits.
	namedCardRE = regexp.MustCompile(`(?i)(?:卡号|银行卡|储蓄卡|信用卡|借记卡|结算卡|工资卡|的卡|张卡|卡是|card ?(?:no|number|#)?)[^0-9号单]{0,6}?` + digitsRE(15, 19))
	// namedIDRE: a number the user calls an ID number, 18 characters (the last may be X) or 15
	// digits, masked whatever its check character says.
	namedIDRE = regexp.MustCompile(`(?i)(?:身份证号码|身份证号|身份证|证件号码|证件号|身份号码|id ?(?:card|number|no))[^0-9号单]{0,6}?([0-9](?:[ \-]{0,2}[0-9]){16}(?:[ \-]{0,2}[0-9x])|[0-9]{15})`)
)

type valueFinder struct {
	n           normalized
	text, lower string
	taken       []span // found by the digit-run pass
	found       []span
}

func (v *valueFinder) has(words ...string) bool {
	for _, w := range words {
		if strings.Contains(v.lower, w) {
			return true
		}
	}
	return false
}

func (v *valueFinder) add(start, end int, k Kind) {
	sp := span{start, end, k}
	for _, m := range v.taken {
		if m.overlaps(sp) {
			return
		}
	}
	for _, m := range v.found {
		if m.overlaps(sp) {
			return
		}
	}
	v.found = append(v.found, sp)
}

// whole reports whether [start, end) is a whole run of digits: the 13812345678 in
// "验证码发到13812345678了" is a phone number, not a code.
func (v *valueFinder) whole(start, end int) bool {
	before, _ := utf8.DecodeLastRuneInString(v.text[:start])
	after, _ := utf8.DecodeRuneInString(v.text[end:])
	return !isDigitRune(before) && !isDigitRune(after)
}

// addGroup adds submatch g of every match of re that is a whole run of digits.
func (v *valueFinder) addGroup(re *regexp.Regexp, g int, k Kind) {
	for _, m := range re.FindAllStringSubmatchIndex(v.text, -1) {
		if m[2*g] >= 0 && v.whole(m[2*g], m[2*g+1]) {
			v.add(m[2*g], m[2*g+1], k)
		}
	}
}

// addNamed adds group 1 of every match of re that is a whole number, where a digit right after
// it that was a Chinese numeral does not count ("卡号6222…123一直失败": 一直 is a word).
func (v *valueFinder) addNamed(re *regexp.Regexp, k Kind) {
	for _, m := range re.FindAllStringSubmatchIndex(v.text, -1) {
		start, end := m[2], m[3]
		// A trailing numeral of a word ("…23一直") is not part of the number.
		for end-start > 15 && v.n.numeral(end-1) && !v.n.numeral(start) {
			end--
		}
		before, _ := utf8.DecodeLastRuneInString(v.text[:start])
		after, _ := utf8.DecodeRuneInString(v.text[end:])
		if isDigitRune(before) || isDigitRune(after) && !v.n.numeral(end) {
			continue
		}
		v.add(start, end, k)
	}
}

func (v *valueFinder) codes() {
	v.addGroup(codeRE, 1, Code)
	v.addGroup(codeCountRE, 1, Code)
	v.addGroup(codeRevRE, 1, Code)
	for _, m := range bareCodeRE.FindAllStringSubmatchIndex(v.text, -1) {
		if v.whole(m[6], m[7]) && !errorBefore.MatchString(v.text[:m[4]]) {
			v.add(m[6], m[7], Code)
		}
	}
}

func (v *valueFinder) cvvs() {
	for _, m := range cvvRE.FindAllStringSubmatchIndex(v.text, -1) {
		// "CVV校验失败，返回码412" reports an error code, not the security code.
		if m[2] >= 0 && v.whole(m[2], m[3]) && !errorCodeWords.MatchString(v.text[m[0]:m[2]]) {
			v.add(m[2], m[3], CVV)
		}
	}
	v.addGroup(cvvBackRE, 1, CVV)
	v.addGroup(cvvRevRE, 1, CVV)
}

func (v *valueFinder) passwords() {
	v.addGroup(passwordCountRE, 1, Password)
	// "密码是我生日19900307": a few words between the separator and the value.
	for _, m := range passwordGapRE.FindAllStringSubmatchIndex(v.text, -1) {
		if val := v.text[m[2]:m[3]]; len(val) >= 6 && len(val) <= 32 && !phoneRE.MatchString(val) && v.whole(m[2], m[3]) {
			v.add(m[2], m[3], Password)
		}
	}
	for _, m := range passwordRE.FindAllStringSubmatchIndex(v.text, -1) {
		sep := v.text[m[2]:m[3]]
		switch {
		case m[4] >= 0: // quoted
			if strings.TrimSpace(v.text[m[4]:m[5]]) != "" {
				v.add(m[4], m[5], Password)
			}
		case m[6] >= 0: // printable ASCII; a trailing full stop or comma ends the sentence
			val := strings.TrimRight(v.text[m[6]:m[7]], ".,")
			if plausiblePassword(val, sep) {
				v.add(m[6], m[6]+len(val), Password)
			}
		}
	}
}

// notPasswords are words that follow a password word in questions about passwords, not in
// passwords ("password reset", "pwd error").
var notPasswords = []string{"reset", "error", "wrong", "incorrect", "forgot", "forget", "change", "expired", "invalid", "login", "is", "was", "for", "and", "the", "of", "to", "not", "help", "please", "again", "locked", "policy", "manager", "word"}

// plausiblePassword tells a password from a word after the password keyword. Without a
// separator the value must hold a digit ("密码123456", not "password reset").
func plausiblePassword(v, sep string) bool {
	if len(v) < 4 {
		return false
	}
	lower := strings.ToLower(v)
	for _, w := range notPasswords {
		if lower == w {
			return false
		}
	}
	hasDigit := strings.ContainsAny(v, "0123456789")
	hasSymbol := strings.IndexFunc(v, func(r rune) bool { return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }) >= 0
	if strings.TrimSpace(sep) == "" {
		return hasDigit || hasSymbol
	}
	return true
}

// isDigitRune reports whether r is an ASCII digit or a Chinese numeral.
func isDigitRune(r rune) bool { return r >= '0' && r <= '9' || numeralValue(r) >= 0 }
