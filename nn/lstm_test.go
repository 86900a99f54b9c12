package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/tensor"
)

// lstmFixture is a 2-layer LSTM over 5 steps of 2 streams with random
// parameters, input and nonzero initial states that require gradients.
type lstmFixture struct {
	lstm          *LSTM
	x             *autodiff.Var
	h0, c0        []*autodiff.Var
	steps, batch  int
	in, hid       int
	allParameters []*autodiff.Var // x, the params, then h0 and c0 per layer
}

func newLSTMFixture(seed uint64) *lstmFixture {
	r := rand.New(rand.NewPCG(seed, 7))
	f := &lstmFixture{steps: transposeSteps + 1, batch: 2, in: 3, hid: 4}
	f.lstm = NewLSTM("rnn", f.in, f.hid, 2)
	// Weights of ±0.7 and inputs of ±1 put the gates in their nonlinear range.
	randParams(f.lstm, r, 0.7)
	f.x = leaf(r, -1, 1, f.steps*f.batch, f.in)
	f.allParameters = append([]*autodiff.Var{f.x}, vars(f.lstm.Params())...)
	for range f.lstm.Layers {
		h0, c0 := leaf(r, -0.8, 0.8, f.batch, f.hid), leaf(r, -1.5, 1.5, f.batch, f.hid)
		f.h0, f.c0 = append(f.h0, h0), append(f.c0, c0)
		f.allParameters = append(f.allParameters, h0, c0)
	}
	return f
}

// fused runs the layers' fused segments and returns the last layer's output.
func (f *lstmFixture) fused(t *autodiff.Tape) *autodiff.Var {
	x := f.x
	for k, layer := range f.lstm.Layers {
		x, _, _ = layer.Segment(t, x, f.h0[k], f.c0[k])
	}
	return x
}

// composed is the same computation from autodiff primitives, step by step:
// gates = x_t·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh, then the LSTM cell.
func (f *lstmFixture) composed(t *autodiff.Tape) *autodiff.Var {
	x := f.x
	for k, layer := range f.lstm.Layers {
		h, c := f.h0[k], f.c0[k]
		var outs []*autodiff.Var
		for s := range f.steps {
			xs := t.Slice(x, 0, s*f.batch, (s+1)*f.batch)
			gi := t.Add(t.MatMul(xs, layer.WeightIH.Var, false, true), layer.BiasIH.Var)
			gh := t.Add(t.MatMul(h, layer.WeightHH.Var, false, true), layer.BiasHH.Var)
			h, c = t.LSTMCell(t.Add(gi, gh), c)
			outs = append(outs, h)
		}
		x = t.Concat(0, outs...)
	}
	return x
}

// TestGradLSTMSegment checks the fused segment's hand-written backward pass
// of two stacked layers over several steps, from nonzero initial states,
// against finite differences: input, all parameters and initial states.
func TestGradLSTMSegment(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		f := newLSTMFixture(1)
		checkGrad(t, f.fused, f.allParameters...)
	})
}

// TestGradLSTMForwardCarriedState checks LSTM.Forward, the path training
// takes, from a carried (constant) nonzero state with dropout between the
// layers.
func TestGradLSTMForwardCarriedState(t *testing.T) {
	f := newLSTMFixture(2)
	h := []tensor.Tensor{f.h0[0].Value, f.h0[1].Value}
	c := []tensor.Tensor{f.c0[0].Value, f.c0[1].Value}
	run := func(t *autodiff.Tape) *autodiff.Var {
		// Restore the state each time: Forward replaces it.
		if err := f.lstm.SetState(h, c); err != nil {
			panic(err)
		}
		f.lstm.Dropout = &Dropout{P: 0.3, Training: true, Rng: rand.NewPCG(3, 3)}
		return f.lstm.Forward(t, f.x, f.batch)
	}
	checkGrad(t, run, f.allParameters[:1+len(f.lstm.Params())]...)
}

