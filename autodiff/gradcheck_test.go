package autodiff

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/neuromod-go/neuromod/tensor"
)

// eachLevel runs f at every ISA level the CPU has: the operations call
// kernels whose rounding differs between levels.
func eachLevel(t *testing.T, f func(t *testing.T)) {
	asmtest.ForEachLevel(t, func(t *testing.T, _ cpu.Level) { f(t) })
}

// randTensor returns a tensor with elements uniform in [lo, hi).
func randTensor(r *rand.Rand, lo, hi float32, shape ...int) tensor.Tensor {
	x := tensor.Zeros(shape...)
	for i := range x.Data {
		x.Data[i] = lo + (hi-lo)*r.Float32()
	}
	return x
}

// param returns a param with elements uniform in [-1, 1).
func param(r *rand.Rand, shape ...int) *Var { return NewParam(randTensor(r, -1, 1, shape...)) }

// checkGrad runs CheckGrad and fails the test on a disagreement.
func checkGrad(t *testing.T, f func(t *Tape) *Var, params ...*Var) {
	t.Helper()
	require.NoError(t, CheckGrad(f, params...))
}

func TestGradMatMul(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	const m, k, n = 3, 4, 5
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			a, b := param(r, m, k), param(r, k, n)
			if ta {
				a = param(r, k, m)
			}
			if tb {
				b = param(r, n, k)
			}
			checkGrad(t, func(t *Tape) *Var { return t.MatMul(a, b, ta, tb) }, a, b)
			// A constant operand gets no gradient and must not disturb the other.
			c := a.Value
			checkGrad(t, func(t *Tape) *Var { return t.MatMul(t.Const(c), b, ta, tb) }, b)
		}
	}
}

func TestGradAddSubMul(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	a, b := param(r, 3, 4), param(r, 3, 4)
	bias, bias2 := param(r, 4), param(r, 1, 4)
	x3 := param(r, 2, 3, 4)
	for name, op := range map[string]func(t *Tape, a, b *Var) *Var{
		"add": (*Tape).Add, "sub": (*Tape).Sub, "mul": (*Tape).Mul,
	} {
		t.Run(name, func(tt *testing.T) {
			checkGrad(tt, func(t *Tape) *Var { return op(t, a, b) }, a, b)
			checkGrad(tt, func(t *Tape) *Var { return op(t, a, bias) }, a, bias)
			checkGrad(tt, func(t *Tape) *Var { return op(t, a, bias2) }, a, bias2)
			checkGrad(tt, func(t *Tape) *Var { return op(t, x3, bias) }, x3, bias)
			checkGrad(tt, func(t *Tape) *Var { return op(t, a, a) }, a) // both gradients land on a
		})
	}
}

func TestGradPointwise(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 3))
		x := NewParam(randTensor(r, -3, 3, 4, 5))
		checkGrad(t, func(t *Tape) *Var { return t.Sigmoid(x) }, x)
		checkGrad(t, func(t *Tape) *Var { return t.Tanh(x) }, x)
		checkGrad(t, func(t *Tape) *Var { return t.Scale(x, -1.5) }, x)

		// Keep the inputs of Clamp more than a step away from the bounds, where
		// its derivative jumps.
		c := NewParam(randTensor(r, -2, 2, 4, 5))
		for i, v := range c.Value.Data {
			if v > -1.05 && v < -0.95 || v > 0.45 && v < 0.55 {
				c.Value.Data[i] += 0.2
			}
		}
		checkGrad(t, func(t *Tape) *Var { return t.Clamp(c, -1, 0.5) }, c)
	})
}

func TestGradReductions(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	x := param(r, 3, 4)
	checkGrad(t, func(t *Tape) *Var { return t.Sum(x) }, x)
	checkGrad(t, func(t *Tape) *Var { return t.Mean(t.Mul(x, x)) }, x)
}

func TestGradEmbedding(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	table := param(r, 6, 3)
	ids := []int32{4, 0, 4, 5, 4} // repeated ids must accumulate
	checkGrad(t, func(t *Tape) *Var { return t.Embedding(table, ids) }, table)
	assert.Panics(t, func() {
		var tape Tape
		tape.Embedding(table, []int32{6})
	})
}

