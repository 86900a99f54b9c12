//go:build !purego

#include "textflag.h"

// NEON row primitives of the plastic-trace kernels (see plastic_rows.go;
// the Go versions rowXxxGo are the reference). Each loop covers the largest
// multiple of 4 columns; the Go wrapper finishes the tail with the Go
// primitive. Every element sees the reference's operations in order —
// separate FMUL and FADD, no FMLA — so elementwise results are
// bit-identical; only the returned sums are reassociated.
//
// The Go assembler lacks the vector float instructions, so they are WORD-
// encoded with the instruction in the comment (encodings from
// aarch64-linux-gnu-as, checked against aarch64-linux-gnu-objdump).

// func plasticMulAddRowNEON(p, x, y []float32, s float32)
// rowMulAddGo, for len(p) a multiple of 4.
TEXT ·plasticMulAddRowNEON(SB), NOSPLIT, $0-76
	MOVD  p_base+0(FP), R0
	MOVD  p_len+8(FP), R1
	MOVD  x_base+24(FP), R2
	MOVD  y_base+48(FP), R3
	FMOVS s+72(FP), F8
	VDUP  V8.S[0], V8.S4
	LSR   $2, R1
	CBZ   R1, mul_done

mul_loop:
	VLD1.P 16(R2), [V0.S4]
	VLD1.P 16(R3), [V1.S4]
	VLD1   (R0), [V2.S4]
	WORD $0x6e20dd00 // fmul v0.4s, v8.4s, v0.4s
	WORD $0x6e21dc00 // fmul v0.4s, v0.4s, v1.4s
	WORD $0x4e20d442 // fadd v2.4s, v2.4s, v0.4s
	VST1.P [V2.S4], 16(R0)
	SUBS   $1, R1
	BNE    mul_loop

mul_done:
	RET

// func plasticReadBackRowNEON(dA, dW, a, w, da []float32, hi float32) float32
// rowReadBackGo, for len(dA) a multiple of 4.
TEXT ·plasticReadBackRowNEON(SB), NOSPLIT, $0-132
	MOVD  dA_base+0(FP), R0
	MOVD  dA_len+8(FP), R1
	MOVD  dW_base+24(FP), R2
	MOVD  a_base+48(FP), R3
	MOVD  w_base+72(FP), R4
	MOVD  da_base+96(FP), R5
	FMOVS hi+120(FP), F8
	VDUP  V8.S[0], V8.S4
	VEOR  V9.B16, V9.B16, V9.B16
	LSR   $2, R1
	CBZ   R1, rb_done

rb_loop:
	VLD1.P 16(R4), [V0.S4]
	VLD1.P 16(R3), [V1.S4]
	VLD1.P 16(R5), [V2.S4]
	VLD1   (R0), [V3.S4]
	VLD1   (R2), [V4.S4]
	WORD $0x6e20dd05 // fmul v5.4s, v8.4s, v0.4s
	WORD $0x6e22dca5 // fmul v5.4s, v5.4s, v2.4s
	WORD $0x4e25d463 // fadd v3.4s, v3.4s, v5.4s
	VST1.P [V3.S4], 16(R0)
	WORD $0x6e21dd06 // fmul v6.4s, v8.4s, v1.4s
	WORD $0x6e22dcc6 // fmul v6.4s, v6.4s, v2.4s
	WORD $0x4e26d484 // fadd v4.4s, v4.4s, v6.4s
	VST1.P [V4.S4], 16(R2)
	WORD $0x6e20dc27 // fmul v7.4s, v1.4s, v0.4s
	WORD $0x6e22dce7 // fmul v7.4s, v7.4s, v2.4s
	WORD $0x4e27d529 // fadd v9.4s, v9.4s, v7.4s
	SUBS   $1, R1
	BNE    rb_loop

rb_done:
	WORD $0x6e29d529 // faddp v9.4s, v9.4s, v9.4s
	WORD $0x7e30d929 // faddp s9, v9.2s
	FMOVS F9, ret+128(FP)
	RET

