package asm

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// blas1Eps is the float32 machine epsilon, 2⁻²³ (twice the unit roundoff).
const blas1Eps = 0x1p-23

// blas1SumTol is the tolerance for a reduction of n terms whose magnitudes add up
// to absSum. Recursive summation of n float32 terms errs by at most about
// n·u·Σ|terms| (u = blas1Eps/2, Higham's γₙ), whatever the order, so the
// reference and a kernel that sums in another order differ by at most
// n·blas1Eps·Σ|terms|; we allow 2(n+1)·blas1Eps·Σ|terms| for the products' own
// rounding, plus the smallest normal for sums of tiny terms.
func blas1SumTol(n int, absSum float64) float64 {
	return 2*float64(n+1)*blas1Eps*absSum + 0x1p-126
}

// blas1OffsetPairs returns the (x, y) start offsets to test at length n: every
// pair from asmtest.Offsets for short vectors, where tails dominate, and for
// long ones a rotation that still starts each input at every offset (the
// full product there only costs time, under qemu especially).
func blas1OffsetPairs(n int) [][2]int {
	var ps [][2]int
	for i, a := range asmtest.Offsets {
		if n > 130 {
			ps = append(ps, [2]int{a, asmtest.Offsets[(i+1)%len(asmtest.Offsets)]})
			continue
		}
		for _, b := range asmtest.Offsets {
			ps = append(ps, [2]int{a, b})
		}
	}
	return ps
}

// blas1OffsetsFor returns the start offsets to test a single buffer at, at
// length n: all of asmtest.Offsets for short vectors, one (varying with n)
// for long ones, to keep the tests fast under qemu.
func blas1OffsetsFor(n int) []int {
	if n > 130 {
		return []int{asmtest.Offsets[n%len(asmtest.Offsets)]}
	}
	return asmtest.Offsets
}

// blas1RandGuarded returns a guarded buffer of n values uniform in [lo, hi) that
// starts off elements past a 64-byte boundary.
func blas1RandGuarded(r *rand.Rand, n, off int, lo, hi float32) *asmtest.Guarded {
	return asmtest.NewGuarded(n, off).Fill(r, lo, hi)
}

// blas1RandInts fills x with integers uniform in [-k, k], so that sums and dot
// products of up to 65537 of them are exact in float32 in any order.
func blas1RandInts(r *rand.Rand, x []float32, k int) {
	for i := range x {
		x[i] = float32(r.IntN(2*k+1) - k)
	}
}

func TestDot(t *testing.T) {
	// Tolerance: blas1SumTol(n, Σ|x[i]·y[i]|) against dotGeneric; exact for
	// small-integer inputs, whose sum is exact in any order.
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(1)
		for _, n := range asmtest.Lengths() {
			for _, o := range blas1OffsetPairs(n) {
				ox, oy := o[0], o[1]
				x := blas1RandGuarded(r, n, ox, -1, 1)
				y := blas1RandGuarded(r, n, oy, -1, 1)
				x0, y0 := slices.Clone(x.Data), slices.Clone(y.Data)
				got, want := Dot(x.Data, y.Data), dotGeneric(x.Data, y.Data)
				var abs float64
				for i := range x.Data {
					abs += math.Abs(float64(x.Data[i]) * float64(y.Data[i]))
				}
				require.InDelta(t, want, got, blas1SumTol(n, abs), "n=%d offsets %d,%d", n, ox, oy)
				require.True(t, slices.Equal(x0, x.Data), "Dot changed x")
				require.True(t, slices.Equal(y0, y.Data), "Dot changed y")
				x.Check(t)
				y.Check(t)

				blas1RandInts(r, x.Data, 3)
				blas1RandInts(r, y.Data, 3)
				require.Equal(t, dotGeneric(x.Data, y.Data), Dot(x.Data, y.Data), "integers, n=%d offsets %d,%d", n, ox, oy)
			}
		}
	})
}

func TestAxpy(t *testing.T) {
	// Tolerance per element: the kernels fuse alpha·x[i]+y[i] (one rounding)
	// where the reference may round the product first, so they differ by at
	// most 2·blas1Eps·(|alpha·x[i]| + |y[i]|).
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(2)
		for _, n := range asmtest.Lengths() {
			for _, o := range blas1OffsetPairs(n) {
				ox, oy := o[0], o[1]
				alpha := 4*r.Float32() - 2
				x := blas1RandGuarded(r, n, ox, -1, 1)
				y := blas1RandGuarded(r, n, oy, -1, 1)
				x0, want := slices.Clone(x.Data), slices.Clone(y.Data)
				axpyGeneric(alpha, x.Data, want)
				y0 := slices.Clone(y.Data)
				Axpy(alpha, x.Data, y.Data)
				for i := range want {
					tol := 2 * blas1Eps * (math.Abs(float64(alpha*x.Data[i])) + math.Abs(float64(y0[i])))
					if math.Abs(float64(want[i])-float64(y.Data[i])) > tol {
						require.InDelta(t, want[i], y.Data[i], tol, "n=%d offsets %d,%d i=%d", n, ox, oy, i)
					}
				}
				require.True(t, slices.Equal(x0, x.Data), "Axpy changed x")
				x.Check(t)
				y.Check(t)
			}
		}
	})
}

