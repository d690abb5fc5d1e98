package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"strings"

	"github.com/yilianpay/yilianbot/config"
	"github.com/yilianpay/yilianbot/kb"
)

// contentFS returns the knowledge-base folder: KB_DIR when set, else the embedded content.
func contentFS(cfg config.Config) fs.FS {
	if cfg.KBDir != "" {
		return os.DirFS(cfg.KBDir)
	}
	return kb.EmbeddedFS()
}

// thresholds returns the knowledge base's default thresholds with the operator's overrides
// from CONFIG_FILE applied; kb tests and `kb eval` measure the same defaults.
func thresholds(cfg config.Config) kb.Thresholds {
	th := kb.DefaultThresholds
	r := cfg.File.Retrieval
	th.PerCategory = merged(th.PerCategory, r.PerCategory)
	th.ProbabilityByCategory = merged(th.ProbabilityByCategory, r.ProbabilityByCategory)
	set := func(dst *float64, v *float64) {
		if v != nil {
			*dst = *v
		}
	}
	set(&th.AnswerProbability, r.AnswerProbability)
	set(&th.ProbabilityMargin, r.ProbabilityMargin)
	set(&th.SuggestProbability, r.SuggestProbability)
	set(&th.UnrelatedProbability, r.UnrelatedProbability)
	set(&th.AnswerConfidence, r.AnswerConfidence)
	set(&th.AnswerMargin, r.AnswerMargin)
	set(&th.SuggestConfidence, r.SuggestConfidence)
	set(&th.UnknownConfidence, r.UnknownConfidence)
	if r.UnknownBigrams != nil {
		th.UnknownBigrams = *r.UnknownBigrams
	}
	return th
}

// merged returns a copy of def with over's entries replaced or added, never sharing def's map
// (kb.DefaultThresholds is read-only); nil when both are empty.
func merged(def, over map[string]float64) map[string]float64 {
	if len(def) == 0 && len(over) == 0 {
		return def
	}
	m := maps.Clone(def)
	if m == nil {
		m = map[string]float64{}
	}
	maps.Copy(m, over)
	return m
}

// buildIndex loads and indexes the knowledge base.
func buildIndex(cfg config.Config) (*kb.Index, error) {
	c, err := kb.Load(contentFS(cfg), cfg.File.Variables())
	if err != nil {
		return nil, err
	}
	return kb.Build(c, thresholds(cfg))
}

// kbCommand returns the command `yilianbot kb sub`.
func kbCommand(sub string) func(context.Context, proc, []string) error {
	return func(ctx context.Context, p proc, args []string) error {
		return runKB(ctx, sub, args, p.getenv, p.stdin, p.stdout, p.stderr)
	}
}

// runKB implements `yilianbot kb search|check|eval|unknown`. Only unknown needs more than the
// knowledge base's own settings: REDIS_URL.
func runKB(ctx context.Context, sub string, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	need := config.Need(0)
	if sub == "unknown" {
		need = config.NeedRedis
	}
	cfg, err := config.LoadFor(getenv, need)
	if err != nil {
		return err
	}
	switch sub {
	case "check":
		if err := noArgs("kb check", args); err != nil {
			return err
		}
		c, err := kb.Load(contentFS(cfg), cfg.File.Variables())
		var probs kb.Problems
		if errors.As(err, &probs) {
			for _, p := range probs {
				fmt.Fprintln(stdout, p)
			}
			return fmt.Errorf("kb check: %d problems", len(probs))
		}
		if err != nil {
			return err
		}
		n := 0
		for _, cat := range c.Categories {
			n += len(cat.Entries)
		}
		fmt.Fprintf(stdout, "ok: %d categories, %d entries\n", len(c.Categories), n)
		return nil
	case "search":
		return kbSearch(ctx, cfg, args, stdin, stdout, stderr)
	case "eval":
		return kbEval(ctx, cfg, args, stdout)
	case "unknown":
		return kbUnknown(ctx, cfg, args, stdout, stderr)
	}
	return fmt.Errorf("kb: unknown command %q", sub)
}

