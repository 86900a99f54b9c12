package plasticity

import (
	"fmt"
	"math"

	"github.com/neuromod-go/neuromod/asm"
	"github.com/neuromod-go/neuromod/asm/gemm"
)

// Layer runs one plastic LSTM layer over a BPTT segment and back. It keeps
// what the backward pass needs from the last Forward, so one Layer serves one
// segment at a time (one autodiff node per layer per segment). Its buffers
// grow to the largest segment seen and are reused: Forward and Backward do
// not allocate once warm.
type Layer struct {
	P *Params
	// CheckpointEvery is k: the traces are kept every k steps and the steps
	// in between are recomputed during Backward. 0 picks ⌈√T⌉, which about
	// minimises checkpoints plus recompute buffer; 1 keeps every step.
	CheckpointEvery int

	// The record of the last Forward.
	steps, batch, k int
	hs, cs          []float32 // [(T+1), B, H]: h and c, index 0 the carried-in state
	acts            []float32 // [T, B, 4H]: the gate activations i, f, g, o
	ms              []float32 // [T, B]: the modulator outputs m
	ckHebb, ckE     []float32 // [⌈T/k⌉, B, H, H]: traces entering steps 0, k, 2k, …

	// Backward scratch.
	recHebb, recE []float32 // [k−1, B, H, H]: recomputed traces within a chunk
	dHebb, dE     []float32 // [B, H, H]
	dh, dhPrev    []float32 // [B, H]
	dht, dc, dgx  []float32 // [B, H]
	dAlpha        []float32 // like Alpha; divided by AGDiv when added
	dDummy        []float32 // sink for the scalar fan-out's unused scale gradient
	dGatesT       []float32 // [4H, T·B]: dxproj transposed
}

// one is the scale of a scalar fan-out: M = 1·m.
var one = []float32{1}

// NewLayer returns a layer computing with the parameters p.
func NewLayer(p *Params) *Layer {
	p.check()
	return &Layer{P: p}
}

// modulation returns the scale and bias of M = scale·m + bias (see
// asm.HebbUpdate): η with m = 1 for Plastic, the fan-out for the modulated
// variants.
func (l *Layer) modulation() (scale, bias []float32) {
	p := l.P
	switch {
	case p.Config.Variant == Plastic:
		return p.Eta, nil
	case p.Config.FanOut == Scalar:
		return one, nil
	}
	return p.FanWeight, p.FanBias
}

// Forward runs T steps on the input projections xproj ([T, B, 4H]: x·W_ihᵀ
// + b_ih + b_hh for every step, gate order i, f, g, o), starting from st and
// leaving the final state in st. It writes the outputs h(1…T) to hOut
// ([T, B, H]) and records what Backward needs.
func (l *Layer) Forward(hOut, xproj []float32, st *State, steps int) {
	c := l.P.Config
	h, b := c.Hidden, st.Batch
	if st.Hidden != h || len(st.H) != b*h || len(st.C) != b*h || len(st.Hebb) != b*h*h ||
		(c.Variant == Retro) != (len(st.E) == b*h*h) {
		panic("plasticity: state does not fit the layer")
	}
	if len(xproj) != steps*b*4*h || len(hOut) != steps*b*h {
		panic(fmt.Sprintf("plasticity: Forward: len(xproj)=%d, len(hOut)=%d for T=%d B=%d H=%d",
			len(xproj), len(hOut), steps, b, h))
	}
	l.steps, l.batch = steps, b
	l.k = l.CheckpointEvery
	if l.k <= 0 {
		l.k = int(math.Ceil(math.Sqrt(float64(steps))))
	}
	l.k = max(1, min(l.k, steps))
	bh, bhh := b*h, b*h*h
	nck := (steps + l.k - 1) / l.k
	l.hs = grow(l.hs, (steps+1)*bh)
	l.cs = grow(l.cs, (steps+1)*bh)
	l.acts = grow(l.acts, steps*4*bh)
	l.ms = grow(l.ms, steps*b)
	l.ckHebb = grow(l.ckHebb, nck*bhh)
	if c.Variant == Retro {
		l.ckE = grow(l.ckE, nck*bhh)
	}

	copy(l.hs, st.H)
	copy(l.cs, st.C)
	for t := 0; t < steps; t++ {
		if t%l.k == 0 {
			// A checkpoint: the trace entering step t.
			copy(l.ckHebb[t/l.k*bhh:], st.Hebb)
			if c.Variant == Retro {
				copy(l.ckE[t/l.k*bhh:], st.E)
			}
		}
		l.cellStep(t, xproj[t*4*bh:(t+1)*4*bh], st.Hebb)
		l.traceStep(t, st.Hebb, st.E)
	}
	copy(st.H, l.hs[steps*bh:])
	copy(st.C, l.cs[steps*bh:])
	copy(hOut, l.hs[bh:])
}

