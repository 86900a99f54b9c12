//go:build !purego

#include "textflag.h"

// Row primitives of the plastic-trace kernels (see plastic_rows.go for what
// each computes; the Go versions rowXxxGo are the reference). Every element
// sees the reference's operations in the reference's order — separate
// VMULPS and VADDPS, no FMA — so elementwise results are bit-identical; only
// the returned sums are reassociated.
//
// AVX-512 loops run 16 lanes per iteration under the mask K1: all ones for
// full blocks, the low n−j bits (BZHI) for the tail, with zeroing masked
// loads and masked stores, so they never touch memory past the slices. Masked-
// off lanes load as 0 and contribute 0 to the sums.
//
// The AVX2 loops cover the largest multiple of 8 and return; the Go
// wrapper finishes the tail with the Go primitive.

// AVX512_MASK sets K1 for the iteration: all lanes if rem ≥ 16, else jumps
// to done when rem ≤ 0, else the low rem lanes. tmp is scratch. (R14 and R15
// are not used anywhere here: g, and the dynamic-linking scratch register.)
#define AVX512_MASK(rem, tmp, body, done) \
	CMPQ rem, $16; \
	JGE  body; \
	TESTQ rem, rem; \
	JLE  done; \
	MOVL $-1, tmp; \
	BZHIL rem, tmp, tmp; \
	KMOVW tmp, K1

// The AVX-512 row kernels write their loop body once, as a macro
// NAME_STEP(LD, ST) over the load and store forms below, and run it twice:
// with plain loads and stores on the whole vectors (VLOAD, VSTORE), then
// once more under the mask K1 on the tail (VLOADK, VSTOREK). A masked store
// costs about half as much again as a plain one on Zen 4/5 even with every
// lane set (measured: the retroactive backward row ran 1.5× faster at
// L2-resident sizes without the masks), so the masks stay on the tail.
#define VLOAD(m, r) VMOVUPS m, r
#define VSTORE(r, m) VMOVUPS r, m
#define VLOADK(m, r) VMOVUPS.Z m, K1, r
#define VSTOREK(r, m) VMOVUPS r, K1, m

// VEC_LOOP is that loop: it runs STEP over the CX elements at AX, whole
// vectors with plain loads and stores, then the tail under the mask K1 (see
// AVX512_MASK; tmp is its scratch register). AX and CX move by 16 per
// vector, so after the masked tail AX has overshot by −CX. full, tail and
// body are the loop's labels, unique per use; it goes on at next.
#define VEC_LOOP(STEP, tmp, full, tail, body, next) \
full: \
	CMPQ CX, $16; \
	JLT  tail; \
	STEP(VLOAD, VSTORE); \
	ADDQ $16, AX; \
	SUBQ $16, CX; \
	JMP  full; \
tail: \
	AVX512_MASK(CX, tmp, body, next); \
body: \
	STEP(VLOADK, VSTOREK); \
	ADDQ $16, AX; \
	SUBQ $16, CX; \
	JMP  tail

// HSUM512 adds the 16 lanes of Z0 into X0's lowest lane (clobbers Y15).
#define HSUM512 \
	VEXTRACTF64X4 $1, Z0, Y15; \
	VADDPS Y15, Y0, Y0; \
	VEXTRACTF128 $1, Y0, X15; \
	VADDPS X15, X0, X0; \
	VHADDPS X0, X0, X0; \
	VHADDPS X0, X0, X0

// ROW_BCAST broadcasts the float at the pointer held in frame slot SLOT to
// all lanes of Z and moves the pointer on by one float: a per-row scalar
// (h[i], pre[i]) of the whole-matrix kernels. Clobbers BX.
#define ROW_BCAST(SLOT, Z) \
	MOVQ SLOT, BX; \
	VBROADCASTSS (BX), Z; \
	ADDQ $4, BX; \
	MOVQ BX, SLOT

// ROW_SUM adds the 16 lanes of S into the float at the pointer held in
// frame slot SLOT and moves the pointer on by one float: a row's sum (dh[i],
// dpre[i]) of the whole-matrix kernels. Clobbers Z0, Y15 and BX.
#define ROW_SUM(S, SLOT) \
	VMOVAPS S, Z0; \
	HSUM512; \
	MOVQ SLOT, BX; \
	VADDSS (BX), X0, X0; \
	VMOVSS X0, (BX); \
	ADDQ $4, BX; \
	MOVQ BX, SLOT

// HSUM256 adds the 8 lanes of Y0 into X0's lowest lane (clobbers X15).
#define HSUM256 \
	VEXTRACTF128 $1, Y0, X15; \
	VADDPS X15, X0, X0; \
	VHADDPS X0, X0, X0; \
	VHADDPS X0, X0, X0

// func plasticMulAddRowAVX512(p, x, y []float32, s float32)
// p[j] += (s*x[j])*y[j] — rowMulAddGo.
TEXT ·plasticMulAddRowAVX512(SB), NOSPLIT, $0-76
	MOVQ p_base+0(FP), DI
	MOVQ p_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), R8
	VBROADCASTSS s+72(FP), Z8
	XORQ AX, AX
	KXNORW K1, K1, K1

#define MUL_STEP(LD, ST) \
	LD((SI)(AX*4), Z0); \
	LD((R8)(AX*4), Z1); \
	LD((DI)(AX*4), Z2); \
	VMULPS Z0, Z8, Z0; \
	VMULPS Z1, Z0, Z0; \
	VADDPS Z0, Z2, Z2; \
	ST(Z2, (DI)(AX*4))

	// Whole vectors with plain loads and stores, then the masked tail.
	VEC_LOOP(MUL_STEP, R9, mul_full, mul_loop, mul_body, mul_done)

mul_done:
	VZEROUPPER
	RET

// func plasticReadBackRowAVX512(dA, dW, a, w, da []float32, hi float32) float32
// rowReadBackGo.
TEXT ·plasticReadBackRowAVX512(SB), NOSPLIT, $0-132
	MOVQ dA_base+0(FP), DI
	MOVQ dA_len+8(FP), CX
	MOVQ dW_base+24(FP), SI
	MOVQ a_base+48(FP), R8
	MOVQ w_base+72(FP), R9
	MOVQ da_base+96(FP), R10
	VBROADCASTSS hi+120(FP), Z8
	VXORPS Z9, Z9, Z9
	XORQ AX, AX
	KXNORW K1, K1, K1

// RB_CORE is RB_STEP on the trace element already in Z0: the fused
// backward kernels compute it there instead of loading it.
#define RB_CORE(LD, ST) \
	LD((R8)(AX*4), Z1)  /* a */; \
	LD((R10)(AX*4), Z2) /* da */; \
	LD((DI)(AX*4), Z3)  /* dA */; \
	LD((SI)(AX*4), Z4)  /* dW */; \
	VMULPS Z0, Z8, Z5   /* hi*w */; \
	VMULPS Z2, Z5, Z5   /* (hi*w)*da */; \
	VADDPS Z5, Z3, Z3; \
	ST(Z3, (DI)(AX*4)); \
	VMULPS Z1, Z8, Z6   /* hi*a */; \
	VMULPS Z2, Z6, Z6; \
	VADDPS Z6, Z4, Z4; \
	ST(Z4, (SI)(AX*4)); \
	VMULPS Z0, Z1, Z7   /* a*w */; \
	VMULPS Z2, Z7, Z7; \
	VADDPS Z7, Z9, Z9

#define RB_STEP(LD, ST) \
	LD((R9)(AX*4), Z0)  /* w */; \
	RB_CORE(LD, ST)

	// Whole vectors with plain loads and stores, then the masked tail.
	VEC_LOOP(RB_STEP, R11, rb_full, rb_loop, rb_body, rb_done)

rb_done:
	VMOVAPS Z9, Z0
	HSUM512
	MOVSS   X0, ret+128(FP)
	VZEROUPPER
	RET

// func plasticModRowAVX512(M, scale, bias []float32, m float32)
// M[j] = scale[j]*m + bias[j] — rowModGo.
TEXT ·plasticModRowAVX512(SB), NOSPLIT, $0-76
	MOVQ M_base+0(FP), DI
	MOVQ M_len+8(FP), CX
	MOVQ scale_base+24(FP), SI
	MOVQ bias_base+48(FP), R8
	VBROADCASTSS m+72(FP), Z8
	XORQ AX, AX
	KXNORW K1, K1, K1

#define MOD_STEP(LD, ST) \
	LD((SI)(AX*4), Z0); \
	LD((R8)(AX*4), Z1); \
	VMULPS Z8, Z0, Z0; \
	VADDPS Z1, Z0, Z0; \
	ST(Z0, (DI)(AX*4))

	// Whole vectors with plain loads and stores, then the masked tail.
	VEC_LOOP(MOD_STEP, R9, mod_full, mod_loop, mod_body, mod_done)

mod_done:
	VZEROUPPER
	RET

// func plasticHebbRowAVX512(dst, w, post, M []float32, x, clip float32)
// dst[j] = clip(w[j] + M[j]*(x*post[j])) — rowHebbGo. The clamp keeps NaN:
// VMAXPS/VMINPS return their second source (u) when either is NaN.
TEXT ·plasticHebbRowAVX512(SB), NOSPLIT, $0-104
	MOVQ dst_base+0(FP), R11
	MOVQ dst_len+8(FP), CX
	MOVQ w_base+24(FP), DI
	MOVQ post_base+48(FP), SI
	MOVQ M_base+72(FP), R8
	VBROADCASTSS x+96(FP), Z8
	VBROADCASTSS clip+100(FP), Z10
	VXORPS Z9, Z9, Z9
	VSUBPS Z10, Z9, Z9            // −clip
	XORQ AX, AX
	KXNORW K1, K1, K1

#define HEBB_STEP(LD, ST) \
	LD((SI)(AX*4), Z0); \
	LD((R8)(AX*4), Z1); \
	LD((DI)(AX*4), Z2); \
	VMULPS Z0, Z8, Z0   /* d = x*post */; \
	VMULPS Z0, Z1, Z0   /* M*d */; \
	VADDPS Z0, Z2, Z2   /* u */; \
	VMAXPS Z2, Z9, Z2   /* max(−clip, u) */; \
	VMINPS Z2, Z10, Z2  /* min(clip, ·) */; \
	ST(Z2, (R11)(AX*4))

	// Whole vectors with plain loads and stores, then the masked tail.
	VEC_LOOP(HEBB_STEP, R9, hebb_full, hebb_loop, hebb_body, hebb_done)

hebb_done:
	VZEROUPPER
	RET

// func plasticHebbBackRowAVX512(dW, dpost, dM, w, post, M []float32, x, clip float32) float32
// rowHebbBackGo.
TEXT ·plasticHebbBackRowAVX512(SB), NOSPLIT, $0-156
	MOVQ dW_base+0(FP), DI
	MOVQ dW_len+8(FP), CX
	MOVQ dpost_base+24(FP), SI
	MOVQ dM_base+48(FP), R8
	MOVQ w_base+72(FP), R9
	MOVQ post_base+96(FP), R10
	MOVQ M_base+120(FP), R11
	VBROADCASTSS x+144(FP), Z8
	VBROADCASTSS clip+148(FP), Z10
	MOVL $0x7fffffff, R12
	VPBROADCASTD R12, Z11         // |·| mask
	VXORPS Z9, Z9, Z9             // Σ
	XORQ AX, AX
	KXNORW K1, K1, K1

#define HB_STEP(LD, ST) \
	LD((R10)(AX*4), Z0)    /* post */; \
	LD((R11)(AX*4), Z1)    /* M */; \
	LD((R9)(AX*4), Z2)     /* w */; \
	LD((DI)(AX*4), Z3)     /* dW */; \
	VMULPS Z0, Z8, Z4      /* d = x*post */; \
	VMULPS Z4, Z1, Z5      /* M*d */; \
	VADDPS Z5, Z2, Z5      /* u */; \
	VANDPS Z11, Z5, Z5     /* |u| */; \
	VCMPPS $2, Z10, Z5, K2 /* |u| ≤ clip (false for NaN) */; \
	VMOVAPS.Z Z3, K2, Z3   /* dU */; \
	ST(Z3, (DI)(AX*4)); \
	LD((R8)(AX*4), Z6); \
	VMULPS Z4, Z3, Z7      /* dU*d */; \
	VADDPS Z7, Z6, Z6; \
	ST(Z6, (R8)(AX*4)); \
	VMULPS Z1, Z3, Z7      /* dD = dU*M */; \
	VMULPS Z0, Z7, Z12     /* dD*post */; \
	VADDPS Z12, Z9, Z9; \
	LD((SI)(AX*4), Z13); \
	VMULPS Z8, Z7, Z12     /* dD*x */; \
	VADDPS Z12, Z13, Z13; \
	ST(Z13, (SI)(AX*4))

	// Whole vectors with plain loads and stores, then the masked tail.
	VEC_LOOP(HB_STEP, R13, hb_full, hb_loop, hb_body, hb_done)

hb_done:
	VMOVAPS Z9, Z0
	HSUM512
	MOVSS   X0, ret+152(FP)
	VZEROUPPER
	RET

// func plasticModBackRowAVX512(dscale, dbias, dM, scale []float32, m float32) float32
// rowModBackGo; dbias is skipped when empty.
TEXT ·plasticModBackRowAVX512(SB), NOSPLIT, $0-108
	MOVQ dscale_base+0(FP), DI
	MOVQ dscale_len+8(FP), CX
	MOVQ dbias_base+24(FP), SI
	MOVQ dbias_len+32(FP), R12
	MOVQ dM_base+48(FP), R8
	MOVQ scale_base+72(FP), R9
	VBROADCASTSS m+96(FP), Z8
	VXORPS Z9, Z9, Z9
	XORQ AX, AX
	KXNORW K1, K1, K1

mb_loop:
	AVX512_MASK(CX, R10, mb_body, mb_done)

mb_body:
	VMOVUPS.Z (R8)(AX*4), K1, Z0  // dM
	VMOVUPS.Z (R9)(AX*4), K1, Z1  // scale
	VMOVUPS.Z (DI)(AX*4), K1, Z2  // dscale
	VMULPS    Z8, Z0, Z3
	VADDPS    Z3, Z2, Z2
	VMOVUPS   Z2, K1, (DI)(AX*4)
	VMULPS    Z1, Z0, Z3
	VADDPS    Z3, Z9, Z9
	TESTQ     R12, R12
	JZ        mb_next
	VMOVUPS.Z (SI)(AX*4), K1, Z4
	VADDPS    Z0, Z4, Z4
	VMOVUPS   Z4, K1, (SI)(AX*4)

mb_next:
	ADDQ $16, AX
	SUBQ $16, CX
	JMP  mb_loop

mb_done:
	VMOVAPS Z9, Z0
	HSUM512
	MOVSS   X0, ret+104(FP)
	VZEROUPPER
	RET

