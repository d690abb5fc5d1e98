package kb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// EvalCase is one row of an evaluation file: the acceptable category slugs (or "none" for an
// out-of-scope query) and the query.
type EvalCase struct {
	Line     int
	Expected []string
	Query    string
}

// ParseEval reads rows of `expected-slug(s)<TAB>query`; `a|b` accepts either slug, and `none`
// marks an out-of-scope query. Blank lines and lines starting with # are skipped.
func ParseEval(r io.Reader) ([]EvalCase, error) {
	cases, probs := parseEval(r, func(slug string) bool { return slices.Contains(Slugs, slug) })
	if len(probs) > 0 {
		if p := probs[0]; p.Line > 0 {
			return nil, fmt.Errorf("line %d: %s", p.Line, p.Msg)
		}
		return nil, errors.New(probs[0].Msg)
	}
	return cases, nil
}

// parseEval parses an evaluation set and returns a problem for every malformed row (File left
// empty); known says whether an expected slug is a category.
func parseEval(r io.Reader, known func(slug string) bool) ([]EvalCase, []Problem) {
	var cases []EvalCase
	var probs []Problem
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		exp, q, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(q) == "" {
			probs = append(probs, Problem{Line: n, Msg: "want expected<TAB>query"})
			continue
		}
		c := EvalCase{Line: n, Expected: strings.Split(exp, "|"), Query: strings.TrimSpace(q)}
		valid := true
		for _, s := range c.Expected {
			if s != "none" && !known(s) {
				probs = append(probs, Problem{Line: n, Msg: fmt.Sprintf("unknown category %q", s)})
				valid = false
			}
		}
		if valid {
			cases = append(cases, c)
		}
	}
	if err := sc.Err(); err != nil {
		probs = append(probs, Problem{Msg: err.Error()})
	}
	return cases, probs
}

// EvalMiss is one case the index got wrong.
type EvalMiss struct {
	Case     EvalCase
	Decision Decision
	Got      []string // categories of the hits, best first
}

// EvalReport sums up an evaluation.
type EvalReport struct {
	InScope, OutOfScope int
	Top1, Top3          int // in-scope cases whose right category is first / in the first three
	Answered            int // in-scope cases answered directly
	AnsweredWrong       int // in-scope cases answered directly with the wrong category
	NoneRejected        int // out-of-scope cases not answered directly
	Misses              []EvalMiss
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Top1Rate is the share of in-scope cases whose first hit has a right category.
func (r EvalReport) Top1Rate() float64 { return ratio(r.Top1, r.InScope) }

// Summary is the one-line result printed by `yilianbot kb eval`.
func (r EvalReport) Summary() string {
	return fmt.Sprintf("top1=%.3f top3=%.3f answered=%.3f none_rejected=%.3f (in_scope=%d out_of_scope=%d answered_wrong=%d)",
		r.Top1Rate(), ratio(r.Top3, r.InScope), ratio(r.Answered, r.InScope), ratio(r.NoneRejected, r.OutOfScope),
		r.InScope, r.OutOfScope, r.AnsweredWrong)
}

// Evaluate runs every case through ix.
func Evaluate(ctx context.Context, ix *Index, cases []EvalCase) (EvalReport, error) {
	var r EvalReport
	for _, c := range cases {
		res, err := ix.Search(ctx, c.Query, 5)
		if err != nil {
			return r, err
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Category)
		}
		if slices.Contains(c.Expected, "none") {
			r.OutOfScope++
			if res.Decision != Answer {
				r.NoneRejected++
			} else {
				r.Misses = append(r.Misses, EvalMiss{c, res.Decision, got})
			}
			continue
		}
		r.InScope++
		right := func(k int) bool {
			for i := 0; i < k && i < len(got); i++ {
				if slices.Contains(c.Expected, got[i]) {
					return true
				}
			}
			return false
		}
		if right(1) {
			r.Top1++
		} else {
			r.Misses = append(r.Misses, EvalMiss{c, res.Decision, got})
		}
		if right(3) {
			r.Top3++
		}
		if res.Decision == Answer {
			r.Answered++
			if !right(1) {
				r.AnsweredWrong++
			}
		}
	}
	return r, nil
}
