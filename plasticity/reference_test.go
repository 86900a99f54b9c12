package plasticity

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// This file holds the float64 reference: a slow, direct transcription of the
// equations (spec §1.2–§1.4, §2.1) that forms w + α⊙Hebb explicitly — a
// different algorithm from the layer's, which never does — and the finite-
// difference gradient checker built on it.

// model64 is a layer's parameters in float64 (converted exactly from the
// float32 ones).
type model64 struct {
	cfg                    Config
	whh                    []float64 // [4H, H]
	alpha, eta             []float64
	modW, modB, fanW, fanB []float64
}

func newModel64(p *Params) *model64 {
	return &model64{
		cfg: p.Config, whh: f64(p.WeightHH), alpha: f64(p.Alpha), eta: f64(p.Eta),
		modW: f64(p.ModWeight), modB: f64(p.ModBias), fanW: f64(p.FanWeight), fanB: f64(p.FanBias),
	}
}

// state64 is a State in float64.
type state64 struct{ h, c, hebb, e []float64 }

func newState64(s *State) state64 {
	return state64{h: f64(s.H), c: f64(s.C), hebb: f64(hebbOf(s)), e: f64(eligOf(s))}
}

func (s state64) clone() state64 {
	return state64{h: clone64(s.h), c: clone64(s.c), hebb: clone64(s.hebb), e: clone64(s.e)}
}

// refStats describes how close the run came to the clip's kink, so a
// finite-difference test can assert that its step does not cross it.
type refStats struct {
	saturated, inside int     // entries (over all steps) clipped / not clipped
	minDist           float64 // min over entries of | |U| − clip |
}

