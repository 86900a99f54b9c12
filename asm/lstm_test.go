package asm

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/stretchr/testify/require"
)

// Tolerances for the fused LSTM cell. The generic level (and every level
// without assembly) must reproduce the generic reference bit for bit. The
// vector levels evaluate σ and tanh with their own code, so:
//
//   - the activations written back into gates are within lstmActULP = 4 ULP
//     of the float64 functions (the generic values), exactly equal where the
//     true value rounds to 0 or ±1, and NaN where the input is NaN; a
//     subnormal result may be flushed (it must then be within 2^−126);
//   - c and h are within lstmFwdTol = 2e-6 relative to the size of their
//     terms (|f·cPrev| + |i·g| for c, |h| + |o|·that for h), since c may
//     cancel; h is also within lstmFwdTol of o·tanh(c) computed in float64
//     from the kernel's own o and c;
//   - the backward gradients are within lstmBwdTol = 4e-6 relative to the
//     size of their terms (see lstmBwdMag), which covers the recomputed
//     tanh(c) (≤ 4 ULP) and the fused 1 − tc², 1 − g² and dc + dh·o·(…).
const (
	lstmActULP = 4
	lstmFwdTol = 2e-6
	lstmBwdTol = 4e-6
)

// lstmExact reports whether level l must match the generic code bit for bit.
func lstmExact(l cpu.Level) bool { return l == cpu.Generic || !gerLSTMAsm }

// actClose reports whether an activation got is acceptable for the exact
// (float64-rounded) value want.
func actClose(got, want float32) bool {
	if want != want || got != got {
		return want != want && got != got
	}
	if want == 0 || want == 1 || want == -1 {
		return got == want
	}
	if math.Abs(float64(want)) < 0x1p-126 { // subnormal: may flush
		return math.Abs(float64(got-want)) <= 0x1p-126
	}
	return asmtest.ULPDiff(got, want) <= lstmActULP
}

// requireSameBits fails t unless got and want hold the same float32 values
// bit for bit (any NaN matching any NaN).
func requireSameBits(t testing.TB, want, got []float32, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for k := range want {
		if !sameBits(got[k], want[k]) {
			t.Fatalf("%s: element %d is %v, want %v", msg, k, got[k], want[k])
		}
	}
}

func relOK(got, want float32, mag, tol float64) bool {
	if want != want || got != got {
		return want != want && got != got
	}
	return math.Abs(float64(got)-float64(want)) <= tol*mag+1e-37
}