// func plasticModRowNEON(M, scale, bias []float32, m float32)
// rowModGo, for len(M) a multiple of 4.
TEXT ·plasticModRowNEON(SB), NOSPLIT, $0-76
	MOVD  M_base+0(FP), R0
	MOVD  M_len+8(FP), R1
	MOVD  scale_base+24(FP), R2
	MOVD  bias_base+48(FP), R3
	FMOVS m+72(FP), F8
	VDUP  V8.S[0], V8.S4
	LSR   $2, R1
	CBZ   R1, mod_done

mod_loop:
	VLD1.P 16(R2), [V0.S4]
	VLD1.P 16(R3), [V1.S4]
	WORD $0x6e28dc00 // fmul v0.4s, v0.4s, v8.4s
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	VST1.P [V0.S4], 16(R0)
	SUBS   $1, R1
	BNE    mod_loop

mod_done:
	RET

// func plasticHebbRowNEON(dst, w, post, M []float32, x, clip float32)
// rowHebbGo, for len(dst) a multiple of 4. FMAX/FMIN return NaN when u is
// NaN, as the reference's clamp does.
TEXT ·plasticHebbRowNEON(SB), NOSPLIT, $0-104
	MOVD  dst_base+0(FP), R4
	MOVD  dst_len+8(FP), R1
	MOVD  w_base+24(FP), R0
	MOVD  post_base+48(FP), R2
	MOVD  M_base+72(FP), R3
	FMOVS x+96(FP), F8
	VDUP  V8.S[0], V8.S4
	FMOVS clip+100(FP), F10
	VDUP  V10.S[0], V10.S4
	WORD $0x6ea0f949 // fneg v9.4s, v10.4s
	LSR   $2, R1
	CBZ   R1, hebb_done

hebb_loop:
	VLD1.P 16(R2), [V0.S4]
	VLD1.P 16(R3), [V1.S4]
	VLD1.P 16(R0), [V2.S4]
	WORD $0x6e20dd00 // fmul v0.4s, v8.4s, v0.4s
	WORD $0x6e20dc20 // fmul v0.4s, v1.4s, v0.4s
	WORD $0x4e20d442 // fadd v2.4s, v2.4s, v0.4s
	WORD $0x4e22f522 // fmax v2.4s, v9.4s, v2.4s
	WORD $0x4ea2f542 // fmin v2.4s, v10.4s, v2.4s
	VST1.P [V2.S4], 16(R4)
	SUBS   $1, R1
	BNE    hebb_loop

hebb_done:
	RET

// func plasticHebbBackRowNEON(dW, dpost, dM, w, post, M []float32, x, clip float32) float32
// rowHebbBackGo, for len(dW) a multiple of 4.
TEXT ·plasticHebbBackRowNEON(SB), NOSPLIT, $0-156
	MOVD  dW_base+0(FP), R0
	MOVD  dW_len+8(FP), R1
	MOVD  dpost_base+24(FP), R2
	MOVD  dM_base+48(FP), R3
	MOVD  w_base+72(FP), R4
	MOVD  post_base+96(FP), R5
	MOVD  M_base+120(FP), R6
	FMOVS x+144(FP), F8
	VDUP  V8.S[0], V8.S4
	FMOVS clip+148(FP), F10
	VDUP  V10.S[0], V10.S4
	VEOR  V9.B16, V9.B16, V9.B16
	LSR   $2, R1
	CBZ   R1, hb_done

