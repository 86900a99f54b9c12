package asm

import (
	"fmt"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
)

// The LSTM cell benchmarks run one sample's pointwise step at the hidden
// sizes of the PTB models. They report cell elements (j = 0..H−1) per
// second and, through SetBytes, the memory traffic: forward reads gates and
// cPrev and writes gates, c and h (44·H bytes); backward reads gates, cPrev,
// c, dh and dc and writes dGates and dc (52·H bytes). The forward pass
// overwrites gates with activations, so after the first call it runs on
// values in (−1, 1), the range the activations then see in training anyway.

func BenchmarkLSTMCellForward(b *testing.B) {
	for _, n := range []int{200, 650} {
		b.Run(fmt.Sprintf("H=%d", n), func(b *testing.B) {
			r := asmtest.Rand(1)
			pre, cPrev, _, _, _, _ := lstmInputs(r, n, 4)
			c, h := make([]float32, n), make([]float32, n)
			asmtest.BenchEachLevel(b, func(b *testing.B, _ cpu.Level) {
				gates := append([]float32(nil), pre...)
				b.ReportAllocs()
				b.SetBytes(int64(44 * n))
				for b.Loop() {
					LSTMCellForward(gates, cPrev, c, h)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melem/s")
			})
		})
	}
}

func BenchmarkLSTMCellBackward(b *testing.B) {
	for _, n := range []int{200, 650} {
		b.Run(fmt.Sprintf("H=%d", n), func(b *testing.B) {
			r := asmtest.Rand(2)
			_, cPrev, gates, c, dh, dc := lstmInputs(r, n, 4)
			dGates := make([]float32, 4*n)
			asmtest.BenchEachLevel(b, func(b *testing.B, _ cpu.Level) {
				b.ReportAllocs()
				b.SetBytes(int64(52 * n))
				for b.Loop() {
					// dc is overwritten with dcPrev; its size stays bounded
					// (|f| < 1), so the timing does not drift.
					LSTMCellBackward(dGates, gates, cPrev, c, dh, dc)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Melem/s")
			})
		})
	}
}
