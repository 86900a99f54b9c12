package plasticity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/nn"
	"github.com/neuromod-go/neuromod/tensor"
)

// lmConfigs are the layer configurations the LM-level tests run: each
// variant's defaults, and the options in other combinations.
func lmConfigs() []Config {
	d := func(v Variant) Config { return Default(v, 0, 0) }
	var cs []Config
	add := func(c Config, f func(*Config)) {
		f(&c)
		cs = append(cs, c)
	}
	add(d(Plastic), func(c *Config) {})
	add(d(Plastic), func(c *Config) { c.Eta = Scalar; c.Alpha = PerNeuron; c.Clip = 2 })
	add(d(Neuromod), func(c *Config) {})
	add(d(Neuromod), func(c *Config) { c.FanOut = PerNeuron; c.ModInput = ModNewH })
	add(d(Neuromod), func(c *Config) { c.FanOut = Scalar; c.Alpha = PerNeuron; c.Clip = 2 })
	add(d(Retro), func(c *Config) {})
	add(d(Retro), func(c *Config) { c.Eta = Scalar; c.FanOut = PerNeuron; c.ModInput = ModNewH; c.Clip = 2 })
	return cs
}

func lmConfigName(c Config) string {
	return fmt.Sprintf("%v/alpha=%v/eta=%v/fan=%v/modin=%d/clip=%g", c.Variant, c.Alpha, c.Eta, c.FanOut, c.ModInput, c.Clip)
}

func newPlasticLM(t testing.TB, cfg nn.LMConfig, pc Config) *nn.LM {
	t.Helper()
	m, err := NewLM(cfg, pc)
	require.NoError(t, err)
	return m
}

func randIDs(r *rand.Rand, n, vocab int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(r.IntN(vocab))
	}
	return s
}

func randTensor(r *rand.Rand, lo, hi float32, shape ...int) tensor.Tensor {
	x := tensor.Zeros(shape...)
	for i := range x.Data {
		x.Data[i] = lo + (hi-lo)*r.Float32()
	}
	return x
}

// deepCopy copies a map of tensors.
func deepCopy(m map[string]tensor.Tensor) map[string]tensor.Tensor {
	c := make(map[string]tensor.Tensor, len(m))
	for k, v := range m {
		c[k] = v.Clone()
	}
	return c
}

// boostPlastic gives the plastic parameters magnitudes at which their
// effect on the loss is large enough for finite differences to see (the
// initial α of U(0, 1e-4) is not), keeping every trace update small
// against the clip: |η|, |M| ≤ 0.2 but for the scalar fan-out, M = m.
func boostPlastic(rnn *LSTM, r *rand.Rand) {
	fill := func(p *nn.Param, lo, hi float32) {
		if p == nil {
			return
		}
		for i := range p.Value.Data {
			p.Value.Data[i] = lo + (hi-lo)*r.Float32()
		}
	}
	for _, l := range rnn.Layers {
		fill(l.Alpha, -1, 1)
		fill(l.Eta, 0.05, 0.2)
		fill(l.ModWeight, -1, 1)
		fill(l.ModBias, -0.5, 0.5)
		fill(l.FanWeight, -0.1, 0.1)
		fill(l.FanBias, -0.1, 0.1)
	}
}