hb_loop:
	VLD1.P 16(R5), [V0.S4]
	VLD1.P 16(R6), [V1.S4]
	VLD1.P 16(R4), [V2.S4]
	VLD1   (R0), [V3.S4]
	WORD $0x6e20dd04 // fmul v4.4s, v8.4s, v0.4s
	WORD $0x6e24dc25 // fmul v5.4s, v1.4s, v4.4s
	WORD $0x4e25d445 // fadd v5.4s, v2.4s, v5.4s
	WORD $0x4ea0f8a5 // fabs v5.4s, v5.4s
	WORD $0x6e25e545 // fcmge v5.4s, v10.4s, v5.4s
	VAND  V5.B16, V3.B16, V3.B16
	VST1.P [V3.S4], 16(R0)
	VLD1   (R3), [V6.S4]
	WORD $0x6e24dc67 // fmul v7.4s, v3.4s, v4.4s
	WORD $0x4e27d4c6 // fadd v6.4s, v6.4s, v7.4s
	VST1.P [V6.S4], 16(R3)
	WORD $0x6e21dc67 // fmul v7.4s, v3.4s, v1.4s
	WORD $0x6e20dcec // fmul v12.4s, v7.4s, v0.4s
	WORD $0x4e2cd529 // fadd v9.4s, v9.4s, v12.4s
	VLD1   (R2), [V13.S4]
	WORD $0x6e28dcec // fmul v12.4s, v7.4s, v8.4s
	WORD $0x4e2cd5ad // fadd v13.4s, v13.4s, v12.4s
	VST1.P [V13.S4], 16(R2)
	SUBS   $1, R1
	BNE    hb_loop

hb_done:
	WORD $0x6e29d529 // faddp v9.4s, v9.4s, v9.4s
	WORD $0x7e30d929 // faddp s9, v9.2s
	FMOVS F9, ret+152(FP)
	RET

// func plasticModBackRowNEON(dscale, dbias, dM, scale []float32, m float32) float32
// rowModBackGo, for len(dscale) a multiple of 4; dbias is skipped when empty.
TEXT ·plasticModBackRowNEON(SB), NOSPLIT, $0-108
	MOVD  dscale_base+0(FP), R0
	MOVD  dscale_len+8(FP), R1
	MOVD  dbias_base+24(FP), R2
	MOVD  dbias_len+32(FP), R7
	MOVD  dM_base+48(FP), R3
	MOVD  scale_base+72(FP), R4
	FMOVS m+96(FP), F8
	VDUP  V8.S[0], V8.S4
	VEOR  V9.B16, V9.B16, V9.B16
	LSR   $2, R1
	CBZ   R1, mb_done

mb_loop:
	VLD1.P 16(R3), [V0.S4]
	VLD1.P 16(R4), [V1.S4]
	VLD1   (R0), [V2.S4]
	WORD $0x6e28dc03 // fmul v3.4s, v0.4s, v8.4s
	WORD $0x4e23d442 // fadd v2.4s, v2.4s, v3.4s
	VST1.P [V2.S4], 16(R0)
	WORD $0x6e21dc03 // fmul v3.4s, v0.4s, v1.4s
	WORD $0x4e23d529 // fadd v9.4s, v9.4s, v3.4s
	CBZ    R7, mb_next
	VLD1   (R2), [V4.S4]
	WORD $0x4e20d484 // fadd v4.4s, v4.4s, v0.4s
	VST1.P [V4.S4], 16(R2)

mb_next:
	SUBS   $1, R1
	BNE    mb_loop

mb_done:
	WORD $0x6e29d529 // faddp v9.4s, v9.4s, v9.4s
	WORD $0x7e30d929 // faddp s9, v9.2s
	FMOVS F9, ret+104(FP)
	RET

// func plasticRetroRowNEON(dw, de, w, e, post, M, eta []float32, x, clip float32)
// rowRetroGo, for len(dw) a multiple of 4.
TEXT ·plasticRetroRowNEON(SB), NOSPLIT, $0-176
	MOVD  dw_base+0(FP), R6
	MOVD  dw_len+8(FP), R1
	MOVD  de_base+24(FP), R7
	MOVD  w_base+48(FP), R0
	MOVD  e_base+72(FP), R2
	MOVD  post_base+96(FP), R3
	MOVD  M_base+120(FP), R4
	MOVD  eta_base+144(FP), R5
	FMOVS x+168(FP), F8
	VDUP  V8.S[0], V8.S4
	FMOVS clip+172(FP), F10
	VDUP  V10.S[0], V10.S4
	WORD $0x6ea0f949 // fneg v9.4s, v10.4s
	WORD $0x4f03f60b // fmov v11.4s, #1.0
	LSR   $2, R1
	CBZ   R1, rt_done

