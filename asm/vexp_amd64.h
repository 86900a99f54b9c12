// Vector exp, sigmoid and tanh for amd64, as assembler macros shared by the
// kernels in this package (activation_amd64.s, softmax_amd64.s, and the fused
// LSTM cell). Include it after textflag.h; the constants live in vexpTab
// (vexp_amd64.s), addressed through the VX_* names below.
//
// Algorithm (all levels): clamp x to [−110, 89] (NaN passes through the
// clamp), n = round(x·log2 e), r = x − n·LN2HI − n·LN2LO (the first step is
// exact with FMA), p = 1 + r + r²/2 + … a degree-7 polynomial on |r| ≤ ln2/2,
// e^x = p·2^n. AVX-512 scales with VSCALEFPS; AVX2 multiplies by 2^⌊n/2⌋ and
// 2^(n−⌊n/2⌋) built in the exponent bits, so overflow gives +Inf and results
// below the normal range are rounded once, as gradual underflow. Accuracy:
// within 2 ULP of e^x for normal results; measured on every 97th float32
// (activation_test.go): exp 1 ULP, sigmoid 2 ULP, tanh 1 ULP.
//
// sigmoid(x) = 1 / (1 + e^−x): no cancellation, exactly 1 for large x and
// 0 (or a subnormal) for x < −87.
// tanh(x): for |x| < 0.625 the odd polynomial x + x·z·P(z), z = x², keeps
// tanh(x) ≈ x accurate near 0 (and exact for tiny x); otherwise
// sign(x)·(1 − 2/(e^{2|x|} + 1)), which is exactly ±1 for |x| ≳ 9.
// NaN in gives NaN out in all three.

// Row offsets into vexpTab (each row is 8 copies of one 32-bit constant).
#define VX_LOG2E ·vexpTab+0(SB)
#define VX_LN2HI ·vexpTab+32(SB)
#define VX_LN2LO ·vexpTab+64(SB)
#define VX_HI ·vexpTab+96(SB)
#define VX_LO ·vexpTab+128(SB)
#define VX_C7 ·vexpTab+160(SB)
#define VX_C6 ·vexpTab+192(SB)
#define VX_C5 ·vexpTab+224(SB)
#define VX_C4 ·vexpTab+256(SB)
#define VX_C3 ·vexpTab+288(SB)
#define VX_C2 ·vexpTab+320(SB)
#define VX_ONE ·vexpTab+352(SB)
#define VX_BIAS ·vexpTab+384(SB)
#define VX_SIGN ·vexpTab+416(SB)
#define VX_ABS ·vexpTab+448(SB)
#define VX_TWO ·vexpTab+480(SB)
#define VX_TANHTHR ·vexpTab+512(SB)
#define VX_T5 ·vexpTab+544(SB)
#define VX_T4 ·vexpTab+576(SB)
#define VX_T3 ·vexpTab+608(SB)
#define VX_T2 ·vexpTab+640(SB)
#define VX_T1 ·vexpTab+672(SB)

// ---------------------------------------------------------------- AVX-512

// VEXP512_CONSTS loads the constants that VEXP512, VSIGMOID512 and VTANH512
// expect: Z31 log2 e, Z30 LN2HI, Z29 LN2LO, Z28 upper clamp, Z27 lower clamp,
// Z26…Z21 the polynomial coefficients C7…C2, Z20 1.0. Those twelve registers
// must be left alone while the macros are in use.
#define VEXP512_CONSTS \
	VBROADCASTSS VX_LOG2E, Z31; \
	VBROADCASTSS VX_LN2HI, Z30; \
	VBROADCASTSS VX_LN2LO, Z29; \
	VBROADCASTSS VX_HI, Z28; \
	VBROADCASTSS VX_LO, Z27; \
	VBROADCASTSS VX_C7, Z26; \
	VBROADCASTSS VX_C6, Z25; \
	VBROADCASTSS VX_C5, Z24; \
	VBROADCASTSS VX_C4, Z23; \
	VBROADCASTSS VX_C3, Z22; \
	VBROADCASTSS VX_C2, Z21; \
	VBROADCASTSS VX_ONE, Z20

// VEXP512(x, n, p) sets p = e^x for the 16 lanes of ZMM register x.
// Clobbers x and n; p, x and n must be distinct and outside Z20–Z31.
// The clamp keeps x as the second source of VMINPS/VMAXPS, the operand those
// return when one input is NaN, so a NaN lane stays NaN.
#define VEXP512(x, n, p) \
	VMINPS x, Z28, x; \
	VMAXPS x, Z27, x; \
	VMULPS Z31, x, n; \
	VRNDSCALEPS $0, n, n; \
	VFNMADD231PS Z30, n, x; \
	VFNMADD231PS Z29, n, x; \
	VMOVAPS Z26, p; \
	VFMADD213PS Z25, x, p; \
	VFMADD213PS Z24, x, p; \
	VFMADD213PS Z23, x, p; \
	VFMADD213PS Z22, x, p; \
	VFMADD213PS Z21, x, p; \
	VFMADD213PS Z20, x, p; \
	VFMADD213PS Z20, x, p; \
	VSCALEFPS n, p, p

