// Package kb holds the self-help knowledge base: the FAQ content (embedded YAML, or a folder on
// disk), its validation, and an in-memory index that understands colloquial Chinese: bleve's
// CJK analysis, a TF-IDF first stage and a second stage trained on the entries' questions.
//
// bleve is an implementation detail: callers see only Content, Entry, Hit and Result.
package kb

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Embedded is the content shipped in the binary.
//
//go:embed content/*.yaml content/eval.tsv
var Embedded embed.FS

// EvalFile is the knowledge base's evaluation set, in the format of ParseEval. A reload is
// refused when it lowers top-1 on the new content's own set, so a KB_DIR carries its gate.
const EvalFile = "eval.tsv"

// EmbeddedFS returns the shipped content as a folder of YAML files and its evaluation set.
func EmbeddedFS() fs.FS {
	sub, err := fs.Sub(Embedded, "content")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder exists
	}
	return sub
}

// Slugs are the 17 self-help categories in menu order. They are an interface: clients, tickets
// and statistics refer to categories by these names.
var Slugs = []string{
	"txn-status", "reconciliation", "settlement", "fees", "onboarding", "merchant-info",
	"api-integration", "refund", "anti-fraud", "login-password", "invoice", "cross-border",
	"maintenance", "complaint", "personal-account", "risk-limits", "contact",
}

// Category is one self-help category with its FAQ entries.
type Category struct {
	Slug        string `yaml:"slug"`
	Name        string `yaml:"name"`
	Order       int    `yaml:"order"`
	Description string `yaml:"description"`
	// Cues, when set, are words without one of which a message is not about the category
	// (跨境 for cross-border): its entries then rank below the others.
	Cues    []string `yaml:"cues"`
	Entries []Entry  `yaml:"entries"`
}

// Entry is one FAQ entry.
type Entry struct {
	ID          string   `yaml:"id"`
	Question    string   `yaml:"question"`
	Similar     []string `yaml:"similar"`
	Keywords    []string `yaml:"keywords"`
	Answer      string   `yaml:"answer"`
	OfferTicket bool     `yaml:"offer_ticket"`
	Urgent      bool     `yaml:"urgent"`
	Related     []string `yaml:"related"`

	// Category is the slug of the category the entry belongs to; set by Load.
	Category string `yaml:"-"`
}

// Synonyms are groups of words folded onto their first word at index and query time.
type Synonyms struct {
	Groups [][]string `yaml:"groups"`
}

// Scope says what the knowledge base does not cover, and which questions are answered by rule
// (scope.yaml).
type Scope struct {
	OutOfScope []string `yaml:"out_of_scope"`
	// OutOfScopePatterns are regular expressions for what OutOfScope's words cannot list
	// (信用卡怎么注销: a bank card's own service, whatever words come between). They match
	// folded text: write them in Simplified characters, lower case, with canonical synonyms.
	OutOfScopePatterns []string `yaml:"out_of_scope_patterns"`
	// Competitors name other payment companies. A message naming one is about its service
	// (拉卡拉的费率) even with a word of Ours, unless it names us too (从拉卡拉换到你们).
	Competitors []string `yaml:"competitors"`
	// OtherProducts name other companies' products and services (支付宝, 云闪付, 招商银行);
	// a message naming one is about that product, and not answered, unless it has one of
	// Ours, the words that tie it to our service (费率, 你们, 顾客).
	OtherProducts []string `yaml:"other_products"`
	Ours          []string `yaml:"ours"`
	// TheirServices name a product's own services (收款码, 账户, 积分): right after the name
	// of another product (支付宝商家收款码, 微信的账户) they make a message about that product
	// even when it has one of Ours.
	TheirServices []string `yaml:"their_services"`
	// Unrelated are messages people send that are not about our service at all (个税怎么报,
	// 员工工资怎么结算, Excel怎么对账): the model learns them as one more class, so that a
	// message like them is not answered however many of our words it shares.
	Unrelated []string    `yaml:"unrelated"`
	Smalltalk []Smalltalk `yaml:"smalltalk"`
	Rules     []Rule      `yaml:"rules"`
}

// Rule answers a security-sensitive question with a fixed entry: it fires when the message
// contains a word of every group.
type Rule struct {
	Entry string     `yaml:"entry"`
	All   [][]string `yaml:"all"`
}

