package plasticity

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuromod-go/neuromod/asm"
	"github.com/neuromod-go/neuromod/asm/gemm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The oracles of backpropamine-spec.md §6 that apply to the LSTM.

// defaultConfigs is one configuration per variant and α shape.
func defaultConfigs() []Config {
	var cs []Config
	for _, v := range []Variant{Plastic, Neuromod, Retro} {
		c := Default(v, 3, 5)
		cs = append(cs, c)
		c.Alpha = PerNeuron
		c.FanOut = PerNeuron
		cs = append(cs, c)
	}
	return cs
}

// plainLSTM runs the baseline LSTM on the same parameters (w = the g block
// of W_hh, no plasticity) as the baseline layer computes it: the recurrent
// product by gemm.Sgemm, the cell by asm.LSTMCellForward. It returns the outputs [T, B, H] and updates h, c.
func plainLSTM(p *Params, xproj, h, c []float32, steps, batch int) []float32 {
	H := p.Config.Hidden
	out := make([]float32, steps*batch*H)
	gates := make([]float32, batch*4*H)
	for t := 0; t < steps; t++ {
		copy(gates, xproj[t*batch*4*H:])
		gemm.Sgemm(false, true, batch, 4*H, H, 1, h, H, p.WeightHH, H, 1, gates, 4*H)
		for b := 0; b < batch; b++ {
			cb := c[b*H : (b+1)*H]
			asm.LSTMCellForward(gates[b*4*H:(b+1)*4*H], cb, cb, out[(t*batch+b)*H:(t*batch+b+1)*H])
		}
		copy(h, out[t*batch*H:(t+1)*batch*H])
	}
	return out
}

func relClose(t *testing.T, what string, want, got []float32, tol float64) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		w, g := float64(want[i]), float64(got[i])
		if math.Abs(w-g) > tol*math.Max(math.Abs(w), 1e-3) {
			t.Fatalf("%s[%d] = %v, want %v (relative tolerance %g)", what, i, got[i], want[i], tol)
		}
	}
}

// Oracle 1: α = 0 gives the plain LSTM's outputs (within 1e-6 relative; in
// fact bit-identical, since the plastic read then adds exact zeros), even
// with a non-zero trace carried in.
func TestAlphaZeroIsPlainLSTM(t *testing.T) {
	for _, c := range defaultConfigs() {
		t.Run(configName(c), func(t *testing.T) {
			const steps, batch = 6, 3
			s := newSetup(c, steps, batch, 3)
			clear(s.p.Alpha)
			out, st, _, _ := s.analytic(0)
			h, cc := append([]float32(nil), s.st.H...), append([]float32(nil), s.st.C...)
			want := plainLSTM(s.p, s.xproj, h, cc, steps, batch)
			relClose(t, "h", want, out, 1e-6)
			relClose(t, "final c", cc, st.C, 1e-6)
		})
	}
}

// Oracle 2: α = 0 ⇒ the modulator, fan-out and η get exactly zero gradient;
// α itself does get a gradient once Hebb ≠ 0.
func TestAlphaZeroNoModulatorGradient(t *testing.T) {
	for _, c := range gradConfigs() {
		t.Run(configName(c), func(t *testing.T) {
			s := newSetup(c, 4, 2, 4)
			clear(s.p.Alpha)
			_, _, _, g := s.analytic(2)
			for _, x := range [][]float32{g.Eta, g.ModWeight, g.ModBias, g.FanWeight, g.FanBias} {
				for _, v := range x {
					require.Zero(t, v)
				}
			}
			assert.NotZero(t, maxAbs(g.Alpha))
		})
	}
}

func maxAbs(x []float32) float32 {
	var m float32
	for _, v := range x {
		m = max(m, float32(math.Abs(float64(v))))
	}
	return m
}

// Oracle 5: zero modulation (modulator weights and bias 0, so m = 0, and the
// fan-out bias 0) freezes the trace exactly; a non-zero fan-out bias alone
// still changes it (pitfall 5).
func TestZeroModulationFreezesTrace(t *testing.T) {
	for _, v := range []Variant{Neuromod, Retro} {
		for _, fan := range []Shape{PerConnection, PerNeuron, Scalar} {
			c := Default(v, 3, 4)
			c.FanOut = fan
			t.Run(configName(c), func(t *testing.T) {
				s := newSetup(c, 5, 2, 5)
				clear(s.p.ModWeight)
				clear(s.p.ModBias)
				bias := append([]float32(nil), s.p.FanBias...)
				clear(s.p.FanBias)
				_, st, _, _ := s.analytic(0)
				require.Equal(t, s.st.Hebb, st.Hebb)
				if fan != Scalar {
					copy(s.p.FanBias, bias)
					_, st, _, _ = s.analytic(0)
					require.NotEqual(t, s.st.Hebb, st.Hebb)
				}
			})
		}
	}
}

