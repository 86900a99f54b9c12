//go:build !purego

#include "textflag.h"

// vexpTabNEON holds the constants of the NEON exp, sigmoid and tanh macros in
// vexp_arm64.h: nine 16-byte rows, loaded in order into V23–V31 by
// VEXP_NEON_CONSTS. Rows V27–V31 pack four scalars each, used through
// by-element multiplies and DUP.

// V23: 1.0
DATA ·vexpTabNEON+0(SB)/8, $0x3f8000003f800000
DATA ·vexpTabNEON+8(SB)/8, $0x3f8000003f800000

// V24: float32 exponent bias (int32)
DATA ·vexpTabNEON+16(SB)/8, $0x0000007f0000007f
DATA ·vexpTabNEON+24(SB)/8, $0x0000007f0000007f

// V25: lower clamp of exp's argument: e^−110 rounds to 0
DATA ·vexpTabNEON+32(SB)/8, $0xc2dc0000c2dc0000
DATA ·vexpTabNEON+40(SB)/8, $0xc2dc0000c2dc0000

// V26: upper clamp of exp's argument: e^89 overflows
DATA ·vexpTabNEON+48(SB)/8, $0x42b2000042b20000
DATA ·vexpTabNEON+56(SB)/8, $0x42b2000042b20000

// V27: tanh polynomial coefficient of z (Cephes tanhf)
DATA ·vexpTabNEON+64(SB)/8, $0x00000000beaaaa99
DATA ·vexpTabNEON+72(SB)/8, $0x0000000000000000

// V28: tanh polynomial, z^5 z^4 z^3 z^2
DATA ·vexpTabNEON+80(SB)/8, $0x3ca9134ebbbaf0ea
DATA ·vexpTabNEON+88(SB)/8, $0x3e088393bd5c1e2d

// V29: exp C2, 1, 2, tanh polynomial threshold 0.625
DATA ·vexpTabNEON+96(SB)/8, $0x3f8000003f000000
DATA ·vexpTabNEON+104(SB)/8, $0x3f20000040000000

// V30: exp C6 C5 C4 C3 (Cephes expf minimax)
DATA ·vexpTabNEON+112(SB)/8, $0x3c0889083ab743ce
DATA ·vexpTabNEON+120(SB)/8, $0x3e2aaaaa3d2aa9c1

// V31: log2 e, LN2HI = ln 2 rounded, LN2LO = ln 2 − LN2HI, exp C7
DATA ·vexpTabNEON+128(SB)/8, $0x3f3172183fb8aa3b
DATA ·vexpTabNEON+136(SB)/8, $0x39506967b102e308
GLOBL ·vexpTabNEON(SB), RODATA|NOPTR, $144
