package gemm

import (
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTranspose checks Transpose against its reference loop at every ISA
// level, on one thread and several, for shapes that leave partial tiles
// and partial 4×4 blocks, and that it writes nothing past rows·cols.
func TestTranspose(t *testing.T) {
	defer SetThreads(0)
	asmtest.ForEachLevel(t, func(t *testing.T, _ cpu.Level) {
		r := asmtest.Rand(3)
		for _, rc := range [][2]int{{1, 1}, {3, 5}, {64, 64}, {70, 33}, {2600, 650}, {650, 2600}, {301, 701}} {
			rows, cols := rc[0], rc[1]
			src := make([]float32, rows*cols)
			asmtest.FillUniform(r, src, -1, 1)
			for _, th := range []int{1, 2, 3} {
				SetThreads(th)
				dst := make([]float32, rows*cols+5)
				Transpose(dst, src, rows, cols)
				for i := range rows {
					for j := range cols {
						if dst[j*rows+i] != src[i*cols+j] {
							require.Failf(t, "wrong element", "%d×%d threads=%d: dst[%d][%d] = %v, want %v", rows, cols, th, j, i, dst[j*rows+i], src[i*cols+j])
						}
					}
				}
				require.Equal(t, make([]float32, 5), dst[rows*cols:], "%d×%d: past the end", rows, cols)
			}
		}
	})
	assert.PanicsWithValue(t, "gemm.Transpose: 3×4 with 12 source and 11 destination elements", func() {
		Transpose(make([]float32, 11), make([]float32, 12), 3, 4)
	})
}

// BenchmarkTranspose transposes an LSTM's recurrent weights, [4H, H] for
// H = 650, on one thread and two.
func BenchmarkTranspose(b *testing.B) {
	defer SetThreads(0)
	const rows, cols = 2600, 650
	src, dst := make([]float32, rows*cols), make([]float32, rows*cols)
	for _, th := range []int{1, 2} {
		b.Run(map[int]string{1: "1t", 2: "2t"}[th], func(b *testing.B) {
			SetThreads(th)
			for b.Loop() {
				Transpose(dst, src, rows, cols)
			}
			b.ReportMetric(float64(b.N)*rows*cols*8/b.Elapsed().Seconds()/1e9, "GB/s")
		})
	}
}