// func plasticRetroRowAVX512(dw, de, w, e, post, M, eta []float32, x, clip float32)
// rowRetroGo.
TEXT ·plasticRetroRowAVX512(SB), NOSPLIT, $0-176
	MOVQ dw_base+0(FP), R12
	MOVQ dw_len+8(FP), CX
	MOVQ de_base+24(FP), R13
	MOVQ w_base+48(FP), DI
	MOVQ e_base+72(FP), SI
	MOVQ post_base+96(FP), R8
	MOVQ M_base+120(FP), R9
	MOVQ eta_base+144(FP), R10
	VBROADCASTSS x+168(FP), Z8
	VBROADCASTSS clip+172(FP), Z10
	VXORPS Z9, Z9, Z9
	VSUBPS Z10, Z9, Z9            // −clip
	MOVL $0x3f800000, R11
	VPBROADCASTD R11, Z11         // 1.0
	XORQ AX, AX
	KXNORW K1, K1, K1

#define RT_STEP(LD, ST) \
	LD((SI)(AX*4), Z0)  /* e */; \
	LD((R9)(AX*4), Z1)  /* M */; \
	LD((DI)(AX*4), Z2)  /* w */; \
	VMULPS Z0, Z1, Z3   /* M*e */; \
	VADDPS Z3, Z2, Z2; \
	VMAXPS Z2, Z9, Z2; \
	VMINPS Z2, Z10, Z2; \
	ST(Z2, (R12)(AX*4)); \
	LD((R8)(AX*4), Z4)  /* post */; \
	LD((R10)(AX*4), Z5) /* eta */; \
	VMULPS Z4, Z8, Z4   /* d = x*post */; \
	VSUBPS Z5, Z11, Z6  /* 1−eta */; \
	VMULPS Z0, Z6, Z6   /* (1−eta)*e */; \
	VMULPS Z4, Z5, Z4   /* eta*d */; \
	VADDPS Z4, Z6, Z6; \
	ST(Z6, (R13)(AX*4))

	// Whole vectors with plain loads and stores, then the masked tail.
	VEC_LOOP(RT_STEP, R11, rt_full, rt_loop, rt_body, rt_done)

rt_done:
	VZEROUPPER
	RET

// func plasticRetroBackRowAVX512(dW, dE, dpost, dM, deta, w, e, post, M, eta []float32, x, clip float32) float32
// rowRetroBackGo.
TEXT ·plasticRetroBackRowAVX512(SB), NOSPLIT, $0-252
	MOVQ dW_base+0(FP), DI
	MOVQ dW_len+8(FP), CX
	MOVQ dE_base+24(FP), SI
	MOVQ dpost_base+48(FP), R8
	MOVQ dM_base+72(FP), R9
	MOVQ deta_base+96(FP), R10
	MOVQ w_base+120(FP), R11
	MOVQ e_base+144(FP), R12
	MOVQ post_base+168(FP), R13
	MOVQ M_base+192(FP), BX
	VBROADCASTSS x+240(FP), Z8
	VBROADCASTSS clip+244(FP), Z10
	MOVL $0x7fffffff, DX
	VPBROADCASTD DX, Z11          // |·| mask
	MOVL $0x3f800000, DX
	VPBROADCASTD DX, Z12          // 1.0
	MOVQ eta_base+216(FP), DX
	VXORPS Z9, Z9, Z9             // Σ
	XORQ AX, AX
	KXNORW K1, K1, K1

rtb_loop:
	// Every register is taken: the tail's mask borrows DX (&eta) and
	// reloads it, the pointers being indexed rather than advanced.
	AVX512_MASK(CX, DX, rtb_body, rtb_done)
	MOVQ eta_base+216(FP), DX

rtb_body:
	VMOVUPS.Z (R12)(AX*4), K1, Z0 // e
	VMOVUPS.Z (BX)(AX*4), K1, Z1  // M
	VMOVUPS.Z (R11)(AX*4), K1, Z2 // w
	VMOVUPS.Z (DI)(AX*4), K1, Z3  // dW
	VMULPS    Z0, Z1, Z4          // M*e
	VADDPS    Z4, Z2, Z4          // u
	VANDPS    Z11, Z4, Z4
	VCMPPS    $2, Z10, Z4, K2
	VMOVAPS.Z Z3, K2, Z3          // dU
	VMOVUPS   Z3, K1, (DI)(AX*4)
	VMOVUPS.Z (R9)(AX*4), K1, Z5  // dM
	VMULPS    Z0, Z3, Z6          // dU*e
	VADDPS    Z6, Z5, Z5
	VMOVUPS   Z5, K1, (R9)(AX*4)
	VMOVUPS.Z (DX)(AX*4), K1, Z5  // eta
	VMOVUPS.Z (SI)(AX*4), K1, Z6  // dE
	VSUBPS    Z5, Z12, Z7         // 1−eta
	VMULPS    Z6, Z7, Z7          // (1−eta)*dE
	VMULPS    Z3, Z1, Z13         // M*dU
	VADDPS    Z13, Z7, Z7
	VMOVUPS   Z7, K1, (SI)(AX*4)
	VMOVUPS.Z (R13)(AX*4), K1, Z13 // post
	VMULPS    Z13, Z8, Z14        // d = x*post
	VSUBPS    Z0, Z14, Z14        // d − e
	VMULPS    Z14, Z6, Z14        // dE*(d−e)
	VMOVUPS.Z (R10)(AX*4), K1, Z7 // deta
	VADDPS    Z14, Z7, Z7
	VMOVUPS   Z7, K1, (R10)(AX*4)
	VMULPS    Z6, Z5, Z6          // dD = eta*dE
	VMULPS    Z13, Z6, Z14        // dD*post
	VADDPS    Z14, Z9, Z9
	VMOVUPS.Z (R8)(AX*4), K1, Z7  // dpost
	VMULPS    Z8, Z6, Z14         // dD*x
	VADDPS    Z14, Z7, Z7
	VMOVUPS   Z7, K1, (R8)(AX*4)
	ADDQ      $16, AX
	SUBQ      $16, CX
	JMP       rtb_loop

rtb_done:
	VMOVAPS Z9, Z0
	HSUM512
	MOVSS   X0, ret+248(FP)
	VZEROUPPER
	RET

// func plasticMulAddRowAVX2(p, x, y []float32, s float32)
// p[j] += (s*x[j])*y[j] — rowMulAddGo.
TEXT ·plasticMulAddRowAVX2(SB), NOSPLIT, $0-76
	MOVQ p_base+0(FP), DI
	MOVQ p_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), R8
	VBROADCASTSS s+72(FP), Y8
	XORQ AX, AX
	SHRQ $3, CX
	JZ   mul_done_avx2

mul_loop_avx2:
	VMOVUPS   (SI)(AX*4), Y0
	VMOVUPS   (R8)(AX*4), Y1
	VMOVUPS   (DI)(AX*4), Y2
	VMULPS    Y0, Y8, Y0
	VMULPS    Y1, Y0, Y0
	VADDPS    Y0, Y2, Y2
	VMOVUPS   Y2, (DI)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JNZ       mul_loop_avx2

mul_done_avx2:
	VZEROUPPER
	RET

// func plasticReadBackRowAVX2(dA, dW, a, w, da []float32, hi float32) float32
// rowReadBackGo.
TEXT ·plasticReadBackRowAVX2(SB), NOSPLIT, $0-132
	MOVQ dA_base+0(FP), DI
	MOVQ dA_len+8(FP), CX
	MOVQ dW_base+24(FP), SI
	MOVQ a_base+48(FP), R8
	MOVQ w_base+72(FP), R9
	MOVQ da_base+96(FP), R10
	VBROADCASTSS hi+120(FP), Y8
	VXORPS Y9, Y9, Y9
	XORQ AX, AX
	SHRQ $3, CX
	JZ   rb_done_avx2

rb_loop_avx2:
	VMOVUPS   (R9)(AX*4), Y0  // w
	VMOVUPS   (R8)(AX*4), Y1  // a
	VMOVUPS   (R10)(AX*4), Y2 // da
	VMOVUPS   (DI)(AX*4), Y3  // dA
	VMOVUPS   (SI)(AX*4), Y4  // dW
	VMULPS    Y0, Y8, Y5          // hi*w
	VMULPS    Y2, Y5, Y5          // (hi*w)*da
	VADDPS    Y5, Y3, Y3
	VMOVUPS   Y3, (DI)(AX*4)
	VMULPS    Y1, Y8, Y6          // hi*a
	VMULPS    Y2, Y6, Y6
	VADDPS    Y6, Y4, Y4
	VMOVUPS   Y4, (SI)(AX*4)
	VMULPS    Y0, Y1, Y7          // a*w
	VMULPS    Y2, Y7, Y7
	VADDPS    Y7, Y9, Y9
	ADDQ      $8, AX
	DECQ      CX
	JNZ       rb_loop_avx2

rb_done_avx2:
	VMOVAPS Y9, Y0
	HSUM256
	MOVSS   X0, ret+128(FP)
	VZEROUPPER
	RET

// func plasticModRowAVX2(M, scale, bias []float32, m float32)
// M[j] = scale[j]*m + bias[j] — rowModGo.
TEXT ·plasticModRowAVX2(SB), NOSPLIT, $0-76
	MOVQ M_base+0(FP), DI
	MOVQ M_len+8(FP), CX
	MOVQ scale_base+24(FP), SI
	MOVQ bias_base+48(FP), R8
	VBROADCASTSS m+72(FP), Y8
	XORQ AX, AX
	SHRQ $3, CX
	JZ   mod_done_avx2

mod_loop_avx2:
	VMOVUPS   (SI)(AX*4), Y0
	VMOVUPS   (R8)(AX*4), Y1
	VMULPS    Y8, Y0, Y0
	VADDPS    Y1, Y0, Y0
	VMOVUPS   Y0, (DI)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JNZ       mod_loop_avx2

mod_done_avx2:
	VZEROUPPER
	RET

// func plasticHebbRowAVX2(dst, w, post, M []float32, x, clip float32)
// w[j] = clip(w[j] + M[j]*(x*post[j])) — rowHebbGo. The clamp keeps NaN:
// VMAXPS/VMINPS return their second source (u) when either is NaN.
TEXT ·plasticHebbRowAVX2(SB), NOSPLIT, $0-104
	MOVQ dst_base+0(FP), R11
	MOVQ dst_len+8(FP), CX
	MOVQ w_base+24(FP), DI
	MOVQ post_base+48(FP), SI
	MOVQ M_base+72(FP), R8
	VBROADCASTSS x+96(FP), Y8
	VBROADCASTSS clip+100(FP), Y10
	VXORPS Y9, Y9, Y9
	VSUBPS Y10, Y9, Y9            // −clip
	XORQ AX, AX
	SHRQ $3, CX
	JZ   hebb_done_avx2

hebb_loop_avx2:
	VMOVUPS   (SI)(AX*4), Y0
	VMOVUPS   (R8)(AX*4), Y1
	VMOVUPS   (DI)(AX*4), Y2
	VMULPS    Y0, Y8, Y0          // d = x*post
	VMULPS    Y0, Y1, Y0          // M*d
	VADDPS    Y0, Y2, Y2          // u
	VMAXPS    Y2, Y9, Y2          // max(−clip, u)
	VMINPS    Y2, Y10, Y2         // min(clip, ·)
	VMOVUPS   Y2, (R11)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JNZ       hebb_loop_avx2

hebb_done_avx2:
	VZEROUPPER
	RET

// func plasticHebbBackRowAVX2(dW, dpost, dM, w, post, M []float32, x, clip float32) float32
// rowHebbBackGo.
TEXT ·plasticHebbBackRowAVX2(SB), NOSPLIT, $0-156
	MOVQ dW_base+0(FP), DI
	MOVQ dW_len+8(FP), CX
	MOVQ dpost_base+24(FP), SI
	MOVQ dM_base+48(FP), R8
	MOVQ w_base+72(FP), R9
	MOVQ post_base+96(FP), R10
	MOVQ M_base+120(FP), R11
	VBROADCASTSS x+144(FP), Y8
	VBROADCASTSS clip+148(FP), Y10
	MOVL $0x7fffffff, R12
	MOVQ R12, X11
	VPBROADCASTD X11, Y11         // |·| mask
	VXORPS Y9, Y9, Y9             // Σ
	XORQ AX, AX
	SHRQ $3, CX
	JZ   hb_done_avx2

hb_loop_avx2:
	VMOVUPS   (R10)(AX*4), Y0 // post
	VMOVUPS   (R11)(AX*4), Y1 // M
	VMOVUPS   (R9)(AX*4), Y2  // w
	VMOVUPS   (DI)(AX*4), Y3  // dW
	VMULPS    Y0, Y8, Y4          // d = x*post
	VMULPS    Y4, Y1, Y5          // M*d
	VADDPS    Y5, Y2, Y5          // u
	VANDPS    Y11, Y5, Y5         // |u|
	VCMPPS    $2, Y10, Y5, Y5     // |u| ≤ clip (false for NaN)
	VANDPS    Y5, Y3, Y3          // dU
	VMOVUPS   Y3, (DI)(AX*4)
	VMOVUPS   (R8)(AX*4), Y6
	VMULPS    Y4, Y3, Y7          // dU*d
	VADDPS    Y7, Y6, Y6
	VMOVUPS   Y6, (R8)(AX*4)
	VMULPS    Y1, Y3, Y7          // dD = dU*M
	VMULPS    Y0, Y7, Y12         // dD*post
	VADDPS    Y12, Y9, Y9
	VMOVUPS   (SI)(AX*4), Y13
	VMULPS    Y8, Y7, Y12         // dD*x
	VADDPS    Y12, Y13, Y13
	VMOVUPS   Y13, (SI)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JNZ       hb_loop_avx2

hb_done_avx2:
	VMOVAPS Y9, Y0
	HSUM256
	MOVSS   X0, ret+152(FP)
	VZEROUPPER
	RET

// func plasticModBackRowAVX2(dscale, dbias, dM, scale []float32, m float32) float32
// rowModBackGo; dbias is skipped when empty.
TEXT ·plasticModBackRowAVX2(SB), NOSPLIT, $0-108
	MOVQ dscale_base+0(FP), DI
	MOVQ dscale_len+8(FP), CX
	MOVQ dbias_base+24(FP), SI
	MOVQ dbias_len+32(FP), R12
	MOVQ dM_base+48(FP), R8
	MOVQ scale_base+72(FP), R9
	VBROADCASTSS m+96(FP), Y8
	VXORPS Y9, Y9, Y9
	XORQ AX, AX
	SHRQ $3, CX
	JZ   mb_done_avx2

mb_loop_avx2:
	VMOVUPS   (R8)(AX*4), Y0  // dM
	VMOVUPS   (R9)(AX*4), Y1  // scale
	VMOVUPS   (DI)(AX*4), Y2  // dscale
	VMULPS    Y8, Y0, Y3
	VADDPS    Y3, Y2, Y2
	VMOVUPS   Y2, (DI)(AX*4)
	VMULPS    Y1, Y0, Y3
	VADDPS    Y3, Y9, Y9
	TESTQ     R12, R12
	JZ        mb_next_avx2
	VMOVUPS   (SI)(AX*4), Y4
	VADDPS    Y0, Y4, Y4
	VMOVUPS   Y4, (SI)(AX*4)

mb_next_avx2:
	ADDQ $8, AX
	DECQ CX
	JNZ  mb_loop_avx2

