//go:build !purego

package gemm

import "github.com/neuromod-go/neuromod/internal/cpu"

// kernAVX512 computes an mr×32 tile (mr = 1…14) with 28 ZMM accumulators;
// the masks m1, m2 select the columns 0…15 and 16…31 for loads of B and
// loads/stores of C. Along with each row of B it prefetches the two cache
// lines pf bytes further on. It implements kernelGeneric.
//
//go:noescape
func kernAVX512(mr, k int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, m1, m2 uint64, pf int)

// kernAVX2 computes a full mr×16 tile (mr = 1…6) with 12 YMM accumulators,
// prefetching pf bytes beyond each row of B. It implements kernelGeneric.
//
//go:noescape
func kernAVX2(mr, k int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, pf int)

// avx512Kernel: 14×32 tiles. Big path: a 14×512 micro-panel of A (28 KiB)
// and the 32-wide micro-panel of B (64 KiB, streamed from L2 at 9 bytes a
// cycle, well within its bandwidth) — a deep kc halves the passes over C
// compared with an L1-sized one, which measured faster at 700×650×10000 and
// 1024³; a 252×512 block of A is half of L2. Skinny path: kc 256, so a
// 32-column strip of B (32 KiB) stays in L1 for the second row tile.
var avx512Kernel = kernel{
	name: "avx512", mr: 14, nr: 32, kc: 512, kcs: 256, mc: 252, nc: 4096,
	directA: true, directB: true, packA: true, edgeM: true, edgeN: true,
	run: runAVX512, transpose: transposeAVXGo, copyRows: copyRowsAVX512Go,
}

// avx2Kernel: 6×16 tiles; B read in place on the skinny path except for a
// last, narrower strip, which is packed with zero padding.
var avx2Kernel = kernel{
	name: "avx2", mr: 6, nr: 16, kc: 256, kcs: 256, mc: 6 * 64, nc: 4096,
	directA: true, directB: true, packA: true, edgeM: true, edgeN: false,
	run: runAVX2, transpose: transposeAVXGo, copyRows: copyRowsGeneric,
}

// transposeAVX implements transposeGeneric with AVX.
//
//go:noescape
func transposeAVX(dst *float32, src *float32, lds, rows, cols, ldd int)

func transposeAVXGo(dst, src []float32, lds, rows, cols, ldd int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if rows > ldd || (rows-1)*lds+cols > len(src) || (cols-1)*ldd+rows > len(dst) {
		panic("gemm: internal error: transpose out of range")
	}
	transposeAVX(&dst[0], &src[0], lds, rows, cols, ldd)
}

// copyRowsAVX512 implements copyRowsGeneric for cols, ldd ≤ 32 with masked
// loads (lm1, lm2) and stores (sm1, sm2).
//
//go:noescape
func copyRowsAVX512(dst *float32, src *float32, lds, rows int, lm1, lm2, sm1, sm2 uint64, ldd int)

func copyRowsAVX512Go(dst, src []float32, lds, rows, cols, ldd int) {
	if rows <= 0 {
		return
	}
	if cols > ldd || ldd > 32 || (rows-1)*lds+cols > len(src) || rows*ldd > len(dst) {
		panic("gemm: internal error: copyRows out of range")
	}
	var s0 *float32
	if cols > 0 {
		s0 = &src[0]
	}
	copyRowsAVX512(&dst[0], s0, lds, rows, mask16(cols), mask16(cols-16), mask16(ldd), mask16(ldd-16), ldd)
}

// mask16 is the mask of the first n (clamped to 0…16) of 16 lanes.
func mask16(n int) uint64 { return uint64(1)<<min(max(n, 0), 16) - 1 }

func activeKernel() *kernel {
	switch cpu.Active() {
	case cpu.AVX512:
		return &avx512Kernel
	case cpu.AVX2:
		return &avx2Kernel
	default:
		return &genericKernel
	}
}

// checkTile panics unless a, b and c hold the tile the kernel will touch:
// the assembly trusts its pointers, so a driver bug must not become a wild
// memory access.
func checkTile(mr, nr, k int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc int) {
	if mr < 1 || nr < 1 || k < 1 || (mr-1)*rsa+(k-1)*csa >= len(a) || (k-1)*rsb+nr > len(b) || (mr-1)*ldc+nr > len(c) {
		panic("gemm: internal error: micro-kernel tile out of range")
	}
}

func runAVX512(mr, nr, k int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc int, alpha, beta float32, pf int) {
	checkTile(mr, nr, k, a, rsa, csa, b, rsb, c, ldc)
	kernAVX512(mr, k, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc, alpha, beta, mask16(nr), mask16(nr-16), pf)
}

func runAVX2(mr, nr, k int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc int, alpha, beta float32, pf int) {
	checkTile(mr, 16, k, a, rsa, csa, b, rsb, c, ldc)
	if nr != 16 {
		panic("gemm: internal error: AVX2 kernel needs a full tile")
	}
	kernAVX2(mr, k, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc, alpha, beta, pf)
}
