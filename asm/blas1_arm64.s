//go:build !purego

#include "textflag.h"

// The Go assembler lacks the NEON float arithmetic used here (vector FADD,
// FMUL, FMLA, FMAX, FCMEQ, pairwise and across-lane forms, scalar FMADD), so
// those are WORD-encoded with the instruction in the comment; the encodings
// were produced and checked with aarch64-linux-gnu-as/objdump.
//
// Register use throughout: R0 = x, R1 = y, R2 = n, R3 = block counter.

// func dotNEON(x, y []float32) float32
TEXT ·dotNEON(SB), NOSPLIT, $0-52
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R2
	MOVD y_base+24(FP), R1
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	LSR  $5, R2, R3
	CBZ  R3, dot_4

	// 8 accumulators, 32 floats per iteration.
dot_32:
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1.P 64(R1), [V24.S4, V25.S4, V26.S4, V27.S4]
	VLD1.P 64(R1), [V28.S4, V29.S4, V30.S4, V31.S4]
	WORD   $0x4e38ce00 // fmla v0.4s, v16.4s, v24.4s
	WORD   $0x4e39ce21 // fmla v1.4s, v17.4s, v25.4s
	WORD   $0x4e3ace42 // fmla v2.4s, v18.4s, v26.4s
	WORD   $0x4e3bce63 // fmla v3.4s, v19.4s, v27.4s
	WORD   $0x4e3cce84 // fmla v4.4s, v20.4s, v28.4s
	WORD   $0x4e3dcea5 // fmla v5.4s, v21.4s, v29.4s
	WORD   $0x4e3ecec6 // fmla v6.4s, v22.4s, v30.4s
	WORD   $0x4e3fcee7 // fmla v7.4s, v23.4s, v31.4s
	SUBS   $1, R3, R3
	BNE    dot_32

dot_4:
	AND $31, R2, R2
	LSR $2, R2, R3
	CBZ R3, dot_reduce

dot_4loop:
	VLD1.P 16(R0), [V16.S4]
	VLD1.P 16(R1), [V24.S4]
	WORD   $0x4e38ce00 // fmla v0.4s, v16.4s, v24.4s
	SUBS   $1, R3, R3
	BNE    dot_4loop

dot_reduce:
	// Add the 8 accumulators lane-wise, then across lanes into F0.
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x4e23d442 // fadd v2.4s, v2.4s, v3.4s
	WORD $0x4e25d484 // fadd v4.4s, v4.4s, v5.4s
	WORD $0x4e27d4c6 // fadd v6.4s, v6.4s, v7.4s
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x4e26d484 // fadd v4.4s, v4.4s, v6.4s
	WORD $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD $0x6e20d400 // faddp v0.4s, v0.4s, v0.4s
	WORD $0x7e30d800 // faddp s0, v0.2s
	ANDS $3, R2, R2
	BEQ  dot_done

dot_1:
	FMOVS.P 4(R0), F16
	FMOVS.P 4(R1), F17
	WORD    $0x1f110200 // fmadd s0, s16, s17, s0
	SUBS    $1, R2, R2
	BNE     dot_1

dot_done:
	FMOVS F0, ret+48(FP)
	RET

// func axpyNEON(alpha float32, x, y []float32)
TEXT ·axpyNEON(SB), NOSPLIT, $0-56
	FMOVS alpha+0(FP), F0
	VDUP  V0.S[0], V0.S4
	MOVD  x_base+8(FP), R0
	MOVD  x_len+16(FP), R2
	MOVD  y_base+32(FP), R1
	LSR   $5, R2, R3
	CBZ   R3, axpy_4

axpy_32:
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1   (R1), [V24.S4, V25.S4, V26.S4, V27.S4]
	ADD    $64, R1, R4
	VLD1   (R4), [V28.S4, V29.S4, V30.S4, V31.S4]
	WORD   $0x4e20ce18 // fmla v24.4s, v16.4s, v0.4s
	WORD   $0x4e20ce39 // fmla v25.4s, v17.4s, v0.4s
	WORD   $0x4e20ce5a // fmla v26.4s, v18.4s, v0.4s
	WORD   $0x4e20ce7b // fmla v27.4s, v19.4s, v0.4s
	WORD   $0x4e20ce9c // fmla v28.4s, v20.4s, v0.4s
	WORD   $0x4e20cebd // fmla v29.4s, v21.4s, v0.4s
	WORD   $0x4e20cede // fmla v30.4s, v22.4s, v0.4s
	WORD   $0x4e20ceff // fmla v31.4s, v23.4s, v0.4s
	VST1.P [V24.S4, V25.S4, V26.S4, V27.S4], 64(R1)
	VST1.P [V28.S4, V29.S4, V30.S4, V31.S4], 64(R1)
	SUBS   $1, R3, R3
	BNE    axpy_32

axpy_4:
	AND $31, R2, R2
	LSR $2, R2, R3
	CBZ R3, axpy_tail

axpy_4loop:
	VLD1.P 16(R0), [V16.S4]
	VLD1   (R1), [V24.S4]
	WORD   $0x4e20ce18 // fmla v24.4s, v16.4s, v0.4s
	VST1.P [V24.S4], 16(R1)
	SUBS   $1, R3, R3
	BNE    axpy_4loop

