package autodiff

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/tensor"
)

// gradsOf runs f on a fresh tape, back-propagates the gradient seed from its
// output and returns the output's value and copies of the params' gradients.
func gradsOf(f func(t *Tape) *Var, seed tensor.Tensor, params ...*Var) (value []float32, grads [][]float32) {
	var tape Tape
	for _, p := range params {
		p.ZeroGrad()
	}
	y := f(&tape)
	tape.BackwardFrom(y, &seed)
	for _, p := range params {
		grads = append(grads, append([]float32(nil), p.Grad.Data...))
	}
	return append([]float32(nil), y.Value.Data...), grads
}

// TestFusedLSTMCellMatchesComposed compares LSTMCell with the same cell
// built from Slice, Sigmoid, Tanh, Mul and Add: values and gradients agree
// to float32 rounding at every level (the kernels' activations are within 4
// ULP; with them the values differ by about 3e-8, so 2e-6 is a wide margin
// that still catches any wrong term).
func TestFusedLSTMCellMatchesComposed(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(20, 20))
		const b, h = 3, 5
		gates, cPrev := NewParam(randTensor(r, -3, 3, b, 4*h)), param(r, b, h)
		seed := randTensor(r, -1, 1, b, 2*h)

		fused := func(t *Tape) *Var {
			h, c := t.LSTMCell(gates, cPrev)
			return t.Concat(-1, h, c)
		}
		composed := func(t *Tape) *Var {
			i := t.Sigmoid(t.Slice(gates, -1, 0, h))
			f := t.Sigmoid(t.Slice(gates, -1, h, 2*h))
			g := t.Tanh(t.Slice(gates, -1, 2*h, 3*h))
			o := t.Sigmoid(t.Slice(gates, -1, 3*h, 4*h))
			c := t.Add(t.Mul(f, cPrev), t.Mul(i, g))
			return t.Concat(-1, t.Mul(o, t.Tanh(c)), c)
		}
		v1, g1 := gradsOf(fused, seed, gates, cPrev)
		v2, g2 := gradsOf(composed, seed, gates, cPrev)
		assert.InDeltaSlice(t, v2, v1, 2e-6)
		for i := range g1 {
			assert.InDeltaSlice(t, g2[i], g1[i], 2e-6, "gradient of input %d", i)
		}
	})
}

// TestFusedSoftmaxCrossEntropyMatchesComposed compares the fused loss with
// NLL(LogSoftmax(x)): the same to float32 rounding (about 2e-8 here).
func TestFusedSoftmaxCrossEntropyMatchesComposed(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(21, 21))
		logits := NewParam(randTensor(r, -4, 4, 6, 50))
		targets := []int32{0, 49, 7, 7, 30, 1}
		seed := tensor.Zeros()
		seed.Data[0] = 1.5
		v1, g1 := gradsOf(func(t *Tape) *Var { return t.SoftmaxCrossEntropy(logits, targets) }, seed, logits)
		v2, g2 := gradsOf(func(t *Tape) *Var { return t.NLL(t.LogSoftmax(logits), targets) }, seed, logits)
		assert.InDelta(t, v2[0], v1[0], 2e-6)
		assert.InDeltaSlice(t, g2[0], g1[0], 1e-6)
	})
}

func TestNoGradRecordsNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(22, 22))
	w := param(r, 3, 3)
	var tape Tape
	var y *Var
	tape.NoGrad(func() {
		assert.False(t, tape.Recording())
		y = tape.Sum(tape.Tanh(tape.MatMul(w, w, false, true)))
		tape.Record(OpFunc(func() { t.Error("a custom op recorded in NoGrad ran") }))
	})
	assert.True(t, tape.Recording())
	assert.False(t, y.RequiresGrad())
	assert.Empty(t, tape.nodes)
	assert.Nil(t, tape.Reshape(tape.Const(w.Value), 9).Grad.Data)
	assert.PanicsWithValue(t, "autodiff.Backward: the output requires no gradient (no params, or computed in NoGrad)",
		func() { tape.Backward(y) })

	// The same computation recorded gives the same value.
	tape.Reset()
	z := tape.Sum(tape.Tanh(tape.MatMul(w, w, false, true)))
	assert.Equal(t, y.Value.Data[0], z.Value.Data[0])
}

