//go:build !purego

#include "textflag.h"

// VM_MASK sets the mask K for the 16 columns starting off columns into the
// block: the low clamp(BX − off, 0, 16) lanes, where BX holds the block's
// remaining columns. (The clamp is needed at both ends: BZHI reads only the
// count's low byte, so 256 columns left would give no lanes.) Clobbers DX
// and R13.
#define VM_MASK(off, K) \
	MOVQ BX, DX; \
	SUBQ $off, DX; \
	XORQ R13, R13; \
	CMPQ DX, R13; \
	CMOVQLT R13, DX; \
	MOVQ $16, R13; \
	CMPQ DX, R13; \
	CMOVQGT R13, DX; \
	MOVL $-1, R13; \
	BZHIL DX, R13, R13; \
	KMOVW R13, K

// func vecMat2AVX512(y0, y1, x0, x1, a []float32, lda int)
TEXT ·vecMat2AVX512(SB), NOSPLIT, $0-128
	MOVQ y0_base+0(FP), DI
	MOVQ y0_len+8(FP), CX         // n
	MOVQ y1_base+24(FP), SI
	MOVQ x0_base+48(FP), R8
	MOVQ x0_len+56(FP), R12       // k
	MOVQ x1_base+72(FP), R9
	MOVQ a_base+96(FP), R10
	MOVQ lda+120(FP), R11
	SHLQ $2, R11                  // A's row stride in bytes
	XORQ AX, AX                   // the block's first column

vm_block:
	MOVQ CX, BX
	SUBQ AX, BX                   // columns left
	JLE  vm_done
	VM_MASK(0, K1)
	VM_MASK(16, K2)
	VM_MASK(32, K3)
	VM_MASK(48, K4)
	LEAQ (DI)(AX*4), DX
	VMOVUPS.Z 0(DX), K1, Z0
	VMOVUPS.Z 64(DX), K2, Z1
	VMOVUPS.Z 128(DX), K3, Z2
	VMOVUPS.Z 192(DX), K4, Z3
	LEAQ (SI)(AX*4), DX
	VMOVUPS.Z 0(DX), K1, Z4
	VMOVUPS.Z 64(DX), K2, Z5
	VMOVUPS.Z 128(DX), K3, Z6
	VMOVUPS.Z 192(DX), K4, Z7
	LEAQ (R10)(AX*4), DX          // row p of A, at the block
	XORQ BX, BX                   // p

vm_row:
	VBROADCASTSS (R8)(BX*4), Z8   // x0[p]
	VBROADCASTSS (R9)(BX*4), Z9   // x1[p]
	VMOVUPS.Z 0(DX), K1, Z10
	VFMADD231PS Z10, Z8, Z0
	VFMADD231PS Z10, Z9, Z4
	VMOVUPS.Z 64(DX), K2, Z11
	VFMADD231PS Z11, Z8, Z1
	VFMADD231PS Z11, Z9, Z5
	VMOVUPS.Z 128(DX), K3, Z12
	VFMADD231PS Z12, Z8, Z2
	VFMADD231PS Z12, Z9, Z6
	VMOVUPS.Z 192(DX), K4, Z13
	VFMADD231PS Z13, Z8, Z3
	VFMADD231PS Z13, Z9, Z7
	ADDQ R11, DX
	INCQ BX
	CMPQ BX, R12
	JLT  vm_row

	LEAQ (DI)(AX*4), DX
	VMOVUPS Z0, K1, 0(DX)
	VMOVUPS Z1, K2, 64(DX)
	VMOVUPS Z2, K3, 128(DX)
	VMOVUPS Z3, K4, 192(DX)
	LEAQ (SI)(AX*4), DX
	VMOVUPS Z4, K1, 0(DX)
	VMOVUPS Z5, K2, 64(DX)
	VMOVUPS Z6, K3, 128(DX)
	VMOVUPS Z7, K4, 192(DX)
	ADDQ $64, AX
	JMP  vm_block

vm_done:
	VZEROUPPER
	RET

// func vecMat2AVX2(y0, y1, x0, x1, a []float32, lda int)
TEXT ·vecMat2AVX2(SB), NOSPLIT, $0-128
	MOVQ y0_base+0(FP), DI
	MOVQ y0_len+8(FP), CX         // n, a multiple of 8
	MOVQ y1_base+24(FP), SI
	MOVQ x0_base+48(FP), R8
	MOVQ x0_len+56(FP), R12       // k
	MOVQ x1_base+72(FP), R9
	MOVQ a_base+96(FP), R10
	MOVQ lda+120(FP), R11
	SHLQ $2, R11                  // A's row stride in bytes
	XORQ AX, AX                   // the block's first column

v2_block32:
	MOVQ CX, BX
	SUBQ AX, BX                   // columns left
	CMPQ BX, $32
	JLT  v2_block8
	LEAQ (DI)(AX*4), DX
	VMOVUPS 0(DX), Y0
	VMOVUPS 32(DX), Y1
	VMOVUPS 64(DX), Y2
	VMOVUPS 96(DX), Y3
	LEAQ (SI)(AX*4), DX
	VMOVUPS 0(DX), Y4
	VMOVUPS 32(DX), Y5
	VMOVUPS 64(DX), Y6
	VMOVUPS 96(DX), Y7
	LEAQ (R10)(AX*4), DX          // row p of A, at the block
	XORQ BX, BX                   // p

v2_row32:
	VBROADCASTSS (R8)(BX*4), Y8   // x0[p]
	VBROADCASTSS (R9)(BX*4), Y9   // x1[p]
	VMOVUPS 0(DX), Y10
	VFMADD231PS Y10, Y8, Y0
	VFMADD231PS Y10, Y9, Y4
	VMOVUPS 32(DX), Y11
	VFMADD231PS Y11, Y8, Y1
	VFMADD231PS Y11, Y9, Y5
	VMOVUPS 64(DX), Y12
	VFMADD231PS Y12, Y8, Y2
	VFMADD231PS Y12, Y9, Y6
	VMOVUPS 96(DX), Y13
	VFMADD231PS Y13, Y8, Y3
	VFMADD231PS Y13, Y9, Y7
	ADDQ R11, DX
	INCQ BX
	CMPQ BX, R12
	JLT  v2_row32

	LEAQ (DI)(AX*4), DX
	VMOVUPS Y0, 0(DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	LEAQ (SI)(AX*4), DX
	VMOVUPS Y4, 0(DX)
	VMOVUPS Y5, 32(DX)
	VMOVUPS Y6, 64(DX)
	VMOVUPS Y7, 96(DX)
	ADDQ $32, AX
	JMP  v2_block32

v2_block8:
	CMPQ BX, $8
	JLT  v2_done
	VMOVUPS (DI)(AX*4), Y0
	VMOVUPS (SI)(AX*4), Y4
	LEAQ (R10)(AX*4), DX
	XORQ BX, BX

v2_row8:
	VBROADCASTSS (R8)(BX*4), Y8
	VBROADCASTSS (R9)(BX*4), Y9
	VMOVUPS (DX), Y10
	VFMADD231PS Y10, Y8, Y0
	VFMADD231PS Y10, Y9, Y4
	ADDQ R11, DX
	INCQ BX
	CMPQ BX, R12
	JLT  v2_row8

	VMOVUPS Y0, (DI)(AX*4)
	VMOVUPS Y4, (SI)(AX*4)
	ADDQ $8, AX
	MOVQ CX, BX
	SUBQ AX, BX
	JMP  v2_block8

v2_done:
	VZEROUPPER
	RET