// TestGradPlasticLM checks the gradient of the whole plastic LM's loss with
// respect to every parameter (autodiff.CheckGrad: central differences, step
// and tolerance stated there) for every variant over T = 3 steps, with
// dropout, from h, c and traces carried in from a previous segment. A few
// carried trace entries sit at 1.5× the clip, so that they stay saturated
// whatever the step adds and their gradients must be blocked; the test
// asserts that every other entry ends the segment within 0.6·Clip, so
// (the updates being small) none comes near the bound, far beyond what a
// finite-difference step moves it.
func TestGradPlasticLM(t *testing.T) {
	for _, pc := range lmConfigs() {
		t.Run(lmConfigName(pc), func(t *testing.T) {
			const vocab, steps, batch, hid = 6, 3, 2, 4
			cfg := nn.LMConfig{Vocab: vocab, Embed: 3, Hidden: hid, Layers: 2, InitScale: 0.6, Seed: 5, Dropout: 0.25}
			m := newPlasticLM(t, cfg, pc)
			rnn := m.RNN.(*LSTM)
			r := rand.New(rand.NewPCG(4, 4))
			boostPlastic(rnn, r)
			in, tg := randIDs(r, steps*batch, vocab), randIDs(r, steps*batch, vocab)

			// A previous segment leaves h and c; the traces are then set
			// to values in range, a few saturated.
			var tape autodiff.Tape
			tape.NoGrad(func() { m.Forward(&tape, in, tg, steps, batch) })
			carried := deepCopy(m.CarriedState())
			lim := float32(0.1)
			if pc.Clip >= 2 {
				lim = 0.5
			}
			planted := func(i int) bool { return i%7 == 0 }
			for name, x := range carried {
				if !hasPrefix(name, "hebb") && !hasPrefix(name, "elig") {
					continue
				}
				for i := range x.Data {
					x.Data[i] = lim * (2*r.Float32() - 1)
					if hasPrefix(name, "hebb") && planted(i) {
						x.Data[i] = 1.5 * pc.Clip * float32(1-2*(i/7%2))
					}
				}
			}
			// The premise: the traces' other entries stay well inside the
			// bound over the segment.
			require.NoError(t, m.SetCarriedState(carried))
			tape.NoGrad(func() { m.Forward(&tape, in, tg, steps, batch) })
			for name, x := range m.CarriedState() {
				if hasPrefix(name, "hebb") {
					for i, v := range x.Data {
						if !planted(i) {
							require.Less(t, math.Abs(float64(v)), 0.6*float64(pc.Clip), "%s[%d]", name, i)
						}
					}
				}
			}
			rng, err := m.RNGState()
			require.NoError(t, err)
			f := func(tape *autodiff.Tape) *autodiff.Var {
				require.NoError(t, m.SetCarriedState(carried))
				require.NoError(t, m.SetRNGState(rng))
				return m.Forward(tape, in, tg, steps, batch)
			}
			params := m.Params()
			vs := make([]*autodiff.Var, len(params))
			for i, p := range params {
				vs[i] = p.Var
			}
			require.NoError(t, autodiff.CheckGrad(f, vs...))
		})
	}
}

// TestGradPlasticLMCatchesWrongGradient shows that the check above can
// fail: the same check with α's gradient scaled by AGDiv = 2 (no longer the
// true gradient) is rejected.
func TestGradPlasticLMCatchesWrongGradient(t *testing.T) {
	const vocab, steps, batch = 6, 3, 2
	pc := Default(Neuromod, 0, 0)
	pc.AGDiv = 2
	m := newPlasticLM(t, nn.LMConfig{Vocab: vocab, Embed: 3, Hidden: 4, Layers: 1, InitScale: 0.6, Seed: 5}, pc)
	r := rand.New(rand.NewPCG(4, 4))
	boostPlastic(m.RNN.(*LSTM), r)
	in, tg := randIDs(r, steps*batch, vocab), randIDs(r, steps*batch, vocab)
	var tape autodiff.Tape
	tape.NoGrad(func() { m.Forward(&tape, in, tg, steps, batch) })
	carried := deepCopy(m.CarriedState())
	hebb := carried["hebb_l0"]
	for i := range hebb.Data {
		hebb.Data[i] = 0.5 * (2*r.Float32() - 1)
	}
	f := func(tape *autodiff.Tape) *autodiff.Var {
		require.NoError(t, m.SetCarriedState(carried))
		return m.Forward(tape, in, tg, steps, batch)
	}
	alpha := m.RNN.(*LSTM).Layers[0].Alpha
	assert.ErrorContains(t, autodiff.CheckGrad(f, alpha.Var), "analytic gradient")
	m.RNN.(*LSTM).Layers[0].p.Config.AGDiv = 1 // the layer's own view of it
	m.RNN.(*LSTM).Layers[0].g.Config.AGDiv = 1
	assert.NoError(t, autodiff.CheckGrad(f, alpha.Var))
}

