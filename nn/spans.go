package nn

import (
	"runtime"

	"github.com/neuromod-go/neuromod/asm"
	"github.com/neuromod-go/neuromod/internal/parallel"
)

// The optimisers' passes over the gradients — the global norm for clipping,
// SGD's update — touch every element of a language model's parameters once
// per step (millions, in memory-bound loops), so they are shared out over
// internal/parallel's helpers. The parts of the gradients a pass visits are
// cut into spans of about spanLen elements in a fixed order (whole rows of a
// row-sparse gradient, chunks of a dense one) that do not depend on the
// thread count: sums are taken per span and then added in span order, so
// GradNorm gives the same bits on any number of threads.

// spanLen is the number of elements of a span: 64 KiB of gradient.
const spanLen = 1 << 14

// spanKind is the work a gradPass does on each span.
type spanKind int

const (
	sumSquares spanKind = iota // sums[span] = Σ g²
	sgdUpdate                  // w ← decay·w − lr·g, then g ← 0
)

// gradPass is one pass of kind over the spans of params.
type gradPass struct {
	kind      spanKind
	params    []*Param
	all       bool      // visit every row, not only those in a row set
	first     []int     // params[i]'s spans are first[i] … first[i+1]−1
	sums      []float64 // sumSquares: per span
	lr, decay float32   // sgdUpdate
	shares    int
}

// passes are the reusable gradPasses, so that a step allocates nothing.
var passes parallel.FreeList[gradPass]

func getPass(kind spanKind) *gradPass {
	g := passes.Get()
	g.kind = kind
	return g
}

// run does the pass over every span of params, on up to GOMAXPROCS threads.
func (g *gradPass) run(params []*Param, all bool) {
	g.params, g.all = params, all
	g.first = append(g.first[:0], 0)
	elems := 0
	for _, p := range params {
		n, rows := p.spanShape(all)
		g.first = append(g.first, g.first[len(g.first)-1]+(n+rows-1)/rows)
		elems += p.Value.Len()
	}
	total := g.first[len(params)]
	if g.kind == sumSquares {
		if cap(g.sums) < total {
			g.sums = make([]float64, total)
		}
		g.sums = g.sums[:total] // every span's sum is set
	}
	g.shares = max(1, min(runtime.GOMAXPROCS(0), total, elems/(4*spanLen)))
	parallel.Run(g.shares, g)
	g.params = nil
}

// spanShape returns the number of units a pass over p visits (rows of a
// row set, else elements) and how many units go in a span.
func (p *Param) spanShape(all bool) (units, perSpan int) {
	if p.rows == nil || all {
		return p.Value.Len(), spanLen
	}
	d := p.Value.Dim(1)
	return len(p.rows.list), max(1, spanLen/d)
}

// RunShare does share w's contiguous range of spans.
func (g *gradPass) RunShare(w int) {
	total := g.first[len(g.params)]
	s0, s1 := w*total/g.shares, (w+1)*total/g.shares
	pi := 0
	for s := s0; s < s1; s++ {
		for s >= g.first[pi+1] {
			pi++
		}
		p := g.params[pi]
		units, per := p.spanShape(g.all)
		u0 := (s - g.first[pi]) * per
		u1 := min(u0+per, units)
		decay := g.decay
		if p.NoDecay {
			decay = 1
		}
		var ss float64
		if p.rows == nil || g.all {
			ss = g.span(p.Value.Data[u0:u1], p.Grad.Data[u0:u1], decay)
		} else {
			d := p.Value.Dim(1)
			for _, r := range p.rows.list[u0:u1] {
				o := int(r) * d
				ss += g.span(p.Value.Data[o:o+d], p.Grad.Data[o:o+d], decay)
			}
		}
		if g.kind == sumSquares {
			g.sums[s] = ss
		}
	}
}

// span does the pass's work on one contiguous piece of a parameter and its
// gradient (sgdUpdate: with the parameter's weight-decay factor decay), and
// returns Σ g² for sumSquares.
func (g *gradPass) span(w, grad []float32, decay float32) float64 {
	if g.kind == sumSquares {
		return float64(asm.SumSquares(grad))
	}
	// Block by block, so that each block of the gradient is still in the
	// L1 cache when it is cleared.
	for i := 0; i < len(w); i += updateBlock {
		j := min(i+updateBlock, len(w))
		if decay != 1 {
			asm.Scale(decay, w[i:j])
		}
		asm.Axpy(-g.lr, grad[i:j], w[i:j])
		clear(grad[i:j])
	}
	return 0
}
