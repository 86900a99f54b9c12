//go:build !purego

#include "textflag.h"

// Fused pointwise LSTM cell, forward and backward, for NEON (4 lanes).
//
// The activations are the algorithms of lstm_amd64.s (see the comment there):
// exp by Cody–Waite reduction, the Cephes degree-5 polynomial and 2^n built
// as (n + 127) << 23 from the magic-number rounding (VSHL), with the input
// clamped to [−88, 88.8] by FMIN/FMAX (which return NaN for a NaN input);
// σ(x) = 1/(1 + e^−x) with a true FDIV; tanh by the odd Cephes polynomial
// below |x| = 0.625 and sign(x)·(1 − 2/(e^{2|x|} + 1)) above, selected with
// FCMGT + BIT, the sign of x ORed back in.
//
// The Go assembler lacks the vector float arithmetic, so FADD, FSUB, FMUL,
// FDIV, FMIN, FMAX, FCMGT and FABS are WORD-encoded with the instruction in
// the comment (checked against aarch64-linux-gnu-as); FMLA/FMLS, the
// bitwise ops, SHL and the loads/stores are native. The code was generated
// from a short script that expands the activations inline, so register
// numbers are fixed:
//
//   V16 sign mask  V17 0.625  V18 2  V19–V24 P5..P0  V25 ln2lo  V26 ln2hi
//   V27 magic  V28 log2e  V29 −88  V30 88.8  V31 1  V11–V15 tanh T0..T4
//
// exp(x) clobbers three temporaries, σ the same three, tanh(x)→y five.
// The kernels do the first n elements (n a multiple of 4) of sections of
// stride H = len(c); lstm_arm64.go runs the tail on zero-padded copies.

DATA lstmk<>+0(SB)/4, $0x3f800000 // ONE 1.0
DATA lstmk<>+4(SB)/4, $0x40000000 // TWO 2.0
DATA lstmk<>+8(SB)/4, $0x42b1999a // EXPHI 88.8
DATA lstmk<>+12(SB)/4, $0xc2b00000 // EXPLO -88.0
DATA lstmk<>+16(SB)/4, $0x3fb8aa3b // LOG2E 1.4426950408889634
DATA lstmk<>+20(SB)/4, $0x4b40007f // MAGIC 12583039.0
DATA lstmk<>+24(SB)/4, $0x3f318000 // LN2HI 0.693359375
DATA lstmk<>+28(SB)/4, $0xb95e8083 // LN2LO -0.00021219444
DATA lstmk<>+32(SB)/4, $0x39506967 // P0 0.000198756915
DATA lstmk<>+36(SB)/4, $0x3ab743ce // P1 0.0013981999507
DATA lstmk<>+40(SB)/4, $0x3c088908 // P2 0.0083334519073
DATA lstmk<>+44(SB)/4, $0x3d2aa9c1 // P3 0.041665795894
DATA lstmk<>+48(SB)/4, $0x3e2aaaaa // P4 0.16666665459
DATA lstmk<>+52(SB)/4, $0x3f000000 // P5 0.50000001201
DATA lstmk<>+56(SB)/4, $0x3f200000 // TH 0.625
DATA lstmk<>+60(SB)/4, $0xbbbaf0ea // T0 -0.00570498872745
DATA lstmk<>+64(SB)/4, $0x3ca9134e // T1 0.0206390887954
DATA lstmk<>+68(SB)/4, $0xbd5c1e2d // T2 -0.0537397155531
DATA lstmk<>+72(SB)/4, $0x3e088393 // T3 0.133314422036
DATA lstmk<>+76(SB)/4, $0xbeaaaa99 // T4 -0.333332819422
DATA lstmk<>+80(SB)/4, $0x7fffffff // ABS 
DATA lstmk<>+84(SB)/4, $0x80000000 // SIGN 
GLOBL lstmk<>(SB), RODATA|NOPTR, $88

