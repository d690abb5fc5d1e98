package kb

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// TestLexiconScoresAsBleve checks the first stage against the bleve index it replaced: the
// same entries, in the same order (ties aside), with the same scores, for every query of two
// evaluation sets.
func TestLexiconScoresAsBleve(t *testing.T) {
	t.Parallel()
	ix := mustIndex(t)
	im, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	fm := bleve.NewTextFieldMapping()
	fm.Analyzer = zhFAQ
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt("q", fm)
	im.DefaultMapping = dm
	idx, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	batch := idx.NewBatch()
	for _, cat := range ix.content.Categories {
		for _, e := range cat.Entries {
			qs := []string{}
			for _, q := range append([]string{e.Question}, e.Similar...) {
				qs = append(qs, ix.fold.fold(q))
			}
			if len(e.Keywords) > 0 {
				qs = append(qs, ix.fold.fold(strings.Join(e.Keywords, " ")))
			}
			if err := batch.Index(e.ID, map[string]any{"q": qs}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := idx.Batch(batch); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"content/eval.tsv", "testdata/blind-a-entries.tsv"} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		cases, err := ParseEval(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			fq := ix.fold.fold(c.Query)
			mq := bleve.NewMatchQuery(fq)
			mq.SetField("q")
			mq.Analyzer = zhFAQ
			res, err := idx.SearchInContext(context.Background(), bleve.NewSearchRequestOptions(mq, lexicalCandidates, 0, false))
			if err != nil {
				t.Fatal(err)
			}
			got := ix.lex.search(fq, lexicalCandidates)
			if len(got) != len(res.Hits) {
				t.Errorf("%s:%d %q: %d hits, bleve %d", path, c.Line, c.Query, len(got), len(res.Hits))
				continue
			}
			for i, h := range res.Hits {
				tied := (i > 0 && res.Hits[i-1].Score == h.Score) || (i+1 < len(res.Hits) && res.Hits[i+1].Score == h.Score)
				if (got[i].id != h.ID && !tied) || math.Abs(got[i].score-h.Score) > 1e-9*h.Score {
					t.Errorf("%s:%d %q hit %d = %s %.9f, bleve %s %.9f", path, c.Line, c.Query, i, got[i].id, got[i].score, h.ID, h.Score)
					break
				}
			}
		}
	}
}
