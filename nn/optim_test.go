package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/tensor"
)

// paramOf returns a param holding value with gradient grad.
func paramOf(name string, value, grad []float32) *Param {
	p := NewParam(name, len(value))
	copy(p.Value.Data, value)
	copy(p.Grad.Data, grad)
	return p
}

func TestScheduleZaremba(t *testing.T) {
	small := Schedule{Base: 1, Decay: 0.5, DecayStart: 5}
	var got []float64
	for e := 1; e <= 13; e++ {
		got = append(got, small.LR(e))
	}
	assert.Equal(t, []float64{1, 1, 1, 1, 0.5, 0.25, 0.125, 1. / 16, 1. / 32, 1. / 64, 1. / 128, 1. / 256, 1. / 512}, got)

	medium := Schedule{Base: 1, Decay: 0.8, DecayStart: 7}
	assert.Equal(t, 1.0, medium.LR(6))
	assert.InDelta(t, 0.8, medium.LR(7), 1e-15)
	assert.InDelta(t, 0.64, medium.LR(8), 1e-15)
	assert.InDelta(t, math.Pow(0.8, 33), medium.LR(39), 1e-15)
}

func TestSGDStep(t *testing.T) {
	p := paramOf("w", []float32{2, -1}, []float32{0.5, 0.25})
	(&SGD{LR: 0.1}).Step([]*Param{p})
	assert.Equal(t, []float32{2 - 0.05, -1 - 0.025}, p.Value.Data)
	assert.Equal(t, []float32{0, 0}, p.Grad.Data, "Step zeroes the gradients")
}

// TestSGDWeightDecay: L2 adds λ·p to the gradient, p − lr·(g + λp).
func TestSGDWeightDecay(t *testing.T) {
	p := paramOf("w", []float32{2, -1}, []float32{0.5, 0.25})
	(&SGD{LR: 0.1, WeightDecay: 0.01}).Step([]*Param{p})
	assert.InDelta(t, 2-0.1*(0.5+0.01*2), p.Value.Data[0], 1e-6)
	assert.InDelta(t, -1-0.1*(0.25-0.01), p.Value.Data[1], 1e-6)
}

// TestNoDecay: a Param.NoDecay takes the plain step under weight decay, in
// SGD (large enough to be split into spans) and Adam, while the others
// still decay.
func TestNoDecay(t *testing.T) {
	const n = 3*updateBlock + 5
	mk := func() (kept, decayed *Param) {
		kept, decayed = NewParam("kept", n), NewParam("decayed", n)
		for i := range n {
			kept.Value.Data[i], kept.Grad.Data[i] = 1, 0.5
			decayed.Value.Data[i], decayed.Grad.Data[i] = 1, 0.5
		}
		kept.NoDecay = true
		return kept, decayed
	}
	kept, decayed := mk()
	(&SGD{LR: 0.1, WeightDecay: 0.2}).Step([]*Param{kept, decayed})
	for i := range n {
		require.Equal(t, float32(1-0.1*0.5), kept.Value.Data[i], "SGD, kept[%d]", i)
		require.InDelta(t, 1-0.1*(0.5+0.2), decayed.Value.Data[i], 1e-6, "SGD, decayed[%d]", i)
	}

	// Adam, with zero gradients: only the decay moves a parameter.
	kept = paramOf("kept", []float32{1, -2}, []float32{0, 0})
	decayed = paramOf("decayed", []float32{1, -2}, []float32{0, 0})
	kept.NoDecay = true
	opt := NewAdam(0.1)
	opt.WeightDecay = 0.2
	opt.Step([]*Param{kept, decayed})
	require.Equal(t, []float32{1, -2}, kept.Value.Data, "Adam, kept")
	require.InDeltaSlice(t, []float32{0.9, -1.9}, decayed.Value.Data, 1e-6, "Adam, decayed")
}

