//go:build !purego

#include "textflag.h"

// Register use throughout: SI = x, DI = y, CX = n, AX = element index,
// BX = loop bound (n rounded down to the block size).
//
// AVX-512 tails use a K mask of the remaining 0..15 lanes, built as
// (1<<r)-1 with a shift (BZHI would need BMI2, which the level does not
// promise); masked loads zero (or keep) the inactive lanes, so nothing past
// the slice is read or written. AVX2 tails are scalar.

// TAILMASK sets K1 to the low CX bits (CX < 16); clobbers DX.
#define TAILMASK \
	MOVL  $1, DX; \
	SHLL  CX, DX; \
	DECL  DX;     \
	KMOVW DX, K1

// HSUMZ0 adds the 16 lanes of Z0 into X0's lane 0; clobbers Z1.
#define HSUMZ0 \
	VEXTRACTF64X4 $1, Z0, Y1; \
	VADDPS        Y1, Y0, Y0; \
	HSUMY0

// HSUMY0 adds the 8 lanes of Y0 into X0's lane 0; clobbers Y1.
#define HSUMY0 \
	VEXTRACTF128 $1, Y0, X1; \
	VADDPS       X1, X0, X0; \
	VMOVHLPS     X0, X0, X1; \
	VADDPS       X1, X0, X0; \
	VPSHUFD      $1, X0, X1; \
	VADDSS       X1, X0, X0

// HMAXZ0 reduces the 16 lanes of Z0 to their maximum in X0's lane 0 (no
// NaNs expected); clobbers Z1.
#define HMAXZ0 \
	VEXTRACTF64X4 $1, Z0, Y1; \
	VMAXPS        Y1, Y0, Y0; \
	HMAXY0

// HMAXY0 reduces the 8 lanes of Y0 to their maximum in X0's lane 0.
#define HMAXY0 \
	VEXTRACTF128 $1, Y0, X1; \
	VMAXPS       X1, X0, X0; \
	VMOVHLPS     X0, X0, X1; \
	VMAXPS       X1, X0, X0; \
	VPSHUFD      $1, X0, X1; \
	VMAXSS       X1, X0, X0

// The canonical quiet NaN returned by the Max kernels when x holds a NaN;
// the Go caller then looks up the first NaN itself.
#define QNAN $0x7fc00000

// func dotAVX512(x, y []float32) float32
TEXT ·dotAVX512(SB), NOSPLIT, $0-52
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	MOVQ   y_base+24(FP), DI
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	XORQ   AX, AX
	MOVQ   CX, BX
	ANDQ   $-128, BX
	JZ     dot512_16

	// 8 independent accumulators: 128 floats per iteration keeps both FMA
	// pipes busy past the 4-cycle latency with little loop overhead.
dot512_128:
	VMOVUPS     (SI)(AX*4), Z8
	VMOVUPS     64(SI)(AX*4), Z9
	VMOVUPS     128(SI)(AX*4), Z10
	VMOVUPS     192(SI)(AX*4), Z11
	VMOVUPS     256(SI)(AX*4), Z12
	VMOVUPS     320(SI)(AX*4), Z13
	VMOVUPS     384(SI)(AX*4), Z14
	VMOVUPS     448(SI)(AX*4), Z15
	VFMADD231PS (DI)(AX*4), Z8, Z0
	VFMADD231PS 64(DI)(AX*4), Z9, Z1
	VFMADD231PS 128(DI)(AX*4), Z10, Z2
	VFMADD231PS 192(DI)(AX*4), Z11, Z3
	VFMADD231PS 256(DI)(AX*4), Z12, Z4
	VFMADD231PS 320(DI)(AX*4), Z13, Z5
	VFMADD231PS 384(DI)(AX*4), Z14, Z6
	VFMADD231PS 448(DI)(AX*4), Z15, Z7
	ADDQ        $128, AX
	CMPQ        AX, BX
	JNE         dot512_128

dot512_16:
	MOVQ CX, BX
	ANDQ $-16, BX
	CMPQ AX, BX
	JEQ  dot512_tail

dot512_16loop:
	VMOVUPS     (SI)(AX*4), Z8
	VFMADD231PS (DI)(AX*4), Z8, Z0
	ADDQ        $16, AX
	CMPQ        AX, BX
	JNE         dot512_16loop

