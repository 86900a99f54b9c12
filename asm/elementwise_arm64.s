//go:build !purego

#include "textflag.h"

// The Go assembler lacks NEON float arithmetic and compares (vector FADD,
// FSUB, FMUL, FMLA, FCMGT) and BSL, so those are WORD-encoded with the
// instruction in the comment; the encodings were produced and checked with
// aarch64-linux-gnu-as/objdump.
//
// Register use: R0 = dst, R1 = x, R2 = y, R3 = z, R4 = n, R5 = block
// counter. Each block loads all its inputs before storing dst, so dst may be
// the very same slice as any input. The last n%4 elements go one at a time
// through the same vector instructions: FMOVS loads one lane (zeroing the
// others, whose results are never stored) and FMOVS stores lane 0.

// func addNEON(dst, x, y []float32)
TEXT ·addNEON(SB), NOSPLIT, $0-72
	MOVD   dst_base+0(FP), R0
	MOVD   dst_len+8(FP), R4
	MOVD   x_base+24(FP), R1
	MOVD   y_base+48(FP), R2
	LSR    $4, R4, R5
	CBZ    R5, add_4

add_16:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R2), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD   $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	WORD   $0x4e26d442 // fadd v2.4s, v2.4s, v6.4s
	WORD   $0x4e27d463 // fadd v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS   $1, R5, R5
	BNE    add_16

add_4:
	AND    $15, R4, R4
	LSR    $2, R4, R5
	CBZ    R5, add_tail

add_4loop:
	VLD1.P 16(R1), [V0.S4]
	VLD1.P 16(R2), [V4.S4]
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	VST1.P [V0.S4], 16(R0)
	SUBS   $1, R5, R5
	BNE    add_4loop

add_tail:
	ANDS   $3, R4, R4
	BEQ    add_done

add_1:
	FMOVS.P 4(R1), F0
	FMOVS.P 4(R2), F4
	WORD   $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	FMOVS.P F0, 4(R0)
	SUBS   $1, R4, R4
	BNE    add_1

add_done:
	RET

// func subNEON(dst, x, y []float32)
TEXT ·subNEON(SB), NOSPLIT, $0-72
	MOVD   dst_base+0(FP), R0
	MOVD   dst_len+8(FP), R4
	MOVD   x_base+24(FP), R1
	MOVD   y_base+48(FP), R2
	LSR    $4, R4, R5
	CBZ    R5, sub_4

sub_16:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R2), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x4ea4d400 // fsub v0.4s, v0.4s, v4.4s
	WORD   $0x4ea5d421 // fsub v1.4s, v1.4s, v5.4s
	WORD   $0x4ea6d442 // fsub v2.4s, v2.4s, v6.4s
	WORD   $0x4ea7d463 // fsub v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS   $1, R5, R5
	BNE    sub_16

sub_4:
	AND    $15, R4, R4
	LSR    $2, R4, R5
	CBZ    R5, sub_tail

sub_4loop:
	VLD1.P 16(R1), [V0.S4]
	VLD1.P 16(R2), [V4.S4]
	WORD   $0x4ea4d400 // fsub v0.4s, v0.4s, v4.4s
	VST1.P [V0.S4], 16(R0)
	SUBS   $1, R5, R5
	BNE    sub_4loop

sub_tail:
	ANDS   $3, R4, R4
	BEQ    sub_done

sub_1:
	FMOVS.P 4(R1), F0
	FMOVS.P 4(R2), F4
	WORD   $0x4ea4d400 // fsub v0.4s, v0.4s, v4.4s
	FMOVS.P F0, 4(R0)
	SUBS   $1, R4, R4
	BNE    sub_1

sub_done:
	RET

// func mulNEON(dst, x, y []float32)
TEXT ·mulNEON(SB), NOSPLIT, $0-72
	MOVD   dst_base+0(FP), R0
	MOVD   dst_len+8(FP), R4
	MOVD   x_base+24(FP), R1
	MOVD   y_base+48(FP), R2
	LSR    $4, R4, R5
	CBZ    R5, mul_4

mul_16:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R2), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD   $0x6e24dc00 // fmul v0.4s, v0.4s, v4.4s
	WORD   $0x6e25dc21 // fmul v1.4s, v1.4s, v5.4s
	WORD   $0x6e26dc42 // fmul v2.4s, v2.4s, v6.4s
	WORD   $0x6e27dc63 // fmul v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS   $1, R5, R5
	BNE    mul_16

mul_4:
	AND    $15, R4, R4
	LSR    $2, R4, R5
	CBZ    R5, mul_tail

mul_4loop:
	VLD1.P 16(R1), [V0.S4]
	VLD1.P 16(R2), [V4.S4]
	WORD   $0x6e24dc00 // fmul v0.4s, v0.4s, v4.4s
	VST1.P [V0.S4], 16(R0)
	SUBS   $1, R5, R5
	BNE    mul_4loop

mul_tail:
	ANDS   $3, R4, R4
	BEQ    mul_done

mul_1:
	FMOVS.P 4(R1), F0
	FMOVS.P 4(R2), F4
	WORD   $0x6e24dc00 // fmul v0.4s, v0.4s, v4.4s
	FMOVS.P F0, 4(R0)
	SUBS   $1, R4, R4
	BNE    mul_1

mul_done:
	RET

// func mulAddNEON(dst, x, y, z []float32)
TEXT ·mulAddNEON(SB), NOSPLIT, $0-96
	MOVD   dst_base+0(FP), R0
	MOVD   dst_len+8(FP), R4
	MOVD   x_base+24(FP), R1
	MOVD   y_base+48(FP), R2
	MOVD   z_base+72(FP), R3
	LSR    $4, R4, R5
	CBZ    R5, mulAdd_4

