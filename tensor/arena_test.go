package tensor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArenaTensorsDoNotOverlap(t *testing.T) {
	var a Arena
	var ts []Tensor
	for i := range 50 {
		x := a.Zeros(i%7, 1000*(i%3)+1)
		Fill(&x, float32(i))
		ts = append(ts, x)
		assert.Equal(t, len(x.Data), cap(x.Data), "a tensor must not reach into the next")
	}
	for i, x := range ts {
		for _, v := range x.Data {
			require.Equal(t, float32(i), v, "tensor %d was overwritten", i)
		}
	}
}

func TestArenaResetReusesMemory(t *testing.T) {
	var a Arena
	x := a.Alloc(10)
	Fill(&x, 3)
	a.Reset()
	y := a.Alloc(10)
	assert.Same(t, &x.Data[0], &y.Data[0], "after Reset the same memory comes back")
	z := a.Zeros(10)
	assert.Equal(t, make([]float32, 10), z.Data)
}

// step asks the arena for what a training step would: many temporaries,
// more than one buffer's worth the first time, used by real operations.
func step(a *Arena) {
	a.Reset()
	w := a.Zeros(30, 40)
	for i := range 40 {
		x := a.Zeros(20, 30)
		y := a.Alloc(20, 40)
		MatMul(&y, &x, &w, false, false, 1, 0)
		z := a.Alloc(20, 40+i)
		Fill(&z, 1)
		big := a.Alloc(3000 + 17*i)
		Fill(&big, 2)
	}
}

func TestArenaSteadyStateAllocatesNothing(t *testing.T) {
	var a Arena
	step(&a)
	step(&a) // the first Reset merges the buffers of the first round
	assert.Equal(t, 1, len(a.chunks))
	allocs := testing.AllocsPerRun(10, func() { step(&a) })
	assert.Zero(t, allocs, "a step of the same shape must allocate nothing")
}

func BenchmarkArenaStep(b *testing.B) {
	var a Arena
	step(&a)
	step(&a) // merges the first round's buffers
	b.ReportAllocs()
	for b.Loop() {
		step(&a)
	}
}