func TestClipGradNorm(t *testing.T) {
	mk := func() []*Param {
		return []*Param{paramOf("a", []float32{0, 0}, []float32{3, 4}), paramOf("b", []float32{0}, []float32{-12})}
	}
	// Global norm √(9+16+144) = 13; clipping to 6.5 halves every gradient.
	ps := mk()
	assert.Equal(t, 13.0, ClipGradNorm(ps, 6.5))
	assert.Equal(t, []float32{1.5, 2}, ps[0].Grad.Data)
	assert.Equal(t, []float32{-6}, ps[1].Grad.Data)

	// Scaled exactly onto the bound for a norm that is not a round number.
	ps = mk()
	ClipGradNorm(ps, 1)
	assert.InDelta(t, 1, ClipGradNorm(ps, 0), 1e-7, "the clipped norm is maxNorm")

	// Within the bound, or with maxNorm ≤ 0, the gradients are untouched.
	for _, maxNorm := range []float64{13, 20, 0} {
		ps = mk()
		assert.Equal(t, 13.0, ClipGradNorm(ps, maxNorm))
		assert.Equal(t, []float32{3, 4}, ps[0].Grad.Data)
		assert.Equal(t, []float32{-12}, ps[1].Grad.Data)
	}

	// A NaN norm is reported, not spread.
	ps = mk()
	ps[1].Grad.Data[0] = float32(math.NaN())
	assert.True(t, math.IsNaN(ClipGradNorm(ps, 1)))
	assert.Equal(t, []float32{3, 4}, ps[0].Grad.Data)
}

// TestStepScaledIsClipThenStep checks that GradNorm, ClipFactor and
// StepScaled update as ClipGradNorm followed by Step does, with and without
// weight decay, for SGD and Adam.
func TestStepScaledIsClipThenStep(t *testing.T) {
	mk := func() []*Param {
		big := NewParam("big", 3*updateBlock+5) // several blocks and a tail
		for i := range big.Value.Data {
			big.Value.Data[i] = float32(i%7) - 3
			big.Grad.Data[i] = float32(i%5) - 2
		}
		return []*Param{big, paramOf("b", []float32{1, -1}, []float32{30, 40})}
	}
	for _, wd := range []float32{0, 0.1} {
		a, b := mk(), mk()
		norm := ClipGradNorm(a, 2)
		(&SGD{LR: 0.5, WeightDecay: wd}).Step(a)
		assert.Equal(t, norm, GradNorm(b))
		(&SGD{LR: 0.5, WeightDecay: wd}).StepScaled(b, ClipFactor(GradNorm(b), 2))
		for i := range a {
			assert.InDeltaSlice(t, a[i].Value.Data, b[i].Value.Data, 1e-6)
			assert.Zero(t, GradNorm(b), "gradients zeroed")
		}

		a, b = mk(), mk()
		ClipGradNorm(a, 2)
		NewAdam(0.1).Step(a)
		NewAdam(0.1).StepScaled(b, ClipFactor(GradNorm(b), 2))
		for i := range a {
			assert.InDeltaSlice(t, a[i].Value.Data, b[i].Value.Data, 1e-6)
		}
	}
	assert.Equal(t, float32(0.5), ClipFactor(10, 5))
	assert.Equal(t, float32(1), ClipFactor(4, 5))
	assert.Equal(t, float32(1), ClipFactor(10, 0))
	assert.Equal(t, float32(1), ClipFactor(math.Inf(1), 5))
	assert.Equal(t, float32(1), ClipFactor(math.NaN(), 5))
}

// adamRef is Adam on one scalar in float64, written from the paper with
// PyTorch's placement of ε.
type adamRef struct{ m, v float64 }

func (a *adamRef) step(w, g float64, step int, lr, b1, b2, eps, wd float64) float64 {
	g += wd * w
	a.m = b1*a.m + (1-b1)*g
	a.v = b2*a.v + (1-b2)*g*g
	mHat := a.m / (1 - math.Pow(b1, float64(step)))
	return w - lr*mHat/(math.Sqrt(a.v)/math.Sqrt(1-math.Pow(b2, float64(step)))+eps)
}

func TestAdamStep(t *testing.T) {
	p := paramOf("w", []float32{1, -2}, []float32{0.5, 0.1})
	opt := NewAdam(0.1)
	opt.Step([]*Param{p})
	// The first step moves every element by lr against its gradient's sign:
	// m̂ = g and √v̂ = |g|.
	assert.InDeltaSlice(t, []float32{0.9, -2.1}, p.Value.Data, 1e-6)
	assert.Equal(t, []float32{0, 0}, p.Grad.Data)
	assert.Equal(t, 1, opt.Steps)

	// Two more steps against the float64 reference, with weight decay.
	opt.WeightDecay = 0.05
	ref := []adamRef{{m: 0.05, v: 0.001 * 0.25}, {m: 0.01, v: 0.001 * 0.01}}
	want := []float64{0.9, -2.1}
	for step, grads := range [][]float32{{-0.2, 0.3}, {0.7, -0.05}} {
		copy(p.Grad.Data, grads)
		opt.Step([]*Param{p})
		for i := range want {
			want[i] = ref[i].step(want[i], float64(grads[i]), step+2, 0.1, 0.9, 0.999, 1e-8, 0.05)
		}
		assert.InDeltaSlice(t, want, toFloat64(p.Value.Data), 2e-6)
	}
}