// TestAGDivScalesAlphaGradient checks that AGDiv divides α's gradient and
// nothing else.
func TestAGDivScalesAlphaGradient(t *testing.T) {
	const vocab, steps, batch = 7, 4, 2
	grads := func(agdiv float32) map[string][]float32 {
		pc := Default(Plastic, 0, 0)
		pc.AGDiv = agdiv
		m := newPlasticLM(t, nn.LMConfig{Vocab: vocab, Embed: 3, Hidden: 4, Layers: 2, InitScale: 0.5, Seed: 2}, pc)
		r := rand.New(rand.NewPCG(1, 2))
		boostPlastic(m.RNN.(*LSTM), r)
		in, tg := randIDs(r, steps*batch, vocab), randIDs(r, steps*batch, vocab)
		var tape autodiff.Tape
		tape.Backward(m.Forward(&tape, in, tg, steps, batch))
		g := map[string][]float32{}
		for _, p := range m.Params() {
			g[p.Name] = append([]float32(nil), p.Grad.Data...)
		}
		return g
	}
	one, four := grads(1), grads(4)
	for name, g := range one {
		for i := range g {
			want := g[i]
			if name == "rnn.alpha_l0" || name == "rnn.alpha_l1" {
				want /= 4
			}
			assert.InDelta(t, want, four[name][i], 1e-6*math.Abs(float64(want))+1e-12, "%s[%d]", name, i)
		}
	}
}

// TestAlphaZeroIsBaselineLM checks spec §6's first oracle at the LM level:
// with α = 0 the plastic LM is the baseline nn.LM with the same weights —
// training losses (dropout on, same seed, so the same masks) over several
// carried segments, the gradients of the shared parameters, evaluation
// losses and logits, within 1e-6 relative (the two compute h·W_hh through
// differently ordered GEMMs).
func TestAlphaZeroIsBaselineLM(t *testing.T) {
	for _, pc := range lmConfigs() {
		t.Run(lmConfigName(pc), func(t *testing.T) {
			const vocab, steps, batch = 11, 5, 3
			cfg := nn.LMConfig{Vocab: vocab, Embed: 6, Hidden: 7, Layers: 2, InitScale: 0.3, Seed: 8, Dropout: 0.3}
			base, err := nn.NewLM(cfg)
			require.NoError(t, err)
			plastic := newPlasticLM(t, cfg, pc)
			r := rand.New(rand.NewPCG(3, 9))
			boostPlastic(plastic.RNN.(*LSTM), r)
			sd := nn.StateDict(plastic)
			for name, x := range nn.StateDict(base) {
				copy(sd[name].Data, x.Data)
			}
			for _, l := range plastic.RNN.(*LSTM).Layers {
				clear(l.Alpha.Value.Data)
			}
			var tb, tp autodiff.Tape
			for seg := range 3 {
				in, tg := randIDs(r, steps*batch, vocab), randIDs(r, steps*batch, vocab)
				tb.Reset()
				tp.Reset()
				lb := base.Forward(&tb, in, tg, steps, batch)
				lp := plastic.Forward(&tp, in, tg, steps, batch)
				relClose64(t, fmt.Sprintf("loss %d", seg), float64(lb.Value.Data[0]), float64(lp.Value.Data[0]), 1e-6)
				tb.Backward(lb)
				tp.Backward(lp)
			}
			pg := map[string]*nn.Param{}
			for _, p := range plastic.Params() {
				pg[p.Name] = p
			}
			for _, p := range base.Params() {
				relClose(t, "gradient of "+p.Name, p.Grad.Data, pg[p.Name].Grad.Data, 1e-5)
			}
			in, tg := randIDs(r, steps*batch, vocab), randIDs(r, steps*batch, vocab)
			relClose64(t, "evaluation", base.Evaluate(&tb, in, tg, steps, batch), plastic.Evaluate(&tp, in, tg, steps, batch), 1e-6)
			lb, lp := base.Logits(&tb, in, steps, batch), plastic.Logits(&tp, in, steps, batch)
			relClose(t, "logits", lb.Data, lp.Data, 1e-6)
		})
	}
}

