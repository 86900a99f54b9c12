//go:build !purego

#include "textflag.h"
#include "vexp_amd64.h"

// Elementwise activations. Each kernel runs a main loop over two vectors,
// then one vector, then a tail of fewer than one vector: AVX-512 through a
// K-register mask (masked loads do not fault past the slice, masked stores do
// not write past it), AVX2 through VMASKMOVPS with a mask row of vexpTailMask.
// dst may be x itself: every block is loaded before it is stored.

// Per-vector operations with one signature, OP(x, a, q, n, p, k): x the input
// (clobbered), p the result, the others scratch.
#define EXP512_OP(x, a, q, n, p, k) VEXP512(x, n, p)
#define SIGMOID512_OP(x, a, q, n, p, k) VSIGMOID512(x, n, p)
#define TANH512_OP(x, a, q, n, p, k) VTANH512(x, a, q, n, p, k)
#define EXP256_OP(x, a, q, n, m, p) VEXP256(x, n, m, p)
#define SIGMOID256_OP(x, a, q, n, m, p) VSIGMOID256(x, n, m, p)
#define TANH256_OP(x, a, q, n, m, p) VTANH256(x, a, q, n, m, p)

// func expAVX512(dst, x []float32)
// Implements expGeneric.
TEXT ·expAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	VEXP512_CONSTS