func TestGradientsAccumulateUntilZeroed(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 23))
	w := param(r, 2, 3)
	x := randTensor(r, -1, 1, 4, 2)
	var tape Tape
	step := func() {
		tape.Reset()
		tape.Backward(tape.Sum(tape.Sigmoid(tape.MatMul(tape.Const(x), w, false, false))))
	}
	step()
	once := append([]float32(nil), w.Grad.Data...)
	require.NotZero(t, once[0])
	step()
	for i := range once {
		assert.InDelta(t, 2*once[i], w.Grad.Data[i], 1e-6, "a second Backward adds to the params' gradients")
	}
	assert.Panics(t, func() { tape.Backward(tape.Sum(tape.Tanh(w))) }, "Backward twice without Reset")
	w.ZeroGrad()
	step()
	assert.InDeltaSlice(t, once, w.Grad.Data, 1e-7)
}

func TestBackwardNeedsScalar(t *testing.T) {
	w := NewParam(tensor.Zeros(2))
	var tape Tape
	assert.Panics(t, func() { tape.Backward(tape.Tanh(w)) })
}

// lmStep is a training step of a small LSTM language model on the tape, as
// nn will build it, to measure allocations.
type lmStep struct {
	tape                         Tape
	emb, wih, whh, bias, dec, db *Var
	h0, c0                       tensor.Tensor
	ids, targets                 []int32
	outs                         []*Var
	rng                          *rand.PCG
}

func newLMStep() *lmStep {
	r := rand.New(rand.NewPCG(30, 30))
	const v, e, h, b, steps = 50, 16, 16, 4, 5
	s := &lmStep{
		emb: param(r, v, e), wih: param(r, e, 4*h), whh: param(r, h, 4*h), bias: param(r, 4*h),
		dec: param(r, h, v), db: param(r, v),
		h0: tensor.Zeros(b, h), c0: tensor.Zeros(b, h),
		rng: rand.NewPCG(1, 1),
	}
	for range steps * b {
		s.ids = append(s.ids, int32(r.IntN(v)))
		s.targets = append(s.targets, int32(r.IntN(v)))
	}
	s.outs = make([]*Var, 0, steps)
	return s
}

func (s *lmStep) run() float32 {
	t := &s.tape
	t.Reset()
	b := s.h0.Dim(0)
	x := t.Dropout(t.Embedding(s.emb, s.ids), 0.2, s.rng)
	xp := t.MatMul(x, s.wih, false, false) // all steps' input projections at once
	h, c := t.Const(s.h0), t.Const(s.c0)
	s.outs = s.outs[:0]
	for k := range len(s.ids) / b {
		g := t.Add(t.Add(t.Slice(xp, 0, k*b, (k+1)*b), t.MatMul(h, s.whh, false, false)), s.bias)
		h, c = t.LSTMCell(g, c)
		hc := t.Concat(-1, h, c) // as a plastic layer might join states
		s.outs = append(s.outs, t.Slice(hc, -1, 0, h.Value.Dim(-1)))
	}
	logits := t.Add(t.MatMul(t.Concat(0, s.outs...), s.dec, false, false), s.db)
	loss := t.SoftmaxCrossEntropy(logits, s.targets)
	t.Backward(loss)
	for _, p := range []*Var{s.emb, s.wih, s.whh, s.bias, s.dec, s.db} {
		p.ZeroGrad()
	}
	return loss.Value.Data[0]
}

func TestTrainingStepAllocatesNothing(t *testing.T) {
	s := newLMStep()
	s.run()
	s.run()
	assert.Zero(t, testing.AllocsPerRun(20, func() { s.run() }))
}

func BenchmarkTrainingStep(b *testing.B) {
	s := newLMStep()
	s.run()
	s.run() // the arena merges its first buffers
	b.ReportAllocs()
	for b.Loop() {
		s.run()
	}
}