mb_done_avx2:
	VMOVAPS Y9, Y0
	HSUM256
	MOVSS   X0, ret+104(FP)
	VZEROUPPER
	RET

// func plasticRetroRowAVX2(dw, de, w, e, post, M, eta []float32, x, clip float32)
// rowRetroGo.
TEXT ·plasticRetroRowAVX2(SB), NOSPLIT, $0-176
	MOVQ dw_base+0(FP), R12
	MOVQ dw_len+8(FP), CX
	MOVQ de_base+24(FP), R13
	MOVQ w_base+48(FP), DI
	MOVQ e_base+72(FP), SI
	MOVQ post_base+96(FP), R8
	MOVQ M_base+120(FP), R9
	MOVQ eta_base+144(FP), R10
	VBROADCASTSS x+168(FP), Y8
	VBROADCASTSS clip+172(FP), Y10
	VXORPS Y9, Y9, Y9
	VSUBPS Y10, Y9, Y9            // −clip
	MOVL $0x3f800000, R11
	MOVQ R11, X11
	VPBROADCASTD X11, Y11         // 1.0
	XORQ AX, AX
	SHRQ $3, CX
	JZ   rt_done_avx2

rt_loop_avx2:
	VMOVUPS   (SI)(AX*4), Y0  // e
	VMOVUPS   (R9)(AX*4), Y1  // M
	VMOVUPS   (DI)(AX*4), Y2  // w
	VMULPS    Y0, Y1, Y3          // M*e
	VADDPS    Y3, Y2, Y2
	VMAXPS    Y2, Y9, Y2
	VMINPS    Y2, Y10, Y2
	VMOVUPS   Y2, (R12)(AX*4)
	VMOVUPS   (R8)(AX*4), Y4  // post
	VMOVUPS   (R10)(AX*4), Y5 // eta
	VMULPS    Y4, Y8, Y4          // d = x*post
	VSUBPS    Y5, Y11, Y6         // 1−eta
	VMULPS    Y0, Y6, Y6          // (1−eta)*e
	VMULPS    Y4, Y5, Y4          // eta*d
	VADDPS    Y4, Y6, Y6
	VMOVUPS   Y6, (R13)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JNZ       rt_loop_avx2

rt_done_avx2:
	VZEROUPPER
	RET

// func plasticRetroBackRowAVX2(dW, dE, dpost, dM, deta, w, e, post, M, eta []float32, x, clip float32) float32
// rowRetroBackGo.
TEXT ·plasticRetroBackRowAVX2(SB), NOSPLIT, $0-252
	MOVQ dW_base+0(FP), DI
	MOVQ dW_len+8(FP), CX
	MOVQ dE_base+24(FP), SI
	MOVQ dpost_base+48(FP), R8
	MOVQ dM_base+72(FP), R9
	MOVQ deta_base+96(FP), R10
	MOVQ w_base+120(FP), R11
	MOVQ e_base+144(FP), R12
	MOVQ post_base+168(FP), R13
	MOVQ M_base+192(FP), BX
	VBROADCASTSS x+240(FP), Y8
	VBROADCASTSS clip+244(FP), Y10
	MOVL $0x7fffffff, DX
	MOVQ DX, X11
	VPBROADCASTD X11, Y11         // |·| mask
	MOVL $0x3f800000, DX
	MOVQ DX, X12
	VPBROADCASTD X12, Y12         // 1.0
	MOVQ eta_base+216(FP), DX
	VXORPS Y9, Y9, Y9             // Σ
	XORQ AX, AX
	SHRQ $3, CX
	JZ   rtb_done_avx2

rtb_loop_avx2:
	VMOVUPS   (R12)(AX*4), Y0 // e
	VMOVUPS   (BX)(AX*4), Y1  // M
	VMOVUPS   (R11)(AX*4), Y2 // w
	VMOVUPS   (DI)(AX*4), Y3  // dW
	VMULPS    Y0, Y1, Y4          // M*e
	VADDPS    Y4, Y2, Y4          // u
	VANDPS    Y11, Y4, Y4
	VCMPPS    $2, Y10, Y4, Y4
	VANDPS    Y4, Y3, Y3          // dU
	VMOVUPS   Y3, (DI)(AX*4)
	VMOVUPS   (R9)(AX*4), Y5  // dM
	VMULPS    Y0, Y3, Y6          // dU*e
	VADDPS    Y6, Y5, Y5
	VMOVUPS   Y5, (R9)(AX*4)
	VMOVUPS   (DX)(AX*4), Y5  // eta
	VMOVUPS   (SI)(AX*4), Y6  // dE
	VSUBPS    Y5, Y12, Y7         // 1−eta
	VMULPS    Y6, Y7, Y7          // (1−eta)*dE
	VMULPS    Y3, Y1, Y13         // M*dU
	VADDPS    Y13, Y7, Y7
	VMOVUPS   Y7, (SI)(AX*4)
	VMOVUPS   (R13)(AX*4), Y13 // post
	VMULPS    Y13, Y8, Y14        // d = x*post
	VSUBPS    Y0, Y14, Y14        // d − e
	VMULPS    Y14, Y6, Y14        // dE*(d−e)
	VMOVUPS   (R10)(AX*4), Y7 // deta
	VADDPS    Y14, Y7, Y7
	VMOVUPS   Y7, (R10)(AX*4)
	VMULPS    Y6, Y5, Y6          // dD = eta*dE
	VMULPS    Y13, Y6, Y14        // dD*post
	VADDPS    Y14, Y9, Y9
	VMOVUPS   (R8)(AX*4), Y7  // dpost
	VMULPS    Y8, Y6, Y14         // dD*x
	VADDPS    Y14, Y7, Y7
	VMOVUPS   Y7, (R8)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JNZ       rtb_loop_avx2

rtb_done_avx2:
	VMOVAPS Y9, Y0
	HSUM256
	MOVSS   X0, ret+248(FP)
	VZEROUPPER
	RET

// func plasticHebbFanRowAVX512(dst, w, post, u, beta []float32, x, m, clip float32)
// rowHebbFanGo: the trace update with M = u*m + beta computed in the pass.
TEXT ·plasticHebbFanRowAVX512(SB), NOSPLIT, $0-132
	MOVQ dst_base+0(FP), R11
	MOVQ dst_len+8(FP), CX
	MOVQ w_base+24(FP), DI
	MOVQ post_base+48(FP), SI
	MOVQ u_base+72(FP), R8
	MOVQ beta_base+96(FP), R9
	VBROADCASTSS x+120(FP), Z8
	VBROADCASTSS m+124(FP), Z12
	VBROADCASTSS clip+128(FP), Z10
	VXORPS Z9, Z9, Z9
	VSUBPS Z10, Z9, Z9            // −clip
	XORQ AX, AX
	KXNORW K1, K1, K1

#define HF_STEP(LD, ST) \
	LD((SI)(AX*4), Z0); \
	LD((R8)(AX*4), Z1); \
	LD((R9)(AX*4), Z3); \
	LD((DI)(AX*4), Z2); \
	VMULPS Z0, Z8, Z0   /* d = x*post */; \
	VMULPS Z12, Z1, Z1  /* u*m */; \
	VADDPS Z3, Z1, Z1   /* M = u*m + beta */; \
	VMULPS Z0, Z1, Z0   /* M*d */; \
	VADDPS Z0, Z2, Z2   /* w + M*d */; \
	VMAXPS Z2, Z9, Z2; \
	VMINPS Z2, Z10, Z2; \
	ST(Z2, (R11)(AX*4))

	// Whole vectors with plain loads and stores, then the masked tail.
	VEC_LOOP(HF_STEP, R10, hf_full, hf_loop, hf_body, hf_done)

hf_done:
	VZEROUPPER
	RET

// func plasticHebbFanBackRowAVX512(dW, dpost, dU, dB, w, post, u, beta []float32, x, m, clip float32) (s, dm float32)
// rowHebbFanBackGo.
TEXT ·plasticHebbFanBackRowAVX512(SB), NOSPLIT, $0-216
	MOVQ dW_base+0(FP), DI
	MOVQ dW_len+8(FP), CX
	MOVQ dpost_base+24(FP), SI
	MOVQ dU_base+48(FP), R8
	MOVQ dB_base+72(FP), R9
	MOVQ w_base+96(FP), R10
	MOVQ post_base+120(FP), R11
	MOVQ u_base+144(FP), R12
	MOVQ beta_base+168(FP), R13
	VBROADCASTSS x+192(FP), Z8
	VBROADCASTSS m+196(FP), Z12
	VBROADCASTSS clip+200(FP), Z10
	MOVL $0x7fffffff, BX
	VPBROADCASTD BX, Z11          // |·| mask
	VXORPS Z9, Z9, Z9             // Σ dD*post
	VXORPS Z16, Z16, Z16          // Σ dM*u
	XORQ AX, AX
	KXNORW K1, K1, K1

#define HFB_STEP(LD, ST) \
	LD((R11)(AX*4), Z0)    /* post */; \
	LD((R12)(AX*4), Z1)    /* u */; \
	LD((R13)(AX*4), Z3)    /* beta */; \
	LD((R10)(AX*4), Z2)    /* w */; \
	VMULPS Z0, Z8, Z4      /* d = x*post */; \
	VMULPS Z12, Z1, Z5     /* u*m */; \
	VADDPS Z3, Z5, Z5      /* M */; \
	VMULPS Z4, Z5, Z6      /* M*d */; \
	VADDPS Z6, Z2, Z6      /* pre-clip value */; \
	VANDPS Z11, Z6, Z6; \
	VCMPPS $2, Z10, Z6, K2 /* |·| ≤ clip (false for NaN) */; \
	LD((DI)(AX*4), Z7); \
	VMOVAPS.Z Z7, K2, Z7   /* g: the gradient through the clip */; \
	ST(Z7, (DI)(AX*4)); \
	VMULPS Z4, Z7, Z13     /* dM = g*d */; \
	LD((R8)(AX*4), Z14); \
	VMULPS Z12, Z13, Z6    /* dM*m */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (R8)(AX*4)); \
	LD((R9)(AX*4), Z14); \
	VADDPS Z13, Z14, Z14; \
	ST(Z14, (R9)(AX*4)); \
	VMULPS Z1, Z13, Z6     /* dM*u */; \
	VADDPS Z6, Z16, Z16; \
	VMULPS Z5, Z7, Z7      /* dD = g*M */; \
	VMULPS Z0, Z7, Z6      /* dD*post */; \
	VADDPS Z6, Z9, Z9; \
	LD((SI)(AX*4), Z14); \
	VMULPS Z8, Z7, Z6      /* dD*x */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (SI)(AX*4))

	// Whole vectors with plain loads and stores, then the masked tail.
	VEC_LOOP(HFB_STEP, BX, hfb_full, hfb_loop, hfb_body, hfb_done)

hfb_done:
	VMOVAPS Z9, Z0
	HSUM512
	MOVSS   X0, s+208(FP)
	VMOVAPS Z16, Z0
	HSUM512
	MOVSS   X0, dm+212(FP)
	VZEROUPPER
	RET

// func plasticHebbFanRowAVX2(dst, w, post, u, beta []float32, x, m, clip float32)
// rowHebbFanGo for len(dst) a multiple of 8.
TEXT ·plasticHebbFanRowAVX2(SB), NOSPLIT, $0-132
	MOVQ dst_base+0(FP), R11
	MOVQ dst_len+8(FP), CX
	MOVQ w_base+24(FP), DI
	MOVQ post_base+48(FP), SI
	MOVQ u_base+72(FP), R8
	MOVQ beta_base+96(FP), R9
	VBROADCASTSS x+120(FP), Y8
	VBROADCASTSS m+124(FP), Y12
	VBROADCASTSS clip+128(FP), Y10
	VXORPS Y9, Y9, Y9
	VSUBPS Y10, Y9, Y9            // −clip
	XORQ AX, AX
	SHRQ $3, CX
	JZ   hf_done_avx2

hf_loop_avx2:
	VMOVUPS   (SI)(AX*4), Y0
	VMOVUPS   (R8)(AX*4), Y1
	VMOVUPS   (R9)(AX*4), Y3
	VMOVUPS   (DI)(AX*4), Y2
	VMULPS    Y0, Y8, Y0          // d = x*post
	VMULPS    Y12, Y1, Y1         // u*m
	VADDPS    Y3, Y1, Y1          // M
	VMULPS    Y0, Y1, Y0          // M*d
	VADDPS    Y0, Y2, Y2
	VMAXPS    Y2, Y9, Y2
	VMINPS    Y2, Y10, Y2
	VMOVUPS   Y2, (R11)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JNZ       hf_loop_avx2

hf_done_avx2:
	VZEROUPPER
	RET

// func plasticHebbFanBackRowAVX2(dW, dpost, dU, dB, w, post, u, beta []float32, x, m, clip float32) (s, dm float32)
// rowHebbFanBackGo for len(dW) a multiple of 8.
TEXT ·plasticHebbFanBackRowAVX2(SB), NOSPLIT, $0-216
	MOVQ dW_base+0(FP), DI
	MOVQ dW_len+8(FP), CX
	MOVQ dpost_base+24(FP), SI
	MOVQ dU_base+48(FP), R8
	MOVQ dB_base+72(FP), R9
	MOVQ w_base+96(FP), R10
	MOVQ post_base+120(FP), R11
	MOVQ u_base+144(FP), R12
	MOVQ beta_base+168(FP), R13
	VBROADCASTSS x+192(FP), Y8
	VBROADCASTSS m+196(FP), Y12
	VBROADCASTSS clip+200(FP), Y10
	MOVL $0x7fffffff, BX
	MOVQ BX, X11
	VPBROADCASTD X11, Y11         // |·| mask
	VXORPS Y9, Y9, Y9             // Σ dD*post
	VXORPS Y15, Y15, Y15          // Σ dM*u
	XORQ AX, AX
	SHRQ $3, CX
	JZ   hfb_done_avx2

hfb_loop_avx2:
	VMOVUPS   (R11)(AX*4), Y0     // post
	VMOVUPS   (R12)(AX*4), Y1     // u
	VMOVUPS   (R13)(AX*4), Y3     // beta
	VMOVUPS   (R10)(AX*4), Y2     // w
	VMULPS    Y0, Y8, Y4          // d = x*post
	VMULPS    Y12, Y1, Y5         // u*m
	VADDPS    Y3, Y5, Y5          // M
	VMULPS    Y4, Y5, Y6          // M*d
	VADDPS    Y6, Y2, Y6
	VANDPS    Y11, Y6, Y6
	VCMPPS    $2, Y10, Y6, Y6     // |·| ≤ clip (false for NaN)
	VMOVUPS   (DI)(AX*4), Y7
	VANDPS    Y6, Y7, Y7          // g
	VMOVUPS   Y7, (DI)(AX*4)
	VMULPS    Y4, Y7, Y13         // dM = g*d
	VMOVUPS   (R8)(AX*4), Y14
	VMULPS    Y12, Y13, Y6        // dM*m
	VADDPS    Y6, Y14, Y14
	VMOVUPS   Y14, (R8)(AX*4)
	VMOVUPS   (R9)(AX*4), Y14
	VADDPS    Y13, Y14, Y14
	VMOVUPS   Y14, (R9)(AX*4)
	VMULPS    Y1, Y13, Y6         // dM*u
	VADDPS    Y6, Y15, Y15
	VMULPS    Y5, Y7, Y7          // dD = g*M
	VMULPS    Y0, Y7, Y6          // dD*post
	VADDPS    Y6, Y9, Y9
	VMOVUPS   (SI)(AX*4), Y14
	VMULPS    Y8, Y7, Y6          // dD*x
	VADDPS    Y6, Y14, Y14
	VMOVUPS   Y14, (SI)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JNZ       hfb_loop_avx2

