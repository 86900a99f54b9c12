package gemm

import (
	"fmt"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
)

// benchShapes are (M, K, N) of an LSTM language model's GEMMs (batch 20,
// hidden 200/650/1300, 4 gates; 700 = 35 steps × 20 for the input
// projections of a segment, 10000 the vocabulary) and the classic 1024³.
var benchShapes = [][3]int{{20, 200, 800}, {20, 400, 800}, {20, 650, 2600}, {20, 1300, 2600}, {700, 650, 10000}, {1024, 1024, 1024}}

// BenchmarkSgemm reports GFLOPS per layout, shape, thread count and level,
// named like BenchmarkSgemm/nn/20x650x2600/1t/avx512 for benchstat. Layouts
// are those of LSTM training: nn (forward), nt (x·Wᵀ), tn (weight gradients).
func BenchmarkSgemm(b *testing.B) {
	defer SetThreads(0)
	for _, layout := range []string{"nn", "nt", "tn"} {
		for _, s := range benchShapes {
			for _, th := range []int{1, 2} {
				name := fmt.Sprintf("%s/%dx%dx%d/%dt", layout, s[0], s[1], s[2], th)
				b.Run(name, func(b *testing.B) {
					asmtest.BenchEachLevel(b, func(b *testing.B, l cpu.Level) {
						if l == cpu.Generic && s[0]*s[1]*s[2] > 1<<24 {
							b.Skip("generic level: too slow for this shape")
						}
						SetThreads(th)
						benchSgemm(b, layout, s[0], s[1], s[2])
					})
				})
			}
		}
	}
}

// benchSgemm times C = A·B (beta = 0) with the given layout and reports GFLOPS.
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
	Sgemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for b.Loop() {
		Sgemm(tA, tB, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
	}
	flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOPS")
	// Flops per CPU second of the whole process, per thread used: on a
	// loaded machine this is steadier than the wall-clock figure.
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(flops/cpu/1e9*float64(Threads()), "cpu-GFLOPS")
	}
}
