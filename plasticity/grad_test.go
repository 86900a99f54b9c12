package plasticity

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gradConfigs covers every variant and every option at least once.
func gradConfigs() []Config {
	d := func(v Variant, h int) Config { return Default(v, 3, h) }
	var cs []Config
	add := func(c Config, f func(*Config)) {
		f(&c)
		cs = append(cs, c)
	}
	add(d(Plastic, 4), func(c *Config) {})
	add(d(Plastic, 3), func(c *Config) { c.Eta = Scalar; c.Alpha = PerNeuron; c.Clip = 2 })
	add(d(Plastic, 5), func(c *Config) { c.Alpha = PerNeuron })
	add(d(Plastic, 4), func(c *Config) { c.Eta = Scalar })
	add(d(Neuromod, 4), func(c *Config) {})
	add(d(Neuromod, 5), func(c *Config) { c.FanOut = PerNeuron; c.ModInput = ModNewH })
	add(d(Neuromod, 3), func(c *Config) { c.FanOut = Scalar; c.Alpha = PerNeuron })
	add(d(Neuromod, 4), func(c *Config) { c.ModInput = ModNewH; c.Clip = 2 })
	add(d(Neuromod, 4), func(c *Config) { c.FanOut = PerNeuron; c.Alpha = PerNeuron })
	add(d(Retro, 4), func(c *Config) {})
	add(d(Retro, 5), func(c *Config) { c.Eta = Scalar; c.FanOut = PerNeuron; c.ModInput = ModNewH })
	add(d(Retro, 3), func(c *Config) { c.FanOut = Scalar; c.Alpha = PerNeuron; c.Clip = 2 })
	add(d(Retro, 4), func(c *Config) { c.ModInput = ModNewH; c.Alpha = PerNeuron })
	return cs
}

func configName(c Config) string {
	return fmt.Sprintf("%v/H=%d/alpha=%v/eta=%v/fan=%v/modin=%d/clip=%g", c.Variant, c.Hidden, c.Alpha, c.Eta, c.FanOut, c.ModInput, c.Clip)
}

// TestForwardMatchesReference compares the float32 layer's outputs and final
// state with the float64 reference (tolerance 2e-5 absolute: float32
// rounding over a few steps of O(1) values).
func TestForwardMatchesReference(t *testing.T) {
	for _, c := range gradConfigs() {
		t.Run(configName(c), func(t *testing.T) {
			const steps, batch = 5, 2
			s := newSetup(c, steps, batch, 1)
			out, st, _, _ := s.analytic(0)
			m := newModel64(s.p)
			st64 := newState64(s.st)
			want, stats := m.forward(f64(s.xproj), st64, steps, batch, nil)
			require.Positive(t, stats.saturated)
			require.Positive(t, stats.inside)
			const tol = 2e-5
			assertClose(t, "h", want, out, tol)
			assertClose(t, "final h", st64.h, st.H, tol)
			assertClose(t, "final c", st64.c, st.C, tol)
			assertClose(t, "final Hebb", st64.hebb, hebbOf(st), tol)
			assertClose(t, "final E", st64.e, eligOf(st), tol)
		})
	}
}

func assertClose(t *testing.T, what string, want []float64, got []float32, tol float64) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		if math.Abs(want[i]-float64(got[i])) > tol {
			t.Fatalf("%s[%d] = %v, reference %v", what, i, got[i], want[i])
		}
	}
}

// TestGradients checks every analytic gradient of the layer against central
// differences of the float64 reference (step and tolerance at checkGrads),
// over T = 4 steps with Hebb (and E) carried in from a previous segment and
// entries saturated at the clip bound, with checkpoints every 3 steps so the
// recompute path is exercised as well, and the trace passes in blocks of
// rows (TestRowBlocks).
func TestGradients(t *testing.T) {
	for _, c := range gradConfigs() {
		t.Run(configName(c), func(t *testing.T) {
			const steps, batch = 4, 2
			s, stats := fdSetup(t, c, steps, batch)
			// Trace passes in blocks of 2 rows (the last of 1 when H is
			// odd), as they go at the paper's sizes in blocks of 32.
			_, _, dx, g := s.run(func(l *Layer) { l.CheckpointEvery, l.rowBlock = 3, 2 })
			m := newModel64(s.p)
			x64 := f64(s.xproj)
			st64 := newState64(s.st)
			R := f64(s.R)
			loss := func() float64 { l, _ := m.loss(x64, st64, steps, batch, R); return l }
			bad, worst := checkGrads(loss, entries(m, x64, g, dx))
			t.Logf("worst relative error %.2g (saturated %d, inside %d, min distance to clip %.2g)",
				worst, stats.saturated, stats.inside, stats.minDist)
			assert.Empty(t, bad)
		})
	}
}