// TestLSTMSegmentMatchesComposed compares the fused segment with the same
// computation composed from MatMul, Add and LSTMCell per step: outputs and
// the gradients of input, parameters and initial states agree to float32
// rounding (values of order 1 through a few dozen operations; 2e-5 is about
// a hundred roundings, far below any wrong term).
func TestLSTMSegmentMatchesComposed(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		f := newLSTMFixture(4)
		seed := randTensor(rand.New(rand.NewPCG(5, 5)), -1, 1, f.steps*f.batch, f.hid)
		v1, g1 := gradsOf(f.fused, seed, f.allParameters...)
		v2, g2 := gradsOf(f.composed, seed, f.allParameters...)
		assert.InDeltaSlice(t, v2, v1, 2e-5)
		for i := range g1 {
			assert.InDeltaSlice(t, g2[i], g1[i], 2e-5, "gradient of input %d", i)
		}
	})
}

// TestLSTMStateCarry runs two segments one after the other and checks that
// the second continues the first exactly as one long segment would, and that
// no gradient flows from the second segment into the first.
func TestLSTMStateCarry(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	const steps, batch, in, hid = 4, 3, 5, 6
	lstm := NewLSTM("rnn", in, hid, 2)
	randParams(lstm, r, 0.5)
	x := leaf(r, -1, 1, 2*steps*batch, in)

	// One segment of 2T steps.
	var long autodiff.Tape
	lstm.ResetState()
	want := lstm.Forward(&long, x, batch).Value.Slice(steps*batch, 2*steps*batch)
	wantH, wantC := lstm.State()
	wantH, wantC = clones(wantH), clones(wantC)

	// Two segments of T steps on one tape, the loss on the second only.
	var tape autodiff.Tape
	lstm.ResetState()
	x1, x2 := tape.Slice(x, 0, 0, steps*batch), tape.Slice(x, 0, steps*batch, 2*steps*batch)
	lstm.Forward(&tape, x1, batch)
	h1, c1 := lstm.State()
	h1, c1 = clones(h1), clones(c1)
	y2 := lstm.Forward(&tape, x2, batch)
	assert.InDeltaSlice(t, want.Data, y2.Value.Data, 1e-6)
	gotH, gotC := lstm.State()
	for k := range gotH {
		assert.InDeltaSlice(t, wantH[k].Data, gotH[k].Data, 1e-6)
		assert.InDeltaSlice(t, wantC[k].Data, gotC[k].Data, 1e-6)
	}

	ZeroGrad(lstm.Params())
	x.ZeroGrad()
	tape.Backward(tape.Sum(y2))
	for i, g := range x.Grad.Data[:steps*batch*in] {
		require.Zero(t, g, "gradient crossed into the first segment at element %d", i)
	}
	var paramGrads [][]float32
	for _, p := range lstm.Params() {
		paramGrads = append(paramGrads, append([]float32(nil), p.Grad.Data...))
	}

	// The parameters' gradients are those of the second segment alone, run
	// from the first one's final state as a constant.
	ZeroGrad(lstm.Params())
	require.NoError(t, lstm.SetState(h1, c1))
	var alone autodiff.Tape
	xc := alone.Const(x.Value.Slice(steps*batch, 2*steps*batch))
	alone.Backward(alone.Sum(lstm.Forward(&alone, xc, batch)))
	for i, p := range lstm.Params() {
		assert.InDeltaSlice(t, paramGrads[i], p.Grad.Data, 1e-6, p.Name)
	}
}

func clones(ts []tensor.Tensor) []tensor.Tensor {
	out := make([]tensor.Tensor, len(ts))
	for i := range ts {
		out[i] = ts[i].Clone()
	}
	return out
}

func TestLSTMNamesAndLayouts(t *testing.T) {
	lstm := NewLSTM("rnn", 3, 5, 2)
	var names []string
	var shapes [][]int
	for _, p := range lstm.Params() {
		names = append(names, p.Name)
		shapes = append(shapes, p.Value.Shape())
	}
	assert.Equal(t, []string{
		"rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
		"rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
	}, names)
	assert.Equal(t, [][]int{{20, 3}, {20, 5}, {20}, {20}, {20, 5}, {20, 5}, {20}, {20}}, shapes)
}