// VSIGMOID512(x, n, p) sets p = 1/(1 + e^−x). Clobbers x and n (as VEXP512).
#define VSIGMOID512(x, n, p) \
	VXORPS.BCST VX_SIGN, x, x; \
	VEXP512(x, n, p); \
	VADDPS Z20, p, p; \
	VDIVPS p, Z20, p

// VTANH512(x, a, q, n, p, k) sets p = tanh(x). x is preserved; clobbers a,
// q, n and the mask register k (not K0); x, a, q, n, p distinct and outside
// Z20–Z31. Both paths keep the sign of x or work on |x|, and the sign of x is
// ORed in last, so tanh(−0) = −0.
#define VTANH512(x, a, q, n, p, k) \
	VANDPS.BCST VX_ABS, x, a; \
	VADDPS a, a, q; \
	VEXP512(q, n, p); \
	VADDPS Z20, p, p; \
	VADDPS Z20, Z20, n; \
	VDIVPS p, n, p; \
	VSUBPS p, Z20, p; \
	VCMPPS.BCST $1, VX_TANHTHR, a, k; \
	VMULPS x, x, q; \
	VBROADCASTSS VX_T5, n; \
	VFMADD213PS.BCST VX_T4, q, n; \
	VFMADD213PS.BCST VX_T3, q, n; \
	VFMADD213PS.BCST VX_T2, q, n; \
	VFMADD213PS.BCST VX_T1, q, n; \
	VMULPS q, n, n; \
	VFMADD213PS x, x, n; \
	VMOVAPS n, k, p; \
	VXORPS x, a, q; \
	VORPS q, p, p

// ---------------------------------------------------------------- AVX2+FMA

// The AVX2 macros keep no constants in registers (there are only 16): they
// read the 32-byte rows of vexpTab as memory operands. All registers are YMM.

// VEXP256(x, n, m, p) sets p = e^x. Clobbers x, n and m; all four distinct.
#define VEXP256(x, n, m, p) \
	VBROADCASTSS VX_HI, n; \
	VMINPS x, n, x; \
	VBROADCASTSS VX_LO, n; \
	VMAXPS x, n, x; \
	VMULPS VX_LOG2E, x, n; \
	VROUNDPS $0, n, n; \
	VFNMADD231PS VX_LN2HI, n, x; \
	VFNMADD231PS VX_LN2LO, n, x; \
	VMOVUPS VX_C7, p; \
	VFMADD213PS VX_C6, x, p; \
	VFMADD213PS VX_C5, x, p; \
	VFMADD213PS VX_C4, x, p; \
	VFMADD213PS VX_C3, x, p; \
	VFMADD213PS VX_C2, x, p; \
	VFMADD213PS VX_ONE, x, p; \
	VFMADD213PS VX_ONE, x, p; \
	VCVTPS2DQ n, n; \
	VPSRAD $1, n, m; \
	VPSUBD m, n, n; \
	VPADDD VX_BIAS, m, m; \
	VPADDD VX_BIAS, n, n; \
	VPSLLD $23, m, m; \
	VPSLLD $23, n, n; \
	VMULPS m, p, p; \
	VMULPS n, p, p

// VSIGMOID256(x, n, m, p) sets p = 1/(1 + e^−x). Clobbers x, n and m.
#define VSIGMOID256(x, n, m, p) \
	VXORPS VX_SIGN, x, x; \
	VEXP256(x, n, m, p); \
	VMOVUPS VX_ONE, n; \
	VADDPS n, p, p; \
	VDIVPS p, n, p

// VTANH256(x, a, q, n, m, p) sets p = tanh(x). x is preserved; clobbers a,
// q, n and m; all six distinct. The sign is ORed in last, as in VTANH512.
#define VTANH256(x, a, q, n, m, p) \
	VANDPS VX_ABS, x, a; \
	VADDPS a, a, q; \
	VEXP256(q, n, m, p); \
	VMOVUPS VX_ONE, n; \
	VADDPS n, p, p; \
	VMOVUPS VX_TWO, m; \
	VDIVPS p, m, p; \
	VSUBPS p, n, p; \
	VMULPS x, x, q; \
	VMOVUPS VX_T5, n; \
	VFMADD213PS VX_T4, q, n; \
	VFMADD213PS VX_T3, q, n; \
	VFMADD213PS VX_T2, q, n; \
	VFMADD213PS VX_T1, q, n; \
	VMULPS q, n, n; \
	VFMADD213PS x, x, n; \
	VCMPPS $1, VX_TANHTHR, a, m; \
	VBLENDVPS m, n, p, p; \
	VXORPS x, a, q; \
	VORPS q, p, p