hfb_done_avx2:
	VMOVAPS Y15, Y1               // HSUM256 clobbers X15
	VMOVAPS Y9, Y0
	HSUM256
	MOVSS   X0, s+208(FP)
	VMOVAPS Y1, Y0
	HSUM256
	MOVSS   X0, dm+212(FP)
	VZEROUPPER
	RET

// func plasticRetroFanRowAVX512(dw, de, w, e, post, u, beta, eta []float32, x, m, clip float32)
// rowRetroFanGo: the retroactive update with M = u*m + beta computed in the pass.
TEXT ·plasticRetroFanRowAVX512(SB), NOSPLIT, $0-204
	MOVQ dw_base+0(FP), R12
	MOVQ dw_len+8(FP), CX
	MOVQ de_base+24(FP), R13
	MOVQ w_base+48(FP), DI
	MOVQ e_base+72(FP), SI
	MOVQ post_base+96(FP), R8
	MOVQ u_base+120(FP), R9
	MOVQ beta_base+144(FP), R10
	MOVQ eta_base+168(FP), R11
	VBROADCASTSS x+192(FP), Z8
	VBROADCASTSS m+196(FP), Z12
	VBROADCASTSS clip+200(FP), Z10
	VXORPS Z9, Z9, Z9
	VSUBPS Z10, Z9, Z9            // −clip
	MOVL $0x3f800000, BX
	VPBROADCASTD BX, Z11          // 1.0
	XORQ AX, AX
	KXNORW K1, K1, K1

#define RF_STEP(LD, ST) \
	LD((SI)(AX*4), Z0)  /* e */; \
	LD((R9)(AX*4), Z1)  /* u */; \
	LD((R10)(AX*4), Z3) /* beta */; \
	VMULPS Z12, Z1, Z1; \
	VADDPS Z3, Z1, Z1   /* M = u*m + beta */; \
	LD((DI)(AX*4), Z2)  /* w */; \
	VMULPS Z0, Z1, Z4   /* M*e */; \
	VADDPS Z4, Z2, Z2; \
	VMAXPS Z2, Z9, Z2; \
	VMINPS Z2, Z10, Z2; \
	ST(Z2, (R12)(AX*4)); \
	LD((R8)(AX*4), Z4)  /* post */; \
	LD((R11)(AX*4), Z5) /* eta */; \
	VMULPS Z4, Z8, Z4   /* d = x*post */; \
	VSUBPS Z5, Z11, Z6  /* 1−eta */; \
	VMULPS Z0, Z6, Z6   /* (1−eta)*e */; \
	VMULPS Z4, Z5, Z4   /* eta*d */; \
	VADDPS Z4, Z6, Z6; \
	ST(Z6, (R13)(AX*4))

	// Whole vectors with plain loads and stores, then the masked tail.
	VEC_LOOP(RF_STEP, BX, rf_full, rf_loop, rf_body, rf_done)

rf_done:
	VZEROUPPER
	RET

// func plasticRetroFanBackRowAVX512(dW, dE, dpost, dU, dB, deta, w, e, post, u, beta, eta []float32, x, m, clip float32) (s, dm float32)
// rowRetroFanBackGo. Twelve streams outgrow the registers: beta, eta and
// deta are addressed through BX, reloaded from the arguments each time.
TEXT ·plasticRetroFanBackRowAVX512(SB), NOSPLIT, $24-312
	MOVQ beta_base+240(FP), BX
	MOVQ BX, beta-8(SP)
	MOVQ eta_base+264(FP), BX
	MOVQ BX, eta-16(SP)
	MOVQ deta_base+120(FP), BX
	MOVQ BX, deta-24(SP)
	MOVQ dW_base+0(FP), DI
	MOVQ dW_len+8(FP), CX
	MOVQ dE_base+24(FP), SI
	MOVQ dpost_base+48(FP), R8
	MOVQ dU_base+72(FP), R9
	MOVQ dB_base+96(FP), R10
	MOVQ w_base+144(FP), R11
	MOVQ e_base+168(FP), R12
	MOVQ post_base+192(FP), R13
	MOVQ u_base+216(FP), DX
	VBROADCASTSS x+288(FP), Z8
	VBROADCASTSS m+292(FP), Z12
	VBROADCASTSS clip+296(FP), Z10
	MOVL $0x7fffffff, BX
	VPBROADCASTD BX, Z11          // |·| mask
	MOVL $0x3f800000, BX
	VPBROADCASTD BX, Z17          // 1.0
	VXORPS Z9, Z9, Z9             // Σ dD*post
	VXORPS Z16, Z16, Z16          // Σ dM*u
	XORQ AX, AX
	KXNORW K1, K1, K1

// RFB_STEP reads the base pointers of beta, eta and deta from the frame
// slots beta-8, eta-16 and deta-24 (out of registers): each kernel that
// uses it stores them there first.
#define RFB_STEP(LD, ST) \
	LD((R12)(AX*4), Z0)        /* e */; \
	LD((DX)(AX*4), Z1)         /* u */; \
	MOVQ beta-8(SP), BX; \
	LD((BX)(AX*4), Z3)         /* beta */; \
	VMULPS Z12, Z1, Z5; \
	VADDPS Z3, Z5, Z5          /* M = u*m + beta */; \
	LD((R11)(AX*4), Z2)        /* w */; \
	VMULPS Z0, Z5, Z6          /* M*e */; \
	VADDPS Z6, Z2, Z6; \
	VANDPS Z11, Z6, Z6; \
	VCMPPS $2, Z10, Z6, K2     /* |·| ≤ clip (false for NaN) */; \
	LD((DI)(AX*4), Z7); \
	VMOVAPS.Z Z7, K2, Z7       /* g */; \
	ST(Z7, (DI)(AX*4)); \
	VMULPS Z0, Z7, Z13         /* dM = g*e */; \
	LD((R9)(AX*4), Z14); \
	VMULPS Z12, Z13, Z6        /* dM*m */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (R9)(AX*4)); \
	LD((R10)(AX*4), Z14); \
	VADDPS Z13, Z14, Z14; \
	ST(Z14, (R10)(AX*4)); \
	VMULPS Z1, Z13, Z6         /* dM*u */; \
	VADDPS Z6, Z16, Z16; \
	MOVQ eta-16(SP), BX; \
	LD((BX)(AX*4), Z18)        /* eta */; \
	LD((SI)(AX*4), Z19)        /* dE */; \
	VSUBPS Z18, Z17, Z20       /* 1−eta */; \
	VMULPS Z19, Z20, Z20       /* (1−eta)*dE */; \
	VMULPS Z7, Z5, Z21         /* M*g */; \
	VADDPS Z21, Z20, Z20; \
	ST(Z20, (SI)(AX*4)); \
	LD((R13)(AX*4), Z4)        /* post */; \
	VMULPS Z4, Z8, Z22         /* d = x*post */; \
	VSUBPS Z0, Z22, Z22        /* d − e */; \
	VMULPS Z22, Z19, Z22       /* dE*(d−e) */; \
	MOVQ deta-24(SP), BX; \
	LD((BX)(AX*4), Z23); \
	VADDPS Z22, Z23, Z23; \
	ST(Z23, (BX)(AX*4)); \
	VMULPS Z19, Z18, Z24       /* dD = eta*dE */; \
	VMULPS Z4, Z24, Z6         /* dD*post */; \
	VADDPS Z6, Z9, Z9; \
	LD((R8)(AX*4), Z14); \
	VMULPS Z8, Z24, Z6         /* dD*x */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (R8)(AX*4))

	// Whole vectors with plain loads and stores, then the masked tail.
	VEC_LOOP(RFB_STEP, BX, rfb_full, rfb_loop, rfb_body, rfb_done)

rfb_done:
	VMOVAPS Z9, Z0
	HSUM512
	MOVSS   X0, s+304(FP)
	VMOVAPS Z16, Z0
	HSUM512
	MOVSS   X0, dm+308(FP)
	VZEROUPPER
	RET

// func plasticRetroFanRowAVX2(dw, de, w, e, post, u, beta, eta []float32, x, m, clip float32)
// rowRetroFanGo for len(dw) a multiple of 8.
TEXT ·plasticRetroFanRowAVX2(SB), NOSPLIT, $0-204
	MOVQ dw_base+0(FP), R12
	MOVQ dw_len+8(FP), CX
	MOVQ de_base+24(FP), R13
	MOVQ w_base+48(FP), DI
	MOVQ e_base+72(FP), SI
	MOVQ post_base+96(FP), R8
	MOVQ u_base+120(FP), R9
	MOVQ beta_base+144(FP), R10
	MOVQ eta_base+168(FP), R11
	VBROADCASTSS x+192(FP), Y8
	VBROADCASTSS m+196(FP), Y12
	VBROADCASTSS clip+200(FP), Y10
	VXORPS Y9, Y9, Y9
	VSUBPS Y10, Y9, Y9            // −clip
	MOVL $0x3f800000, BX
	MOVQ BX, X11
	VPBROADCASTD X11, Y11         // 1.0
	XORQ AX, AX
	SHRQ $3, CX
	JZ   rf_done_avx2

rf_loop_avx2:
	VMOVUPS   (SI)(AX*4), Y0      // e
	VMOVUPS   (R9)(AX*4), Y1      // u
	VMOVUPS   (R10)(AX*4), Y3     // beta
	VMULPS    Y12, Y1, Y1
	VADDPS    Y3, Y1, Y1          // M
	VMOVUPS   (DI)(AX*4), Y2      // w
	VMULPS    Y0, Y1, Y4          // M*e
	VADDPS    Y4, Y2, Y2
	VMAXPS    Y2, Y9, Y2
	VMINPS    Y2, Y10, Y2
	VMOVUPS   Y2, (R12)(AX*4)
	VMOVUPS   (R8)(AX*4), Y4      // post
	VMOVUPS   (R11)(AX*4), Y5     // eta
	VMULPS    Y4, Y8, Y4          // d = x*post
	VSUBPS    Y5, Y11, Y6         // 1−eta
	VMULPS    Y0, Y6, Y6
	VMULPS    Y4, Y5, Y4
	VADDPS    Y4, Y6, Y6
	VMOVUPS   Y6, (R13)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JNZ       rf_loop_avx2

rf_done_avx2:
	VZEROUPPER
	RET

// func plasticRetroFanBackRowAVX2(dW, dE, dpost, dU, dB, deta, w, e, post, u, beta, eta []float32, x, m, clip float32) (s, dm float32)
// rowRetroFanBackGo for len(dW) a multiple of 8; beta, eta and deta through
// BX as in the AVX-512 version.
TEXT ·plasticRetroFanBackRowAVX2(SB), NOSPLIT, $0-312
	MOVQ dW_base+0(FP), DI
	MOVQ dW_len+8(FP), CX
	MOVQ dE_base+24(FP), SI
	MOVQ dpost_base+48(FP), R8
	MOVQ dU_base+72(FP), R9
	MOVQ dB_base+96(FP), R10
	MOVQ w_base+144(FP), R11
	MOVQ e_base+168(FP), R12
	MOVQ post_base+192(FP), R13
	MOVQ u_base+216(FP), DX
	VBROADCASTSS x+288(FP), Y8
	VBROADCASTSS m+292(FP), Y12
	VBROADCASTSS clip+296(FP), Y10
	MOVL $0x7fffffff, BX
	MOVQ BX, X11
	VPBROADCASTD X11, Y11         // |·| mask
	MOVL $0x3f800000, BX
	MOVQ BX, X13
	VPBROADCASTD X13, Y13         // 1.0
	VXORPS Y9, Y9, Y9             // Σ dD*post
	VXORPS Y15, Y15, Y15          // Σ dM*u
	XORQ AX, AX
	SHRQ $3, CX
	JZ   rfb_done_avx2

rfb_loop_avx2:
	VMOVUPS   (R12)(AX*4), Y0     // e
	VMOVUPS   (DX)(AX*4), Y1      // u
	MOVQ      beta_base+240(FP), BX
	VMOVUPS   (BX)(AX*4), Y3      // beta
	VMULPS    Y12, Y1, Y5
	VADDPS    Y3, Y5, Y5          // M
	VMOVUPS   (R11)(AX*4), Y2     // w
	VMULPS    Y0, Y5, Y6          // M*e
	VADDPS    Y6, Y2, Y6
	VANDPS    Y11, Y6, Y6
	VCMPPS    $2, Y10, Y6, Y6
	VMOVUPS   (DI)(AX*4), Y7
	VANDPS    Y6, Y7, Y7          // g
	VMOVUPS   Y7, (DI)(AX*4)
	VMULPS    Y0, Y7, Y2          // dM = g*e
	VMOVUPS   (R9)(AX*4), Y14
	VMULPS    Y12, Y2, Y6         // dM*m
	VADDPS    Y6, Y14, Y14
	VMOVUPS   Y14, (R9)(AX*4)
	VMOVUPS   (R10)(AX*4), Y14
	VADDPS    Y2, Y14, Y14
	VMOVUPS   Y14, (R10)(AX*4)
	VMULPS    Y1, Y2, Y6          // dM*u
	VADDPS    Y6, Y15, Y15
	MOVQ      eta_base+264(FP), BX
	VMOVUPS   (BX)(AX*4), Y3      // eta
	VMOVUPS   (SI)(AX*4), Y4      // dE
	VSUBPS    Y3, Y13, Y1         // 1−eta
	VMULPS    Y4, Y1, Y1          // (1−eta)*dE
	VMULPS    Y7, Y5, Y6          // M*g
	VADDPS    Y6, Y1, Y1
	VMOVUPS   Y1, (SI)(AX*4)
	VMOVUPS   (R13)(AX*4), Y2     // post
	VMULPS    Y2, Y8, Y6          // d = x*post
	VSUBPS    Y0, Y6, Y6          // d − e
	VMULPS    Y6, Y4, Y6          // dE*(d−e)
	MOVQ      deta_base+120(FP), BX
	VMOVUPS   (BX)(AX*4), Y14
	VADDPS    Y6, Y14, Y14
	VMOVUPS   Y14, (BX)(AX*4)
	VMULPS    Y4, Y3, Y4          // dD = eta*dE
	VMULPS    Y2, Y4, Y6          // dD*post
	VADDPS    Y6, Y9, Y9
	VMOVUPS   (R8)(AX*4), Y14
	VMULPS    Y8, Y4, Y6          // dD*x
	VADDPS    Y6, Y14, Y14
	VMOVUPS   Y14, (R8)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JNZ       rfb_loop_avx2

