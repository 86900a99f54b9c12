// Package asmtest is the test harness for neuromod's kernels: it runs a test at
// every ISA level the CPU has, and provides guarded output buffers that catch
// out-of-bounds writes and unaligned views that exercise unaligned loads.
package asmtest

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuromod-go/neuromod/internal/cpu"
)

// ForEachLevel runs f as a subtest named after each ISA level the CPU
// supports, with that level active, regardless of NEUROMOD_ISA. A level the
// CPU has is never skipped.
func ForEachLevel(t *testing.T, f func(t *testing.T, l cpu.Level)) {
	t.Helper()
	for _, l := range cpu.Supported() {
		t.Run(l.String(), func(t *testing.T) {
			restore := cpu.SetLevel(l)
			defer restore()
			f(t, l)
		})
	}
}

// BenchEachLevel is ForEachLevel for benchmarks: one sub-benchmark per level,
// named after it, so benchstat can compare levels.
func BenchEachLevel(b *testing.B, f func(b *testing.B, l cpu.Level)) {
	b.Helper()
	for _, l := range cpu.Supported() {
		b.Run(l.String(), func(b *testing.B) {
			restore := cpu.SetLevel(l)
			defer restore()
			f(b, l)
		})
	}
}

// GuardBits is the bit pattern written around guarded buffers: a quiet NaN
// with a payload no kernel produces, compared bit for bit.
const GuardBits uint32 = 0x7fc0dead

// GuardPad is the number of guard elements on each side of a guarded buffer.
const GuardPad = 32

// Guarded is a float32 buffer with guard values on both sides.
type Guarded struct {
	buf  []float32
	off  int
	Data []float32 // the n usable elements, starting off elements past a 64-byte boundary
}

// NewGuarded returns a buffer of n elements whose first element sits offset
// elements (0..15) past a 64-byte boundary, surrounded by GuardPad guards.
func NewGuarded(n, offset int) *Guarded {
	// Over-allocate so that we can choose the alignment of Data[0].
	buf := make([]float32, n+2*GuardPad+16)
	start := GuardPad
	for (uintptrOf(buf[start:])/4+uintptr(16-offset%16))%16 != 0 {
		start++
	}
	g := &Guarded{buf: buf, off: start}
	guard := math.Float32frombits(GuardBits)
	for i := range buf {
		buf[i] = guard
	}
	g.Data = buf[start : start+n : start+n]
	return g
}

// Fill sets the usable elements with values uniform in [lo, hi).
func (g *Guarded) Fill(r *rand.Rand, lo, hi float32) *Guarded {
	FillUniform(r, g.Data, lo, hi)
	return g
}

// Check fails t if any guard value was overwritten.
func (g *Guarded) Check(t testing.TB) {
	t.Helper()
	for i, v := range g.buf {
		if i >= g.off && i < g.off+len(g.Data) {
			continue
		}
		if math.Float32bits(v) != GuardBits {
			t.Fatalf("guard overwritten at offset %d relative to data start (len %d): %v", i-g.off, len(g.Data), v)
		}
	}
}

// FillUniform sets x to values uniform in [lo, hi).
func FillUniform(r *rand.Rand, x []float32, lo, hi float32) {
	for i := range x {
		x[i] = lo + (hi-lo)*r.Float32()
	}
}

// Rand returns a deterministic generator for a test, seeded by seed.
func Rand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// Lengths returns the lengths every kernel is tested at: 0…130, and a few
// large ones that are not multiples of any vector width.
func Lengths() []int {
	ls := make([]int, 0, 140)
	for n := 0; n <= 130; n++ {
		ls = append(ls, n)
	}
	return append(ls, 255, 256, 1000, 4097, 10000, 65537)
}

// Offsets are the misalignments (in elements) at which inputs and outputs start.
var Offsets = []int{0, 1, 3, 7}

// ULPDiff returns the distance between a and b in units of the last place
// of float32; 0 for identical values, and MaxUint32 when exactly one is NaN.
func ULPDiff(a, b float32) uint32 {
	if a == b || (a != a && b != b) {
		return 0
	}
	if a != a || b != b {
		return math.MaxUint32
	}
	ia, ib := orderedBits(a), orderedBits(b)
	if ia > ib {
		return uint32(min(ia-ib, math.MaxUint32))
	}
	return uint32(min(ib-ia, math.MaxUint32))
}

// orderedBits maps a float32 to an integer that increases with its value.
func orderedBits(f float32) int64 {
	b := int64(math.Float32bits(f))
	if b&0x80000000 != 0 {
		return -(b & 0x7fffffff)
	}
	return b
}

// RelClose reports whether got is within tol of want, relative to
// max(|want|, 1) — the right measure for sums whose error scales with size.
func RelClose(got, want float64, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), 1)
}