func relClose64(t *testing.T, what string, want, got, tol float64) {
	t.Helper()
	if math.Abs(want-got) > tol*math.Max(math.Abs(want), 1e-3) {
		t.Fatalf("%s = %v, want %v (relative %v)", what, got, want, tol)
	}
}

// trainSteps trains m for segments [from, to) of a fixed random stream
// (SGD, clipping, the state carried) and returns the losses.
func trainSteps(t testing.TB, m *nn.LM, from, to int) []float32 {
	const steps, batch = 4, 3
	r := rand.New(rand.NewPCG(77, 1))
	vocab := m.Config.Vocab
	opt := nn.SGD{LR: 0.5}
	params := m.Params()
	var tape autodiff.Tape
	var losses []float32
	for i := range to {
		in, tg := randIDs(r, steps*batch, vocab), randIDs(r, steps*batch, vocab)
		if i < from {
			continue
		}
		tape.Reset()
		loss := m.Forward(&tape, in, tg, steps, batch)
		losses = append(losses, loss.Value.Data[0])
		tape.Backward(loss)
		opt.StepScaled(params, nn.ClipFactor(nn.GradNorm(params), 1))
	}
	return losses
}

// TestResumeIsExact checks that a run stopped after k segments and resumed
// from its parameters, carried state (h, c and traces) and dropout
// generator continues bit for bit as the run that never stopped.
func TestResumeIsExact(t *testing.T) {
	for _, pc := range lmConfigs() {
		t.Run(lmConfigName(pc), func(t *testing.T) {
			cfg := nn.LMConfig{Vocab: 9, Embed: 5, Hidden: 6, Layers: 2, InitScale: 0.3, Seed: 4, Dropout: 0.2}
			const k, n = 3, 6
			want := trainSteps(t, newPlasticLM(t, cfg, pc), 0, n)

			first := newPlasticLM(t, cfg, pc)
			got := trainSteps(t, first, 0, k)
			params := deepCopy(nn.StateDict(first))
			state := deepCopy(first.CarriedState())
			rng, err := first.RNGState()
			require.NoError(t, err)
			wantNames := []string{"h_l0", "c_l0", "hebb_l0", "h_l1", "c_l1", "hebb_l1"}
			if pc.Variant == Retro {
				wantNames = append(wantNames, "elig_l0", "elig_l1")
			}
			assert.ElementsMatch(t, wantNames, keys(state))
			hebb := state["hebb_l1"]
			assert.Equal(t, []int{3, 6, 6}, hebb.Shape())

			cfg.Seed = 99 // everything overwritten below
			resumed := newPlasticLM(t, cfg, pc)
			require.NoError(t, nn.LoadStateDict(resumed, params))
			require.NoError(t, resumed.SetCarriedState(state))
			require.NoError(t, resumed.SetRNGState(rng))
			got = append(got, trainSteps(t, resumed, k, n)...)
			assert.Equal(t, want, got)

			// A state without its traces is refused, naming what lacks.
			delete(state, "hebb_l1")
			state["x"] = tensor.Zeros(1)
			assert.ErrorContains(t, resumed.SetCarriedState(state), "hebb_l1")
			state["hebb_l1"] = tensor.Zeros(3, 6, 5)
			delete(state, "x")
			assert.ErrorContains(t, resumed.SetCarriedState(state), "hebb_l1 is [3 6 5]")
			require.NoError(t, resumed.SetCarriedState(nil))
			for _, x := range resumed.CarriedState() {
				assert.Zero(t, maxAbs(x.Data), "an empty state resets")
			}
		})
	}
}

