//go:build !purego

#include "textflag.h"
#include "vexp_arm64.h"

// The passes of LogSoftmax and SoftmaxNLL for NEON (see softmax_amd64.s):
// 16 elements per iteration in four independent vector accumulators, then
// single vectors, then up to three scalars. The sums are float32 in 16
// lanes plus one scalar lane for the tail.

// func smMaxNEON(x []float32) float32
// Returns max(x) for a non-empty x (not NaN-aware, as smMaxAVX512).
TEXT ·smMaxNEON(SB), NOSPLIT, $0-28
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R2
	MOVW $0xff800000, R3
	VDUP R3, V4.S4
	VDUP R3, V5.S4
	VDUP R3, V6.S4
	VDUP R3, V7.S4
	VDUP R3, V8.S4

loop16:
	CMP  $16, R2
	BLT  loop4
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x4e20f484 // fmax v4.4s, v4.4s, v0.4s
	WORD $0x4e21f4a5 // fmax v5.4s, v5.4s, v1.4s
	WORD $0x4e22f4c6 // fmax v6.4s, v6.4s, v2.4s
	WORD $0x4e23f4e7 // fmax v7.4s, v7.4s, v3.4s
	SUB  $16, R2
	B    loop16

loop4:
	CMP  $4, R2
	BLT  tail
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4e20f484 // fmax v4.4s, v4.4s, v0.4s
	SUB  $4, R2
	B    loop4

tail:
	CBZ  R2, reduce
	FMOVS.P 4(R0), F0
	FMAXS F0, F8, F8
	SUB  $1, R2
	B    tail

reduce:
	WORD $0x4e25f484 // fmax v4.4s, v4.4s, v5.4s
	WORD $0x4e27f4c6 // fmax v6.4s, v6.4s, v7.4s
	WORD $0x4e26f484 // fmax v4.4s, v4.4s, v6.4s
	WORD $0x6e30f884 // fmaxv s4, v4.4s
	FMAXS F8, F4, F4
	FMOVS F4, ret+24(FP)
	RET

// func smSumExpNEON(x []float32, m float32) float32
// Returns Σ e^(x[i]−m) (float32 accumulators).
TEXT ·smSumExpNEON(SB), NOSPLIT, $0-36
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R2
	FMOVS m+24(FP), F7
	VDUP V7.S[0], V7.S4
	VEXP_NEON_CONSTS
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16

loop16:
	CMP  $16, R2
	BLT  loop4
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	VEXP_NEON
	WORD $0x4e21d508 // fadd v8.4s, v8.4s, v1.4s
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	VEXP_NEON
	WORD $0x4e21d529 // fadd v9.4s, v9.4s, v1.4s
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	VEXP_NEON
	WORD $0x4e21d54a // fadd v10.4s, v10.4s, v1.4s
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	VEXP_NEON
	WORD $0x4e21d56b // fadd v11.4s, v11.4s, v1.4s
	SUB  $16, R2
	B    loop16

loop4:
	CMP  $4, R2
	BLT  tail
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	VEXP_NEON
	WORD $0x4e21d508 // fadd v8.4s, v8.4s, v1.4s
	SUB  $4, R2
	B    loop4

tail:
	CBZ  R2, reduce
	FMOVS.P 4(R0), F0
	FSUBS F7, F0, F0
	VEXP_NEON
	FADDS F1, F12, F12
	SUB  $1, R2
	B    tail

reduce:
	WORD $0x4e29d508 // fadd v8.4s, v8.4s, v9.4s
	WORD $0x4e2bd54a // fadd v10.4s, v10.4s, v11.4s
	WORD $0x4e2ad508 // fadd v8.4s, v8.4s, v10.4s
	WORD $0x6e28d508 // faddp v8.4s, v8.4s, v8.4s
	WORD $0x7e30d908 // faddp s8, v8.2s
	FADDS F12, F8, F8
	FMOVS F8, ret+32(FP)
	RET

// func smExpSumNEON(dst, x []float32, m float32) float32
// Sets dst[i] = e^(x[i]−m) and returns their sum (float32 accumulators).
TEXT ·smExpSumNEON(SB), NOSPLIT, $0-60
	MOVD dst_base+0(FP), R1
	MOVD x_base+24(FP), R0
	MOVD x_len+32(FP), R2
	FMOVS m+48(FP), F7
	VDUP V7.S[0], V7.S4
	VEXP_NEON_CONSTS
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16

