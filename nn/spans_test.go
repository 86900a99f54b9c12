package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spanParams returns a dense parameter of several spans, a small one, and
// an embedding-like table whose gradient is nonzero in a row set, all with
// random values and gradients (zero outside the row set).
func spanParams(seed uint64) []*Param {
	r := rand.New(rand.NewPCG(seed, 1))
	dense, bias, table := NewParam("dense", 300, 700), NewParam("bias", 37), NewParam("table", 5000, 90)
	for _, p := range []*Param{dense, bias, table} {
		for i := range p.Value.Data {
			p.Value.Data[i] = 2*r.Float32() - 1
		}
	}
	for _, p := range []*Param{dense, bias} {
		for i := range p.Grad.Data {
			p.Grad.Data[i] = 2*r.Float32() - 1
		}
	}
	table.rows = newRowSet(5000)
	ids := make([]int32, 900)
	for i := range ids {
		ids[i] = int32(r.IntN(5000))
	}
	table.rows.add(ids)
	for _, id := range table.rows.list {
		for j := range 90 {
			table.Grad.Data[int(id)*90+j] = 2*r.Float32() - 1
		}
	}
	return []*Param{table, dense, bias}
}

// The optimiser passes share the spans of the gradients over the threads:
// GradNorm is the same to the bit on any number of threads and agrees with
// a float64 sum; SGD updates every element as the formula says (the rows
// outside a sparse gradient's row set decay with weight decay and stay as
// they are without) and clears the gradients and the row set.
func TestGradPassesThreads(t *testing.T) {
	var norms []float64
	for _, procs := range []int{1, 2, 3, 8} {
		prev := runtime.GOMAXPROCS(procs)
		norms = append(norms, GradNorm(spanParams(1)))
		runtime.GOMAXPROCS(prev)
	}
	var want float64
	for _, p := range spanParams(1) {
		for _, g := range p.Grad.Data {
			want += float64(g) * float64(g)
		}
	}
	for _, n := range norms {
		assert.Equal(t, norms[0], n)
	}
	assert.InDelta(t, math.Sqrt(want), norms[0], 1e-5*math.Sqrt(want))

	for _, wd := range []float32{0, 0.1} {
		before := spanParams(2)
		for _, procs := range []int{1, 2, 3} {
			prev := runtime.GOMAXPROCS(procs)
			ps := spanParams(2)
			opt := SGD{LR: 0.5, WeightDecay: wd}
			opt.StepScaled(ps, 0.25)
			runtime.GOMAXPROCS(prev)
			for k, p := range ps {
				b := before[k]
				worst := 0.0
				for i, w := range p.Value.Data {
					want := (1-0.5*wd)*b.Value.Data[i] - 0.5*0.25*b.Grad.Data[i]
					worst = max(worst, math.Abs(float64(want-w)))
				}
				require.LessOrEqual(t, worst, 1e-6, "%s, wd %g, %d threads", p.Name, wd, procs)
				require.Equal(t, make([]float32, len(p.Grad.Data)), p.Grad.Data, "%s: the gradient is cleared", p.Name)
			}
			assert.Empty(t, ps[0].rows.list, "the row set is reset")
		}
	}
}

func TestGradPassesAllocateNothing(t *testing.T) {
	ps := spanParams(3)
	opt := SGD{LR: 0.1}
	step := func() { opt.StepScaled(ps, float32(1/(1+GradNorm(ps)))) }
	step()
	assert.Zero(t, testing.AllocsPerRun(20, step))
}