// func lstmCellForwardNEON(gates, cPrev, c, h []float32, n int)
TEXT ·lstmCellForwardNEON(SB), NOSPLIT, $0-104
	MOVD gates_base+0(FP), R0
	MOVD cPrev_base+24(FP), R4
	MOVD c_base+48(FP), R5
	MOVD c_len+56(FP), R8
	MOVD h_base+72(FP), R6
	MOVD n+96(FP), R7
	LSR $2, R7, R7
	CBZ R7, fwddone
	LSL $2, R8, R8
	ADD R8, R0, R1
	ADD R8, R1, R2
	ADD R8, R2, R3
	MOVD $lstmk<>(SB), R13
	VLD1R.P 4(R13), [V31.S4]
	VLD1R.P 4(R13), [V18.S4]
	VLD1R.P 4(R13), [V30.S4]
	VLD1R.P 4(R13), [V29.S4]
	VLD1R.P 4(R13), [V28.S4]
	VLD1R.P 4(R13), [V27.S4]
	VLD1R.P 4(R13), [V26.S4]
	VLD1R.P 4(R13), [V25.S4]
	VLD1R.P 4(R13), [V24.S4]
	VLD1R.P 4(R13), [V23.S4]
	VLD1R.P 4(R13), [V22.S4]
	VLD1R.P 4(R13), [V21.S4]
	VLD1R.P 4(R13), [V20.S4]
	VLD1R.P 4(R13), [V19.S4]
	VLD1R.P 4(R13), [V17.S4]
	VLD1R.P 4(R13), [V11.S4]
	VLD1R.P 4(R13), [V12.S4]
	VLD1R.P 4(R13), [V13.S4]
	VLD1R.P 4(R13), [V14.S4]
	VLD1R.P 4(R13), [V15.S4]
	ADD $4, R13, R13 // skip ABS
	VLD1R (R13), [V16.S4]