// TestGradientCheckerCatchesErrors plants wrong gradients and shows that the
// checker reports them, so TestGradients can fail.
func TestGradientCheckerCatchesErrors(t *testing.T) {
	c := Default(Neuromod, 3, 4)
	const steps, batch = 4, 2
	s, _ := fdSetup(t, c, steps, batch)
	_, _, dx, g := s.analytic(2)
	m := newModel64(s.p)
	x64, st64, R := f64(s.xproj), newState64(s.st), f64(s.R)
	loss := func() float64 { l, _ := m.loss(x64, st64, steps, batch, R); return l }

	bad, _ := checkGrads(loss, entries(m, x64, g, dx))
	require.Empty(t, bad)

	// 1. A 1 % error in one fan-out weight's gradient.
	g.FanWeight[5] *= 1.01
	g.FanWeight[5] += 0.001
	bad, _ = checkGrads(loss, entries(m, x64, g, dx))
	require.Len(t, bad, 1)
	assert.Equal(t, "fan_weight", bad[0].name)
	g.FanWeight[5] = (g.FanWeight[5] - 0.001) / 1.01

	// 2. A backward pass that ignores the clip (lets gradients through
	// saturated entries), made by clipping at a huge bound in backward only.
	wrong := *s
	_, _, dx2, g2 := wrong.analyticClipInBackward(1e9)
	bad, _ = checkGrads(loss, entries(m, x64, g2, dx2))
	assert.NotEmpty(t, bad, "a gradient that ignores the clip passed the check")
}

// analyticClipInBackward runs forward with the configured clip and backward
// as if the clip were clip: a deliberately wrong gradient.
func (s *setup) analyticClipInBackward(clip float32) (out []float32, st *State, dx []float32, g *Params) {
	c := s.p.Config
	H, B := c.Hidden, s.st.Batch
	l := NewLayer(s.p)
	st = s.st.Clone()
	out = make([]float32, s.steps*B*H)
	l.Forward(out, s.xproj, st, s.steps)
	// Changing the clip would alter the replayed forward, so keep every
	// step (k = 1 replays nothing) and swap the clip only now.
	l.CheckpointEvery = 1
	l.Forward(out, s.xproj, s.st.Clone(), s.steps)
	bad := *s.p
	bad.Config.Clip = clip
	l.P = &bad
	dx = make([]float32, len(s.xproj))
	g, _ = NewParams(bad.Config)
	l.Backward(dx, s.R, g)
	return out, st, dx, g
}

// fdMinDist is how far every pre-clip value must stay from ±clip for the
// finite differences to be valid: a step of fdStep in one parameter moves a
// pre-clip value by fdStep times its sensitivity (O(1)–O(10) here), so 100
// steps leave a wide margin.
const fdMinDist = 100 * fdStep

// fdSetup draws setups (seeds 1, 2, …) until one meets the premises of a
// finite-difference check of the clip: some entries saturated, some inside,
// and none within fdMinDist of the kink.
func fdSetup(t *testing.T, c Config, steps, batch int) (*setup, refStats) {
	t.Helper()
	for seed := uint64(1); seed < 200; seed++ {
		s := newSetup(c, steps, batch, seed)
		m := newModel64(s.p)
		_, stats := m.loss(f64(s.xproj), newState64(s.st), steps, batch, f64(s.R))
		if stats.saturated > 0 && stats.inside > 0 && stats.minDist > fdMinDist {
			return s, stats
		}
	}
	t.Fatal("no seed gives a setup with saturated entries well away from the clip")
	return nil, refStats{}
}

// Retro uses η clamped to [0, 1]: with some η below 0 and some above 1 (well
// away from the bounds, further than the finite-difference step), the
// gradients still match the float64 reference, whose η is clamped the same
// way, and those η outside get exactly no gradient.
func TestRetroEtaClamped(t *testing.T) {
	for _, eta := range []Shape{PerConnection, Scalar} {
		c := Default(Retro, 3, 4)
		c.Eta = eta
		t.Run(configName(c), func(t *testing.T) {
			const steps, batch = 4, 2
			s, _ := fdSetup(t, c, steps, batch)
			outside := map[int]bool{}
			for i := range s.p.Eta {
				if i%3 != 2 || eta == Scalar {
					s.p.Eta[i] = []float32{-0.4, 1.6}[i%2]
					outside[i] = true
				}
			}
			_, _, dx, g := s.analytic(3)
			for i := range g.Eta {
				if outside[i] {
					require.Zero(t, g.Eta[i], "η[%d] = %g", i, s.p.Eta[i])
				}
			}
			m := newModel64(s.p)
			x64, st64, R := f64(s.xproj), newState64(s.st), f64(s.R)
			loss := func() float64 { l, _ := m.loss(x64, st64, steps, batch, R); return l }
			bad, worst := checkGrads(loss, entries(m, x64, g, dx))
			t.Logf("worst relative error %.2g", worst)
			assert.Empty(t, bad)
		})
	}
}

// With η ≤ 0 the eligibility trace keeps its value; with η ≥ 1 it is the
// step's Hebbian product alone: the clamped decay, however far η strays.
func TestRetroEtaClampOracle(t *testing.T) {
	c := Default(Retro, 3, 4)
	for _, tc := range []struct {
		eta  float32
		keep bool
	}{{-0.7, true}, {2.5, false}} {
		s := newSetup(c, 1, 2, 5)
		for i := range s.p.Eta {
			s.p.Eta[i] = tc.eta
		}
		st := s.st.Clone()
		l := NewLayer(s.p)
		l.Forward(make([]float32, 2*4), s.xproj, st, 1)
		if tc.keep {
			require.Equal(t, eligOf(s.st), eligOf(st), "η = %g", tc.eta)
			continue
		}
		e := eligOf(st)
		for b := range 2 {
			pre, post := s.st.H[b*4:(b+1)*4], l.posts[b*l.hp:b*l.hp+4]
			for i := range 4 {
				for j := range 4 {
					require.Equal(t, pre[i]*post[j], e[b*16+i*4+j], "η = %g, sample %d, E[%d][%d]", tc.eta, b, i, j)
				}
			}
		}
	}
}
