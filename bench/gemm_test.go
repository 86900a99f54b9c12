package bench

import (
	"fmt"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/asm/gemm"
	"github.com/neuromod-go/neuromod/internal/cpu"
)

// gemmShapes are (M, K, N) of an LSTM language model's GEMMs: batch 20 with
// hidden sizes 200/650/1300 (four gates: N = 4H) for the per-step recurrent
// product, 700 = 35 steps × 20 for a segment's input projections or the
// decoder (N = 10000, the vocabulary), and 1024³ for comparison with the
// usual GEMM figures. ../shared/tools/openblas-sgemm measures OpenBLAS at the
// same shapes.
var gemmShapes = [][3]int{{20, 200, 800}, {20, 400, 800}, {20, 650, 2600}, {20, 1300, 2600}, {700, 650, 10000}, {1024, 1024, 1024}}

// BenchmarkSgemm measures gemm.Sgemm at the active ISA level (NEUROMOD_ISA
// caps it) in GFLOPS, as BenchmarkSgemm/<layout>/<M>x<K>x<N>/<threads>t, for
// the layouts LSTM training uses: nn = A·B (forward), nt = A·Wᵀ and
// tn = Xᵀ·D (gradients). Compare with
//
//	openblas-sgemm --threads 1 --layout nn
//
// run in the same sitting; asm/gemm's own BenchmarkSgemm splits by level.
func BenchmarkSgemm(b *testing.B) {
	defer gemm.SetThreads(0)
	b.Logf("ISA level %v", cpu.Active())
	for _, layout := range []string{"nn", "nt", "tn"} {
		for _, s := range gemmShapes {
			for _, th := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%dx%dx%d/%dt", layout, s[0], s[1], s[2], th), func(b *testing.B) {
					gemm.SetThreads(th)
					benchSgemm(b, layout, s[0], s[1], s[2])
				})
			}
		}
	}
}

func benchSgemm(b *testing.B, layout string, m, k, n int) {
	r := asmtest.Rand(1)
	a, bb, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	asmtest.FillUniform(r, a, -1, 1)
	asmtest.FillUniform(r, bb, -1, 1)
	tA, tB := layout[0] == 't', layout[1] == 't'
	lda, ldb := k, n
	if tA {
		lda = m
	}
	if tB {
		ldb = k
	}
	gemm.Sgemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		gemm.Sgemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
}
