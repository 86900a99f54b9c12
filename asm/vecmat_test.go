package asm

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/asm/gemm"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/stretchr/testify/require"
)

// vecMat2Want returns VecMat2's outputs evaluated in float64 and, for each,
// the bound on a float32 kernel's error: (k+1)·2⁻²³·(|y| + Σ_p |x[p]·a[p][j]|),
// twice the worst case of k+1 roundings in a sum taken in order (fused or
// not), so a kernel that drops, repeats or misplaces a product of typical
// size falls outside it.
func vecMat2Want(y, x, a []float32, lda int) (want, tol []float64) {
	n, k := len(y), len(x)
	want, tol = make([]float64, n), make([]float64, n)
	for j := range n {
		s, mag := float64(y[j]), math.Abs(float64(y[j]))
		for p := range k {
			t := float64(x[p]) * float64(a[p*lda+j])
			s += t
			mag += math.Abs(t)
		}
		want[j], tol[j] = s, float64(k+1)*0x1p-23*mag
	}
	return want, tol
}

// vecMat2Mismatch returns the first column where got is outside want's
// bound, or −1.
func vecMat2Mismatch(got []float32, want, tol []float64) int {
	for j, g := range got {
		if !(math.Abs(float64(g)-want[j]) <= tol[j]) {
			return j
		}
	}
	return -1
}

func TestVecMat2(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(11)
		for c, n := range asmtest.Lengths() {
			ks := []int{0, 1, 2, 3, 7, 33}
			if n > 300 {
				ks = []int{1, 3}
			}
			off := func(i int) int { return asmtest.Offsets[(c+i)%len(asmtest.Offsets)] }
			for _, k := range ks {
				for _, pad := range []int{0, 5} {
					lda := max(n, 1) + pad
					size := 0
					if k > 0 && n > 0 {
						size = (k-1)*lda + n
					}
					y0 := asmtest.NewGuarded(n, off(0)).Fill(r, -2, 2)
					y1 := asmtest.NewGuarded(n, off(1)).Fill(r, -2, 2)
					x0 := asmtest.NewGuarded(k, off(2)).Fill(r, -1, 1)
					x1 := asmtest.NewGuarded(k, off(3)).Fill(r, -1, 1)
					a := asmtest.NewGuarded(size, off(1)).Fill(r, -1, 1)
					// Padding between A's rows is filled too: a kernel that
					// read it would add garbage the bound rejects.
					want0, tol0 := vecMat2Want(y0.Data, x0.Data, a.Data, lda)
					want1, tol1 := vecMat2Want(y1.Data, x1.Data, a.Data, lda)
					ref0 := slices.Clone(y0.Data)
					ref1 := slices.Clone(y1.Data)
					aBefore := slices.Clone(a.Data)
					if k > 0 && n > 0 {
						vecMat2Generic(ref0, ref1, x0.Data, x1.Data, a.Data, lda)
					}

					VecMat2(y0.Data, y1.Data, x0.Data, x1.Data, a.Data, lda)

					what := fmt.Sprintf("%v n=%d k=%d lda=%d", l, n, k, lda)
					if l == cpu.Generic {
						require.Equal(t, ref0, y0.Data, what)
						require.Equal(t, ref1, y1.Data, what)
					}
					require.Equal(t, -1, vecMat2Mismatch(y0.Data, want0, tol0), "%s: y0", what)
					require.Equal(t, -1, vecMat2Mismatch(y1.Data, want1, tol1), "%s: y1", what)
					require.Equal(t, aBefore, a.Data, "%s: A changed", what)
					for _, g := range []*asmtest.Guarded{y0, y1, x0, x1, a} {
						g.Check(t)
					}
				}
			}
		}
	})
}

// TestVecMat2BoundRejectsWrongSums shows that the bound TestVecMat2 checks
// can fail: a sum missing one product, or with one product taken from the
// next column, is outside it.
func TestVecMat2BoundRejectsWrongSums(t *testing.T) {
	r := asmtest.Rand(12)
	const k, n = 756, 189
	y := make([]float32, n)
	x := make([]float32, k)
	a := make([]float32, k*n)
	asmtest.FillUniform(r, y, -1, 1)
	asmtest.FillUniform(r, x, -1, 1)
	asmtest.FillUniform(r, a, -1, 1)
	want, tol := vecMat2Want(y, x, a, n)
	ok := append([]float32(nil), y...)
	vecMat2Generic(ok, append([]float32(nil), y...), x, x, a, n)
	require.Equal(t, -1, vecMat2Mismatch(ok, want, tol))

	const j, p = 100, 500
	missing := append([]float32(nil), ok...)
	missing[j] -= x[p] * a[p*n+j]
	require.Equal(t, j, vecMat2Mismatch(missing, want, tol))
	shifted := append([]float32(nil), ok...)
	shifted[j] += x[p] * (a[p*n+j+1] - a[p*n+j])
	require.Equal(t, j, vecMat2Mismatch(shifted, want, tol))
}

func TestVecMat2Panics(t *testing.T) {
	y, x, a := make([]float32, 4), make([]float32, 3), make([]float32, 12)
	require.PanicsWithValue(t, "asm.VecMat2: len(x0)=3, len(x1)=2, len(y0)=4, len(y1)=4",
		func() { VecMat2(y, y, x, x[:2], a, 4) })
	require.PanicsWithValue(t, "asm.VecMat2: lda 3 < n 4", func() { VecMat2(y, y, x, x, a, 3) })
	require.PanicsWithValue(t, "asm.VecMat2: len(a)=11, need 12 for 3×4 with lda 4",
		func() { VecMat2(y, y, x, x, a[:11], 4) })
}

// BenchmarkVecMat2 times the plastic layers' recurrent gradient for a
// group of two samples at the parameter-matched retro size (W_hh: 4H×H,
// H = 189), next to the two-row GEMM it replaces, in GFLOPS.
func BenchmarkVecMat2(b *testing.B) {
	const n = 189
	const k = 4 * n
	r := asmtest.Rand(13)
	a, x, y := make([]float32, k*n), make([]float32, 2*k), make([]float32, 2*n)
	asmtest.FillUniform(r, a, -1, 1)
	asmtest.FillUniform(r, x, -1, 1)
	flops := float64(4 * k * n)
	asmtest.BenchEachLevel(b, func(b *testing.B, _ cpu.Level) {
		b.Run("vecmat2", func(b *testing.B) {
			for b.Loop() {
				VecMat2(y[:n], y[n:], x[:k], x[k:], a, n)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
		b.Run("sgemm", func(b *testing.B) {
			for b.Loop() {
				gemm.Sgemm(false, false, 2, n, k, 1, x, k, a, n, 1, y, n)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
	})
}
