package asm

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// actMaxULP is the accuracy contract of the forward activations (activation.go):
// within 4 ULP of the float64 function rounded to float32 for normal
// results; exactly the rounded value where that is ±Inf, ±1 or 0; a result
// below the normal range may be anything of magnitude at most the smallest
// normal (flushed, or a slightly rounded subnormal); NaN for NaN.
const actMaxULP = 4

// actKernel is one forward activation and its float64 definition.
type actKernel struct {
	name string
	f    func(dst, x []float32)
	ref  func(float64) float64
	lo   float32 // range of the random inputs
	hi   float32
}

var actKernels = []actKernel{
	{"Exp", Exp, math.Exp, -110, 95},
	{"Sigmoid", Sigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, -30, 30},
	{"Tanh", Tanh, math.Tanh, -12, 12},
}

// actCheck returns "" when got meets the contract for the exact value want,
// and a description of the failure otherwise.
func actCheck(got float32, want float64) string {
	w := float32(want)
	const minNormal = 0x1p-126
	ok := true
	switch {
	case w != w:
		ok = got != got
	case math.IsInf(float64(w), 0) || w == 0 || w == 1 || w == -1:
		ok = got == w
	case math.Abs(float64(w)) < minNormal:
		ok = math.Abs(float64(got)) <= minNormal && math.Signbit(float64(got)) == math.Signbit(float64(w))
	default:
		ok = asmtest.ULPDiff(got, w) <= actMaxULP
	}
	if ok {
		return ""
	}
	return fmt.Sprintf("got %g (%#08x), want %g (%#08x), %d ULP", got, math.Float32bits(got), w, math.Float32bits(w), asmtest.ULPDiff(got, w))
}

// TestActivationsLengthsOffsets runs every forward activation at every level
// over all test lengths, at unaligned input and output offsets, with guards
// around the output, in place (dst == x) and out of place.
func TestActivationsLengthsOffsets(t *testing.T) {
	for _, k := range actKernels {
		t.Run(k.name, func(t *testing.T) {
			asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
				r := asmtest.Rand(uint64(len(k.name)))
				for _, n := range asmtest.Lengths() {
					for i, xo := range asmtest.Offsets {
						do := asmtest.Offsets[(i+n)%len(asmtest.Offsets)]
						x := asmtest.NewGuarded(n, xo).Fill(r, k.lo, k.hi)
						in := make([]float32, n)
						copy(in, x.Data)
						dst := asmtest.NewGuarded(n, do)
						k.f(dst.Data, x.Data)
						dst.Check(t)
						x.Check(t)
						actRequireBits(t, in, x.Data, "input modified, n=%d", n)
						for j, v := range in {
							if msg := actCheck(dst.Data[j], k.ref(float64(v))); msg != "" {
								t.Fatalf("n=%d offsets %d/%d: %s(%g): %s", n, xo, do, k.name, v, msg)
							}
						}
						// In place: dst and x are the same slice.
						k.f(x.Data, x.Data)
						x.Check(t)
						actRequireBits(t, dst.Data, x.Data, "in place, n=%d", n)
					}
				}
			})
		})
	}
}

// actSweepStride is the step through the 2³² float32 bit patterns of the
// dense sweep: 97 natively; 499 on other architectures, whose tests run under
// qemu in CI (still 8.6 million inputs per kernel); 1009 with -short.
func actSweepStride() uint64 {
	switch {
	case testing.Short():
		return 1009
	case runtime.GOARCH != "amd64":
		return 499
	}
	return 97
}

