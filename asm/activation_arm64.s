//go:build !purego

#include "textflag.h"
#include "vexp_arm64.h"

// Elementwise activations for NEON: a loop over 4-lane vectors, then a tail
// of up to three elements, each loaded alone into lane 0 (FMOVS zeroes the
// other lanes) and put through the same vector code, so the tail rounds
// exactly like the body. dst may be x itself.

// func expNEON(dst, x []float32)
// Implements expGeneric.
TEXT ·expNEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD x_base+24(FP), R1
	VEXP_NEON_CONSTS

loop4:
	CMP  $4, R2
	BLT  tail
	VLD1.P 16(R1), [V0.S4]
	VEXP_NEON
	VST1.P [V1.S4], 16(R0)
	SUB  $4, R2
	B    loop4

tail:
	CBZ  R2, done
	FMOVS.P 4(R1), F0
	VEXP_NEON
	FMOVS.P F1, 4(R0)
	SUB  $1, R2
	B    tail

done:
	RET

// func sigmoidNEON(dst, x []float32)
// Implements sigmoidGeneric.
TEXT ·sigmoidNEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD x_base+24(FP), R1
	VEXP_NEON_CONSTS

loop4:
	CMP  $4, R2
	BLT  tail
	VLD1.P 16(R1), [V0.S4]
	VSIGMOID_NEON
	VST1.P [V1.S4], 16(R0)
	SUB  $4, R2
	B    loop4

tail:
	CBZ  R2, done
	FMOVS.P 4(R1), F0
	VSIGMOID_NEON
	FMOVS.P F1, 4(R0)
	SUB  $1, R2
	B    tail

done:
	RET

// func tanhNEON(dst, x []float32)
// Implements tanhGeneric.
TEXT ·tanhNEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD x_base+24(FP), R1
	VEXP_NEON_CONSTS

loop4:
	CMP  $4, R2
	BLT  tail
	VLD1.P 16(R1), [V0.S4]
	VTANH_NEON
	VST1.P [V1.S4], 16(R0)
	SUB  $4, R2
	B    loop4

tail:
	CBZ  R2, done
	FMOVS.P 4(R1), F0
	VTANH_NEON
	FMOVS.P F1, 4(R0)
	SUB  $1, R2
	B    tail

done:
	RET

// func sigmoidBackwardNEON(dst, y, dy []float32)
// Implements sigmoidBackwardGeneric, bit for bit: (dy·y)·(1−y).
TEXT ·sigmoidBackwardNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD y_base+24(FP), R1
	MOVD dy_base+48(FP), R3
	VEXP_NEON_CONSTS

loop4:
	CMP  $4, R2
	BLT  tail
	VLD1.P 16(R1), [V0.S4]
	VLD1.P 16(R3), [V1.S4]
	WORD $0x6e20dc22 // fmul v2.4s, v1.4s, v0.4s
	WORD $0x4ea0d6e3 // fsub v3.4s, v23.4s, v0.4s
	WORD $0x6e23dc42 // fmul v2.4s, v2.4s, v3.4s
	VST1.P [V2.S4], 16(R0)
	SUB  $4, R2
	B    loop4

tail:
	CBZ  R2, done
	FMOVS.P 4(R1), F0
	FMOVS.P 4(R3), F1
	WORD $0x6e20dc22 // fmul v2.4s, v1.4s, v0.4s
	WORD $0x4ea0d6e3 // fsub v3.4s, v23.4s, v0.4s
	WORD $0x6e23dc42 // fmul v2.4s, v2.4s, v3.4s
	FMOVS.P F2, 4(R0)
	SUB  $1, R2
	B    tail

done:
	RET

// func tanhBackwardNEON(dst, y, dy []float32)
// Implements tanhBackwardGeneric with 1−y² fused into one rounding.
TEXT ·tanhBackwardNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD y_base+24(FP), R1
	MOVD dy_base+48(FP), R3
	VEXP_NEON_CONSTS

loop4:
	CMP  $4, R2
	BLT  tail
	VLD1.P 16(R1), [V0.S4]
	VLD1.P 16(R3), [V1.S4]
	VMOV V23.B16, V2.B16
	WORD $0x4ea0cc02 // fmls v2.4s, v0.4s, v0.4s
	WORD $0x6e21dc42 // fmul v2.4s, v2.4s, v1.4s
	VST1.P [V2.S4], 16(R0)
	SUB  $4, R2
	B    loop4

tail:
	CBZ  R2, done
	FMOVS.P 4(R1), F0
	FMOVS.P 4(R3), F1
	VMOV V23.B16, V2.B16
	WORD $0x4ea0cc02 // fmls v2.4s, v0.4s, v0.4s
	WORD $0x6e21dc42 // fmul v2.4s, v2.4s, v1.4s
	FMOVS.P F2, 4(R0)
	SUB  $1, R2
	B    tail

done:
	RET