// TestLSTMGateOrder checks PyTorch's gate order i, f, g, o in the rows of
// the weights on a one-step, one-unit example worked by hand.
func TestLSTMGateOrder(t *testing.T) {
	layer := NewLSTMLayer("rnn", 0, 1, 1)
	// Input 1, zero state: the pre-activations are the rows of W_ih.
	copy(layer.WeightIH.Value.Data, []float32{0.5, -1, 2, 1.5}) // i, f, g, o
	var tape autodiff.Tape
	x := tape.Const(tensor.Zeros(1, 1))
	x.Value.Data[0] = 1
	h0 := tape.Const(tensor.Zeros(1, 1))
	out, _, cT := layer.Segment(&tape, x, h0, h0)
	sig := func(v float64) float64 { return 1 / (1 + exp(-v)) }
	c := sig(0.5) * tanh(2)
	assert.InDelta(t, c, cT.Data[0], 1e-6)
	assert.InDelta(t, sig(1.5)*tanh(c), out.Value.Data[0], 1e-6)
}

func TestLSTMSetStateErrors(t *testing.T) {
	lstm := NewLSTM("rnn", 3, 4, 2)
	ok := tensor.Zeros(2, 4)
	assert.ErrorContains(t, lstm.SetState([]tensor.Tensor{ok}, []tensor.Tensor{ok}), "for 2 layers")
	bad := tensor.Zeros(2, 5)
	assert.ErrorContains(t, lstm.SetState([]tensor.Tensor{ok, bad}, []tensor.Tensor{ok, ok}), "layer 1")
	require.NoError(t, lstm.SetState([]tensor.Tensor{ok, ok}, []tensor.Tensor{ok, ok}))
}

// TestLSTMBatchChange checks that a Forward with another batch size starts
// from a zero state of the new shape, as evaluation at batch 1 after
// training at batch 20 needs.
func TestLSTMBatchChange(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	lstm := NewLSTM("rnn", 2, 3, 2)
	randParams(lstm, r, 0.5)
	var tape autodiff.Tape
	tape.NoGrad(func() { lstm.Forward(&tape, tape.Const(randTensor(r, -1, 1, 4*3, 2)), 3) })
	x := randTensor(r, -1, 1, 4, 2)
	var got, want []float32
	tape.NoGrad(func() { got = lstm.Forward(&tape, tape.Const(x), 1).Value.Data })
	h, _ := lstm.State()
	assert.Equal(t, []int{1, 3}, h[0].Shape())
	fresh := NewLSTM("rnn", 2, 3, 2)
	require.NoError(t, LoadStateDict(fresh, StateDict(lstm)))
	var tape2 autodiff.Tape
	tape2.NoGrad(func() { want = fresh.Forward(&tape2, tape2.Const(x), 1).Value.Data })
	assert.Equal(t, want, got)
}

// TestLSTMShortSegments checks that segments too short for the transposed
// recurrent weights (as in sampling, one step at a time) compute what one
// long segment computes.
func TestLSTMShortSegments(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	const steps, batch = 2 * transposeSteps, 2
	lstm := NewLSTM("rnn", 3, 4, 2)
	randParams(lstm, r, 0.5)
	x := randTensor(r, -1, 1, steps*batch, 3)
	var tape autodiff.Tape
	var want []float32
	tape.NoGrad(func() { want = lstm.Forward(&tape, tape.Const(x), batch).Value.Data })
	lstm.ResetState()
	var got []float32
	for s := range steps {
		tape.Reset()
		tape.NoGrad(func() {
			got = append(got, lstm.Forward(&tape, tape.Const(x.Slice(s*batch, (s+1)*batch)), batch).Value.Data...)
		})
	}
	assert.InDeltaSlice(t, want, got, 1e-6)
}