// lstmFwdCase runs LSTMCellForward at the active level on guarded copies of
// the inputs (at the given offsets) and checks it against the generic code.
func lstmFwdCase(t testing.TB, l cpu.Level, pre, cPrev []float32, off int) {
	t.Helper()
	n := len(cPrev)
	offs := func(k int) int { return asmtest.Offsets[(off+k)%len(asmtest.Offsets)] }
	g := asmtest.NewGuarded(4*n, offs(0))
	cp := asmtest.NewGuarded(n, offs(1))
	c := asmtest.NewGuarded(n, offs(2))
	h := asmtest.NewGuarded(n, offs(3))
	copy(g.Data, pre)
	copy(cp.Data, cPrev)
	LSTMCellForward(g.Data, cp.Data, c.Data, h.Data)
	g.Check(t)
	cp.Check(t)
	c.Check(t)
	h.Check(t)

	wg := append([]float32(nil), pre...)
	wc, wh := make([]float32, n), make([]float32, n)
	lstmCellForwardGeneric(wg, cPrev, wc, wh)
	requireSameBits(t, cPrev, cp.Data, "cPrev must not change")

	if lstmExact(l) {
		for k := range wg {
			if !sameBits(g.Data[k], wg[k]) {
				t.Fatalf("%v H=%d gates[%d] = %v, want %v", l, n, k, g.Data[k], wg[k])
			}
		}
		for j := range n {
			if !sameBits(c.Data[j], wc[j]) || !sameBits(h.Data[j], wh[j]) {
				t.Fatalf("%v H=%d j=%d: c, h = %v, %v, want %v, %v", l, n, j, c.Data[j], h.Data[j], wc[j], wh[j])
			}
		}
		return
	}
	for k := range wg {
		if !actClose(g.Data[k], wg[k]) {
			t.Fatalf("%v H=%d gate %d j=%d: act(%v) = %v, want %v (%d ULP)", l, n, k/max(n, 1), k%max(n, 1), pre[k], g.Data[k], wg[k], asmtest.ULPDiff(g.Data[k], wg[k]))
		}
	}
	for j := range n {
		i, f, gg, o := float64(wg[j]), float64(wg[n+j]), float64(wg[2*n+j]), float64(wg[3*n+j])
		magC := math.Abs(f*float64(cPrev[j])) + math.Abs(i*gg)
		if !relOK(c.Data[j], wc[j], magC, lstmFwdTol) {
			t.Fatalf("%v H=%d j=%d: c = %v, want %v (i f g o cPrev = %v %v %v %v %v)", l, n, j, c.Data[j], wc[j], i, f, gg, o, cPrev[j])
		}
		if !relOK(h.Data[j], wh[j], math.Abs(float64(wh[j]))+math.Abs(o)*magC, lstmFwdTol) {
			t.Fatalf("%v H=%d j=%d: h = %v, want %v", l, n, j, h.Data[j], wh[j])
		}
		own := float32(float64(g.Data[3*n+j]) * math.Tanh(float64(c.Data[j])))
		if !relOK(h.Data[j], own, math.Abs(float64(own)), lstmFwdTol) {
			t.Fatalf("%v H=%d j=%d: h = %v, but o·tanh(c) = %v", l, n, j, h.Data[j], own)
		}
	}
}

// lstmBwdMag returns, per output of the backward pass, the size of the terms
// it is computed from: the scale against which rounding differences and the
// ≤ 4 ULP of the recomputed tanh(c) are measured.
func lstmBwdMag(gates, cPrev, c, dh, dc []float32) (dGates, dcPrev []float64) {
	n := len(c)
	dGates, dcPrev = make([]float64, 4*n), make([]float64, n)
	for j := range n {
		i, f, g, o := float64(gates[j]), float64(gates[n+j]), float64(gates[2*n+j]), float64(gates[3*n+j])
		tc := math.Tanh(float64(c[j]))
		a := math.Abs
		mdct := a(float64(dc[j])) + a(float64(dh[j])*o)*(1+tc*tc)
		dGates[j] = mdct * a(g*i*(1-i))
		dGates[n+j] = mdct * a(float64(cPrev[j])*f*(1-f))
		dGates[2*n+j] = mdct * a(i) * (1 + g*g)
		dGates[3*n+j] = a(float64(dh[j])*o*(1-o)) * (a(tc) + 1e-30)
		dcPrev[j] = mdct * a(f)
	}
	return dGates, dcPrev
}

