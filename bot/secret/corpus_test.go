package secret

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusRow is one line of a corpus written by someone who never saw this package: a kind,
// the value, and the message a user typed.
type corpusRow struct {
	line        int
	kind, value string
	message     string
}

func readCorpus(tb testing.TB, path string) []corpusRow {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var rows []corpusRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 {
			tb.Fatalf("%s:%d: want kind<TAB>value<TAB>message", path, n)
		}
		rows = append(rows, corpusRow{line: n, kind: parts[0], value: parts[1], message: strings.ReplaceAll(parts[2], `\n`, "\n")})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rows
}

// comparable folds what a leak check must see through: full-width forms, Chinese numerals and
// the separators people put between digits.
func comparable(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '～':
			r -= 0xFEE0
		case numeralValue(r) >= 0:
			r = rune('0' + numeralValue(r))
		case r == '拐':
			r = '7'
		case r == '勾':
			r = '9'
		}
		if r == ' ' || r == '-' || r == '.' || r == '\n' || r == '\u3000' || r == '_' || r == '\t' || r == '、' {
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// TestCorpora runs every corpus under testdata: no secret survives masking, and every
// look-alike survives unchanged.
func TestCorpora(t *testing.T) {
	t.Parallel()
	secretFiles, _ := filepath.Glob("testdata/*-secrets.tsv")
	if len(secretFiles) == 0 {
		t.Fatal("no corpus in testdata")
	}
	for _, path := range secretFiles {
		rows := readCorpus(t, path)
		leaked := 0
		for _, r := range rows {
			got := Mask(r.message)
			if strings.Contains(comparable(got.Text), comparable(r.value)) {
				leaked++
				t.Errorf("%s:%d: %s %q survives in %q", path, r.line, r.kind, r.value, got.Text)
			}
		}
		t.Logf("%s: %d of %d secrets masked", path, len(rows)-leaked, len(rows))
	}
	lookFiles, _ := filepath.Glob("testdata/*-lookalikes.tsv")
	for _, path := range lookFiles {
		rows := readCorpus(t, path)
		broken := 0
		for _, r := range rows {
			got := Mask(r.message)
			if !strings.Contains(got.Text, foldString(r.value)) || got.Found() {
				broken++
				t.Errorf("%s:%d: %s %q masked: %q %v", path, r.line, r.kind, r.value, got.Text, got.Kinds)
			}
		}
		t.Logf("%s: %d of %d look-alikes kept", path, len(rows)-broken, len(rows))
	}
}