func sig(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// forward runs the segment: xproj [T,B,4H] (biases included), outputs
// [T,B,H]; st is updated in place. trace, if not nil, is called after every
// step with the step's g and M for each sample.
func (m *model64) forward(xproj []float64, st state64, steps, batch int, trace func(t, b int, g, M []float64)) ([]float64, refStats) {
	c := m.cfg
	H := c.Hidden
	C := float64(c.Clip)
	out := make([]float64, steps*batch*H)
	stats := refStats{minDist: math.Inf(1)}
	z := make([]float64, 4*H)
	weff := make([]float64, H*H)
	M := make([]float64, H*H)
	for t := 0; t < steps; t++ {
		for b := 0; b < batch; b++ {
			h := st.h[b*H : (b+1)*H]
			cc := st.c[b*H : (b+1)*H]
			hebb := st.hebb[b*H*H : (b+1)*H*H]
			// The effective plastic matrix w + α⊙Hebb, w[i][j] = W_hh[2H+j][i].
			for i := 0; i < H; i++ {
				for j := 0; j < H; j++ {
					a := m.alpha[j]
					if c.Alpha == PerConnection {
						a = m.alpha[i*H+j]
					}
					weff[i*H+j] = m.whh[(2*H+j)*H+i] + a*hebb[i*H+j]
				}
			}
			for r := 0; r < 4*H; r++ {
				z[r] = xproj[(t*batch+b)*4*H+r]
				for i := 0; i < H; i++ {
					if r >= 2*H && r < 3*H {
						z[r] += h[i] * weff[i*H+r-2*H]
					} else {
						z[r] += h[i] * m.whh[r*H+i]
					}
				}
			}
			hNew := make([]float64, H)
			g := make([]float64, H)
			for j := 0; j < H; j++ {
				ig, fg, og := sig(z[j]), sig(z[H+j]), sig(z[3*H+j])
				g[j] = math.Tanh(z[2*H+j])
				cc[j] = fg*cc[j] + ig*g[j] // cc is c(t−1) until overwritten here
				hNew[j] = og * math.Tanh(cc[j])
			}
			// The modulation M[i][j].
			mod := 1.0
			if c.Variant.Modulated() {
				in := h
				if c.ModInput == ModNewH {
					in = hNew
				}
				s := m.modB[0]
				for i := range in {
					s += m.modW[i] * in[i]
				}
				mod = math.Tanh(s)
			}
			for i := 0; i < H; i++ {
				for j := 0; j < H; j++ {
					k := i*H + j
					switch {
					case c.Variant == Plastic && c.Eta == Scalar:
						M[k] = m.eta[0]
					case c.Variant == Plastic:
						M[k] = m.eta[k]
					case c.FanOut == Scalar:
						M[k] = mod
					case c.FanOut == PerNeuron:
						M[k] = m.fanW[j]*mod + m.fanB[j]
					default:
						M[k] = m.fanW[k]*mod + m.fanB[k]
					}
				}
			}
			clip := func(u float64) float64 {
				d := math.Abs(math.Abs(u) - C)
				stats.minDist = math.Min(stats.minDist, d)
				if math.Abs(u) > C {
					stats.saturated++
					return math.Copysign(C, u)
				}
				stats.inside++
				return u
			}
			for i := 0; i < H; i++ {
				for j := 0; j < H; j++ {
					k := i*H + j
					d := h[i] * g[j]
					if c.Variant == Retro {
						e := st.e[b*H*H+k]
						hebb[k] = clip(hebb[k] + M[k]*e)
						et := m.eta[0]
						if c.Eta == PerConnection {
							et = m.eta[k]
						}
						et = min(max(et, 0), 1) // Retro's η is used clamped
						st.e[b*H*H+k] = (1-et)*e + et*d
					} else {
						hebb[k] = clip(hebb[k] + M[k]*d)
					}
				}
			}
			copy(h, hNew)
			copy(out[(t*batch+b)*H:], hNew)
			if trace != nil {
				trace(t, b, g, M)
			}
		}
	}
	return out, stats
}

// loss is Σ R ⊙ outputs, the scalar whose gradient with respect to the
// outputs is R.
func (m *model64) loss(xproj []float64, st state64, steps, batch int, R []float64) (float64, refStats) {
	out, stats := m.forward(xproj, st.clone(), steps, batch, nil)
	var l float64
	for i, v := range out {
		l += R[i] * v
	}
	return l, stats
}

// gradEntry is one parameter slice of the reference with the analytic
// gradient to check against.
type gradEntry struct {
	name     string
	x        []float64
	analytic []float32
}

// mismatch is one finite-difference disagreement.
type mismatch struct {
	name          string
	index         int
	analytic, num float64
}

func (e mismatch) String() string {
	return fmt.Sprintf("%s[%d]: analytic %.6g, finite difference %.6g", e.name, e.index, e.analytic, e.num)
}

// The checker's step and tolerance: central differences in float64 with
// step fdStep have truncation error ~ε²·f‴ ≈ 1e-10, far below the float32
// analytic gradient's own rounding error (~1e-6 relative to the terms that
// sum into it), which sets the tolerance (observed errors ≤ 3e-6): |a − n| ≤ fdTol·max(|n|, fdFloor).
const (
	fdStep  = 1e-5
	fdTol   = 1e-4
	fdFloor = 1e-2
)

// checkGrads compares every analytic entry with the central difference of
// the reference loss and returns the disagreements and the largest error
// seen (relative to max(|n|, fdFloor)).
func checkGrads(loss func() float64, entries []gradEntry) ([]mismatch, float64) {
	var bad []mismatch
	worst := 0.0
	for _, e := range entries {
		if len(e.x) != len(e.analytic) {
			panic(fmt.Sprintf("%s: %d values, %d gradients", e.name, len(e.x), len(e.analytic)))
		}
		for i := range e.x {
			v := e.x[i]
			e.x[i] = v + fdStep
			lp := loss()
			e.x[i] = v - fdStep
			lm := loss()
			e.x[i] = v
			num := (lp - lm) / (2 * fdStep)
			a := float64(e.analytic[i])
			err := math.Abs(a-num) / math.Max(math.Abs(num), fdFloor)
			worst = math.Max(worst, err)
			if err > fdTol {
				bad = append(bad, mismatch{e.name, i, a, num})
			}
		}
	}
	return bad, worst
}

func f64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

func clone64(x []float64) []float64 { return append([]float64(nil), x...) }

// setup is a random layer, carried-in state, segment input and loss weights.
type setup struct {
	p     *Params
	st    *State
	xproj []float32 // [T, B, 4H]
	R     []float32 // [T, B, H]: dL/dh
	steps int
}

// newSetup draws parameters large enough for the plastic path to matter, a
// carried-in state as from a previous segment, with about a third of the
// trace entries saturated at ±clip, and the rest well inside.
func newSetup(c Config, steps, batch int, seed uint64) *setup {
	r := rand.New(rand.NewPCG(seed, 77))
	u := func(x []float32, lo, hi float32) {
		for i := range x {
			x[i] = lo + (hi-lo)*r.Float32()
		}
	}
	p, err := NewParams(c)
	if err != nil {
		panic(err)
	}
	u(p.WeightIH, -0.5, 0.5)
	u(p.WeightHH, -0.5, 0.5)
	u(p.BiasIH, -0.2, 0.2)
	u(p.BiasHH, -0.2, 0.2)
	u(p.Alpha, -1, 1)
	if c.Variant == Retro {
		u(p.Eta, 0.2, 0.8)
	} else {
		u(p.Eta, 0.3, 1)
	}
	u(p.ModWeight, -1, 1)
	u(p.ModBias, -0.5, 0.5)
	u(p.FanWeight, -1.5, 1.5)
	u(p.FanBias, -1, 1)
	st := NewState(c, batch)
	u(st.H, -0.8, 0.8)
	u(st.C, -1, 1)
	hebb, e := st.Traces()
	for i := range hebb {
		switch x := r.Float32(); {
		case x < 0.15:
			hebb[i] = c.Clip
		case x < 0.3:
			hebb[i] = -c.Clip
		default:
			hebb[i] = c.Clip * (r.Float32() - 0.5)
		}
	}
	u(e, -0.5, 0.5)
	if err := st.SetTraces(hebb, e); err != nil {
		panic(err)
	}
	H := c.Hidden
	s := &setup{p: p, st: st, steps: steps,
		xproj: make([]float32, steps*batch*4*H), R: make([]float32, steps*batch*H)}
	u(s.xproj, -1, 1)
	u(s.R, -1, 1)
	return s
}

// analytic runs the float32 layer forward and backward with checkpoints
// every k steps and returns the outputs, final state, dxproj and gradients.
func (s *setup) analytic(k int) (out []float32, st *State, dx []float32, g *Params) {
	return s.run(func(l *Layer) { l.CheckpointEvery = k })
}

// run runs a fresh layer, set up by configure, forward and backward over
// the setup from a copy of its state, and returns the outputs, final state,
// dxproj and gradients.
func (s *setup) run(configure func(*Layer)) (out []float32, st *State, dx []float32, g *Params) {
	l := NewLayer(s.p)
	configure(l)
	return s.runOn(l)
}

// runOn is run on a given layer (which may have run other setups before).
func (s *setup) runOn(l *Layer) (out []float32, st *State, dx []float32, g *Params) {
	c := l.P.Config
	st = s.st.Clone()
	out = make([]float32, s.steps*s.st.Batch*c.Hidden)
	l.Forward(out, s.xproj, st, s.steps)
	dx = make([]float32, len(s.xproj))
	g, _ = NewParams(c)
	l.Backward(dx, s.R, g)
	return out, st, dx, g
}

// entries pairs the reference's parameters with the analytic gradients.
func entries(m *model64, x64 []float64, g *Params, dx []float32) []gradEntry {
	es := []gradEntry{
		{"xproj", x64, dx},
		{"weight_hh", m.whh, g.WeightHH},
		{"alpha", m.alpha, g.Alpha},
		{"eta", m.eta, g.Eta},
		{"mod_weight", m.modW, g.ModWeight},
		{"mod_bias", m.modB, g.ModBias},
		{"fan_weight", m.fanW, g.FanWeight},
		{"fan_bias", m.fanB, g.FanBias},
	}
	return es
}

// hebbOf is st's Hebbian trace in the dense layout [B, H, H].
func hebbOf(st *State) []float32 {
	hebb, _ := st.Traces()
	return hebb
}

// eligOf is st's eligibility trace in the dense layout [B, H, H] (nil
// outside Retro).
func eligOf(st *State) []float32 {
	_, e := st.Traces()
	return e
}