// TestActivationsSweep checks the accuracy contract at every level on every
// 97th float32 bit pattern — both signs, all exponents, subnormals, ±Inf and
// NaNs — against the float64 functions.
func TestActivationsSweep(t *testing.T) {
	stride := actSweepStride()
	const chunk = 1 << 16
	for _, k := range actKernels {
		t.Run(k.name, func(t *testing.T) {
			asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
				x := make([]float32, 0, chunk)
				y := make([]float32, chunk)
				fails, worst := 0, uint32(0)
				for start := uint64(0); start < 1<<32; start += chunk * stride {
					x = x[:0]
					for b := start; b < 1<<32 && len(x) < chunk; b += stride {
						x = append(x, math.Float32frombits(uint32(b)))
					}
					k.f(y[:len(x)], x)
					for j, v := range x {
						want := k.ref(float64(v))
						if w := float32(want); w == w && math.Abs(float64(w)) >= 0x1p-126 {
							worst = max(worst, asmtest.ULPDiff(y[j], w))
						}
						if msg := actCheck(y[j], want); msg != "" {
							t.Errorf("%s(%g [%#08x]): %s", k.name, v, math.Float32bits(v), msg)
							if fails++; fails > 20 {
								t.FailNow()
							}
						}
					}
				}
				t.Logf("stride %d: largest error on normal results %d ULP", stride, worst)
			})
		})
	}
}

// actEdgeInputs are the special and boundary inputs of the activations.
func actEdgeInputs() []float32 {
	xs := []float32{
		0, float32(math.Copysign(0, -1)), 1, -1, 0.5, -0.5,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
		math.Float32frombits(0x7fc00001), math.Float32frombits(0xffc00000), math.Float32frombits(0x7f800001),
		math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		0x1p-126, -0x1p-126, 1e-30, -1e-30, 1e-7, -1e-7, 1e-3, -1e-3,
		// exp: largest finite result, first overflow, normal/subnormal/zero limits.
		88.72283172607422, 88.72283935546875, 89, 100, 1e30,
		-87.33654, -87.3365478515625, -88, -100, -103.27, -103.9720840454, -103.97209, -104, -110, -1000, -1e30,
		// tanh: polynomial/exp switch, and the saturation to ±1.
		0.625, -0.625, math.Nextafter32(0.625, 0), math.Nextafter32(-0.625, 0), 9, 9.01, 9.1, -9.01, -9.1, 20, -20,
		// sigmoid: saturation to 1, and the tiny side.
		16.6, 17, 17.4, 30, -16, -30, -87, -88.7, -89, -103,
	}
	// The neighbours of every threshold.
	n := len(xs)
	for _, v := range xs[:n] {
		if !math.IsInf(float64(v), 0) && v == v {
			xs = append(xs, math.Nextafter32(v, float32(math.Inf(1))), math.Nextafter32(v, float32(math.Inf(-1))))
		}
	}
	return xs
}

// TestActivationsEdgeValues checks the special values (NaN, ±Inf, ±0, the
// extremes) and the neighbours of every internal threshold at every level,
// in every lane position.
func TestActivationsEdgeValues(t *testing.T) {
	xs := actEdgeInputs()
	for _, k := range actKernels {
		t.Run(k.name, func(t *testing.T) {
			asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
				// Rotate the inputs so that each lands in every lane of a vector
				// and in the masked tail.
				for rot := range 17 {
					x := append(append([]float32(nil), xs[rot:]...), xs[:rot]...)
					y := make([]float32, len(x))
					k.f(y, x)
					for j, v := range x {
						if msg := actCheck(y[j], k.ref(float64(v))); msg != "" {
							t.Fatalf("%s(%g [%#08x]): %s", k.name, v, math.Float32bits(v), msg)
						}
					}
				}
			})
		})
	}
}