func toFloat64(s []float32) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v)
	}
	return out
}

func TestAdamStateDict(t *testing.T) {
	mk := func() []*Param {
		return []*Param{paramOf("a", []float32{1, 2}, nil), paramOf("b", []float32{3}, nil)}
	}
	grads := [][]float32{{0.1, -0.2}, {0.3}}
	setGrads := func(ps []*Param) {
		for i, p := range ps {
			copy(p.Grad.Data, grads[i])
		}
	}
	ps, opt := mk(), NewAdam(0.01)
	for range 3 {
		setGrads(ps)
		opt.Step(ps)
	}
	saved := opt.StateDict(ps)
	assert.Len(t, saved, 4)
	assert.Contains(t, saved, "exp_avg.a")
	assert.Contains(t, saved, "exp_avg_sq.b")

	// A fresh optimiser loaded from the state continues identically.
	ps2 := mk()
	for i := range ps {
		copy(ps2[i].Value.Data, ps[i].Value.Data)
	}
	opt2 := NewAdam(0.01)
	require.NoError(t, opt2.LoadStateDict(ps2, saved))
	opt2.Steps = opt.Steps
	setGrads(ps)
	opt.Step(ps)
	setGrads(ps2)
	opt2.Step(ps2)
	for i := range ps {
		assert.Equal(t, ps[i].Value.Data, ps2[i].Value.Data)
	}

	delete(saved, "exp_avg.a")
	saved["exp_avg.c"] = tensor.Zeros(1)
	saved["exp_avg_sq.b"] = tensor.Zeros(2)
	err := NewAdam(0.01).LoadStateDict(ps, saved)
	require.Error(t, err)
	assert.ErrorContains(t, err, "missing: exp_avg.a")
	assert.ErrorContains(t, err, "unexpected: exp_avg.c")
	assert.ErrorContains(t, err, "exp_avg_sq.b is [2], want [1]")
}

// TestSparseEmbeddingUpdates checks that visiting only the embedding rows a
// step touched gives the updates of the dense computation, for SGD with and
// without weight decay and for Adam, over steps whose tokens differ.
func TestSparseEmbeddingUpdates(t *testing.T) {
	const vocab, steps, batch = 40, 3, 2
	cfg := LMConfig{Vocab: vocab, Embed: 4, Hidden: 5, Layers: 1, InitScale: 0.3, Seed: 3}
	for _, name := range []string{"sgd", "sgd+l2", "adam"} {
		t.Run(name, func(t *testing.T) {
			sparse, dense := newTestLM(t, cfg), newTestLM(t, cfg)
			dense.Encoder.Weight.rows = nil
			step := func(m *LM, opt interface {
				StepScaled([]*Param, float32)
			}, in, tg []int32) float64 {
				var tape autodiff.Tape
				tape.Backward(m.Forward(&tape, in, tg, steps, batch))
				ps := m.Params()
				norm := GradNorm(ps)
				opt.StepScaled(ps, ClipFactor(norm, 0.1))
				return norm
			}
			var o1, o2 interface{ StepScaled([]*Param, float32) }
			switch name {
			case "sgd":
				o1, o2 = &SGD{LR: 1}, &SGD{LR: 1}
			case "sgd+l2":
				o1, o2 = &SGD{LR: 1, WeightDecay: 0.1}, &SGD{LR: 1, WeightDecay: 0.1}
			case "adam":
				o1, o2 = NewAdam(0.01), NewAdam(0.01)
			}
			r := rand.New(rand.NewPCG(7, 7))
			for range 4 {
				in, tg := ids(r, steps*batch, vocab), ids(r, steps*batch, vocab)
				assert.InDelta(t, step(dense, o2, in, tg), step(sparse, o1, in, tg), 1e-6)
				assert.Empty(t, sparse.Encoder.Weight.rows.list, "the row set is cleared with the gradient")
				for i, p := range sparse.Params() {
					assert.InDeltaSlice(t, dense.Params()[i].Value.Data, p.Value.Data, 1e-6, p.Name)
					assert.Zero(t, GradNorm([]*Param{dense.Params()[i]}))
				}
			}
		})
	}
}