rt_loop:
	VLD1.P 16(R2), [V0.S4]
	VLD1.P 16(R4), [V1.S4]
	VLD1.P 16(R0), [V2.S4]
	WORD $0x6e20dc23 // fmul v3.4s, v1.4s, v0.4s
	WORD $0x4e23d442 // fadd v2.4s, v2.4s, v3.4s
	WORD $0x4e22f522 // fmax v2.4s, v9.4s, v2.4s
	WORD $0x4ea2f542 // fmin v2.4s, v10.4s, v2.4s
	VST1.P [V2.S4], 16(R6)
	VLD1.P 16(R3), [V4.S4]
	VLD1.P 16(R5), [V5.S4]
	WORD $0x6e24dd04 // fmul v4.4s, v8.4s, v4.4s
	WORD $0x4ea5d566 // fsub v6.4s, v11.4s, v5.4s
	WORD $0x6e20dcc6 // fmul v6.4s, v6.4s, v0.4s
	WORD $0x6e24dca4 // fmul v4.4s, v5.4s, v4.4s
	WORD $0x4e24d4c6 // fadd v6.4s, v6.4s, v4.4s
	VST1.P [V6.S4], 16(R7)
	SUBS   $1, R1
	BNE    rt_loop

rt_done:
	RET

// func plasticRetroBackRowNEON(dW, dE, dpost, dM, deta, w, e, post, M, eta []float32, x, clip float32) float32
// rowRetroBackGo, for len(dW) a multiple of 4.
TEXT ·plasticRetroBackRowNEON(SB), NOSPLIT, $0-252
	MOVD  dW_base+0(FP), R0
	MOVD  dW_len+8(FP), R1
	MOVD  dE_base+24(FP), R2
	MOVD  dpost_base+48(FP), R3
	MOVD  dM_base+72(FP), R4
	MOVD  deta_base+96(FP), R5
	MOVD  w_base+120(FP), R6
	MOVD  e_base+144(FP), R7
	MOVD  post_base+168(FP), R8
	MOVD  M_base+192(FP), R9
	MOVD  eta_base+216(FP), R10
	FMOVS x+240(FP), F8
	VDUP  V8.S[0], V8.S4
	FMOVS clip+244(FP), F10
	VDUP  V10.S[0], V10.S4
	WORD $0x4f03f60b // fmov v11.4s, #1.0
	VEOR  V9.B16, V9.B16, V9.B16
	LSR   $2, R1
	CBZ   R1, rtb_done

