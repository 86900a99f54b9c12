package asm

import (
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

// ewSpecials are the values sprinkled into elementwise inputs: NaNs with
// payloads, infinities, signed zeros, the extremes of the normal range and
// subnormals.
var ewSpecials = []float32{
	math.Float32frombits(0x7fc00001), math.Float32frombits(0xffc12345),
	float32(math.Inf(1)), float32(math.Inf(-1)),
	0, float32(math.Copysign(0, -1)),
	math.MaxFloat32, -math.MaxFloat32, 0x1p-126, -0x1p-126,
	math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 1, -1,
}

// ewInput fills a guarded buffer of n elements at offset off with values
// in [-10, 10), about one in eight replaced by a special value.
func ewInput(r *rand.Rand, n, off int) *asmtest.Guarded {
	g := blas1RandGuarded(r, n, off, -10, 10)
	for i := range g.Data {
		if r.IntN(8) == 0 {
			g.Data[i] = ewSpecials[r.IntN(len(ewSpecials))]
		}
	}
	return g
}

// ewOffsetTuples returns the start offsets of k buffers to test at length n:
// the full product of asmtest.Offsets up to n = 40 (every tail length of
// every vector width, with and without a full block before it), and beyond
// that rotations that still start every buffer at every offset — the code
// never peels for alignment, so relative offsets matter only for the tails.
// (The full product at every length costs minutes under qemu.)
func ewOffsetTuples(n, k int) [][]int {
	if n > 40 {
		var ts [][]int
		for i := range asmtest.Offsets {
			t := make([]int, k)
			for j := range t {
				t[j] = asmtest.Offsets[(i+j)%len(asmtest.Offsets)]
			}
			ts = append(ts, t)
		}
		return ts
	}
	ts := [][]int{nil}
	for range k {
		var next [][]int
		for _, t := range ts {
			for _, o := range asmtest.Offsets {
				next = append(next, append(slices.Clone(t), o))
			}
		}
		ts = next
	}
	return ts
}

// ewSameFloats fails t unless got and want agree element by element to
// within maxULP units in the last place; every NaN matches every NaN, as
// which NaN an operation on NaNs returns is not specified.
func ewSameFloats(t *testing.T, want, got []float32, maxULP uint32, format string, args ...any) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		if asmtest.ULPDiff(want[i], got[i]) > maxULP {
			require.Failf(t, "mismatch", "%s: element %d: want %v (%#x), got %v (%#x)",
				fmt.Sprintf(format, args...), i, want[i], math.Float32bits(want[i]), got[i], math.Float32bits(got[i]))
		}
	}
}

type ewBinaryKernel struct {
	name    string
	f, ref  func(dst, x, y []float32)
	maxULPs uint32
}

var ewBinaryKernels = []ewBinaryKernel{
	// Tolerance: bit-exact (one IEEE operation per element) up to the NaN
	// returned.
	{"Add", Add, addGeneric, 0},
	{"Sub", Sub, subGeneric, 0},
	{"Mul", Mul, mulGeneric, 0},
}

func TestBinaryElementwise(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(11)
		for _, k := range ewBinaryKernels {
			for _, n := range asmtest.Lengths() {
				for _, o := range ewOffsetTuples(n, 3) {
					dst, x, y := asmtest.NewGuarded(n, o[0]), ewInput(r, n, o[1]), ewInput(r, n, o[2])
					x0, y0 := slices.Clone(x.Data), slices.Clone(y.Data)
					want := make([]float32, n)
					k.ref(want, x.Data, y.Data)
					k.f(dst.Data, x.Data, y.Data)
					ewSameFloats(t, want, dst.Data, k.maxULPs, "%s n=%d offsets %v", k.name, n, o)
					require.True(t, slices.Equal(blas1Bits(x0), blas1Bits(x.Data)) && slices.Equal(blas1Bits(y0), blas1Bits(y.Data)), "%s changed an input", k.name)
					dst.Check(t)
					x.Check(t)
					y.Check(t)
				}
			}
		}
	})
}