axpy_tail:
	ANDS $3, R2, R2
	BEQ  axpy_done

axpy_1:
	FMOVS.P 4(R0), F16
	FMOVS   (R1), F17
	WORD    $0x1f004611 // fmadd s17, s16, s0, s17
	FMOVS.P F17, 4(R1)
	SUBS    $1, R2, R2
	BNE     axpy_1

axpy_done:
	RET

// func scaleNEON(alpha float32, x []float32)
TEXT ·scaleNEON(SB), NOSPLIT, $0-32
	FMOVS alpha+0(FP), F0
	VDUP  V0.S[0], V0.S4
	MOVD  x_base+8(FP), R0
	MOVD  x_len+16(FP), R2
	LSR   $4, R2, R3
	CBZ   R3, scale_4

scale_16:
	VLD1   (R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	WORD   $0x6e20de10 // fmul v16.4s, v16.4s, v0.4s
	WORD   $0x6e20de31 // fmul v17.4s, v17.4s, v0.4s
	WORD   $0x6e20de52 // fmul v18.4s, v18.4s, v0.4s
	WORD   $0x6e20de73 // fmul v19.4s, v19.4s, v0.4s
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R0)
	SUBS   $1, R3, R3
	BNE    scale_16

scale_4:
	AND $15, R2, R2
	LSR $2, R2, R3
	CBZ R3, scale_tail

scale_4loop:
	VLD1   (R0), [V16.S4]
	WORD   $0x6e20de10 // fmul v16.4s, v16.4s, v0.4s
	VST1.P [V16.S4], 16(R0)
	SUBS   $1, R3, R3
	BNE    scale_4loop

scale_tail:
	ANDS $3, R2, R2
	BEQ  scale_done

scale_1:
	FMOVS   (R0), F16
	FMULS   F0, F16, F16
	FMOVS.P F16, 4(R0)
	SUBS    $1, R2, R2
	BNE     scale_1

scale_done:
	RET

// func sumNEON(x []float32) float32
TEXT ·sumNEON(SB), NOSPLIT, $0-28
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R2
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	LSR  $5, R2, R3
	CBZ  R3, sum_4

sum_32:
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	WORD   $0x4e30d400 // fadd v0.4s, v0.4s, v16.4s
	WORD   $0x4e31d421 // fadd v1.4s, v1.4s, v17.4s
	WORD   $0x4e32d442 // fadd v2.4s, v2.4s, v18.4s
	WORD   $0x4e33d463 // fadd v3.4s, v3.4s, v19.4s
	WORD   $0x4e34d484 // fadd v4.4s, v4.4s, v20.4s
	WORD   $0x4e35d4a5 // fadd v5.4s, v5.4s, v21.4s
	WORD   $0x4e36d4c6 // fadd v6.4s, v6.4s, v22.4s
	WORD   $0x4e37d4e7 // fadd v7.4s, v7.4s, v23.4s
	SUBS   $1, R3, R3
	BNE    sum_32

sum_4:
	AND $31, R2, R2
	LSR $2, R2, R3
	CBZ R3, sum_reduce

sum_4loop:
	VLD1.P 16(R0), [V16.S4]
	WORD   $0x4e30d400 // fadd v0.4s, v0.4s, v16.4s
	SUBS   $1, R3, R3
	BNE    sum_4loop

sum_reduce:
	// Add the 8 accumulators lane-wise, then across lanes into F0.
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x4e23d442 // fadd v2.4s, v2.4s, v3.4s
	WORD $0x4e25d484 // fadd v4.4s, v4.4s, v5.4s
	WORD $0x4e27d4c6 // fadd v6.4s, v6.4s, v7.4s
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x4e26d484 // fadd v4.4s, v4.4s, v6.4s
	WORD $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD $0x6e20d400 // faddp v0.4s, v0.4s, v0.4s
	WORD $0x7e30d800 // faddp s0, v0.2s
	ANDS $3, R2, R2
	BEQ  sum_done

sum_1:
	FMOVS.P 4(R0), F16
	FADDS   F16, F0, F0
	SUBS    $1, R2, R2
	BNE     sum_1

sum_done:
	FMOVS F0, ret+24(FP)
	RET

// func sumSquaresNEON(x []float32) float32
TEXT ·sumSquaresNEON(SB), NOSPLIT, $0-28
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R2
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	LSR  $5, R2, R3
	CBZ  R3, ssq_4

ssq_32:
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	WORD   $0x4e30ce00 // fmla v0.4s, v16.4s, v16.4s
	WORD   $0x4e31ce21 // fmla v1.4s, v17.4s, v17.4s
	WORD   $0x4e32ce42 // fmla v2.4s, v18.4s, v18.4s
	WORD   $0x4e33ce63 // fmla v3.4s, v19.4s, v19.4s
	WORD   $0x4e34ce84 // fmla v4.4s, v20.4s, v20.4s
	WORD   $0x4e35cea5 // fmla v5.4s, v21.4s, v21.4s
	WORD   $0x4e36cec6 // fmla v6.4s, v22.4s, v22.4s
	WORD   $0x4e37cee7 // fmla v7.4s, v23.4s, v23.4s
	SUBS   $1, R3, R3
	BNE    ssq_32