func TestScale(t *testing.T) {
	// Tolerance: bit-exact (one multiplication per element).
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(3)
		for _, n := range asmtest.Lengths() {
			for _, ox := range asmtest.Offsets {
				alpha := 4*r.Float32() - 2
				x := blas1RandGuarded(r, n, ox, -10, 10)
				want := slices.Clone(x.Data)
				scaleGeneric(alpha, want)
				Scale(alpha, x.Data)
				require.Equal(t, want, x.Data, "n=%d offset %d", n, ox)
				x.Check(t)
			}
		}
	})
}

func TestSumAndSumSquares(t *testing.T) {
	// Tolerance: blas1SumTol(n, Σ|terms|) against the reference; exact for
	// small-integer inputs.
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(4)
		for _, n := range asmtest.Lengths() {
			for _, ox := range asmtest.Offsets {
				x := blas1RandGuarded(r, n, ox, -1, 1)
				x0 := slices.Clone(x.Data)
				var abs, sq float64
				for _, v := range x.Data {
					abs += math.Abs(float64(v))
					sq += float64(v) * float64(v)
				}
				require.InDelta(t, sumGeneric(x.Data), Sum(x.Data), blas1SumTol(n, abs), "Sum n=%d offset %d", n, ox)
				require.InDelta(t, sumSquaresGeneric(x.Data), SumSquares(x.Data), blas1SumTol(n, sq), "SumSquares n=%d offset %d", n, ox)
				require.True(t, slices.Equal(x0, x.Data), "input changed")
				x.Check(t)

				blas1RandInts(r, x.Data, 5)
				require.Equal(t, sumGeneric(x.Data), Sum(x.Data), "Sum of integers, n=%d offset %d", n, ox)
				require.Equal(t, sumSquaresGeneric(x.Data), SumSquares(x.Data), "SumSquares of integers, n=%d offset %d", n, ox)
			}
		}
	})
}

// blas1MaxCases returns inputs of length n for Max and MaxIndex: random values,
// many ties, NaNs (with distinct payloads) at chosen places, infinities and
// signed zeros.
func blas1MaxCases(r *rand.Rand, n int) map[string][]float32 {
	cases := map[string][]float32{}
	x := make([]float32, n)
	asmtest.FillUniform(r, x, -1, 1)
	cases["uniform"] = x

	x = make([]float32, n)
	blas1RandInts(r, x, 2)
	cases["ties"] = x

	x = make([]float32, n)
	for i := range x {
		x[i] = float32(math.Copysign(0, float64(r.IntN(2)-1)))
		if r.IntN(4) == 0 {
			x[i] = -1
		}
	}
	cases["signed zeros"] = x

	x = make([]float32, n)
	for i := range x {
		x[i] = float32(math.Inf(-1))
	}
	cases["all -Inf"] = x

	if n == 0 {
		return cases
	}
	nan := func(payload uint32) float32 { return math.Float32frombits(0x7fc00000 | payload) }
	for _, p := range []int{0, n / 2, n - 1, r.IntN(n)} {
		x = make([]float32, n)
		asmtest.FillUniform(r, x, -1, 1)
		x[p] = nan(uint32(p + 1))
		if q := p + 1 + r.IntN(n); q < n {
			x[q] = -nan(7) // a later NaN must not win
		}
		cases[fmt.Sprintf("NaN at %d", p)] = x

		x = make([]float32, n)
		asmtest.FillUniform(r, x, -1, 1)
		x[p] = float32(math.Inf(1))
		cases[fmt.Sprintf("+Inf at %d", p)] = x

		x = make([]float32, n)
		asmtest.FillUniform(r, x, -1, 1)
		x[p] = 3
		x[r.IntN(n)] = 3 // maybe before p: the first 3 wins
		cases[fmt.Sprintf("tie at %d", p)] = x
	}
	return cases
}

func TestMaxAndMaxIndex(t *testing.T) {
	// Tolerance: bit-exact, including the NaN returned (the first one) and
	// the sign of a zero maximum (the first of equal zeros).
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(5)
		for _, n := range asmtest.Lengths() {
			for name, c := range blas1MaxCases(r, n) {
				for _, ox := range blas1OffsetsFor(n) {
					x := asmtest.NewGuarded(n, ox)
					copy(x.Data, c)
					want, got := maxGeneric(x.Data), Max(x.Data)
					require.Equal(t, math.Float32bits(want), math.Float32bits(got), "Max %s n=%d offset %d: want %v got %v", name, n, ox, want, got)
					require.Equal(t, maxIndexGeneric(x.Data), MaxIndex(x.Data), "MaxIndex %s n=%d offset %d", name, n, ox)
					require.True(t, slices.Equal(blas1Bits(c), blas1Bits(x.Data)), "input changed")
					x.Check(t)
				}
			}
		}
		assert.Equal(t, float32(math.Inf(-1)), Max(nil))
		assert.Equal(t, -1, MaxIndex(nil))
		assert.Equal(t, 0, MaxIndex([]float32{float32(math.Inf(-1))}))
	})
}

