//go:build !purego

#include "textflag.h"

// Rank-1 update A += alpha·x⊗y, row by row: ax = alpha*x[i] (one float32
// rounding, as in gerGeneric), then a[j] = fma(ax, y[j], a[j]).
//
// Register use (both kernels):
//   CX  rows left          DX  n              SI  &x[i]
//   DI  &y[0]              R8  &a[i*lda]      R9  lda in bytes
//   R10 n mod vector width R11 &a[i*lda+j]    R12 &y[j]   R13 columns left in row
//   X0  alpha              Z1/Y1 broadcast ax

// func gerAVX512(m, n int, alpha float32, x, y, a []float32, lda int)
TEXT ·gerAVX512(SB), NOSPLIT, $0-104
	MOVQ   m+0(FP), CX
	MOVQ   n+8(FP), DX
	VMOVSS alpha+16(FP), X0
	MOVQ   x_base+24(FP), SI
	MOVQ   y_base+48(FP), DI
	MOVQ   a_base+72(FP), R8
	MOVQ   lda+96(FP), R9
	SHLQ   $2, R9

	// K1 selects the n mod 16 tail lanes; the same for every row.
	MOVQ  DX, R10
	ANDQ  $15, R10
	MOVL  $-1, AX
	BZHIL R10, AX, AX
	KMOVW AX, K1

row512:
	VMULSS       (SI), X0, X1
	VBROADCASTSS X1, Z1
	MOVQ         R8, R11
	MOVQ         DI, R12
	MOVQ         DX, R13

loop64_512:
	CMPQ        R13, $64
	JLT         loop16_512
	VMOVUPS     (R11), Z2
	VMOVUPS     64(R11), Z3
	VMOVUPS     128(R11), Z4
	VMOVUPS     192(R11), Z5
	VFMADD231PS (R12), Z1, Z2
	VFMADD231PS 64(R12), Z1, Z3
	VFMADD231PS 128(R12), Z1, Z4
	VFMADD231PS 192(R12), Z1, Z5
	VMOVUPS     Z2, (R11)
	VMOVUPS     Z3, 64(R11)
	VMOVUPS     Z4, 128(R11)
	VMOVUPS     Z5, 192(R11)
	ADDQ        $256, R11
	ADDQ        $256, R12
	SUBQ        $64, R13
	JMP         loop64_512

loop16_512:
	CMPQ        R13, $16
	JLT         tail512
	VMOVUPS     (R11), Z2
	VFMADD231PS (R12), Z1, Z2
	VMOVUPS     Z2, (R11)
	ADDQ        $64, R11
	ADDQ        $64, R12
	SUBQ        $16, R13
	JMP         loop16_512

tail512:
	TESTQ       R13, R13
	JZ          next512
	VMOVUPS.Z   (R11), K1, Z2
	VMOVUPS.Z   (R12), K1, Z3
	VFMADD231PS Z3, Z1, Z2
	VMOVUPS     Z2, K1, (R11)

next512:
	ADDQ $4, SI
	ADDQ R9, R8
	DECQ CX
	JNZ  row512
	VZEROUPPER
	RET

// gertail<> holds eight all-ones lanes then eight zero lanes: the 8 lanes
// starting at element 8−r are a VMASKMOVPS mask selecting the first r.
DATA gertail<>+0(SB)/8, $0xffffffffffffffff
DATA gertail<>+8(SB)/8, $0xffffffffffffffff
DATA gertail<>+16(SB)/8, $0xffffffffffffffff
DATA gertail<>+24(SB)/8, $0xffffffffffffffff
DATA gertail<>+32(SB)/8, $0
DATA gertail<>+40(SB)/8, $0
DATA gertail<>+48(SB)/8, $0
DATA gertail<>+56(SB)/8, $0
GLOBL gertail<>(SB), RODATA|NOPTR, $64

// func gerAVX2(m, n int, alpha float32, x, y, a []float32, lda int)
TEXT ·gerAVX2(SB), NOSPLIT, $0-104
	MOVQ   m+0(FP), CX
	MOVQ   n+8(FP), DX
	VMOVSS alpha+16(FP), X0
	MOVQ   x_base+24(FP), SI
	MOVQ   y_base+48(FP), DI
	MOVQ   a_base+72(FP), R8
	MOVQ   lda+96(FP), R9
	SHLQ   $2, R9

	// Y6 = mask of the n mod 8 tail lanes, the same for every row.
	MOVQ    DX, R10
	ANDQ    $7, R10
	LEAQ    gertail<>+32(SB), AX
	MOVQ    R10, BX
	SHLQ    $2, BX
	SUBQ    BX, AX
	VMOVDQU (AX), Y6

row2:
	VMULSS       (SI), X0, X1
	VBROADCASTSS X1, Y1
	MOVQ         R8, R11
	MOVQ         DI, R12
	MOVQ         DX, R13

loop32_2:
	CMPQ        R13, $32
	JLT         loop8_2
	VMOVUPS     (R11), Y2
	VMOVUPS     32(R11), Y3
	VMOVUPS     64(R11), Y4
	VMOVUPS     96(R11), Y5
	VFMADD231PS (R12), Y1, Y2
	VFMADD231PS 32(R12), Y1, Y3
	VFMADD231PS 64(R12), Y1, Y4
	VFMADD231PS 96(R12), Y1, Y5
	VMOVUPS     Y2, (R11)
	VMOVUPS     Y3, 32(R11)
	VMOVUPS     Y4, 64(R11)
	VMOVUPS     Y5, 96(R11)
	ADDQ        $128, R11
	ADDQ        $128, R12
	SUBQ        $32, R13
	JMP         loop32_2

loop8_2:
	CMPQ        R13, $8
	JLT         tail2
	VMOVUPS     (R11), Y2
	VFMADD231PS (R12), Y1, Y2
	VMOVUPS     Y2, (R11)
	ADDQ        $32, R11
	ADDQ        $32, R12
	SUBQ        $8, R13
	JMP         loop8_2

tail2:
	TESTQ       R13, R13
	JZ          next2
	VMASKMOVPS  (R11), Y6, Y2
	VMASKMOVPS  (R12), Y6, Y3
	VFMADD231PS Y3, Y1, Y2
	VMASKMOVPS  Y2, Y6, (R11)

next2:
	ADDQ $4, SI
	ADDQ R9, R8
	DECQ CX
	JNZ  row2
	VZEROUPPER
	RET
