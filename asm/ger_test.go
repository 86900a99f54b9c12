package asm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/stretchr/testify/require"
)

// Tolerance for Ger: the generic level must reproduce gerGeneric bit for bit
// (it is gerGeneric); the vector levels compute fma(alpha*x[i], y[j], a) with
// one rounding, so every element must be within 1 ULP of the float64 value
// a + float64(alpha*x[i])·y[j] rounded to float32 (the product is exact in
// float64, so the only slack is float64's own rounding of the sum). Two
// separate roundings, as in gerGeneric, can miss that by many ULP when the
// terms cancel, so the check also tells a fused kernel from an unfused one.
const gerMaxULP = 1

// gerWant64 returns the float64-evaluated update of a, the reference for the
// vector levels.
func gerWant64(m, n int, alpha float32, x, y, a []float32, lda int) []float32 {
	want := append([]float32(nil), a...)
	for i := 0; i < m; i++ {
		ax := float64(alpha * x[i])
		for j := 0; j < n; j++ {
			want[i*lda+j] = float32(float64(a[i*lda+j]) + ax*float64(y[j]))
		}
	}
	return want
}

// gerCheck runs Ger on a copy of a at the active level and compares it with
// the reference for level l, including the lda padding between rows, which
// must be left alone.
func gerCheck(t testing.TB, l cpu.Level, m, n int, alpha float32, x, y, a []float32, lda int) {
	t.Helper()
	var want []float32
	if m == 0 || n == 0 {
		want = append([]float32(nil), a...) // nothing to update
	} else if l == cpu.Generic || !gerLSTMAsm {
		want = append([]float32(nil), a...)
		gerGeneric(m, n, alpha, x, y, want, lda)
	} else {
		want = gerWant64(m, n, alpha, x, y, a, lda)
	}
	Ger(m, n, alpha, x, y, a, lda)
	for k := range a {
		tol := uint32(gerMaxULP)
		if l == cpu.Generic || !gerLSTMAsm || k%lda >= n || k >= (m-1)*lda+n {
			tol = 0 // bit-exact reference, or a padding element that must not change
		}
		d := asmtest.ULPDiff(a[k], want[k])
		if tol == 0 && !sameBits(a[k], want[k]) || d > tol {
			t.Fatalf("%v m=%d n=%d lda=%d: a[%d] (row %d col %d) = %v, want %v (%d ULP)", l, m, n, lda, k, k/lda, k%lda, a[k], want[k], d)
		}
	}
}

// sameBits reports whether a and b are the same float32, telling −0 from +0
// and treating all NaNs alike.
func sameBits(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

func TestGer(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(1)
		for k, n := range asmtest.Lengths() {
			ms := []int{1, 2, 3, 5}
			if n > 1000 {
				ms = []int{1, 2}
			}
			offX := asmtest.Offsets[k%len(asmtest.Offsets)]
			offY := asmtest.Offsets[(k+1)%len(asmtest.Offsets)]
			offA := asmtest.Offsets[(k+2)%len(asmtest.Offsets)]
			for _, m := range ms {
				for _, pad := range []int{0, 3} {
					lda := max(n, 1) + pad
					size := 0
					if m > 0 && n > 0 {
						size = (m-1)*lda + n
					}
					x := asmtest.NewGuarded(m, offX).Fill(r, -2, 2)
					y := asmtest.NewGuarded(n, offY).Fill(r, -2, 2)
					a := asmtest.NewGuarded(size, offA).Fill(r, -4, 4)
					alpha := 0.5 + r.Float32()
					gerCheck(t, l, m, n, alpha, x.Data, y.Data, a.Data, lda)
					a.Check(t)
					x.Check(t)
					y.Check(t)
				}
			}
		}
	})
}

// TestGerCancellation makes a ≈ −alpha·x·y so that a kernel that rounds the
// product before adding fails the 1-ULP bound.
func TestGerCancellation(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(2)
		const m, n = 7, 131
		x := make([]float32, m)
		y := make([]float32, n)
		a := make([]float32, m*n)
		asmtest.FillUniform(r, x, -1, 1)
		asmtest.FillUniform(r, y, -1, 1)
		alpha := float32(1.3)
		for i := range m {
			for j := range n {
				a[i*n+j] = -(alpha * x[i]) * y[j] * (1 + float32(r.IntN(5)-2)*0x1p-23)
			}
		}
		gerCheck(t, l, m, n, alpha, x, y, a, n)
	})
}

