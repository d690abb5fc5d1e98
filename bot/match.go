package bot

import (
	"regexp"
	"regexp/syntax"
	"unicode"
)

// A matcher is a compiled regexp with a quick rejection: the runes any match must start
// with. Most messages contain none of a pattern's first runes ("骗", "盗", "冒" …), and
// looking them up costs far less than running an unanchored alternation of words from every
// position, which is what most of the dialogue's patterns are.
type matcher struct {
	*regexp.Regexp
	first map[rune]bool // nil: no quick rejection (the pattern can start with any rune)
}

// mustMatcher compiles pattern like regexp.MustCompile and works out its first runes.
func mustMatcher(pattern string) *matcher {
	m := &matcher{Regexp: regexp.MustCompile(pattern)}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return m
	}
	set := map[rune]bool{}
	if nullable, ok := firstRunes(re.Simplify(), set); ok && !nullable && len(set) > 0 {
		m.first = set
	}
	return m
}

// MatchString reports whether s contains a match of the pattern.
func (m *matcher) MatchString(s string) bool {
	if m.first != nil && !m.mayMatch(s) {
		return false
	}
	return m.Regexp.MatchString(s)
}

// FindString returns the leftmost match in s, or "".
func (m *matcher) FindString(s string) string {
	if m.first != nil && !m.mayMatch(s) {
		return ""
	}
	return m.Regexp.FindString(s)
}

// FindStringSubmatch returns the leftmost match in s and its groups, or nil.
func (m *matcher) FindStringSubmatch(s string) []string {
	if m.first != nil && !m.mayMatch(s) {
		return nil
	}
	return m.Regexp.FindStringSubmatch(s)
}

func (m *matcher) mayMatch(s string) bool {
	for _, r := range s {
		if m.first[r] {
			return true
		}
	}
	return false
}

// maxClass is the largest character class firstRunes enumerates.
const maxClass = 64

// firstRunes adds to set the runes a match of re can start with, and reports whether re can
// match the empty string; ok is false when the runes cannot be listed (any character, a
// large class, case folding outside ASCII).
func firstRunes(re *syntax.Regexp, set map[rune]bool) (nullable, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true, true
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return true, true
		}
		return false, addRune(re.Rune[0], re.Flags&syntax.FoldCase != 0, set)
	case syntax.OpCharClass:
		n := 0
		for i := 0; i+1 < len(re.Rune); i += 2 {
			n += int(re.Rune[i+1]-re.Rune[i]) + 1
		}
		if n > maxClass {
			return false, false
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				set[r] = true
			}
		}
		return false, true
	case syntax.OpCapture:
		return firstRunes(re.Sub[0], set)
	case syntax.OpStar, syntax.OpQuest:
		_, ok := firstRunes(re.Sub[0], set)
		return true, ok
	case syntax.OpPlus:
		return firstRunes(re.Sub[0], set)
	case syntax.OpRepeat:
		null, ok := firstRunes(re.Sub[0], set)
		return null || re.Min == 0, ok
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			null, ok := firstRunes(sub, set)
			if !ok {
				return false, false
			}
			if !null {
				return false, true
			}
		}
		return true, true
	case syntax.OpAlternate:
		nullable := false
		for _, sub := range re.Sub {
			null, ok := firstRunes(sub, set)
			if !ok {
				return false, false
			}
			nullable = nullable || null
		}
		return nullable, true
	}
	return false, false // any character, and what else may come
}

// addRune adds r to set, and every case of it when fold is set.
func addRune(r rune, fold bool, set map[rune]bool) bool {
	set[r] = true
	if fold {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			set[f] = true
		}
	}
	return true
}
