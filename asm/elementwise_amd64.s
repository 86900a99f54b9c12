//go:build !purego

#include "textflag.h"

// Register use: DI = dst, SI = x, R8 = y, R9 = z, CX = n, AX = element
// index, BX = loop bound. Every kernel reads element i of each input before
// it writes dst[i], so dst may be the very same slice as any input.
//
// AVX-512 tails use a K mask of the remaining 0..15 lanes (built with a
// shift: BZHI would need BMI2, which the level does not promise); masked
// loads zero the inactive lanes and masked stores leave memory past the
// slice untouched. AVX2 tails are scalar, with the same operations.

// TAILMASK sets K1 to the low CX bits (CX < 16); clobbers DX.
#define TAILMASK \
	MOVL  $1, DX; \
	SHLL  CX, DX; \
	DECL  DX;     \
	KMOVW DX, K1

// LOOP512 runs BODY64 over blocks of 64 elements, BODY16 over blocks of
// 16 and TAIL over the last n%16 under mask K1, then returns.
#define LOOP512(BODY64, BODY16, TAIL) \
	XORQ AX, AX;           \
	MOVQ CX, BX;           \
	ANDQ $-64, BX;         \
	JZ   block16;          \
block64:                   \
	BODY64;                \
	ADDQ $64, AX;          \
	CMPQ AX, BX;           \
	JNE  block64;          \
block16:                   \
	MOVQ CX, BX;           \
	ANDQ $-16, BX;         \
	CMPQ AX, BX;           \
	JEQ  tail;             \
loop16:                    \
	BODY16;                \
	ADDQ $16, AX;          \
	CMPQ AX, BX;           \
	JNE  loop16;           \
tail:                      \
	SUBQ AX, CX;           \
	JZ   done;             \
	TAILMASK;              \
	TAIL;                  \
done:                      \
	VZEROUPPER;            \
	RET

// LOOP2 runs BODY32 over blocks of 32 elements, BODY8 over blocks of 8 and
// BODY1 over the last n%8 one at a time, then returns.
#define LOOP2(BODY32, BODY8, BODY1) \
	XORQ AX, AX;           \
	MOVQ CX, BX;           \
	ANDQ $-32, BX;         \
	JZ   block8;           \
block32:                   \
	BODY32;                \
	ADDQ $32, AX;          \
	CMPQ AX, BX;           \
	JNE  block32;          \
block8:                    \
	MOVQ CX, BX;           \
	ANDQ $-8, BX;          \
	CMPQ AX, BX;           \
	JEQ  tail;             \
loop8:                     \
	BODY8;                 \
	ADDQ $8, AX;           \
	CMPQ AX, BX;           \
	JNE  loop8;            \
tail:                      \
	CMPQ AX, CX;           \
	JEQ  done;             \
loop1:                     \
	BODY1;                 \
	INCQ AX;               \
	CMPQ AX, CX;           \
	JNE  loop1;            \
done:                      \
	VZEROUPPER;            \
	RET

// Binary operations dst = x OP y, with OP(src2, src1, dst) computing
// src1 OP src2 (x86 operand order reversed, as Go writes it).
#define BIN512_64(OP) \
	VMOVUPS (SI)(AX*4), Z0;      \
	VMOVUPS 64(SI)(AX*4), Z1;    \
	VMOVUPS 128(SI)(AX*4), Z2;   \
	VMOVUPS 192(SI)(AX*4), Z3;   \
	OP      (R8)(AX*4), Z0, Z0;  \
	OP      64(R8)(AX*4), Z1, Z1;  \
	OP      128(R8)(AX*4), Z2, Z2; \
	OP      192(R8)(AX*4), Z3, Z3; \
	VMOVUPS Z0, (DI)(AX*4);      \
	VMOVUPS Z1, 64(DI)(AX*4);    \
	VMOVUPS Z2, 128(DI)(AX*4);   \
	VMOVUPS Z3, 192(DI)(AX*4)

#define BIN512_16(OP) \
	VMOVUPS (SI)(AX*4), Z0;     \
	OP      (R8)(AX*4), Z0, Z0; \
	VMOVUPS Z0, (DI)(AX*4)

#define BIN512_TAIL(OP) \
	VMOVUPS.Z (SI)(AX*4), K1, Z0; \
	VMOVUPS.Z (R8)(AX*4), K1, Z1; \
	OP        Z1, Z0, Z0;         \
	VMOVUPS   Z0, K1, (DI)(AX*4)

#define BIN2_32(OP) \
	VMOVUPS (SI)(AX*4), Y0;      \
	VMOVUPS 32(SI)(AX*4), Y1;    \
	VMOVUPS 64(SI)(AX*4), Y2;    \
	VMOVUPS 96(SI)(AX*4), Y3;    \
	OP      (R8)(AX*4), Y0, Y0;  \
	OP      32(R8)(AX*4), Y1, Y1;  \
	OP      64(R8)(AX*4), Y2, Y2;  \
	OP      96(R8)(AX*4), Y3, Y3;  \
	VMOVUPS Y0, (DI)(AX*4);      \
	VMOVUPS Y1, 32(DI)(AX*4);    \
	VMOVUPS Y2, 64(DI)(AX*4);    \
	VMOVUPS Y3, 96(DI)(AX*4)