// stepper runs a layer one step per segment so a test can look at the
// record (l.hs, l.acts, l.ms) and the state after every step.
type stepper struct {
	l   *Layer
	st  *State
	out []float32
}

func newStepper(p *Params, st *State) *stepper {
	return &stepper{l: NewLayer(p), st: st, out: make([]float32, st.Batch*p.Config.Hidden)}
}

func (s *stepper) step(xp []float32) { s.l.Forward(s.out, xp, s.st, 1) }

// pre, post and m of sample b at the last step.
func (s *stepper) pre(b int) []float32 {
	H := s.st.Hidden
	return s.l.hs[b*H : (b+1)*H]
}
func (s *stepper) post(b int) []float32 {
	H := s.st.Hidden
	return s.l.acts[b*4*H+2*H : b*4*H+3*H]
}
func (s *stepper) m(b int) float32 { return s.l.ms[b] }

// Oracle 6 (and 17): however large M is (fan-out bias 10), |Hebb| ≤ clip
// after every step, and every entry whose pre-clip value is beyond ±clip
// ends exactly at ±clip. The scalar modulator output stays in (−1, 1).
func TestClipBound(t *testing.T) {
	for _, clip := range []float32{1, 2} {
		for _, v := range []Variant{Neuromod, Retro} {
			c := Default(v, 3, 5)
			c.FanOut = PerNeuron
			c.Clip = clip
			t.Run(configName(c), func(t *testing.T) {
				s := newSetup(c, 8, 2, 6)
				for j := range s.p.FanBias {
					s.p.FanBias[j] = 10
				}
				H, B := c.Hidden, 2
				sp := newStepper(s.p, s.st.Clone())
				atBound := 0
				for t0 := 0; t0 < 8; t0++ {
					hebb0, e0 := sp.st.Traces()
					sp.step(s.xproj[t0*B*4*H : (t0+1)*B*4*H])
					hebb := hebbOf(sp.st)
					for b := 0; b < B; b++ {
						m := sp.m(b)
						require.Less(t, math.Abs(float64(m)), 1.0)
						for i := 0; i < H; i++ {
							for j := 0; j < H; j++ {
								k := b*H*H + i*H + j
								got := hebb[k]
								require.LessOrEqual(t, math.Abs(float64(got)), float64(clip))
								M := float64(s.p.FanWeight[j])*float64(m) + float64(s.p.FanBias[j])
								var u float64
								if v == Retro {
									u = float64(hebb0[k]) + M*float64(e0[k])
								} else {
									u = float64(hebb0[k]) + M*float64(sp.pre(b)[i])*float64(sp.post(b)[j])
								}
								if math.Abs(u) > float64(clip)*(1+1e-5) {
									require.Equal(t, float32(math.Copysign(float64(clip), u)), got)
									atBound++
								}
							}
						}
					}
				}
				require.Positive(t, atBound)
			})
		}
	}
}

// Oracle 3: with h0 = 0 the first step's Hebbian product is 0, so Hebb (and
// E) stay exactly 0 after step 1, whatever M, η or the clip; for Neuromod
// the trace is non-zero after step 2.
func TestFirstStepHebbZero(t *testing.T) {
	for _, c := range defaultConfigs() {
		t.Run(configName(c), func(t *testing.T) {
			s := newSetup(c, 2, 2, 7)
			st := NewState(c, 2)
			sp := newStepper(s.p, st)
			sp.step(s.xproj[:2*4*c.Hidden])
			require.Zero(t, maxAbs(st.Hebb))
			require.Zero(t, maxAbs(st.E))
			sp.step(s.xproj[2*4*c.Hidden:])
			if c.Variant == Retro {
				require.Zero(t, maxAbs(st.Hebb)) // oracle 4: still 0 after step 2
				require.NotZero(t, maxAbs(st.E))
			} else {
				require.NotZero(t, maxAbs(st.Hebb))
			}
		})
	}
}