// lstmBwdCase runs LSTMCellBackward at the active level on guarded buffers
// and checks it against the generic code; the inputs are left unchanged.
func lstmBwdCase(t testing.TB, l cpu.Level, gates, cPrev, c, dh, dc []float32, off int) {
	t.Helper()
	n := len(c)
	offs := func(k int) int { return asmtest.Offsets[(off+k)%len(asmtest.Offsets)] }
	bufs := make([]*asmtest.Guarded, 6)
	for k, src := range [][]float32{make([]float32, 4*n), gates, cPrev, c, dh, dc} {
		bufs[k] = asmtest.NewGuarded(len(src), offs(k))
		copy(bufs[k].Data, src)
	}
	for k := range bufs[0].Data {
		bufs[0].Data[k] = float32(math.NaN()) // every dGates element must be written
	}
	LSTMCellBackward(bufs[0].Data, bufs[1].Data, bufs[2].Data, bufs[3].Data, bufs[4].Data, bufs[5].Data)
	for _, b := range bufs {
		b.Check(t)
	}
	requireSameBits(t, gates, bufs[1].Data, "gates must not change")
	requireSameBits(t, cPrev, bufs[2].Data, "cPrev must not change")
	requireSameBits(t, c, bufs[3].Data, "c must not change")
	requireSameBits(t, dh, bufs[4].Data, "dh must not change")

	wd, wdc := make([]float32, 4*n), append([]float32(nil), dc...)
	lstmCellBackwardGeneric(wd, gates, cPrev, c, dh, wdc)
	if lstmExact(l) {
		for k := range wd {
			if !sameBits(bufs[0].Data[k], wd[k]) {
				t.Fatalf("%v H=%d dGates[%d] = %v, want %v", l, n, k, bufs[0].Data[k], wd[k])
			}
		}
		for j := range wdc {
			if !sameBits(bufs[5].Data[j], wdc[j]) {
				t.Fatalf("%v H=%d dc[%d] = %v, want %v", l, n, j, bufs[5].Data[j], wdc[j])
			}
		}
		return
	}
	md, mdc := lstmBwdMag(gates, cPrev, c, dh, dc)
	for k := range wd {
		if !relOK(bufs[0].Data[k], wd[k], md[k], lstmBwdTol) {
			t.Fatalf("%v H=%d dGates gate %d j=%d = %v, want %v (scale %g)", l, n, k/n, k%n, bufs[0].Data[k], wd[k], md[k])
		}
	}
	for j := range wdc {
		if !relOK(bufs[5].Data[j], wdc[j], mdc[j], lstmBwdTol) {
			t.Fatalf("%v H=%d dcPrev[%d] = %v, want %v (scale %g)", l, n, j, bufs[5].Data[j], wdc[j], mdc[j])
		}
	}
}

// lstmInputs returns pre-activations in [−lo, lo]·spread, a previous cell
// state, and (from the generic forward pass) the activations and c that the
// backward pass consumes, with gradients dh and dc.
func lstmInputs(r *rand.Rand, n int, spread float32) (pre, cPrev, gates, c, dh, dc []float32) {
	pre, cPrev = make([]float32, 4*n), make([]float32, n)
	asmtest.FillUniform(r, pre, -spread, spread)
	asmtest.FillUniform(r, cPrev, -3, 3)
	gates, c = append([]float32(nil), pre...), make([]float32, n)
	lstmCellForwardGeneric(gates, cPrev, c, make([]float32, n))
	dh, dc = make([]float32, n), make([]float32, n)
	asmtest.FillUniform(r, dh, -1, 1)
	asmtest.FillUniform(r, dc, -1, 1)
	return
}

func TestLSTMCell(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(11)
		for k, n := range asmtest.Lengths() {
			spread := []float32{4, 12, 1}[k%3]
			pre, cPrev, gates, c, dh, dc := lstmInputs(r, n, spread)
			lstmFwdCase(t, l, pre, cPrev, k)
			lstmBwdCase(t, l, gates, cPrev, c, dh, dc, k)
		}
	})
}

