//go:build !purego

#include "textflag.h"
#include "vexp_amd64.h"

// Fused pointwise LSTM cell, forward and backward, for AVX2+FMA and AVX-512.
//
// σ and tanh are the shared VSIGMOID512/VTANH512 and VSIGMOID256/VTANH256 of
// vexp_amd64.h, the same code as the standalone Sigmoid and Tanh kernels
// (accuracy, saturation and NaN behaviour are documented there). AVX2 and
// AVX-512 run the same operations in the same order (VSCALEFPS and the two
// exponent-bit multiplies of VEXP256 both round once), so the two levels give
// bit-identical results, which TestLSTMCellVectorLevelsAgree checks.

// ---------------------------------------------------------------- AVX-512
//
// The kernels keep the exp constants in Z20–Z31 (VEXP512_CONSTS) and work
// in Z0–Z13 and K1–K3.

// TAILMASK512 sets K1 to the first min(DX, 16) lanes.
#define TAILMASK512 \
	MOVQ    $16, R12 \
	; CMPQ    DX, R12 \
	; CMOVQLT DX, R12 \
	; MOVL    $-1, R11 \
	; BZHIL   R12, R11, R11 \
	; KMOVW   R11, K1

// func lstmCellForwardAVX512(gates, cPrev, c, h []float32)
//
// Two passes: the gates and c, then h = o·tanh(c) from the stored o and c.
// Fused into one loop, each block is one long dependency chain (four
// activations, c, then tanh(c)) and fewer blocks overlap out of order; split,
// the forward pass is ~15–20% faster (AVX2 and AVX-512, H = 200 and 650)
// at the price of re-reading c and o from L1.
//
// SI &gates[j] (i section), BX H in bytes (section stride), R10 &gates[2H+j],
// DI &cPrev[j], R8 &c[j], R9 &h[j], DX elements left, K1 = lanes in range;
// R13/AX/CX keep the starts of gates and c and the length for the second pass.
TEXT ·lstmCellForwardAVX512(SB), NOSPLIT, $0-96
	MOVQ gates_base+0(FP), SI
	MOVQ cPrev_base+24(FP), DI
	MOVQ c_base+48(FP), R8
	MOVQ c_len+56(FP), DX
	MOVQ h_base+72(FP), R9
	TESTQ DX, DX
	JZ   fwd512done
	MOVQ DX, BX
	SHLQ $2, BX
	MOVQ SI, R13
	MOVQ R8, AX
	MOVQ DX, CX
	VEXP512_CONSTS

fwd512gates:
	TAILMASK512
	LEAQ      (SI)(BX*2), R10
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (SI)(BX*1), K1, Z1
	VMOVUPS.Z (R10), K1, Z2
	VMOVUPS.Z (R10)(BX*1), K1, Z3
	VSIGMOID512(Z0, Z4, Z8)             // i
	VSIGMOID512(Z1, Z5, Z9)             // f
	VTANH512(Z2, Z6, Z7, Z12, Z10, K2)  // g
	VSIGMOID512(Z3, Z13, Z11)           // o
	VMOVUPS   Z8, K1, (SI)
	VMOVUPS   Z9, K1, (SI)(BX*1)
	VMOVUPS   Z10, K1, (R10)
	VMOVUPS   Z11, K1, (R10)(BX*1)

	// c = f·cPrev + i·g
	VMOVUPS.Z   (DI), K1, Z4
	VMULPS      Z10, Z8, Z5
	VFMADD231PS Z4, Z9, Z5
	VMOVUPS     Z5, K1, (R8)

	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, R8
	SUBQ $16, DX
	JGT  fwd512gates

	// h = o·tanh(c); R10 = &gates[3H]
	LEAQ (R13)(BX*2), R10
	ADDQ BX, R10
	MOVQ CX, DX

fwd512h:
	TAILMASK512
	VMOVUPS.Z (AX), K1, Z0
	VMOVUPS.Z (R10), K1, Z1
	VTANH512(Z0, Z2, Z3, Z4, Z5, K3)
	VMULPS    Z5, Z1, Z5
	VMOVUPS   Z5, K1, (R9)
	ADDQ $64, AX
	ADDQ $64, R10
	ADDQ $64, R9
	SUBQ $16, DX
	JGT  fwd512h

fwd512done:
	VZEROUPPER
	RET