func TestGradConcatSliceReshape(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	a, b, c := param(r, 2, 3), param(r, 2, 1), param(r, 2, 4)
	checkGrad(t, func(t *Tape) *Var { return t.Concat(-1, a, b, c) }, a, b, c)
	d := param(r, 3, 3)
	checkGrad(t, func(t *Tape) *Var { return t.Concat(0, a, d, a) }, a, d)
	x := param(r, 4, 6)
	checkGrad(t, func(t *Tape) *Var { return t.Slice(x, -1, 2, 5) }, x)
	checkGrad(t, func(t *Tape) *Var { return t.Slice(x, 0, 1, 3) }, x)
	checkGrad(t, func(t *Tape) *Var {
		// Two overlapping views of x: both gradients land on x.
		return t.Mul(t.Slice(x, 0, 0, 2), t.Reshape(t.Slice(x, 0, 2, 4), 2, 6))
	}, x)
	checkGrad(t, func(t *Tape) *Var { return t.Tanh(t.Reshape(x, 3, -1)) }, x)

	// Rank 3, as [T, B, H] sequences are.
	p, q := param(r, 2, 3, 2), param(r, 2, 3, 1)
	checkGrad(t, func(t *Tape) *Var { return t.Concat(-1, p, q, p) }, p, q)
	checkGrad(t, func(t *Tape) *Var { return t.Concat(0, p, p) }, p)
	checkGrad(t, func(t *Tape) *Var { return t.Slice(p, -1, 1, 2) }, p)
	var tape Tape
	assert.Equal(t, []int{2, 3, 3}, tape.Concat(-1, p, q).Value.Shape())
	assert.Equal(t, []int{2, 3, 1}, tape.Slice(p, -1, 0, 1).Value.Shape())
	assert.Panics(t, func() { tape.Concat(-1, p, a) })
	assert.Panics(t, func() { tape.Concat(0, p, q) })
	assert.Panics(t, func() { tape.Slice(p, -1, 1, 3) })
}

func TestGradDropout(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	x := param(r, 5, 8)
	var tape Tape
	y := tape.Dropout(x, 0.5, rand.NewPCG(1, 2))
	zeros := 0
	for i, v := range y.Value.Data {
		if v == 0 {
			zeros++
		} else {
			require.InDelta(t, 2*x.Value.Data[i], v, 1e-6, "kept elements are scaled by 1/(1-p)")
		}
	}
	assert.InDelta(t, 20, zeros, 10, "about half the elements are dropped")
	checkGrad(t, func(t *Tape) *Var { return t.Dropout(x, 0.3, rand.NewPCG(1, 2)) }, x)
	assert.Same(t, x, tape.Dropout(x, 0, nil), "p = 0 is the identity")
}

func TestGradLoss(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(8, 8))
		logits := NewParam(randTensor(r, -2, 2, 4, 7))
		targets := []int32{0, 6, 3, 3}
		checkGrad(t, func(t *Tape) *Var { return t.LogSoftmax(logits) }, logits)
		checkGrad(t, func(t *Tape) *Var { return t.NLL(logits, targets) }, logits)
		checkGrad(t, func(t *Tape) *Var { return t.SoftmaxCrossEntropy(logits, targets) }, logits)
		checkGrad(t, func(t *Tape) *Var { return t.NLL(t.LogSoftmax(logits), targets) }, logits)
	})
}

func TestGradLSTMCell(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 9))
		const b, h = 3, 4
		gates, cPrev := NewParam(randTensor(r, -2, 2, b, 4*h)), param(r, b, h)
		checkGrad(t, func(t *Tape) *Var {
			h, c := t.LSTMCell(gates, cPrev)
			return t.Concat(-1, h, c)
		}, gates, cPrev)
		// Only h used: c's gradient is zero and must not break the cell.
		checkGrad(t, func(t *Tape) *Var {
			h, _ := t.LSTMCell(gates, cPrev)
			return h
		}, gates, cPrev)
	})
}

