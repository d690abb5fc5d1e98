package kb

import (
	_ "embed"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// t2sTable maps Traditional characters to Simplified ones, a pair a line (t2s.txt says where
// it comes from).
//
//go:embed t2s.txt
var t2sTable string

// parseT2S reads t2sTable. Users write Traditional characters (對帳單, 結算) that the content
// never uses; folding character by character is enough for character n-gram retrieval.
func parseT2S() map[rune]rune {
	m := make(map[rune]rune, 4200)
	for _, line := range strings.Split(t2sTable, "\n") {
		from, to, ok := strings.Cut(line, "\t")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		f, t := []rune(from), []rune(to)
		if len(f) == 1 && len(t) == 1 {
			m[f[0]] = t[0]
		}
	}
	return m
}

// foldWidth turns full-width ASCII (ＡＰＩ, ＋, ０) into its half-width form and the ideographic
// space into a plain one, so "Ｔ＋１" and "T+1" read the same.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

// folder canonicalises text before it is indexed or searched: width, case, 帐→账 and the
// synonym groups. The same folder runs on content and queries, so folding is symmetric.
type folder struct {
	t2s map[rune]rune
	r   *strings.Replacer
}

// baseFolds are the variant spellings users type that no content edit should have to list.
var baseFolds = [][]string{
	{"账", "帐"},
	{"怎么", "咋", "如何", "怎样", "怎么样"},
	{"什么", "啥", "什么样"},
	{"为什么", "为啥", "为何", "凭什么"},
	{"登录", "登陆"},
	{"没有", "木有", "没得", "莫得"},
	{"什么时候", "啥时候", "啥时", "什么时"},
	{"怎么办", "咋整", "咋办", "怎么整"},
}

func newFolder(syn Synonyms) folder {
	var pairs []string
	type pair struct{ from, to string }
	var ps []pair
	seen := map[string]bool{}
	add := func(group []string) {
		if len(group) == 0 {
			return
		}
		canon := group[0]
		// The canonical form maps to itself so that a variant contained in it (账单 in 对账单)
		// does not rewrite it: at any position the longest match wins.
		for _, w := range group {
			w = strings.ToLower(foldWidth(w))
			if w == "" || seen[w] {
				continue
			}
			seen[w] = true
			ps = append(ps, pair{w, canon})
		}
	}
	for _, g := range baseFolds {
		add(g)
	}
	for _, g := range syn.Groups {
		add(g)
	}
	// strings.Replacer prefers earlier pairs at the same position: longest first.
	sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].from) > len(ps[j].from) })
	for _, p := range ps {
		pairs = append(pairs, p.from, p.to)
	}
	return folder{t2s: parseT2S(), r: strings.NewReplacer(pairs...)}
}

func (f folder) fold(s string) string {
	s = strings.Map(func(r rune) rune {
		if t, ok := f.t2s[r]; ok {
			return t
		}
		return r
	}, s)
	return f.r.Replace(strings.ToLower(foldWidth(s)))
}

// fillers carry no topic; they are dropped from the confidence vectors (not from the lexical
// query, where IDF already discounts them).
var fillers = []string{
	"请问", "你好", "您好", "一下", "怎么", "什么", "为什么", "可以", "能不能", "是不是", "有没有",
	"我们", "你们", "我的", "吗", "呢", "了", "的", "啊", "呀", "吧", "么", "嘛", "哦", "哈", "我", "你",
	"要", "想", "在", "是", "有", "就", "还", "都", "这", "那", "个",
}

var fillerReplacer = func() *strings.Replacer {
	var p []string
	fs := append([]string(nil), fillers...)
	sort.SliceStable(fs, func(i, j int) bool { return len(fs[i]) > len(fs[j]) })
	for _, f := range fs {
		p = append(p, f, " ")
	}
	return strings.NewReplacer(p...)
}()

// grams returns the character unigrams and bigrams of folded text, with latin words and
// numbers as single terms. It is the vocabulary of the confidence cosine.
func grams(folded string) map[string]float64 {
	s := fillerReplacer.Replace(folded)
	out := map[string]float64{}
	var prev rune
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			out[word.String()]++
			word.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			out[string(r)]++
			if prev != 0 {
				out[string(prev)+string(r)]++
			}
			prev = r
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+':
			word.WriteRune(r)
			prev = 0
		default:
			flush()
			prev = 0
		}
	}
	flush()
	return out
}

// vector is a sparse TF-IDF vector with its norm.
type vector struct {
	t    []string  // terms, sorted
	w    []float64 // their weights
	norm float64
}

func newVector(g map[string]float64, idf func(string) float64) vector {
	v := vector{t: slices.Sorted(maps.Keys(g))}
	v.w = make([]float64, len(v.t))
	for i, t := range v.t {
		x := math.Sqrt(g[t]) * idf(t)
		v.w[i] = x
		v.norm += x * x
	}
	v.norm = math.Sqrt(v.norm)
	return v
}

// cosine merges the two sorted term lists: a search compares a message (and its windows)
// with every question of the candidates, and maps made that most of its time.
func cosine(a, b vector) float64 {
	if a.norm == 0 || b.norm == 0 {
		return 0
	}
	var dot float64
	for i, j := 0, 0; i < len(a.t) && j < len(b.t); {
		switch {
		case a.t[i] < b.t[j]:
			i++
		case a.t[i] > b.t[j]:
			j++
		default:
			dot += a.w[i] * b.w[j]
			i++
			j++
		}
	}
	return dot / (a.norm * b.norm)
}
