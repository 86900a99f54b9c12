package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/autodiff"
)

func TestGradEmbedding(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	e := NewEmbedding("encoder", 5, 3)
	randParams(e, r, 1)
	tokens := []int32{4, 0, 4, 2, 2, 2} // repeats must accumulate
	checkGrad(t, func(t *autodiff.Tape) *autodiff.Var { return e.Forward(t, tokens) }, e.Weight.Var)
	assert.Equal(t, "encoder.weight", e.Weight.Name)
	assert.Equal(t, []int{5, 3}, e.Weight.Value.Shape())
}

func TestGradLinear(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(2, 2))
		l := NewLinear("decoder", 4, 3)
		randParams(l, r, 1)
		x := leaf(r, -1, 1, 5, 4)
		checkGrad(t, func(t *autodiff.Tape) *autodiff.Var { return l.Forward(t, x) }, x, l.Weight.Var, l.Bias.Var)
		// A constant input takes no gradient and must not disturb the others.
		checkGrad(t, func(t *autodiff.Tape) *autodiff.Var { return l.Forward(t, t.Const(x.Value)) }, l.Weight.Var, l.Bias.Var)
	})
}

// TestLinearLayout checks y = x·Wᵀ + b with W in PyTorch's [out, in] layout
// on numbers worked by hand.
func TestLinearLayout(t *testing.T) {
	l := NewLinear("fc", 2, 3)
	copy(l.Weight.Value.Data, []float32{1, 2, 3, 4, 5, 6}) // rows are outputs
	copy(l.Bias.Value.Data, []float32{0.5, -1, 2})
	var tape autodiff.Tape
	x := tape.Const(randTensor(rand.New(rand.NewPCG(0, 0)), 0, 0, 1, 2))
	copy(x.Value.Data, []float32{1, -1})
	y := l.Forward(&tape, x)
	assert.Equal(t, []float32{1 - 2 + 0.5, 3 - 4 - 1, 5 - 6 + 2}, y.Value.Data)
	assert.Equal(t, []string{"fc.weight", "fc.bias"}, []string{l.Params()[0].Name, l.Params()[1].Name})
}

func TestGradCrossEntropy(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 3))
		l := NewLinear("decoder", 4, 7)
		randParams(l, r, 1)
		x := leaf(r, -1, 1, 6, 4)
		targets := []int32{0, 6, 3, 3, 1, 5}
		f := func(t *autodiff.Tape) *autodiff.Var {
			loss, _ := l.CrossEntropy(t, x, targets)
			// Scale the loss: a non-unit upstream gradient must reach the params.
			return t.Scale(loss, 3)
		}
		checkGrad(t, f, x, l.Weight.Var, l.Bias.Var)
	})
}

// TestCrossEntropyMatchesComposed compares the fused decoder and loss with
// Linear.Forward followed by LogSoftmax and NLL: values and gradients agree
// to float32 rounding (the loss is a mean of terms of order 1; 1e-5 is a
// margin of about a hundred roundings that any wrong term exceeds).
func TestCrossEntropyMatchesComposed(t *testing.T) {
	eachLevel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(4, 4))
		l := NewLinear("decoder", 5, 9)
		randParams(l, r, 1)
		x := leaf(r, -1, 1, 8, 5)
		targets := ids(r, 8, 9)
		seed := randTensor(r, 0.5, 2) // a scalar
		var total float64
		fused := func(t *autodiff.Tape) *autodiff.Var {
			loss, tot := l.CrossEntropy(t, x, targets)
			total = tot
			return loss
		}
		composed := func(t *autodiff.Tape) *autodiff.Var {
			return t.NLL(t.LogSoftmax(l.Forward(t, x)), targets)
		}
		ps := []*autodiff.Var{x, l.Weight.Var, l.Bias.Var}
		v1, g1 := gradsOf(fused, seed, ps...)
		v2, g2 := gradsOf(composed, seed, ps...)
		assert.InDelta(t, v2[0], v1[0], 1e-5)
		assert.InDelta(t, float64(v2[0])*8, total, 1e-4)
		for i := range g1 {
			assert.InDeltaSlice(t, g2[i], g1[i], 1e-5, "gradient of input %d", i)
		}
	})
}

func TestGradDropout(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	l := NewLinear("fc", 4, 6)
	randParams(l, r, 1)
	x := leaf(r, -1, 1, 5, 4)
	f := func(t *autodiff.Tape) *autodiff.Var {
		// The mask must be the same at every evaluation: seed it here.
		d := Dropout{P: 0.4, Training: true, Rng: rand.NewPCG(9, 9)}
		return l.Forward(t, d.Forward(t, x))
	}
	checkGrad(t, f, x, l.Weight.Var, l.Bias.Var)
}

func TestDropoutTrainEval(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	var tape autodiff.Tape
	x := tape.Const(randTensor(r, 1, 2, 100, 100))
	d := Dropout{P: 0.3, Rng: rand.NewPCG(1, 2)}
	assert.Same(t, x, d.Forward(&tape, x), "evaluation passes the input through")
	d.Training = true
	y := d.Forward(&tape, x)
	require.NotSame(t, x, y)
	zeros := 0
	for i, v := range y.Value.Data {
		if v == 0 {
			zeros++
		} else {
			assert.InDelta(t, x.Value.Data[i]/0.7, v, 1e-6)
		}
	}
	// 10 000 Bernoulli(0.3) draws: mean 3000, standard deviation 46.
	assert.InDelta(t, 3000, zeros, 250)
	d.P = 0
	assert.Same(t, x, d.Forward(&tape, x), "p = 0 passes the input through")
}