// TestActivationsExactValues spells out the values that must be exact.
func TestActivationsExactValues(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	cases := []struct {
		name string
		f    func(dst, x []float32)
		x    []float32
		want []float32
	}{
		{"Exp", Exp, []float32{0, negZero, inf, -inf, 89, 1e30, -104, -1e30},
			[]float32{1, 1, inf, 0, inf, inf, 0, 0}},
		{"Sigmoid", Sigmoid, []float32{0, inf, -inf, 17.5, 30, 1e30, -1e30},
			[]float32{0.5, 1, 0, 1, 1, 1, 0}},
		{"Tanh", Tanh, []float32{0, negZero, 1e-30, -1e-30, 9.02, -9.02, 20, -20, inf, -inf, 1e30},
			[]float32{0, negZero, 1e-30, -1e-30, 1, -1, 1, -1, 1, -1, 1}},
	}
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		for _, c := range cases {
			got := make([]float32, len(c.x))
			c.f(got, c.x)
			for i := range got {
				assert.Equal(t, math.Float32bits(c.want[i]), math.Float32bits(got[i]), "%s(%g) = %g", c.name, c.x[i], got[i])
			}
			got = []float32{0, nan, 1}
			c.f(got, got)
			assert.True(t, got[1] != got[1], "%s(NaN) = %g", c.name, got[1])
		}
	})
}

// TestSigmoidBackward: the kernel rounds (dy·y)·(1−y) step by step like the
// reference loop, so every level is bit-exact with the generic code.
func TestSigmoidBackward(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(3)
		for _, n := range asmtest.Lengths() {
			for i, o := range asmtest.Offsets {
				y := asmtest.NewGuarded(n, o).Fill(r, -0.5, 1.5)
				dy := asmtest.NewGuarded(n, asmtest.Offsets[(i+1)%4]).Fill(r, -3, 3)
				dst := asmtest.NewGuarded(n, asmtest.Offsets[(i+n)%4])
				want := make([]float32, n)
				sigmoidBackwardGeneric(want, y.Data, dy.Data)
				SigmoidBackward(dst.Data, y.Data, dy.Data)
				dst.Check(t)
				actRequireBits(t, want, dst.Data, "n=%d", n)
				// dst aliasing y, and dst aliasing dy.
				yc := append([]float32(nil), y.Data...)
				SigmoidBackward(yc, yc, dy.Data)
				actRequireBits(t, want, yc, "dst==y n=%d", n)
				SigmoidBackward(dy.Data, y.Data, dy.Data)
				actRequireBits(t, want, dy.Data, "dst==dy n=%d", n)
				y.Check(t)
				dy.Check(t)
			}
		}
		// Special values propagate exactly as in the reference.
		sp := []float32{0, 1, -1, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), math.MaxFloat32, 1e-40}
		var ys, dys []float32
		for _, a := range sp {
			for _, b := range sp {
				ys, dys = append(ys, a), append(dys, b)
			}
		}
		want, got := make([]float32, len(ys)), make([]float32, len(ys))
		sigmoidBackwardGeneric(want, ys, dys)
		SigmoidBackward(got, ys, dys)
		for i := range got {
			if !(want[i] != want[i] && got[i] != got[i]) {
				require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "y=%g dy=%g", ys[i], dys[i])
			}
		}
	})
}

func actRequireBits(t *testing.T, want, got []float32, msg string, args ...any) {
	t.Helper()
	for i := range want {
		if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
			t.Fatalf("%s: element %d: got %g, want %g", fmt.Sprintf(msg, args...), i, got[i], want[i])
		}
	}
}

// tanhBackwardTol is the allowed distance of TanhBackward from the exact
// dy·(1−y²): 2 ULP of the result, plus |dy|·max(1, y²)·2⁻²³ for the rounding
// of y·y, which the reference loop does separately (the assembly fuses 1−y²
// into one rounding, which is more accurate near |y| = 1; the generic code
// is within this bound too, fused or not).
func tanhBackwardTol(y, dy float32) float64 {
	want := float64(dy) * (1 - float64(y)*float64(y))
	a := math.Abs(float64(float32(want)))
	ulp := float64(math.Nextafter32(float32(a), float32(math.Inf(1)))) - a
	return 2*ulp + math.Abs(float64(dy))*math.Max(1, float64(y)*float64(y))*0x1p-23
}

