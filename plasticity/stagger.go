package plasticity

import "unsafe"

// Cache-set staggering. The fused trace kernels stream up to 13 H×Hp
// matrices in lockstep, element j of each at the same time. Allocations that
// large start on page boundaries, so matrices allocated one by one share
// their address modulo 4096, which is what picks the set of a 32 KiB 8-way
// L1 cache: the lockstep loads all land in one set, more lines than it has
// ways, and evict each other before use. growAt starts each of the layer's
// matrices at an offset of its own instead: the fused read+retro backward
// kernel, its matrices beyond L2, took 13 % less time per call, and retro
// trains about 3 % faster.

// setSpan is the span of addresses over which L1 sets repeat (64 sets of
// 64-byte lines), and slotStep the distance between the offsets of
// consecutive slots: 28 lines, so that the matrices a kernel reads together
// (consecutive slots) are far apart in the cache's sets. 7 is odd, so the
// 16 slots 0…15 take 16 different offsets, multiples of 256 bytes (see
// slotOffset for the others).
const (
	setSpan  = 4096
	slotStep = 7 * 256
)

// The slots of the layer's trace-sized matrices.
const (
	slotAlpha = iota
	slotEta
	slotFanW
	slotFanB
	slotGradAlpha
	slotGradEta
	slotGradFanW
	slotGradFanB
	slotDHebb
	slotDE
	slotWork
	slotWorkE
	slotCkHebb
	slotCkE
	// The two buffers of each trace that Forward rotates between the State
	// and its first checkpoint (see State).
	slotStateHebb
	slotStateE
	slotSpareHebb
	slotSpareE
)

// slotOffset is where a matrix of the given slot starts, in bytes modulo
// setSpan. Slots 16 and up take the offsets of slots 0, 1, … moved by two
// lines, still sets of their own.
func slotOffset(slot int) uintptr {
	return uintptr((slot%16)*slotStep+slot/16*128) % setSpan
}

// growAt is grow for a matrix in the given slot: storage it allocates starts
// at slotOffset(slot) modulo setSpan. Storage it reuses keeps its offset.
func growAt(x []float32, n, slot int) []float32 {
	if cap(x) >= n {
		return x[:n]
	}
	buf := make([]float32, n+setSpan/4)
	off := (slotOffset(slot) + setSpan - addrOf(buf)%setSpan) % setSpan / 4
	return buf[off : off+uintptr(n)]
}

// zeroedAt is growAt, then cleared.
func zeroedAt(x []float32, n, slot int) []float32 {
	x = growAt(x, n, slot)
	clear(x)
	return x
}

// addrOf is the address of x's first element.
func addrOf(x []float32) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(x))) }