// Smalltalk is a reply to messages that are not questions, such as greetings.
type Smalltalk struct {
	Say   []string `yaml:"say"`
	Reply string   `yaml:"reply"`
}

// Content is a loaded, validated knowledge base.
type Content struct {
	Categories []Category // in menu order
	Synonyms   Synonyms
	Scope      Scope
	// Eval is the evaluation set (EvalFile) that gates reloads.
	Eval []EvalCase

	byID map[string]*Entry
}

// Entry returns the entry with the given id.
func (c *Content) Entry(id string) (*Entry, bool) {
	e, ok := c.byID[id]
	return e, ok
}

// Category returns the category with the given slug.
func (c *Content) Category(slug string) (*Category, bool) {
	for i := range c.Categories {
		if c.Categories[i].Slug == slug {
			return &c.Categories[i], true
		}
	}
	return nil, false
}

// Problem is one content error, with the file and line where it was found.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Problems is the error Load returns when the content does not pass validation.
type Problems []Problem

func (ps Problems) Error() string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, "\n")
}

// Variables are the template variables content may use, with their values. Answers write
// {{name}}; Load replaces each with its value and reports any name that is not defined.
type Variables map[string]string

var varRE = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]*)\s*\}\}`)

// Limits that content must respect.
const (
	MinEntries    = 8
	MinSimilar    = 8
	MaxAnswerRune = 450
)

// Load reads every category file, synonyms.yaml, scope.yaml and the evaluation set from fsys,
// fills template variables and validates the result. When anything is wrong it returns all
// problems as Problems.
func Load(fsys fs.FS, vars Variables) (*Content, error) {
	c := &Content{byID: map[string]*Entry{}}
	var probs Problems
	seenSimilar := map[string]string{} // normalised question → entry id
	seenSlug := map[string]bool{}
	raw := map[string][]byte{} // file name → content, for line numbers of late checks

	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("kb: list content: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("kb: read %s: %w", name, err)
		}
		raw[name] = b
		if name == "scope.yaml" {
			if err := yaml.UnmarshalWithOptions(b, &c.Scope, yaml.Strict()); err != nil {
				probs = append(probs, yamlProblem(name, err))
			}
			for i := range c.Scope.Smalltalk {
				st := &c.Scope.Smalltalk[i]
				filled, unknown := fill(st.Reply, vars)
				for _, u := range unknown {
					probs = append(probs, Problem{name, lineOf(b, fmt.Sprintf("$.smalltalk[%d].reply", i)), fmt.Sprintf("unresolved template variable {{%s}}", u)})
				}
				if len(st.Say) == 0 || strings.TrimSpace(st.Reply) == "" {
					probs = append(probs, Problem{name, lineOf(b, fmt.Sprintf("$.smalltalk[%d]", i)), "smalltalk needs say and reply"})
				}
				st.Reply = strings.TrimSpace(filled)
			}
			for i, pat := range c.Scope.OutOfScopePatterns {
				if _, err := regexp.Compile(pat); err != nil {
					probs = append(probs, Problem{name, lineOf(b, fmt.Sprintf("$.out_of_scope_patterns[%d]", i)), fmt.Sprintf("pattern: %v", err)})
				}
			}
			for i, r := range c.Scope.Rules {
				if r.Entry == "" || len(r.All) == 0 || slices.ContainsFunc(r.All, func(g []string) bool { return len(g) == 0 }) {
					probs = append(probs, Problem{name, lineOf(b, fmt.Sprintf("$.rules[%d]", i)), "a rule needs an entry and non-empty word groups"})
				}
			}
			continue
		}
		if name == "synonyms.yaml" {
			if err := yaml.UnmarshalWithOptions(b, &c.Synonyms, yaml.Strict()); err != nil {
				probs = append(probs, yamlProblem(name, err))
			}
			for i, g := range c.Synonyms.Groups {
				if len(g) < 2 {
					probs = append(probs, Problem{name, lineOf(b, fmt.Sprintf("$.groups[%d]", i)), "a synonym group needs a canonical word and at least one variant"})
				}
			}
			continue
		}
		var cat Category
		if err := yaml.UnmarshalWithOptions(b, &cat, yaml.Strict()); err != nil {
			probs = append(probs, yamlProblem(name, err))
			continue
		}
		at := func(p string) int { return lineOf(b, p) }
		slug := strings.TrimSuffix(name, ".yaml")
		switch {
		case !slices.Contains(Slugs, cat.Slug):
			probs = append(probs, Problem{name, at("$.slug"), fmt.Sprintf("unknown category %q", cat.Slug)})
			continue
		case cat.Slug != slug:
			probs = append(probs, Problem{name, at("$.slug"), fmt.Sprintf("slug %q does not match the file name", cat.Slug)})
		case seenSlug[cat.Slug]:
			probs = append(probs, Problem{name, at("$.slug"), fmt.Sprintf("category %q is defined twice", cat.Slug)})
		}
		seenSlug[cat.Slug] = true
		if want := slices.Index(Slugs, cat.Slug) + 1; cat.Order != want {
			probs = append(probs, Problem{name, at("$.order"), fmt.Sprintf("order is %d, want %d for %s", cat.Order, want, cat.Slug)})
		}
		if strings.TrimSpace(cat.Name) == "" || strings.TrimSpace(cat.Description) == "" {
			probs = append(probs, Problem{name, 1, "name and description are required"})
		}
		if len(cat.Entries) < MinEntries {
			probs = append(probs, Problem{name, at("$.entries"), fmt.Sprintf("%d entries, want at least %d", len(cat.Entries), MinEntries)})
		}
		for i := range cat.Entries {
			e := &cat.Entries[i]
			e.Category = cat.Slug
			ep := fmt.Sprintf("$.entries[%d]", i)
			switch {
			case e.ID == "":
				probs = append(probs, Problem{name, at(ep), "entry without id"})
			case !idRE.MatchString(e.ID) || !strings.HasPrefix(e.ID, cat.Slug+"-"):
				probs = append(probs, Problem{name, at(ep + ".id"), fmt.Sprintf("id %q must be lowercase ascii and start with %q", e.ID, cat.Slug+"-")})
			}
			if _, dup := c.byID[e.ID]; dup && e.ID != "" {
				probs = append(probs, Problem{name, at(ep + ".id"), fmt.Sprintf("duplicate id %q", e.ID)})
			}
			if strings.TrimSpace(e.Question) == "" {
				probs = append(probs, Problem{name, at(ep), fmt.Sprintf("%s: empty question", e.ID)})
			}
			if strings.TrimSpace(e.Answer) == "" {
				probs = append(probs, Problem{name, at(ep), fmt.Sprintf("%s: empty answer", e.ID)})
			}
			if len(e.Similar) < MinSimilar {
				probs = append(probs, Problem{name, at(ep + ".similar"), fmt.Sprintf("%s: %d similar questions, want at least %d", e.ID, len(e.Similar), MinSimilar)})
			}
			for j, q := range append([]string{e.Question}, e.Similar...) {
				k := normQuestion(q)
				if k == "" {
					continue
				}
				if other, ok := seenSimilar[k]; ok && other != e.ID {
					p := ep + ".question"
					if j > 0 {
						p = fmt.Sprintf("%s.similar[%d]", ep, j-1)
					}
					probs = append(probs, Problem{name, at(p), fmt.Sprintf("%s: question %q is also in %s", e.ID, q, other)})
				}
				seenSimilar[k] = e.ID
			}
			filled, unknown := fill(e.Answer, vars)
			for _, u := range unknown {
				probs = append(probs, Problem{name, at(ep + ".answer"), fmt.Sprintf("%s: unresolved template variable {{%s}}", e.ID, u)})
			}
			e.Answer = strings.TrimSpace(filled)
			if n := len([]rune(e.Answer)); n > MaxAnswerRune {
				probs = append(probs, Problem{name, at(ep + ".answer"), fmt.Sprintf("%s: answer has %d characters, keep it under %d", e.ID, n, MaxAnswerRune)})
			}
			if e.ID != "" {
				c.byID[e.ID] = e
			}
		}
		c.Categories = append(c.Categories, cat)
	}
	// Pointers into the slices are stable only once every category is appended.
	c.byID = map[string]*Entry{}
	for ci := range c.Categories {
		for ei := range c.Categories[ci].Entries {
			e := &c.Categories[ci].Entries[ei]
			c.byID[e.ID] = e
		}
	}
	for _, s := range Slugs {
		if !seenSlug[s] {
			probs = append(probs, Problem{s + ".yaml", 0, fmt.Sprintf("category %q is missing", s)})
		}
	}
	for i, r := range c.Scope.Rules {
		if _, ok := c.byID[r.Entry]; !ok && r.Entry != "" {
			probs = append(probs, Problem{"scope.yaml", lineOf(raw["scope.yaml"], fmt.Sprintf("$.rules[%d].entry", i)), fmt.Sprintf("rule entry %q does not exist", r.Entry)})
		}
	}
	for _, cat := range c.Categories {
		name := cat.Slug + ".yaml"
		for i, e := range cat.Entries {
			for j, r := range e.Related {
				if _, ok := c.byID[r]; !ok {
					line := lineOf(raw[name], fmt.Sprintf("$.entries[%d].related[%d]", i, j))
					probs = append(probs, Problem{name, line, fmt.Sprintf("%s: related id %q does not exist", e.ID, r)})
				}
			}
		}
	}
	probs = append(probs, c.loadEval(fsys, seenSlug)...)
	sort.SliceStable(c.Categories, func(i, j int) bool { return c.Categories[i].Order < c.Categories[j].Order })
	if len(probs) > 0 {
		return nil, probs
	}
	return c, nil
}

// loadEval reads EvalFile into c.Eval; every expected slug must be a category of the content.
func (c *Content) loadEval(fsys fs.FS, seenSlug map[string]bool) []Problem {
	b, err := fs.ReadFile(fsys, EvalFile)
	if errors.Is(err, fs.ErrNotExist) {
		return []Problem{{EvalFile, 0, "missing: the evaluation set that gates reloads, rows of expected-slug<TAB>query"}}
	}
	if err != nil {
		return []Problem{{EvalFile, 0, err.Error()}}
	}
	cases, probs := parseEval(bytes.NewReader(b), func(slug string) bool { return seenSlug[slug] })
	if len(probs) == 0 && len(cases) == 0 {
		probs = append(probs, Problem{EvalFile, 0, "no cases"})
	}
	for i := range probs {
		probs[i].File = EvalFile
	}
	c.Eval = cases
	return probs
}

var (
	idRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	posRE = regexp.MustCompile(`^\[\d+:\d+\]\s*`)
)

// fill replaces {{name}} with vars[name] and returns the names it could not resolve.
func fill(s string, vars Variables) (string, []string) {
	var unknown []string
	out := varRE.ReplaceAllStringFunc(s, func(m string) string {
		name := varRE.FindStringSubmatch(m)[1]
		v, ok := vars[name]
		if !ok || v == "" {
			unknown = append(unknown, name)
			return m
		}
		return v
	})
	return out, unknown
}

// normQuestion is the form in which two similar questions count as the same.
func normQuestion(q string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(foldWidth(q)) {
		if strings.ContainsRune(" \t?？!！。，,.、~～…", r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func yamlProblem(file string, err error) Problem {
	line := 0
	var se yaml.Error
	if errors.As(err, &se) && se.GetToken() != nil {
		line = se.GetToken().Position.Line
	}
	msg := strings.SplitN(yaml.FormatError(err, false, false), "\n", 2)[0]
	msg = strings.TrimSpace(posRE.ReplaceAllString(msg, ""))
	return Problem{file, line, "invalid YAML: " + msg}
}

// lineOf finds the line of a YAML path such as $.entries[3].id; 0 when unknown. It is only
// called on the error path, so parsing the file again is fine.
func lineOf(b []byte, p string) int {
	f, err := parser.ParseBytes(b, 0)
	if err != nil {
		return 0
	}
	yp, err := yaml.PathString(p)
	if err != nil {
		return 0
	}
	n, err := yp.FilterFile(f)
	if err != nil || n == nil {
		return 0
	}
	return nodeLine(n)
}

func nodeLine(n ast.Node) int {
	if t := n.GetToken(); t != nil && t.Position != nil {
		return t.Position.Line
	}
	return 0
}