#define BIN2_8(OP) \
	VMOVUPS (SI)(AX*4), Y0;     \
	OP      (R8)(AX*4), Y0, Y0; \
	VMOVUPS Y0, (DI)(AX*4)

#define BIN2_1(OPS) \
	VMOVSS (SI)(AX*4), X0;     \
	OPS    (R8)(AX*4), X0, X0; \
	VMOVSS X0, (DI)(AX*4)

// MulAdd: dst = x*y + z, fused (VFMADD213PS m, b, a: a = b*a + m).
#define FMA512_64 \
	VMOVUPS     (SI)(AX*4), Z0;      \
	VMOVUPS     64(SI)(AX*4), Z1;    \
	VMOVUPS     128(SI)(AX*4), Z2;   \
	VMOVUPS     192(SI)(AX*4), Z3;   \
	VMOVUPS     (R8)(AX*4), Z4;      \
	VMOVUPS     64(R8)(AX*4), Z5;    \
	VMOVUPS     128(R8)(AX*4), Z6;   \
	VMOVUPS     192(R8)(AX*4), Z7;   \
	VFMADD213PS (R9)(AX*4), Z4, Z0;  \
	VFMADD213PS 64(R9)(AX*4), Z5, Z1;  \
	VFMADD213PS 128(R9)(AX*4), Z6, Z2; \
	VFMADD213PS 192(R9)(AX*4), Z7, Z3; \
	VMOVUPS     Z0, (DI)(AX*4);      \
	VMOVUPS     Z1, 64(DI)(AX*4);    \
	VMOVUPS     Z2, 128(DI)(AX*4);   \
	VMOVUPS     Z3, 192(DI)(AX*4)

#define FMA512_16 \
	VMOVUPS     (SI)(AX*4), Z0;     \
	VMOVUPS     (R8)(AX*4), Z4;     \
	VFMADD213PS (R9)(AX*4), Z4, Z0; \
	VMOVUPS     Z0, (DI)(AX*4)

#define FMA512_TAIL \
	VMOVUPS.Z   (SI)(AX*4), K1, Z0; \
	VMOVUPS.Z   (R8)(AX*4), K1, Z4; \
	VMOVUPS.Z   (R9)(AX*4), K1, Z5; \
	VFMADD213PS Z5, Z4, Z0;         \
	VMOVUPS     Z0, K1, (DI)(AX*4)

#define FMA2_32 \
	VMOVUPS     (SI)(AX*4), Y0;      \
	VMOVUPS     32(SI)(AX*4), Y1;    \
	VMOVUPS     64(SI)(AX*4), Y2;    \
	VMOVUPS     96(SI)(AX*4), Y3;    \
	VMOVUPS     (R8)(AX*4), Y4;      \
	VMOVUPS     32(R8)(AX*4), Y5;    \
	VMOVUPS     64(R8)(AX*4), Y6;    \
	VMOVUPS     96(R8)(AX*4), Y7;    \
	VFMADD213PS (R9)(AX*4), Y4, Y0;  \
	VFMADD213PS 32(R9)(AX*4), Y5, Y1;  \
	VFMADD213PS 64(R9)(AX*4), Y6, Y2;  \
	VFMADD213PS 96(R9)(AX*4), Y7, Y3;  \
	VMOVUPS     Y0, (DI)(AX*4);      \
	VMOVUPS     Y1, 32(DI)(AX*4);    \
	VMOVUPS     Y2, 64(DI)(AX*4);    \
	VMOVUPS     Y3, 96(DI)(AX*4)

#define FMA2_8 \
	VMOVUPS     (SI)(AX*4), Y0;     \
	VMOVUPS     (R8)(AX*4), Y4;     \
	VFMADD213PS (R9)(AX*4), Y4, Y0; \
	VMOVUPS     Y0, (DI)(AX*4)

#define FMA2_1 \
	VMOVSS      (SI)(AX*4), X0;     \
	VMOVSS      (R8)(AX*4), X4;     \
	VFMADD213SS (R9)(AX*4), X4, X0; \
	VMOVSS      X0, (DI)(AX*4)