rfb_done_avx2:
	VMOVAPS Y15, Y1               // HSUM256 clobbers X15
	VMOVAPS Y9, Y0
	HSUM256
	MOVSS   X0, s+304(FP)
	VMOVAPS Y1, Y0
	HSUM256
	MOVSS   X0, dm+308(FP)
	VZEROUPPER
	RET

// func plasticHebbScaleBackRowAVX512(dW, dpost, dU, w, post, u []float32, x, m, clip float32) (s, dm float32)
// rowHebbScaleBackGo: hebbFanBack without a bias, M = u*m.
TEXT ·plasticHebbScaleBackRowAVX512(SB), NOSPLIT, $0-168
	MOVQ dW_base+0(FP), DI
	MOVQ dW_len+8(FP), CX
	MOVQ dpost_base+24(FP), SI
	MOVQ dU_base+48(FP), R8
	MOVQ w_base+72(FP), R10
	MOVQ post_base+96(FP), R11
	MOVQ u_base+120(FP), R12
	VBROADCASTSS x+144(FP), Z8
	VBROADCASTSS m+148(FP), Z12
	VBROADCASTSS clip+152(FP), Z10
	MOVL $0x7fffffff, BX
	VPBROADCASTD BX, Z11          // |·| mask
	VXORPS Z9, Z9, Z9             // Σ dD*post
	VXORPS Z16, Z16, Z16          // Σ dM*u
	XORQ AX, AX
	KXNORW K1, K1, K1

#define HSB_STEP(LD, ST) \
	LD((R11)(AX*4), Z0)    /* post */; \
	LD((R12)(AX*4), Z1)    /* u */; \
	LD((R10)(AX*4), Z2)    /* w */; \
	VMULPS Z0, Z8, Z4      /* d = x*post */; \
	VMULPS Z12, Z1, Z5     /* M = u*m */; \
	VMULPS Z4, Z5, Z6      /* M*d */; \
	VADDPS Z6, Z2, Z6      /* pre-clip value */; \
	VANDPS Z11, Z6, Z6; \
	VCMPPS $2, Z10, Z6, K2 /* |·| ≤ clip (false for NaN) */; \
	LD((DI)(AX*4), Z7); \
	VMOVAPS.Z Z7, K2, Z7   /* g: the gradient through the clip */; \
	ST(Z7, (DI)(AX*4)); \
	VMULPS Z4, Z7, Z13     /* dM = g*d */; \
	LD((R8)(AX*4), Z14); \
	VMULPS Z12, Z13, Z6    /* dM*m */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (R8)(AX*4)); \
	VMULPS Z1, Z13, Z6     /* dM*u */; \
	VADDPS Z6, Z16, Z16; \
	VMULPS Z5, Z7, Z7      /* dD = g*M */; \
	VMULPS Z0, Z7, Z6      /* dD*post */; \
	VADDPS Z6, Z9, Z9; \
	LD((SI)(AX*4), Z14); \
	VMULPS Z8, Z7, Z6      /* dD*x */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (SI)(AX*4))

	// Whole vectors with plain loads and stores, then the masked tail.
	VEC_LOOP(HSB_STEP, BX, hsb_full, hsb_loop, hsb_body, hsb_done)

hsb_done:
	VMOVAPS Z9, Z0
	HSUM512
	MOVSS   X0, s+160(FP)
	VMOVAPS Z16, Z0
	HSUM512
	MOVSS   X0, dm+164(FP)
	VZEROUPPER
	RET

// func plasticHebbScaleBackRowAVX2(dW, dpost, dU, w, post, u []float32, x, m, clip float32) (s, dm float32)
// rowHebbScaleBackGo on the first len(dW) &^ 7 columns.
TEXT ·plasticHebbScaleBackRowAVX2(SB), NOSPLIT, $0-168
	MOVQ dW_base+0(FP), DI
	MOVQ dW_len+8(FP), CX
	MOVQ dpost_base+24(FP), SI
	MOVQ dU_base+48(FP), R8
	MOVQ w_base+72(FP), R10
	MOVQ post_base+96(FP), R11
	MOVQ u_base+120(FP), R12
	VBROADCASTSS x+144(FP), Y8
	VBROADCASTSS m+148(FP), Y12
	VBROADCASTSS clip+152(FP), Y10
	MOVL $0x7fffffff, BX
	MOVQ BX, X11
	VPBROADCASTD X11, Y11         // |·| mask
	VXORPS Y9, Y9, Y9             // Σ dD*post
	VXORPS Y15, Y15, Y15          // Σ dM*u
	XORQ AX, AX
	SHRQ $3, CX
	JZ   hsb_done_avx2

hsb_loop_avx2:
	VMOVUPS   (R11)(AX*4), Y0     // post
	VMOVUPS   (R12)(AX*4), Y1     // u
	VMOVUPS   (R10)(AX*4), Y2     // w
	VMULPS    Y0, Y8, Y4          // d = x*post
	VMULPS    Y12, Y1, Y5         // M = u*m
	VMULPS    Y4, Y5, Y6          // M*d
	VADDPS    Y6, Y2, Y6
	VANDPS    Y11, Y6, Y6
	VCMPPS    $2, Y10, Y6, Y6     // |·| ≤ clip (false for NaN)
	VMOVUPS   (DI)(AX*4), Y7
	VANDPS    Y6, Y7, Y7          // g
	VMOVUPS   Y7, (DI)(AX*4)
	VMULPS    Y4, Y7, Y13         // dM = g*d
	VMOVUPS   (R8)(AX*4), Y14
	VMULPS    Y12, Y13, Y6        // dM*m
	VADDPS    Y6, Y14, Y14
	VMOVUPS   Y14, (R8)(AX*4)
	VMULPS    Y1, Y13, Y6         // dM*u
	VADDPS    Y6, Y15, Y15
	VMULPS    Y5, Y7, Y7          // dD = g*M
	VMULPS    Y0, Y7, Y6          // dD*post
	VADDPS    Y6, Y9, Y9
	VMOVUPS   (SI)(AX*4), Y14
	VMULPS    Y8, Y7, Y6          // dD*x
	VADDPS    Y6, Y14, Y14
	VMOVUPS   Y14, (SI)(AX*4)
	ADDQ      $8, AX
	DECQ      CX
	JNZ       hsb_loop_avx2

hsb_done_avx2:
	VMOVAPS Y15, Y1               // HSUM256 clobbers X15
	VMOVAPS Y9, Y0
	HSUM256
	MOVSS   X0, s+160(FP)
	VMOVAPS Y1, Y0
	HSUM256
	MOVSS   X0, dm+164(FP)
	VZEROUPPER
	RET

// Whole-matrix kernels: the row loop of a driver (plastic_rows.go) in
// assembly, for the default modulation shapes (one value per connection),
// around the same row steps as the row kernels above, so every element sees
// the same operations. A call per row costs as much as a short row's work
// at the sizes of the paper's models (H ≈ 200: 12 vectors a row), and the
// fused reads are done on the row just written, in registers. AX runs over
// the whole r×n matrix (i*n + j; r is the length of the vector indexed by
// i), so the matrices' base registers stay put and
// the vectors indexed by j (post, p, dpost, da) are moved back by a row's
// bytes after each row; per-row scalars (pre[i], h[i], dpre[i], dh[i]) are
// walked through frame slots.

// func plasticReadMatAVX512(p, h, alpha, hebb []float32)
// rowsPlasticRead on a whole matrix, n = len(p): MUL_STEP row after row with
// s = h[i], p[j] += (h[i]*alpha[i][j])*hebb[i][j].
TEXT ·plasticReadMatAVX512(SB), NOSPLIT, $16-96
	MOVQ p_base+0(FP), DI
	MOVQ alpha_base+48(FP), SI
	MOVQ hebb_base+72(FP), R8
	MOVQ h_len+32(FP), R9
	IMULQ p_len+8(FP), R9
	// total = rows·n
	MOVQ R9, total-8(SP)
	MOVQ h_base+24(FP), R9
	MOVQ R9, h-16(SP)
	XORQ AX, AX
	KXNORW K1, K1, K1

rm_row:
	CMPQ AX, total-8(SP)
	JGE  rm_done
	MOVQ h-16(SP), R9
	VBROADCASTSS (R9), Z8
	ADDQ $4, R9
	MOVQ R9, h-16(SP)
	MOVQ p_len+8(FP), CX

	VEC_LOOP(MUL_STEP, R9, rm_full, rm_tail, rm_body, rm_next)

rm_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	MOVQ p_len+8(FP), R9
	SHLQ $2, R9
	SUBQ R9, DI
	JMP  rm_row

rm_done:
	VZEROUPPER
	RET

// func plasticHebbMatAVX512(dst, w, post, M, pre []float32, clip float32)
// rowsHebbUpdate on a whole matrix whose M is scale itself (one value per
// connection, m = 1, no bias: Hebbian plasticity's η), n = len(post): HEBB_STEP
// row after row, the row loop in assembly.
TEXT ·plasticHebbMatAVX512(SB), NOSPLIT, $16-124
	MOVQ dst_base+0(FP), R11
	MOVQ w_base+24(FP), DI
	MOVQ post_base+48(FP), SI
	MOVQ M_base+72(FP), R8
	VBROADCASTSS clip+120(FP), Z10
	VXORPS Z9, Z9, Z9
	VSUBPS Z10, Z9, Z9            // −clip
	MOVQ pre_len+104(FP), R9
	IMULQ post_len+56(FP), R9
	// total = rows·n
	MOVQ R9, total-8(SP)
	MOVQ pre_base+96(FP), R9
	MOVQ R9, pre-16(SP)
	XORQ AX, AX
	KXNORW K1, K1, K1

hm_row:
	CMPQ AX, total-8(SP)
	JGE  hm_done
	MOVQ pre-16(SP), R9
	VBROADCASTSS (R9), Z8
	ADDQ $4, R9
	MOVQ R9, pre-16(SP)
	MOVQ post_len+56(FP), CX

	VEC_LOOP(HEBB_STEP, R9, hm_full, hm_tail, hm_body, hm_next)

hm_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	MOVQ post_len+56(FP), R9
	SHLQ $2, R9
	SUBQ R9, SI
	JMP  hm_row

hm_done:
	VZEROUPPER
	RET

// func plasticHebbReadMatAVX512(dst, w, post, M, pre, p, h, alpha []float32, clip float32)
// plasticHebbMatAVX512 and, in the same pass, the read of each row just
// written: p[j] += (h[i]*alpha[i][j])*dst[i][j] (rowsHebbUpdateRead).
TEXT ·plasticHebbReadMatAVX512(SB), NOSPLIT, $24-196
	MOVQ dst_base+0(FP), R11
	MOVQ w_base+24(FP), DI
	MOVQ post_base+48(FP), SI
	MOVQ M_base+72(FP), R8
	MOVQ p_base+120(FP), R13
	MOVQ alpha_base+168(FP), R12
	VBROADCASTSS clip+192(FP), Z10
	VXORPS Z9, Z9, Z9
	VSUBPS Z10, Z9, Z9            // −clip
	MOVQ pre_len+104(FP), R9
	IMULQ post_len+56(FP), R9
	// total = rows·n
	MOVQ R9, total-8(SP)
	MOVQ pre_base+96(FP), R9
	MOVQ R9, pre-16(SP)
	MOVQ h_base+144(FP), R9
	MOVQ R9, h-24(SP)
	XORQ AX, AX
	KXNORW K1, K1, K1

#define HRM_STEP(LD, ST) \
	HEBB_STEP(LD, ST); \
	LD((R12)(AX*4), Z3)  /* alpha */; \
	LD((R13)(AX*4), Z4)  /* p */; \
	VMULPS Z3, Z11, Z3   /* h[i]*alpha */; \
	VMULPS Z2, Z3, Z3    /* ·hebb(t+1) */; \
	VADDPS Z3, Z4, Z4; \
	ST(Z4, (R13)(AX*4))

hrm_row:
	CMPQ AX, total-8(SP)
	JGE  hrm_done
	MOVQ pre-16(SP), R9
	VBROADCASTSS (R9), Z8
	ADDQ $4, R9
	MOVQ R9, pre-16(SP)
	MOVQ h-24(SP), R9
	VBROADCASTSS (R9), Z11
	ADDQ $4, R9
	MOVQ R9, h-24(SP)
	MOVQ post_len+56(FP), CX

	VEC_LOOP(HRM_STEP, R9, hrm_full, hrm_tail, hrm_body, hrm_next)

hrm_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	MOVQ post_len+56(FP), R9
	SHLQ $2, R9
	SUBQ R9, SI
	SUBQ R9, R13
	JMP  hrm_row

hrm_done:
	VZEROUPPER
	RET

// func plasticHebbFanMatAVX512(dst, w, post, u, beta, pre []float32, m, clip float32)
// rowsHebbUpdate on a whole matrix with one fan-out weight and bias per
// connection, M = u*m + beta (neuromodulation's default), n = len(post):
// HF_STEP row after row, the row loop in assembly.
TEXT ·plasticHebbFanMatAVX512(SB), NOSPLIT, $16-152
	MOVQ dst_base+0(FP), R11
	MOVQ w_base+24(FP), DI
	MOVQ post_base+48(FP), SI
	MOVQ u_base+72(FP), R8
	MOVQ beta_base+96(FP), R9
	VBROADCASTSS m+144(FP), Z12
	VBROADCASTSS clip+148(FP), Z10
	VXORPS Z9, Z9, Z9
	VSUBPS Z10, Z9, Z9            // −clip
	MOVQ pre_len+128(FP), R10
	IMULQ post_len+56(FP), R10
	// total = rows·n
	MOVQ R10, total-8(SP)
	MOVQ pre_base+120(FP), R10
	MOVQ R10, pre-16(SP)
	XORQ AX, AX
	KXNORW K1, K1, K1

hfm_row:
	CMPQ AX, total-8(SP)
	JGE  hfm_done
	MOVQ pre-16(SP), R10
	VBROADCASTSS (R10), Z8
	ADDQ $4, R10
	MOVQ R10, pre-16(SP)
	MOVQ post_len+56(FP), CX

	VEC_LOOP(HF_STEP, R10, hfm_full, hfm_tail, hfm_body, hfm_next)

hfm_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	MOVQ post_len+56(FP), R10
	SHLQ $2, R10
	SUBQ R10, SI
	JMP  hfm_row

hfm_done:
	VZEROUPPER
	RET