rtb_loop:
	VLD1.P 16(R7), [V0.S4]
	VLD1.P 16(R9), [V1.S4]
	VLD1.P 16(R6), [V2.S4]
	VLD1   (R0), [V3.S4]
	WORD $0x6e20dc24 // fmul v4.4s, v1.4s, v0.4s
	WORD $0x4e24d444 // fadd v4.4s, v2.4s, v4.4s
	WORD $0x4ea0f884 // fabs v4.4s, v4.4s
	WORD $0x6e24e544 // fcmge v4.4s, v10.4s, v4.4s
	VAND  V4.B16, V3.B16, V3.B16
	VST1.P [V3.S4], 16(R0)
	VLD1   (R4), [V5.S4]
	WORD $0x6e20dc66 // fmul v6.4s, v3.4s, v0.4s
	WORD $0x4e26d4a5 // fadd v5.4s, v5.4s, v6.4s
	VST1.P [V5.S4], 16(R4)
	VLD1.P 16(R10), [V5.S4]
	VLD1   (R2), [V6.S4]
	WORD $0x4ea5d567 // fsub v7.4s, v11.4s, v5.4s
	WORD $0x6e26dce7 // fmul v7.4s, v7.4s, v6.4s
	WORD $0x6e23dc2d // fmul v13.4s, v1.4s, v3.4s
	WORD $0x4e2dd4e7 // fadd v7.4s, v7.4s, v13.4s
	VST1.P [V7.S4], 16(R2)
	VLD1.P 16(R8), [V13.S4]
	WORD $0x6e2ddd0e // fmul v14.4s, v8.4s, v13.4s
	WORD $0x4ea0d5ce // fsub v14.4s, v14.4s, v0.4s
	WORD $0x6e2edcce // fmul v14.4s, v6.4s, v14.4s
	VLD1   (R5), [V7.S4]
	WORD $0x4e2ed4e7 // fadd v7.4s, v7.4s, v14.4s
	VST1.P [V7.S4], 16(R5)
	WORD $0x6e26dca6 // fmul v6.4s, v5.4s, v6.4s
	WORD $0x6e2ddcce // fmul v14.4s, v6.4s, v13.4s
	WORD $0x4e2ed529 // fadd v9.4s, v9.4s, v14.4s
	VLD1   (R3), [V7.S4]
	WORD $0x6e28dcce // fmul v14.4s, v6.4s, v8.4s
	WORD $0x4e2ed4e7 // fadd v7.4s, v7.4s, v14.4s
	VST1.P [V7.S4], 16(R3)
	SUBS   $1, R1
	BNE    rtb_loop

rtb_done:
	WORD $0x6e29d529 // faddp v9.4s, v9.4s, v9.4s
	WORD $0x7e30d929 // faddp s9, v9.2s
	FMOVS F9, ret+248(FP)
	RET

// func plasticHebbFanRowNEON(dst, w, post, u, beta []float32, x, m, clip float32)
// rowHebbFanGo, for len(dst) a multiple of 4.
TEXT ·plasticHebbFanRowNEON(SB), NOSPLIT, $0-132
	MOVD  dst_base+0(FP), R4
	MOVD  dst_len+8(FP), R1
	MOVD  w_base+24(FP), R0
	MOVD  post_base+48(FP), R2
	MOVD  u_base+72(FP), R3
	MOVD  beta_base+96(FP), R5
	FMOVS x+120(FP), F8
	VDUP  V8.S[0], V8.S4
	FMOVS m+124(FP), F12
	VDUP  V12.S[0], V12.S4
	FMOVS clip+128(FP), F10
	VDUP  V10.S[0], V10.S4
	WORD $0x6ea0f949 // fneg v9.4s, v10.4s
	LSR   $2, R1
	CBZ   R1, hf_done

hf_loop:
	VLD1.P 16(R2), [V0.S4]
	VLD1.P 16(R3), [V1.S4]
	VLD1.P 16(R5), [V3.S4]
	VLD1.P 16(R0), [V2.S4]
	WORD $0x6e20dd00 // fmul v0.4s, v8.4s, v0.4s
	WORD $0x6e2cdc21 // fmul v1.4s, v1.4s, v12.4s
	WORD $0x4e23d421 // fadd v1.4s, v1.4s, v3.4s
	WORD $0x6e20dc20 // fmul v0.4s, v1.4s, v0.4s
	WORD $0x4e20d442 // fadd v2.4s, v2.4s, v0.4s
	WORD $0x4e22f522 // fmax v2.4s, v9.4s, v2.4s
	WORD $0x4ea2f542 // fmin v2.4s, v10.4s, v2.4s
	VST1.P [V2.S4], 16(R4)
	SUBS   $1, R1
	BNE    hf_loop

hf_done:
	RET