// func lstmCellBackwardAVX512(dGates, gates, cPrev, c, dh, dc []float32)
//
// R13 &dGates[j], SI &gates[j], BX H in bytes, R10/AX the third section of
// gates/dGates, DI &cPrev[j], R8 &c[j], R9 &dh[j], CX &dc[j], DX left
// (R14 and R15 are avoided: g, and the dynamic-linking scratch register.)
TEXT ·lstmCellBackwardAVX512(SB), NOSPLIT, $0-144
	MOVQ dGates_base+0(FP), R13
	MOVQ gates_base+24(FP), SI
	MOVQ cPrev_base+48(FP), DI
	MOVQ c_base+72(FP), R8
	MOVQ c_len+80(FP), DX
	MOVQ dh_base+96(FP), R9
	MOVQ dc_base+120(FP), CX
	TESTQ DX, DX
	JZ   bwd512done
	MOVQ DX, BX
	SHLQ $2, BX
	VEXP512_CONSTS

bwd512loop:
	TAILMASK512
	LEAQ      (SI)(BX*2), R10
	LEAQ      (R13)(BX*2), AX
	VMOVUPS.Z (SI), K1, Z0         // i
	VMOVUPS.Z (SI)(BX*1), K1, Z1   // f
	VMOVUPS.Z (R10), K1, Z2        // g
	VMOVUPS.Z (R10)(BX*1), K1, Z3  // o
	VMOVUPS.Z (DI), K1, Z4         // cPrev
	VMOVUPS.Z (R8), K1, Z5         // c
	VMOVUPS.Z (R9), K1, Z6         // dh
	VMOVUPS.Z (CX), K1, Z7        // dc
	VTANH512(Z5, Z9, Z10, Z11, Z8, K2) // tc

	// dct = dc + dh·o·(1 − tc²)
	VMOVAPS      Z20, Z9
	VFNMADD231PS Z8, Z8, Z9
	VMULPS       Z3, Z6, Z10
	VFMADD231PS  Z9, Z10, Z7

	// di = dct·g·i·(1 − i)
	VSUBPS  Z0, Z20, Z11
	VMULPS  Z2, Z7, Z12
	VMULPS  Z0, Z12, Z12
	VMULPS  Z11, Z12, Z12
	VMOVUPS Z12, K1, (R13)

	// df = dct·cPrev·f·(1 − f)
	VSUBPS  Z1, Z20, Z11
	VMULPS  Z4, Z7, Z12
	VMULPS  Z1, Z12, Z12
	VMULPS  Z11, Z12, Z12
	VMOVUPS Z12, K1, (R13)(BX*1)

	// dg = dct·i·(1 − g²)
	VMOVAPS      Z20, Z11
	VFNMADD231PS Z2, Z2, Z11
	VMULPS       Z0, Z7, Z12
	VMULPS       Z11, Z12, Z12
	VMOVUPS      Z12, K1, (AX)

	// do = dh·tc·o·(1 − o)
	VSUBPS  Z3, Z20, Z11
	VMULPS  Z8, Z6, Z12
	VMULPS  Z3, Z12, Z12
	VMULPS  Z11, Z12, Z12
	VMOVUPS Z12, K1, (AX)(BX*1)

	// dcPrev = dct·f
	VMULPS  Z1, Z7, Z7
	VMOVUPS Z7, K1, (CX)

	ADDQ $64, R13
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, CX
	SUBQ $16, DX
	JGT  bwd512loop

bwd512done:
	VZEROUPPER
	RET

// ---------------------------------------------------------------- AVX2
//
// The same code on 8 lanes; the VEXP256 family reads its constants from
// memory (16 YMM registers leave no room to hold them). The kernels do the
// first n elements, n a multiple of 8; lstm_amd64.go runs the tail through
// the same code on zero-padded copies.

// func lstmCellForwardAVX2(gates, cPrev, c, h []float32, n int)
//
// As lstmCellForwardAVX512 (two passes) for the first n (a multiple of 8)
// of the H = len(c) elements. SI, BX, R10, DI, R8 and R9 as there, DX blocks
// left; R11/R12 keep the starts of gates and c for the second pass, CX the
// block count.
TEXT ·lstmCellForwardAVX2(SB), NOSPLIT, $0-104
	MOVQ gates_base+0(FP), SI
	MOVQ cPrev_base+24(FP), DI
	MOVQ c_base+48(FP), R8
	MOVQ c_len+56(FP), BX
	MOVQ h_base+72(FP), R9
	MOVQ n+96(FP), DX
	SHLQ $2, BX
	SHRQ $3, DX
	JZ   fwd2done
	MOVQ SI, R11
	MOVQ R8, R12
	MOVQ DX, CX