// TestGerFusedDetectsUnfused shows that the vector-level check rejects the
// doubly rounded reference on cancelling data, i.e. that gerCheck can fail.
func TestGerFusedDetectsUnfused(t *testing.T) {
	r := asmtest.Rand(3)
	const m, n = 7, 131
	x := make([]float32, m)
	y := make([]float32, n)
	a := make([]float32, m*n)
	asmtest.FillUniform(r, x, -1, 1)
	asmtest.FillUniform(r, y, -1, 1)
	for i := range m {
		for j := range n {
			a[i*n+j] = -x[i] * y[j] * (1 + float32(r.IntN(5)-2)*0x1p-23)
		}
	}
	want := gerWant64(m, n, 1, x, y, a, n)
	got := append([]float32(nil), a...)
	for i := range m { // two roundings, written out so the compiler cannot fuse
		for j := range n {
			p := x[i] * y[j]
			got[i*n+j] = float32(float64(got[i*n+j]) + float64(p))
		}
	}
	bad := 0
	for k := range got {
		if asmtest.ULPDiff(got[k], want[k]) > gerMaxULP {
			bad++
		}
	}
	require.Positive(t, bad, "the 1-ULP check must reject an unfused update on cancelling data")
}

func TestGerSquareAndSpecial(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(4)
		for _, n := range []int{256, 650} {
			x := asmtest.NewGuarded(n, 1).Fill(r, -1, 1)
			y := asmtest.NewGuarded(n, 3).Fill(r, -1, 1)
			a := asmtest.NewGuarded(n*n, 7).Fill(r, -1, 1)
			gerCheck(t, l, n, n, -0.75, x.Data, y.Data, a.Data, n)
			a.Check(t)
		}
		// Special values propagate as in IEEE arithmetic: NaN and ±Inf in x,
		// y and a, alpha = 0, signed zeros, huge and tiny magnitudes.
		specials := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)),
			math.MaxFloat32, -math.MaxFloat32, math.SmallestNonzeroFloat32, 1e-30, 1e30, 1, -1}
		const m, n = 5, 37
		for _, alpha := range []float32{0, 1, -2, float32(math.Inf(1))} {
			x := make([]float32, m)
			y := make([]float32, n)
			a := make([]float32, m*n)
			for k := range x {
				x[k] = specials[r.IntN(len(specials))]
			}
			for k := range y {
				y[k] = specials[r.IntN(len(specials))]
			}
			for k := range a {
				a[k] = specials[r.IntN(len(specials))]
			}
			gerCheck(t, l, m, n, alpha, x, y, a, n)
		}
	})
}

func TestGerPanics(t *testing.T) {
	x, y, a := make([]float32, 2), make([]float32, 3), make([]float32, 6)
	require.Panics(t, func() { Ger(-1, 3, 1, x, y, a, 3) })
	require.Panics(t, func() { Ger(2, 3, 1, x[:1], y, a, 3) })
	require.Panics(t, func() { Ger(2, 3, 1, x, y, a, 2) })
	require.Panics(t, func() { Ger(2, 3, 1, x, y, a[:5], 3) })
	require.NotPanics(t, func() { Ger(0, 3, 1, nil, y, nil, 3) })
}

func FuzzGer(f *testing.F) {
	f.Add(uint8(3), uint16(17), uint8(2), float32(0.5), uint64(1))
	f.Add(uint8(1), uint16(1), uint8(0), float32(-3), uint64(7))
	f.Add(uint8(9), uint16(300), uint8(5), float32(1e-20), uint64(9))
	f.Fuzz(func(t *testing.T, m8 uint8, n16 uint16, pad8 uint8, alpha float32, seed uint64) {
		m, n, pad := int(m8%16), int(n16%700), int(pad8%8)
		lda := max(n, 1) + pad
		size := 0
		if m > 0 && n > 0 {
			size = (m-1)*lda + n
		}
		r := rand.New(rand.NewPCG(seed, 1))
		x, y, a := make([]float32, m), make([]float32, n), make([]float32, size)
		asmtest.FillUniform(r, x, -3, 3)
		asmtest.FillUniform(r, y, -3, 3)
		asmtest.FillUniform(r, a, -9, 9)
		gerCheck(t, cpu.Active(), m, n, alpha, x, y, a, lda)
	})
}