fwdloop:
	VLD1 (R0), [V0.S4]
	VLD1 (R1), [V1.S4]
	VLD1 (R2), [V2.S4]
	VLD1 (R3), [V3.S4]
	// v0 = sigmoid(v0) = 1/(1+exp(-v0)); clobbers v5, v6, v7
	VEOR V16.B16, V0.B16, V0.B16
	// v0 = exp(v0); clobbers v5, v6, v7
	WORD $0x4ebef400 // fmin v0.4s, v0.4s, v30.4s
	WORD $0x4e3df400 // fmax v0.4s, v0.4s, v29.4s
	VMOV V27.B16, V6.B16
	VFMLA V28.S4, V0.S4, V6.S4 // v6 += v0·v28
	WORD $0x4ebbd4c5 // fsub v5.4s, v6.4s, v27.4s
	VFMLS V26.S4, V5.S4, V0.S4 // v0 -= v5·v26
	VFMLS V25.S4, V5.S4, V0.S4 // v0 -= v5·v25
	VSHL $23, V6.S4, V6.S4
	VMOV V23.B16, V5.B16
	VFMLA V24.S4, V0.S4, V5.S4 // v5 += v0·v24
	VMOV V22.B16, V7.B16
	VFMLA V0.S4, V5.S4, V7.S4 // v7 += v5·v0
	VMOV V21.B16, V5.B16
	VFMLA V0.S4, V7.S4, V5.S4 // v5 += v7·v0
	VMOV V20.B16, V7.B16
	VFMLA V0.S4, V5.S4, V7.S4 // v7 += v5·v0
	VMOV V19.B16, V5.B16
	VFMLA V0.S4, V7.S4, V5.S4 // v5 += v7·v0
	WORD $0x6e20dca5 // fmul v5.4s, v5.4s, v0.4s
	VMOV V0.B16, V7.B16
	VFMLA V0.S4, V5.S4, V7.S4 // v7 += v5·v0
	WORD $0x4e3fd4e7 // fadd v7.4s, v7.4s, v31.4s
	WORD $0x6e26dce0 // fmul v0.4s, v7.4s, v6.4s
	WORD $0x4e3fd400 // fadd v0.4s, v0.4s, v31.4s
	WORD $0x6e20ffe0 // fdiv v0.4s, v31.4s, v0.4s
	// v1 = sigmoid(v1) = 1/(1+exp(-v1)); clobbers v5, v6, v7
	VEOR V16.B16, V1.B16, V1.B16
	// v1 = exp(v1); clobbers v5, v6, v7
	WORD $0x4ebef421 // fmin v1.4s, v1.4s, v30.4s
	WORD $0x4e3df421 // fmax v1.4s, v1.4s, v29.4s
	VMOV V27.B16, V6.B16
	VFMLA V28.S4, V1.S4, V6.S4 // v6 += v1·v28
	WORD $0x4ebbd4c5 // fsub v5.4s, v6.4s, v27.4s
	VFMLS V26.S4, V5.S4, V1.S4 // v1 -= v5·v26
	VFMLS V25.S4, V5.S4, V1.S4 // v1 -= v5·v25
	VSHL $23, V6.S4, V6.S4
	VMOV V23.B16, V5.B16
	VFMLA V24.S4, V1.S4, V5.S4 // v5 += v1·v24
	VMOV V22.B16, V7.B16
	VFMLA V1.S4, V5.S4, V7.S4 // v7 += v5·v1
	VMOV V21.B16, V5.B16
	VFMLA V1.S4, V7.S4, V5.S4 // v5 += v7·v1
	VMOV V20.B16, V7.B16
	VFMLA V1.S4, V5.S4, V7.S4 // v7 += v5·v1
	VMOV V19.B16, V5.B16
	VFMLA V1.S4, V7.S4, V5.S4 // v5 += v7·v1
	WORD $0x6e21dca5 // fmul v5.4s, v5.4s, v1.4s
	VMOV V1.B16, V7.B16
	VFMLA V1.S4, V5.S4, V7.S4 // v7 += v5·v1
	WORD $0x4e3fd4e7 // fadd v7.4s, v7.4s, v31.4s
	WORD $0x6e26dce1 // fmul v1.4s, v7.4s, v6.4s
	WORD $0x4e3fd421 // fadd v1.4s, v1.4s, v31.4s
	WORD $0x6e21ffe1 // fdiv v1.4s, v31.4s, v1.4s
	// v4 = tanh(v2); clobbers v5, v6, v7, v8, v9
	WORD $0x4ea0f844 // fabs v4.4s, v2.4s
	VEOR V4.B16, V2.B16, V8.B16
	WORD $0x6ea4e629 // fcmgt v9.4s, v17.4s, v4.4s
	WORD $0x4e24d484 // fadd v4.4s, v4.4s, v4.4s
	// v4 = exp(v4); clobbers v5, v6, v7
	WORD $0x4ebef484 // fmin v4.4s, v4.4s, v30.4s
	WORD $0x4e3df484 // fmax v4.4s, v4.4s, v29.4s
	VMOV V27.B16, V6.B16
	VFMLA V28.S4, V4.S4, V6.S4 // v6 += v4·v28
	WORD $0x4ebbd4c5 // fsub v5.4s, v6.4s, v27.4s
	VFMLS V26.S4, V5.S4, V4.S4 // v4 -= v5·v26
	VFMLS V25.S4, V5.S4, V4.S4 // v4 -= v5·v25
	VSHL $23, V6.S4, V6.S4
	VMOV V23.B16, V5.B16
	VFMLA V24.S4, V4.S4, V5.S4 // v5 += v4·v24
	VMOV V22.B16, V7.B16
	VFMLA V4.S4, V5.S4, V7.S4 // v7 += v5·v4
	VMOV V21.B16, V5.B16
	VFMLA V4.S4, V7.S4, V5.S4 // v5 += v7·v4
	VMOV V20.B16, V7.B16
	VFMLA V4.S4, V5.S4, V7.S4 // v7 += v5·v4
	VMOV V19.B16, V5.B16
	VFMLA V4.S4, V7.S4, V5.S4 // v5 += v7·v4
	WORD $0x6e24dca5 // fmul v5.4s, v5.4s, v4.4s
	VMOV V4.B16, V7.B16
	VFMLA V4.S4, V5.S4, V7.S4 // v7 += v5·v4
	WORD $0x4e3fd4e7 // fadd v7.4s, v7.4s, v31.4s
	WORD $0x6e26dce4 // fmul v4.4s, v7.4s, v6.4s
	WORD $0x4e3fd484 // fadd v4.4s, v4.4s, v31.4s
	WORD $0x6e24fe44 // fdiv v4.4s, v18.4s, v4.4s
	WORD $0x4ea4d7e4 // fsub v4.4s, v31.4s, v4.4s
	// |x| < 0.625: x + x·z·Q(z), z = x²
	WORD $0x6e22dc45 // fmul v5.4s, v2.4s, v2.4s
	VMOV V12.B16, V6.B16
	VFMLA V5.S4, V11.S4, V6.S4 // v6 += v11·v5
	VMOV V13.B16, V7.B16
	VFMLA V5.S4, V6.S4, V7.S4 // v7 += v6·v5
	VMOV V14.B16, V6.B16
	VFMLA V5.S4, V7.S4, V6.S4 // v6 += v7·v5
	VMOV V15.B16, V7.B16
	VFMLA V5.S4, V6.S4, V7.S4 // v7 += v6·v5
	WORD $0x6e25dce7 // fmul v7.4s, v7.4s, v5.4s
	VMOV V2.B16, V6.B16
	VFMLA V2.S4, V7.S4, V6.S4 // v6 += v7·v2
	VBIT V9.B16, V6.B16, V4.B16
	VORR V8.B16, V4.B16, V4.B16
	// v3 = sigmoid(v3) = 1/(1+exp(-v3)); clobbers v5, v6, v7
	VEOR V16.B16, V3.B16, V3.B16
	// v3 = exp(v3); clobbers v5, v6, v7
	WORD $0x4ebef463 // fmin v3.4s, v3.4s, v30.4s
	WORD $0x4e3df463 // fmax v3.4s, v3.4s, v29.4s
	VMOV V27.B16, V6.B16
	VFMLA V28.S4, V3.S4, V6.S4 // v6 += v3·v28
	WORD $0x4ebbd4c5 // fsub v5.4s, v6.4s, v27.4s
	VFMLS V26.S4, V5.S4, V3.S4 // v3 -= v5·v26
	VFMLS V25.S4, V5.S4, V3.S4 // v3 -= v5·v25
	VSHL $23, V6.S4, V6.S4
	VMOV V23.B16, V5.B16
	VFMLA V24.S4, V3.S4, V5.S4 // v5 += v3·v24
	VMOV V22.B16, V7.B16
	VFMLA V3.S4, V5.S4, V7.S4 // v7 += v5·v3
	VMOV V21.B16, V5.B16
	VFMLA V3.S4, V7.S4, V5.S4 // v5 += v7·v3
	VMOV V20.B16, V7.B16
	VFMLA V3.S4, V5.S4, V7.S4 // v7 += v5·v3
	VMOV V19.B16, V5.B16
	VFMLA V3.S4, V7.S4, V5.S4 // v5 += v7·v3
	WORD $0x6e23dca5 // fmul v5.4s, v5.4s, v3.4s
	VMOV V3.B16, V7.B16
	VFMLA V3.S4, V5.S4, V7.S4 // v7 += v5·v3
	WORD $0x4e3fd4e7 // fadd v7.4s, v7.4s, v31.4s
	WORD $0x6e26dce3 // fmul v3.4s, v7.4s, v6.4s
	WORD $0x4e3fd463 // fadd v3.4s, v3.4s, v31.4s
	WORD $0x6e23ffe3 // fdiv v3.4s, v31.4s, v3.4s
	VST1.P [V0.S4], 16(R0)
	VST1.P [V1.S4], 16(R1)
	VST1.P [V4.S4], 16(R2)
	VST1.P [V3.S4], 16(R3)
	// c = f·cPrev + i·g; h = o·tanh(c)
	VLD1.P 16(R4), [V10.S4]
	WORD $0x6e24dc02 // fmul v2.4s, v0.4s, v4.4s
	VFMLA V10.S4, V1.S4, V2.S4 // v2 += v1·v10
	VST1.P [V2.S4], 16(R5)
	// v4 = tanh(v2); clobbers v5, v6, v7, v8, v9
	WORD $0x4ea0f844 // fabs v4.4s, v2.4s
	VEOR V4.B16, V2.B16, V8.B16
	WORD $0x6ea4e629 // fcmgt v9.4s, v17.4s, v4.4s
	WORD $0x4e24d484 // fadd v4.4s, v4.4s, v4.4s
	// v4 = exp(v4); clobbers v5, v6, v7
	WORD $0x4ebef484 // fmin v4.4s, v4.4s, v30.4s
	WORD $0x4e3df484 // fmax v4.4s, v4.4s, v29.4s
	VMOV V27.B16, V6.B16
	VFMLA V28.S4, V4.S4, V6.S4 // v6 += v4·v28
	WORD $0x4ebbd4c5 // fsub v5.4s, v6.4s, v27.4s
	VFMLS V26.S4, V5.S4, V4.S4 // v4 -= v5·v26
	VFMLS V25.S4, V5.S4, V4.S4 // v4 -= v5·v25
	VSHL $23, V6.S4, V6.S4
	VMOV V23.B16, V5.B16
	VFMLA V24.S4, V4.S4, V5.S4 // v5 += v4·v24
	VMOV V22.B16, V7.B16
	VFMLA V4.S4, V5.S4, V7.S4 // v7 += v5·v4
	VMOV V21.B16, V5.B16
	VFMLA V4.S4, V7.S4, V5.S4 // v5 += v7·v4
	VMOV V20.B16, V7.B16
	VFMLA V4.S4, V5.S4, V7.S4 // v7 += v5·v4
	VMOV V19.B16, V5.B16
	VFMLA V4.S4, V7.S4, V5.S4 // v5 += v7·v4
	WORD $0x6e24dca5 // fmul v5.4s, v5.4s, v4.4s
	VMOV V4.B16, V7.B16
	VFMLA V4.S4, V5.S4, V7.S4 // v7 += v5·v4
	WORD $0x4e3fd4e7 // fadd v7.4s, v7.4s, v31.4s
	WORD $0x6e26dce4 // fmul v4.4s, v7.4s, v6.4s
	WORD $0x4e3fd484 // fadd v4.4s, v4.4s, v31.4s
	WORD $0x6e24fe44 // fdiv v4.4s, v18.4s, v4.4s
	WORD $0x4ea4d7e4 // fsub v4.4s, v31.4s, v4.4s
	// |x| < 0.625: x + x·z·Q(z), z = x²
	WORD $0x6e22dc45 // fmul v5.4s, v2.4s, v2.4s
	VMOV V12.B16, V6.B16
	VFMLA V5.S4, V11.S4, V6.S4 // v6 += v11·v5
	VMOV V13.B16, V7.B16
	VFMLA V5.S4, V6.S4, V7.S4 // v7 += v6·v5
	VMOV V14.B16, V6.B16
	VFMLA V5.S4, V7.S4, V6.S4 // v6 += v7·v5
	VMOV V15.B16, V7.B16
	VFMLA V5.S4, V6.S4, V7.S4 // v7 += v6·v5
	WORD $0x6e25dce7 // fmul v7.4s, v7.4s, v5.4s
	VMOV V2.B16, V6.B16
	VFMLA V2.S4, V7.S4, V6.S4 // v6 += v7·v2
	VBIT V9.B16, V6.B16, V4.B16
	VORR V8.B16, V4.B16, V4.B16
	WORD $0x6e23dc84 // fmul v4.4s, v4.4s, v3.4s
	VST1.P [V4.S4], 16(R6)
	SUBS $1, R7, R7
	BNE fwdloop