// func plasticHebbFanReadMatAVX512(dst, w, post, u, beta, pre, p, h, alpha []float32, m, clip float32)
// plasticHebbFanMatAVX512 and, in the same pass, the read of each row just
// written: p[j] += (h[i]*alpha[i][j])*dst[i][j] (rowsHebbUpdateRead).
TEXT ·plasticHebbFanReadMatAVX512(SB), NOSPLIT, $24-224
	MOVQ dst_base+0(FP), R11
	MOVQ w_base+24(FP), DI
	MOVQ post_base+48(FP), SI
	MOVQ u_base+72(FP), R8
	MOVQ beta_base+96(FP), R9
	MOVQ p_base+144(FP), R13
	MOVQ alpha_base+192(FP), R12
	VBROADCASTSS m+216(FP), Z12
	VBROADCASTSS clip+220(FP), Z10
	VXORPS Z9, Z9, Z9
	VSUBPS Z10, Z9, Z9            // −clip
	MOVQ pre_len+128(FP), R10
	IMULQ post_len+56(FP), R10
	// total = rows·n
	MOVQ R10, total-8(SP)
	MOVQ pre_base+120(FP), R10
	MOVQ R10, pre-16(SP)
	MOVQ h_base+168(FP), R10
	MOVQ R10, h-24(SP)
	XORQ AX, AX
	KXNORW K1, K1, K1

#define HFRM_STEP(LD, ST) \
	HF_STEP(LD, ST); \
	LD((R12)(AX*4), Z3)  /* alpha */; \
	LD((R13)(AX*4), Z4)  /* p */; \
	VMULPS Z3, Z11, Z3   /* h[i]*alpha */; \
	VMULPS Z2, Z3, Z3    /* ·hebb(t+1) */; \
	VADDPS Z3, Z4, Z4; \
	ST(Z4, (R13)(AX*4))

hfrm_row:
	CMPQ AX, total-8(SP)
	JGE  hfrm_done
	MOVQ pre-16(SP), R10
	VBROADCASTSS (R10), Z8
	ADDQ $4, R10
	MOVQ R10, pre-16(SP)
	MOVQ h-24(SP), R10
	VBROADCASTSS (R10), Z11
	ADDQ $4, R10
	MOVQ R10, h-24(SP)
	MOVQ post_len+56(FP), CX

	VEC_LOOP(HFRM_STEP, R10, hfrm_full, hfrm_tail, hfrm_body, hfrm_next)

hfrm_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	MOVQ post_len+56(FP), R10
	SHLQ $2, R10
	SUBQ R10, SI
	SUBQ R10, R13
	JMP  hfrm_row

hfrm_done:
	VZEROUPPER
	RET

// func plasticHebbScaleBackMatAVX512(dW, dpre, dpost, dU, w, pre, post, u []float32, m, clip float32) (dm float32)
// rowsHebbUpdateBackward on a whole matrix with M = u*m, one u per
// connection and no bias (Hebbian plasticity's η): HSB_STEP row after row,
// dpre[i] += the row's Σ dD*post; returns dm = Σ dM*u.
TEXT ·plasticHebbScaleBackMatAVX512(SB), NOSPLIT, $24-204
	MOVQ dW_base+0(FP), DI
	MOVQ dpost_base+48(FP), SI
	MOVQ dU_base+72(FP), R8
	MOVQ w_base+96(FP), R10
	MOVQ post_base+144(FP), R11
	MOVQ u_base+168(FP), R12
	VBROADCASTSS m+192(FP), Z12
	VBROADCASTSS clip+196(FP), Z10
	MOVL $0x7fffffff, BX
	VPBROADCASTD BX, Z11          // |·| mask
	VXORPS Z9, Z9, Z9             // Σ dD*post, per row
	VXORPS Z16, Z16, Z16          // Σ dM*u, over the matrix
	MOVQ pre_len+128(FP), BX
	IMULQ post_len+152(FP), BX
	// total = rows·n
	MOVQ BX, total-8(SP)
	MOVQ pre_base+120(FP), BX
	MOVQ BX, pre-16(SP)
	MOVQ dpre_base+24(FP), BX
	MOVQ BX, dpre-24(SP)
	XORQ AX, AX
	KXNORW K1, K1, K1

hsbm_row:
	CMPQ AX, total-8(SP)
	JGE  hsbm_done
	ROW_BCAST(pre-16(SP), Z8)
	MOVQ post_len+152(FP), CX

	VEC_LOOP(HSB_STEP, BX, hsbm_full, hsbm_tail, hsbm_body, hsbm_next)

hsbm_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	MOVQ post_len+152(FP), BX
	SHLQ $2, BX
	SUBQ BX, SI
	SUBQ BX, R11
	ROW_SUM(Z9, dpre-24(SP))
	VXORPS Z9, Z9, Z9
	JMP  hsbm_row

hsbm_done:
	VMOVAPS Z16, Z0
	HSUM512
	MOVSS   X0, dm+200(FP)
	VZEROUPPER
	RET

// func plasticHebbFanBackMatAVX512(dW, dpre, dpost, dU, dB, w, pre, post, u, beta []float32, m, clip float32) (dm float32)
// rowsHebbUpdateBackward on a whole matrix with M = u*m + beta, one fan-out
// weight and bias per connection: HFB_STEP row after row, dpre[i] += the
// row's Σ dD*post; returns dm = Σ dM*u.
TEXT ·plasticHebbFanBackMatAVX512(SB), NOSPLIT, $24-252
	MOVQ dW_base+0(FP), DI
	MOVQ dpost_base+48(FP), SI
	MOVQ dU_base+72(FP), R8
	MOVQ dB_base+96(FP), R9
	MOVQ w_base+120(FP), R10
	MOVQ post_base+168(FP), R11
	MOVQ u_base+192(FP), R12
	MOVQ beta_base+216(FP), R13
	VBROADCASTSS m+240(FP), Z12
	VBROADCASTSS clip+244(FP), Z10
	MOVL $0x7fffffff, BX
	VPBROADCASTD BX, Z11          // |·| mask
	VXORPS Z9, Z9, Z9             // Σ dD*post, per row
	VXORPS Z16, Z16, Z16          // Σ dM*u, over the matrix
	MOVQ pre_len+152(FP), BX
	IMULQ post_len+176(FP), BX
	// total = rows·n
	MOVQ BX, total-8(SP)
	MOVQ pre_base+144(FP), BX
	MOVQ BX, pre-16(SP)
	MOVQ dpre_base+24(FP), BX
	MOVQ BX, dpre-24(SP)
	XORQ AX, AX
	KXNORW K1, K1, K1

hfbm_row:
	CMPQ AX, total-8(SP)
	JGE  hfbm_done
	ROW_BCAST(pre-16(SP), Z8)
	MOVQ post_len+176(FP), CX

	VEC_LOOP(HFB_STEP, BX, hfbm_full, hfbm_tail, hfbm_body, hfbm_next)

hfbm_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	MOVQ post_len+176(FP), BX
	SHLQ $2, BX
	SUBQ BX, SI
	SUBQ BX, R11
	ROW_SUM(Z9, dpre-24(SP))
	VXORPS Z9, Z9, Z9
	JMP  hfbm_row

hfbm_done:
	VMOVAPS Z16, Z0
	HSUM512
	MOVSS   X0, dm+248(FP)
	VZEROUPPER
	RET

// func plasticReadBackMatAVX512(dh, dA, dW, a, w, da, h []float32)
// rowsPlasticReadBackward on a whole matrix, n = len(da): RB_STEP row after
// row with hi = h[i], dh[i] += the row's Σ (a*w)*da.
TEXT ·plasticReadBackMatAVX512(SB), NOSPLIT, $24-168
	MOVQ dA_base+24(FP), DI
	MOVQ dW_base+48(FP), SI
	MOVQ a_base+72(FP), R8
	MOVQ w_base+96(FP), R9
	MOVQ da_base+120(FP), R10
	VXORPS Z9, Z9, Z9             // Σ (a*w)*da, per row
	MOVQ h_len+152(FP), R11
	IMULQ da_len+128(FP), R11
	// total = rows·n
	MOVQ R11, total-8(SP)
	MOVQ h_base+144(FP), R11
	MOVQ R11, h-16(SP)
	MOVQ dh_base+0(FP), R11
	MOVQ R11, dh-24(SP)
	XORQ AX, AX
	KXNORW K1, K1, K1

rbm_row:
	CMPQ AX, total-8(SP)
	JGE  rbm_done
	MOVQ h-16(SP), R11
	VBROADCASTSS (R11), Z8
	ADDQ $4, R11
	MOVQ R11, h-16(SP)
	MOVQ da_len+128(FP), CX

	VEC_LOOP(RB_STEP, R11, rbm_full, rbm_tail, rbm_body, rbm_next)

rbm_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	MOVQ da_len+128(FP), R11
	SHLQ $2, R11
	SUBQ R11, R10
	VMOVAPS Z9, Z0
	HSUM512
	MOVQ dh-24(SP), R11
	VADDSS (R11), X0, X0
	VMOVSS X0, (R11)
	ADDQ $4, R11
	MOVQ R11, dh-24(SP)
	VXORPS Z9, Z9, Z9
	JMP  rbm_row

rbm_done:
	VZEROUPPER
	RET

// func plasticRetroFanMatAVX512(dw, de, w, e, post, u, beta, eta, pre []float32, m, clip float32)
// rowsRetroUpdate on a whole matrix with one fan-out weight and bias and one
// η per connection (retroactive neuromodulation's default), n = len(post):
// RF_STEP row after row, the row loop in assembly.
TEXT ·plasticRetroFanMatAVX512(SB), NOSPLIT, $16-224
	MOVQ dw_base+0(FP), R12
	MOVQ de_base+24(FP), R13
	MOVQ w_base+48(FP), DI
	MOVQ e_base+72(FP), SI
	MOVQ post_base+96(FP), R8
	MOVQ u_base+120(FP), R9
	MOVQ beta_base+144(FP), R10
	MOVQ eta_base+168(FP), R11
	VBROADCASTSS m+216(FP), Z12
	VBROADCASTSS clip+220(FP), Z10
	VXORPS Z9, Z9, Z9
	VSUBPS Z10, Z9, Z9            // −clip
	MOVL $0x3f800000, BX
	VPBROADCASTD BX, Z11          // 1.0
	MOVQ pre_len+200(FP), BX
	IMULQ post_len+104(FP), BX
	// total = rows·n
	MOVQ BX, total-8(SP)
	MOVQ pre_base+192(FP), BX
	MOVQ BX, pre-16(SP)
	XORQ AX, AX
	KXNORW K1, K1, K1

rfm_row:
	CMPQ AX, total-8(SP)
	JGE  rfm_done
	ROW_BCAST(pre-16(SP), Z8)
	MOVQ post_len+104(FP), CX

	VEC_LOOP(RF_STEP, BX, rfm_full, rfm_tail, rfm_body, rfm_next)

rfm_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	MOVQ post_len+104(FP), BX
	SHLQ $2, BX
	SUBQ BX, R8
	JMP  rfm_row

rfm_done:
	VZEROUPPER
	RET

// func plasticRetroFanReadMatAVX512(dw, de, w, e, post, u, beta, eta, pre, p, h, alpha []float32, m, clip float32)
// plasticRetroFanMatAVX512 and, in the same pass, the read of each row of
// the Hebbian trace just written: p[j] += (h[i]*alpha[i][j])*dw[i][j]
// (rowsRetroUpdateRead).
TEXT ·plasticRetroFanReadMatAVX512(SB), NOSPLIT, $24-296
	MOVQ dw_base+0(FP), R12
	MOVQ de_base+24(FP), R13
	MOVQ w_base+48(FP), DI
	MOVQ e_base+72(FP), SI
	MOVQ post_base+96(FP), R8
	MOVQ u_base+120(FP), R9
	MOVQ beta_base+144(FP), R10
	MOVQ eta_base+168(FP), R11
	MOVQ p_base+216(FP), DX
	VBROADCASTSS m+288(FP), Z12
	VBROADCASTSS clip+292(FP), Z10
	VXORPS Z9, Z9, Z9
	VSUBPS Z10, Z9, Z9            // −clip
	MOVL $0x3f800000, BX
	VPBROADCASTD BX, Z11          // 1.0
	MOVQ pre_len+200(FP), BX
	IMULQ post_len+104(FP), BX
	// total = rows·n
	MOVQ BX, total-8(SP)
	MOVQ pre_base+192(FP), BX
	MOVQ BX, pre-16(SP)
	MOVQ h_base+240(FP), BX
	MOVQ BX, h-24(SP)
	XORQ AX, AX
	KXNORW K1, K1, K1

#define RFRM_STEP(LD, ST) \
	RF_STEP(LD, ST); \
	MOVQ alpha_base+264(FP), BX; \
	LD((BX)(AX*4), Z3)   /* alpha */; \
	LD((DX)(AX*4), Z4)   /* p */; \
	VMULPS Z3, Z13, Z3   /* h[i]*alpha */; \
	VMULPS Z2, Z3, Z3    /* ·hebb(t+1) */; \
	VADDPS Z3, Z4, Z4; \
	ST(Z4, (DX)(AX*4))

rfrm_row:
	CMPQ AX, total-8(SP)
	JGE  rfrm_done
	ROW_BCAST(pre-16(SP), Z8)
	ROW_BCAST(h-24(SP), Z13)
	MOVQ post_len+104(FP), CX

	VEC_LOOP(RFRM_STEP, BX, rfrm_full, rfrm_tail, rfrm_body, rfrm_next)

rfrm_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	MOVQ post_len+104(FP), BX
	SHLQ $2, BX
	SUBQ BX, R8
	SUBQ BX, DX
	JMP  rfrm_row

rfrm_done:
	VZEROUPPER
	RET

// func plasticRetroFanBackMatAVX512(dW, dE, dpre, dpost, dU, dB, deta, w, e, pre, post, u, beta, eta []float32, m, clip float32) (dm float32)
// rowsRetroUpdateBackward on a whole matrix with one fan-out weight and bias
// and one η per connection: RFB_STEP row after row, dpre[i] += the row's
// Σ dD*post; returns dm = Σ dM*u.
TEXT ·plasticRetroFanBackMatAVX512(SB), NOSPLIT, $48-348
	MOVQ beta_base+288(FP), BX
	MOVQ BX, beta-8(SP)
	MOVQ eta_base+312(FP), BX
	MOVQ BX, eta-16(SP)
	MOVQ deta_base+144(FP), BX
	MOVQ BX, deta-24(SP)
	MOVQ dW_base+0(FP), DI
	MOVQ dE_base+24(FP), SI
	MOVQ dpost_base+72(FP), R8
	MOVQ dU_base+96(FP), R9
	MOVQ dB_base+120(FP), R10
	MOVQ w_base+168(FP), R11
	MOVQ e_base+192(FP), R12
	MOVQ post_base+240(FP), R13
	MOVQ u_base+264(FP), DX
	VBROADCASTSS m+336(FP), Z12
	VBROADCASTSS clip+340(FP), Z10
	MOVL $0x3f800000, BX
	VPBROADCASTD BX, Z17          // 1.0
	MOVL $0x7fffffff, BX
	VPBROADCASTD BX, Z11          // |·| mask
	VXORPS Z9, Z9, Z9             // Σ dD*post, per row
	VXORPS Z16, Z16, Z16          // Σ dM*u, over the matrix
	MOVQ pre_len+224(FP), BX
	IMULQ post_len+248(FP), BX
	// total = rows·n
	MOVQ BX, total-32(SP)
	MOVQ pre_base+216(FP), BX
	MOVQ BX, pre-40(SP)
	MOVQ dpre_base+48(FP), BX
	MOVQ BX, dpre-48(SP)
	XORQ AX, AX
	KXNORW K1, K1, K1