// Oracle 4: retroactive delay. From a zero state, Hebb is exactly 0 after
// steps 1 and 2 and equals clip(M_3 ⊙ η ⊙ (h_1 ⊗ g_2)) after step 3
// (E_2 = η ⊙ h_1⊗g_2), checked in float64 to 1e-6.
func TestRetroDelay(t *testing.T) {
	for _, eta := range []Shape{PerConnection, Scalar} {
		c := Default(Retro, 3, 4)
		c.Eta = eta
		t.Run(configName(c), func(t *testing.T) {
			H, B := c.Hidden, 2
			s := newSetup(c, 3, B, 8)
			st := NewState(c, B)
			sp := newStepper(s.p, st)
			x := func(t0 int) []float32 { return s.xproj[t0*B*4*H : (t0+1)*B*4*H] }
			sp.step(x(0))
			require.Zero(t, maxAbs(st.Hebb))
			h1 := append([]float32(nil), st.H...)
			sp.step(x(1))
			require.Zero(t, maxAbs(st.Hebb))
			g2 := make([]float32, B*H)
			for b := 0; b < B; b++ {
				copy(g2[b*H:], sp.post(b))
			}
			sp.step(x(2))
			hebb := hebbOf(st)
			for b := 0; b < B; b++ {
				m := float64(sp.m(b))
				for i := 0; i < H; i++ {
					for j := 0; j < H; j++ {
						k := i*H + j
						et := float64(s.p.Eta[0])
						if eta == PerConnection {
							et = float64(s.p.Eta[k])
						}
						M := float64(s.p.FanWeight[k])*m + float64(s.p.FanBias[k])
						want := M * et * float64(h1[b*H+i]) * float64(g2[b*H+j])
						want = math.Max(-1, math.Min(1, want))
						require.InDelta(t, want, float64(hebb[b*H*H+k]), 1e-6)
					}
				}
			}
			require.NotZero(t, maxAbs(st.Hebb))
		})
	}
}

// Oracle 9: retro with η = 1 is simple modulation delayed by one step,
// E_t = Δ_t, Hebb_{t+1} = clip(Hebb_t + M_{t+1}⊙Δ_t) — bit for bit, because
// (1−1)·E + 1·Δ is exactly Δ.
func TestRetroEtaOneIsDelayedModulation(t *testing.T) {
	for _, eta := range []Shape{PerConnection, Scalar} {
		c := Default(Retro, 3, 4)
		c.Eta = eta
		c.FanOut = PerNeuron
		t.Run(configName(c), func(t *testing.T) {
			H, B := c.Hidden, 2
			const steps = 6
			s := newSetup(c, steps, B, 9)
			for i := range s.p.Eta {
				s.p.Eta[i] = 1
			}
			sp := newStepper(s.p, s.st.Clone())
			var prevPre, prevPost [][]float32 // Δ of the previous step per sample
			for t0 := 0; t0 < steps; t0++ {
				before := hebbOf(sp.st)
				sp.step(s.xproj[t0*B*4*H : (t0+1)*B*4*H])
				hebb := hebbOf(sp.st)
				for b := 0; b < B; b++ {
					if t0 > 0 {
						want := append([]float32(nil), before[b*H*H:(b+1)*H*H]...)
						asm.HebbUpdate(want, want, prevPre[b], prevPost[b], s.p.FanWeight, s.p.FanBias, sp.m(b), c.Clip)
						require.Equal(t, want, hebb[b*H*H:(b+1)*H*H])
					}
				}
				prevPre, prevPost = nil, nil
				for b := 0; b < B; b++ {
					prevPre = append(prevPre, append([]float32(nil), sp.pre(b)...))
					prevPost = append(prevPost, append([]float32(nil), sp.post(b)...))
				}
			}
		})
	}
}

// Oracle 11: per-neuron α = e_k changes only column k of the plastic
// pre-activation, by Σ_i h_i·Hebb_ik: at the kernel, exactly; in the layer,
// only g_k moves (every other gate activation is bit-identical) and it equals
// tanh(z_k + Σ_i h_i·Hebb_ik) to 1e-6.
func TestPerNeuronAlphaBroadcast(t *testing.T) {
	c := Default(Plastic, 3, 5)
	c.Alpha = PerNeuron
	H, B := c.Hidden, 2
	const k = 2
	s := newSetup(c, 1, B, 10)
	hebb0 := hebbOf(s.st)
	hb := hebb0[:H*H]
	p := make([]float32, H)
	alpha := make([]float32, H)
	alpha[k] = 1
	asm.PlasticReadPerNeuron(p, s.st.H[:H], alpha, hb)
	for j := range p {
		if j != k {
			require.Zero(t, p[j])
			continue
		}
		var want float64
		for i := 0; i < H; i++ {
			want += float64(s.st.H[i]) * float64(hb[i*H+k])
		}
		require.InDelta(t, want, float64(p[k]), 1e-6)
	}

	clear(s.p.Alpha)
	sp0 := newStepper(s.p, s.st.Clone())
	sp0.step(s.xproj)
	s.p.Alpha[k] = 1
	sp1 := newStepper(s.p, s.st.Clone())
	sp1.step(s.xproj)
	for b := 0; b < B; b++ {
		a0, a1 := sp0.l.acts[b*4*H:(b+1)*4*H], sp1.l.acts[b*4*H:(b+1)*4*H]
		for r := range a0 {
			if r == 2*H+k {
				continue
			}
			require.Equal(t, a0[r], a1[r], "gate row %d", r)
		}
		var z, d float64
		for i := 0; i < H; i++ {
			hi := float64(s.st.H[b*H+i])
			z += hi * float64(s.p.WeightHH[(2*H+k)*H+i])
			d += hi * float64(hebb0[b*H*H+i*H+k])
		}
		z += float64(s.xproj[b*4*H+2*H+k])
		require.InDelta(t, math.Tanh(z+d), float64(a1[2*H+k]), 1e-6)
		require.NotEqual(t, a0[2*H+k], a1[2*H+k])
	}
}