dot512_tail:
	SUBQ AX, CX
	JZ   dot512_reduce
	TAILMASK
	VMOVUPS.Z   (SI)(AX*4), K1, Z8
	VMOVUPS.Z   (DI)(AX*4), K1, Z9
	VFMADD231PS Z9, Z8, Z1

dot512_reduce:
	VADDPS Z4, Z0, Z0
	VADDPS Z5, Z1, Z1
	VADDPS Z6, Z2, Z2
	VADDPS Z7, Z3, Z3
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	HSUMZ0
	VMOVSS X0, ret+48(FP)
	VZEROUPPER
	RET

// func dotAVX2(x, y []float32) float32
TEXT ·dotAVX2(SB), NOSPLIT, $0-52
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	MOVQ   y_base+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ   AX, AX
	MOVQ   CX, BX
	ANDQ   $-32, BX
	JZ     dot2_8

dot2_32:
	VMOVUPS     (SI)(AX*4), Y4
	VMOVUPS     32(SI)(AX*4), Y5
	VMOVUPS     64(SI)(AX*4), Y6
	VMOVUPS     96(SI)(AX*4), Y7
	VFMADD231PS (DI)(AX*4), Y4, Y0
	VFMADD231PS 32(DI)(AX*4), Y5, Y1
	VFMADD231PS 64(DI)(AX*4), Y6, Y2
	VFMADD231PS 96(DI)(AX*4), Y7, Y3
	ADDQ        $32, AX
	CMPQ        AX, BX
	JNE         dot2_32

dot2_8:
	MOVQ CX, BX
	ANDQ $-8, BX
	CMPQ AX, BX
	JEQ  dot2_reduce

dot2_8loop:
	VMOVUPS     (SI)(AX*4), Y4
	VFMADD231PS (DI)(AX*4), Y4, Y0
	ADDQ        $8, AX
	CMPQ        AX, BX
	JNE         dot2_8loop

dot2_reduce:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	HSUMY0
	CMPQ   AX, CX
	JEQ    dot2_done

dot2_1:
	VMOVSS      (SI)(AX*4), X1
	VFMADD231SS (DI)(AX*4), X1, X0
	INCQ        AX
	CMPQ        AX, CX
	JNE         dot2_1

dot2_done:
	VMOVSS X0, ret+48(FP)
	VZEROUPPER
	RET

// func axpyAVX512(alpha float32, x, y []float32)
TEXT ·axpyAVX512(SB), NOSPLIT, $0-56
	VBROADCASTSS alpha+0(FP), Z0
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	MOVQ         y_base+32(FP), DI
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-128, BX
	JZ           axpy512_16

axpy512_128:
	VMOVUPS     (DI)(AX*4), Z1
	VMOVUPS     64(DI)(AX*4), Z2
	VMOVUPS     128(DI)(AX*4), Z3
	VMOVUPS     192(DI)(AX*4), Z4
	VMOVUPS     256(DI)(AX*4), Z5
	VMOVUPS     320(DI)(AX*4), Z6
	VMOVUPS     384(DI)(AX*4), Z7
	VMOVUPS     448(DI)(AX*4), Z8
	VFMADD231PS (SI)(AX*4), Z0, Z1
	VFMADD231PS 64(SI)(AX*4), Z0, Z2
	VFMADD231PS 128(SI)(AX*4), Z0, Z3
	VFMADD231PS 192(SI)(AX*4), Z0, Z4
	VFMADD231PS 256(SI)(AX*4), Z0, Z5
	VFMADD231PS 320(SI)(AX*4), Z0, Z6
	VFMADD231PS 384(SI)(AX*4), Z0, Z7
	VFMADD231PS 448(SI)(AX*4), Z0, Z8
	VMOVUPS     Z1, (DI)(AX*4)
	VMOVUPS     Z2, 64(DI)(AX*4)
	VMOVUPS     Z3, 128(DI)(AX*4)
	VMOVUPS     Z4, 192(DI)(AX*4)
	VMOVUPS     Z5, 256(DI)(AX*4)
	VMOVUPS     Z6, 320(DI)(AX*4)
	VMOVUPS     Z7, 384(DI)(AX*4)
	VMOVUPS     Z8, 448(DI)(AX*4)
	ADDQ        $128, AX
	CMPQ        AX, BX
	JNE         axpy512_128