loop16:
	CMP  $16, R2
	BLT  loop4
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	VEXP_NEON
	VST1.P [V1.S4], 16(R1)
	WORD $0x4e21d508 // fadd v8.4s, v8.4s, v1.4s
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	VEXP_NEON
	VST1.P [V1.S4], 16(R1)
	WORD $0x4e21d529 // fadd v9.4s, v9.4s, v1.4s
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	VEXP_NEON
	VST1.P [V1.S4], 16(R1)
	WORD $0x4e21d54a // fadd v10.4s, v10.4s, v1.4s
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	VEXP_NEON
	VST1.P [V1.S4], 16(R1)
	WORD $0x4e21d56b // fadd v11.4s, v11.4s, v1.4s
	SUB  $16, R2
	B    loop16

loop4:
	CMP  $4, R2
	BLT  tail
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	VEXP_NEON
	VST1.P [V1.S4], 16(R1)
	WORD $0x4e21d508 // fadd v8.4s, v8.4s, v1.4s
	SUB  $4, R2
	B    loop4

tail:
	CBZ  R2, reduce
	FMOVS.P 4(R0), F0
	FSUBS F7, F0, F0
	VEXP_NEON
	FMOVS.P F1, 4(R1)
	FADDS F1, F12, F12
	SUB  $1, R2
	B    tail

reduce:
	WORD $0x4e29d508 // fadd v8.4s, v8.4s, v9.4s
	WORD $0x4e2bd54a // fadd v10.4s, v10.4s, v11.4s
	WORD $0x4e2ad508 // fadd v8.4s, v8.4s, v10.4s
	WORD $0x6e28d508 // faddp v8.4s, v8.4s, v8.4s
	WORD $0x7e30d908 // faddp s8, v8.2s
	FADDS F12, F8, F8
	FMOVS F8, ret+56(FP)
	RET

// func smSubNEON(dst, x []float32, c float32)
// Sets dst[i] = x[i] − c.
TEXT ·smSubNEON(SB), NOSPLIT, $0-52
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD x_base+24(FP), R1
	FMOVS c+48(FP), F7
	VDUP V7.S[0], V7.S4

loop16:
	CMP  $16, R2
	BLT  loop4
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	WORD $0x4ea7d421 // fsub v1.4s, v1.4s, v7.4s
	WORD $0x4ea7d442 // fsub v2.4s, v2.4s, v7.4s
	WORD $0x4ea7d463 // fsub v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUB  $16, R2
	B    loop16

loop4:
	CMP  $4, R2
	BLT  tail
	VLD1.P 16(R1), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	VST1.P [V0.S4], 16(R0)
	SUB  $4, R2
	B    loop4

tail:
	CBZ  R2, done
	FMOVS.P 4(R1), F0
	FSUBS F7, F0, F0
	FMOVS.P F0, 4(R0)
	SUB  $1, R2
	B    tail

done:
	RET

// func smScaleNEON(dst []float32, c float32)
// Sets dst[i] = dst[i]·c.
TEXT ·smScaleNEON(SB), NOSPLIT, $0-28
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD R0, R1
	FMOVS c+24(FP), F7
	VDUP V7.S[0], V7.S4

loop16:
	CMP  $16, R2
	BLT  loop4
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x6e27dc00 // fmul v0.4s, v0.4s, v7.4s
	WORD $0x6e27dc21 // fmul v1.4s, v1.4s, v7.4s
	WORD $0x6e27dc42 // fmul v2.4s, v2.4s, v7.4s
	WORD $0x6e27dc63 // fmul v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUB  $16, R2
	B    loop16

loop4:
	CMP  $4, R2
	BLT  tail
	VLD1.P 16(R1), [V0.S4]
	WORD $0x6e27dc00 // fmul v0.4s, v0.4s, v7.4s
	VST1.P [V0.S4], 16(R0)
	SUB  $4, R2
	B    loop4

tail:
	CBZ  R2, done
	FMOVS.P 4(R1), F0
	FMULS F7, F0, F0
	FMOVS.P F0, 4(R0)
	SUB  $1, R2
	B    tail

done:
	RET
