//go:build !unix

package gemm

// cpuSeconds is unavailable here; the cpu-GFLOPS metric is then omitted.
func cpuSeconds() float64 { return 0 }