// cellStep computes step t's gates, cell, output and modulator from h(t−1),
// c(t−1) and the trace entering the step, and records them.
func (l *Layer) cellStep(t int, xp, hebb []float32) {
	p := l.P
	c := p.Config
	h, b := c.Hidden, l.batch
	bh := b * h
	hPrev, cPrev := l.hs[t*bh:(t+1)*bh], l.cs[t*bh:(t+1)*bh]
	hNew, cNew := l.hs[(t+1)*bh:(t+2)*bh], l.cs[(t+1)*bh:(t+2)*bh]
	gates := l.acts[t*4*bh : (t+1)*4*bh]

	// All four gates' recurrent part in one GEMM: gates = xproj + h(t−1)·W_hhᵀ.
	copy(gates, xp)
	gemm.Sgemm(false, true, b, 4*h, h, 1, hPrev, h, p.WeightHH, h, 1, gates, 4*h)
	for s := 0; s < b; s++ {
		hp := hPrev[s*h : (s+1)*h]
		gs := gates[s*4*h : (s+1)*4*h]
		hb := hebb[s*h*h : (s+1)*h*h]
		// The plastic part of the cell candidate's pre-activation.
		if c.Alpha == PerNeuron {
			asm.PlasticReadPerNeuron(gs[2*h:3*h], hp, p.Alpha, hb)
		} else {
			asm.PlasticRead(gs[2*h:3*h], hp, p.Alpha, hb)
		}
		hn := hNew[s*h : (s+1)*h]
		asm.LSTMCellForward(gs, cPrev[s*h:(s+1)*h], cNew[s*h:(s+1)*h], hn)
		if c.Variant.Modulated() {
			in := hp
			if c.ModInput == ModNewH {
				in = hn
			}
			z := asm.Dot(p.ModWeight, in) + p.ModBias[0]
			l.ms[t*b+s] = float32(math.Tanh(float64(z)))
		} else {
			l.ms[t*b+s] = 1 // Plastic: M = η·1
		}
	}
}

// traceStep updates the traces (Hebb, and E for Retro) in place with step
// t's Hebbian product h(t−1) ⊗ g(t) and modulation, from the record alone —
// so Backward can replay it bit for bit from a checkpoint.
func (l *Layer) traceStep(t int, hebb, elig []float32) {
	p := l.P
	c := p.Config
	h, b := c.Hidden, l.batch
	bh, hh := b*h, h*h
	hPrev := l.hs[t*bh : (t+1)*bh]
	gates := l.acts[t*4*bh : (t+1)*4*bh]
	scale, bias := l.modulation()
	for s := 0; s < b; s++ {
		pre := hPrev[s*h : (s+1)*h]
		post := gates[s*4*h+2*h : s*4*h+3*h]
		m := l.ms[t*b+s]
		if c.Variant == Retro {
			asm.RetroUpdate(hebb[s*hh:(s+1)*hh], elig[s*hh:(s+1)*hh], pre, post, scale, bias, p.Eta, m, c.Clip)
		} else {
			asm.HebbUpdate(hebb[s*hh:(s+1)*hh], pre, post, scale, bias, m, c.Clip)
		}
	}
}