axpy512_16:
	MOVQ CX, BX
	ANDQ $-16, BX
	CMPQ AX, BX
	JEQ  axpy512_tail

axpy512_16loop:
	VMOVUPS     (DI)(AX*4), Z1
	VFMADD231PS (SI)(AX*4), Z0, Z1
	VMOVUPS     Z1, (DI)(AX*4)
	ADDQ        $16, AX
	CMPQ        AX, BX
	JNE         axpy512_16loop

axpy512_tail:
	SUBQ AX, CX
	JZ   axpy512_done
	TAILMASK
	VMOVUPS.Z   (DI)(AX*4), K1, Z1
	VMOVUPS.Z   (SI)(AX*4), K1, Z2
	VFMADD231PS Z2, Z0, Z1
	VMOVUPS     Z1, K1, (DI)(AX*4)

axpy512_done:
	VZEROUPPER
	RET

// func axpyAVX2(alpha float32, x, y []float32)
TEXT ·axpyAVX2(SB), NOSPLIT, $0-56
	VBROADCASTSS alpha+0(FP), Y0
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	MOVQ         y_base+32(FP), DI
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-32, BX
	JZ           axpy2_8

axpy2_32:
	VMOVUPS     (DI)(AX*4), Y1
	VMOVUPS     32(DI)(AX*4), Y2
	VMOVUPS     64(DI)(AX*4), Y3
	VMOVUPS     96(DI)(AX*4), Y4
	VFMADD231PS (SI)(AX*4), Y0, Y1
	VFMADD231PS 32(SI)(AX*4), Y0, Y2
	VFMADD231PS 64(SI)(AX*4), Y0, Y3
	VFMADD231PS 96(SI)(AX*4), Y0, Y4
	VMOVUPS     Y1, (DI)(AX*4)
	VMOVUPS     Y2, 32(DI)(AX*4)
	VMOVUPS     Y3, 64(DI)(AX*4)
	VMOVUPS     Y4, 96(DI)(AX*4)
	ADDQ        $32, AX
	CMPQ        AX, BX
	JNE         axpy2_32

axpy2_8:
	MOVQ CX, BX
	ANDQ $-8, BX
	CMPQ AX, BX
	JEQ  axpy2_tail

axpy2_8loop:
	VMOVUPS     (DI)(AX*4), Y1
	VFMADD231PS (SI)(AX*4), Y0, Y1
	VMOVUPS     Y1, (DI)(AX*4)
	ADDQ        $8, AX
	CMPQ        AX, BX
	JNE         axpy2_8loop

axpy2_tail:
	CMPQ AX, CX
	JEQ  axpy2_done

axpy2_1:
	VMOVSS      (DI)(AX*4), X1
	VFMADD231SS (SI)(AX*4), X0, X1
	VMOVSS      X1, (DI)(AX*4)
	INCQ        AX
	CMPQ        AX, CX
	JNE         axpy2_1

axpy2_done:
	VZEROUPPER
	RET

// func scaleAVX512(alpha float32, x []float32)
TEXT ·scaleAVX512(SB), NOSPLIT, $0-32
	VBROADCASTSS alpha+0(FP), Z0
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-64, BX
	JZ           scale512_16

scale512_64:
	VMULPS  (SI)(AX*4), Z0, Z1
	VMULPS  64(SI)(AX*4), Z0, Z2
	VMULPS  128(SI)(AX*4), Z0, Z3
	VMULPS  192(SI)(AX*4), Z0, Z4
	VMOVUPS Z1, (SI)(AX*4)
	VMOVUPS Z2, 64(SI)(AX*4)
	VMOVUPS Z3, 128(SI)(AX*4)
	VMOVUPS Z4, 192(SI)(AX*4)
	ADDQ    $64, AX
	CMPQ    AX, BX
	JNE     scale512_64

scale512_16:
	MOVQ CX, BX
	ANDQ $-16, BX
	CMPQ AX, BX
	JEQ  scale512_tail

scale512_16loop:
	VMULPS  (SI)(AX*4), Z0, Z1
	VMOVUPS Z1, (SI)(AX*4)
	ADDQ    $16, AX
	CMPQ    AX, BX
	JNE     scale512_16loop

