package asm

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tolerances of the softmax kernels against float64 arithmetic on the same
// float32 inputs. The vector levels sum e^(x−m) in float32 lanes (error at
// most ~(n/lanes)·2⁻²⁴ relative, ~10⁻⁶ in practice), the generic level in
// float64; both then round log-sum-exp to float32.
const (
	// smSumTol bounds the relative error of Σ e^(x−m), hence the absolute
	// error it adds to log-sum-exp, the log-softmax and the loss.
	smSumTol = 1e-5
	// smGradTol bounds the relative error of each softmax probability in the
	// gradient (the sum's error, a few ULP of exp, the rounding of scale/s).
	smGradTol = 2e-5
)

// smRef returns max(x) + log Σ e^(x−max) in float64.
func smRef(x []float32) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, float64(v))
	}
	var s float64
	for _, v := range x {
		s += math.Exp(float64(v) - m)
	}
	return m + math.Log(s)
}

// smLengths are the row lengths: asmtest.Lengths without 0 (a row must
// have at least one element).
func smLengths() []int { return asmtest.Lengths()[1:] }

func TestLogSoftmax(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(11)
		for _, n := range smLengths() {
			for i, xo := range asmtest.Offsets {
				x := asmtest.NewGuarded(n, xo).Fill(r, -10, 10)
				if n%2 == 1 {
					x.Data[r.IntN(n)] = 15 // a clear maximum somewhere, also in the tail
				}
				dst := asmtest.NewGuarded(n, asmtest.Offsets[(i+n)%4])
				LogSoftmax(dst.Data, x.Data)
				dst.Check(t)
				lse := smRef(x.Data)
				for j, v := range x.Data {
					want := float64(v) - lse
					tol := smSumTol + 0x1p-22*(math.Abs(float64(v))+math.Abs(lse))
					if d := math.Abs(float64(dst.Data[j]) - want); !(d <= tol) {
						t.Fatalf("n=%d offsets %d: dst[%d] = %g, want %g (diff %g, tol %g)", n, xo, j, dst.Data[j], want, d, tol)
					}
				}
				// In place, bit-identical to out of place.
				out := append([]float32(nil), dst.Data...)
				LogSoftmax(x.Data, x.Data)
				x.Check(t)
				actRequireBits(t, out, x.Data, "in place, n=%d", n)
			}
		}
	})
}

// smCheckNLL runs SoftmaxNLL on a copy of logits (out of place and in place)
// and checks the loss, every gradient element and the gradient's sum.
func smCheckNLL(t *testing.T, logits []float32, target int, scale float32, gOff int) {
	t.Helper()
	n := len(logits)
	in := append([]float32(nil), logits...)
	grad := asmtest.NewGuarded(n, gOff)
	loss := SoftmaxNLL(grad.Data, logits, target, scale)
	grad.Check(t)
	actRequireBits(t, in, logits, "logits modified")

	lse := smRef(logits)
	wantLoss := lse - float64(logits[target])
	tol := smSumTol + 0x1p-22*(math.Abs(lse)+math.Abs(float64(logits[target])))
	if d := math.Abs(float64(loss) - wantLoss); !(d <= tol) {
		t.Fatalf("n=%d target %d: loss %g, want %g (diff %g, tol %g)", n, target, loss, wantLoss, d, tol)
	}
	as := math.Abs(float64(scale))
	var sum, sumTol float64
	for i, v := range logits {
		p := math.Exp(float64(v) - lse)
		want := float64(scale) * p
		if i == target {
			want -= float64(scale)
		}
		g := float64(grad.Data[i])
		sum += g
		// The reference loop rounds log-sum-exp to float32 before exp(x−lse):
		// at large logits that costs up to 2⁻²⁴·(|lse|+|x|) relative.
		rel := smGradTol + 0x1p-23*(math.Abs(lse)+math.Abs(float64(v)))
		sumTol += as * rel * p
		if d := math.Abs(g - want); !(d <= as*(rel*p+0x1p-23)+1e-37) {
			t.Fatalf("n=%d target %d scale %g: grad[%d] = %g, want %g (diff %g)", n, target, scale, i, g, want, d)
		}
	}
	// The gradient of a softmax loss sums to 0 (times scale).
	require.LessOrEqual(t, math.Abs(sum), sumTol+as*1e-6*math.Sqrt(float64(n)), "Σ grad, n=%d", n)

	// grad aliasing logits gives the same bits.
	alias := append([]float32(nil), logits...)
	loss2 := SoftmaxNLL(alias, alias, target, scale)
	require.Equal(t, math.Float32bits(loss), math.Float32bits(loss2), "in-place loss")
	actRequireBits(t, grad.Data, alias, "in-place grad, n=%d", n)
}

