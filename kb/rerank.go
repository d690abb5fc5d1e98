package kb

import (
	"cmp"
	"hash/fnv"
	"maps"
	"math"
	"slices"
)

// model is a multinomial logistic regression from a message's character n-grams to the entry
// it asks about, trained at Build on the entries' own questions. It sees the knowledge base
// the way bleve does not: which words tell entries apart, rather than which words are rare.
type model struct {
	feat    map[string]int // n-gram → row of w
	classes []string       // entry ids, in class order
	w       []float32      // len(feat) × len(classes), row-major
	bias    []float32
}

// minFeatureCount is how many training questions an n-gram must be in to be a feature.
const minFeatureCount = 2

// example is one training question: its features and its class.
type example struct {
	x     []int
	v     []float32
	class int
	key   uint64 // identifies the question whatever else the content holds
	order uint64 // the example's place in the current epoch
}

// trainModel fits the model by stochastic gradient descent with a fixed seed, so a build is
// reproducible. It reads and writes only memory of its own, and the race detector made it
// twenty times slower (a test binary built with -race spent half a minute building one index),
// so it is not instrumented.
//
//go:norace
func trainModel(docs map[string][]map[string]float64, ids []string, epochs int, lr, l2 float32) *model {
	m := &model{feat: map[string]int{}, classes: ids}
	// An n-gram of a single question says nothing the other questions can confirm; leaving
	// such n-grams out halves the weights.
	seen := map[string]int{}
	for _, id := range ids {
		for _, g := range docs[id] {
			for t := range g {
				seen[t]++
			}
		}
	}
	// Rows in n-gram order and features in row order: the sums, and so the model, are the
	// same at every build.
	for _, t := range slices.Sorted(maps.Keys(seen)) {
		if seen[t] >= minFeatureCount {
			m.feat[t] = len(m.feat)
		}
	}
	var exs []example
	for c, id := range ids {
		for _, g := range docs[id] {
			ex := example{class: c, key: questionKey(id, g)}
			ex.x, ex.v = m.features(g)
			if len(ex.x) > 0 {
				exs = append(exs, ex)
			}
		}
	}
	nc := len(ids)
	m.w = make([]float32, len(m.feat)*nc)
	m.bias = make([]float32, nc)
	p := make([]float32, nc)
	var active []int
	for ep := range epochs {
		// Each epoch visits the questions in an order drawn from their own keys, not from
		// their positions: a question added or removed anywhere in the content then moves
		// only itself, and does not reshuffle (and retrain differently) every other one.
		seed := uint64(ep+1) * 0x9e3779b97f4a7c15
		for i := range exs {
			exs[i].order = mix(exs[i].key ^ seed)
		}
		slices.SortFunc(exs, func(a, b example) int { return cmp.Compare(a.order, b.order) })
		eta := lr / float32(1+ep)
		for _, ex := range exs {
			m.logits(ex.x, ex.v, p)
			softmax(p)
			p[ex.class]--
			// Most classes have a negligible gradient: update only the others (and decay
			// the rows touched), which makes training several times faster.
			active = active[:0]
			for c, g := range p {
				if g > 1e-3 || g < -1e-3 {
					active = append(active, c)
				}
			}
			for k, f := range ex.x {
				row := m.w[f*nc : (f+1)*nc]
				g := eta * ex.v[k]
				for _, c := range active {
					row[c] -= g*p[c] + eta*l2*row[c]
				}
			}
			for _, c := range active {
				m.bias[c] -= eta * p[c]
			}
		}
	}
	return m
}

// questionKey hashes an entry id and a question's n-grams.
func questionKey(id string, g map[string]float64) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	for _, t := range slices.Sorted(maps.Keys(g)) {
		h.Write([]byte{0})
		h.Write([]byte(t))
	}
	return h.Sum64()
}

// mix is splitmix64's finaliser: it spreads keys that differ in a few bits.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// features maps n-grams to rows, in row order; values are scaled to unit length.
func (m *model) features(g map[string]float64) ([]int, []float32) {
	var x []int
	for t := range g {
		if f, ok := m.feat[t]; ok {
			x = append(x, f)
		}
	}
	slices.Sort(x)
	tf := make(map[int]float64, len(x))
	for t, n := range g {
		if f, ok := m.feat[t]; ok {
			tf[f] = n
		}
	}
	v := make([]float32, len(x))
	var norm float64
	for i, f := range x {
		v[i] = float32(math.Sqrt(tf[f]))
		norm += tf[f]
	}
	if norm > 0 {
		s := float32(1 / math.Sqrt(norm))
		for i := range v {
			v[i] *= s
		}
	}
	return x, v
}

//go:norace
func (m *model) logits(x []int, v []float32, out []float32) {
	nc := len(m.classes)
	out = out[:nc]
	copy(out, m.bias)
	for k, f := range x {
		row := m.w[f*nc : (f+1)*nc]
		row = row[:len(out)]
		vk := v[k]
		for c, w := range row {
			out[c] += vk * w
		}
	}
}

//go:norace
func softmax(p []float32) {
	mx := p[0]
	for _, x := range p {
		mx = max(mx, x)
	}
	var sum float32
	for i, x := range p {
		if x-mx < -20 { // below float32 precision next to the largest
			p[i] = 0
			continue
		}
		p[i] = float32(math.Exp(float64(x - mx)))
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
}

// predict returns the probability of every class for the n-grams g.
func (m *model) predict(g map[string]float64) []float32 {
	x, v := m.features(g)
	p := make([]float32, len(m.classes))
	m.logits(x, v, p)
	softmax(p)
	return p
}

// top returns the k most probable classes, best first; equal probabilities keep class order.
func top(p []float32, k int) []int {
	best := make([]int, 0, k+1)
	for c, x := range p {
		if len(best) == k && x <= p[best[k-1]] {
			continue
		}
		i := len(best)
		best = append(best, c)
		for ; i > 0 && x > p[best[i-1]]; i-- {
			best[i] = best[i-1]
		}
		best[i] = c
		if len(best) > k {
			best = best[:k]
		}
	}
	return best
}