loop32:
	CMPQ CX, $32
	JB   loop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z5
	EXP512_OP(Z0, Z1, Z2, Z3, Z4, K2)
	EXP512_OP(Z5, Z6, Z7, Z8, Z9, K3)
	VMOVUPS Z4, (DI)
	VMOVUPS Z9, 64(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  loop32

loop16:
	CMPQ CX, $16
	JB   tail
	VMOVUPS (SI), Z0
	EXP512_OP(Z0, Z1, Z2, Z3, Z4, K2)
	VMOVUPS Z4, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX

tail:
	TESTQ CX, CX
	JZ    done
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1
	VMOVUPS.Z (SI), K1, Z0
	EXP512_OP(Z0, Z1, Z2, Z3, Z4, K2)
	VMOVUPS Z4, K1, (DI)

done:
	VZEROUPPER
	RET

// func sigmoidAVX512(dst, x []float32)
// Implements sigmoidGeneric.
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	VEXP512_CONSTS

loop32:
	CMPQ CX, $32
	JB   loop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z5
	SIGMOID512_OP(Z0, Z1, Z2, Z3, Z4, K2)
	SIGMOID512_OP(Z5, Z6, Z7, Z8, Z9, K3)
	VMOVUPS Z4, (DI)
	VMOVUPS Z9, 64(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  loop32

loop16:
	CMPQ CX, $16
	JB   tail
	VMOVUPS (SI), Z0
	SIGMOID512_OP(Z0, Z1, Z2, Z3, Z4, K2)
	VMOVUPS Z4, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX

tail:
	TESTQ CX, CX
	JZ    done
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1
	VMOVUPS.Z (SI), K1, Z0
	SIGMOID512_OP(Z0, Z1, Z2, Z3, Z4, K2)
	VMOVUPS Z4, K1, (DI)

done:
	VZEROUPPER
	RET

// func tanhAVX512(dst, x []float32)
// Implements tanhGeneric.
TEXT ·tanhAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	VEXP512_CONSTS

loop32:
	CMPQ CX, $32
	JB   loop16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z5
	TANH512_OP(Z0, Z1, Z2, Z3, Z4, K2)
	TANH512_OP(Z5, Z6, Z7, Z8, Z9, K3)
	VMOVUPS Z4, (DI)
	VMOVUPS Z9, 64(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  loop32

loop16:
	CMPQ CX, $16
	JB   tail
	VMOVUPS (SI), Z0
	TANH512_OP(Z0, Z1, Z2, Z3, Z4, K2)
	VMOVUPS Z4, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX

tail:
	TESTQ CX, CX
	JZ    done
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1
	VMOVUPS.Z (SI), K1, Z0
	TANH512_OP(Z0, Z1, Z2, Z3, Z4, K2)
	VMOVUPS Z4, K1, (DI)

done:
	VZEROUPPER
	RET

// func sigmoidBackwardAVX512(dst, y, dy []float32)
// Implements sigmoidBackwardGeneric, bit for bit: (dy·y)·(1−y).
TEXT ·sigmoidBackwardAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ y_base+24(FP), SI
	MOVQ dy_base+48(FP), DX
	VBROADCASTSS VX_ONE, Z20

loop32:
	CMPQ CX, $32
	JB   loop16
	VMOVUPS (SI), Z0
	VMOVUPS (DX), Z1
	VMOVUPS 64(SI), Z3
	VMOVUPS 64(DX), Z4
	VMULPS Z0, Z1, Z2
	VSUBPS Z0, Z20, Z1
	VMULPS Z1, Z2, Z2
	VMULPS Z3, Z4, Z5
	VSUBPS Z3, Z20, Z4
	VMULPS Z4, Z5, Z5
	VMOVUPS Z2, (DI)
	VMOVUPS Z5, 64(DI)
	ADDQ $128, SI
	ADDQ $128, DX
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  loop32

loop16:
	CMPQ CX, $16
	JB   tail
	VMOVUPS (SI), Z0
	VMOVUPS (DX), Z1
	VMULPS Z0, Z1, Z2
	VSUBPS Z0, Z20, Z1
	VMULPS Z1, Z2, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX

tail:
	TESTQ CX, CX
	JZ    done
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K1, Z1
	VMULPS Z0, Z1, Z2
	VSUBPS Z0, Z20, Z1
	VMULPS Z1, Z2, Z2
	VMOVUPS Z2, K1, (DI)

done:
	VZEROUPPER
	RET

// func tanhBackwardAVX512(dst, y, dy []float32)
// Implements tanhBackwardGeneric with 1−y² fused into one rounding.
TEXT ·tanhBackwardAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ y_base+24(FP), SI
	MOVQ dy_base+48(FP), DX
	VBROADCASTSS VX_ONE, Z20

loop32:
	CMPQ CX, $32
	JB   loop16
	VMOVUPS (SI), Z0
	VMOVUPS (DX), Z1
	VMOVUPS 64(SI), Z3
	VMOVUPS 64(DX), Z4
	VMOVAPS Z20, Z2
	VFNMADD231PS Z0, Z0, Z2
	VMULPS Z1, Z2, Z2
	VMOVAPS Z20, Z5
	VFNMADD231PS Z3, Z3, Z5
	VMULPS Z4, Z5, Z5
	VMOVUPS Z2, (DI)
	VMOVUPS Z5, 64(DI)
	ADDQ $128, SI
	ADDQ $128, DX
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  loop32

loop16:
	CMPQ CX, $16
	JB   tail
	VMOVUPS (SI), Z0
	VMOVUPS (DX), Z1
	VMOVAPS Z20, Z2
	VFNMADD231PS Z0, Z0, Z2
	VMULPS Z1, Z2, Z2
	VMOVUPS Z2, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX

tail:
	TESTQ CX, CX
	JZ    done
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K1, Z1
	VMOVAPS Z20, Z2
	VFNMADD231PS Z0, Z0, Z2
	VMULPS Z1, Z2, Z2
	VMOVUPS Z2, K1, (DI)

done:
	VZEROUPPER
	RET

// func expAVX2(dst, x []float32)
// Implements expGeneric.
TEXT ·expAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI

loop16:
	CMPQ CX, $16
	JB   loop8
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y6
	EXP256_OP(Y0, Y1, Y2, Y3, Y4, Y5)
	EXP256_OP(Y6, Y7, Y8, Y9, Y10, Y11)
	VMOVUPS Y5, (DI)
	VMOVUPS Y11, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

loop8:
	CMPQ CX, $8
	JB   tail
	VMOVUPS (SI), Y0
	EXP256_OP(Y0, Y1, Y2, Y3, Y4, Y5)
	VMOVUPS Y5, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX

tail:
	TESTQ CX, CX
	JZ    done
	LEAQ  ·vexpTailMask+32(SB), AX
	SHLQ  $2, CX
	SUBQ  CX, AX
	VMOVDQU (AX), Y15
	VMASKMOVPS (SI), Y15, Y0
	EXP256_OP(Y0, Y1, Y2, Y3, Y4, Y5)
	VMASKMOVPS Y5, Y15, (DI)

done:
	VZEROUPPER
	RET

// func sigmoidAVX2(dst, x []float32)
// Implements sigmoidGeneric.
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI

loop16:
	CMPQ CX, $16
	JB   loop8
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y6
	SIGMOID256_OP(Y0, Y1, Y2, Y3, Y4, Y5)
	SIGMOID256_OP(Y6, Y7, Y8, Y9, Y10, Y11)
	VMOVUPS Y5, (DI)
	VMOVUPS Y11, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

loop8:
	CMPQ CX, $8
	JB   tail
	VMOVUPS (SI), Y0
	SIGMOID256_OP(Y0, Y1, Y2, Y3, Y4, Y5)
	VMOVUPS Y5, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX

tail:
	TESTQ CX, CX
	JZ    done
	LEAQ  ·vexpTailMask+32(SB), AX
	SHLQ  $2, CX
	SUBQ  CX, AX
	VMOVDQU (AX), Y15
	VMASKMOVPS (SI), Y15, Y0
	SIGMOID256_OP(Y0, Y1, Y2, Y3, Y4, Y5)
	VMASKMOVPS Y5, Y15, (DI)

done:
	VZEROUPPER
	RET

// func tanhAVX2(dst, x []float32)
// Implements tanhGeneric.
TEXT ·tanhAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI

loop16:
	CMPQ CX, $16
	JB   loop8
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y6
	TANH256_OP(Y0, Y1, Y2, Y3, Y4, Y5)
	TANH256_OP(Y6, Y7, Y8, Y9, Y10, Y11)
	VMOVUPS Y5, (DI)
	VMOVUPS Y11, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

loop8:
	CMPQ CX, $8
	JB   tail
	VMOVUPS (SI), Y0
	TANH256_OP(Y0, Y1, Y2, Y3, Y4, Y5)
	VMOVUPS Y5, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX

tail:
	TESTQ CX, CX
	JZ    done
	LEAQ  ·vexpTailMask+32(SB), AX
	SHLQ  $2, CX
	SUBQ  CX, AX
	VMOVDQU (AX), Y15
	VMASKMOVPS (SI), Y15, Y0
	TANH256_OP(Y0, Y1, Y2, Y3, Y4, Y5)
	VMASKMOVPS Y5, Y15, (DI)

done:
	VZEROUPPER
	RET

// func sigmoidBackwardAVX2(dst, y, dy []float32)
// Implements sigmoidBackwardGeneric, bit for bit: (dy·y)·(1−y).
TEXT ·sigmoidBackwardAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ y_base+24(FP), SI
	MOVQ dy_base+48(FP), DX
	VBROADCASTSS VX_ONE, Y14

loop16:
	CMPQ CX, $16
	JB   loop8
	VMOVUPS (SI), Y0
	VMOVUPS (DX), Y1
	VMOVUPS 32(SI), Y3
	VMOVUPS 32(DX), Y4
	VMULPS Y0, Y1, Y2
	VSUBPS Y0, Y14, Y1
	VMULPS Y1, Y2, Y2
	VMULPS Y3, Y4, Y5
	VSUBPS Y3, Y14, Y4
	VMULPS Y4, Y5, Y5
	VMOVUPS Y2, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

loop8:
	CMPQ CX, $8
	JB   tail
	VMOVUPS (SI), Y0
	VMOVUPS (DX), Y1
	VMULPS Y0, Y1, Y2
	VSUBPS Y0, Y14, Y1
	VMULPS Y1, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $8, CX

tail:
	TESTQ CX, CX
	JZ    done
	LEAQ  ·vexpTailMask+32(SB), AX
	SHLQ  $2, CX
	SUBQ  CX, AX
	VMOVDQU (AX), Y15
	VMASKMOVPS (SI), Y15, Y0
	VMASKMOVPS (DX), Y15, Y1
	VMULPS Y0, Y1, Y2
	VSUBPS Y0, Y14, Y1
	VMULPS Y1, Y2, Y2
	VMASKMOVPS Y2, Y15, (DI)

done:
	VZEROUPPER
	RET

// func tanhBackwardAVX2(dst, y, dy []float32)
// Implements tanhBackwardGeneric with 1−y² fused into one rounding.
TEXT ·tanhBackwardAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ y_base+24(FP), SI
	MOVQ dy_base+48(FP), DX
	VBROADCASTSS VX_ONE, Y14

loop16:
	CMPQ CX, $16
	JB   loop8
	VMOVUPS (SI), Y0
	VMOVUPS (DX), Y1
	VMOVUPS 32(SI), Y3
	VMOVUPS 32(DX), Y4
	VMOVAPS Y14, Y2
	VFNMADD231PS Y0, Y0, Y2
	VMULPS Y1, Y2, Y2
	VMOVAPS Y14, Y5
	VFNMADD231PS Y3, Y3, Y5
	VMULPS Y4, Y5, Y5
	VMOVUPS Y2, (DI)
	VMOVUPS Y5, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  loop16

loop8:
	CMPQ CX, $8
	JB   tail
	VMOVUPS (SI), Y0
	VMOVUPS (DX), Y1
	VMOVAPS Y14, Y2
	VFNMADD231PS Y0, Y0, Y2
	VMULPS Y1, Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $8, CX

tail:
	TESTQ CX, CX
	JZ    done
	LEAQ  ·vexpTailMask+32(SB), AX
	SHLQ  $2, CX
	SUBQ  CX, AX
	VMOVDQU (AX), Y15
	VMASKMOVPS (SI), Y15, Y0
	VMASKMOVPS (DX), Y15, Y1
	VMOVAPS Y14, Y2
	VFNMADD231PS Y0, Y0, Y2
	VMULPS Y1, Y2, Y2
	VMASKMOVPS Y2, Y15, (DI)

done:
	VZEROUPPER
	RET
