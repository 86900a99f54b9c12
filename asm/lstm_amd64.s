//go:build !purego

#include "textflag.h"

// Fused pointwise LSTM cell, forward and backward, for AVX2+FMA and AVX-512.
//
// The vector activations (macros below; the lead may later share them with
// the standalone Sigmoid/Tanh kernels) are all built on one exp:
//
//   exp(x):  x is clamped to [−88, 88.8] (NaN-preserving: x is the operand
//            whose NaN VMINPS/VMAXPS return), n = round(x·log2e) via the
//            magic-number trick t = x·log2e + (1.5·2²³ + 127), so the low
//            bits of t hold n + 127 ∈ [0, 255]; r = x − n·ln2 in two steps
//            (Cody–Waite, ln2 = LN2HI + LN2LO); e^r = 1 + r + r²·P(r) with
//            Cephes' degree-5 expf polynomial (|r| ≤ ln2/2, ~1 ULP); 2^n is
//            t << 23, which is +Inf for n = 128 (so e^x overflows to +Inf
//            for x ≳ 88.7) and 0 for n = −127 (a subnormal result flushed).
//   σ(x)  = 1 / (1 + exp(−x)), with a true division: ≤ ~3 ULP; σ(x) → 1
//           exactly for large x, 0 for x < −88.7 (where σ is subnormal).
//   tanh(x): for |x| < 0.625 the Cephes odd polynomial x + x·z·Q(z), z = x²
//           (relative accuracy near 0, tanh(x) = x for tiny x); otherwise
//           sign(x)·(1 − 2/(exp(2|x|) + 1)), exactly ±1 for |x| ≳ 9.
//           The sign bit of x is ORed in at the end, so tanh(−0) = −0.
//   NaN in gives NaN out everywhere (the compare for the tanh branch is
//   false for NaN, and the exp branch carries the NaN).
//
// Accuracy against the float64 functions (contract: 4 ULP): at most 2 ULP for
// σ and 1 ULP for tanh, measured by TestLSTMActivationAccuracy and over every
// float32 with |x| in [2^−30, 128) by TestLSTMActivationExhaustive
// (NEUROMOD_EXHAUSTIVE=1); outside that range the results are 0, ±1, ½ or x.
//
// Register and constant use of each macro is given at its definition.

#define L_ONE lstmk<>+0(SB) // 1.0
#define L_TWO lstmk<>+32(SB) // 2.0
#define L_EXPHI lstmk<>+64(SB) // 88.8
#define L_EXPLO lstmk<>+96(SB) // -88.0
#define L_LOG2E lstmk<>+128(SB) // 1.4426950408889634
#define L_MAGIC lstmk<>+160(SB) // 12583039.0
#define L_LN2HI lstmk<>+192(SB) // 0.693359375
#define L_LN2LO lstmk<>+224(SB) // -0.00021219444
#define L_P0 lstmk<>+256(SB) // 0.000198756915
#define L_P1 lstmk<>+288(SB) // 0.0013981999507
#define L_P2 lstmk<>+320(SB) // 0.0083334519073
#define L_P3 lstmk<>+352(SB) // 0.041665795894
#define L_P4 lstmk<>+384(SB) // 0.16666665459
#define L_P5 lstmk<>+416(SB) // 0.50000001201
#define L_TH lstmk<>+448(SB) // 0.625
#define L_T0 lstmk<>+480(SB) // -0.00570498872745
#define L_T1 lstmk<>+512(SB) // 0.0206390887954
#define L_T2 lstmk<>+544(SB) // -0.0537397155531
#define L_T3 lstmk<>+576(SB) // 0.133314422036
#define L_T4 lstmk<>+608(SB) // -0.333332819422
#define L_ABS lstmk<>+640(SB) // 0x7fffffff
#define L_SIGN lstmk<>+672(SB) // 0x80000000