func keys(m map[string]tensor.Tensor) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestStateDictNames checks the parameter names, order and shapes of each
// variant's LM, and that LoadStateDict round-trips them.
func TestStateDictNames(t *testing.T) {
	const V, E, H = 11, 3, 5
	base := []string{"weight_ih", "weight_hh", "bias_ih", "bias_hh"}
	shapes := map[string][]int{"weight_hh": {4 * H, H}, "bias_ih": {4 * H}, "bias_hh": {4 * H}}
	for _, c := range []struct {
		edit   func(*Config)
		v      Variant
		extra  []string
		shapes map[string][]int
	}{
		{func(*Config) {}, Plastic, []string{"alpha", "eta"}, map[string][]int{"alpha": {H, H}, "eta": {H, H}}},
		{func(c *Config) { c.Eta, c.Alpha = Scalar, PerNeuron }, Plastic, []string{"alpha", "eta"}, map[string][]int{"alpha": {H}, "eta": {1}}},
		{func(*Config) {}, Neuromod, []string{"alpha", "mod_weight", "mod_bias", "fan_weight", "fan_bias"},
			map[string][]int{"alpha": {H, H}, "mod_weight": {1, H}, "mod_bias": {1}, "fan_weight": {H, H}, "fan_bias": {H, H}}},
		{func(c *Config) { c.FanOut = PerNeuron }, Neuromod, []string{"alpha", "mod_weight", "mod_bias", "fan_weight", "fan_bias"},
			map[string][]int{"fan_weight": {H}, "fan_bias": {H}}},
		{func(c *Config) { c.FanOut = Scalar }, Neuromod, []string{"alpha", "mod_weight", "mod_bias"}, nil},
		{func(*Config) {}, Retro, []string{"alpha", "eta", "mod_weight", "mod_bias", "fan_weight", "fan_bias"},
			map[string][]int{"eta": {H, H}, "fan_weight": {H, H}}},
	} {
		pc := Default(c.v, 0, 0)
		c.edit(&pc)
		t.Run(lmConfigName(pc), func(t *testing.T) {
			cfg := nn.LMConfig{Vocab: V, Embed: E, Hidden: H, Layers: 2, InitScale: 0.1, Seed: 1}
			m := newPlasticLM(t, cfg, pc)
			want := []string{"encoder.weight"}
			for k := range 2 {
				for _, n := range append(append([]string(nil), base...), c.extra...) {
					want = append(want, fmt.Sprintf("rnn.%s_l%d", n, k))
				}
			}
			want = append(want, "decoder.weight", "decoder.bias")
			var names []string
			got := map[string][]int{}
			for _, p := range m.Params() {
				names = append(names, p.Name)
				got[p.Name] = p.Value.Shape()
			}
			assert.Equal(t, want, names)
			assert.Equal(t, []int{4 * H, E}, got["rnn.weight_ih_l0"])
			assert.Equal(t, []int{4 * H, H}, got["rnn.weight_ih_l1"])
			for n, s := range shapes {
				assert.Equal(t, s, got["rnn."+n+"_l1"], n)
			}
			for n, s := range c.shapes {
				assert.Equal(t, s, got["rnn."+n+"_l0"], n)
				assert.Equal(t, s, got["rnn."+n+"_l1"], n)
			}
			pc.Input, pc.Hidden = E, H
			l1 := pc
			l1.Input = H
			assert.Equal(t, V*E+pc.NumParams()+l1.NumParams()+H*V+V, nn.ParamCount(m))

			// LoadStateDict round trip into a model of another seed.
			cfg.Seed = 2
			other := newPlasticLM(t, cfg, pc)
			require.NoError(t, nn.LoadStateDict(other, deepCopy(nn.StateDict(m))))
			for name, x := range nn.StateDict(m) {
				assert.Equal(t, x.Data, nn.StateDict(other)[name].Data, name)
			}
			r := rand.New(rand.NewPCG(5, 5))
			in, tg := randIDs(r, 8, V), randIDs(r, 8, V)
			var tape autodiff.Tape
			assert.Equal(t, m.Evaluate(&tape, in, tg, 4, 2), other.Evaluate(&tape, in, tg, 4, 2))
			// A baseline checkpoint lacks the plastic tensors.
			b, err := nn.NewLM(cfg)
			require.NoError(t, err)
			assert.ErrorContains(t, nn.LoadStateDict(other, nn.StateDict(b)), "missing: rnn.alpha_l0")
		})
	}
}