// func plasticHebbFanBackRowNEON(dW, dpost, dU, dB, w, post, u, beta []float32, x, m, clip float32) (s, dm float32)
// rowHebbFanBackGo, for len(dW) a multiple of 4.
TEXT ·plasticHebbFanBackRowNEON(SB), NOSPLIT, $0-216
	MOVD  dW_base+0(FP), R0
	MOVD  dW_len+8(FP), R1
	MOVD  dpost_base+24(FP), R2
	MOVD  dU_base+48(FP), R3
	MOVD  dB_base+72(FP), R5
	MOVD  w_base+96(FP), R6
	MOVD  post_base+120(FP), R7
	MOVD  u_base+144(FP), R8
	MOVD  beta_base+168(FP), R9
	FMOVS x+192(FP), F8
	VDUP  V8.S[0], V8.S4
	FMOVS m+196(FP), F12
	VDUP  V12.S[0], V12.S4
	FMOVS clip+200(FP), F10
	VDUP  V10.S[0], V10.S4
	VEOR  V9.B16, V9.B16, V9.B16
	VEOR  V16.B16, V16.B16, V16.B16
	LSR   $2, R1
	CBZ   R1, hfb_done

hfb_loop:
	VLD1.P 16(R7), [V0.S4]
	VLD1.P 16(R8), [V1.S4]
	VLD1.P 16(R9), [V3.S4]
	VLD1.P 16(R6), [V2.S4]
	WORD $0x6e20dd04 // fmul v4.4s, v8.4s, v0.4s
	WORD $0x6e2cdc25 // fmul v5.4s, v1.4s, v12.4s
	WORD $0x4e23d4a5 // fadd v5.4s, v5.4s, v3.4s
	WORD $0x6e24dca6 // fmul v6.4s, v5.4s, v4.4s
	WORD $0x4e26d446 // fadd v6.4s, v2.4s, v6.4s
	WORD $0x4ea0f8c6 // fabs v6.4s, v6.4s
	WORD $0x6e26e546 // fcmge v6.4s, v10.4s, v6.4s
	VLD1   (R0), [V7.S4]
	VAND   V6.B16, V7.B16, V7.B16
	VST1.P [V7.S4], 16(R0)
	WORD $0x6e24dced // fmul v13.4s, v7.4s, v4.4s
	VLD1   (R3), [V14.S4]
	WORD $0x6e2cdda6 // fmul v6.4s, v13.4s, v12.4s
	WORD $0x4e26d5ce // fadd v14.4s, v14.4s, v6.4s
	VST1.P [V14.S4], 16(R3)
	VLD1   (R5), [V14.S4]
	WORD $0x4e2dd5ce // fadd v14.4s, v14.4s, v13.4s
	VST1.P [V14.S4], 16(R5)
	WORD $0x6e21dda6 // fmul v6.4s, v13.4s, v1.4s
	WORD $0x4e26d610 // fadd v16.4s, v16.4s, v6.4s
	WORD $0x6e25dce7 // fmul v7.4s, v7.4s, v5.4s
	WORD $0x6e20dce6 // fmul v6.4s, v7.4s, v0.4s
	WORD $0x4e26d529 // fadd v9.4s, v9.4s, v6.4s
	VLD1   (R2), [V14.S4]
	WORD $0x6e28dce6 // fmul v6.4s, v7.4s, v8.4s
	WORD $0x4e26d5ce // fadd v14.4s, v14.4s, v6.4s
	VST1.P [V14.S4], 16(R2)
	SUBS   $1, R1
	BNE    hfb_loop

hfb_done:
	WORD $0x6e29d529 // faddp v9.4s, v9.4s, v9.4s
	WORD $0x7e30d929 // faddp s9, v9.2s
	FMOVS F9, s+208(FP)
	WORD $0x6e30d610 // faddp v16.4s, v16.4s, v16.4s
	WORD $0x7e30da10 // faddp s16, v16.2s
	FMOVS F16, dm+212(FP)
	RET

