package asm

import (
	"fmt"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
)

// blas1BenchSizes are the vector lengths every kernel is benchmarked at: in L1,
// in L1/L2, and far beyond the caches (memory-bound).
var blas1BenchSizes = []int{256, 4096, 1 << 20}

// blas1Bench runs f for every size and level as BenchmarkX/n=N/level,
// reporting GFLOPS for flopsPer flops per element and bytesPer bytes of
// memory traffic per element (via SetBytes, so GB/s appears as MB/s).
func blas1Bench(b *testing.B, flopsPer, bytesPer int, f func(b *testing.B, bufs [][]float32), nbufs int) {
	for _, n := range blas1BenchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			r := asmtest.Rand(uint64(n))
			bufs := make([][]float32, nbufs)
			for i := range bufs {
				bufs[i] = make([]float32, n)
				asmtest.FillUniform(r, bufs[i], -1, 1)
			}
			asmtest.BenchEachLevel(b, func(b *testing.B, _ cpu.Level) {
				b.ReportAllocs()
				b.SetBytes(int64(bytesPer * n))
				b.ResetTimer()
				f(b, bufs)
				if flopsPer > 0 {
					b.ReportMetric(float64(flopsPer)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
				}
			})
		})
	}
}

var blas1SinkF32 float32
var blas1SinkInt int

func BenchmarkDot(b *testing.B) {
	blas1Bench(b, 2, 8, func(b *testing.B, v [][]float32) {
		for b.Loop() {
			blas1SinkF32 = Dot(v[0], v[1])
		}
	}, 2)
}

func BenchmarkAxpy(b *testing.B) {
	blas1Bench(b, 2, 12, func(b *testing.B, v [][]float32) {
		for b.Loop() {
			// A tiny alpha keeps y bounded over many iterations.
			Axpy(1e-7, v[0], v[1])
		}
	}, 2)
}

func BenchmarkScale(b *testing.B) {
	blas1Bench(b, 1, 8, func(b *testing.B, v [][]float32) {
		alpha := float32(1)
		for b.Loop() {
			Scale(alpha, v[0])
		}
	}, 1)
}

func BenchmarkSum(b *testing.B) {
	blas1Bench(b, 1, 4, func(b *testing.B, v [][]float32) {
		for b.Loop() {
			blas1SinkF32 = Sum(v[0])
		}
	}, 1)
}

func BenchmarkSumSquares(b *testing.B) {
	blas1Bench(b, 2, 4, func(b *testing.B, v [][]float32) {
		for b.Loop() {
			blas1SinkF32 = SumSquares(v[0])
		}
	}, 1)
}

func BenchmarkMax(b *testing.B) {
	blas1Bench(b, 0, 4, func(b *testing.B, v [][]float32) {
		for b.Loop() {
			blas1SinkF32 = Max(v[0])
		}
	}, 1)
}

func BenchmarkMaxIndex(b *testing.B) {
	blas1Bench(b, 0, 4, func(b *testing.B, v [][]float32) {
		for b.Loop() {
			blas1SinkInt = MaxIndex(v[0])
		}
	}, 1)
}
