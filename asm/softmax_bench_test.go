package asm

import (
	"fmt"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
)

// Row lengths of the softmax benchmarks; 10000 is the PTB vocabulary.
var smBenchSizes = []int{256, 4096, 10000, 1 << 20}

func BenchmarkLogSoftmax(b *testing.B) {
	for _, n := range smBenchSizes {
		b.Run(fmt.Sprintf("V=%d", n), func(b *testing.B) {
			x := make([]float32, n)
			asmtest.FillUniform(asmtest.Rand(1), x, -10, 10)
			dst := make([]float32, n)
			asmtest.BenchEachLevel(b, func(b *testing.B, _ cpu.Level) {
				b.SetBytes(int64(8 * n))
				b.ReportAllocs()
				for b.Loop() {
					LogSoftmax(dst, x)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
			})
		})
	}
}

func BenchmarkSoftmaxNLL(b *testing.B) {
	for _, n := range smBenchSizes {
		b.Run(fmt.Sprintf("V=%d", n), func(b *testing.B) {
			logits := make([]float32, n)
			asmtest.FillUniform(asmtest.Rand(1), logits, -10, 10)
			grad := make([]float32, n)
			asmtest.BenchEachLevel(b, func(b *testing.B, _ cpu.Level) {
				b.SetBytes(int64(8 * n))
				b.ReportAllocs()
				var sink float32
				for b.Loop() {
					sink += SoftmaxNLL(grad, logits, n/3, 1.0/32)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
				_ = sink
			})
		})
	}
}