// func plasticRetroFanRowNEON(dw, de, w, e, post, u, beta, eta []float32, x, m, clip float32)
// rowRetroFanGo, for len(dw) a multiple of 4.
TEXT ·plasticRetroFanRowNEON(SB), NOSPLIT, $0-204
	MOVD  dw_base+0(FP), R6
	MOVD  dw_len+8(FP), R1
	MOVD  de_base+24(FP), R7
	MOVD  w_base+48(FP), R0
	MOVD  e_base+72(FP), R2
	MOVD  post_base+96(FP), R3
	MOVD  u_base+120(FP), R4
	MOVD  beta_base+144(FP), R5
	MOVD  eta_base+168(FP), R8
	FMOVS x+192(FP), F8
	VDUP  V8.S[0], V8.S4
	FMOVS m+196(FP), F12
	VDUP  V12.S[0], V12.S4
	FMOVS clip+200(FP), F10
	VDUP  V10.S[0], V10.S4
	WORD $0x6ea0f949 // fneg v9.4s, v10.4s
	WORD $0x4f03f60b // fmov v11.4s, #1.0
	LSR   $2, R1
	CBZ   R1, rf_done

rf_loop:
	VLD1.P 16(R2), [V0.S4]
	VLD1.P 16(R4), [V1.S4]
	VLD1.P 16(R5), [V3.S4]
	WORD $0x6e2cdc21 // fmul v1.4s, v1.4s, v12.4s
	WORD $0x4e23d421 // fadd v1.4s, v1.4s, v3.4s
	VLD1.P 16(R0), [V2.S4]
	WORD $0x6e20dc24 // fmul v4.4s, v1.4s, v0.4s
	WORD $0x4e24d442 // fadd v2.4s, v2.4s, v4.4s
	WORD $0x4e22f522 // fmax v2.4s, v9.4s, v2.4s
	WORD $0x4ea2f542 // fmin v2.4s, v10.4s, v2.4s
	VST1.P [V2.S4], 16(R6)
	VLD1.P 16(R3), [V4.S4]
	VLD1.P 16(R8), [V5.S4]
	WORD $0x6e24dd04 // fmul v4.4s, v8.4s, v4.4s
	WORD $0x4ea5d566 // fsub v6.4s, v11.4s, v5.4s
	WORD $0x6e20dcc6 // fmul v6.4s, v6.4s, v0.4s
	WORD $0x6e24dca4 // fmul v4.4s, v5.4s, v4.4s
	WORD $0x4e24d4c6 // fadd v6.4s, v6.4s, v4.4s
	VST1.P [V6.S4], 16(R7)
	SUBS   $1, R1
	BNE    rf_loop

rf_done:
	RET

// func plasticRetroFanBackRowNEON(dW, dE, dpost, dU, dB, deta, w, e, post, u, beta, eta []float32, x, m, clip float32) (s, dm float32)
// rowRetroFanBackGo, for len(dW) a multiple of 4.
TEXT ·plasticRetroFanBackRowNEON(SB), NOSPLIT, $0-312
	MOVD  dW_base+0(FP), R0
	MOVD  dW_len+8(FP), R1
	MOVD  dE_base+24(FP), R2
	MOVD  dpost_base+48(FP), R3
	MOVD  dU_base+72(FP), R4
	MOVD  dB_base+96(FP), R5
	MOVD  deta_base+120(FP), R6
	MOVD  w_base+144(FP), R7
	MOVD  e_base+168(FP), R8
	MOVD  post_base+192(FP), R9
	MOVD  u_base+216(FP), R10
	MOVD  beta_base+240(FP), R11
	MOVD  eta_base+264(FP), R12
	FMOVS x+288(FP), F8
	VDUP  V8.S[0], V8.S4
	FMOVS m+292(FP), F12
	VDUP  V12.S[0], V12.S4
	FMOVS clip+296(FP), F10
	VDUP  V10.S[0], V10.S4
	WORD $0x4f03f611 // fmov v17.4s, #1.0
	VEOR  V9.B16, V9.B16, V9.B16
	VEOR  V16.B16, V16.B16, V16.B16
	LSR   $2, R1
	CBZ   R1, rfb_done

