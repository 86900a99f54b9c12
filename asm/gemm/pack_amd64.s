//go:build !purego

#include "textflag.h"

// func transposeAVX(dst *float32, src *float32, lds, rows, cols, ldd int)
//
// dst[p*ldd+i] = src[i*lds+p] for i < rows, p < cols: the packing of
// row-major A (or of Bᵀ) into micro-panels. Four rows at a time, four
// columns at a time through an in-register 4×4 transpose (VEX-encoded SSE,
// so AVX suffices); leftover rows and columns one float at a time. See
// transposeGeneric.
TEXT ·transposeAVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R8
	SHLQ $2, R8                 // R8 = source row stride in bytes
	MOVQ rows+24(FP), R9
	MOVQ cols+32(FP), R10
	MOVQ ldd+40(FP), R11
	SHLQ $2, R11                // R11 = destination row stride in bytes
	LEAQ (R11)(R11*2), R12      // R12 = 3 destination rows

rowblock:
	CMPQ R9, $4
	JLT  rowtail
	MOVQ SI, AX                 // AX, BX, CX, DX: four source rows
	LEAQ (SI)(R8*1), BX
	LEAQ (SI)(R8*2), CX
	LEAQ (BX)(R8*2), DX
	MOVQ DI, R13                // R13: destination column block
	MOVQ R10, R14
	SHRQ $2, R14                // R14 = cols/4
	JEQ  coltail4

col4:
	VMOVUPS (AX), X0
	VMOVUPS (BX), X1
	VMOVUPS (CX), X2
	VMOVUPS (DX), X3
	VUNPCKLPS X1, X0, X4        // a0 b0 a1 b1
	VUNPCKHPS X1, X0, X5        // a2 b2 a3 b3
	VUNPCKLPS X3, X2, X6        // c0 d0 c1 d1
	VUNPCKHPS X3, X2, X7        // c2 d2 c3 d3
	VMOVLHPS  X6, X4, X0        // a0 b0 c0 d0
	VMOVHLPS  X4, X6, X1        // a1 b1 c1 d1
	VMOVLHPS  X7, X5, X2        // a2 b2 c2 d2
	VMOVHLPS  X5, X7, X3        // a3 b3 c3 d3
	VMOVUPS   X0, (R13)
	VMOVUPS   X1, (R13)(R11*1)
	VMOVUPS   X2, (R13)(R11*2)
	VMOVUPS   X3, (R13)(R12*1)
	ADDQ $16, AX
	ADDQ $16, BX
	ADDQ $16, CX
	ADDQ $16, DX
	LEAQ (R13)(R11*4), R13
	DECQ R14
	JNZ  col4

coltail4:
	MOVQ R10, R14
	ANDQ $3, R14
	JEQ  nextrows

col1:
	MOVSS (AX), X0
	MOVSS X0, (R13)
	MOVSS (BX), X0
	MOVSS X0, 4(R13)
	MOVSS (CX), X0
	MOVSS X0, 8(R13)
	MOVSS (DX), X0
	MOVSS X0, 12(R13)
	ADDQ $4, AX
	ADDQ $4, BX
	ADDQ $4, CX
	ADDQ $4, DX
	ADDQ R11, R13
	DECQ R14
	JNZ  col1

nextrows:
	LEAQ (SI)(R8*4), SI
	ADDQ $16, DI
	SUBQ $4, R9
	JMP  rowblock

rowtail:
	TESTQ R9, R9
	JEQ   done

onerow:
	MOVQ SI, AX
	MOVQ DI, R13
	MOVQ R10, R14
	TESTQ R14, R14
	JEQ  rowdone

onecol:
	MOVSS (AX), X0
	MOVSS X0, (R13)
	ADDQ $4, AX
	ADDQ R11, R13
	DECQ R14
	JNZ  onecol

rowdone:
	ADDQ R8, SI
	ADDQ $4, DI
	DECQ R9
	JNZ  onerow

done:
	VZEROUPPER
	RET

// func copyRowsAVX512(dst *float32, src *float32, lds, rows int, lm1, lm2, sm1, sm2 uint64, ldd int)
//
// For each of rows rows: dst[r*ldd+j] = src[r*lds+j] for the columns j < 32
// selected by the load masks lm1 (0…15) and lm2 (16…31), and 0 for the other
// columns selected by the store masks sm1, sm2: the packing of B (and of Aᵀ)
// into zero-padded micro-panels. Masked loads never read past the columns
// asked for. See copyRowsGeneric.
TEXT ·copyRowsAVX512(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R8
	SHLQ $2, R8
	MOVQ rows+24(FP), R9
	MOVQ lm1+32(FP), AX
	KMOVQ AX, K1
	MOVQ lm2+40(FP), AX
	KMOVQ AX, K2
	MOVQ sm1+48(FP), AX
	KMOVQ AX, K3
	MOVQ sm2+56(FP), AX
	KMOVQ AX, K4
	MOVQ ldd+64(FP), R11
	SHLQ $2, R11
	MOVQ R8, R10
	SHLQ $3, R10                // R10 = 8 source rows ahead, for prefetching
	TESTQ R9, R9
	JEQ  copydone

copyrow:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	PREFETCHT0 (SI)(R10*1)
	VMOVUPS Z0, K3, (DI)
	VMOVUPS Z1, K4, 64(DI)
	ADDQ R8, SI
	ADDQ R11, DI
	DECQ R9
	JNZ  copyrow

copydone:
	VZEROUPPER
	RET
