package tensor

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPCGStateMatchesRand: pcgState steps like math/rand/v2's PCG, and a
// jump of k lands where k steps do.
func TestPCGStateMatchesRand(t *testing.T) {
	ref := rand.NewPCG(0x1234, 0xabcd)
	s := pcgState{0x1234, 0xabcd}
	var states []pcgState
	for range 3000 {
		states = append(states, s)
		require.Equal(t, ref.Uint64(), s.uint64())
	}
	start := states[0]
	for _, k := range []uint64{0, 1, 2, 3, 64, 1000, 2047, 2999} {
		assert.Equal(t, states[k], start.jump(k), "jump %d", k)
	}
	assert.Equal(t, start.jump(1<<41+2999), start.jump(1<<40).jump(2999).jump(1<<40), "jumps compose")
	assert.NotEqual(t, start, start.jump(1<<63))
}

// TestDropoutMask: the mask is the one sequential Float32 draws give, on
// one thread or several (shares start from jumped states), and the
// generator ends where the sequential draws leave it.
func TestDropoutMask(t *testing.T) {
	for _, n := range []int{0, 7, 1000, 3*dropoutMinShare + 5} {
		for _, procs := range []int{1, 2, 3} {
			func() {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				const p = 0.3
				want := make([]float32, n)
				ref := rand.NewPCG(5, 6)
				r := rand.New(ref)
				dropped := 0
				for i := range want {
					want[i] = 1 / (1 - float32(p))
					if r.Float32() < p {
						want[i] = 0
						dropped++
					}
				}
				mask := Zeros(max(n, 1))
				mask.Data = mask.Data[:n]
				rng := rand.NewPCG(5, 6)
				DropoutMask(&mask, p, rng)
				require.Equal(t, want, mask.Data, "n=%d procs=%d", n, procs)
				assert.Equal(t, ref.Uint64(), rng.Uint64(), "the generator's next draw, n=%d procs=%d", n, procs)
				if n > 1000 {
					assert.InDelta(t, p, float64(dropped)/float64(n), 0.02)
				}
			}()
		}
	}
	m := Zeros(3)
	assert.PanicsWithValue(t, "tensor.DropoutMask: p must be in [0, 1)", func() { DropoutMask(&m, 1, rand.NewPCG(1, 1)) })
}

// BenchmarkDropoutMask fills a mask the size of the medium model's dropout
// (35 steps × 20 streams × 650), reporting elements per second; "loop" is
// the sequential Float32 draws DropoutMask replaces.
func BenchmarkDropoutMask(b *testing.B) {
	const n = 35 * 20 * 650
	mask := Zeros(n)
	b.Run("mask", func(b *testing.B) {
		rng := rand.NewPCG(1, 2)
		for b.Loop() {
			DropoutMask(&mask, 0.5, rng)
		}
		b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds()/1e6, "Melem/s")
	})
	b.Run("loop", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			for i := range mask.Data {
				mask.Data[i] = 2
				if r.Float32() < 0.5 {
					mask.Data[i] = 0
				}
			}
		}
		b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds()/1e6, "Melem/s")
	})
}