func TestTanhBackward(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(4)
		for _, n := range asmtest.Lengths() {
			for i, o := range asmtest.Offsets {
				y := asmtest.NewGuarded(n, o).Fill(r, -1.2, 1.2)
				dy := asmtest.NewGuarded(n, asmtest.Offsets[(i+1)%4]).Fill(r, -3, 3)
				// Values of y near ±1, where 1−y² cancels.
				for j := 0; j < n; j += 3 {
					y.Data[j] = math.Float32frombits(0x3f800000 - uint32(r.IntN(4096)))
				}
				dst := asmtest.NewGuarded(n, asmtest.Offsets[(i+n)%4])
				TanhBackward(dst.Data, y.Data, dy.Data)
				dst.Check(t)
				for j := range dst.Data {
					yv, dv := y.Data[j], dy.Data[j]
					want := float64(dv) * (1 - float64(yv)*float64(yv))
					if d := math.Abs(float64(dst.Data[j]) - want); !(d <= tanhBackwardTol(yv, dv)) {
						t.Fatalf("n=%d: TanhBackward(y=%g, dy=%g) = %g, want %g", n, yv, dv, dst.Data[j], want)
					}
				}
				// Aliasing: dst is y, then dst is dy.
				want := append([]float32(nil), dst.Data...)
				yc := append([]float32(nil), y.Data...)
				TanhBackward(yc, yc, dy.Data)
				actRequireBits(t, want, yc, "dst==y n=%d", n)
				TanhBackward(dy.Data, y.Data, dy.Data)
				actRequireBits(t, want, dy.Data, "dst==dy n=%d", n)
				y.Check(t)
				dy.Check(t)
			}
		}
		got := make([]float32, 3)
		TanhBackward(got, []float32{float32(math.NaN()), 1, 0}, []float32{1, float32(math.NaN()), 2})
		assert.True(t, got[0] != got[0] && got[1] != got[1], "NaN propagates: %v", got)
		assert.Equal(t, float32(2), got[2])
	})
}

// FuzzActivations compares the active level with the float64 definitions on
// arbitrary bit patterns (4 bytes per float32; the first byte picks the
// input offset).
func FuzzActivations(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0x80, 0x3f, 0x12, 0x34, 0xb1, 0x42})
	f.Add([]byte{3, 0xff, 0xff, 0x7f, 0x7f, 0, 0, 0xc0, 0x7f, 0x18, 0x72, 0xb1, 0x42, 0, 0, 0x20, 0x3f})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		off := int(data[0]) % 16
		data = data[1:]
		n := len(data) / 4
		x := asmtest.NewGuarded(n, off)
		for i := range x.Data {
			x.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		for _, k := range actKernels {
			dst := asmtest.NewGuarded(n, (off+5)%16)
			k.f(dst.Data, x.Data)
			dst.Check(t)
			for j, v := range x.Data {
				if msg := actCheck(dst.Data[j], k.ref(float64(v))); msg != "" {
					t.Fatalf("%s(%g [%#08x]) at %v: %s", k.name, v, math.Float32bits(v), cpu.Active(), msg)
				}
			}
		}
		// The backward kernels, with the input as y and reversed as dy.
		dy := make([]float32, n)
		for i := range dy {
			dy[i] = x.Data[n-1-i]
		}
		got, want := make([]float32, n), make([]float32, n)
		SigmoidBackward(got, x.Data, dy)
		sigmoidBackwardGeneric(want, x.Data, dy)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
				t.Fatalf("SigmoidBackward(%g, %g) = %g, want %g", x.Data[i], dy[i], got[i], want[i])
			}
		}
		TanhBackward(got, x.Data, dy)
		for i, yv := range x.Data {
			want := float64(dy[i]) * (1 - float64(yv)*float64(yv))
			if math.IsNaN(want) || math.Abs(want) > math.MaxFloat32 || float64(yv)*float64(yv) > math.MaxFloat32 {
				continue // y² or the result overflow float32: nothing to compare closely
			}
			if d := math.Abs(float64(got[i]) - want); !(d <= tanhBackwardTol(yv, dy[i])) {
				t.Fatalf("TanhBackward(%g, %g) = %g, want %g", yv, dy[i], got[i], want)
			}
		}
	})
}
