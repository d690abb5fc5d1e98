package kb

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Decision says what the bot should do with a query.
type Decision string

// The three decisions of Search.
const (
	Answer  Decision = "answer"  // confident: give the top entry's answer
	Suggest Decision = "suggest" // offer the hits as "您可能想问"
	None    Decision = "none"    // out of scope: invent nothing
)

// Hit is one matching FAQ entry.
type Hit struct {
	ID       string  `json:"id"`
	Category string  `json:"category"`
	Question string  `json:"question"`
	Score    float64 `json:"score"`
	// Confidence is the bounded similarity (0..1) between the query and the entry's closest
	// question; it gates decisions and does not rank.
	Confidence float64 `json:"-"`
}

// Result is what Search returns: the decision and the hits, best first.
type Result struct {
	Decision Decision
	Hits     []Hit
	// Margin is 1 - s2/s1 between the two best entries' scores.
	Margin float64
}

// Thresholds decide between answer, suggest and none.
type Thresholds struct {
	AnswerConfidence  float64
	AnswerMargin      float64
	SuggestConfidence float64
	// PerCategory overrides AnswerConfidence for a category slug.
	PerCategory map[string]float64
}

// DefaultThresholds were measured on kb/testdata/eval.tsv (see retrieval notes in README).
var DefaultThresholds = Thresholds{AnswerConfidence: 0.35, AnswerMargin: 0.15, SuggestConfidence: 0.2}

// Index searches a Content.
type Index struct {
	content *Content
	idx     bleve.Index
	fold    folder
	th      Thresholds

	// variants holds the confidence vector of every question of every entry.
	variants map[string][]vector
	df       map[string]int
	n        int
}

const (
	fieldQ  = "q"
	fieldKw = "kw"
	zhFAQ   = "zh_faq"
)

// Build indexes c in memory (scorch) with the analysis chosen in the retrieval notes:
// unicode tokenizer, width folding, lowercase, CJK bigrams plus unigrams; variants and
// synonyms are folded before analysis. One document per question variant.
func Build(c *Content, th Thresholds) (*Index, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomTokenFilter("cjk_bigram_uni", map[string]any{
		"type": cjk.BigramName, "output_unigram": true,
	}); err != nil {
		return nil, fmt.Errorf("kb: mapping: %w", err)
	}
	if err := im.AddCustomAnalyzer(zhFAQ, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{cjk.WidthName, lowercase.Name, "cjk_bigram_uni"},
	}); err != nil {
		return nil, fmt.Errorf("kb: mapping: %w", err)
	}
	text := func() *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = zhFAQ
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		return fm
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldQ, text())
	dm.AddFieldMappingsAt(fieldKw, text())
	im.DefaultMapping = dm
	im.DefaultAnalyzer = zhFAQ

	idx, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("kb: new index: %w", err)
	}
	ix := &Index{content: c, idx: idx, fold: newFolder(c.Synonyms), th: th, variants: map[string][]vector{}, df: map[string]int{}}

	batch := idx.NewBatch()
	var allGrams []map[string]float64
	var owners []string
	for _, cat := range c.Categories {
		for _, e := range cat.Entries {
			kw := ix.fold.fold(strings.Join(e.Keywords, " "))
			for i, q := range append([]string{e.Question}, e.Similar...) {
				fq := ix.fold.fold(q)
				doc := map[string]any{fieldQ: fq, fieldKw: kw}
				if err := batch.Index(e.ID+"#"+strconv.Itoa(i), doc); err != nil {
					idx.Close()
					return nil, fmt.Errorf("kb: index %s: %w", e.ID, err)
				}
				allGrams = append(allGrams, grams(fq))
				owners = append(owners, e.ID)
			}
		}
	}
	if err := idx.Batch(batch); err != nil {
		idx.Close()
		return nil, fmt.Errorf("kb: index batch: %w", err)
	}
	for _, g := range allGrams {
		for t := range g {
			ix.df[t]++
		}
	}
	ix.n = len(allGrams)
	for i, g := range allGrams {
		ix.variants[owners[i]] = append(ix.variants[owners[i]], newVector(g, ix.idf))
	}
	return ix, nil
}

func (ix *Index) idf(t string) float64 {
	return math.Log(1 + float64(ix.n)/float64(ix.df[t]+1))
}

// Close releases the index.
func (ix *Index) Close() error { return ix.idx.Close() }

// Content returns the content the index was built from.
func (ix *Index) Content() *Content { return ix.content }

// Search finds up to n entries for the user's query and decides whether to answer, suggest or
// admit it does not know.
func (ix *Index) Search(ctx context.Context, query string, n int) (Result, error) {
	fq := ix.fold.fold(query)
	if strings.TrimSpace(fq) == "" || n <= 0 {
		return Result{Decision: None}, nil
	}
	mq := bleve.NewMatchQuery(fq)
	mq.SetField(fieldQ)
	mq.Analyzer = zhFAQ
	mq.SetBoost(3)
	kq := bleve.NewMatchQuery(fq)
	kq.SetField(fieldKw)
	kq.Analyzer = zhFAQ
	kq.SetBoost(2)
	req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(mq, kq), 60, 0, false)
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("kb: search: %w", err)
	}

	// Group question variants by entry, keeping each entry's best score.
	var hits []Hit
	seen := map[string]int{}
	for _, d := range res.Hits {
		id, _, _ := strings.Cut(d.ID, "#")
		if i, ok := seen[id]; ok {
			hits[i].Score = math.Max(hits[i].Score, d.Score)
			continue
		}
		e, ok := ix.content.Entry(id)
		if !ok {
			continue
		}
		seen[id] = len(hits)
		hits = append(hits, Hit{ID: id, Category: e.Category, Question: e.Question, Score: d.Score})
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	if len(hits) > n {
		hits = hits[:n]
	}
	qv := newVector(grams(fq), ix.idf)
	for i := range hits {
		for _, v := range ix.variants[hits[i].ID] {
			hits[i].Confidence = math.Max(hits[i].Confidence, cosine(qv, v))
		}
		hits[i].Score = math.Round(hits[i].Score*1000) / 1000
	}
	return ix.decide(hits), nil
}

func (ix *Index) decide(hits []Hit) Result {
	r := Result{Decision: None, Hits: hits}
	if len(hits) == 0 {
		return r
	}
	r.Margin = 1
	if len(hits) > 1 && hits[0].Score > 0 {
		r.Margin = 1 - hits[1].Score/hits[0].Score
	}
	top := hits[0]
	need := ix.th.AnswerConfidence
	if v, ok := ix.th.PerCategory[top.Category]; ok {
		need = v
	}
	switch {
	case top.Confidence >= need && r.Margin >= ix.th.AnswerMargin:
		r.Decision = Answer
	case top.Confidence >= ix.th.SuggestConfidence:
		r.Decision = Suggest
	}
	return r
}