func TestSoftmaxNLL(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(12)
		scales := []float32{1, 0.03125, -2.5, 1.0 / 35}
		for _, n := range smLengths() {
			for i, xo := range asmtest.Offsets {
				x := asmtest.NewGuarded(n, xo).Fill(r, -8, 8)
				targets := []int{0, n - 1, r.IntN(n)}
				for k, target := range targets {
					smCheckNLL(t, x.Data, target, scales[(i+k)%len(scales)], asmtest.Offsets[(i+k+n)%4])
				}
				x.Check(t)
			}
		}
	})
}

// TestSoftmaxFlatRows: nearly equal logits make every term of Σ e^(x−m)
// close to 1, so each float32 lane sum grows to n/lanes and every addition
// rounds — the hardest case for the vector levels' float32 accumulators.
func TestSoftmaxFlatRows(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(14)
		for _, n := range []int{10000, 65537, 1 << 18} {
			logits := make([]float32, n)
			asmtest.FillUniform(r, logits, -0.01, 0)
			smCheckNLL(t, logits, n/2, 1, 0)
			dst := make([]float32, n)
			LogSoftmax(dst, logits)
			lse := smRef(logits)
			tol := smSumTol + 0x1p-22*(math.Abs(lse)+0.01)
			for i, v := range logits {
				if d := math.Abs(float64(dst[i]) - (float64(v) - lse)); !(d <= tol) {
					t.Fatalf("n=%d: log-softmax[%d] = %g, want %g", n, i, dst[i], float64(v)-lse)
				}
			}
		}
	})
}

// TestSoftmaxNLLVocab checks the PTB size and tiny rows against the generic
// code directly, with the target on the maximum and away from it.
func TestSoftmaxNLLVocab(t *testing.T) {
	for _, n := range []int{1, 2, 3, 17, 10000} {
		r := asmtest.Rand(uint64(n))
		logits := make([]float32, n)
		asmtest.FillUniform(r, logits, -6, 6)
		logits[n/2] = 9
		for _, target := range []int{0, n / 2, n - 1} {
			wantGrad := make([]float32, n)
			wantLoss := softmaxNLLGeneric(wantGrad, logits, target, 0.5)
			asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
				grad := make([]float32, n)
				loss := SoftmaxNLL(grad, logits, target, 0.5)
				assert.InDelta(t, wantLoss, loss, smSumTol*math.Max(1, float64(wantLoss)), "n=%d target %d", n, target)
				for i := range grad {
					// Both sides carry the error bound of smCheckNLL.
					p := float64(wantGrad[i]) / 0.5
					if i == target {
						p++
					}
					require.InDelta(t, wantGrad[i], grad[i], 2*0.5*(smGradTol*p+0x1p-23)+1e-37, "n=%d grad[%d]", n, i)
				}
				if n == 1 {
					assert.Equal(t, float32(0), loss, "a single class has loss 0")
					assert.Equal(t, float32(0), grad[0])
				}
			})
		}
	}
}

// TestSoftmaxLargeLogits: logits of ±1e4 (and a uniform row) stay finite,
// because the maximum is subtracted before exp.
func TestSoftmaxLargeLogits(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(13)
		for _, n := range []int{1, 5, 16, 33, 1000, 10000} {
			logits := make([]float32, n)
			for i := range logits {
				logits[i] = float32(1e4 * (2*float64(r.IntN(2)) - 1) * (1 - 1e-3*r.Float64()))
			}
			for _, target := range []int{0, n - 1} {
				grad := make([]float32, n)
				loss := SoftmaxNLL(grad, logits, target, 1)
				require.False(t, math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0), "loss %g", loss)
				for _, g := range grad {
					require.False(t, math.IsNaN(float64(g)) || math.IsInf(float64(g), 0), "grad %g", g)
				}
				smCheckNLL(t, logits, target, 1, 3)
				ls := make([]float32, n)
				LogSoftmax(ls, logits)
				for _, v := range ls {
					require.False(t, math.IsNaN(float64(v)) || math.IsInf(float64(v), 0), "log-softmax %g", v)
				}
			}
			// All logits equal and huge: loss = log n, uniform gradient (checked
			// by smCheckNLL).
			for i := range logits {
				logits[i] = -3e4
			}
			grad := make([]float32, n)
			loss := SoftmaxNLL(grad, logits, n-1, 1)
			// log-sum-exp ≈ −3e4 is rounded to float32 (ulp 2⁻⁹) before x_t is
			// subtracted.
			assert.InDelta(t, math.Log(float64(n)), float64(loss), smSumTol+0x1p-9)
			smCheckNLL(t, logits, 0, 1, 1)
		}
	})
}

