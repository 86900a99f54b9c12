package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/tensor"
)

func newTestLM(t testing.TB, cfg LMConfig) *LM {
	m, err := NewLM(cfg)
	require.NoError(t, err)
	return m
}

func TestLMNamesAndLayouts(t *testing.T) {
	m := newTestLM(t, LMConfig{Vocab: 11, Embed: 3, Hidden: 5, Layers: 2, InitScale: 0.1})
	var names []string
	shapes := map[string][]int{}
	for _, p := range m.Params() {
		names = append(names, p.Name)
		shapes[p.Name] = p.Value.Shape()
	}
	assert.Equal(t, []string{
		"encoder.weight",
		"rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
		"rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
		"decoder.weight", "decoder.bias",
	}, names)
	assert.Equal(t, []int{11, 3}, shapes["encoder.weight"])
	assert.Equal(t, []int{20, 3}, shapes["rnn.weight_ih_l0"])
	assert.Equal(t, []int{20, 5}, shapes["rnn.weight_ih_l1"])
	assert.Equal(t, []int{11, 5}, shapes["decoder.weight"])
	assert.Equal(t, []int{11}, shapes["decoder.bias"])
	assert.Equal(t, 11*3+2*(20*3+20*5+40)-20*3+20*5+11*5+11, ParamCount(m))
}

func TestLMInitUniform(t *testing.T) {
	m := newTestLM(t, LMConfig{Vocab: 50, Embed: 20, Hidden: 20, Layers: 1, InitScale: 0.1, Seed: 3})
	for _, p := range m.Params() {
		lo, hi := float32(1), float32(-1)
		for _, v := range p.Value.Data {
			lo, hi = min(lo, v), max(hi, v)
		}
		assert.GreaterOrEqual(t, lo, float32(-0.1), p.Name)
		assert.Less(t, hi, float32(0.1), p.Name)
		// Biases are initialised like weights (Zaremba), not zeroed.
		assert.Less(t, lo, float32(-0.05), p.Name)
		assert.Greater(t, hi, float32(0.05), p.Name)
	}
	same := newTestLM(t, m.Config)
	assert.Equal(t, m.Decoder.Weight.Value.Data, same.Decoder.Weight.Value.Data, "the seed fixes the initialisation")
}

func TestLMConfigValidate(t *testing.T) {
	good := LMConfig{Vocab: 10, Embed: 4, Hidden: 4, Layers: 2, Dropout: 0.5, InitScale: 0.1}
	require.NoError(t, good.Validate())
	for _, c := range []struct {
		edit func(*LMConfig)
		msg  string
	}{
		{func(c *LMConfig) { c.Vocab = 0 }, "vocabulary"},
		{func(c *LMConfig) { c.Embed = 0 }, "embedding"},
		{func(c *LMConfig) { c.Hidden = -1 }, "hidden"},
		{func(c *LMConfig) { c.Layers = 0 }, "layers"},
		{func(c *LMConfig) { c.Dropout = 1 }, "dropout"},
		{func(c *LMConfig) { c.InitScale = float32(math.NaN()) }, "init scale"},
	} {
		cfg := good
		c.edit(&cfg)
		_, err := NewLM(cfg)
		assert.ErrorContains(t, err, c.msg)
	}
}

func TestStateDictRoundTrip(t *testing.T) {
	cfg := LMConfig{Vocab: 7, Embed: 3, Hidden: 4, Layers: 2, InitScale: 0.5, Seed: 1}
	a := newTestLM(t, cfg)
	cfg.Seed = 2
	b := newTestLM(t, cfg)
	require.NotEqual(t, a.Encoder.Weight.Value.Data, b.Encoder.Weight.Value.Data)
	d := StateDict(a)
	assert.Len(t, d, 11)
	wih := d["rnn.weight_ih_l0"]
	assert.Equal(t, []int{4 * 4, 3}, wih.Shape())
	require.NoError(t, LoadStateDict(b, d))
	for i, p := range a.Params() {
		assert.Equal(t, p.Value.Data, b.Params()[i].Value.Data, p.Name)
	}
	// Loaded values are copies: training b does not change a.
	b.Decoder.Bias.Value.Data[0]++
	assert.NotEqual(t, a.Decoder.Bias.Value.Data[0], b.Decoder.Bias.Value.Data[0])
}