func kbSearch(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("kb search", flag.ContinueOnError)
	fl.SetOutput(stderr)
	asJSON := fl.Bool("json", false, "print one JSON object per query")
	if err := fl.Parse(args); err != nil {
		return err
	}
	ix, err := buildIndex(cfg)
	if err != nil {
		return err
	}
	defer ix.Close()
	one := func(q string) error {
		res, err := ix.Search(ctx, q, 5)
		if err != nil {
			return err
		}
		if *asJSON {
			type out struct {
				Query    string   `json:"query"`
				Decision string   `json:"decision"`
				Hits     []kb.Hit `json:"hits"`
			}
			hits := res.Hits
			if hits == nil {
				hits = []kb.Hit{}
			}
			b, err := json.Marshal(out{q, string(res.Decision), hits})
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "%s\n", b)
			return err
		}
		fmt.Fprintf(stdout, "%s → %s (margin %.2f)\n", q, res.Decision, res.Margin)
		for i, h := range res.Hits {
			fmt.Fprintf(stdout, "  %d. [%s] %s  %s score=%.3f confidence=%.2f similarity=%.2f\n", i+1, h.Category, h.ID, h.Question, h.Score, h.Confidence, h.Similarity)
		}
		return nil
	}
	if fl.NArg() > 0 {
		return one(strings.Join(fl.Args(), " "))
	}
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		if err := one(q); err != nil {
			return err
		}
	}
	return sc.Err()
}

// kbEval measures retrieval on FILE.tsv, or on the knowledge base's own evaluation set (the
// one that gates reloads) when no file is given. A file labelled at entry level (3-4 columns)
// is also measured at entry level. It prints the misses, every wrong direct answer, the
// figures per category and, last, the category-level summary.
func kbEval(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) > 1 {
		return errors.New("usage: yilianbot kb eval [FILE.tsv]")
	}
	c, err := kb.Load(contentFS(cfg), cfg.File.Variables())
	if err != nil {
		return err
	}
	name, cases := kb.EvalFile, c.Eval
	if len(args) == 1 {
		name = args[0]
		b, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if cases, err = kb.ParseEval(bytes.NewReader(b)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	ix, err := kb.Build(c, thresholds(cfg))
	if err != nil {
		return err
	}
	defer ix.Close()
	rep, err := kb.Evaluate(ctx, ix, cases)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	row := func(kind string, m kb.EvalMiss, want []string, got []string) {
		fmt.Fprintf(stdout, "%s %s:%d want=%s got=%s decision=%s\t%s\n", kind, name, m.Case.Line,
			strings.Join(want, "|"), strings.Join(got, ","), m.Decision, m.Case.Query)
	}
	for _, m := range rep.Misses {
		row("miss", m, m.Case.Expected, m.Got)
	}
	for _, m := range rep.EntryMisses {
		row("entry-miss", m, m.Case.Entries, m.GotIDs)
	}
	for _, m := range rep.Missing {
		row("missing", m, []string{m.Case.Note}, m.GotIDs)
	}
	for _, m := range rep.WrongAnswers {
		row("wrong-answer", m, m.Case.Expected, m.GotIDs)
	}
	for _, m := range rep.EntryWrong {
		row("wrong-entry-answer", m, m.Case.Entries, m.GotIDs)
	}
	fmt.Fprintf(stdout, "%-17s %4s %6s %6s %8s %6s %6s\n", "category", "n", "top1", "top3", "answered", "wrong", "none")
	for _, s := range rep.Categories() {
		f := rep.PerCategory[s]
		if f.InScope == 0 {
			fmt.Fprintf(stdout, "%-17s %4d %6s %6s %8s %6s %6.3f\n", s, f.OutOfScope, "-", "-", "-", "-", f.NoneRejectedRate())
			continue
		}
		fmt.Fprintf(stdout, "%-17s %4d %6.3f %6.3f %8.3f %6d %6s\n", s, f.InScope, f.Top1Rate(), f.Top3Rate(), f.AnsweredRate(), f.AnsweredWrong, "-")
	}
	if rep.HasEntries() {
		fmt.Fprintln(stdout, rep.EntrySummary())
	}
	fmt.Fprintln(stdout, rep.Summary())
	return nil
}