DATA lstmk<>+0(SB)/8, $0x3f8000003f800000
DATA lstmk<>+8(SB)/8, $0x3f8000003f800000
DATA lstmk<>+16(SB)/8, $0x3f8000003f800000
DATA lstmk<>+24(SB)/8, $0x3f8000003f800000
DATA lstmk<>+32(SB)/8, $0x4000000040000000
DATA lstmk<>+40(SB)/8, $0x4000000040000000
DATA lstmk<>+48(SB)/8, $0x4000000040000000
DATA lstmk<>+56(SB)/8, $0x4000000040000000
DATA lstmk<>+64(SB)/8, $0x42b1999a42b1999a
DATA lstmk<>+72(SB)/8, $0x42b1999a42b1999a
DATA lstmk<>+80(SB)/8, $0x42b1999a42b1999a
DATA lstmk<>+88(SB)/8, $0x42b1999a42b1999a
DATA lstmk<>+96(SB)/8, $0xc2b00000c2b00000
DATA lstmk<>+104(SB)/8, $0xc2b00000c2b00000
DATA lstmk<>+112(SB)/8, $0xc2b00000c2b00000
DATA lstmk<>+120(SB)/8, $0xc2b00000c2b00000
DATA lstmk<>+128(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA lstmk<>+136(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA lstmk<>+144(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA lstmk<>+152(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA lstmk<>+160(SB)/8, $0x4b40007f4b40007f
DATA lstmk<>+168(SB)/8, $0x4b40007f4b40007f
DATA lstmk<>+176(SB)/8, $0x4b40007f4b40007f
DATA lstmk<>+184(SB)/8, $0x4b40007f4b40007f
DATA lstmk<>+192(SB)/8, $0x3f3180003f318000
DATA lstmk<>+200(SB)/8, $0x3f3180003f318000
DATA lstmk<>+208(SB)/8, $0x3f3180003f318000
DATA lstmk<>+216(SB)/8, $0x3f3180003f318000
DATA lstmk<>+224(SB)/8, $0xb95e8083b95e8083
DATA lstmk<>+232(SB)/8, $0xb95e8083b95e8083
DATA lstmk<>+240(SB)/8, $0xb95e8083b95e8083
DATA lstmk<>+248(SB)/8, $0xb95e8083b95e8083
DATA lstmk<>+256(SB)/8, $0x3950696739506967
DATA lstmk<>+264(SB)/8, $0x3950696739506967
DATA lstmk<>+272(SB)/8, $0x3950696739506967
DATA lstmk<>+280(SB)/8, $0x3950696739506967
DATA lstmk<>+288(SB)/8, $0x3ab743ce3ab743ce
DATA lstmk<>+296(SB)/8, $0x3ab743ce3ab743ce
DATA lstmk<>+304(SB)/8, $0x3ab743ce3ab743ce
DATA lstmk<>+312(SB)/8, $0x3ab743ce3ab743ce
DATA lstmk<>+320(SB)/8, $0x3c0889083c088908
DATA lstmk<>+328(SB)/8, $0x3c0889083c088908
DATA lstmk<>+336(SB)/8, $0x3c0889083c088908
DATA lstmk<>+344(SB)/8, $0x3c0889083c088908
DATA lstmk<>+352(SB)/8, $0x3d2aa9c13d2aa9c1
DATA lstmk<>+360(SB)/8, $0x3d2aa9c13d2aa9c1
DATA lstmk<>+368(SB)/8, $0x3d2aa9c13d2aa9c1
DATA lstmk<>+376(SB)/8, $0x3d2aa9c13d2aa9c1
DATA lstmk<>+384(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA lstmk<>+392(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA lstmk<>+400(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA lstmk<>+408(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA lstmk<>+416(SB)/8, $0x3f0000003f000000
DATA lstmk<>+424(SB)/8, $0x3f0000003f000000
DATA lstmk<>+432(SB)/8, $0x3f0000003f000000
DATA lstmk<>+440(SB)/8, $0x3f0000003f000000
DATA lstmk<>+448(SB)/8, $0x3f2000003f200000
DATA lstmk<>+456(SB)/8, $0x3f2000003f200000
DATA lstmk<>+464(SB)/8, $0x3f2000003f200000
DATA lstmk<>+472(SB)/8, $0x3f2000003f200000
DATA lstmk<>+480(SB)/8, $0xbbbaf0eabbbaf0ea
DATA lstmk<>+488(SB)/8, $0xbbbaf0eabbbaf0ea
DATA lstmk<>+496(SB)/8, $0xbbbaf0eabbbaf0ea
DATA lstmk<>+504(SB)/8, $0xbbbaf0eabbbaf0ea
DATA lstmk<>+512(SB)/8, $0x3ca9134e3ca9134e
DATA lstmk<>+520(SB)/8, $0x3ca9134e3ca9134e
DATA lstmk<>+528(SB)/8, $0x3ca9134e3ca9134e
DATA lstmk<>+536(SB)/8, $0x3ca9134e3ca9134e
DATA lstmk<>+544(SB)/8, $0xbd5c1e2dbd5c1e2d
DATA lstmk<>+552(SB)/8, $0xbd5c1e2dbd5c1e2d
DATA lstmk<>+560(SB)/8, $0xbd5c1e2dbd5c1e2d
DATA lstmk<>+568(SB)/8, $0xbd5c1e2dbd5c1e2d
DATA lstmk<>+576(SB)/8, $0x3e0883933e088393
DATA lstmk<>+584(SB)/8, $0x3e0883933e088393
DATA lstmk<>+592(SB)/8, $0x3e0883933e088393
DATA lstmk<>+600(SB)/8, $0x3e0883933e088393
DATA lstmk<>+608(SB)/8, $0xbeaaaa99beaaaa99
DATA lstmk<>+616(SB)/8, $0xbeaaaa99beaaaa99
DATA lstmk<>+624(SB)/8, $0xbeaaaa99beaaaa99
DATA lstmk<>+632(SB)/8, $0xbeaaaa99beaaaa99
DATA lstmk<>+640(SB)/8, $0x7fffffff7fffffff
DATA lstmk<>+648(SB)/8, $0x7fffffff7fffffff
DATA lstmk<>+656(SB)/8, $0x7fffffff7fffffff
DATA lstmk<>+664(SB)/8, $0x7fffffff7fffffff
DATA lstmk<>+672(SB)/8, $0x8000000080000000
DATA lstmk<>+680(SB)/8, $0x8000000080000000
DATA lstmk<>+688(SB)/8, $0x8000000080000000
DATA lstmk<>+696(SB)/8, $0x8000000080000000
GLOBL lstmk<>(SB), RODATA|NOPTR, $704

// ---------------------------------------------------------------- AVX-512
//
// AVX-512 kernels keep the hot constants in Z16–Z31 (loaded once by
// LOADCONST512) and broadcast the tanh polynomial from memory.
//
//   Z31 1      Z30 EXPHI  Z29 EXPLO  Z28 log2e  Z27 magic  Z26 ln2hi
//   Z25 ln2lo  Z24 P0     Z23 P1     Z22 P2     Z21 P3     Z20 P4
//   Z19 P5     Z18 2      Z17 abs mask          Z16 tanh threshold 0.625

#define LOADCONST512 \
	VBROADCASTSS L_ONE, Z31; VBROADCASTSS L_EXPHI, Z30; VBROADCASTSS L_EXPLO, Z29 \
	; VBROADCASTSS L_LOG2E, Z28; VBROADCASTSS L_MAGIC, Z27; VBROADCASTSS L_LN2HI, Z26 \
	; VBROADCASTSS L_LN2LO, Z25; VBROADCASTSS L_P0, Z24; VBROADCASTSS L_P1, Z23 \
	; VBROADCASTSS L_P2, Z22; VBROADCASTSS L_P3, Z21; VBROADCASTSS L_P4, Z20 \
	; VBROADCASTSS L_P5, Z19; VBROADCASTSS L_TWO, Z18; VBROADCASTSS L_ABS, Z17 \
	; VBROADCASTSS L_TH, Z16

// EXP512(x, n, t): x = e^x. Clobbers n, t.
#define EXP512(x, n, t) \
	VMINPS       x, Z30, x \
	; VMAXPS       x, Z29, x \
	; VMOVAPS      Z27, t \
	; VFMADD231PS  Z28, x, t \
	; VSUBPS       Z27, t, n \
	; VFNMADD231PS Z26, n, x \
	; VFNMADD231PS Z25, n, x \
	; VPSLLD       $23, t, t \
	; VMOVAPS      Z24, n \
	; VFMADD213PS  Z23, x, n \
	; VFMADD213PS  Z22, x, n \
	; VFMADD213PS  Z21, x, n \
	; VFMADD213PS  Z20, x, n \
	; VFMADD213PS  Z19, x, n \
	; VMULPS       x, n, n \
	; VFMADD213PS  x, x, n \
	; VADDPS       Z31, n, n \
	; VMULPS       t, n, x

// SIGMOID512(x, n, t): x = σ(x) = 1/(1 + e^−x). Clobbers n, t.
#define SIGMOID512(x, n, t) \
	VPXORD.BCST L_SIGN, x, x \
	; EXP512(x, n, t) \
	; VADDPS      Z31, x, x \
	; VDIVPS      x, Z31, x

// TANH512(x, y, n, t, s, k): y = tanh(x), x unchanged. Clobbers n, t, s and
// the mask register k.
#define TANH512(x, y, n, t, s, k) \
	VPANDD      Z17, x, y \
	; VPXORD      y, x, s \
	; VCMPPS      $1, Z16, y, k \
	; VADDPS      y, y, y \
	; EXP512(y, n, t) \
	; VADDPS      Z31, y, y \
	; VDIVPS      y, Z18, y \
	; VSUBPS      y, Z31, y \
	; VMULPS      x, x, n \
	; VBROADCASTSS L_T0, t \
	; VFMADD213PS.BCST L_T1, n, t \
	; VFMADD213PS.BCST L_T2, n, t \
	; VFMADD213PS.BCST L_T3, n, t \
	; VFMADD213PS.BCST L_T4, n, t \
	; VMULPS      n, t, t \
	; VFMADD213PS x, x, t \
	; VMOVAPS     t, k, y \
	; VPORD       s, y, y

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
// SI &gates[j] (i section), BX H in bytes (section stride), R10 &gates[2H+j],
// DI &cPrev[j], R8 &c[j], R9 &h[j], DX elements left. K1 = lanes in range.
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
	LOADCONST512

fwd512loop:
	TAILMASK512
	LEAQ      (SI)(BX*2), R10
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (SI)(BX*1), K1, Z1
	VMOVUPS.Z (R10), K1, Z2
	VMOVUPS.Z (R10)(BX*1), K1, Z3
	SIGMOID512(Z0, Z4, Z5)
	SIGMOID512(Z1, Z6, Z7)
	TANH512(Z2, Z8, Z9, Z10, Z11, K2)
	SIGMOID512(Z3, Z12, Z13)
	VMOVUPS   Z0, K1, (SI)
	VMOVUPS   Z1, K1, (SI)(BX*1)
	VMOVUPS   Z8, K1, (R10)
	VMOVUPS   Z3, K1, (R10)(BX*1)

	// c = f·cPrev + i·g; h = o·tanh(c)
	VMOVUPS.Z   (DI), K1, Z4
	VMULPS      Z8, Z0, Z5
	VFMADD231PS Z4, Z1, Z5
	VMOVUPS     Z5, K1, (R8)
	TANH512(Z5, Z6, Z7, Z9, Z10, K3)
	VMULPS      Z6, Z3, Z6
	VMOVUPS     Z6, K1, (R9)

	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, R8
	ADDQ $64, R9
	SUBQ $16, DX
	JGT  fwd512loop

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
	LOADCONST512

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
	TANH512(Z5, Z8, Z9, Z10, Z11, K2) // tc

	// dct = dc + dh·o·(1 − tc²)
	VMOVAPS      Z31, Z9
	VFNMADD231PS Z8, Z8, Z9
	VMULPS       Z3, Z6, Z10
	VFMADD231PS  Z9, Z10, Z7

	// di = dct·g·i·(1 − i)
	VSUBPS  Z0, Z31, Z11
	VMULPS  Z2, Z7, Z12
	VMULPS  Z0, Z12, Z12
	VMULPS  Z11, Z12, Z12
	VMOVUPS Z12, K1, (R13)

	// df = dct·cPrev·f·(1 − f)
	VSUBPS  Z1, Z31, Z11
	VMULPS  Z4, Z7, Z12
	VMULPS  Z1, Z12, Z12
	VMULPS  Z11, Z12, Z12
	VMOVUPS Z12, K1, (R13)(BX*1)

	// dg = dct·i·(1 − g²)
	VMOVAPS      Z31, Z11
	VFNMADD231PS Z2, Z2, Z11
	VMULPS       Z0, Z7, Z12
	VMULPS       Z11, Z12, Z12
	VMOVUPS      Z12, K1, (AX)

	// do = dh·tc·o·(1 − o)
	VSUBPS  Z3, Z31, Z11
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
// The same algorithms on 8 lanes, with every constant a 32-byte memory
// operand (16 YMM registers leave no room to hold them). The kernels do the
// first n elements, n a multiple of 8; lstm_amd64.go runs the tail through
// the same code on zero-padded copies.

// EXP256(x, n, t): x = e^x. Clobbers n, t.
#define EXP256(x, n, t) \
	VMOVUPS      L_EXPHI, t \
	; VMINPS       x, t, x \
	; VMOVUPS      L_EXPLO, t \
	; VMAXPS       x, t, x \
	; VMOVUPS      L_MAGIC, t \
	; VFMADD231PS  L_LOG2E, x, t \
	; VSUBPS       L_MAGIC, t, n \
	; VFNMADD231PS L_LN2HI, n, x \
	; VFNMADD231PS L_LN2LO, n, x \
	; VPSLLD       $23, t, t \
	; VMOVUPS      L_P0, n \
	; VFMADD213PS  L_P1, x, n \
	; VFMADD213PS  L_P2, x, n \
	; VFMADD213PS  L_P3, x, n \
	; VFMADD213PS  L_P4, x, n \
	; VFMADD213PS  L_P5, x, n \
	; VMULPS       x, n, n \
	; VFMADD213PS  x, x, n \
	; VADDPS       L_ONE, n, n \
	; VMULPS       t, n, x

// SIGMOID256(x, n, t): x = σ(x). Clobbers n, t.
#define SIGMOID256(x, n, t) \
	VXORPS  L_SIGN, x, x \
	; EXP256(x, n, t) \
	; VADDPS  L_ONE, x, x \
	; VMOVUPS L_ONE, n \
	; VDIVPS  x, n, x

// TANH256(x, y, n, t, s, m): y = tanh(x), x unchanged. Clobbers n, t, s, m.
#define TANH256(x, y, n, t, s, m) \
	VANDPS      L_ABS, x, y \
	; VXORPS      y, x, s \
	; VCMPPS      $1, L_TH, y, m \
	; VADDPS      y, y, y \
	; EXP256(y, n, t) \
	; VADDPS      L_ONE, y, y \
	; VMOVUPS     L_TWO, n \
	; VDIVPS      y, n, y \
	; VMOVUPS     L_ONE, n \
	; VSUBPS      y, n, y \
	; VMULPS      x, x, n \
	; VMOVUPS     L_T0, t \
	; VFMADD213PS L_T1, n, t \
	; VFMADD213PS L_T2, n, t \
	; VFMADD213PS L_T3, n, t \
	; VFMADD213PS L_T4, n, t \
	; VMULPS      n, t, t \
	; VFMADD213PS x, x, t \
	; VBLENDVPS   m, t, y, y \
	; VORPS       s, y, y

// func lstmCellForwardAVX2(gates, cPrev, c, h []float32, n int)
//
// As lstmCellForwardAVX512 for the first n (a multiple of 8) of the
// H = len(c) elements; registers as there.
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

fwd2loop:
	LEAQ    (SI)(BX*2), R10
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(BX*1), Y1
	VMOVUPS (R10), Y2
	VMOVUPS (R10)(BX*1), Y3
	SIGMOID256(Y0, Y4, Y5)
	SIGMOID256(Y1, Y6, Y7)
	TANH256(Y2, Y8, Y9, Y10, Y11, Y12)
	SIGMOID256(Y3, Y13, Y14)
	VMOVUPS Y0, (SI)
	VMOVUPS Y1, (SI)(BX*1)
	VMOVUPS Y8, (R10)
	VMOVUPS Y3, (R10)(BX*1)

	// c = f·cPrev + i·g; h = o·tanh(c)
	VMULPS      Y8, Y0, Y5
	VFMADD231PS (DI), Y1, Y5
	VMOVUPS     Y5, (R8)
	TANH256(Y5, Y6, Y7, Y9, Y10, Y11)
	VMULPS      Y6, Y3, Y6
	VMOVUPS     Y6, (R9)

	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, R8
	ADDQ $32, R9
	DECQ DX
	JNZ  fwd2loop

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
	TANH256(Y5, Y8, Y9, Y10, Y11, Y12) // tc
	VMOVUPS L_ONE, Y15

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
