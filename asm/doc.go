// Package asm holds neuromod's slice-level float32 kernels: BLAS-1 routines,
// elementwise arithmetic, activations, row-wise log-softmax and the fused
// softmax + negative log-likelihood, the rank-1 update, two vector–matrix
// products sharing their matrix (VecMat2), the fused LSTM cell, and the
// plastic layers' trace kernels. Each kernel has a portable Go reference (the specification, shown in
// its doc comment) and hand-written assembly for AVX2+FMA and AVX-512 on
// amd64 and NEON on arm64.
//
// Every exported kernel checks its arguments once, in Go, then branches once
// on cpu.Active() to the implementation for the active level; the purego
// build tag selects the references everywhere. Inconsistent lengths are a
// programming error and panic with a message naming the kernel, as in BLAS.
//
// Kernels never allocate and may be called concurrently on disjoint outputs.
// Unless a kernel's comment says otherwise, dst may be the very same slice as
// an input (exact aliasing) but must not partially overlap one.
package asm

import "fmt"

// checkLen panics unless every slice has length n.
func checkLen(kernel string, n int, lens ...int) {
	for _, l := range lens {
		if l != n {
			panic(fmt.Sprintf("asm.%s: slice lengths differ (%d and %d)", kernel, n, l))
		}
	}
}
