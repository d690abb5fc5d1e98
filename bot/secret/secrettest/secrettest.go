// Package secrettest reads the secret corpora under bot/secret/testdata and checks texts for
// leaks, for tests in any package: the detector's own, the bot's (every door) and the binary's
// (end to end).
//
// A corpus is written by someone who never saw the detector: `*-secrets.tsv` rows are
// kind<TAB>secret<TAB>message, `*-lookalikes.tsv` rows kind<TAB>value<TAB>message; a literal \n
// in a message is a line break. Tests glob the files, so a new corpus is picked up by itself.
package secrettest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode"
)

// Row is one corpus line.
type Row struct {
	Where       string // file:line
	Kind, Value string
	Message     string
}

// Dir is the folder of the corpora, wherever the calling test runs.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// Secrets reads every `*-secrets.tsv` corpus.
func Secrets(tb testing.TB) []Row { return read(tb, "*-secrets.tsv") }

// Lookalikes reads every `*-lookalikes.tsv` corpus.
func Lookalikes(tb testing.TB) []Row { return read(tb, "*-lookalikes.tsv") }

func read(tb testing.TB, pattern string) []Row {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(Dir(), pattern))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no corpus matches %s in %s (%v)", pattern, Dir(), err)
	}
	var rows []Row
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			parts := strings.SplitN(line, "\t", 3)
			if len(parts) != 3 {
				f.Close()
				tb.Fatalf("%s:%d: want kind<TAB>value<TAB>message", path, n)
			}
			rows = append(rows, Row{Where: fmt.Sprintf("%s:%d", filepath.Base(path), n), Kind: parts[0], Value: parts[1],
				Message: strings.ReplaceAll(parts[2], `\n`, "\n")})
		}
		f.Close()
		if err := sc.Err(); err != nil {
			tb.Fatal(err)
		}
	}
	return rows
}

// numerals maps the Chinese numerals users type (and their spoken stand-ins: 幺 for 1, 拐
// for 7, 勾 for 9, 洞 for 0) to digits.
var numerals = func() map[rune]rune {
	m := map[rune]rune{}
	for _, row := range []string{"0零〇洞○", "1一壹幺", "2二贰两", "3三叁", "4四肆", "5五伍", "6六陆", "7七柒拐", "8八捌", "9九玖勾"} {
		for _, r := range []rune(row)[1:] {
			m[r] = []rune(row)[0]
		}
	}
	return m
}()

// Fold is what a leak check compares: full-width forms folded, Chinese numerals as digits,
// everything but letters, digits and the symbols passwords use removed, upper case.
func Fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '～':
			r -= 0xFEE0
		case numerals[r] != 0:
			r = numerals[r]
		}
		// Only letters (Han included) and digits count: a separator, an emoji or a keycap
		// between digits does not hide them.
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("!@#$%^&*~<>", r) {
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// Leaks reports whether secret appears in text once both are folded. A short all-digit secret (a
// code, a CVV) counts only as a whole run of digits: "800" in the hotline 400-800-9000, or a code
// inside a timestamp or a ticket number, is not that code.
func Leaks(text, secret string) bool {
	return folded(text).leaks(Fold(secret))
}

// foldedText is a text folded once for many searches, with its digits in order.
type foldedText struct {
	t      string
	digits string
}

func folded(text string) foldedText {
	t := Fold(text)
	return foldedText{t: t, digits: digitsOnly(t)}
}

// leaks is Leaks with the text folded already and s the folded secret.
func (f foldedText) leaks(s string) bool {
	t := f.t
	if s == "" {
		return false
	}
	if len(s) >= 15 && strings.Trim(s, "0123456789X") == "" {
		// A card or an ID number: its digits in order anywhere, even with words between
		// its pieces, are a leak.
		return strings.Contains(f.digits, s)
	}
	if len(s) >= 10 || strings.Trim(s, "0123456789") != "" {
		return strings.Contains(t, s)
	}
	for i := 0; ; {
		j := strings.Index(t[i:], s)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(s)
		if (start == 0 || !isDigit(t[start-1])) && (end == len(t) || !isDigit(t[end])) && !inHash(t, start, end) {
			return true
		}
		i = start + 1
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == 'X' {
			return r
		}
		return -1
	}, s)
}

// inHash reports whether t[start:end] lies inside a run of 12 or more hex characters: a hash
// (of an openid in the logs, of a callback or a body) holds every short digit string by chance.
func inHash(t string, start, end int) bool {
	isHex := func(c byte) bool { return isDigit(c) || c >= 'A' && c <= 'F' }
	for start > 0 && isHex(t[start-1]) {
		start--
	}
	for end < len(t) && isHex(t[end]) {
		end++
	}
	return end-start >= 12
}

// Name returns a name for the i-th test user made of letters only: a user id with the row's
// number in it would hold a short code or CVV and look like a leak.
func Name(i int) string {
	var b []byte
	for {
		b = append([]byte{byte('a' + i%26)}, b...)
		i /= 26
		if i == 0 {
			return string(b)
		}
	}
}

// Search reports every secret of rows found in stored (key → values, as redistest.Dump returns
// it) or in any of the named texts (where → texts: replies, API answers, log lines), and returns
// how many secrets leaked somewhere.
func Search(tb testing.TB, rows []Row, stored map[string][]string, texts map[string][]string) (leaked int) {
	tb.Helper()
	// Every text is folded once: folding it again for each secret made a corpus scan take
	// minutes under -race.
	type place struct {
		where, text string
		f           foldedText
	}
	var places []place
	for key, vals := range stored {
		for _, v := range vals {
			places = append(places, place{"stored in " + key, v, folded(v)})
		}
	}
	for where, list := range texts {
		for _, s := range list {
			places = append(places, place{"in " + where, s, folded(s)})
		}
	}
	for _, r := range rows {
		found := false
		secret := Fold(r.Value)
		for _, p := range places {
			if p.f.leaks(secret) {
				found = true
				tb.Errorf("%s: %s %q is %s: %q", r.Where, r.Kind, r.Value, p.where, p.text)
			}
		}
		if found {
			leaked++
		}
	}
	return leaked
}