fwd2gates:
	LEAQ    (SI)(BX*2), R10
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(BX*1), Y1
	VMOVUPS (R10), Y2
	VMOVUPS (R10)(BX*1), Y3
	VSIGMOID256(Y0, Y8, Y9, Y4)             // i
	VSIGMOID256(Y1, Y10, Y11, Y5)           // f
	VTANH256(Y2, Y8, Y9, Y12, Y13, Y6)      // g
	VSIGMOID256(Y3, Y10, Y11, Y7)           // o
	VMOVUPS Y4, (SI)
	VMOVUPS Y5, (SI)(BX*1)
	VMOVUPS Y6, (R10)
	VMOVUPS Y7, (R10)(BX*1)

	// c = f·cPrev + i·g
	VMULPS      Y6, Y4, Y0
	VFMADD231PS (DI), Y5, Y0
	VMOVUPS     Y0, (R8)

	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, R8
	DECQ DX
	JNZ  fwd2gates

	// h = o·tanh(c); R10 = &gates[3H]
	LEAQ (R11)(BX*2), R10
	ADDQ BX, R10

fwd2h:
	VMOVUPS (R12), Y0
	VTANH256(Y0, Y1, Y2, Y3, Y4, Y5)
	VMULPS  (R10), Y5, Y5
	VMOVUPS Y5, (R9)
	ADDQ $32, R12
	ADDQ $32, R10
	ADDQ $32, R9
	DECQ CX
	JNZ  fwd2h

fwd2done:
	VZEROUPPER
	RET

// func lstmCellBackwardAVX2(dGates, gates, cPrev, c, dh, dc []float32, n int)
//
// As lstmCellBackwardAVX512 for the first n (a multiple of 8) elements.
TEXT ·lstmCellBackwardAVX2(SB), NOSPLIT, $0-152
	MOVQ dGates_base+0(FP), R13
	MOVQ gates_base+24(FP), SI
	MOVQ cPrev_base+48(FP), DI
	MOVQ c_base+72(FP), R8
	MOVQ c_len+80(FP), BX
	MOVQ dh_base+96(FP), R9
	MOVQ dc_base+120(FP), CX
	MOVQ n+144(FP), DX
	SHLQ $2, BX
	SHRQ $3, DX
	JZ   bwd2done

bwd2loop:
	LEAQ    (SI)(BX*2), R10
	LEAQ    (R13)(BX*2), AX
	VMOVUPS (SI), Y0        // i
	VMOVUPS (SI)(BX*1), Y1  // f
	VMOVUPS (R10), Y2       // g
	VMOVUPS (R10)(BX*1), Y3 // o
	VMOVUPS (R8), Y5        // c
	VMOVUPS (R9), Y6        // dh
	VMOVUPS (CX), Y7       // dc
	VTANH256(Y5, Y9, Y10, Y11, Y12, Y8) // tc
	VMOVUPS VX_ONE, Y15

	// dct = dc + dh·o·(1 − tc²)
	VMOVAPS      Y15, Y9
	VFNMADD231PS Y8, Y8, Y9
	VMULPS       Y3, Y6, Y10
	VFMADD231PS  Y9, Y10, Y7

	// di = dct·g·i·(1 − i)
	VSUBPS  Y0, Y15, Y11
	VMULPS  Y2, Y7, Y12
	VMULPS  Y0, Y12, Y12
	VMULPS  Y11, Y12, Y12
	VMOVUPS Y12, (R13)

	// df = dct·cPrev·f·(1 − f)
	VSUBPS  Y1, Y15, Y11
	VMULPS  (DI), Y7, Y12
	VMULPS  Y1, Y12, Y12
	VMULPS  Y11, Y12, Y12
	VMOVUPS Y12, (R13)(BX*1)

	// dg = dct·i·(1 − g²)
	VMOVAPS      Y15, Y11
	VFNMADD231PS Y2, Y2, Y11
	VMULPS       Y0, Y7, Y12
	VMULPS       Y11, Y12, Y12
	VMOVUPS      Y12, (AX)

	// do = dh·tc·o·(1 − o)
	VSUBPS  Y3, Y15, Y11
	VMULPS  Y8, Y6, Y12
	VMULPS  Y3, Y12, Y12
	VMULPS  Y11, Y12, Y12
	VMOVUPS Y12, (AX)(BX*1)

	// dcPrev = dct·f
	VMULPS  Y1, Y7, Y7
	VMOVUPS Y7, (CX)

	ADDQ $32, R13
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, CX
	DECQ DX
	JNZ  bwd2loop

bwd2done:
	VZEROUPPER
	RET
