//go:build !purego

package gemm

import "github.com/neuromod-go/neuromod/internal/cpu"

// kernNEON computes a full 8×12 tile from packed micro-panels of A (8 floats
// per step) and B (12 floats per step) with 24 accumulators and FMLA by
// element. It implements kernelGeneric.
//
//go:noescape
func kernNEON(k int, a *float32, b *float32, c *float32, ldc int, alpha, beta float32)

// neonKernel: 8×12 tiles from packed A and B; edge tiles through scratch.
var neonKernel = kernel{
	name: "neon", mr: 8, nr: 12, kc: 256, kcs: 256, mc: 128, nc: 4096,
	directA: false, directB: false, packA: true, edgeM: false, edgeN: false,
	run: runNEON, transpose: transposeGeneric, copyRows: copyRowsGeneric,
}

func activeKernel() *kernel {
	if cpu.Active() == cpu.NEON {
		return &neonKernel
	}
	return &genericKernel
}

func runNEON(mr, nr, k int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc int, alpha, beta float32, pf int) {
	if mr != 8 || nr != 12 || rsa != 1 || csa != 8 || rsb != 12 || k < 1 || len(a) < 8*k || len(b) < 12*k || len(c) < 7*ldc+12 {
		panic("gemm: internal error: NEON kernel needs a full packed tile")
	}
	kernNEON(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
}
