package tensor

// Arena hands out tensors for per-batch temporaries from a few large
// buffers and takes them all back at once with Reset, so a training step that
// asks for the same tensors every time allocates nothing after its first run.
//
// Tensors from an arena are valid until the next Reset; using one after that
// reads or writes memory that later tensors share. An Arena is not safe for
// concurrent use. The zero Arena is ready to use.
type Arena struct {
	chunks [][]float32
	cur    int // index of the chunk being filled
	off    int // first free element of chunks[cur]
}

// minChunk is the smallest buffer an arena allocates (256 KiB).
const minChunk = 1 << 16

// align rounds arena offsets up to 16 float32s, 64 bytes, so every tensor
// starts on its own cache line, which the vector kernels prefer.
const align = 16

// Alloc returns a tensor of the given shape whose elements are left as the
// previous user of the memory left them: use it only for results that are
// written in full. An invalid shape panics.
func (a *Arena) Alloc(shape ...int) Tensor {
	dims, n := mustShape("tensor.Arena.Alloc", shape)
	return Tensor{Data: a.take(n), shape: dims, rank: len(shape)}
}

// Zeros returns a zeroed tensor of the given shape.
func (a *Arena) Zeros(shape ...int) Tensor {
	t := a.Alloc(shape...)
	clear(t.Data)
	return t
}

// Like returns a zeroed tensor of t's shape.
func (a *Arena) Like(t *Tensor) Tensor {
	return a.Zeros(t.Shape()...)
}

// take returns n elements of arena memory.
func (a *Arena) take(n int) []float32 {
	for a.cur < len(a.chunks) {
		if c := a.chunks[a.cur]; a.off+n <= len(c) {
			s := c[a.off : a.off+n : a.off+n]
			a.off = (a.off + n + align - 1) &^ (align - 1)
			return s
		}
		a.cur++
		a.off = 0
	}
	// No room left: grow geometrically so that the number of chunks, and of
	// allocations before the steady state, stays small.
	size := max(n, minChunk, a.Cap())
	a.chunks = append(a.chunks, make([]float32, size))
	a.cur = len(a.chunks) - 1
	a.off = 0
	return a.take(n)
}

// Reset makes all the arena's memory available again; every tensor it has
// handed out becomes invalid. If the last round needed more than one buffer,
// Reset replaces them by one buffer large enough for all of it, so that the
// next rounds of the same size allocate nothing.
func (a *Arena) Reset() {
	if len(a.chunks) > 1 {
		// Alignment padding that ran past the end of a chunk must fit too.
		a.chunks = [][]float32{make([]float32, a.Cap()+align*len(a.chunks))}
	}
	a.cur, a.off = 0, 0
}

// Cap returns the number of float32s the arena holds.
func (a *Arena) Cap() int {
	n := 0
	for _, c := range a.chunks {
		n += len(c)
	}
	return n
}
