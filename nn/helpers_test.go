package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/neuromod-go/neuromod/tensor"
)

// eachLevel runs f at every ISA level the CPU has: the layers call kernels
// whose rounding differs between levels.
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

// randParams fills the params of m uniformly in [-scale, scale).
func randParams(m Module, r *rand.Rand, scale float32) { InitUniform(m, scale, r) }

// leaf returns an autodiff param with elements uniform in [lo, hi).
func leaf(r *rand.Rand, lo, hi float32, shape ...int) *autodiff.Var {
	return autodiff.NewParam(randTensor(r, lo, hi, shape...))
}

// vars returns the autodiff leaves of params.
func vars(params []*Param) []*autodiff.Var {
	vs := make([]*autodiff.Var, len(params))
	for i, p := range params {
		vs[i] = p.Var
	}
	return vs
}

// checkGrad runs autodiff.CheckGrad and fails the test on a disagreement.
func checkGrad(t *testing.T, f func(t *autodiff.Tape) *autodiff.Var, params ...*autodiff.Var) {
	t.Helper()
	require.NoError(t, autodiff.CheckGrad(f, params...))
}

// gradsOf runs f on a fresh tape, back-propagates seed from its output and
// returns copies of the output's value and of the gradients of params.
func gradsOf(f func(t *autodiff.Tape) *autodiff.Var, seed tensor.Tensor, params ...*autodiff.Var) (value []float32, grads [][]float32) {
	var tape autodiff.Tape
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

// ids returns n token ids uniform in [0, vocab).
func ids(r *rand.Rand, n, vocab int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(r.IntN(vocab))
	}
	return s
}

func exp(v float64) float64  { return math.Exp(v) }
func tanh(v float64) float64 { return math.Tanh(v) }