fwddone:
	RET

// func lstmCellBackwardNEON(dGates, gates, cPrev, c, dh, dc []float32, n int)
TEXT ·lstmCellBackwardNEON(SB), NOSPLIT, $0-152
	MOVD dGates_base+0(FP), R0
	MOVD gates_base+24(FP), R4
	MOVD cPrev_base+48(FP), R8
	MOVD c_base+72(FP), R9
	MOVD c_len+80(FP), R14
	MOVD dh_base+96(FP), R10
	MOVD dc_base+120(FP), R11
	MOVD n+144(FP), R12
	LSR $2, R12, R12
	CBZ R12, bwddone
	LSL $2, R14, R14
	ADD R14, R0, R1
	ADD R14, R1, R2
	ADD R14, R2, R3
	ADD R14, R4, R5
	ADD R14, R5, R6
	ADD R14, R6, R7
	MOVD $lstmk<>(SB), R13
	VLD1R.P 4(R13), [V31.S4]
	VLD1R.P 4(R13), [V18.S4]
	VLD1R.P 4(R13), [V30.S4]
	VLD1R.P 4(R13), [V29.S4]
	VLD1R.P 4(R13), [V28.S4]
	VLD1R.P 4(R13), [V27.S4]
	VLD1R.P 4(R13), [V26.S4]
	VLD1R.P 4(R13), [V25.S4]
	VLD1R.P 4(R13), [V24.S4]
	VLD1R.P 4(R13), [V23.S4]
	VLD1R.P 4(R13), [V22.S4]
	VLD1R.P 4(R13), [V21.S4]
	VLD1R.P 4(R13), [V20.S4]
	VLD1R.P 4(R13), [V19.S4]
	VLD1R.P 4(R13), [V17.S4]
	VLD1R.P 4(R13), [V11.S4]
	VLD1R.P 4(R13), [V12.S4]
	VLD1R.P 4(R13), [V13.S4]
	VLD1R.P 4(R13), [V14.S4]
	VLD1R.P 4(R13), [V15.S4]
	ADD $4, R13, R13 // skip ABS
	VLD1R (R13), [V16.S4]