scale512_tail:
	SUBQ AX, CX
	JZ   scale512_done
	TAILMASK
	VMOVUPS.Z (SI)(AX*4), K1, Z1
	VMULPS    Z1, Z0, Z1
	VMOVUPS   Z1, K1, (SI)(AX*4)

scale512_done:
	VZEROUPPER
	RET

// func scaleAVX2(alpha float32, x []float32)
TEXT ·scaleAVX2(SB), NOSPLIT, $0-32
	VBROADCASTSS alpha+0(FP), Y0
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-32, BX
	JZ           scale2_8

scale2_32:
	VMULPS  (SI)(AX*4), Y0, Y1
	VMULPS  32(SI)(AX*4), Y0, Y2
	VMULPS  64(SI)(AX*4), Y0, Y3
	VMULPS  96(SI)(AX*4), Y0, Y4
	VMOVUPS Y1, (SI)(AX*4)
	VMOVUPS Y2, 32(SI)(AX*4)
	VMOVUPS Y3, 64(SI)(AX*4)
	VMOVUPS Y4, 96(SI)(AX*4)
	ADDQ    $32, AX
	CMPQ    AX, BX
	JNE     scale2_32

scale2_8:
	MOVQ CX, BX
	ANDQ $-8, BX
	CMPQ AX, BX
	JEQ  scale2_tail

scale2_8loop:
	VMULPS  (SI)(AX*4), Y0, Y1
	VMOVUPS Y1, (SI)(AX*4)
	ADDQ    $8, AX
	CMPQ    AX, BX
	JNE     scale2_8loop

scale2_tail:
	CMPQ AX, CX
	JEQ  scale2_done

scale2_1:
	VMULSS (SI)(AX*4), X0, X1
	VMOVSS X1, (SI)(AX*4)
	INCQ   AX
	CMPQ   AX, CX
	JNE    scale2_1

scale2_done:
	VZEROUPPER
	RET

// func sumAVX512(x []float32) float32
TEXT ·sumAVX512(SB), NOSPLIT, $0-28
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	XORQ   AX, AX
	MOVQ   CX, BX
	ANDQ   $-128, BX
	JZ     sum512_16

sum512_128:
	VADDPS (SI)(AX*4), Z0, Z0
	VADDPS 64(SI)(AX*4), Z1, Z1
	VADDPS 128(SI)(AX*4), Z2, Z2
	VADDPS 192(SI)(AX*4), Z3, Z3
	VADDPS 256(SI)(AX*4), Z4, Z4
	VADDPS 320(SI)(AX*4), Z5, Z5
	VADDPS 384(SI)(AX*4), Z6, Z6
	VADDPS 448(SI)(AX*4), Z7, Z7
	ADDQ   $128, AX
	CMPQ   AX, BX
	JNE    sum512_128

sum512_16:
	MOVQ CX, BX
	ANDQ $-16, BX
	CMPQ AX, BX
	JEQ  sum512_tail

sum512_16loop:
	VADDPS (SI)(AX*4), Z0, Z0
	ADDQ   $16, AX
	CMPQ   AX, BX
	JNE    sum512_16loop

sum512_tail:
	SUBQ AX, CX
	JZ   sum512_reduce
	TAILMASK
	VMOVUPS.Z (SI)(AX*4), K1, Z8
	VADDPS    Z8, Z1, Z1

sum512_reduce:
	VADDPS Z4, Z0, Z0
	VADDPS Z5, Z1, Z1
	VADDPS Z6, Z2, Z2
	VADDPS Z7, Z3, Z3
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	HSUMZ0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func sumAVX2(x []float32) float32
TEXT ·sumAVX2(SB), NOSPLIT, $0-28
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ   AX, AX
	MOVQ   CX, BX
	ANDQ   $-32, BX
	JZ     sum2_8

sum2_32:
	VADDPS (SI)(AX*4), Y0, Y0
	VADDPS 32(SI)(AX*4), Y1, Y1
	VADDPS 64(SI)(AX*4), Y2, Y2
	VADDPS 96(SI)(AX*4), Y3, Y3
	ADDQ   $32, AX
	CMPQ   AX, BX
	JNE    sum2_32

sum2_8:
	MOVQ CX, BX
	ANDQ $-8, BX
	CMPQ AX, BX
	JEQ  sum2_reduce

sum2_8loop:
	VADDPS (SI)(AX*4), Y0, Y0
	ADDQ   $8, AX
	CMPQ   AX, BX
	JNE    sum2_8loop