// Oracle 12: a per-neuron fan-out scales columns: for unsaturated entries
// Hebb' − Hebb = M[b, j]·h_i·g_j, M[b, j] = u_j·m_b + β_j (to 1e-6).
func TestFanOutBroadcast(t *testing.T) {
	c := Default(Neuromod, 3, 5)
	c.FanOut = PerNeuron
	H, B := c.Hidden, 3
	s := newSetup(c, 1, B, 11)
	sp := newStepper(s.p, s.st.Clone())
	sp.step(s.xproj)
	hebb0, hebb := hebbOf(s.st), hebbOf(sp.st)
	checked := 0
	for b := 0; b < B; b++ {
		for i := 0; i < H; i++ {
			for j := 0; j < H; j++ {
				k := b*H*H + i*H + j
				M := float64(s.p.FanWeight[j])*float64(sp.m(b)) + float64(s.p.FanBias[j])
				want := M * float64(sp.pre(b)[i]) * float64(sp.post(b)[j])
				if math.Abs(float64(hebb0[k])+want) < float64(c.Clip)-1e-3 {
					require.InDelta(t, want, float64(hebb[k]-hebb0[k]), 1e-6)
					checked++
				}
			}
		}
	}
	require.Greater(t, checked, B*H*H/3)
}

// Oracle 12, batch invariance: a sequence run at batch 1 and as row 0 of a
// batch of 3 gives the same outputs and final state (within 1e-6 relative;
// in fact bit-identical here), for every variant — the regression test for
// pitfall 1 (the fan-out axis flipping at batch 1).
func TestBatchInvariance(t *testing.T) {
	for _, c := range gradConfigs() {
		t.Run(configName(c), func(t *testing.T) {
			const steps = 5
			H := c.Hidden
			big := newSetup(c, steps, 3, 12)
			one := &setup{p: big.p, steps: steps, st: NewState(c, 1)}
			copy(one.st.H, big.st.H[:H])
			copy(one.st.C, big.st.C[:H])
			hebb, e := big.st.Traces()
			require.NoError(t, one.st.SetTraces(hebb[:H*H], e[:min(len(e), H*H)]))
			for t0 := 0; t0 < steps; t0++ {
				one.xproj = append(one.xproj, big.xproj[t0*3*4*H:t0*3*4*H+4*H]...)
				one.R = append(one.R, big.R[t0*3*H:t0*3*H+H]...)
			}
			outB, stB, dxB, _ := big.analytic(0)
			out1, st1, dx1, _ := one.analytic(0)
			for t0 := 0; t0 < steps; t0++ {
				relClose(t, "h", out1[t0*H:(t0+1)*H], outB[t0*3*H:t0*3*H+H], 1e-6)
				relClose(t, "dxproj", dx1[t0*4*H:(t0+1)*4*H], dxB[t0*3*4*H:t0*3*4*H+4*H], 1e-6)
			}
			relClose(t, "Hebb", hebbOf(st1), hebbOf(stB)[:H*H], 1e-6)
			relClose(t, "c", st1.C, stB.C[:H], 1e-6)
			if c.Variant == Retro {
				relClose(t, "E", eligOf(st1), eligOf(stB)[:H*H], 1e-6)
			}
		})
	}
}