func TestLoadStateDictErrors(t *testing.T) {
	m := newTestLM(t, LMConfig{Vocab: 7, Embed: 3, Hidden: 4, Layers: 2, InitScale: 0.5})
	before := append([]float32(nil), m.Encoder.Weight.Value.Data...)
	fresh := func() map[string]tensor.Tensor {
		d := map[string]tensor.Tensor{}
		for name, t := range StateDict(m) {
			d[name] = tensor.Zeros(t.Shape()...)
		}
		return d
	}

	d := fresh()
	delete(d, "rnn.bias_hh_l1")
	delete(d, "decoder.bias")
	err := LoadStateDict(m, d)
	assert.ErrorContains(t, err, "missing: rnn.bias_hh_l1, decoder.bias")

	d = fresh()
	d["rnn.weight_ih_l2"] = tensor.Zeros(16, 4)
	d["module.encoder.weight"] = tensor.Zeros(7, 3)
	err = LoadStateDict(m, d)
	assert.ErrorContains(t, err, "unexpected: module.encoder.weight, rnn.weight_ih_l2")

	d = fresh()
	d["decoder.weight"] = tensor.Zeros(4, 7) // transposed
	err = LoadStateDict(m, d)
	assert.ErrorContains(t, err, "decoder.weight is [4 7], want [7 4]")

	assert.Equal(t, before, m.Encoder.Weight.Value.Data, "a failed load changes nothing")
}

// toyCorpus returns B streams of T+1 tokens per segment cut from a
// repeating sequence, time-major, as inputs and targets for nseg segments.
func toyCorpus(vocab, steps, batch, nseg int) (inputs, targets [][]int32) {
	seq := func(i int) int32 { return int32((i*i/3 + i) % vocab) } // a fixed, non-trivial cycle
	period := 3 * vocab
	stream := make([][]int32, batch)
	n := nseg*steps + 1
	for b := range stream {
		for i := range n {
			stream[b] = append(stream[b], seq((b*7+i)%period))
		}
	}
	for s := range nseg {
		in, tg := make([]int32, steps*batch), make([]int32, steps*batch)
		for t := range steps {
			for b := range batch {
				in[t*batch+b] = stream[b][s*steps+t]
				tg[t*batch+b] = stream[b][s*steps+t+1]
			}
		}
		inputs, targets = append(inputs, in), append(targets, tg)
	}
	return inputs, targets
}

// TestLMLearnsToyCorpus trains a small model with clipped SGD on a
// repetitive sequence, the state carried across segments, and requires the
// loss to fall from ln(vocab) ≈ 2.1 to below 0.2 (it reaches about 0.06;
// a model that learns only the token frequencies stays at 2.02).
func TestLMLearnsToyCorpus(t *testing.T) {
	const vocab, steps, batch = 8, 10, 4
	// A wider initialisation than Zaremba's 0.1 leaves the unigram plateau
	// in fewer steps.
	m := newTestLM(t, LMConfig{Vocab: vocab, Embed: 16, Hidden: 32, Layers: 2, InitScale: 0.3, Seed: 1})
	inputs, targets := toyCorpus(vocab, steps, batch, 10)
	params := m.Params()
	opt := SGD{LR: 1}
	var tape autodiff.Tape
	first := -1.0
	for range 25 {
		m.ResetState()
		for s := range inputs {
			tape.Reset()
			loss := m.Forward(&tape, inputs[s], targets[s], steps, batch)
			if first < 0 {
				first = float64(loss.Value.Data[0])
			}
			tape.Backward(loss)
			ClipGradNorm(params, 5)
			opt.Step(params)
		}
	}
	assert.InDelta(t, math.Log(vocab), first, 0.1)
	m.ResetState()
	var total float64
	for s := range inputs {
		total += m.Evaluate(&tape, inputs[s], targets[s], steps, batch)
	}
	mean := total / float64(len(inputs)*steps*batch)
	t.Logf("loss %.3f → %.4f", first, mean)
	assert.Less(t, mean, 0.2)
}

// TestLMEvaluateMatchesForward checks that the evaluation path computes the
// training path's loss when dropout is off, carries the state the same way
// and records nothing.
func TestLMEvaluateMatchesForward(t *testing.T) {
	const vocab, steps, batch = 13, 5, 3
	m := newTestLM(t, LMConfig{Vocab: vocab, Embed: 4, Hidden: 6, Layers: 2, InitScale: 0.5, Seed: 2, Dropout: 0.5})
	r := rand.New(rand.NewPCG(1, 1))
	in, tg := ids(r, steps*batch, vocab), ids(r, steps*batch, vocab)
	var tape autodiff.Tape
	m.SetTraining(false)
	var train []float64
	for range 2 {
		tape.Reset()
		train = append(train, float64(m.Forward(&tape, in, tg, steps, batch).Value.Data[0]))
	}
	m.SetTraining(true) // Evaluate switches dropout off by itself
	m.ResetState()
	for i := range 2 {
		total := m.Evaluate(&tape, in, tg, steps, batch)
		assert.InDelta(t, train[i], total/(steps*batch), 1e-6)
	}
	assert.True(t, m.Drop.Training, "Evaluate restores the training switch")
	assert.NotEqual(t, train[0], train[1], "the state carries over")
}