func TestMulAdd(t *testing.T) {
	// Tolerance: ≤ 1 ULP. The kernels round x·y+z once; the reference's
	// float64 sum may round before the conversion to float32 rounds again.
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(12)
		for _, n := range asmtest.Lengths() {
			for _, o := range ewOffsetTuples(n, 4) {
				dst := asmtest.NewGuarded(n, o[0])
				x, y, z := ewInput(r, n, o[1]), ewInput(r, n, o[2]), ewInput(r, n, o[3])
				want := make([]float32, n)
				mulAddGeneric(want, x.Data, y.Data, z.Data)
				MulAdd(dst.Data, x.Data, y.Data, z.Data)
				ewSameFloats(t, want, dst.Data, 1, "n=%d offsets %v", n, o)
				dst.Check(t)
				x.Check(t)
				y.Check(t)
				z.Check(t)
			}
		}
	})
}

func TestMulAddIsFused(t *testing.T) {
	// (1+2⁻²³)² = 1 + 2⁻²² + 2⁻⁴⁶: only a fused multiply-add keeps the
	// 2⁻⁴⁶ term when 1 + 2⁻²² is subtracted.
	a := float32(1 + 0x1p-23)
	x, y, z := []float32{a}, []float32{a}, []float32{-(1 + 0x1p-22)}
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		for _, n := range []int{1, 5, 8, 16, 37} {
			xs, ys, zs := slices.Repeat(x, n), slices.Repeat(y, n), slices.Repeat(z, n)
			dst := make([]float32, n)
			MulAdd(dst, xs, ys, zs)
			for i, v := range dst {
				require.Equal(t, float32(0x1p-46), v, "n=%d i=%d", n, i)
			}
		}
	})
}

func TestElementwiseAliasing(t *testing.T) {
	// dst may be the very same slice as any input; results as for distinct
	// buffers (bit-exact, MulAdd ≤ 1 ULP as above).
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(13)
		for _, n := range asmtest.Lengths() {
			for _, off := range blas1OffsetsFor(n) {
				for _, k := range ewBinaryKernels {
					for which := range 2 {
						a, b := ewInput(r, n, off), ewInput(r, n, off)
						want := make([]float32, n)
						k.ref(want, a.Data, b.Data)
						if which == 0 {
							k.f(a.Data, a.Data, b.Data) // dst == x
							ewSameFloats(t, want, a.Data, k.maxULPs, "%s dst==x n=%d", k.name, n)
						} else {
							k.f(b.Data, a.Data, b.Data) // dst == y
							ewSameFloats(t, want, b.Data, k.maxULPs, "%s dst==y n=%d", k.name, n)
						}
						a.Check(t)
						b.Check(t)
					}
				}

				x, y, z := ewInput(r, n, off), ewInput(r, n, off), ewInput(r, n, off)
				want := make([]float32, n)
				mulAddGeneric(want, x.Data, y.Data, z.Data)
				MulAdd(z.Data, x.Data, y.Data, z.Data) // accumulate: dst == z
				ewSameFloats(t, want, z.Data, 1, "MulAdd dst==z n=%d", n)
				mulAddGeneric(want, x.Data, x.Data, y.Data)
				MulAdd(x.Data, x.Data, x.Data, y.Data) // dst == x == y
				ewSameFloats(t, want, x.Data, 1, "MulAdd dst==x==y n=%d", n)

				lo, hi := float32(-3), float32(4)
				clampGeneric(want, y.Data, lo, hi)
				Clamp(y.Data, y.Data, lo, hi)
				require.True(t, slices.Equal(blas1Bits(want), blas1Bits(y.Data)), "Clamp dst==x n=%d", n)
				x.Check(t)
				y.Check(t)
				z.Check(t)
			}
		}
	})
}