// Oracle 13: detachment across segments. Two segments of 4 carry exactly the
// values of one segment of 8 (outputs and state bit-identical), and the
// gradient of the second segment's loss is that of a fresh run of segment 2
// from the carried-in values (bit-identical), which the finite differences
// of the reference with the carried-in state held fixed confirm.
func TestDetachmentAcrossSegments(t *testing.T) {
	for _, c := range []Config{Default(Plastic, 3, 4), Default(Neuromod, 3, 4), Default(Retro, 3, 4)} {
		t.Run(configName(c), func(t *testing.T) {
			H, B := c.Hidden, 2
			s, _ := fdSetup(t, c, 8, B)
			half := 4 * B * 4 * H

			whole := s.st.Clone()
			outW := make([]float32, 8*B*H)
			NewLayer(s.p).Forward(outW, s.xproj, whole, 8)

			l := NewLayer(s.p)
			st := s.st.Clone()
			out1, out2 := make([]float32, 4*B*H), make([]float32, 4*B*H)
			l.Forward(out1, s.xproj[:half], st, 4)
			carried := st.Clone()
			l.Forward(out2, s.xproj[half:], st, 4)
			require.Equal(t, outW, append(out1, out2...))
			require.Equal(t, whole, st)

			R2 := s.R[4*B*H:]
			dx := make([]float32, half)
			g, _ := NewParams(c)
			l.Backward(dx, R2, g)

			seg2 := &setup{p: s.p, st: carried, xproj: s.xproj[half:], R: R2, steps: 4}
			_, _, dxF, gF := seg2.analytic(0)
			require.Equal(t, dxF, dx)
			require.Equal(t, gF, g)

			m := newModel64(s.p)
			x64, st64, r64 := f64(seg2.xproj), newState64(carried), f64(R2)
			_, stats := m.loss(x64, st64, 4, B, r64)
			require.Greater(t, stats.minDist, fdMinDist)
			loss := func() float64 { v, _ := m.loss(x64, st64, 4, B, r64); return v }
			bad, _ := checkGrads(loss, entries(m, x64, g, dx))
			assert.Empty(t, bad)
		})
	}
}

// The memory scheme: keeping the traces every k steps and replaying the
// rest in backward gives bit-identical gradients to keeping every step.
func TestCheckpointRecomputeExact(t *testing.T) {
	for _, c := range gradConfigs() {
		t.Run(configName(c), func(t *testing.T) {
			s := newSetup(c, 7, 2, 13)
			out1, st1, dx1, g1 := s.analytic(1)
			for _, k := range []int{0, 2, 3, 5, 7, 100} {
				out, st, dx, g := s.analytic(k)
				require.Equal(t, out1, out, "k=%d", k)
				require.Equal(t, st1, st, "k=%d", k)
				require.Equal(t, dx1, dx, "k=%d", k)
				require.Equal(t, g1, g, "k=%d", k)
			}
		})
	}
}

// A layer reused for segments of different lengths and batch sizes gives
// the same results as a fresh one (its buffers are resized, not stale).
func TestLayerReuse(t *testing.T) {
	c := Default(Retro, 3, 4)
	l := NewLayer(nil2(c))
	for _, shape := range [][2]int{{5, 3}, {2, 1}, {7, 2}} {
		steps, batch := shape[0], shape[1]
		s := newSetup(c, steps, batch, uint64(20+steps))
		l.P = s.p
		out, st, dx, g := s.runOn(l)
		outF, stF, dxF, gF := s.analytic(0)
		require.Equal(t, outF, out)
		require.Equal(t, stF, st)
		require.Equal(t, dxF, dx)
		require.Equal(t, gF, g)
	}
}

func nil2(c Config) *Params { p, _ := NewParams(c); return p }

// AGDiv divides α's gradient (and nothing else).
func TestAGDiv(t *testing.T) {
	c := Default(Neuromod, 3, 4)
	s := newSetup(c, 4, 2, 14)
	_, _, dx1, g1 := s.analytic(0)
	c.AGDiv = 4
	s.p.Config = c
	_, _, dx4, g4 := s.analytic(0)
	require.Equal(t, dx1, dx4)
	for i := range g1.Alpha {
		require.Equal(t, g1.Alpha[i]/4, g4.Alpha[i])
	}
	g4.Alpha, g1.Alpha = nil, nil
	g4.Config = g1.Config
	require.Equal(t, g1, g4)
}

// Parameter counts: NumParams agrees with the allocated tensors, and the
// language-model totals (V = 10000, embedding H, 2 layers, untied decoder
// with bias) reproduce the zaremba-small baseline's 4,653,200 at H = 200.
func TestParamCounts(t *testing.T) {
	const V = 10000
	lm := func(c Config) int {
		h := c.Hidden
		return V*h + V*h + V + 2*c.NumParams()
	}
	baseline := func(h int) int { return 2*V*h + V + 2*(8*h*h+8*h) }
	require.Equal(t, 4653200, baseline(200))
	for _, h := range []int{7, 200} {
		for _, c := range append(gradConfigs(), defaultConfigs()...) {
			c.Hidden, c.Input = h, h
			p, err := NewParams(c)
			require.NoError(t, err)
			require.Equal(t, c.NumParams(), p.NumParams())
		}
		// Defaults: α and η per connection, fan-out per connection.
		require.Equal(t, baseline(h)+4*h*h, lm(Default(Plastic, h, h)))
		require.Equal(t, baseline(h)+2*(3*h*h+h+1), lm(Default(Neuromod, h, h)))
		require.Equal(t, baseline(h)+2*(4*h*h+h+1), lm(Default(Retro, h, h)))
	}
	p := nil2(Default(Retro, 3, 4))
	var names []string
	for _, n := range p.Tensors() {
		names = append(names, n.Name)
	}
	require.Equal(t, []string{"weight_ih", "weight_hh", "bias_ih", "bias_hh", "alpha", "eta",
		"mod_weight", "mod_bias", "fan_weight", "fan_bias"}, names)
}