bwdloop:
	VLD1.P 16(R9), [V5.S4]
	// v8 = tanh(v5); clobbers v9, v10, v0, v1, v2
	WORD $0x4ea0f8a8 // fabs v8.4s, v5.4s
	VEOR V8.B16, V5.B16, V1.B16
	WORD $0x6ea8e622 // fcmgt v2.4s, v17.4s, v8.4s
	WORD $0x4e28d508 // fadd v8.4s, v8.4s, v8.4s
	// v8 = exp(v8); clobbers v9, v10, v0
	WORD $0x4ebef508 // fmin v8.4s, v8.4s, v30.4s
	WORD $0x4e3df508 // fmax v8.4s, v8.4s, v29.4s
	VMOV V27.B16, V10.B16
	VFMLA V28.S4, V8.S4, V10.S4 // v10 += v8·v28
	WORD $0x4ebbd549 // fsub v9.4s, v10.4s, v27.4s
	VFMLS V26.S4, V9.S4, V8.S4 // v8 -= v9·v26
	VFMLS V25.S4, V9.S4, V8.S4 // v8 -= v9·v25
	VSHL $23, V10.S4, V10.S4
	VMOV V23.B16, V9.B16
	VFMLA V24.S4, V8.S4, V9.S4 // v9 += v8·v24
	VMOV V22.B16, V0.B16
	VFMLA V8.S4, V9.S4, V0.S4 // v0 += v9·v8
	VMOV V21.B16, V9.B16
	VFMLA V8.S4, V0.S4, V9.S4 // v9 += v0·v8
	VMOV V20.B16, V0.B16
	VFMLA V8.S4, V9.S4, V0.S4 // v0 += v9·v8
	VMOV V19.B16, V9.B16
	VFMLA V8.S4, V0.S4, V9.S4 // v9 += v0·v8
	WORD $0x6e28dd29 // fmul v9.4s, v9.4s, v8.4s
	VMOV V8.B16, V0.B16
	VFMLA V8.S4, V9.S4, V0.S4 // v0 += v9·v8
	WORD $0x4e3fd400 // fadd v0.4s, v0.4s, v31.4s
	WORD $0x6e2adc08 // fmul v8.4s, v0.4s, v10.4s
	WORD $0x4e3fd508 // fadd v8.4s, v8.4s, v31.4s
	WORD $0x6e28fe48 // fdiv v8.4s, v18.4s, v8.4s
	WORD $0x4ea8d7e8 // fsub v8.4s, v31.4s, v8.4s
	// |x| < 0.625: x + x·z·Q(z), z = x²
	WORD $0x6e25dca9 // fmul v9.4s, v5.4s, v5.4s
	VMOV V12.B16, V10.B16
	VFMLA V9.S4, V11.S4, V10.S4 // v10 += v11·v9
	VMOV V13.B16, V0.B16
	VFMLA V9.S4, V10.S4, V0.S4 // v0 += v10·v9
	VMOV V14.B16, V10.B16
	VFMLA V9.S4, V0.S4, V10.S4 // v10 += v0·v9
	VMOV V15.B16, V0.B16
	VFMLA V9.S4, V10.S4, V0.S4 // v0 += v10·v9
	WORD $0x6e29dc00 // fmul v0.4s, v0.4s, v9.4s
	VMOV V5.B16, V10.B16
	VFMLA V5.S4, V0.S4, V10.S4 // v10 += v0·v5
	VBIT V2.B16, V10.B16, V8.B16
	VORR V1.B16, V8.B16, V8.B16
	VLD1.P 16(R4), [V0.S4]
	VLD1.P 16(R5), [V1.S4]
	VLD1.P 16(R6), [V2.S4]
	VLD1.P 16(R7), [V3.S4]
	VLD1.P 16(R8), [V4.S4]
	VLD1.P 16(R10), [V6.S4]
	VLD1 (R11), [V7.S4]
	// dct = dc + dh·o·(1 − tc²)
	VMOV V31.B16, V9.B16
	VFMLS V8.S4, V8.S4, V9.S4 // v9 -= v8·v8
	WORD $0x6e23dcca // fmul v10.4s, v6.4s, v3.4s
	VFMLA V9.S4, V10.S4, V7.S4 // v7 += v10·v9
	// di = dct·g·i·(1 − i)
	WORD $0x4ea0d7e5 // fsub v5.4s, v31.4s, v0.4s
	WORD $0x6e22dce9 // fmul v9.4s, v7.4s, v2.4s
	WORD $0x6e20dd29 // fmul v9.4s, v9.4s, v0.4s
	WORD $0x6e25dd29 // fmul v9.4s, v9.4s, v5.4s
	VST1.P [V9.S4], 16(R0)
	// df = dct·cPrev·f·(1 − f)
	WORD $0x4ea1d7e5 // fsub v5.4s, v31.4s, v1.4s
	WORD $0x6e24dce9 // fmul v9.4s, v7.4s, v4.4s
	WORD $0x6e21dd29 // fmul v9.4s, v9.4s, v1.4s
	WORD $0x6e25dd29 // fmul v9.4s, v9.4s, v5.4s
	VST1.P [V9.S4], 16(R1)
	// dg = dct·i·(1 − g²)
	VMOV V31.B16, V5.B16
	VFMLS V2.S4, V2.S4, V5.S4 // v5 -= v2·v2
	WORD $0x6e20dce9 // fmul v9.4s, v7.4s, v0.4s
	WORD $0x6e25dd29 // fmul v9.4s, v9.4s, v5.4s
	VST1.P [V9.S4], 16(R2)
	// do = dh·tc·o·(1 − o)
	WORD $0x4ea3d7e5 // fsub v5.4s, v31.4s, v3.4s
	WORD $0x6e28dcc9 // fmul v9.4s, v6.4s, v8.4s
	WORD $0x6e23dd29 // fmul v9.4s, v9.4s, v3.4s
	WORD $0x6e25dd29 // fmul v9.4s, v9.4s, v5.4s
	VST1.P [V9.S4], 16(R3)
	// dcPrev = dct·f
	WORD $0x6e21dce7 // fmul v7.4s, v7.4s, v1.4s
	VST1.P [V7.S4], 16(R11)
	SUBS $1, R12, R12
	BNE bwdloop

bwddone:
	RET