// TestGradLSTMStep checks a whole step of a small LSTM language model:
// embedding, input and recurrent projections, bias, two cells in time,
// decoder and loss.
func TestGradLSTMStep(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(10, 10))
		const v, e, h, b = 7, 3, 4, 2
		emb, wih, whh := param(r, v, e), param(r, e, 4*h), param(r, h, 4*h)
		bias, dec, decB := param(r, 4*h), param(r, h, v), param(r, v)
		ids := [][]int32{{1, 5}, {6, 0}}
		targets := []int32{5, 2, 0, 3}
		h0, c0 := randTensor(r, -1, 1, b, h), randTensor(r, -1, 1, b, h)
		checkGrad(t, func(t *Tape) *Var {
			hs, c := t.Const(h0), t.Const(c0)
			var outs []*Var
			for _, step := range ids {
				x := t.Embedding(emb, step)
				g := t.Add(t.Add(t.MatMul(x, wih, false, false), t.MatMul(hs, whh, false, false)), bias)
				hs, c = t.LSTMCell(g, c)
				outs = append(outs, hs)
			}
			logits := t.Add(t.MatMul(t.Concat(0, outs...), dec, false, false), decB)
			return t.SoftmaxCrossEntropy(logits, targets)
		}, emb, wih, whh, bias, dec, decB)
	})
}

// square is a custom op y = x² whose backward is off by factor: 1 is right.
type square struct {
	x, y   *Var
	factor float32
}

func (s *square) Backward() {
	for i, v := range s.x.Value.Data {
		s.x.Grad.Data[i] += s.factor * 2 * v * s.y.Grad.Data[i]
	}
}

func (s *square) forward(t *Tape, x *Var, factor float32) *Var {
	val := t.Arena().Alloc(x.Value.Shape()...)
	tensor.Mul(&val, &x.Value, &x.Value)
	*s = square{x: x, y: t.Output(val, x), factor: factor}
	if s.y.RequiresGrad() {
		t.Record(s)
	}
	return s.y
}

func TestCheckGradCatchesWrongGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	x := param(r, 3, 4)
	var op square
	checkGrad(t, func(t *Tape) *Var { return op.forward(t, x, 1) }, x)

	err := CheckGrad(func(t *Tape) *Var { return op.forward(t, x, 1.02) }, x)
	require.Error(t, err, "a gradient 2% off must fail the check")
	assert.Contains(t, err.Error(), "analytic gradient")

	// The same with an OpFunc and a sign error.
	err = CheckGrad(func(t *Tape) *Var {
		val := t.Arena().Alloc(x.Value.Shape()...)
		tensor.Scale(&val, 3, &x.Value)
		y := t.Output(val, x)
		t.Record(OpFunc(func() { tensor.AddScaled(&x.Grad, -3, &y.Grad) }))
		return y
	}, x)
	require.Error(t, err, "a gradient of the wrong sign must fail the check")
}

// TestDropoutMaskMatchesFloat32 checks that the mask is the one drawn with
// rng.Float32() < p, element for element, so that training runs (and their
// checkpoints) do not depend on how the mask is computed.
func TestDropoutMaskMatchesFloat32(t *testing.T) {
	ps := []float32{1e-9, 0.1, 0.2, 0.3, 0.5, 0.65, 1 - 1.0/(1<<24), 0.999}
	// Thresholds at the draws themselves, and one ulp above, hit the
	// boundary of the comparison.
	draws := rand.New(rand.NewPCG(3, 4))
	for range 8 {
		f := draws.Float32()
		if f > 0 {
			ps = append(ps, f, math.Nextafter32(f, 1))
		}
	}
	for _, p := range ps {
		var tape Tape
		x := tape.Const(tensor.Zeros(4097))
		for i := range x.Value.Data {
			x.Value.Data[i] = 1
		}
		y := tape.Dropout(x, p, rand.NewPCG(3, 4))
		ref := rand.New(rand.NewPCG(3, 4))
		keep := 1 / (1 - p)
		for i, v := range y.Value.Data {
			want := keep
			if ref.Float32() < p {
				want = 0
			}
			require.Equal(t, want, v, "p=%v element %d", p, i)
		}
	}
}