// Init follows the initialisation and keeps α small.
func TestInit(t *testing.T) {
	p := nil2(Default(Neuromod, 3, 50))
	p.Init(rand.New(rand.NewPCG(1, 2)), 0.1)
	require.LessOrEqual(t, maxAbs(p.WeightHH), float32(0.1))
	require.LessOrEqual(t, maxAbs(p.Alpha), float32(1e-4))
	require.LessOrEqual(t, maxAbs(p.FanWeight), float32(1))
	require.Greater(t, maxAbs(p.FanWeight), float32(0.9))
	require.Greater(t, maxAbs(p.FanBias), float32(0.9))
	// FanInit narrows the fan-out's range; 0 (a Config literal) means 1.
	c := Default(Neuromod, 3, 50)
	c.FanInit = 0.1
	p = nil2(c)
	p.Init(rand.New(rand.NewPCG(1, 2)), 0.1)
	require.LessOrEqual(t, maxAbs(p.FanWeight), float32(0.1))
	require.LessOrEqual(t, maxAbs(p.FanBias), float32(0.1))
	require.Greater(t, maxAbs(p.FanBias), float32(0.09))
	c.FanInit = 0
	p = nil2(c)
	p.Init(rand.New(rand.NewPCG(1, 2)), 0.1)
	require.Greater(t, maxAbs(p.FanWeight), float32(0.9))
	q := nil2(Default(Plastic, 3, 5))
	q.Init(rand.New(rand.NewPCG(1, 2)), 0.1)
	for _, v := range q.Eta {
		require.Equal(t, float32(0.01), v)
	}
}

// The per-sample work split over workers: outputs, final state and dxproj
// are bit-identical for any number of workers (the samples are
// independent), and so are the shared parameters' gradients, whose groups'
// sums are added in group order whichever worker ran which group.
func TestWorkers(t *testing.T) {
	for _, c := range gradConfigs() {
		t.Run(configName(c), func(t *testing.T) {
			const steps, batch = 5, 5
			s := newSetup(c, steps, batch, 15)
			run := func(workers int) ([]float32, *State, []float32, *Params) {
				return s.run(func(l *Layer) { l.Workers = workers })
			}
			out1, st1, dx1, g1 := run(1)
			for _, w := range []int{2, 3, 5, 8} {
				out, st, dx, g := run(w)
				require.Equal(t, out1, out)
				require.Equal(t, st1, st)
				require.Equal(t, dx1, dx)
				require.Equal(t, g1, g)
			}
		})
	}
}

// At the paper's sizes too (where the GEMMs take other paths than at the
// tiny sizes above): each worker's share of the per-step recurrent GEMM and
// of the traces gives outputs, dxproj and gradients bit-identical to one
// worker's.
func TestWorkersLarge(t *testing.T) {
	for _, v := range []Variant{Plastic, Retro} {
		c := Default(v, 194, 194)
		const steps, batch = 3, 20
		s := newSetup(c, steps, batch, 23)
		run := func(workers int) ([]float32, []float32, *Params) {
			out, _, dx, g := s.run(func(l *Layer) { l.Workers = workers })
			return out, dx, g
		}
		out1, dx1, g1 := run(1)
		out2, dx2, g2 := run(2)
		require.Equal(t, out1, out2, "%v outputs", v)
		require.Equal(t, dx1, dx2, "%v dxproj", v)
		require.Equal(t, g1, g2, "%v gradients", v)
	}
}

// requireSumsClose checks gradients whose sums were added in another order:
// they differ by rounding relative to their terms, not to the result, so an
// element that cancels to near zero is compared at the scale of the
// tensor's largest.
func requireSumsClose(t *testing.T, want, got *Params) {
	t.Helper()
	for i, tn := range want.Tensors() {
		g := got.Tensors()[i].Data
		scale := max(float64(maxAbs(tn.Data)), 1e-3)
		for e, w := range tn.Data {
			diff := math.Abs(float64(w) - float64(g[e]))
			require.LessOrEqual(t, diff, 1e-5*math.Max(math.Abs(float64(w)), scale),
				"%s[%d] = %v, want %v", tn.Name, e, g[e], w)
		}
	}
}