// TestSoftmaxSpecialValues: NaN and ±Inf logits give the same classes of
// result (NaN, ±Inf or finite) at every level as in the reference loop.
func TestSoftmaxSpecialValues(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	class := func(v float32) string {
		switch {
		case v != v:
			return "NaN"
		case math.IsInf(float64(v), 1):
			return "+Inf"
		case math.IsInf(float64(v), -1):
			return "-Inf"
		}
		return "finite"
	}
	rows := [][]float32{
		{1, nan, 2}, {nan}, {1, 2, inf}, {-inf, 1, 2}, {-inf, -inf}, {inf, inf}, {-inf, 3},
	}
	for _, n := range []int{20, 35} { // specials in vector bodies and tails
		row := make([]float32, n)
		row[n-2] = nan
		rows = append(rows, row)
		row = make([]float32, n)
		row[n-1] = -inf
		rows = append(rows, row)
	}
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		for _, row := range rows {
			for _, target := range []int{0, len(row) - 1} {
				wg, g := make([]float32, len(row)), make([]float32, len(row))
				wl := softmaxNLLGeneric(wg, row, target, 1)
				gl := SoftmaxNLL(g, row, target, 1)
				assert.Equal(t, class(wl), class(gl), "loss of %v, target %d", row, target)
				for i := range g {
					assert.Equal(t, class(wg[i]), class(g[i]), "grad[%d] of %v, target %d", i, row, target)
				}
			}
			wd, d := make([]float32, len(row)), make([]float32, len(row))
			logSoftmaxGeneric(wd, row)
			LogSoftmax(d, row)
			for i := range d {
				assert.Equal(t, class(wd[i]), class(d[i]), "log-softmax[%d] of %v", i, row)
			}
		}
	})
}

func TestSoftmaxPanics(t *testing.T) {
	assert.Panics(t, func() { LogSoftmax(nil, nil) })
	assert.Panics(t, func() { LogSoftmax(make([]float32, 2), make([]float32, 3)) })
	assert.Panics(t, func() { SoftmaxNLL(make([]float32, 3), make([]float32, 3), 3, 1) })
	assert.Panics(t, func() { SoftmaxNLL(make([]float32, 3), make([]float32, 3), -1, 1) })
	assert.Panics(t, func() { SoftmaxNLL(make([]float32, 2), make([]float32, 3), 0, 1) })
}

// FuzzSoftmaxNLL compares the active level with float64 arithmetic: the first
// byte picks the target, the rest are float32 logits (4 bytes each); rows
// with NaN or ±Inf are compared by class with the reference loop.
func FuzzSoftmaxNLL(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc1, 0, 0x40, 0x1c, 0x46})
	f.Add([]byte{0, 0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0x3f})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 5 {
			return
		}
		n := (len(data) - 1) / 4
		logits := make([]float32, n)
		finite := true
		for i := range logits {
			v := math.Float32frombits(binary.LittleEndian.Uint32(data[1+4*i:]))
			if v != v || math.IsInf(float64(v), 0) || math.Abs(float64(v)) > 1e30 {
				finite = false
			}
			logits[i] = v
		}
		target := int(data[0]) % n
		if finite {
			smCheckNLL(t, logits, target, 0.25, int(data[0])%8)
			return
		}
		wg, g := make([]float32, n), make([]float32, n)
		wl := softmaxNLLGeneric(wg, logits, target, 0.25)
		gl := SoftmaxNLL(g, logits, target, 0.25)
		if (wl != wl) != (gl != gl) {
			t.Fatalf("loss %g, reference %g", gl, wl)
		}
	})
}
