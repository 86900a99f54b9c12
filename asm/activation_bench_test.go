package asm

import (
	"fmt"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
)

var actBenchSizes = []int{256, 4096, 1 << 20}

// benchUnary benchmarks f(dst, x) per size and level; bytes are the 8 bytes
// read and written per element, and Gelem/s the elements per second.
func benchUnary(b *testing.B, f func(dst, x []float32), lo, hi float32) {
	for _, n := range actBenchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x := make([]float32, n)
			asmtest.FillUniform(asmtest.Rand(1), x, lo, hi)
			dst := make([]float32, n)
			asmtest.BenchEachLevel(b, func(b *testing.B, _ cpu.Level) {
				b.SetBytes(int64(8 * n))
				b.ReportAllocs()
				for b.Loop() {
					f(dst, x)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
			})
		})
	}
}

// benchBackward is benchUnary for the two-input backward kernels (12 bytes
// per element).
func benchBackward(b *testing.B, f func(dst, y, dy []float32)) {
	for _, n := range actBenchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			r := asmtest.Rand(2)
			y, dy, dst := make([]float32, n), make([]float32, n), make([]float32, n)
			asmtest.FillUniform(r, y, -1, 1)
			asmtest.FillUniform(r, dy, -1, 1)
			asmtest.BenchEachLevel(b, func(b *testing.B, _ cpu.Level) {
				b.SetBytes(int64(12 * n))
				b.ReportAllocs()
				for b.Loop() {
					f(dst, y, dy)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
			})
		})
	}
}

func BenchmarkExp(b *testing.B)             { benchUnary(b, Exp, -20, 20) }
func BenchmarkSigmoid(b *testing.B)         { benchUnary(b, Sigmoid, -10, 10) }
func BenchmarkTanh(b *testing.B)            { benchUnary(b, Tanh, -5, 5) }
func BenchmarkSigmoidBackward(b *testing.B) { benchBackward(b, SigmoidBackward) }
func BenchmarkTanhBackward(b *testing.B)    { benchBackward(b, TanhBackward) }
