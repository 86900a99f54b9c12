package asm

import (
	"fmt"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
)

// The plastic kernels are memory-bound: b.SetBytes counts the n×n matrices
// each call reads and writes (4 bytes per element per matrix touched), so
// the MB/s column is the matrix traffic.

var plasticBenchSizes = []int{64, 256, 1024} // n; the matrices are n×n

func benchPlastic(b *testing.B, matrices int, f func(n int) func()) {
	for _, n := range plasticBenchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			asmtest.BenchEachLevel(b, func(b *testing.B, _ cpu.Level) {
				run := f(n)
				b.SetBytes(int64(4 * n * n * matrices))
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					run()
				}
			})
		})
	}
}

func randVec(n int) []float32 {
	x := make([]float32, n)
	asmtest.FillUniform(asmtest.Rand(uint64(n)), x, -1, 1)
	return x
}

func BenchmarkPlasticRead(b *testing.B) {
	benchPlastic(b, 2, func(n int) func() {
		p, h, a, w := randVec(n), randVec(n), randVec(n*n), randVec(n*n)
		return func() { PlasticRead(p, h, a, w) }
	})
}

func BenchmarkPlasticReadPerNeuron(b *testing.B) {
	benchPlastic(b, 1, func(n int) func() {
		p, h, a, w := randVec(n), randVec(n), randVec(n), randVec(n*n)
		return func() { PlasticReadPerNeuron(p, h, a, w) }
	})
}

func BenchmarkPlasticReadBackward(b *testing.B) {
	benchPlastic(b, 6, func(n int) func() {
		dh, da, h := randVec(n), randVec(n), randVec(n)
		dA, dW, a, w := randVec(n*n), randVec(n*n), randVec(n*n), randVec(n*n)
		return func() { PlasticReadBackward(dh, dA, dW, da, h, a, w) }
	})
}

// HebbUpdate with per-connection fan-out (scale, bias and the trace read,
// the trace written).
func BenchmarkHebbUpdate(b *testing.B) {
	benchPlastic(b, 4, func(n int) func() {
		w, pre, post, s, bias := randVec(n*n), randVec(n), randVec(n), randVec(n*n), randVec(n*n)
		return func() { HebbUpdate(w, w, pre, post, s, bias, 0.5, 1) }
	})
}

func BenchmarkHebbUpdateBackward(b *testing.B) {
	benchPlastic(b, 8, func(n int) func() {
		dw, w, s, bias, ds, db := randVec(n*n), randVec(n*n), randVec(n*n), randVec(n*n), randVec(n*n), randVec(n*n)
		dpre, dpost, pre, post := randVec(n), randVec(n), randVec(n), randVec(n)
		return func() { HebbUpdateBackward(dw, dpre, dpost, ds, db, w, pre, post, s, bias, 0.5, 1) }
	})
}

func BenchmarkRetroUpdate(b *testing.B) {
	benchPlastic(b, 7, func(n int) func() {
		w, e, pre, post, s, bias, eta := randVec(n*n), randVec(n*n), randVec(n), randVec(n), randVec(n*n), randVec(n*n), randVec(n*n)
		return func() { RetroUpdate(w, e, w, e, pre, post, s, bias, eta, 0.5, 1) }
	})
}

func BenchmarkRetroUpdateBackward(b *testing.B) {
	benchPlastic(b, 14, func(n int) func() {
		dw, de, w, e, s, bias, eta := randVec(n*n), randVec(n*n), randVec(n*n), randVec(n*n), randVec(n*n), randVec(n*n), randVec(n*n)
		ds, db, deta := randVec(n*n), randVec(n*n), randVec(n*n)
		dpre, dpost, pre, post := randVec(n), randVec(n), randVec(n), randVec(n)
		return func() { RetroUpdateBackward(dw, de, dpre, dpost, ds, db, deta, w, e, pre, post, s, bias, eta, 0.5, 1) }
	})
}

// The fused backward of a read and the update before it (per-connection
// fan-out: the trace, its gradient, α and its gradient, the scale, the
// bias and their gradients).
func BenchmarkPlasticReadHebbUpdateBackward(b *testing.B) {
	benchPlastic(b, 9, func(n int) func() {
		nn := n * n
		dh, h, dpre, pre, da, dpost, post := randVec(n), randVec(n), randVec(n), randVec(n), randVec(n), randVec(n), randVec(n)
		dalpha, alpha, dw, w, ds, s, db, bias := randVec(nn), randVec(nn), randVec(nn), randVec(nn), randVec(nn), randVec(nn), randVec(nn), randVec(nn)
		return func() {
			PlasticReadHebbUpdateBackward(dh, dalpha, da, h, alpha, dw, dpre, dpost, ds, db, w, pre, post, s, bias, 0.5, 1)
		}
	})
}

func BenchmarkPlasticReadRetroUpdateBackward(b *testing.B) {
	benchPlastic(b, 15, func(n int) func() {
		nn := n * n
		dh, h, dpre, pre, da, dpost, post := randVec(n), randVec(n), randVec(n), randVec(n), randVec(n), randVec(n), randVec(n)
		dalpha, alpha, dw, w, de, e := randVec(nn), randVec(nn), randVec(nn), randVec(nn), randVec(nn), randVec(nn)
		ds, s, db, bias, deta, eta := randVec(nn), randVec(nn), randVec(nn), randVec(nn), randVec(nn), randVec(nn)
		for i := range eta {
			eta[i] = eta[i]/2 + 0.5 // in [0, 1], where E is a moving average
		}
		return func() {
			PlasticReadRetroUpdateBackward(dh, dalpha, da, h, alpha, dw, de, dpre, dpost, ds, db, deta, w, e, pre, post, s, bias, eta, 0.5, 1)
		}
	})
}

// Two samples through the fused backward in one pass, their traces, trace
// gradients and vectors rows of shared buffers as in the plastic layer's
// Backward. SetBytes counts what two calls of the one-sample kernel would
// move, so MB/s compares with BenchmarkPlasticReadRetroUpdateBackward's.
func BenchmarkPlasticReadRetroUpdateBackward2(b *testing.B) {
	benchPlastic(b, 30, func(n int) func() {
		nn := n * n
		dalpha, alpha := randVec(nn), randVec(nn)
		ds, s, db, bias, deta, eta := randVec(nn), randVec(nn), randVec(nn), randVec(nn), randVec(nn), randVec(nn)
		for i := range eta {
			eta[i] = eta[i]/2 + 0.5
		}
		w, e, dw, de := randVec(2*nn), randVec(2*nn), randVec(2*nn), randVec(2*nn)
		da, dpost, post := randVec(2*n), randVec(2*n), randVec(2*n)
		sample := func(i int) *RetroSample {
			return &RetroSample{DH: randVec(n), DA: da[i*n : (i+1)*n], H: randVec(n), DHebb: dw[i*nn : (i+1)*nn], DElig: de[i*nn : (i+1)*nn],
				DPre: randVec(n), DPost: dpost[i*n : (i+1)*n], Hebb: w[i*nn : (i+1)*nn], Elig: e[i*nn : (i+1)*nn],
				Pre: randVec(n), Post: post[i*n : (i+1)*n], M: 0.5 - float32(i)}
		}
		x, y := sample(0), sample(1)
		return func() {
			PlasticReadRetroUpdateBackward2(x, y, dalpha, alpha, ds, db, deta, s, bias, eta, 1)
		}
	})
}