// TestLSTMCellSaturation feeds large pre-activations, where the activations
// must be exactly 0, 1 or ±1, and NaNs, which must propagate.
func TestLSTMCellSaturation(t *testing.T) {
	big := []float32{30, -30, 100, -100, 200, -200, 1e4, -1e4, float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32, -math.MaxFloat32, 88.7, -88.7, 89, -89, 9.1, -9.1}
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(12)
		for _, n := range []int{1, 7, 16, 37} {
			pre, cPrev, _, _, _, _ := lstmInputs(r, n, 3)
			for k := range pre {
				pre[k] = big[r.IntN(len(big))]
			}
			lstmFwdCase(t, l, pre, cPrev, n)

			// Exact saturation, checked directly as well.
			gates := append([]float32(nil), pre...)
			c, h := make([]float32, n), make([]float32, n)
			LSTMCellForward(gates, cPrev, c, h)
			for k, v := range pre {
				sig := k/n != 2
				switch {
				case v >= 30:
					require.Equal(t, float32(1), gates[k], "act(%v) gate %d", v, k/n)
				case v <= -30 && !sig:
					require.Equal(t, float32(-1), gates[k], "tanh(%v)", v)
				case v <= -200 && sig:
					require.Equal(t, float32(0), gates[k], "σ(%v)", v)
				}
			}

			// NaN anywhere in a gate or in cPrev gives NaN in that
			// activation, c and h.
			pre, cPrev, _, _, _, _ = lstmInputs(r, n, 3)
			nan := float32(math.NaN())
			j := r.IntN(n)
			gate := r.IntN(5)
			if gate == 4 {
				cPrev[j] = nan
			} else {
				pre[gate*n+j] = nan
			}
			lstmFwdCase(t, l, pre, cPrev, 0)
			gates = append([]float32(nil), pre...)
			LSTMCellForward(gates, cPrev, c, h)
			if gate < 4 {
				require.True(t, math.IsNaN(float64(gates[gate*n+j])), "gate %d NaN", gate)
			}
			if gate != 3 {
				require.True(t, math.IsNaN(float64(c[j])), "c NaN (gate %d)", gate)
			}
			require.True(t, math.IsNaN(float64(h[j])), "h NaN (gate %d)", gate)
		}
		// Backward with NaN in dh and in dc.
		_, cPrev, gates, c, dh, dc := lstmInputs(r, 21, 3)
		dh[5] = float32(math.NaN())
		dc[9] = float32(math.NaN())
		lstmBwdCase(t, l, gates, cPrev, c, dh, dc, 1)
	})
}

// TestLSTMActivationAccuracy sweeps σ and tanh through the forward kernel
// over the float32 range (sampled bit patterns of both signs, plus a dense
// grid in [−12, 12]) against float64 references.
func TestLSTMActivationAccuracy(t *testing.T) {
	xs := make([]float32, 0, 1<<18)
	for b := uint64(0); b < 1<<32; b += 1<<32/(1<<17) - 7 {
		xs = append(xs, math.Float32frombits(uint32(b)))
	}
	for k := range 1 << 17 {
		xs = append(xs, -12+24*float32(k)/(1<<17))
	}
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		s, th := lstmCheckActivations(t, l, xs)
		t.Logf("%v: max error σ %d ULP, tanh %d ULP", l, s, th)
	})
}

// lstmCheckActivations runs xs through all four gates (so σ and tanh) and
// checks the results against float64. It returns the largest ULP error of σ
// and of tanh among normal results.
func lstmCheckActivations(t *testing.T, l cpu.Level, xs []float32) (sigULP, tanhULP uint32) {
	t.Helper()
	n := len(xs)
	gates := make([]float32, 4*n)
	for k := range 4 {
		copy(gates[k*n:], xs)
	}
	LSTMCellForward(gates, make([]float32, n), make([]float32, n), make([]float32, n))
	for j, x := range xs {
		ws, wt := sigmoid64(x), tanh64(x)
		for k := range 4 {
			got, want := gates[k*n+j], ws
			if k == 2 {
				want = wt
			}
			if lstmExact(l) && !sameBits(got, want) || !actClose(got, want) {
				t.Fatalf("%v: gate %d act(%v) = %v, want %v (%d ULP)", l, k, x, got, want, asmtest.ULPDiff(got, want))
			}
			if math.Abs(float64(want)) >= 0x1p-126 {
				if k == 2 {
					tanhULP = max(tanhULP, asmtest.ULPDiff(got, want))
				} else {
					sigULP = max(sigULP, asmtest.ULPDiff(got, want))
				}
			}
		}
		if math.Abs(float64(x)) < 1e-20 && x == x && !sameBits(gates[2*n+j], x) {
			t.Fatalf("%v: tanh(%v) = %v, want x", l, x, gates[2*n+j])
		}
	}
	return sigULP, tanhULP
}

