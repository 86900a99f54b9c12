//go:build !purego

#include "textflag.h"

// vexpTab holds the constants of the vector exp, sigmoid and tanh macros in
// vexp_amd64.h, each repeated in a 32-byte row so that AVX2 code can use a row
// as a memory operand and AVX-512 code can broadcast its first element.
// The row offsets are the VX_* names in vexp_amd64.h.

// LOG2E: log2(e)
DATA ·vexpTab+0(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA ·vexpTab+8(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA ·vexpTab+16(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA ·vexpTab+24(SB)/8, $0x3fb8aa3b3fb8aa3b

// LN2HI: ln 2 rounded to float32
DATA ·vexpTab+32(SB)/8, $0x3f3172183f317218
DATA ·vexpTab+40(SB)/8, $0x3f3172183f317218
DATA ·vexpTab+48(SB)/8, $0x3f3172183f317218
DATA ·vexpTab+56(SB)/8, $0x3f3172183f317218

// LN2LO: ln 2 − LN2HI
DATA ·vexpTab+64(SB)/8, $0xb102e308b102e308
DATA ·vexpTab+72(SB)/8, $0xb102e308b102e308
DATA ·vexpTab+80(SB)/8, $0xb102e308b102e308
DATA ·vexpTab+88(SB)/8, $0xb102e308b102e308

// HI: upper clamp of exp's argument: e^89 overflows
DATA ·vexpTab+96(SB)/8, $0x42b2000042b20000
DATA ·vexpTab+104(SB)/8, $0x42b2000042b20000
DATA ·vexpTab+112(SB)/8, $0x42b2000042b20000
DATA ·vexpTab+120(SB)/8, $0x42b2000042b20000

// LO: lower clamp of exp's argument: e^−110 rounds to 0
DATA ·vexpTab+128(SB)/8, $0xc2dc0000c2dc0000
DATA ·vexpTab+136(SB)/8, $0xc2dc0000c2dc0000
DATA ·vexpTab+144(SB)/8, $0xc2dc0000c2dc0000
DATA ·vexpTab+152(SB)/8, $0xc2dc0000c2dc0000

// C7: exp polynomial, r^7 (Cephes expf minimax)
DATA ·vexpTab+160(SB)/8, $0x3950696739506967
DATA ·vexpTab+168(SB)/8, $0x3950696739506967
DATA ·vexpTab+176(SB)/8, $0x3950696739506967
DATA ·vexpTab+184(SB)/8, $0x3950696739506967

// C6: r^6
DATA ·vexpTab+192(SB)/8, $0x3ab743ce3ab743ce
DATA ·vexpTab+200(SB)/8, $0x3ab743ce3ab743ce
DATA ·vexpTab+208(SB)/8, $0x3ab743ce3ab743ce
DATA ·vexpTab+216(SB)/8, $0x3ab743ce3ab743ce

// C5: r^5
DATA ·vexpTab+224(SB)/8, $0x3c0889083c088908
DATA ·vexpTab+232(SB)/8, $0x3c0889083c088908
DATA ·vexpTab+240(SB)/8, $0x3c0889083c088908
DATA ·vexpTab+248(SB)/8, $0x3c0889083c088908

// C4: r^4
DATA ·vexpTab+256(SB)/8, $0x3d2aa9c13d2aa9c1
DATA ·vexpTab+264(SB)/8, $0x3d2aa9c13d2aa9c1
DATA ·vexpTab+272(SB)/8, $0x3d2aa9c13d2aa9c1
DATA ·vexpTab+280(SB)/8, $0x3d2aa9c13d2aa9c1

// C3: r^3
DATA ·vexpTab+288(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA ·vexpTab+296(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA ·vexpTab+304(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA ·vexpTab+312(SB)/8, $0x3e2aaaaa3e2aaaaa

// C2: r^2
DATA ·vexpTab+320(SB)/8, $0x3f0000003f000000
DATA ·vexpTab+328(SB)/8, $0x3f0000003f000000
DATA ·vexpTab+336(SB)/8, $0x3f0000003f000000
DATA ·vexpTab+344(SB)/8, $0x3f0000003f000000

// ONE: 1
DATA ·vexpTab+352(SB)/8, $0x3f8000003f800000
DATA ·vexpTab+360(SB)/8, $0x3f8000003f800000
DATA ·vexpTab+368(SB)/8, $0x3f8000003f800000
DATA ·vexpTab+376(SB)/8, $0x3f8000003f800000

// BIAS: float32 exponent bias (int32)
DATA ·vexpTab+384(SB)/8, $0x0000007f0000007f
DATA ·vexpTab+392(SB)/8, $0x0000007f0000007f
DATA ·vexpTab+400(SB)/8, $0x0000007f0000007f
DATA ·vexpTab+408(SB)/8, $0x0000007f0000007f

// SIGN: sign bit
DATA ·vexpTab+416(SB)/8, $0x8000000080000000
DATA ·vexpTab+424(SB)/8, $0x8000000080000000
DATA ·vexpTab+432(SB)/8, $0x8000000080000000
DATA ·vexpTab+440(SB)/8, $0x8000000080000000

// ABS: all but the sign bit
DATA ·vexpTab+448(SB)/8, $0x7fffffff7fffffff
DATA ·vexpTab+456(SB)/8, $0x7fffffff7fffffff
DATA ·vexpTab+464(SB)/8, $0x7fffffff7fffffff
DATA ·vexpTab+472(SB)/8, $0x7fffffff7fffffff

// TWO: 2
DATA ·vexpTab+480(SB)/8, $0x4000000040000000
DATA ·vexpTab+488(SB)/8, $0x4000000040000000
DATA ·vexpTab+496(SB)/8, $0x4000000040000000
DATA ·vexpTab+504(SB)/8, $0x4000000040000000

// TANHTHR: below this |x|, tanh uses its odd polynomial
DATA ·vexpTab+512(SB)/8, $0x3f2000003f200000
DATA ·vexpTab+520(SB)/8, $0x3f2000003f200000
DATA ·vexpTab+528(SB)/8, $0x3f2000003f200000
DATA ·vexpTab+536(SB)/8, $0x3f2000003f200000

// T5: tanh polynomial in z = x², z^5 (Cephes tanhf)
DATA ·vexpTab+544(SB)/8, $0xbbbaf0eabbbaf0ea
DATA ·vexpTab+552(SB)/8, $0xbbbaf0eabbbaf0ea
DATA ·vexpTab+560(SB)/8, $0xbbbaf0eabbbaf0ea
DATA ·vexpTab+568(SB)/8, $0xbbbaf0eabbbaf0ea

// T4: z^4
DATA ·vexpTab+576(SB)/8, $0x3ca9134e3ca9134e
DATA ·vexpTab+584(SB)/8, $0x3ca9134e3ca9134e
DATA ·vexpTab+592(SB)/8, $0x3ca9134e3ca9134e
DATA ·vexpTab+600(SB)/8, $0x3ca9134e3ca9134e

// T3: z^3
DATA ·vexpTab+608(SB)/8, $0xbd5c1e2dbd5c1e2d
DATA ·vexpTab+616(SB)/8, $0xbd5c1e2dbd5c1e2d
DATA ·vexpTab+624(SB)/8, $0xbd5c1e2dbd5c1e2d
DATA ·vexpTab+632(SB)/8, $0xbd5c1e2dbd5c1e2d

// T2: z^2
DATA ·vexpTab+640(SB)/8, $0x3e0883933e088393
DATA ·vexpTab+648(SB)/8, $0x3e0883933e088393
DATA ·vexpTab+656(SB)/8, $0x3e0883933e088393
DATA ·vexpTab+664(SB)/8, $0x3e0883933e088393

// T1: z
DATA ·vexpTab+672(SB)/8, $0xbeaaaa99beaaaa99
DATA ·vexpTab+680(SB)/8, $0xbeaaaa99beaaaa99
DATA ·vexpTab+688(SB)/8, $0xbeaaaa99beaaaa99
DATA ·vexpTab+696(SB)/8, $0xbeaaaa99beaaaa99
GLOBL ·vexpTab(SB), RODATA|NOPTR, $704

// vexpTailMask holds eight all-ones int32 followed by eight zeros: the eight
// int32 starting at element 8−r are a VMASKMOVPS mask selecting r lanes.
DATA ·vexpTailMask+0(SB)/8, $0xffffffffffffffff
DATA ·vexpTailMask+8(SB)/8, $0xffffffffffffffff
DATA ·vexpTailMask+16(SB)/8, $0xffffffffffffffff
DATA ·vexpTailMask+24(SB)/8, $0xffffffffffffffff
DATA ·vexpTailMask+32(SB)/8, $0x0000000000000000
DATA ·vexpTailMask+40(SB)/8, $0x0000000000000000
DATA ·vexpTailMask+48(SB)/8, $0x0000000000000000
DATA ·vexpTailMask+56(SB)/8, $0x0000000000000000
GLOBL ·vexpTailMask(SB), RODATA|NOPTR, $64