sum2_reduce:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	HSUMY0
	CMPQ   AX, CX
	JEQ    sum2_done

sum2_1:
	VADDSS (SI)(AX*4), X0, X0
	INCQ   AX
	CMPQ   AX, CX
	JNE    sum2_1

sum2_done:
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func sumSquaresAVX512(x []float32) float32
TEXT ·sumSquaresAVX512(SB), NOSPLIT, $0-28
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	XORQ   AX, AX
	MOVQ   CX, BX
	ANDQ   $-128, BX
	JZ     ssq512_16

ssq512_128:
	VMOVUPS     (SI)(AX*4), Z8
	VMOVUPS     64(SI)(AX*4), Z9
	VMOVUPS     128(SI)(AX*4), Z10
	VMOVUPS     192(SI)(AX*4), Z11
	VMOVUPS     256(SI)(AX*4), Z12
	VMOVUPS     320(SI)(AX*4), Z13
	VMOVUPS     384(SI)(AX*4), Z14
	VMOVUPS     448(SI)(AX*4), Z15
	VFMADD231PS Z8, Z8, Z0
	VFMADD231PS Z9, Z9, Z1
	VFMADD231PS Z10, Z10, Z2
	VFMADD231PS Z11, Z11, Z3
	VFMADD231PS Z12, Z12, Z4
	VFMADD231PS Z13, Z13, Z5
	VFMADD231PS Z14, Z14, Z6
	VFMADD231PS Z15, Z15, Z7
	ADDQ        $128, AX
	CMPQ        AX, BX
	JNE         ssq512_128

ssq512_16:
	MOVQ CX, BX
	ANDQ $-16, BX
	CMPQ AX, BX
	JEQ  ssq512_tail

ssq512_16loop:
	VMOVUPS     (SI)(AX*4), Z8
	VFMADD231PS Z8, Z8, Z0
	ADDQ        $16, AX
	CMPQ        AX, BX
	JNE         ssq512_16loop

ssq512_tail:
	SUBQ AX, CX
	JZ   ssq512_reduce
	TAILMASK
	VMOVUPS.Z   (SI)(AX*4), K1, Z8
	VFMADD231PS Z8, Z8, Z1

ssq512_reduce:
	VADDPS Z4, Z0, Z0
	VADDPS Z5, Z1, Z1
	VADDPS Z6, Z2, Z2
	VADDPS Z7, Z3, Z3
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	HSUMZ0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func sumSquaresAVX2(x []float32) float32
TEXT ·sumSquaresAVX2(SB), NOSPLIT, $0-28
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ   AX, AX
	MOVQ   CX, BX
	ANDQ   $-32, BX
	JZ     ssq2_8

ssq2_32:
	VMOVUPS     (SI)(AX*4), Y4
	VMOVUPS     32(SI)(AX*4), Y5
	VMOVUPS     64(SI)(AX*4), Y6
	VMOVUPS     96(SI)(AX*4), Y7
	VFMADD231PS Y4, Y4, Y0
	VFMADD231PS Y5, Y5, Y1
	VFMADD231PS Y6, Y6, Y2
	VFMADD231PS Y7, Y7, Y3
	ADDQ        $32, AX
	CMPQ        AX, BX
	JNE         ssq2_32

ssq2_8:
	MOVQ CX, BX
	ANDQ $-8, BX
	CMPQ AX, BX
	JEQ  ssq2_reduce

ssq2_8loop:
	VMOVUPS     (SI)(AX*4), Y4
	VFMADD231PS Y4, Y4, Y0
	ADDQ        $8, AX
	CMPQ        AX, BX
	JNE         ssq2_8loop

ssq2_reduce:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	HSUMY0
	CMPQ   AX, CX
	JEQ    ssq2_done

ssq2_1:
	VMOVSS      (SI)(AX*4), X1
	VFMADD231SS X1, X1, X0
	INCQ        AX
	CMPQ        AX, CX
	JNE         ssq2_1