rfb_loop:
	VLD1.P 16(R8), [V0.S4]
	VLD1.P 16(R10), [V1.S4]
	VLD1.P 16(R11), [V3.S4]
	WORD $0x6e2cdc25 // fmul v5.4s, v1.4s, v12.4s
	WORD $0x4e23d4a5 // fadd v5.4s, v5.4s, v3.4s
	VLD1.P 16(R7), [V2.S4]
	WORD $0x6e20dca6 // fmul v6.4s, v5.4s, v0.4s
	WORD $0x4e26d446 // fadd v6.4s, v2.4s, v6.4s
	WORD $0x4ea0f8c6 // fabs v6.4s, v6.4s
	WORD $0x6e26e546 // fcmge v6.4s, v10.4s, v6.4s
	VLD1   (R0), [V7.S4]
	VAND   V6.B16, V7.B16, V7.B16
	VST1.P [V7.S4], 16(R0)
	WORD $0x6e20dced // fmul v13.4s, v7.4s, v0.4s
	VLD1   (R4), [V14.S4]
	WORD $0x6e2cdda6 // fmul v6.4s, v13.4s, v12.4s
	WORD $0x4e26d5ce // fadd v14.4s, v14.4s, v6.4s
	VST1.P [V14.S4], 16(R4)
	VLD1   (R5), [V14.S4]
	WORD $0x4e2dd5ce // fadd v14.4s, v14.4s, v13.4s
	VST1.P [V14.S4], 16(R5)
	WORD $0x6e21dda6 // fmul v6.4s, v13.4s, v1.4s
	WORD $0x4e26d610 // fadd v16.4s, v16.4s, v6.4s
	VLD1.P 16(R12), [V18.S4]
	VLD1   (R2), [V19.S4]
	WORD $0x4eb2d634 // fsub v20.4s, v17.4s, v18.4s
	WORD $0x6e33de94 // fmul v20.4s, v20.4s, v19.4s
	WORD $0x6e27dcb5 // fmul v21.4s, v5.4s, v7.4s
	WORD $0x4e35d694 // fadd v20.4s, v20.4s, v21.4s
	VST1.P [V20.S4], 16(R2)
	VLD1.P 16(R9), [V4.S4]
	WORD $0x6e24dd16 // fmul v22.4s, v8.4s, v4.4s
	WORD $0x4ea0d6d6 // fsub v22.4s, v22.4s, v0.4s
	WORD $0x6e36de76 // fmul v22.4s, v19.4s, v22.4s
	VLD1   (R6), [V23.S4]
	WORD $0x4e36d6f7 // fadd v23.4s, v23.4s, v22.4s
	VST1.P [V23.S4], 16(R6)
	WORD $0x6e33de58 // fmul v24.4s, v18.4s, v19.4s
	WORD $0x6e24df06 // fmul v6.4s, v24.4s, v4.4s
	WORD $0x4e26d529 // fadd v9.4s, v9.4s, v6.4s
	VLD1   (R3), [V14.S4]
	WORD $0x6e28df06 // fmul v6.4s, v24.4s, v8.4s
	WORD $0x4e26d5ce // fadd v14.4s, v14.4s, v6.4s
	VST1.P [V14.S4], 16(R3)
	SUBS   $1, R1
	BNE    rfb_loop

rfb_done:
	WORD $0x6e29d529 // faddp v9.4s, v9.4s, v9.4s
	WORD $0x7e30d929 // faddp s9, v9.2s
	FMOVS F9, s+304(FP)
	WORD $0x6e30d610 // faddp v16.4s, v16.4s, v16.4s
	WORD $0x7e30da10 // faddp s16, v16.2s
	FMOVS F16, dm+308(FP)
	RET