// Backward's lockstep groups change only the order of sums: the outputs and
// the final state do not depend on them at all, dxproj only through the
// recurrent GEMM of a group (a dot product per sample for a group of one),
// and the parameters' gradients as with workers. Group sizes that do not
// divide the batch leave a smaller last group.
func TestGroups(t *testing.T) {
	for _, c := range gradConfigs() {
		t.Run(configName(c), func(t *testing.T) {
			const steps, batch = 6, 5
			s := newSetup(c, steps, batch, 19)
			run := func(group int) ([]float32, *State, []float32, *Params) {
				return s.run(func(l *Layer) { l.Group, l.Workers = group, 2 })
			}
			out1, st1, dx1, g1 := run(1)
			for _, group := range []int{2, 3, 5} {
				out, st, dx, g := run(group)
				require.Equal(t, out1, out)
				require.Equal(t, st1, st)
				scale := max(float64(maxAbs(dx1)), 1e-3)
				for i, w := range dx1 {
					require.InDelta(t, w, dx[i], 1e-5*scale, "dxproj[%d], group %d", i, group)
				}
				requireSumsClose(t, g1, g)
			}
		})
	}
}

// The trace passes' blocks of rows change only the association of the
// modulation's gradient (a sum over all rows, now of the blocks' partial
// sums), and with one α or fan-out per neuron the order in which the
// samples' terms reach their gradients: the outputs and the final state
// are bit-identical for any block, dxproj and the parameters' gradients
// equal to rounding. Blocks of 1 to H+1 rows, over two workers' groups.
func TestRowBlocks(t *testing.T) {
	for _, c := range gradConfigs() {
		t.Run(configName(c), func(t *testing.T) {
			const steps, batch = 5, 5
			s := newSetup(c, steps, batch, 29)
			run := func(rows int) ([]float32, *State, []float32, *Params) {
				return s.run(func(l *Layer) { l.rowBlock, l.Workers, l.CheckpointEvery = rows, 2, 2 })
			}
			out1, st1, dx1, g1 := run(c.Hidden)
			for rows := 1; rows <= c.Hidden+1; rows++ {
				out, st, dx, g := run(rows)
				require.Equal(t, out1, out, "outputs, blocks of %d", rows)
				require.Equal(t, st1, st, "state, blocks of %d", rows)
				scale := max(float64(maxAbs(dx1)), 1e-3)
				for i, w := range dx1 {
					require.InDelta(t, w, dx[i], 1e-5*scale, "dxproj[%d], blocks of %d", i, rows)
				}
				requireSumsClose(t, g1, g)
			}
		})
	}
}

// Two layers sharing one Scratch (as the layers of a stack may) give the
// same results as layers with their own.
func TestSharedScratch(t *testing.T) {
	c := Default(Retro, 3, 4)
	s1, s2 := newSetup(c, 6, 2, 16), newSetup(c, 6, 2, 17)
	sc := new(Scratch)
	for _, s := range []*setup{s1, s2, s1} {
		_, _, dx, g := s.run(func(l *Layer) { l.Scratch = sc })
		_, _, dxF, gF := s.analytic(0)
		require.Equal(t, dxF, dx)
		require.Equal(t, gF, g)
	}
}

// Parameter matching against the zaremba-small baseline (4,653,200): every
// variant's defaults and options find a hidden size within 0.5 %.
func TestMatchHidden(t *testing.T) {
	const V, target = 10000, 4653200
	want := map[Variant]int{Plastic: 194, Neuromod: 192, Retro: 189}
	for _, v := range []Variant{Plastic, Neuromod, Retro} {
		h, n := MatchHidden(Default(v, 1, 1), V, 2, target)
		require.Equal(t, want[v], h, "%v", v)
		require.InDelta(t, target, n, 0.005*target)
		t.Logf("%v: H = %d, %d parameters (%+.2f %%)", v, h, n, 100*float64(n-target)/target)
	}
	for _, c := range gradConfigs() {
		_, n := MatchHidden(c, V, 2, target)
		require.InDelta(t, target, n, 0.005*target, configName(c))
	}
}