// TestInitPlasticParams checks that the LM's initialisation leaves the
// plastic parameters as Params.Init draws them (not ±InitScale) and the
// baseline ones in ±InitScale.
func TestInitPlasticParams(t *testing.T) {
	m := newPlasticLM(t, nn.LMConfig{Vocab: 20, Embed: 10, Hidden: 10, Layers: 2, InitScale: 0.05, Seed: 3}, Default(Retro, 0, 0))
	for _, p := range m.Params() {
		lo, hi := minMax(p.Value.Data)
		switch {
		case hasPrefix(p.Name, "rnn.alpha"):
			assert.True(t, lo >= 0 && hi < 1e-4 && hi > 0, "%s in [%g, %g]", p.Name, lo, hi)
		case hasPrefix(p.Name, "rnn.eta"):
			assert.True(t, lo == 0.01 && hi == 0.01, p.Name)
		case hasPrefix(p.Name, "rnn.fan"):
			assert.True(t, lo >= -1 && hi <= 1 && hi-lo > 1, "%s in [%g, %g]", p.Name, lo, hi)
		case hasPrefix(p.Name, "rnn.mod_weight"):
			k := float32(1 / math.Sqrt(10))
			assert.True(t, lo >= -k && hi <= k && hi-lo > 0.1, "%s in [%g, %g]", p.Name, lo, hi)
		case hasPrefix(p.Name, "rnn.mod_bias"):
		default:
			assert.True(t, lo >= -0.05 && hi <= 0.05 && hi-lo > 0.05, "%s in [%g, %g]", p.Name, lo, hi)
		}
	}
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

func minMax(x []float32) (lo, hi float32) {
	lo, hi = x[0], x[0]
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// TestPlasticLMLearnsToyCorpus trains each variant's LM on a tiny corpus of
// a few fixed phrases (the next token is determined by the two before it)
// and checks that its loss falls from ln V to below 0.1 nats (a model of
// the unigram frequencies stays near ln 8 ≈ 2.08).
func TestPlasticLMLearnsToyCorpus(t *testing.T) {
	for _, v := range []Variant{Plastic, Neuromod, Retro} {
		t.Run(v.String(), func(t *testing.T) {
			const vocab, steps, batch = 8, 10, 4
			m := newPlasticLM(t, nn.LMConfig{Vocab: vocab, Embed: 16, Hidden: 24, Layers: 2, InitScale: 0.3, Seed: 1}, Default(v, 0, 0))
			// Streams of a fixed cycle of period 10, each stream at its own
			// phase.
			cycle := []int32{0, 1, 2, 3, 4, 5, 6, 7, 1, 3}
			const segs = 6
			stream := func(s, i int) int32 { return cycle[(3*s+i)%len(cycle)] }
			var inputs, targets [segs][]int32
			for g := range segs {
				for st := range steps {
					for s := range batch {
						i := g*steps + st
						inputs[g] = append(inputs[g], stream(s, i))
						targets[g] = append(targets[g], stream(s, i+1))
					}
				}
			}
			params := m.Params()
			opt := nn.NewAdam(0.01)
			var tape autodiff.Tape
			first := -1.0
			for range 20 {
				m.ResetState()
				for g := range segs {
					tape.Reset()
					loss := m.Forward(&tape, inputs[g], targets[g], steps, batch)
					if first < 0 {
						first = float64(loss.Value.Data[0])
					}
					tape.Backward(loss)
					opt.StepScaled(params, nn.ClipFactor(nn.GradNorm(params), 5))
				}
			}
			assert.InDelta(t, math.Log(vocab), first, 0.1)
			m.ResetState()
			var total float64
			for g := range segs {
				total += m.Evaluate(&tape, inputs[g], targets[g], steps, batch)
			}
			mean := total / float64(segs*steps*batch)
			t.Logf("loss %.3f → %.4f", first, mean)
			assert.Less(t, mean, 0.1)
		})
	}
}

// TestMatchHiddenZarembaSmall picks each variant's hidden size at the
// zaremba-small size (V = 10000, 2 layers, embedding = H) against the
// baseline's 4,653,200 parameters, and checks the count against the model
// actually built.
func TestMatchHiddenZarembaSmall(t *testing.T) {
	const vocab, layers, target = 10000, 2, 4653200
	base, err := nn.NewLM(nn.LMConfig{Vocab: vocab, Embed: 200, Hidden: 200, Layers: layers, InitScale: 0.1})
	require.NoError(t, err)
	require.Equal(t, target, nn.ParamCount(base))
	for _, c := range []struct {
		v      Variant
		hidden int
		params int
	}{
		{Plastic, 194, 4645824},
		{Neuromod, 192, 4664466},
		{Retro, 189, 4650708},
	} {
		t.Run(c.v.String(), func(t *testing.T) {
			pc := Default(c.v, 0, 0)
			h, n := MatchHidden(pc, vocab, layers, target)
			assert.Equal(t, c.hidden, h)
			assert.Equal(t, c.params, n)
			assert.Less(t, math.Abs(float64(n-target))/target, 0.005)
			m := newPlasticLM(t, nn.LMConfig{Vocab: vocab, Embed: h, Hidden: h, Layers: layers, InitScale: 0.1}, pc)
			assert.Equal(t, n, nn.ParamCount(m))
		})
	}
}

// TestOptions checks the option strings' parsing and their errors.
func TestOptions(t *testing.T) {
	c, err := Options{Model: "neuromod"}.Config()
	require.NoError(t, err)
	assert.Equal(t, Default(Neuromod, 0, 0), c)
	c, err = Options{Model: "retro", FanOut: "neuron", Eta: "scalar", Alpha: "neuron", ModInput: "h", Clip: 2, AGDiv: 200, FanInit: 0.1}.Config()
	require.NoError(t, err)
	assert.Equal(t, Config{Variant: Retro, FanOut: PerNeuron, Eta: Scalar, Alpha: PerNeuron, ModInput: ModNewH, Clip: 2, AGDiv: 200, FanInit: 0.1}, c)
	back, err := OptionsOf(c).Config()
	require.NoError(t, err)
	assert.Equal(t, c, back)
	assert.Equal(t, "h", OptionsOf(c).Map()["mod-input"])
	assert.Equal(t, "200", OptionsOf(c).Map()["agdiv"])
	assert.Equal(t, "0.1", OptionsOf(c).Map()["fan-init"])
	for _, bad := range []struct {
		o   Options
		msg string
	}{
		{Options{Model: "lstm"}, `unknown model "lstm" (want plastic, neuromod or retro)`},
		{Options{Model: "plastic", FanOut: "synapse"}, "fan-out shape \"synapse\" (want connection|neuron|scalar)"},
		{Options{Model: "plastic", Eta: "neuron"}, "eta shape \"neuron\" (want connection|scalar)"},
		{Options{Model: "plastic", Alpha: "scalar"}, "alpha shape \"scalar\" (want connection|neuron)"},
		{Options{Model: "plastic", ModInput: "c"}, "modulator input \"c\""},
		{Options{Model: "plastic", Clip: -1}, "trace clip -1"},
		{Options{Model: "plastic", AGDiv: math.NaN()}, "agdiv NaN"},
		{Options{Model: "neuromod", FanInit: -0.5}, "fan-init -0.5"},
	} {
		_, err := bad.o.Config()
		assert.ErrorContains(t, err, bad.msg)
	}
	_, err = NewLM(nn.LMConfig{Vocab: 5, Embed: 2, Hidden: 2, Layers: 0}, Default(Plastic, 0, 0))
	assert.ErrorContains(t, err, "layers")
	_, err = NewLM(nn.LMConfig{Vocab: 5, Embed: 2, Hidden: 2, Layers: 1}, Config{})
	assert.ErrorContains(t, err, "unknown variant")
}

// TestPlasticLMTrainStepAllocs checks that a training step of the plastic
// LM — forward, backward, clipping, SGD, the per-sample work shared by
// three workers — allocates nothing once it has run.
func TestPlasticLMTrainStepAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates in sync operations")
	}
	for _, v := range []Variant{Plastic, Neuromod, Retro} {
		t.Run(v.String(), func(t *testing.T) {
			const vocab, steps, batch = 30, 6, 4
			m := newPlasticLM(t, nn.LMConfig{Vocab: vocab, Embed: 8, Hidden: 8, Layers: 2, InitScale: 0.1, Dropout: 0.3}, Default(v, 0, 0))
			m.RNN.(*LSTM).Workers = 3
			r := rand.New(rand.NewPCG(3, 3))
			in, tg := randIDs(r, steps*batch, vocab), randIDs(r, steps*batch, vocab)
			params := m.Params()
			opt := nn.SGD{LR: 0.5}
			var tape autodiff.Tape
			step := func() {
				tape.Reset()
				loss := m.Forward(&tape, in, tg, steps, batch)
				tape.Backward(loss)
				opt.StepScaled(params, nn.ClipFactor(nn.GradNorm(params), 5))
			}
			step()
			step()
			assert.Zero(t, testing.AllocsPerRun(10, step))
			eval := func() { m.Evaluate(&tape, in, tg, steps, batch) }
			eval()
			assert.Zero(t, testing.AllocsPerRun(10, eval))
		})
	}
}

