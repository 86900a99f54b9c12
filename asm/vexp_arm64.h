// Vector exp, sigmoid and tanh for arm64 NEON, as assembler macros shared by
// the kernels in this package (activation_arm64.s, softmax_arm64.s, and the
// fused LSTM cell). Include it after textflag.h.
//
// The algorithm is that of vexp_amd64.h: clamp x to [−110, 89] (FMIN/FMAX
// pass NaN through), n = round(x·log2 e) (FRINTN), r = x − n·LN2HI − n·LN2LO,
// a degree-7 polynomial p(r) ≈ e^r on |r| ≤ ln2/2, then e^x = p·2^⌊n/2⌋·
// 2^(n−⌊n/2⌋) with both powers built in the exponent bits, so that overflow
// gives +Inf and tiny results underflow gradually. sigmoid(x) = 1/(1+e^−x);
// tanh(x) is x + x·z·P(z), z = x², for |x| < 0.625 and sign(x)·(1 − 2/(e^{2|x|}+1))
// above; the sign of x is ORed in last (tanh(−0) = −0).
//
// The Go assembler lacks these vector instructions, so they are WORD-encoded
// with the instruction in a comment; the encodings come from binutils
// (aarch64-linux-gnu-as) and the tests run under qemu-aarch64.
//
// Registers: the macros work on fixed registers, one vector of four lanes
// per invocation.
//   V23–V31  constants, loaded by VEXP_NEON_CONSTS; leave them alone.
//   V0–V6    input, output and scratch, as documented per macro.
// Nothing else is touched (no general-purpose registers, no flags), except
// R9 by VEXP_NEON_CONSTS.

// VEXP_NEON_CONSTS loads the constants into V23–V31 (clobbers R9).
#define VEXP_NEON_CONSTS \
	MOVD $·vexpTabNEON(SB), R9; \
	VLD1.P 64(R9), [V23.S4, V24.S4, V25.S4, V26.S4]; \
	VLD1.P 64(R9), [V27.S4, V28.S4, V29.S4, V30.S4]; \
	VLD1 (R9), [V31.S4]

// VEXP_NEON sets V1 = e^V0. Clobbers V0, V2 and V3.
#define VEXP_NEON \
	WORD $0x4ebaf400; /* fmin v0.4s, v0.4s, v26.4s */ \
	WORD $0x4e39f400; /* fmax v0.4s, v0.4s, v25.4s */ \
	WORD $0x4f9f9002; /* fmul v2.4s, v0.4s, v31.s[0] */ \
	WORD $0x4e218842; /* frintn v2.4s, v2.4s */ \
	WORD $0x4fbf5040; /* fmls v0.4s, v2.4s, v31.s[1] */ \
	WORD $0x4f9f5840; /* fmls v0.4s, v2.4s, v31.s[2] */ \
	VDUP V30.S[0], V1.S4; \
	WORD $0x4fbf1801; /* fmla v1.4s, v0.4s, v31.s[3] */ \
	VDUP V30.S[1], V3.S4; \
	WORD $0x4e20cc23; /* fmla v3.4s, v1.4s, v0.4s */ \
	VDUP V30.S[2], V1.S4; \
	WORD $0x4e20cc61; /* fmla v1.4s, v3.4s, v0.4s */ \
	VDUP V30.S[3], V3.S4; \
	WORD $0x4e20cc23; /* fmla v3.4s, v1.4s, v0.4s */ \
	VDUP V29.S[0], V1.S4; \
	WORD $0x4e20cc61; /* fmla v1.4s, v3.4s, v0.4s */ \
	VMOV V23.B16, V3.B16; \
	WORD $0x4e20cc23; /* fmla v3.4s, v1.4s, v0.4s */ \
	VMOV V23.B16, V1.B16; \
	WORD $0x4e20cc61; /* fmla v1.4s, v3.4s, v0.4s */ \
	WORD $0x4ea1b842; /* fcvtzs v2.4s, v2.4s */ \
	WORD $0x4f3f0443; /* sshr v3.4s, v2.4s, #1 */ \
	WORD $0x6ea38442; /* sub v2.4s, v2.4s, v3.4s */ \
	WORD $0x4eb88463; /* add v3.4s, v3.4s, v24.4s */ \
	WORD $0x4eb88442; /* add v2.4s, v2.4s, v24.4s */ \
	WORD $0x4f375463; /* shl v3.4s, v3.4s, #23 */ \
	WORD $0x4f375442; /* shl v2.4s, v2.4s, #23 */ \
	WORD $0x6e23dc21; /* fmul v1.4s, v1.4s, v3.4s */ \
	WORD $0x6e22dc21 // fmul v1.4s, v1.4s, v2.4s

// VSIGMOID_NEON sets V1 = 1/(1 + e^−V0). Clobbers V0, V2 and V3.
#define VSIGMOID_NEON \
	WORD $0x6ea0f800; /* fneg v0.4s, v0.4s */ \
	VEXP_NEON; \
	WORD $0x4e37d421; /* fadd v1.4s, v1.4s, v23.4s */ \
	WORD $0x6e21fee1 // fdiv v1.4s, v23.4s, v1.4s

// VTANH_NEON sets V1 = tanh(V0). Clobbers V0 and V2–V5; V6 = the input.
#define VTANH_NEON \
	VMOV V0.B16, V6.B16; \
	WORD $0x4ea0f804; /* fabs v4.4s, v0.4s */ \
	WORD $0x4e24d480; /* fadd v0.4s, v4.4s, v4.4s */ \
	VEXP_NEON; \
	WORD $0x4e37d421; /* fadd v1.4s, v1.4s, v23.4s */ \
	VDUP V29.S[2], V2.S4; \
	WORD $0x6e21fc41; /* fdiv v1.4s, v2.4s, v1.4s */ \
	WORD $0x4ea1d6e1; /* fsub v1.4s, v23.4s, v1.4s */ \
	WORD $0x6e26dcc5; /* fmul v5.4s, v6.4s, v6.4s */ \
	VDUP V28.S[1], V2.S4; \
	WORD $0x4f9c10a2; /* fmla v2.4s, v5.4s, v28.s[0] */ \
	VDUP V28.S[2], V3.S4; \
	WORD $0x4e25cc43; /* fmla v3.4s, v2.4s, v5.4s */ \
	VDUP V28.S[3], V2.S4; \
	WORD $0x4e25cc62; /* fmla v2.4s, v3.4s, v5.4s */ \
	VDUP V27.S[0], V3.S4; \
	WORD $0x4e25cc43; /* fmla v3.4s, v2.4s, v5.4s */ \
	WORD $0x6e25dc63; /* fmul v3.4s, v3.4s, v5.4s */ \
	VMOV V6.B16, V2.B16; \
	WORD $0x4e26cc62; /* fmla v2.4s, v3.4s, v6.4s */ \
	VDUP V29.S[3], V3.S4; \
	WORD $0x6ea4e463; /* fcmgt v3.4s, v3.4s, v4.4s */ \
	WORD $0x6ea31c41; /* bit v1.16b, v2.16b, v3.16b */ \
	VEOR V4.B16, V6.B16, V3.B16; \
	VORR V3.B16, V1.B16, V1.B16
