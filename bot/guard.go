package bot

import (
	"regexp"
	"strings"
)

// Secret kinds the guardrail recognises. Official staff never ask for any of them.
const (
	secretCode     = "验证码"
	secretPassword = "密码"
	secretCard     = "银行卡号"
	secretCVV      = "安全码"
	secretID       = "身份证号"
)

var (
	// A verification code: a keyword, then within a few characters 4-8 digits; or the digits
	// first ("384756是验证码").
	// A bare "code" is not enough: "error code 40001" is what technical support asks for.
	codeRE    = regexp.MustCompile(`(?i)(验证码|校验码|短信码|动态码|动态密码|确认码|sms ?code|verification ?code|verify ?code|otp)[^0-9]{0,8}?([0-9]{4,8})`)
	codeRevRE = regexp.MustCompile(`([0-9]{4,8})[^0-9]{0,3}(是|为)?(验证码|校验码|短信码|动态码)`)
	// A password: the word, an optional separator, then the value. Without a separator the
	// value must hold a digit, so that "password reset" is not a password.
	passwordRE = regexp.MustCompile(`(?i)(密码|口令|password|passwd|pwd)(\s*(?:是|为|:|：|=)\s*|\s*)([A-Za-z0-9!@#$%^&*._\-]{4,32})`)
	cvvRE      = regexp.MustCompile(`(?i)(cvv2?|cvc|安全码|背面三位|背面后三位|卡背面)[^0-9]{0,6}([0-9]{3,4})`)
	// Digit runs that may be card or ID numbers, allowing the spaces and dashes people type.
	longDigitsRE = regexp.MustCompile(`[0-9][0-9 \-]{13,26}[0-9Xx]`)
	// A mainland mobile number, with an optional +86/86 prefix and the spaces or dashes people
	// type between the groups: 13812345678, +86 138 1234 5678, 138-1234-5678.
	phoneRE = regexp.MustCompile(`(^|[^0-9+])((?:\+?86[ -]?)?1[3-9][0-9])[ -]?([0-9]{4})[ -]?([0-9]{4})($|[^0-9])`)
)

// guardResult is what the guardrail found in one message.
type guardResult struct {
	masked string   // the message with every secret masked
	kinds  []string // what was found, in a fixed order, without repeats
}

func (g guardResult) found() bool { return len(g.kinds) > 0 }

// guard masks payment secrets in s: verification codes, passwords, Luhn-valid card numbers of
// 16-19 digits, CVVs and Chinese ID numbers. Phone numbers are left for flows to use; maskPhones
// hides them before storage.
func guard(s string) guardResult {
	s = foldAlnum(s) // a code typed with a full-width keyboard is still a code
	if !hasASCIIAlnum(s) {
		return guardResult{masked: s} // every pattern needs a digit or a latin letter
	}
	found := map[string]bool{}
	out := longDigitsRE.ReplaceAllStringFunc(s, func(m string) string {
		digits := strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' {
				return -1
			}
			return r
		}, m)
		switch {
		case len(digits) >= 16 && len(digits) <= 19 && isDigits(digits) && luhn(digits):
			found[secretCard] = true
			return "[银行卡号已隐藏]"
		case len(digits) == 18 && validID(digits):
			found[secretID] = true
			return "[身份证号已隐藏]"
		}
		return m
	})
	// A code is a whole run of digits: the 13812345678 in "验证码发到13812345678了" is a phone.
	if masked, ok := maskDigitGroup(codeRE, out, 2); ok {
		out, found[secretCode] = masked, true
	}
	if masked, ok := maskDigitGroup(codeRevRE, out, 1); ok {
		out, found[secretCode] = masked, true
	}
	out = passwordRE.ReplaceAllStringFunc(out, func(m string) string {
		sub := passwordRE.FindStringSubmatch(m)
		if strings.TrimSpace(sub[2]) == "" && !strings.ContainsAny(sub[3], "0123456789") {
			return m
		}
		found[secretPassword] = true
		return strings.TrimSuffix(m, sub[3]) + "[已隐藏]"
	})
	out = cvvRE.ReplaceAllStringFunc(out, func(m string) string {
		found[secretCVV] = true
		sub := cvvRE.FindStringSubmatch(m)
		return strings.TrimSuffix(m, sub[2]) + "[已隐藏]"
	})
	var kinds []string
	for _, k := range []string{secretCode, secretPassword, secretCard, secretCVV, secretID} {
		if found[k] {
			kinds = append(kinds, k)
		}
	}
	return guardResult{masked: out, kinds: kinds}
}

// maskPhones hides the middle of mobile numbers: 13812345678 → 138****5678.
func maskPhones(s string) string {
	if !hasASCIIAlnum(s) {
		return s
	}
	// Run twice: adjacent numbers share the separator the pattern consumes.
	for range 2 {
		s = phoneRE.ReplaceAllString(s, "${1}${2}****${4}${5}")
	}
	return s
}

// redact is what may be stored or logged of a user's words: secrets and phone numbers masked.
func redact(s string) string { return maskPhones(guard(s).masked) }

// foldAlnum turns full-width digits and latin letters (０-９, Ａ-Ｚ, ａ-ｚ) into ASCII.
func foldAlnum(s string) string {
	return strings.Map(func(r rune) rune {
		if (r >= '０' && r <= '９') || (r >= 'Ａ' && r <= 'Ｚ') || (r >= 'ａ' && r <= 'ｚ') {
			return r - 0xFEE0
		}
		return r
	}, s)
}

// maskDigitGroup hides submatch g of every match of re, when that submatch is a whole run of
// digits rather than part of a longer number.
func maskDigitGroup(re *regexp.Regexp, s string, g int) (string, bool) {
	var b strings.Builder
	last, found := 0, false
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		start, end := m[2*g], m[2*g+1]
		if start < 0 || (start > 0 && isDigitByte(s[start-1])) || (end < len(s) && isDigitByte(s[end])) {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString("[已隐藏]")
		last, found = end, true
	}
	if !found {
		return s, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

func hasASCIIAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if (s[i] >= '0' && s[i] <= '9') || (c >= 'a' && c <= 'z') {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
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

// validID checks an 18-character resident ID number: digits, a plausible birth date and the
// ISO 7064 MOD 11-2 check character.
func validID(id string) bool {
	if len(id) != 18 || !isDigits(id[:17]) {
		return false
	}
	year := atoi(id[6:10])
	month := atoi(id[10:12])
	day := atoi(id[12:14])
	if year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1 || day > 31 {
		return false
	}
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(id[i]-'0') * w
	}
	check := "10X98765432"[sum%11]
	last := id[17]
	if last == 'x' {
		last = 'X'
	}
	return last == check
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}
