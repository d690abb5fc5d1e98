package kb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// EvalCase is one row of an evaluation file: the acceptable category slugs (or "none" for an
// out-of-scope query), optionally the acceptable entry ids, and the query.
type EvalCase struct {
	Line     int
	Expected []string
	// Entries are the acceptable entry ids when the set is labelled at entry level: nil when it
	// is not, ["none"] for an out-of-scope query, ["missing"] when no entry answers it yet.
	Entries []string
	Query   string
	Note    string
}

// Labels an entry-level row may carry instead of entry ids.
const (
	EntryNone    = "none"
	EntryMissing = "missing"
)

// ParseEval reads rows of `expected-slug(s)<TAB>query`, or of
// `expected-slug(s)<TAB>entry-id(s)<TAB>query[<TAB>note]` for a set labelled at entry level;
// `a|b` accepts either slug or entry, `none` marks an out-of-scope query and `missing` an entry
// the knowledge base lacks. Blank lines and lines starting with # are skipped.
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
		cols := strings.Split(line, "\t")
		c := EvalCase{Line: n}
		switch len(cols) {
		case 2:
			c.Query = cols[1]
		case 3, 4:
			c.Entries = strings.Split(strings.TrimSpace(cols[1]), "|")
			c.Query = cols[2]
			if len(cols) == 4 {
				c.Note = strings.TrimSpace(cols[3])
			}
		}
		c.Query = strings.TrimSpace(c.Query)
		if c.Query == "" {
			probs = append(probs, Problem{Line: n, Msg: "want expected<TAB>query or expected<TAB>entry<TAB>query[<TAB>note]"})
			continue
		}
		c.Expected = strings.Split(cols[0], "|")
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
	GotIDs   []string // entry ids of the hits, best first
}

// Figures are the retrieval figures of one slice of an evaluation set. Top-1, top-3 and
// answered count in-scope cases; AnsweredWrong counts direct answers that were wrong.
type Figures struct {
	InScope, OutOfScope int
	Top1, Top3          int
	Answered            int
	AnsweredWrong       int
	NoneRejected        int // out-of-scope cases not answered directly
	Unhelped            int // in-scope cases neither answered nor offered suggestions
}