// TestLSTMActivationExhaustive checks every float32 with |x| in [2^−30, 128)
// (and so every input where σ and tanh are not trivially 0, ±1 or x). It
// takes minutes, so it runs only with NEUROMOD_EXHAUSTIVE=1.
func TestLSTMActivationExhaustive(t *testing.T) {
	if os.Getenv("NEUROMOD_EXHAUSTIVE") != "1" {
		t.Skip("set NEUROMOD_EXHAUSTIVE=1")
	}
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		if l == cpu.Generic {
			t.Skip("the reference itself")
		}
		lo, hi := math.Float32bits(0x1p-30), math.Float32bits(128)
		xs := make([]float32, 0, 1<<20)
		var sigULP, tanhULP uint32
		for b := lo; b < hi; b++ {
			xs = append(xs, math.Float32frombits(b), -math.Float32frombits(b))
			if len(xs) == cap(xs) || b == hi-1 {
				s, th := lstmCheckActivations(t, l, xs)
				sigULP, tanhULP = max(sigULP, s), max(tanhULP, th)
				xs = xs[:0]
			}
		}
		t.Logf("%v: max error σ %d ULP, tanh %d ULP", l, sigULP, tanhULP)
	})
}

// TestLSTMCellVectorLevelsAgree checks that AVX2 and AVX-512 (the same
// algorithms, operation for operation) give bit-identical results, so a
// model's numbers do not depend on which of the two the machine has.
func TestLSTMCellVectorLevelsAgree(t *testing.T) {
	if !gerLSTMAsm || !cpu.Supports(cpu.AVX2) || !cpu.Supports(cpu.AVX512) {
		t.Skip("needs AVX2 and AVX-512 assembly")
	}
	r := asmtest.Rand(14)
	for _, n := range []int{1, 9, 33, 650, 1000} {
		pre, cPrev, gates, c, dh, dc := lstmInputs(r, n, 20)
		run := func(l cpu.Level) (g, cc, h, dg, dcp []float32) {
			defer cpu.SetLevel(l)()
			g, cc, h = append([]float32(nil), pre...), make([]float32, n), make([]float32, n)
			LSTMCellForward(g, cPrev, cc, h)
			dg, dcp = make([]float32, 4*n), append([]float32(nil), dc...)
			LSTMCellBackward(dg, gates, cPrev, c, dh, dcp)
			return
		}
		g2, c2, h2, dg2, dc2 := run(cpu.AVX2)
		g5, c5, h5, dg5, dc5 := run(cpu.AVX512)
		requireSameBits(t, g2, g5, "gates")
		requireSameBits(t, c2, c5, "c")
		requireSameBits(t, h2, h5, "h")
		requireSameBits(t, dg2, dg5, "dGates")
		requireSameBits(t, dc2, dc5, "dcPrev")
	}
}

func TestLSTMCellPanics(t *testing.T) {
	g, s := make([]float32, 12), make([]float32, 3)
	require.Panics(t, func() { LSTMCellForward(g[:11], s, s, s) })
	require.Panics(t, func() { LSTMCellForward(g, s[:2], s, s) })
	require.Panics(t, func() { LSTMCellBackward(g, g[:8], s, s, s, s) })
	require.Panics(t, func() { LSTMCellBackward(g, g, s, s, s[:1], s) })
	require.NotPanics(t, func() { LSTMCellForward(nil, nil, nil, nil) })
}

// lstmLoss64 is the float64 forward pass of one cell followed by the loss
// Σ wh·h + Σ wc·c, the function the finite differences differentiate.
func lstmLoss64(pre, cPrev, wh, wc []float64) float64 {
	n := len(cPrev)
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	var loss float64
	for j := range n {
		i, f := sig(pre[j]), sig(pre[n+j])
		g, o := math.Tanh(pre[2*n+j]), sig(pre[3*n+j])
		c := f*cPrev[j] + i*g
		loss += wh[j]*o*math.Tanh(c) + wc[j]*c
	}
	return loss
}

type lstmBackwardFunc func(dGates, gates, cPrev, c, dh, dc []float32)