// TestLMDropoutRNGState checks that restoring the generator's state
// reproduces the dropout masks, hence the losses.
func TestLMDropoutRNGState(t *testing.T) {
	const vocab, steps, batch = 9, 4, 2
	m := newTestLM(t, LMConfig{Vocab: vocab, Embed: 5, Hidden: 5, Layers: 2, InitScale: 0.5, Dropout: 0.5})
	r := rand.New(rand.NewPCG(2, 2))
	in, tg := ids(r, steps*batch, vocab), ids(r, steps*batch, vocab)
	var tape autodiff.Tape
	state, err := m.RNGState()
	require.NoError(t, err)
	loss := func() float32 {
		m.ResetState()
		tape.Reset()
		return m.Forward(&tape, in, tg, steps, batch).Value.Data[0]
	}
	a, b := loss(), loss()
	assert.NotEqual(t, a, b, "different masks")
	require.NoError(t, m.SetRNGState(state))
	assert.Equal(t, a, loss())
	assert.Error(t, m.SetRNGState([]byte("junk")))
}

// TestLMTrainStepAllocs checks that a full training step — forward,
// backward, clipping, SGD — allocates nothing once it has run, dropout and
// the carried state included.
func TestLMTrainStepAllocs(t *testing.T) {
	const vocab, steps, batch = 50, 6, 4
	m := newTestLM(t, LMConfig{Vocab: vocab, Embed: 8, Hidden: 8, Layers: 2, InitScale: 0.1, Dropout: 0.3})
	r := rand.New(rand.NewPCG(3, 3))
	in, tg := ids(r, steps*batch, vocab), ids(r, steps*batch, vocab)
	params := m.Params()
	opt := SGD{LR: 0.5}
	var tape autodiff.Tape
	step := func() {
		tape.Reset()
		loss := m.Forward(&tape, in, tg, steps, batch)
		tape.Backward(loss)
		ClipGradNorm(params, 5)
		opt.Step(params)
	}
	step()
	step()
	assert.Zero(t, testing.AllocsPerRun(10, step))

	adam := NewAdam(1e-3)
	adamStep := func() {
		tape.Reset()
		tape.Backward(m.Forward(&tape, in, tg, steps, batch))
		adam.Step(params)
	}
	adamStep()
	assert.Zero(t, testing.AllocsPerRun(10, adamStep))
}

// TestGradLM checks the gradient of the whole model's loss with respect to
// every parameter, from a nonzero carried state, with dropout.
func TestGradLM(t *testing.T) {
	const vocab, steps, batch = 6, 3, 2
	m := newTestLM(t, LMConfig{Vocab: vocab, Embed: 3, Hidden: 4, Layers: 2, InitScale: 0.6, Seed: 5, Dropout: 0.25})
	r := rand.New(rand.NewPCG(4, 4))
	in, tg := ids(r, steps*batch, vocab), ids(r, steps*batch, vocab)
	h := []tensor.Tensor{randTensor(r, -0.5, 0.5, batch, 4), randTensor(r, -0.5, 0.5, batch, 4)}
	c := []tensor.Tensor{randTensor(r, -1, 1, batch, 4), randTensor(r, -1, 1, batch, 4)}
	rng, err := m.RNGState()
	require.NoError(t, err)
	f := func(tape *autodiff.Tape) *autodiff.Var {
		// The same state and dropout masks at every evaluation.
		require.NoError(t, m.RNN.(*LSTM).SetState(h, c))
		require.NoError(t, m.SetRNGState(rng))
		return m.Forward(tape, in, tg, steps, batch)
	}
	checkGrad(t, f, vars(m.Params())...)
}

// snapshot is everything a checkpoint holds, deep-copied: parameters,
// LSTM state, dropout generator and optimiser state.
type snapshot struct {
	params, adam map[string]tensor.Tensor
	h, c         []tensor.Tensor
	rng          []byte
	adamSteps    int
}

func deepCopy(d map[string]tensor.Tensor) map[string]tensor.Tensor {
	out := map[string]tensor.Tensor{}
	for k, v := range d {
		out[k] = v.Clone()
	}
	return out
}