mulAdd_16:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R2), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 64(R3), [V8.S4, V9.S4, V10.S4, V11.S4]
	WORD   $0x4e24cc08 // fmla v8.4s, v0.4s, v4.4s
	WORD   $0x4e25cc29 // fmla v9.4s, v1.4s, v5.4s
	WORD   $0x4e26cc4a // fmla v10.4s, v2.4s, v6.4s
	WORD   $0x4e27cc6b // fmla v11.4s, v3.4s, v7.4s
	VST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(R0)
	SUBS   $1, R5, R5
	BNE    mulAdd_16

mulAdd_4:
	AND    $15, R4, R4
	LSR    $2, R4, R5
	CBZ    R5, mulAdd_tail

mulAdd_4loop:
	VLD1.P 16(R1), [V0.S4]
	VLD1.P 16(R2), [V4.S4]
	VLD1.P 16(R3), [V8.S4]
	WORD   $0x4e24cc08 // fmla v8.4s, v0.4s, v4.4s
	VST1.P [V8.S4], 16(R0)
	SUBS   $1, R5, R5
	BNE    mulAdd_4loop

mulAdd_tail:
	ANDS   $3, R4, R4
	BEQ    mulAdd_done

mulAdd_1:
	FMOVS.P 4(R1), F0
	FMOVS.P 4(R2), F4
	FMOVS.P 4(R3), F8
	WORD   $0x4e24cc08 // fmla v8.4s, v0.4s, v4.4s
	FMOVS.P F8, 4(R0)
	SUBS   $1, R4, R4
	BNE    mulAdd_1

mulAdd_done:
	RET

// Clamp: t = lo > x ? lo : x, then hi < t ? hi : t, by compare and bit
// select rather than FMAX/FMIN, which would turn -0 into +0 against a +0
// bound (and quiet NaNs): a NaN fails both compares and passes through, as
// in the reference.
// func clampNEON(dst, x []float32, lo, hi float32)
TEXT ·clampNEON(SB), NOSPLIT, $0-56
	MOVD   dst_base+0(FP), R0
	MOVD   dst_len+8(FP), R4
	MOVD   x_base+24(FP), R1
	FMOVS  lo+48(FP), F30
	FMOVS  hi+52(FP), F31
	VDUP   V30.S[0], V30.S4
	VDUP   V31.S[0], V31.S4
	LSR    $4, R4, R5
	CBZ    R5, clamp_4

clamp_16:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD   $0x6ea0e7c4 // fcmgt v4.4s, v30.4s, v0.4s
	WORD   $0x6e601fc4 // bsl v4.16b, v30.16b, v0.16b
	WORD   $0x6ea1e7c5 // fcmgt v5.4s, v30.4s, v1.4s
	WORD   $0x6e611fc5 // bsl v5.16b, v30.16b, v1.16b
	WORD   $0x6ea2e7c6 // fcmgt v6.4s, v30.4s, v2.4s
	WORD   $0x6e621fc6 // bsl v6.16b, v30.16b, v2.16b
	WORD   $0x6ea3e7c7 // fcmgt v7.4s, v30.4s, v3.4s
	WORD   $0x6e631fc7 // bsl v7.16b, v30.16b, v3.16b
	WORD   $0x6ebfe488 // fcmgt v8.4s, v4.4s, v31.4s
	WORD   $0x6e641fe8 // bsl v8.16b, v31.16b, v4.16b
	WORD   $0x6ebfe4a9 // fcmgt v9.4s, v5.4s, v31.4s
	WORD   $0x6e651fe9 // bsl v9.16b, v31.16b, v5.16b
	WORD   $0x6ebfe4ca // fcmgt v10.4s, v6.4s, v31.4s
	WORD   $0x6e661fea // bsl v10.16b, v31.16b, v6.16b
	WORD   $0x6ebfe4eb // fcmgt v11.4s, v7.4s, v31.4s
	WORD   $0x6e671feb // bsl v11.16b, v31.16b, v7.16b
	VST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(R0)
	SUBS   $1, R5, R5
	BNE    clamp_16

clamp_4:
	AND    $15, R4, R4
	LSR    $2, R4, R5
	CBZ    R5, clamp_tail

clamp_4loop:
	VLD1.P 16(R1), [V0.S4]
	WORD   $0x6ea0e7c4 // fcmgt v4.4s, v30.4s, v0.4s
	WORD   $0x6e601fc4 // bsl v4.16b, v30.16b, v0.16b
	WORD   $0x6ebfe488 // fcmgt v8.4s, v4.4s, v31.4s
	WORD   $0x6e641fe8 // bsl v8.16b, v31.16b, v4.16b
	VST1.P [V8.S4], 16(R0)
	SUBS   $1, R5, R5
	BNE    clamp_4loop

clamp_tail:
	ANDS   $3, R4, R4
	BEQ    clamp_done

clamp_1:
	FMOVS.P 4(R1), F0
	WORD   $0x6ea0e7c4 // fcmgt v4.4s, v30.4s, v0.4s
	WORD   $0x6e601fc4 // bsl v4.16b, v30.16b, v0.16b
	WORD   $0x6ebfe488 // fcmgt v8.4s, v4.4s, v31.4s
	WORD   $0x6e641fe8 // bsl v8.16b, v31.16b, v4.16b
	FMOVS.P F8, 4(R0)
	SUBS   $1, R4, R4
	BNE    clamp_1

clamp_done:
	RET