// Backward runs the last Forward's segment backwards. dhOut ([T, B, H]) is
// the gradient of the loss with respect to the outputs h(1…T). It writes the
// gradient with respect to xproj into dxproj ([T, B, 4H]; the caller derives
// W_ih, b_ih and b_hh's gradients from it) and adds the gradients of
// WeightHH, α, η and the modulator's parameters into g (α's divided by
// AGDiv). Nothing flows into the carried-in state: segments are detached.
// dxproj must not alias dhOut.
func (l *Layer) Backward(dxproj, dhOut []float32, g *Params) {
	p := l.P
	c := p.Config
	if g.Config != c {
		panic("plasticity: Backward: gradient params have another configuration")
	}
	g.check()
	h, b, steps, k := c.Hidden, l.batch, l.steps, l.k
	bh, hh, bhh := b*h, h*h, b*h*h
	if len(dhOut) != steps*bh || len(dxproj) != steps*4*bh {
		panic(fmt.Sprintf("plasticity: Backward: len(dhOut)=%d, len(dxproj)=%d for T=%d B=%d H=%d",
			len(dhOut), len(dxproj), steps, b, h))
	}
	retro := c.Variant == Retro
	l.recHebb = grow(l.recHebb, (k-1)*bhh)
	l.dHebb = zeroed(l.dHebb, bhh)
	if retro {
		l.recE = grow(l.recE, (k-1)*bhh)
		l.dE = zeroed(l.dE, bhh)
	}
	l.dh = zeroed(l.dh, bh)
	l.dhPrev = grow(l.dhPrev, bh)
	l.dht = grow(l.dht, bh)
	l.dc = zeroed(l.dc, bh)
	l.dgx = grow(l.dgx, bh)
	l.dAlpha = zeroed(l.dAlpha, len(p.Alpha))
	l.dDummy = zeroed(l.dDummy, 1)

	scale, bias := l.modulation()
	dScale, dBias := g.Eta, []float32(nil)
	if c.Variant.Modulated() {
		dScale, dBias = g.FanWeight, g.FanBias
		if c.FanOut == Scalar {
			dScale = l.dDummy
		}
	}

	for first := (steps - 1) / k * k; first >= 0; first -= k {
		last := min(first+k, steps) // the chunk is steps first … last−1
		// Replay the chunk's trace updates from its checkpoint, exactly as
		// Forward did them.
		for t := first + 1; t < last; t++ {
			hebb, elig := l.tracesAt(first, t)
			hPrev, ePrev := l.tracesAt(first, t-1)
			copy(hebb, hPrev)
			copy(elig, ePrev)
			l.traceStep(t-1, hebb, elig)
		}

		for t := last - 1; t >= first; t-- {
			hebb, elig := l.tracesAt(first, t)
			hPrev, cPrev := l.hs[t*bh:(t+1)*bh], l.cs[t*bh:(t+1)*bh]
			hNew, cNew := l.hs[(t+1)*bh:(t+2)*bh], l.cs[(t+1)*bh:(t+2)*bh]
			gates := l.acts[t*4*bh : (t+1)*4*bh]
			dGates := dxproj[t*4*bh : (t+1)*4*bh]
			// dht: the gradient of h(t), from the loss and from step t+1.
			asm.Add(l.dht, dhOut[t*bh:(t+1)*bh], l.dh)
			clear(l.dhPrev)
			clear(l.dgx)
			for s := 0; s < b; s++ {
				sh, shh := s*h, s*hh
				pre, post := hPrev[sh:sh+h], gates[s*4*h+2*h:s*4*h+3*h]
				dpre, dpost := l.dhPrev[sh:sh+h], l.dgx[sh:sh+h]
				m := l.ms[t*b+s]

				// The trace update h(t−1) ⊗ g(t) → Hebb(t+1): turns dHebb
				// (and dE) into the gradients of the traces entering step t.
				var dm float32
				if retro {
					dm = asm.RetroUpdateBackward(l.dHebb[shh:shh+hh], l.dE[shh:shh+hh], dpre, dpost,
						dScale, dBias, g.Eta, hebb[shh:shh+hh], elig[shh:shh+hh], pre, post, scale, bias, p.Eta, m, c.Clip)
				} else {
					dm = asm.HebbUpdateBackward(l.dHebb[shh:shh+hh], dpre, dpost, dScale, dBias,
						hebb[shh:shh+hh], pre, post, scale, bias, m, c.Clip)
				}
				if c.Variant.Modulated() {
					// m = tanh(v·x + b_v), x = h(t−1) or h(t).
					in, din := pre, dpre
					if c.ModInput == ModNewH {
						in, din = hNew[sh:sh+h], l.dht[sh:sh+h]
					}
					dz := dm * (1 - m*m)
					asm.Axpy(dz, in, g.ModWeight)
					g.ModBias[0] += dz
					asm.Axpy(dz, p.ModWeight, din)
				}

				// The LSTM cell; then the trace path's dg joins the cell's
				// before the tanh' of the candidate.
				gs, dgs := gates[s*4*h:(s+1)*4*h], dGates[s*4*h:(s+1)*4*h]
				asm.LSTMCellBackward(dgs, gs, cPrev[sh:sh+h], cNew[sh:sh+h], l.dht[sh:sh+h], l.dc[sh:sh+h])
				ga, da := gs[2*h:3*h], dgs[2*h:3*h]
				for j, gj := range ga {
					da[j] += dpost[j] * (1 - gj*gj)
				}

				// The plastic read p = α ⊙ (h(t−1)·Hebb(t)).
				if c.Alpha == PerNeuron {
					asm.PlasticReadPerNeuronBackward(dpre, l.dAlpha, l.dHebb[shh:shh+hh], da, pre, p.Alpha, hebb[shh:shh+hh])
				} else {
					asm.PlasticReadBackward(dpre, l.dAlpha, l.dHebb[shh:shh+hh], da, pre, p.Alpha, hebb[shh:shh+hh])
				}
			}
			// The GEMM path into h(t−1): dh(t−1) += dGates·W_hh.
			gemm.Sgemm(false, false, b, h, 4*h, 1, dGates, 4*h, p.WeightHH, h, 1, l.dhPrev, h)
			l.dh, l.dhPrev = l.dhPrev, l.dh
		}
	}
	// W_hh's gradient for the whole segment in one GEMM: Σ_t dGates(t)ᵀ·h(t−1).
	// The transpose is made explicitly because gemm's reference loop on main
	// indexes A untransposed even when transA is set (out of range for this
	// shape); the copy is T·B·4H floats, small beside the GEMM.
	n := steps * b
	l.dGatesT = grow(l.dGatesT, 4*h*n)
	for r := 0; r < n; r++ {
		for q := 0; q < 4*h; q++ {
			l.dGatesT[q*n+r] = dxproj[r*4*h+q]
		}
	}
	gemm.Sgemm(false, false, 4*h, h, n, 1, l.dGatesT, n, l.hs[:steps*bh], h, 1, g.WeightHH, h)
	for i, v := range l.dAlpha {
		g.Alpha[i] += v / c.AGDiv
	}
}

// tracesAt returns the traces entering step t during Backward's replay of
// the chunk that starts at step first: the checkpoint itself for t = first,
// else the replay buffer. elig is nil unless the variant is Retro.
func (l *Layer) tracesAt(first, t int) (hebb, elig []float32) {
	bhh := l.batch * l.P.Config.Hidden * l.P.Config.Hidden
	if t == first {
		ck := first / l.k
		hebb = l.ckHebb[ck*bhh : (ck+1)*bhh]
		if l.P.Config.Variant == Retro {
			elig = l.ckE[ck*bhh : (ck+1)*bhh]
		}
		return hebb, elig
	}
	r := t - first - 1
	hebb = l.recHebb[r*bhh : (r+1)*bhh]
	if l.P.Config.Variant == Retro {
		elig = l.recE[r*bhh : (r+1)*bhh]
	}
	return hebb, elig
}

// grow returns a slice of length n, reusing x's storage when it can.
func grow(x []float32, n int) []float32 {
	if cap(x) < n {
		return make([]float32, n)
	}
	return x[:n]
}

// zeroed is grow, then cleared.
func zeroed(x []float32, n int) []float32 {
	x = grow(x, n)
	clear(x)
	return x
}