func TestDotSpecialValues(t *testing.T) {
	// A NaN or an infinity anywhere reaches the result at every level.
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		for _, n := range []int{1, 7, 16, 33, 130, 1000} {
			for _, p := range []int{0, n / 2, n - 1} {
				x, y := make([]float32, n), make([]float32, n)
				for i := range x {
					x[i], y[i] = 1, 1
				}
				x[p] = float32(math.NaN())
				assert.True(t, math.IsNaN(float64(Dot(x, y))), "NaN n=%d p=%d", n, p)
				assert.True(t, math.IsNaN(float64(Sum(x))), "Sum NaN n=%d p=%d", n, p)
				x[p] = float32(math.Inf(1))
				assert.Equal(t, float32(math.Inf(1)), Dot(x, y), "Inf n=%d p=%d", n, p)
				assert.Equal(t, float32(math.Inf(1)), SumSquares(x), "SumSquares Inf n=%d p=%d", n, p)
			}
		}
	})
}

func TestBLAS1PanicsOnLengthMismatch(t *testing.T) {
	a, b := make([]float32, 3), make([]float32, 4)
	assert.PanicsWithValue(t, "asm.Dot: slice lengths differ (3 and 4)", func() { Dot(a, b) })
	assert.PanicsWithValue(t, "asm.Axpy: slice lengths differ (3 and 4)", func() { Axpy(1, a, b) })
}

// blas1Bits returns the bit patterns of x, so that NaNs compare equal to
// themselves (and payloads and zero signs count).
func blas1Bits(x []float32) []uint32 {
	b := make([]uint32, len(x))
	for i, v := range x {
		b[i] = math.Float32bits(v)
	}
	return b
}

// blas1Floats decodes b as little-endian float32s (ignoring a partial word).
func blas1Floats(b []byte) []float32 {
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}

// blas1FiniteSum reports Σ|x[i]·y[i]| (y nil: Σ|x[i]|) in float64 and whether
// every term is finite and small enough that no order of float32 summation
// overflows, which is when reduction results are comparable.
func blas1FiniteSum(x, y []float32) (float64, bool) {
	var s float64
	for i, v := range x {
		t := float64(v)
		if y != nil {
			t *= float64(y[i])
		}
		s += math.Abs(t)
	}
	return s, s <= 1e37
}

func FuzzDot(f *testing.F) {
	f.Add([]byte{0, 0, 128, 63, 0, 0, 0, 64}, 0.5)
	f.Add(make([]byte, 4*67), 1.0)
	f.Fuzz(func(t *testing.T, b []byte, a float64) { blas1AllLevels(func() { fuzzBLAS1(t, b, a) }) })
}

// blas1AllLevels runs f at every level the CPU has, so that one fuzzing run
// covers them all (the fuzz functions run one at a time in each process).
func blas1AllLevels(f func()) {
	for _, l := range cpu.Supported() {
		restore := cpu.SetLevel(l)
		f()
		restore()
	}
}

// fuzzBLAS1 compares every BLAS-1 kernel at the active level with its
// reference on x and y decoded from b, with the tolerances of the unit tests.
func fuzzBLAS1(t *testing.T, b []byte, a float64) {
	v := blas1Floats(b)
	x, y := v[:len(v)/2], v[len(v)/2:2*(len(v)/2)]
	alpha := float32(a)

	if abs, ok := blas1FiniteSum(x, y); ok {
		require.InDelta(t, dotGeneric(x, y), Dot(x, y), blas1SumTol(len(x), abs))
	}
	if abs, ok := blas1FiniteSum(x, nil); ok {
		require.InDelta(t, sumGeneric(x), Sum(x), blas1SumTol(len(x), abs))
	}
	if abs, ok := blas1FiniteSum(x, x); ok {
		require.InDelta(t, sumSquaresGeneric(x), SumSquares(x), blas1SumTol(len(x), abs))
	}
	require.Equal(t, math.Float32bits(maxGeneric(x)), math.Float32bits(Max(x)))
	require.Equal(t, maxIndexGeneric(x), MaxIndex(x))

	want, got := slices.Clone(x), slices.Clone(x)
	scaleGeneric(alpha, want)
	Scale(alpha, got)
	for i := range want {
		require.Zero(t, asmtest.ULPDiff(want[i], got[i]), "Scale i=%d", i)
	}

	want, got = slices.Clone(y), slices.Clone(y)
	axpyGeneric(alpha, x, want)
	Axpy(alpha, x, got)
	for i := range want {
		p := float64(alpha) * float64(x[i])
		tol := 2 * blas1Eps * (math.Abs(p) + math.Abs(float64(y[i])))
		if math.IsNaN(float64(want[i])) || math.IsInf(float64(want[i]), 0) || math.Abs(p) > 1e37 {
			continue // overflow or NaN: fused and unfused may legitimately differ
		}
		require.InDelta(t, want[i], got[i], tol, "Axpy i=%d", i)
	}
}
