package asm

import (
	"fmt"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
)

// BenchmarkGer times the square rank-1 updates of the plastic LSTM (n = H).
// SetBytes counts A read and written once (8·m·n bytes); GFLOPS counts 2·m·n.
func BenchmarkGer(b *testing.B) {
	for _, n := range []int{256, 650} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			r := asmtest.Rand(1)
			x, y, a := make([]float32, n), make([]float32, n), make([]float32, n*n)
			asmtest.FillUniform(r, x, -1, 1)
			asmtest.FillUniform(r, y, -1, 1)
			asmtest.FillUniform(r, a, -1, 1)
			asmtest.BenchEachLevel(b, func(b *testing.B, _ cpu.Level) {
				b.ReportAllocs()
				b.SetBytes(int64(8 * n * n))
				for b.Loop() {
					Ger(n, n, 1e-3, x, y, a, n)
				}
				b.ReportMetric(float64(2*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		})
	}
}