ssq2_done:
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func maxAVX512(x []float32) float32
//
// Per-lane maxima in Z0-Z3 (VMAXPS drops NaNs depending on operand order),
// so NaNs are tracked separately: an unordered compare of two vectors is true
// where either holds a NaN, and those masks are ORed into K3.
TEXT ·maxAVX512(SB), NOSPLIT, $0-28
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	MOVL         $0xff800000, DX
	VPBROADCASTD DX, Z0
	VMOVAPS      Z0, Z1
	VMOVAPS      Z0, Z2
	VMOVAPS      Z0, Z3
	VMOVAPS      Z0, Z7   // -Inf, the filler for masked-off tail lanes
	KXORW        K3, K3, K3
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-64, BX
	JZ           max512_16

max512_64:
	VMOVUPS (SI)(AX*4), Z8
	VMOVUPS 64(SI)(AX*4), Z9
	VMOVUPS 128(SI)(AX*4), Z10
	VMOVUPS 192(SI)(AX*4), Z11
	VCMPPS  $3, Z9, Z8, K4
	VCMPPS  $3, Z11, Z10, K5
	KORW    K4, K3, K3
	KORW    K5, K3, K3
	VMAXPS  Z8, Z0, Z0
	VMAXPS  Z9, Z1, Z1
	VMAXPS  Z10, Z2, Z2
	VMAXPS  Z11, Z3, Z3
	ADDQ    $64, AX
	CMPQ    AX, BX
	JNE     max512_64

max512_16:
	MOVQ CX, BX
	ANDQ $-16, BX
	CMPQ AX, BX
	JEQ  max512_tail

max512_16loop:
	VMOVUPS (SI)(AX*4), Z8
	VCMPPS  $3, Z8, Z8, K4
	KORW    K4, K3, K3
	VMAXPS  Z8, Z0, Z0
	ADDQ    $16, AX
	CMPQ    AX, BX
	JNE     max512_16loop

max512_tail:
	SUBQ AX, CX
	JZ   max512_reduce
	TAILMASK
	VMOVAPS Z7, Z8
	VMOVUPS (SI)(AX*4), K1, Z8
	VCMPPS  $3, Z8, Z8, K4
	KORW    K4, K3, K3
	VMAXPS  Z8, Z1, Z1

max512_reduce:
	KORTESTW K3, K3
	JNZ      max512_nan
	VMAXPS   Z1, Z0, Z0
	VMAXPS   Z3, Z2, Z2
	VMAXPS   Z2, Z0, Z0
	HMAXZ0
	VMOVSS   X0, ret+24(FP)
	VZEROUPPER
	RET

max512_nan:
	MOVL QNAN, DX
	MOVL DX, ret+24(FP)
	VZEROUPPER
	RET

// func maxAVX2(x []float32) float32
//
// As maxAVX512, with the unordered compares ORed into Y4.
TEXT ·maxAVX2(SB), NOSPLIT, $0-28
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	MOVL         $0xff800000, DX
	MOVL         DX, X0
	VBROADCASTSS X0, Y0
	VMOVAPS      Y0, Y1
	VMOVAPS      Y0, Y2
	VMOVAPS      Y0, Y3
	VXORPS       Y4, Y4, Y4
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-32, BX
	JZ           max2_8

max2_32:
	VMOVUPS (SI)(AX*4), Y8
	VMOVUPS 32(SI)(AX*4), Y9
	VMOVUPS 64(SI)(AX*4), Y10
	VMOVUPS 96(SI)(AX*4), Y11
	VCMPPS  $3, Y9, Y8, Y12
	VCMPPS  $3, Y11, Y10, Y13
	VORPS   Y12, Y4, Y4
	VORPS   Y13, Y4, Y4
	VMAXPS  Y8, Y0, Y0
	VMAXPS  Y9, Y1, Y1
	VMAXPS  Y10, Y2, Y2
	VMAXPS  Y11, Y3, Y3
	ADDQ    $32, AX
	CMPQ    AX, BX
	JNE     max2_32

max2_8:
	MOVQ CX, BX
	ANDQ $-8, BX
	CMPQ AX, BX
	JEQ  max2_reduce

max2_8loop:
	VMOVUPS (SI)(AX*4), Y8
	VCMPPS  $3, Y8, Y8, Y12
	VORPS   Y12, Y4, Y4
	VMAXPS  Y8, Y0, Y0
	ADDQ    $8, AX
	CMPQ    AX, BX
	JNE     max2_8loop

max2_reduce:
	VPTEST Y4, Y4
	JNZ    max2_nan
	VMAXPS Y1, Y0, Y0
	VMAXPS Y3, Y2, Y2
	VMAXPS Y2, Y0, Y0
	HMAXY0
	CMPQ   AX, CX
	JEQ    max2_done