// TestLMResumeEquivalence trains N steps straight and, separately, k steps,
// a snapshot into a fresh model and optimiser, then N−k more: the losses
// agree bit for bit, with dropout, carried state and Adam's moments.
func TestLMResumeEquivalence(t *testing.T) {
	const vocab, steps, batch, n, k = 17, 5, 3, 6, 2
	cfg := LMConfig{Vocab: vocab, Embed: 6, Hidden: 7, Layers: 2, InitScale: 0.2, Dropout: 0.3, Seed: 9}
	r := rand.New(rand.NewPCG(5, 5))
	var data [][2][]int32
	for range n {
		data = append(data, [2][]int32{ids(r, steps*batch, vocab), ids(r, steps*batch, vocab)})
	}
	train := func(m *LM, opt *Adam, from, to int) []float32 {
		var tape autodiff.Tape
		var losses []float32
		ps := m.Params()
		for i := from; i < to; i++ {
			tape.Reset()
			loss := m.Forward(&tape, data[i][0], data[i][1], steps, batch)
			losses = append(losses, loss.Value.Data[0])
			tape.Backward(loss)
			opt.StepScaled(ps, ClipFactor(GradNorm(ps), 0.5))
		}
		return losses
	}

	straight := newTestLM(t, cfg)
	want := train(straight, NewAdam(0.01), 0, n)

	first := newTestLM(t, cfg)
	opt := NewAdam(0.01)
	got := train(first, opt, 0, k)
	var s snapshot
	s.params = deepCopy(StateDict(first))
	s.adam, s.adamSteps = deepCopy(opt.StateDict(first.Params())), opt.Steps
	h, c := first.RNN.(*LSTM).State()
	s.h, s.c = clones(h), clones(c)
	var err error
	s.rng, err = first.RNGState()
	require.NoError(t, err)

	cfg.Seed = 1234 // a different initialisation and generator, all overwritten
	resumed := newTestLM(t, cfg)
	opt2 := NewAdam(0.01)
	require.NoError(t, LoadStateDict(resumed, s.params))
	require.NoError(t, opt2.LoadStateDict(resumed.Params(), s.adam))
	opt2.Steps = s.adamSteps
	require.NoError(t, resumed.RNN.(*LSTM).SetState(s.h, s.c))
	require.NoError(t, resumed.SetRNGState(s.rng))
	got = append(got, train(resumed, opt2, k, n)...)
	assert.Equal(t, want, got)
}

// TestLMBackgroundGradients checks that running the weight gradients in
// the background (with two threads) gives the gradients of running them in
// order (with one), bit for bit, over two segments recorded on one tape.
// The vocabulary is large enough for the decoder's weight gradient to go
// to the background in several blocks of rows.
func TestLMBackgroundGradients(t *testing.T) {
	const vocab, steps, batch = 200, 4, 3
	cfg := LMConfig{Vocab: vocab, Embed: 5, Hidden: 6, Layers: 2, InitScale: 0.3, Dropout: 0.2, Seed: 4}
	r := rand.New(rand.NewPCG(6, 6))
	in1, tg1 := ids(r, steps*batch, vocab), ids(r, steps*batch, vocab)
	in2, tg2 := ids(r, steps*batch, vocab), ids(r, steps*batch, vocab)
	grads := func(procs int) [][]float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m := newTestLM(t, cfg)
		var out [][]float32
		for range 2 { // the second step reuses the ops and the arena
			var tape autodiff.Tape
			l1 := m.Forward(&tape, in1, tg1, steps, batch)
			l2 := m.Forward(&tape, in2, tg2, steps, batch)
			require.Equal(t, procs > 1, m.async.on)
			require.Equal(t, 3, (&linearLossOp{w: m.Decoder.Weight.Var}).shards())
			tape.Backward(tape.Add(l1, l2))
			out = out[:0]
			for _, p := range m.Params() {
				out = append(out, append([]float32(nil), p.Grad.Data...))
			}
			ZeroGrad(m.Params())
		}
		return out
	}
	assert.Equal(t, grads(1), grads(2))
}

// TestLMLogits checks that the logits for sampling give Evaluate's loss and
// carry the state the same way, with dropout left off.
func TestLMLogits(t *testing.T) {
	const vocab, steps, batch = 11, 4, 2
	m := newTestLM(t, LMConfig{Vocab: vocab, Embed: 4, Hidden: 5, Layers: 2, InitScale: 0.5, Seed: 6, Dropout: 0.5})
	r := rand.New(rand.NewPCG(9, 9))
	in, tg := ids(r, steps*batch, vocab), ids(r, steps*batch, vocab)
	var tape autodiff.Tape
	var want []float64
	for range 2 {
		want = append(want, m.Evaluate(&tape, in, tg, steps, batch))
	}
	m.ResetState()
	for i := range 2 {
		logits := m.Logits(&tape, in, steps, batch)
		require.Equal(t, []int{steps * batch, vocab}, logits.Shape())
		var total float64
		for row, target := range tg {
			l := toFloat64(logits.Data[row*vocab : (row+1)*vocab])
			var s float64
			for _, v := range l {
				s += math.Exp(v)
			}
			total += math.Log(s) - l[target]
		}
		assert.InDelta(t, want[i], total, 1e-4)
	}
}
