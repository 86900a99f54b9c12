//go:build (!amd64 && !arm64) || purego

package gemm

// activeKernel returns the portable micro-kernel: no assembly here.
func activeKernel() *kernel { return &genericKernel }