max2_1:
	VMOVSS   (SI)(AX*4), X1
	VUCOMISS X1, X1
	JPS      max2_nan
	VMAXSS   X1, X0, X0
	INCQ     AX
	CMPQ     AX, CX
	JNE      max2_1

max2_done:
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

max2_nan:
	MOVL QNAN, DX
	MOVL DX, ret+24(FP)
	VZEROUPPER
	RET

// func indexAVX512(x []float32, v float32) int
//
// Returns the first i with x[i] == v, or -1. Blocks of 64 are screened with
// four compares; a hit drops into the 16-wide loop, which finds its lane.
TEXT ·indexAVX512(SB), NOSPLIT, $0-40
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS v+24(FP), Z0
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-64, BX
	JZ           idx512_16

idx512_64:
	VCMPPS   $0, (SI)(AX*4), Z0, K1
	VCMPPS   $0, 64(SI)(AX*4), Z0, K2
	VCMPPS   $0, 128(SI)(AX*4), Z0, K3
	VCMPPS   $0, 192(SI)(AX*4), Z0, K4
	KORW     K1, K2, K1
	KORW     K3, K4, K3
	KORTESTW K1, K3
	JNZ      idx512_16
	ADDQ     $64, AX
	CMPQ     AX, BX
	JNE      idx512_64

idx512_16:
	MOVQ CX, BX
	ANDQ $-16, BX
	CMPQ AX, BX
	JEQ  idx512_tail

idx512_16loop:
	VCMPPS $0, (SI)(AX*4), Z0, K1
	KMOVW  K1, DX
	TESTL  DX, DX
	JNZ    idx512_hit
	ADDQ   $16, AX
	CMPQ   AX, BX
	JNE    idx512_16loop

idx512_tail:
	SUBQ      AX, CX
	JZ        idx512_none
	TAILMASK
	VMOVUPS.Z (SI)(AX*4), K1, Z1
	VCMPPS    $0, Z1, Z0, K1, K2
	KMOVW     K2, DX
	TESTL     DX, DX
	JNZ       idx512_hit

idx512_none:
	MOVQ $-1, ret+32(FP)
	VZEROUPPER
	RET

idx512_hit:
	BSFL DX, DX
	ADDQ DX, AX
	MOVQ AX, ret+32(FP)
	VZEROUPPER
	RET

// func indexAVX2(x []float32, v float32) int
TEXT ·indexAVX2(SB), NOSPLIT, $0-40
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS v+24(FP), Y0
	XORQ         AX, AX
	MOVQ         CX, BX
	ANDQ         $-32, BX
	JZ           idx2_8

idx2_32:
	VCMPPS $0, (SI)(AX*4), Y0, Y1
	VCMPPS $0, 32(SI)(AX*4), Y0, Y2
	VCMPPS $0, 64(SI)(AX*4), Y0, Y3
	VCMPPS $0, 96(SI)(AX*4), Y0, Y4
	VORPS  Y1, Y2, Y1
	VORPS  Y3, Y4, Y3
	VORPS  Y1, Y3, Y1
	VPTEST Y1, Y1
	JNZ    idx2_8
	ADDQ   $32, AX
	CMPQ   AX, BX
	JNE    idx2_32

idx2_8:
	MOVQ CX, BX
	ANDQ $-8, BX
	CMPQ AX, BX
	JEQ  idx2_1

idx2_8loop:
	VCMPPS    $0, (SI)(AX*4), Y0, Y1
	VMOVMSKPS Y1, DX
	TESTL     DX, DX
	JNZ       idx2_hit
	ADDQ      $8, AX
	CMPQ      AX, BX
	JNE       idx2_8loop

idx2_1:
	CMPQ AX, CX
	JEQ  idx2_none
	VUCOMISS (SI)(AX*4), X0
	JPS      idx2_next
	JEQ      idx2_found

idx2_next:
	INCQ AX
	JMP  idx2_1

idx2_none:
	MOVQ $-1, ret+32(FP)
	VZEROUPPER
	RET

idx2_hit:
	BSFL DX, DX
	ADDQ DX, AX

idx2_found:
	MOVQ AX, ret+32(FP)
	VZEROUPPER
	RET