rfbm_row:
	CMPQ AX, total-32(SP)
	JGE  rfbm_done
	ROW_BCAST(pre-40(SP), Z8)
	MOVQ post_len+248(FP), CX

	VEC_LOOP(RFB_STEP, BX, rfbm_full, rfbm_tail, rfbm_body, rfbm_next)

rfbm_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	MOVQ post_len+248(FP), BX
	SHLQ $2, BX
	SUBQ BX, R8
	SUBQ BX, R13
	ROW_SUM(Z9, dpre-48(SP))
	VXORPS Z9, Z9, Z9
	JMP  rfbm_row

rfbm_done:
	VMOVAPS Z16, Z0
	HSUM512
	MOVSS   X0, dm+344(FP)
	VZEROUPPER
	RET

// RBG_CORE is the fused steps' middle: RB_CORE's read backward on the
// updated trace in Z0 (h[i] in Z8, R8 alpha, R10 da, DI dalpha, SI dW; Z9
// sums the row's dh[i] terms), keeping the trace gradient with the read's
// share in Z4, then the clip's mask K2 on it (g, stored to dW).
#define RBG_CORE(LD, ST) \
	LD((R8)(AX*4), Z1)      /* a */; \
	LD((R10)(AX*4), Z2)     /* da */; \
	LD((DI)(AX*4), Z3)      /* dA */; \
	LD((SI)(AX*4), Z4)      /* dW */; \
	VMULPS Z0, Z8, Z5       /* hi*w */; \
	VMULPS Z2, Z5, Z5; \
	VADDPS Z5, Z3, Z3; \
	ST(Z3, (DI)(AX*4)); \
	VMULPS Z1, Z8, Z6       /* hi*a */; \
	VMULPS Z2, Z6, Z6; \
	VADDPS Z6, Z4, Z4       /* dW with the read's share */; \
	VMULPS Z0, Z1, Z7       /* a*w */; \
	VMULPS Z2, Z7, Z7; \
	VADDPS Z7, Z9, Z9; \
	VMOVAPS.Z Z4, K2, Z4    /* g: the gradient through the clip */; \
	ST(Z4, (SI)(AX*4))

// RHSB_STEP is the fused backward kernels' step, with M = u*m: it
// recomputes the trace after step t's update from the trace w of step t
// with the update kernels' operations (HEBB_STEP), so that it has the bits
// the forward pass wrote, and the clip's mask from the same pre-clip value;
// runs the read's backward (RB_CORE) on that trace; then the update's
// backward (HSB_STEP) with the trace gradient still in Z4. Each element
// gets the operations of those steps in their order, so the bits are those
// of running them one after the other, for 9 loads and 4 stores instead of
// 13 and 5, and four multiplications and an addition fewer. Z8 holds h[i],
// Z28 pre[i], Z25 −clip; Z9 and Z18 sum the row's dh[i] and dpre[i] terms.
// DI is dalpha, SI dW, R8 alpha, R9 w, R10 da, R11 dU, R12 u, R13 post and
// DX dpost (the vectors' pointers moved back by the row's start).
#define RHSB_STEP(LD, ST) \
	LD((R13)(AX*4), Z24)    /* post */; \
	LD((R12)(AX*4), Z27)    /* u */; \
	LD((R9)(AX*4), Z0)      /* w */; \
	VMULPS Z24, Z28, Z26    /* d = x*post */; \
	VMULPS Z12, Z27, Z31    /* M = u*m */; \
	VMULPS Z26, Z31, Z29    /* M*d */; \
	VADDPS Z29, Z0, Z29     /* pre-clip value */; \
	VMAXPS Z29, Z25, Z0; \
	VMINPS Z0, Z10, Z0      /* the updated trace */; \
	VANDPS Z11, Z29, Z29; \
	VCMPPS $2, Z10, Z29, K2 /* |·| ≤ clip (false for NaN) */; \
	RBG_CORE(LD, ST); \
	VMULPS Z26, Z4, Z13     /* dM = g*d */; \
	LD((R11)(AX*4), Z14); \
	VMULPS Z12, Z13, Z6     /* dM*m */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (R11)(AX*4)); \
	VMULPS Z27, Z13, Z6     /* dM*u */; \
	VADDPS Z6, Z16, Z16; \
	VMULPS Z31, Z4, Z7      /* dD = g*M */; \
	VMULPS Z24, Z7, Z6      /* dD*post */; \
	VADDPS Z6, Z18, Z18; \
	LD((DX)(AX*4), Z14); \
	VMULPS Z28, Z7, Z6      /* dD*x */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (DX)(AX*4))

// func plasticReadHebbScaleBackMatAVX512(dh, dalpha, da, h, alpha, dW, dpre, dpost, dU, w, pre, post, u []float32, m, clip float32) (dm float32)
// The read's backward of step t+1 then the update's backward of step t with
// M = u*m, one u per connection and no bias, row by row over whole matrices:
// RHSB_STEP along each row (the updated trace recomputed, the read's
// backward on it, then the update's), dh[i] and dpre[i] += the row's sums;
// returns dm. See PlasticReadHebbUpdateBackward.
TEXT ·plasticReadHebbScaleBackMatAVX512(SB), NOSPLIT, $48-324
	VBROADCASTSS m+312(FP), Z12
	VBROADCASTSS clip+316(FP), Z10
	VXORPS Z25, Z25, Z25
	VSUBPS Z10, Z25, Z25          // −clip
	MOVL $0x7fffffff, BX
	VPBROADCASTD BX, Z11          // |·| mask
	VXORPS Z16, Z16, Z16          // Σ dM*u, over the matrix
	MOVQ h_len+80(FP), BX
	IMULQ da_len+56(FP), BX
	MOVQ BX, total-8(SP)          // rows·n
	MOVQ h_base+72(FP), BX
	MOVQ BX, h-24(SP)
	MOVQ dh_base+0(FP), BX
	MOVQ BX, dh-32(SP)
	MOVQ pre_base+240(FP), BX
	MOVQ BX, pre-40(SP)
	MOVQ dpre_base+144(FP), BX
	MOVQ BX, dpre-48(SP)
	MOVQ dalpha_base+24(FP), DI
	MOVQ dW_base+120(FP), SI
	MOVQ alpha_base+96(FP), R8
	MOVQ w_base+216(FP), R9
	MOVQ dU_base+192(FP), R11
	MOVQ u_base+288(FP), R12
	XORQ AX, AX
	KXNORW K1, K1, K1

rhsb_row:
	CMPQ AX, total-8(SP)
	JGE  rhsb_done
	MOVQ AX, BX
	SHLQ $2, BX
	MOVQ da_base+48(FP), R10
	SUBQ BX, R10                  // da, indexed by AX = i*n + j
	MOVQ post_base+264(FP), R13
	SUBQ BX, R13                  // post, likewise
	MOVQ dpost_base+168(FP), DX
	SUBQ BX, DX                   // dpost, likewise
	ROW_BCAST(pre-40(SP), Z28)        // pre[i]
	ROW_BCAST(h-24(SP), Z8)        // h[i]
	VXORPS Z9, Z9, Z9
	VXORPS Z18, Z18, Z18
	MOVQ da_len+56(FP), CX

	VEC_LOOP(RHSB_STEP, BX, rhsb_full, rhsb_tail, rhsb_body, rhsb_next)

rhsb_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	ROW_SUM(Z9, dh-32(SP))
	ROW_SUM(Z18, dpre-48(SP))
	JMP  rhsb_row

rhsb_done:
	VMOVAPS Z16, Z0
	HSUM512
	MOVSS   X0, dm+320(FP)
	VZEROUPPER
	RET

// RHFB_STEP is RHSB_STEP with M = u*m + beta (HF_STEP's update, RB_CORE
// and HFB_STEP in one pass, their operations in their order). R14 is beta,
// R15 dB.
#define RHFB_STEP(LD, ST) \
	LD((R13)(AX*4), Z24)    /* post */; \
	LD((R12)(AX*4), Z27)    /* u */; \
	LD((R14)(AX*4), Z29)    /* beta */; \
	LD((R9)(AX*4), Z0)      /* w */; \
	VMULPS Z24, Z28, Z26    /* d = x*post */; \
	VMULPS Z12, Z27, Z30; \
	VADDPS Z29, Z30, Z30    /* M = u*m + beta */; \
	VMULPS Z26, Z30, Z31    /* M*d */; \
	VADDPS Z31, Z0, Z31     /* pre-clip value */; \
	VMAXPS Z31, Z25, Z0; \
	VMINPS Z0, Z10, Z0      /* the updated trace */; \
	VANDPS Z11, Z31, Z31; \
	VCMPPS $2, Z10, Z31, K2 /* |·| ≤ clip (false for NaN) */; \
	RBG_CORE(LD, ST); \
	VMULPS Z26, Z4, Z13     /* dM = g*d */; \
	LD((R11)(AX*4), Z14); \
	VMULPS Z12, Z13, Z6     /* dM*m */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (R11)(AX*4)); \
	LD((R15)(AX*4), Z14); \
	VADDPS Z13, Z14, Z14; \
	ST(Z14, (R15)(AX*4)); \
	VMULPS Z27, Z13, Z6     /* dM*u */; \
	VADDPS Z6, Z16, Z16; \
	VMULPS Z30, Z4, Z7      /* dD = g*M */; \
	VMULPS Z24, Z7, Z6      /* dD*post */; \
	VADDPS Z6, Z18, Z18; \
	LD((DX)(AX*4), Z14); \
	VMULPS Z28, Z7, Z6      /* dD*x */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (DX)(AX*4))

// func plasticReadHebbFanBackMatAVX512(dh, dalpha, da, h, alpha, dW, dpre, dpost, dU, dB, w, pre, post, u, beta []float32, m, clip float32) (dm float32)
// plasticReadHebbScaleBackMatAVX512 with M = u*m + beta, one fan-out weight
// and bias per connection (RHFB_STEP).
TEXT ·plasticReadHebbFanBackMatAVX512(SB), NOSPLIT, $48-372
	VBROADCASTSS m+360(FP), Z12
	VBROADCASTSS clip+364(FP), Z10
	VXORPS Z25, Z25, Z25
	VSUBPS Z10, Z25, Z25          // −clip
	MOVL $0x7fffffff, BX
	VPBROADCASTD BX, Z11          // |·| mask
	VXORPS Z16, Z16, Z16          // Σ dM*u, over the matrix
	MOVQ h_len+80(FP), BX
	IMULQ da_len+56(FP), BX
	MOVQ BX, total-8(SP)          // rows·n
	MOVQ h_base+72(FP), BX
	MOVQ BX, h-24(SP)
	MOVQ dh_base+0(FP), BX
	MOVQ BX, dh-32(SP)
	MOVQ pre_base+264(FP), BX
	MOVQ BX, pre-40(SP)
	MOVQ dpre_base+144(FP), BX
	MOVQ BX, dpre-48(SP)
	MOVQ dalpha_base+24(FP), DI
	MOVQ dW_base+120(FP), SI
	MOVQ alpha_base+96(FP), R8
	MOVQ w_base+240(FP), R9
	MOVQ dU_base+192(FP), R11
	MOVQ u_base+312(FP), R12
	MOVQ beta_base+336(FP), R14
	MOVQ dB_base+216(FP), R15
	XORQ AX, AX
	KXNORW K1, K1, K1

rhfb_row:
	CMPQ AX, total-8(SP)
	JGE  rhfb_done
	MOVQ AX, BX
	SHLQ $2, BX
	MOVQ da_base+48(FP), R10
	SUBQ BX, R10                  // da, indexed by AX = i*n + j
	MOVQ post_base+288(FP), R13
	SUBQ BX, R13                  // post, likewise
	MOVQ dpost_base+168(FP), DX
	SUBQ BX, DX                   // dpost, likewise
	ROW_BCAST(pre-40(SP), Z28)        // pre[i]
	ROW_BCAST(h-24(SP), Z8)        // h[i]
	VXORPS Z9, Z9, Z9
	VXORPS Z18, Z18, Z18
	MOVQ da_len+56(FP), CX

	VEC_LOOP(RHFB_STEP, BX, rhfb_full, rhfb_tail, rhfb_body, rhfb_next)

rhfb_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	ROW_SUM(Z9, dh-32(SP))
	ROW_SUM(Z18, dpre-48(SP))
	JMP  rhfb_row

rhfb_done:
	VMOVAPS Z16, Z0
	HSUM512
	MOVSS   X0, dm+368(FP)
	VZEROUPPER
	RET

// RRFB_STEP is RHSB_STEP for retroactive neuromodulation (RF_STEP's
// update, RB_CORE and RFB_STEP in one pass, their operations in their
// order): R14 is beta, R15 e; dB, dE,
// deta and eta are read through BX from the frame slots dB-8, dE-16,
// deta-24 and eta-32 (out of registers); Z17 holds 1.0.
#define RRFB_STEP(LD, ST) \
	LD((R12)(AX*4), Z27)    /* u */; \
	LD((R14)(AX*4), Z29)    /* beta */; \
	LD((R15)(AX*4), Z26)    /* e */; \
	LD((R9)(AX*4), Z0)      /* w */; \
	VMULPS Z12, Z27, Z30; \
	VADDPS Z29, Z30, Z30    /* M = u*m + beta */; \
	VMULPS Z26, Z30, Z31    /* M*e */; \
	VADDPS Z31, Z0, Z31     /* pre-clip value */; \
	VMAXPS Z31, Z25, Z0; \
	VMINPS Z0, Z10, Z0      /* the updated trace */; \
	VANDPS Z11, Z31, Z31; \
	VCMPPS $2, Z10, Z31, K2 /* |·| ≤ clip (false for NaN) */; \
	RBG_CORE(LD, ST); \
	VMULPS Z26, Z4, Z13     /* dM = g*e */; \
	LD((R11)(AX*4), Z14); \
	VMULPS Z12, Z13, Z6     /* dM*m */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (R11)(AX*4)); \
	MOVQ dB-8(SP), BX; \
	LD((BX)(AX*4), Z14); \
	VADDPS Z13, Z14, Z14; \
	ST(Z14, (BX)(AX*4)); \
	VMULPS Z27, Z13, Z6     /* dM*u */; \
	VADDPS Z6, Z16, Z16; \
	MOVQ eta-32(SP), BX; \
	LD((BX)(AX*4), Z20)     /* eta */; \
	MOVQ dE-16(SP), BX; \
	LD((BX)(AX*4), Z19)     /* dE */; \
	VSUBPS Z20, Z17, Z21    /* 1−eta */; \
	VMULPS Z19, Z21, Z21    /* (1−eta)*dE */; \
	VMULPS Z4, Z30, Z22     /* M*g */; \
	VADDPS Z22, Z21, Z21; \
	ST(Z21, (BX)(AX*4)); \
	LD((R13)(AX*4), Z24)    /* post */; \
	VMULPS Z24, Z28, Z22    /* d = x*post */; \
	VSUBPS Z26, Z22, Z22    /* d − e */; \
	VMULPS Z22, Z19, Z22    /* dE*(d−e) */; \
	MOVQ deta-24(SP), BX; \
	LD((BX)(AX*4), Z23); \
	VADDPS Z22, Z23, Z23; \
	ST(Z23, (BX)(AX*4)); \
	VMULPS Z19, Z20, Z21    /* dD = eta*dE */; \
	VMULPS Z24, Z21, Z6     /* dD*post */; \
	VADDPS Z6, Z18, Z18; \
	LD((DX)(AX*4), Z14); \
	VMULPS Z28, Z21, Z6     /* dD*x */; \
	VADDPS Z6, Z14, Z14; \
	ST(Z14, (DX)(AX*4))