// TestPlasticLMBackgroundGradients: with two threads the LM runs the
// weight-gradient jobs of a plastic stack's backward pass beside it, and
// the layers split their samples over two workers; the gradients are those
// of one thread, bit for bit. The vocabulary splits the decoder's gradient
// into several jobs.
func TestPlasticLMBackgroundGradients(t *testing.T) {
	for _, v := range []Variant{Plastic, Neuromod, Retro} {
		t.Run(v.String(), func(t *testing.T) {
			const vocab, steps, batch = 200, 4, 4
			r := rand.New(rand.NewPCG(8, 8))
			in, tg := randIDs(r, steps*batch, vocab), randIDs(r, steps*batch, vocab)
			grads := func(procs int) [][]float32 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				m := newPlasticLM(t, nn.LMConfig{Vocab: vocab, Embed: 8, Hidden: 8, Layers: 2, InitScale: 0.3, Dropout: 0.2, Seed: 2}, Default(v, 0, 0))
				var out [][]float32
				for range 2 { // the second step reuses the ops and the arena
					var tape autodiff.Tape
					tape.Backward(m.Forward(&tape, in, tg, steps, batch))
					out = out[:0]
					for _, p := range m.Params() {
						out = append(out, append([]float32(nil), p.Grad.Data...))
					}
					nn.ZeroGrad(m.Params())
				}
				return out
			}
			assert.Equal(t, grads(1), grads(2))
		})
	}
}