// ewClampBounds are the (lo, hi) pairs Clamp is tested with.
var ewClampBounds = [][2]float32{
	{-1, 1}, {0, 0}, {2, 2}, {-5, -2},
	{float32(math.Copysign(0, -1)), 0}, {0, float32(math.Inf(1))},
	{float32(math.Inf(-1)), float32(math.Inf(1))}, {float32(math.Inf(-1)), -1},
	{float32(math.Copysign(0, -1)), float32(math.Copysign(0, -1))},
	{-math.MaxFloat32, math.SmallestNonzeroFloat32},
}

func TestClamp(t *testing.T) {
	// Tolerance: bit-exact, including the sign of zeros and the NaN itself,
	// which passes through unchanged.
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(14)
		for bi, b := range ewClampBounds {
			for _, n := range asmtest.Lengths() {
				if n > 130 && bi >= 3 {
					continue // the special bounds matter per element, not per length
				}
				for _, o := range ewOffsetTuples(n, 2) {
					dst, x := asmtest.NewGuarded(n, o[0]), ewInput(r, n, o[1])
					x0 := slices.Clone(x.Data)
					want := make([]float32, n)
					clampGeneric(want, x.Data, b[0], b[1])
					Clamp(dst.Data, x.Data, b[0], b[1])
					if !slices.Equal(blas1Bits(want), blas1Bits(dst.Data)) {
						ewSameFloats(t, want, dst.Data, 0, "bounds %v n=%d offsets %v", b, n, o)
						require.Equal(t, blas1Bits(want), blas1Bits(dst.Data), "bounds %v n=%d offsets %v: NaN or zero sign differs", b, n, o)
					}
					require.True(t, slices.Equal(blas1Bits(x0), blas1Bits(x.Data)), "Clamp changed x")
					dst.Check(t)
					x.Check(t)
				}
			}
		}
	})
}

func TestElementwisePanics(t *testing.T) {
	a, b := make([]float32, 3), make([]float32, 4)
	assert.PanicsWithValue(t, "asm.Add: slice lengths differ (3 and 4)", func() { Add(a, a, b) })
	assert.PanicsWithValue(t, "asm.Sub: slice lengths differ (4 and 3)", func() { Sub(b, a, b) })
	assert.PanicsWithValue(t, "asm.Mul: slice lengths differ (3 and 4)", func() { Mul(a, b, a) })
	assert.PanicsWithValue(t, "asm.MulAdd: slice lengths differ (3 and 4)", func() { MulAdd(a, a, a, b) })
	assert.PanicsWithValue(t, "asm.Clamp: slice lengths differ (3 and 4)", func() { Clamp(a, b, 0, 1) })
	assert.PanicsWithValue(t, "asm.Clamp: lo > hi or NaN bound", func() { Clamp(a, a, 1, 0) })
	assert.PanicsWithValue(t, "asm.Clamp: lo > hi or NaN bound", func() { Clamp(a, a, float32(math.NaN()), 0) })
}

func FuzzElementwise(f *testing.F) {
	f.Add([]byte{0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 191}, float32(-1), float32(1))
	f.Add(make([]byte, 4*4*21), float32(0), float32(0))
	f.Fuzz(func(t *testing.T, b []byte, lo, hi float32) { blas1AllLevels(func() { fuzzElementwise(t, b, lo, hi) }) })
}

// fuzzElementwise compares every elementwise kernel at the active level
// with its reference on inputs decoded from b.
func fuzzElementwise(t *testing.T, b []byte, lo, hi float32) {
	v := blas1Floats(b)
	n := len(v) / 4
	x, y, z := v[:n], v[n:2*n], v[2*n:3*n]
	want, got := make([]float32, n), make([]float32, n)
	for _, k := range ewBinaryKernels {
		k.ref(want, x, y)
		k.f(got, x, y)
		ewSameFloats(t, want, got, k.maxULPs, "%s", k.name)
	}
	mulAddGeneric(want, x, y, z)
	MulAdd(got, x, y, z)
	ewSameFloats(t, want, got, 1, "MulAdd")
	if lo <= hi {
		clampGeneric(want, x, lo, hi)
		Clamp(got, x, lo, hi)
		require.Equal(t, blas1Bits(want), blas1Bits(got), "Clamp")
	}
}