// Clamp: t = max(lo, x) then min(hi, t), with lo in Z6/Y6 and hi in Z7/Y7.
// MAXPS a, b returns b unless a > b (and b when either is NaN), which is
// exactly the reference's "if v < lo { v = lo }": NaN and ±0 ties keep x.
// MINPS likewise matches "else if v > hi { v = hi }".
#define CLAMP512_64 \
	VMAXPS  (SI)(AX*4), Z6, Z0;    \
	VMAXPS  64(SI)(AX*4), Z6, Z1;  \
	VMAXPS  128(SI)(AX*4), Z6, Z2; \
	VMAXPS  192(SI)(AX*4), Z6, Z3; \
	VMINPS  Z0, Z7, Z0;            \
	VMINPS  Z1, Z7, Z1;            \
	VMINPS  Z2, Z7, Z2;            \
	VMINPS  Z3, Z7, Z3;            \
	VMOVUPS Z0, (DI)(AX*4);        \
	VMOVUPS Z1, 64(DI)(AX*4);      \
	VMOVUPS Z2, 128(DI)(AX*4);     \
	VMOVUPS Z3, 192(DI)(AX*4)

#define CLAMP512_16 \
	VMAXPS  (SI)(AX*4), Z6, Z0; \
	VMINPS  Z0, Z7, Z0;         \
	VMOVUPS Z0, (DI)(AX*4)

#define CLAMP512_TAIL \
	VMOVUPS.Z (SI)(AX*4), K1, Z0; \
	VMAXPS    Z0, Z6, Z0;         \
	VMINPS    Z0, Z7, Z0;         \
	VMOVUPS   Z0, K1, (DI)(AX*4)

#define CLAMP2_32 \
	VMAXPS  (SI)(AX*4), Y6, Y0;   \
	VMAXPS  32(SI)(AX*4), Y6, Y1; \
	VMAXPS  64(SI)(AX*4), Y6, Y2; \
	VMAXPS  96(SI)(AX*4), Y6, Y3; \
	VMINPS  Y0, Y7, Y0;           \
	VMINPS  Y1, Y7, Y1;           \
	VMINPS  Y2, Y7, Y2;           \
	VMINPS  Y3, Y7, Y3;           \
	VMOVUPS Y0, (DI)(AX*4);       \
	VMOVUPS Y1, 32(DI)(AX*4);     \
	VMOVUPS Y2, 64(DI)(AX*4);     \
	VMOVUPS Y3, 96(DI)(AX*4)

#define CLAMP2_8 \
	VMAXPS  (SI)(AX*4), Y6, Y0; \
	VMINPS  Y0, Y7, Y0;         \
	VMOVUPS Y0, (DI)(AX*4)

#define CLAMP2_1 \
	VMAXSS (SI)(AX*4), X6, X0; \
	VMINSS X0, X7, X0;         \
	VMOVSS X0, (DI)(AX*4)

// func addAVX512(dst, x, y []float32)
TEXT ·addAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), R8
	LOOP512(BIN512_64(VADDPS), BIN512_16(VADDPS), BIN512_TAIL(VADDPS))

// func addAVX2(dst, x, y []float32)
TEXT ·addAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), R8
	LOOP2(BIN2_32(VADDPS), BIN2_8(VADDPS), BIN2_1(VADDSS))

// func subAVX512(dst, x, y []float32)
TEXT ·subAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), R8
	LOOP512(BIN512_64(VSUBPS), BIN512_16(VSUBPS), BIN512_TAIL(VSUBPS))

// func subAVX2(dst, x, y []float32)
TEXT ·subAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), R8
	LOOP2(BIN2_32(VSUBPS), BIN2_8(VSUBPS), BIN2_1(VSUBSS))

// func mulAVX512(dst, x, y []float32)
TEXT ·mulAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), R8
	LOOP512(BIN512_64(VMULPS), BIN512_16(VMULPS), BIN512_TAIL(VMULPS))

// func mulAVX2(dst, x, y []float32)
TEXT ·mulAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), R8
	LOOP2(BIN2_32(VMULPS), BIN2_8(VMULPS), BIN2_1(VMULSS))

// func mulAddAVX512(dst, x, y, z []float32)
TEXT ·mulAddAVX512(SB), NOSPLIT, $0-96
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), R8
	MOVQ z_base+72(FP), R9
	LOOP512(FMA512_64, FMA512_16, FMA512_TAIL)

// func mulAddAVX2(dst, x, y, z []float32)
TEXT ·mulAddAVX2(SB), NOSPLIT, $0-96
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), R8
	MOVQ z_base+72(FP), R9
	LOOP2(FMA2_32, FMA2_8, FMA2_1)

// func clampAVX512(dst, x []float32, lo, hi float32)
TEXT ·clampAVX512(SB), NOSPLIT, $0-56
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	VBROADCASTSS lo+48(FP), Z6
	VBROADCASTSS hi+52(FP), Z7
	LOOP512(CLAMP512_64, CLAMP512_16, CLAMP512_TAIL)

// func clampAVX2(dst, x []float32, lo, hi float32)
TEXT ·clampAVX2(SB), NOSPLIT, $0-56
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         x_base+24(FP), SI
	VBROADCASTSS lo+48(FP), Y6
	VBROADCASTSS hi+52(FP), Y7
	LOOP2(CLAMP2_32, CLAMP2_8, CLAMP2_1)