// EvalReport sums up an evaluation, at category level (the embedded Figures) and, for sets
// labelled with entry ids, at entry level.
type EvalReport struct {
	Figures
	Misses []EvalMiss
	// WrongAnswers are the in-scope cases answered directly with a wrong category.
	WrongAnswers []EvalMiss
	// PerCategory holds the category-level figures by the first expected slug.
	PerCategory map[string]*Figures

	// Entry-level figures over the cases labelled with entry ids (none and missing rows are
	// left out; Labelled counts the rest).
	Entry          Figures
	EntryMisses    []EvalMiss
	EntryWrong     []EvalMiss // labelled cases answered directly with a wrong entry
	Missing        []EvalMiss // cases whose entry the knowledge base lacks, with what they got
	MissingAnswers int        // missing cases answered directly
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Top1Rate is the share of in-scope cases whose first hit has a right category.
func (f Figures) Top1Rate() float64 { return ratio(f.Top1, f.InScope) }

// Top3Rate is the share of in-scope cases with a right hit among the first three.
func (f Figures) Top3Rate() float64 { return ratio(f.Top3, f.InScope) }

// AnsweredRate is the share of in-scope cases answered directly.
func (f Figures) AnsweredRate() float64 { return ratio(f.Answered, f.InScope) }

// WrongRate is the share of direct answers to in-scope cases that were wrong.
func (f Figures) WrongRate() float64 { return ratio(f.AnsweredWrong, f.Answered) }

// NoneRejectedRate is the share of out-of-scope cases not answered directly.
func (f Figures) NoneRejectedRate() float64 { return ratio(f.NoneRejected, f.OutOfScope) }

func (f Figures) String() string {
	return fmt.Sprintf("top1=%.3f top3=%.3f answered=%.3f wrong=%.3f none_rejected=%.3f (in_scope=%d out_of_scope=%d answered_wrong=%d unhelped=%d)",
		f.Top1Rate(), f.Top3Rate(), f.AnsweredRate(), f.WrongRate(), f.NoneRejectedRate(), f.InScope, f.OutOfScope, f.AnsweredWrong, f.Unhelped)
}

// Summary is the one-line category-level result printed last by `yilianbot kb eval`.
func (r EvalReport) Summary() string { return r.Figures.String() }

// HasEntries says whether the set was labelled at entry level.
func (r EvalReport) HasEntries() bool { return r.Entry.InScope > 0 || len(r.Missing) > 0 }

// EntrySummary is the one-line entry-level result.
func (r EvalReport) EntrySummary() string {
	return fmt.Sprintf("entry top1=%.3f top3=%.3f answered=%.3f wrong=%.3f (labelled=%d answered_wrong=%d missing=%d missing_answered=%d)",
		r.Entry.Top1Rate(), r.Entry.Top3Rate(), r.Entry.AnsweredRate(), r.Entry.WrongRate(),
		r.Entry.InScope, r.Entry.AnsweredWrong, len(r.Missing), r.MissingAnswers)
}

// Categories returns the slugs of PerCategory in menu order, then any others.
func (r EvalReport) Categories() []string {
	var out []string
	for _, s := range Slugs {
		if _, ok := r.PerCategory[s]; ok {
			out = append(out, s)
		}
	}
	var rest []string
	for s := range r.PerCategory {
		if !slices.Contains(out, s) {
			rest = append(rest, s)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// Evaluate runs every case through ix.
func Evaluate(ctx context.Context, ix *Index, cases []EvalCase) (EvalReport, error) {
	r := EvalReport{PerCategory: map[string]*Figures{}}
	for _, c := range cases {
		res, err := ix.Search(ctx, c.Query, 5)
		if err != nil {
			return r, err
		}
		var got, ids []string
		for _, h := range res.Hits {
			got = append(got, h.Category)
			ids = append(ids, h.ID)
		}
		miss := EvalMiss{c, res.Decision, got, ids}
		answered := res.Decision == Answer
		pc := r.PerCategory[c.Expected[0]]
		if pc == nil {
			pc = &Figures{}
			r.PerCategory[c.Expected[0]] = pc
		}
		if slices.Contains(c.Expected, "none") {
			for _, f := range []*Figures{&r.Figures, pc} {
				f.OutOfScope++
				if !answered {
					f.NoneRejected++
				}
			}
			if answered {
				r.Misses = append(r.Misses, miss)
			}
			continue
		}
		right := func(want, got []string, k int) bool {
			for i := 0; i < k && i < len(got); i++ {
				if slices.Contains(want, got[i]) {
					return true
				}
			}
			return false
		}
		for _, f := range []*Figures{&r.Figures, pc} {
			count(f, right(c.Expected, got, 1), right(c.Expected, got, 3), answered)
			if res.Decision == None {
				f.Unhelped++
			}
		}
		if !right(c.Expected, got, 1) {
			r.Misses = append(r.Misses, miss)
			if answered {
				r.WrongAnswers = append(r.WrongAnswers, miss)
			}
		}
		switch {
		case len(c.Entries) == 0 || slices.Contains(c.Entries, EntryNone):
		case slices.Contains(c.Entries, EntryMissing):
			r.Missing = append(r.Missing, miss)
			if answered {
				r.MissingAnswers++
			}
		default:
			for _, id := range c.Entries {
				if _, ok := ix.content.Entry(id); !ok {
					return r, fmt.Errorf("line %d: unknown entry %q", c.Line, id)
				}
			}
			top1 := right(c.Entries, ids, 1)
			count(&r.Entry, top1, right(c.Entries, ids, 3), answered)
			if !top1 {
				r.EntryMisses = append(r.EntryMisses, miss)
				if answered {
					r.EntryWrong = append(r.EntryWrong, miss)
				}
			}
		}
	}
	return r, nil
}

func count(f *Figures, top1, top3, answered bool) {
	f.InScope++
	if top1 {
		f.Top1++
	}
	if top3 {
		f.Top3++
	}
	if answered {
		f.Answered++
		if !top1 {
			f.AnsweredWrong++
		}
	}
}
