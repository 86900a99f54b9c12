package asm

import "testing"

// Elementwise kernels are memory-bound beyond L1, so bytes moved per element
// (SetBytes: MB/s) is the figure to watch; GFLOPS are reported as well.

func BenchmarkAdd(b *testing.B) {
	blas1Bench(b, 1, 12, func(b *testing.B, v [][]float32) {
		for b.Loop() {
			Add(v[0], v[1], v[2])
		}
	}, 3)
}

func BenchmarkSub(b *testing.B) {
	blas1Bench(b, 1, 12, func(b *testing.B, v [][]float32) {
		for b.Loop() {
			Sub(v[0], v[1], v[2])
		}
	}, 3)
}

func BenchmarkMul(b *testing.B) {
	blas1Bench(b, 1, 12, func(b *testing.B, v [][]float32) {
		for b.Loop() {
			Mul(v[0], v[1], v[2])
		}
	}, 3)
}

func BenchmarkMulAdd(b *testing.B) {
	blas1Bench(b, 2, 16, func(b *testing.B, v [][]float32) {
		for b.Loop() {
			MulAdd(v[0], v[1], v[2], v[3])
		}
	}, 4)
}

func BenchmarkClamp(b *testing.B) {
	blas1Bench(b, 2, 8, func(b *testing.B, v [][]float32) {
		for b.Loop() {
			Clamp(v[0], v[1], -0.5, 0.5)
		}
	}, 2)
}
