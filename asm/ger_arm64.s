//go:build !purego

#include "textflag.h"

// Rank-1 update A += alpha·x⊗y, row by row: ax = alpha*x[i] (one float32
// rounding, as in gerGeneric), then a[j] = fma(ax, y[j], a[j]) with FMLA
// (native VFMLA) on 16 then 4 columns at a time and scalar FMADD for the
// last n mod 4.
//
// Register use:
//   R0 rows left   R1 n          R2 &x[i]      R3 &y[0]     R4 &a[i*lda]
//   R5 lda bytes   R6 cols left  R7 &a[i*lda+j] R8 &y[j]
//   F0 alpha       V1 ax in every lane   V2–V9 data

// func gerNEON(m, n int, alpha float32, x, y, a []float32, lda int)
TEXT ·gerNEON(SB), NOSPLIT, $0-104
	MOVD  m+0(FP), R0
	MOVD  n+8(FP), R1
	FMOVS alpha+16(FP), F0
	MOVD  x_base+24(FP), R2
	MOVD  y_base+48(FP), R3
	MOVD  a_base+72(FP), R4
	MOVD  lda+96(FP), R5
	LSL   $2, R5, R5

row:
	FMOVS.P 4(R2), F1
	FMULS   F0, F1, F1
	VDUP    V1.S[0], V1.S4
	MOVD    R4, R7
	MOVD    R3, R8
	MOVD    R1, R6

loop16:
	CMP    $16, R6
	BLT    loop4
	VLD1   (R7), [V2.S4, V3.S4, V4.S4, V5.S4]
	VLD1.P 64(R8), [V6.S4, V7.S4, V8.S4, V9.S4]
	VFMLA  V1.S4, V6.S4, V2.S4
	VFMLA  V1.S4, V7.S4, V3.S4
	VFMLA  V1.S4, V8.S4, V4.S4
	VFMLA  V1.S4, V9.S4, V5.S4
	VST1.P [V2.S4, V3.S4, V4.S4, V5.S4], 64(R7)
	SUB    $16, R6, R6
	B      loop16

loop4:
	CMP    $4, R6
	BLT    tail
	VLD1   (R7), [V2.S4]
	VLD1.P 16(R8), [V6.S4]
	VFMLA  V1.S4, V6.S4, V2.S4
	VST1.P [V2.S4], 16(R7)
	SUB    $4, R6, R6
	B      loop4

tail:
	CBZ     R6, next
	FMOVS   (R7), F2
	FMOVS.P 4(R8), F3
	FMADDS  F3, F2, F1, F2 // F2 = F1*F3 + F2, one rounding
	FMOVS.P F2, 4(R7)
	SUB     $1, R6, R6
	B       tail

next:
	ADD  R5, R4, R4
	SUBS $1, R0, R0
	BNE  row
	RET