// lstmGradCheckErr returns the largest error of backward against central
// differences of lstmLoss64 (step 1e-4, in float64), relative to
// max(|fd|, 0.1), over every pre-activation and cPrev.
func lstmGradCheckErr(r *rand.Rand, n int, backward lstmBackwardFunc) float64 {
	pre, cPrev := make([]float32, 4*n), make([]float32, n)
	wh, wc := make([]float32, n), make([]float32, n)
	asmtest.FillUniform(r, pre, -3, 3)
	asmtest.FillUniform(r, cPrev, -2, 2)
	asmtest.FillUniform(r, wh, -1, 1)
	asmtest.FillUniform(r, wc, -1, 1)

	gates, c, h := append([]float32(nil), pre...), make([]float32, n), make([]float32, n)
	lstmCellForwardGeneric(gates, cPrev, c, h)
	dGates, dc := make([]float32, 4*n), append([]float32(nil), wc...)
	backward(dGates, gates, cPrev, c, wh, dc)

	to64 := func(x []float32) []float64 {
		y := make([]float64, len(x))
		for k, v := range x {
			y[k] = float64(v)
		}
		return y
	}
	p64, c64, wh64, wc64 := to64(pre), to64(cPrev), to64(wh), to64(wc)
	const step = 1e-4
	fd := func(x []float64, k int) float64 {
		old := x[k]
		x[k] = old + step
		up := lstmLoss64(p64, c64, wh64, wc64)
		x[k] = old - step
		down := lstmLoss64(p64, c64, wh64, wc64)
		x[k] = old
		return (up - down) / (2 * step)
	}
	worst := 0.0
	for k := range p64 {
		d := fd(p64, k)
		worst = max(worst, math.Abs(float64(dGates[k])-d)/math.Max(math.Abs(d), 0.1))
	}
	for j := range c64 {
		d := fd(c64, j)
		worst = max(worst, math.Abs(float64(dc[j])-d)/math.Max(math.Abs(d), 0.1))
	}
	return worst
}

// lstmGradTol bounds the float32 backward against float64 finite differences:
// float32 rounding (~1e-6) plus the O(step²) truncation error (~1e-8).
const lstmGradTol = 1e-4

// TestLSTMCellBackwardFiniteDifferences verifies the generic backward (the
// reference for every level) against the generic forward differentiated
// numerically, and shows that a planted error is caught.
func TestLSTMCellBackwardFiniteDifferences(t *testing.T) {
	r := asmtest.Rand(13)
	for _, n := range []int{1, 5, 33} {
		require.Less(t, lstmGradCheckErr(r, n, lstmCellBackwardGeneric), lstmGradTol, "H=%d", n)
	}
	// Planted bug: the output-gate gradient without σ' = o·(1 − o).
	planted := func(dGates, gates, cPrev, c, dh, dc []float32) {
		lstmCellBackwardGeneric(dGates, gates, cPrev, c, dh, dc)
		n := len(c)
		for j := range n {
			dGates[3*n+j] = dh[j] * tanh64(c[j]) * gates[3*n+j]
		}
	}
	require.Greater(t, lstmGradCheckErr(r, 17, planted), lstmGradTol, "the checker must catch a wrong gradient")
	// A planted error in dcPrev (the f factor dropped) is caught as well.
	planted2 := func(dGates, gates, cPrev, c, dh, dc []float32) {
		n := len(c)
		f := append([]float32(nil), gates[n:2*n]...)
		lstmCellBackwardGeneric(dGates, gates, cPrev, c, dh, dc)
		for j := range n {
			dc[j] /= f[j]
		}
	}
	require.Greater(t, lstmGradCheckErr(r, 17, planted2), lstmGradTol)
}

func FuzzLSTMCell(f *testing.F) {
	f.Add(uint16(1), float32(3), uint64(1))
	f.Add(uint16(37), float32(40), uint64(2))
	f.Add(uint16(650), float32(0.01), uint64(3))
	f.Fuzz(func(t *testing.T, n16 uint16, spread float32, seed uint64) {
		n := int(n16 % 1100)
		if !(spread >= 0 && spread <= 1e6) {
			spread = 5
		}
		r := rand.New(rand.NewPCG(seed, 2))
		pre, cPrev, gates, c, dh, dc := lstmInputs(r, n, spread)
		lstmFwdCase(t, cpu.Active(), pre, cPrev, int(seed%4))
		lstmBwdCase(t, cpu.Active(), gates, cPrev, c, dh, dc, int(seed%4))
	})
}