ssq_4:
	AND $31, R2, R2
	LSR $2, R2, R3
	CBZ R3, ssq_reduce

ssq_4loop:
	VLD1.P 16(R0), [V16.S4]
	WORD   $0x4e30ce00 // fmla v0.4s, v16.4s, v16.4s
	SUBS   $1, R3, R3
	BNE    ssq_4loop

ssq_reduce:
	// Add the 8 accumulators lane-wise, then across lanes into F0.
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x4e23d442 // fadd v2.4s, v2.4s, v3.4s
	WORD $0x4e25d484 // fadd v4.4s, v4.4s, v5.4s
	WORD $0x4e27d4c6 // fadd v6.4s, v6.4s, v7.4s
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x4e26d484 // fadd v4.4s, v4.4s, v6.4s
	WORD $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD $0x6e20d400 // faddp v0.4s, v0.4s, v0.4s
	WORD $0x7e30d800 // faddp s0, v0.2s
	ANDS $3, R2, R2
	BEQ  ssq_done

ssq_1:
	FMOVS.P 4(R0), F16
	WORD    $0x1f100200 // fmadd s0, s16, s16, s0
	SUBS    $1, R2, R2
	BNE     ssq_1

ssq_done:
	FMOVS F0, ret+24(FP)
	RET

// func maxNEON(x []float32) float32
//
// FMAX returns NaN when either operand is NaN, so NaNs reach the result
// without separate tracking.
TEXT ·maxNEON(SB), NOSPLIT, $0-28
	MOVD  x_base+0(FP), R0
	MOVD  x_len+8(FP), R2
	MOVW  $0xff800000, R4
	VDUP  R4, V0.S4
	VMOV  V0.B16, V1.B16
	VMOV  V0.B16, V2.B16
	VMOV  V0.B16, V3.B16
	LSR   $4, R2, R3
	CBZ   R3, max_4

max_16:
	VLD1.P 64(R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	WORD   $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD   $0x4e31f421 // fmax v1.4s, v1.4s, v17.4s
	WORD   $0x4e32f442 // fmax v2.4s, v2.4s, v18.4s
	WORD   $0x4e33f463 // fmax v3.4s, v3.4s, v19.4s
	SUBS   $1, R3, R3
	BNE    max_16

max_4:
	AND $15, R2, R2
	LSR $2, R2, R3
	CBZ R3, max_reduce

max_4loop:
	VLD1.P 16(R0), [V16.S4]
	WORD   $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	SUBS   $1, R3, R3
	BNE    max_4loop

max_reduce:
	WORD $0x4e21f400 // fmax v0.4s, v0.4s, v1.4s
	WORD $0x4e23f442 // fmax v2.4s, v2.4s, v3.4s
	WORD $0x4e22f400 // fmax v0.4s, v0.4s, v2.4s
	WORD $0x6e30f800 // fmaxv s0, v0.4s
	ANDS $3, R2, R2
	BEQ  max_done

max_1:
	FMOVS.P 4(R0), F16
	WORD    $0x1e304800 // fmax s0, s0, s16
	SUBS    $1, R2, R2
	BNE     max_1

max_done:
	FMOVS F0, ret+24(FP)
	RET

// func indexNEON(x []float32, v float32) int
//
// Blocks of 16 are screened with four compares ORed together; a hit (and
// the last n%16 elements) go to the scalar loop, which finds the index.
TEXT ·indexNEON(SB), NOSPLIT, $0-40
	MOVD  x_base+0(FP), R0
	MOVD  x_len+8(FP), R2
	FMOVS v+24(FP), F0
	VDUP  V0.S[0], V0.S4
	MOVD  $0, R5 // index of R0's element
	LSR   $4, R2, R3
	CBZ   R3, idx_1

idx_16:
	VLD1 (R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	WORD $0x4e20e610 // fcmeq v16.4s, v16.4s, v0.4s
	WORD $0x4e20e631 // fcmeq v17.4s, v17.4s, v0.4s
	WORD $0x4e20e652 // fcmeq v18.4s, v18.4s, v0.4s
	WORD $0x4e20e673 // fcmeq v19.4s, v19.4s, v0.4s
	VORR V16.B16, V17.B16, V16.B16
	VORR V18.B16, V19.B16, V18.B16
	VORR V16.B16, V18.B16, V16.B16
	VMOV V16.D[0], R6
	VMOV V16.D[1], R7
	ORR  R6, R7, R6
	CBNZ R6, idx_1
	ADD  $64, R0
	ADD  $16, R5
	SUBS $1, R3, R3
	BNE  idx_16

idx_1:
	CMP R2, R5
	BEQ idx_none
	FMOVS.P 4(R0), F16
	FCMPS   F16, F0
	BEQ     idx_found
	ADD     $1, R5
	B       idx_1

idx_none:
	MOVD $-1, R5

idx_found:
	MOVD R5, ret+32(FP)
	RET
