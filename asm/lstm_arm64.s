//go:build !purego

#include "textflag.h"
#include "vexp_arm64.h"

// Fused pointwise LSTM cell, forward and backward, for NEON (4 lanes).
//
// σ and tanh are VSIGMOID_NEON and VTANH_NEON of vexp_arm64.h, the same code
// as the standalone Sigmoid and Tanh kernels (accuracy, saturation and NaN
// behaviour are documented there). Those macros work on fixed registers (V0
// in, V1 out, V0 and V2–V6 scratch) with their constants in V23–V31, so each
// activation's result is moved to V16–V18 before the next one runs.
//
// FMUL and FSUB are WORD-encoded with the instruction in the comment
// (checked against aarch64-linux-gnu-as). The kernels do the first n
// elements (n a multiple of 4) of sections of stride H = len(c);
// lstm_arm64.go runs the tail on zero-padded copies.

// func lstmCellForwardNEON(gates, cPrev, c, h []float32, n int)
//
// Two passes, as the amd64 kernels: the gates and c, then h = o·tanh(c) from
// the stored o and c, so that each loop body is one short dependency chain
// per vector and consecutive vectors can overlap out of order (on amd64 this
// made the forward pass ~15–20% faster; not measured on arm64 hardware).
// R0–R3 the four gate sections, R4 cPrev, R5 c, R6 h, R7 vectors left;
// R10/R11/R12 keep o's section, the start of c and the vector count for the
// second pass.
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
	MOVD R3, R10
	MOVD R5, R11
	MOVD R7, R12
	VEXP_NEON_CONSTS

fwdgates:
	VLD1 (R0), [V0.S4]
	VSIGMOID_NEON
	VST1.P [V1.S4], 16(R0)
	VMOV V1.B16, V16.B16 // i
	VLD1 (R1), [V0.S4]
	VSIGMOID_NEON
	VST1.P [V1.S4], 16(R1)
	VMOV V1.B16, V17.B16 // f
	VLD1 (R2), [V0.S4]
	VTANH_NEON
	VST1.P [V1.S4], 16(R2)
	VMOV V1.B16, V18.B16 // g
	VLD1 (R3), [V0.S4]
	VSIGMOID_NEON
	VST1.P [V1.S4], 16(R3)
	// c = f·cPrev + i·g
	VLD1.P 16(R4), [V20.S4]
	WORD $0x6e32de00 // fmul v0.4s, v16.4s, v18.4s
	VFMLA V20.S4, V17.S4, V0.S4 // v0 += v17·v20
	VST1.P [V0.S4], 16(R5)
	SUBS $1, R7, R7
	BNE fwdgates

	// h = o·tanh(c)
fwdh:
	VLD1.P 16(R11), [V0.S4]
	VLD1.P 16(R10), [V19.S4]
	VTANH_NEON
	WORD $0x6e33dc21 // fmul v1.4s, v1.4s, v19.4s
	VST1.P [V1.S4], 16(R6)
	SUBS $1, R12, R12
	BNE fwdh

fwddone:
	RET

// func lstmCellBackwardNEON(dGates, gates, cPrev, c, dh, dc []float32, n int)
//
// R0–R3 the dGates sections, R4–R7 the gates sections, R8 cPrev, R9 c,
// R10 dh, R11 dc, R12 vectors left. VEXP_NEON_CONSTS clobbers R9, so it
// runs first.
TEXT ·lstmCellBackwardNEON(SB), NOSPLIT, $0-152
	VEXP_NEON_CONSTS
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

bwdloop:
	VLD1.P 16(R9), [V0.S4]
	VTANH_NEON
	VMOV V1.B16, V8.B16 // tc
	VLD1.P 16(R4), [V0.S4]
	VLD1.P 16(R5), [V1.S4]
	VLD1.P 16(R6), [V2.S4]
	VLD1.P 16(R7), [V3.S4]
	VLD1.P 16(R8), [V4.S4]
	VLD1.P 16(R10), [V6.S4]
	VLD1 (R11), [V7.S4]
	// dct = dc + dh·o·(1 − tc²)
	VMOV V23.B16, V9.B16
	VFMLS V8.S4, V8.S4, V9.S4 // v9 -= v8·v8
	WORD $0x6e23dcca // fmul v10.4s, v6.4s, v3.4s
	VFMLA V9.S4, V10.S4, V7.S4 // v7 += v10·v9
	// di = dct·g·i·(1 − i)
	WORD $0x4ea0d6e5 // fsub v5.4s, v23.4s, v0.4s
	WORD $0x6e22dce9 // fmul v9.4s, v7.4s, v2.4s
	WORD $0x6e20dd29 // fmul v9.4s, v9.4s, v0.4s
	WORD $0x6e25dd29 // fmul v9.4s, v9.4s, v5.4s
	VST1.P [V9.S4], 16(R0)
	// df = dct·cPrev·f·(1 − f)
	WORD $0x4ea1d6e5 // fsub v5.4s, v23.4s, v1.4s
	WORD $0x6e24dce9 // fmul v9.4s, v7.4s, v4.4s
	WORD $0x6e21dd29 // fmul v9.4s, v9.4s, v1.4s
	WORD $0x6e25dd29 // fmul v9.4s, v9.4s, v5.4s
	VST1.P [V9.S4], 16(R1)
	// dg = dct·i·(1 − g²)
	VMOV V23.B16, V5.B16
	VFMLS V2.S4, V2.S4, V5.S4 // v5 -= v2·v2
	WORD $0x6e20dce9 // fmul v9.4s, v7.4s, v0.4s
	WORD $0x6e25dd29 // fmul v9.4s, v9.4s, v5.4s
	VST1.P [V9.S4], 16(R2)
	// do = dh·tc·o·(1 − o)
	WORD $0x4ea3d6e5 // fsub v5.4s, v23.4s, v3.4s
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
