package gemm

import (
	"fmt"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
)

// BenchmarkKernel times one micro-kernel on packed, cache-resident panels
// (depth kc, full tiles): the ceiling the blocked driver can approach.
func BenchmarkKernel(b *testing.B) {
	asmtest.BenchEachLevel(b, func(b *testing.B, l cpu.Level) {
		kn := activeKernel()
		for _, kc := range []int{64, 256} {
			b.Run(fmt.Sprintf("kc=%d", kc), func(b *testing.B) {
				r := asmtest.Rand(3)
				a, bb := make([]float32, kn.mr*kc), make([]float32, kn.nr*kc)
				c := make([]float32, kn.mr*kn.nr)
				asmtest.FillUniform(r, a, -1, 1)
				asmtest.FillUniform(r, bb, -1, 1)
				cpu0 := cpuSeconds()
				for b.Loop() {
					kn.run(kn.mr, kn.nr, kc, a, 1, kn.mr, bb, kn.nr, c, kn.nr, 1, 1, 0)
				}
				flops := 2 * float64(kn.mr*kn.nr*kc) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOPS")
				if cpu := cpuSeconds() - cpu0; cpu > 0 {
					b.ReportMetric(flops/cpu/1e9, "cpu-GFLOPS")
				}
			})
		}
	})
}