// Forward updates the traces without copying them in or out: it hands the
// State the buffers holding the final traces and keeps the State's former
// ones, untouched, as its first checkpoint, so that Backward does not
// depend on what becomes of the State meanwhile; the next Forward reuses
// them, unless the caller hands them back as the State's; in inference the
// traces stay in the State's buffers.
func TestForwardHandsOverTraceBuffers(t *testing.T) {
	c := Default(Retro, 3, 4)
	s := newSetup(c, 5, 2, 19)
	out, want, dx, g := s.analytic(0)

	l := NewLayer(s.p)
	st := s.st.Clone()
	hebb0, e0 := st.Hebb, st.E
	got := make([]float32, len(out))
	l.Forward(got, s.xproj, st, s.steps)
	require.Equal(t, out, got)
	require.Equal(t, want, st)
	require.NotSame(t, &hebb0[0], &st.Hebb[0])
	require.NotSame(t, &e0[0], &st.E[0])
	require.Equal(t, s.st.Hebb, hebb0, "the traces entering the segment are kept as they were")
	require.Equal(t, s.st.E, e0)
	require.Same(t, &hebb0[0], &l.ck0Hebb[0])

	st.Reset() // after Forward, the State is the caller's again
	dx2 := make([]float32, len(dx))
	g2, _ := NewParams(c)
	l.Backward(dx2, s.R, g2)
	require.Equal(t, dx, dx2)
	require.Equal(t, g, g2)

	// The next Forward writes into the former buffers...
	st2 := s.st.Clone()
	l.Forward(got, s.xproj, st2, s.steps)
	require.Equal(t, out, got)
	require.Equal(t, want, st2)
	require.Same(t, &hebb0[0], &st2.Hebb[0])
	// ...unless the caller hands them back as the State's.
	st3 := s.st.Clone()
	copy(l.ck0Hebb, st3.Hebb)
	copy(l.ck0E, st3.E)
	st3.Hebb, st3.E = l.ck0Hebb, l.ck0E
	l.Forward(got, s.xproj, st3, s.steps)
	require.Equal(t, out, got)
	require.Equal(t, want, st3)
	g3, _ := NewParams(c)
	l.Backward(dx2, s.R, g3)
	require.Equal(t, dx, dx2)
	require.Equal(t, g, g3)

	l.Inference = true
	st4 := s.st.Clone()
	hebb4 := st4.Hebb
	l.Forward(got, s.xproj, st4, s.steps)
	require.Equal(t, out, got)
	require.Equal(t, want, st4)
	require.Same(t, &hebb4[0], &st4.Hebb[0])
}

// Inference mode gives the same outputs and state, keeps no checkpoints,
// and refuses Backward.
func TestInference(t *testing.T) {
	c := Default(Retro, 3, 4)
	s := newSetup(c, 5, 2, 18)
	out, st, _, _ := s.analytic(0)
	l := NewLayer(s.p)
	l.Inference = true
	st2 := s.st.Clone()
	out2 := make([]float32, len(out))
	l.Forward(out2, s.xproj, st2, s.steps)
	require.Equal(t, out, out2)
	require.Equal(t, st, st2)
	require.Empty(t, l.ckHebb)
	g, _ := NewParams(c)
	require.Panics(t, func() { l.Backward(make([]float32, len(s.xproj)), s.R, g) })
	require.Panics(t, func() { NewLayer(s.p).Backward(make([]float32, len(s.xproj)), s.R, g) })
}

// Params with a slice of the wrong length are refused.
func TestParamsCheck(t *testing.T) {
	p := nil2(Default(Neuromod, 3, 4))
	require.NotPanics(t, p.check)
	p.FanBias = p.FanBias[:3]
	require.Panics(t, p.check)
	q := nil2(Default(Plastic, 3, 4))
	q.ModWeight = make([]float32, 4)
	require.Panics(t, q.check)
	require.Panics(t, func() { NewLayer(q) })
}

// The default checkpoint interval minimises the trace memory.
func TestDefaultCheckpointEvery(t *testing.T) {
	l := NewLayer(nil2(Default(Plastic, 3, 4)))
	l.Workers = 2
	require.Equal(t, 10, l.checkpointEvery(20, 20))
	require.Equal(t, 1, l.checkpointEvery(1, 20))
	require.Equal(t, 2, l.checkpointEvery(5, 1)) // ⌈5/2⌉ + 1 = 4 values of H², the first minimum
	// Two layers sharing the Scratch: their checkpoints count twice against
	// one set of replay buffers. With groups of 2 that is a tie between
	// k = 10 and 20 (116·H²), the first kept; groups of 1 take a single
	// checkpoint, 2·20 + 2·19 = 78·H² against 98 at k = 10.
	l.Scratch = &Scratch{Layers: 2}
	require.Equal(t, 10, l.checkpointEvery(20, 20))
	r := NewLayer(nil2(Default(Retro, 3, 4)))
	r.Workers, r.Group = 2, 1
	require.Equal(t, 10, r.checkpointEvery(20, 20))
	r.Scratch = &Scratch{Layers: 2}
	require.Equal(t, 20, r.checkpointEvery(20, 20))
	l.CheckpointEvery = 4
	require.Equal(t, 4, l.checkpointEvery(20, 20))
	require.Equal(t, 2, l.checkpointEvery(2, 20))
}
