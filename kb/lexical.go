package kb

import (
	"math"

	"github.com/blevesearch/bleve/v2/analysis"
)

// lexicon is the first stage: an inverted index over one document per entry (its questions
// and keywords) that scores a query as bleve's TF-IDF disjunction does (sqrt(tf) x field norm
// x idf^2 x query norm, times the share of query tokens that match), with bleve's analyzer.
// bleve's searcher paid ~200 µs a query in allocations and heap merges for a corpus of two
// hundred documents; this scores the same in a few microseconds.
type lexicon struct {
	analyzer analysis.Analyzer
	postings map[string][]posting
	ids      []string // document number → entry id
}

type posting struct {
	doc    int32
	weight float64 // sqrt(tf) x norm
}

// add indexes one entry's texts as one document.
func (l *lexicon) add(id string, texts []string) {
	doc := int32(len(l.ids))
	l.ids = append(l.ids, id)
	tf := map[string]int{}
	n := 0
	for _, t := range texts {
		for _, tok := range l.analyzer.Analyze([]byte(t)) {
			tf[string(tok.Term)]++
			n++
		}
	}
	norm := float64(float32(1 / math.Sqrt(float64(n))))
	for term, f := range tf {
		l.postings[term] = append(l.postings[term], posting{doc, math.Sqrt(float64(f)) * norm})
	}
}

// scored is a document and its score.
type scored struct {
	id    string
	score float64
}

// search returns up to k documents for text, best first; equal scores keep index order.
func (l *lexicon) search(text string, k int) []scored {
	toks := l.analyzer.Analyze([]byte(text))
	if len(toks) == 0 {
		return nil
	}
	n := float64(len(l.ids))
	acc := make([]float64, len(l.ids))
	matched := make([]int32, len(l.ids))
	var sumSq float64
	idfs := make([]float64, len(toks))
	for i, tok := range toks {
		idfs[i] = 1 + math.Log(n/float64(len(l.postings[string(tok.Term)])+1))
		sumSq += idfs[i] * idfs[i]
	}
	qnorm := 1 / math.Sqrt(sumSq)
	for i, tok := range toks {
		w := idfs[i] * idfs[i] * qnorm
		for _, p := range l.postings[string(tok.Term)] {
			acc[p.doc] += p.weight * w
			matched[p.doc]++
		}
	}
	// Keep the k best in a small sorted buffer: cheaper than sorting every matched document.
	best := make([]int32, 0, k+1)
	score := func(d int32) float64 { return acc[d] * float64(matched[d]) / float64(len(toks)) }
	for d := range acc {
		if matched[d] == 0 {
			continue
		}
		s := score(int32(d))
		if len(best) == k && s <= score(best[k-1]) {
			continue
		}
		i := len(best)
		best = append(best, int32(d))
		for ; i > 0 && s > score(best[i-1]); i-- {
			best[i] = best[i-1]
		}
		best[i] = int32(d)
		if len(best) > k {
			best = best[:k]
		}
	}
	out := make([]scored, len(best))
	for i, d := range best {
		out[i] = scored{l.ids[d], score(d)}
	}
	return out
}