// func plasticReadRetroFanBackMatAVX512(dh, dalpha, da, h, alpha, dW, dE, dpre, dpost, dU, dB, deta, w, e, pre, post, u, beta, eta []float32, m, clip float32) (dm float32)
// plasticReadHebbScaleBackMatAVX512 for retroactive neuromodulation with one
// fan-out weight and bias and one η per connection (RRFB_STEP).
TEXT ·plasticReadRetroFanBackMatAVX512(SB), NOSPLIT, $72-468
	MOVQ dB_base+240(FP), BX
	MOVQ BX, dB-8(SP)
	MOVQ dE_base+144(FP), BX
	MOVQ BX, dE-16(SP)
	MOVQ deta_base+264(FP), BX
	MOVQ BX, deta-24(SP)
	MOVQ eta_base+432(FP), BX
	MOVQ BX, eta-32(SP)
	VBROADCASTSS m+456(FP), Z12
	VBROADCASTSS clip+460(FP), Z10
	VXORPS Z25, Z25, Z25
	VSUBPS Z10, Z25, Z25          // −clip
	MOVL $0x7fffffff, BX
	VPBROADCASTD BX, Z11          // |·| mask
	MOVL $0x3f800000, BX
	VPBROADCASTD BX, Z17          // 1.0
	VXORPS Z16, Z16, Z16          // Σ dM*u, over the matrix
	MOVQ h_len+80(FP), BX
	IMULQ da_len+56(FP), BX
	MOVQ BX, total-40(SP)         // rows·n
	MOVQ h_base+72(FP), BX
	MOVQ BX, h-48(SP)
	MOVQ dh_base+0(FP), BX
	MOVQ BX, dh-56(SP)
	MOVQ pre_base+336(FP), BX
	MOVQ BX, pre-64(SP)
	MOVQ dpre_base+168(FP), BX
	MOVQ BX, dpre-72(SP)
	MOVQ dalpha_base+24(FP), DI
	MOVQ dW_base+120(FP), SI
	MOVQ alpha_base+96(FP), R8
	MOVQ w_base+288(FP), R9
	MOVQ dU_base+216(FP), R11
	MOVQ u_base+384(FP), R12
	MOVQ beta_base+408(FP), R14
	MOVQ e_base+312(FP), R15
	XORQ AX, AX
	KXNORW K1, K1, K1

rrfb_row:
	CMPQ AX, total-40(SP)
	JGE  rrfb_done
	MOVQ AX, BX
	SHLQ $2, BX
	MOVQ da_base+48(FP), R10
	SUBQ BX, R10                  // da, indexed by AX = i*n + j
	MOVQ post_base+360(FP), R13
	SUBQ BX, R13                  // post, likewise
	MOVQ dpost_base+192(FP), DX
	SUBQ BX, DX                   // dpost, likewise
	ROW_BCAST(pre-64(SP), Z28)        // pre[i]
	ROW_BCAST(h-48(SP), Z8)        // h[i]
	VXORPS Z9, Z9, Z9
	VXORPS Z18, Z18, Z18
	MOVQ da_len+56(FP), CX

	VEC_LOOP(RRFB_STEP, BX, rrfb_full, rrfb_tail, rrfb_body, rrfb_next)

rrfb_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	ROW_SUM(Z9, dh-56(SP))
	ROW_SUM(Z18, dpre-72(SP))
	JMP  rrfb_row

rrfb_done:
	VMOVAPS Z16, Z0
	HSUM512
	MOVSS   X0, dm+464(FP)
	VZEROUPPER
	RET

// RRFB2_SAMPLE is RRFB_STEP for one of two samples whose shared operands
// the pair kernel has loaded, per 16 elements: u in Z23, beta Z24, alpha
// Z26, eta Z27, and the sums dalpha Z29, dU Z30, dB Z31 and deta Z15,
// which the step adds its terms to and the pair kernel stores after both
// samples. The sample's traces, trace gradients and vectors are at R15 (e),
// R9 (w), R11 (dW), R12 (dE), R10 (da), R13 (post) and DX (dpost),
// indexed by IT, IG and IV (AX for the first sample; the second's are
// those plus its distances from the first). H, PRE and M hold its h[i],
// pre[i] and m; SDH, SDPRE and SDMU its row's dh[i] and dpre[i] sums and
// its Σ dM*u. Every element gets RRFB_STEP's operations in their order
// (the commutative ones may swap operands), so the bits are its.
#define RRFB2_SAMPLE(LD, ST, IT, IG, IV, H, PRE, M, SDH, SDPRE, SDMU) \
	LD((R15)(IT*4), Z0)     /* e */; \
	VMULPS M, Z23, Z1; \
	VADDPS Z24, Z1, Z1      /* M = u*m + beta */; \
	VMULPS Z0, Z1, Z2       /* M*e */; \
	LD((R9)(IT*4), Z3)      /* w */; \
	VADDPS Z2, Z3, Z2       /* pre-clip value */; \
	VMAXPS Z2, Z25, Z3; \
	VMINPS Z3, Z10, Z3      /* the updated trace w' */; \
	VANDPS Z11, Z2, Z2; \
	VCMPPS $2, Z10, Z2, K2  /* |·| ≤ clip (false for NaN) */; \
	LD((R10)(IV*4), Z4)     /* da */; \
	VMULPS Z3, H, Z2        /* h*w' */; \
	VMULPS Z4, Z2, Z2; \
	VADDPS Z2, Z29, Z29     /* dalpha */; \
	LD((R11)(IG*4), Z5)     /* dW */; \
	VMULPS Z26, H, Z2       /* h*a */; \
	VMULPS Z4, Z2, Z2; \
	VADDPS Z2, Z5, Z5; \
	VMULPS Z3, Z26, Z2      /* a*w' */; \
	VMULPS Z4, Z2, Z2; \
	VADDPS Z2, SDH, SDH; \
	VMOVAPS.Z Z5, K2, Z5    /* g: the gradient through the clip */; \
	ST(Z5, (R11)(IG*4)); \
	VMULPS Z0, Z5, Z2       /* dM = g*e */; \
	VMULPS M, Z2, Z3        /* dM*m */; \
	VADDPS Z3, Z30, Z30; \
	VADDPS Z2, Z31, Z31     /* dB += dM */; \
	VMULPS Z23, Z2, Z3      /* dM*u */; \
	VADDPS Z3, SDMU, SDMU; \
	LD((R12)(IG*4), Z3)     /* dE */; \
	VSUBPS Z27, Z17, Z4     /* 1−eta */; \
	VMULPS Z3, Z4, Z4       /* (1−eta)*dE */; \
	VMULPS Z5, Z1, Z6       /* M*g */; \
	VADDPS Z6, Z4, Z4; \
	ST(Z4, (R12)(IG*4)); \
	LD((R13)(IV*4), Z4)     /* post */; \
	VMULPS Z4, PRE, Z6      /* d = x*post */; \
	VSUBPS Z0, Z6, Z6       /* d − e */; \
	VMULPS Z6, Z3, Z6       /* dE*(d−e) */; \
	VADDPS Z6, Z15, Z15     /* deta */; \
	VMULPS Z3, Z27, Z6      /* dD = eta*dE */; \
	VMULPS Z4, Z6, Z7       /* dD*post */; \
	VADDPS Z7, SDPRE, SDPRE; \
	LD((DX)(IV*4), Z7); \
	VMULPS PRE, Z6, Z6      /* dD*x */; \
	VADDPS Z6, Z7, Z7; \
	ST(Z7, (DX)(IV*4))

// RRFB2_STEP is the pair kernel's step: the shared operands' 16 elements
// loaded once (u, beta, eta, dalpha, dU, dB and deta through frame slots,
// alpha at R14), RRFB2_SAMPLE for the first sample and then for the
// second (indices DI, SI and R8), and the shared sums stored once.
#define RRFB2_STEP(LD, ST) \
	MOVQ u-8(SP), BX; \
	LD((BX)(AX*4), Z23); \
	MOVQ beta-16(SP), BX; \
	LD((BX)(AX*4), Z24); \
	LD((R14)(AX*4), Z26); \
	MOVQ eta-24(SP), BX; \
	LD((BX)(AX*4), Z27); \
	MOVQ dalpha-32(SP), BX; \
	LD((BX)(AX*4), Z29); \
	MOVQ dU-40(SP), BX; \
	LD((BX)(AX*4), Z30); \
	MOVQ dB-48(SP), BX; \
	LD((BX)(AX*4), Z31); \
	MOVQ deta-56(SP), BX; \
	LD((BX)(AX*4), Z15); \
	RRFB2_SAMPLE(LD, ST, AX, AX, AX, Z8, Z28, Z12, Z9, Z18, Z16); \
	RRFB2_SAMPLE(LD, ST, DI, SI, R8, Z13, Z22, Z21, Z14, Z19, Z20); \
	MOVQ dalpha-32(SP), BX; \
	ST(Z29, (BX)(AX*4)); \
	MOVQ dU-40(SP), BX; \
	ST(Z30, (BX)(AX*4)); \
	MOVQ dB-48(SP), BX; \
	ST(Z31, (BX)(AX*4)); \
	MOVQ deta-56(SP), BX; \
	ST(Z15, (BX)(AX*4)); \
	ADDQ $16, DI; \
	ADDQ $16, SI; \
	ADDQ $16, R8

// func plasticReadRetroFanBack2MatAVX512(dh, dalpha, da, h, alpha, dW, dE, dpre, dpost, dU, dB, deta, w, e, pre, post, u, beta, eta, dhB, hB, dpreB, preB []float32, m, mB, clip float32, dTr, dGr, dVec int) (dm, dmB float32)
// plasticReadRetroFanBackMatAVX512 for two samples in one pass: the first's
// operands as there, the second's dh, h, dpre and pre as dhB, hB, dpreB and
// preB, and its other per-sample operands at fixed distances (in elements)
// from the first's: w and e at dTr, dW and dE at dGr, da, post and dpost at
// dVec. The shared matrices and their gradients are loaded and stored once
// per element for both samples (RRFB2_STEP).
TEXT ·plasticReadRetroFanBack2MatAVX512(SB), NOSPLIT, $128-600
	MOVQ u_base+384(FP), BX
	MOVQ BX, u-8(SP)
	MOVQ beta_base+408(FP), BX
	MOVQ BX, beta-16(SP)
	MOVQ eta_base+432(FP), BX
	MOVQ BX, eta-24(SP)
	MOVQ dalpha_base+24(FP), BX
	MOVQ BX, dalpha-32(SP)
	MOVQ dU_base+216(FP), BX
	MOVQ BX, dU-40(SP)
	MOVQ dB_base+240(FP), BX
	MOVQ BX, dB-48(SP)
	MOVQ deta_base+264(FP), BX
	MOVQ BX, deta-56(SP)
	MOVQ h_len+80(FP), BX
	IMULQ da_len+56(FP), BX
	MOVQ BX, total-64(SP)         // rows·n
	MOVQ h_base+72(FP), BX
	MOVQ BX, h-72(SP)
	MOVQ dh_base+0(FP), BX
	MOVQ BX, dh-80(SP)
	MOVQ pre_base+336(FP), BX
	MOVQ BX, pre-88(SP)
	MOVQ dpre_base+168(FP), BX
	MOVQ BX, dpre-96(SP)
	MOVQ hB_base+480(FP), BX
	MOVQ BX, hB-104(SP)
	MOVQ dhB_base+456(FP), BX
	MOVQ BX, dhB-112(SP)
	MOVQ preB_base+528(FP), BX
	MOVQ BX, preB-120(SP)
	MOVQ dpreB_base+504(FP), BX
	MOVQ BX, dpreB-128(SP)
	VBROADCASTSS m+552(FP), Z12
	VBROADCASTSS mB+556(FP), Z21
	VBROADCASTSS clip+560(FP), Z10
	VXORPS Z25, Z25, Z25
	VSUBPS Z10, Z25, Z25          // −clip
	MOVL $0x7fffffff, BX
	VPBROADCASTD BX, Z11          // |·| mask
	MOVL $0x3f800000, BX
	VPBROADCASTD BX, Z17          // 1.0
	VXORPS Z16, Z16, Z16          // Σ dM*u, over the matrix
	VXORPS Z20, Z20, Z20          // the second sample's
	MOVQ w_base+288(FP), R9
	MOVQ e_base+312(FP), R15
	MOVQ dW_base+120(FP), R11
	MOVQ dE_base+144(FP), R12
	MOVQ alpha_base+96(FP), R14
	XORQ AX, AX
	KXNORW K1, K1, K1

rrfb2_row:
	CMPQ AX, total-64(SP)
	JGE  rrfb2_done
	MOVQ AX, BX
	SHLQ $2, BX
	MOVQ da_base+48(FP), R10
	SUBQ BX, R10                  // da, indexed by AX = i*n + j
	MOVQ post_base+360(FP), R13
	SUBQ BX, R13                  // post, likewise
	MOVQ dpost_base+192(FP), DX
	SUBQ BX, DX                   // dpost, likewise
	MOVQ dTr+568(FP), DI
	ADDQ AX, DI                   // the second sample's w and e
	MOVQ dGr+576(FP), SI
	ADDQ AX, SI                   // its dW and dE
	MOVQ dVec+584(FP), R8
	ADDQ AX, R8                   // its da, post and dpost
	ROW_BCAST(pre-88(SP), Z28)        // pre[i]
	ROW_BCAST(h-72(SP), Z8)        // h[i]
	ROW_BCAST(preB-120(SP), Z22)        // preB[i]
	ROW_BCAST(hB-104(SP), Z13)        // hB[i]
	VXORPS Z9, Z9, Z9
	VXORPS Z18, Z18, Z18
	VXORPS Z14, Z14, Z14
	VXORPS Z19, Z19, Z19
	MOVQ da_len+56(FP), CX

	VEC_LOOP(RRFB2_STEP, BX, rrfb2_full, rrfb2_tail, rrfb2_body, rrfb2_next)

rrfb2_next:
	ADDQ CX, AX                   // the masked tail overshot by −CX
	ROW_SUM(Z9, dh-80(SP))
	ROW_SUM(Z18, dpre-96(SP))
	ROW_SUM(Z14, dhB-112(SP))
	ROW_SUM(Z19, dpreB-128(SP))
	JMP  rrfb2_row

rrfb2_done:
	VMOVAPS Z16, Z0
	HSUM512
	MOVSS   X0, dm+592(FP)
	VMOVAPS Z20, Z0
	HSUM512
	MOVSS   X0, dmB+596(FP)
	VZEROUPPER
	RET
