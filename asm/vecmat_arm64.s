//go:build !purego

#include "textflag.h"

// Two vector–matrix products sharing A (vecMat2Generic), a block of output
// columns at a time held in registers while A's rows stream through.
//
// Register use:
//   R0 &y0   R1 n       R2 &y1     R3 &x0    R4 k      R5 &x1
//   R6 &A    R7 lda bytes           R8 the block's first column
//   R9 columns left     R10 &y0[j]  R11 &y1[j]  R12 &A[p][j]
//   R13 &x0[p]  R14 &x1[p]  R15 rows left
//   V0–V3 y0's block   V4–V7 y1's block   V16 x0[p]   V17 x1[p]   V20–V23 A

// func vecMat2NEON(y0, y1, x0, x1, a []float32, lda int)
TEXT ·vecMat2NEON(SB), NOSPLIT, $0-128
	MOVD y0_base+0(FP), R0
	MOVD y0_len+8(FP), R1
	MOVD y1_base+24(FP), R2
	MOVD x0_base+48(FP), R3
	MOVD x0_len+56(FP), R4
	MOVD x1_base+72(FP), R5
	MOVD a_base+96(FP), R6
	MOVD lda+120(FP), R7
	LSL  $2, R7, R7
	MOVD $0, R8

block16:
	SUB  R8, R1, R9
	CMP  $16, R9
	BLT  block4
	ADD  R8<<2, R0, R10
	ADD  R8<<2, R2, R11
	ADD  R8<<2, R6, R12
	VLD1 (R10), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1 (R11), [V4.S4, V5.S4, V6.S4, V7.S4]
	MOVD R3, R13
	MOVD R5, R14
	MOVD R4, R15

row16:
	FMOVS.P 4(R13), F16
	VDUP    V16.S[0], V16.S4
	FMOVS.P 4(R14), F17
	VDUP    V17.S[0], V17.S4
	VLD1    (R12), [V20.S4, V21.S4, V22.S4, V23.S4]
	VFMLA   V16.S4, V20.S4, V0.S4
	VFMLA   V17.S4, V20.S4, V4.S4
	VFMLA   V16.S4, V21.S4, V1.S4
	VFMLA   V17.S4, V21.S4, V5.S4
	VFMLA   V16.S4, V22.S4, V2.S4
	VFMLA   V17.S4, V22.S4, V6.S4
	VFMLA   V16.S4, V23.S4, V3.S4
	VFMLA   V17.S4, V23.S4, V7.S4
	ADD     R7, R12, R12
	SUBS    $1, R15, R15
	BNE     row16

	VST1 [V0.S4, V1.S4, V2.S4, V3.S4], (R10)
	VST1 [V4.S4, V5.S4, V6.S4, V7.S4], (R11)
	ADD  $16, R8, R8
	B    block16

block4:
	CMP  $4, R9
	BLT  done
	ADD  R8<<2, R0, R10
	ADD  R8<<2, R2, R11
	ADD  R8<<2, R6, R12
	VLD1 (R10), [V0.S4]
	VLD1 (R11), [V4.S4]
	MOVD R3, R13
	MOVD R5, R14
	MOVD R4, R15

row4:
	FMOVS.P 4(R13), F16
	VDUP    V16.S[0], V16.S4
	FMOVS.P 4(R14), F17
	VDUP    V17.S[0], V17.S4
	VLD1    (R12), [V20.S4]
	VFMLA   V16.S4, V20.S4, V0.S4
	VFMLA   V17.S4, V20.S4, V4.S4
	ADD     R7, R12, R12
	SUBS    $1, R15, R15
	BNE     row4

	VST1 [V0.S4], (R10)
	VST1 [V4.S4], (R11)
	ADD  $4, R8, R8
	SUB  R8, R1, R9
	B    block4

done:
	RET
