package plasticity

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// growAt places fresh storage at its slot's offset, keeps reused storage,
// and zeroedAt clears.
func TestGrowAt(t *testing.T) {
	seen := map[uintptr]int{}
	for slot := range slotSpareE + 1 {
		x := growAt(nil, 5000, slot)
		require.Len(t, x, 5000)
		require.Equal(t, slotOffset(slot), addrOf(x)%setSpan, "slot %d", slot)
		require.Zero(t, slotOffset(slot)%64, "slot %d starts mid-line", slot)
		prev, dup := seen[slotOffset(slot)]
		require.False(t, dup, "slots %d and %d share an offset", prev, slot)
		seen[slotOffset(slot)] = slot

		x[0] = 1
		y := growAt(x, 4000, slot+1)
		require.Equal(t, addrOf(x), addrOf(y), "storage that fits is reused")
		require.Equal(t, float32(1), y[0])
		require.Equal(t, make([]float32, 4000), zeroedAt(y, 4000, slot))
	}
}

// A retro layer's matrices that the fused backward kernel streams together
// start at different offsets modulo the L1 set span. (At H = 100 they are
// large allocations, which would all start on a page boundary.)
func TestLayerMatricesStaggered(t *testing.T) {
	c := Default(Retro, 10, 100)
	s := newSetup(c, 4, 2, 3)
	l := NewLayer(s.p)
	out := make([]float32, s.steps*s.st.Batch*c.Hidden)
	st := s.st.Clone()
	l.Forward(out, s.xproj, st, s.steps)
	g, err := NewParams(c)
	require.NoError(t, err)
	l.Backward(make([]float32, len(s.xproj)), s.R, g)
	sc, wg := l.Scratch, l.fold.sum
	mats := map[string][]float32{
		"alpha": l.alpha, "eta": l.eta, "fanW": l.fanW, "fanB": l.fanB,
		"dalpha": wg.alpha, "deta": wg.eta, "dfanW": wg.fanW, "dfanB": wg.fanB,
		"dHebb": sc.dHebb, "dE": sc.dE, "work": sc.work, "workE": sc.workE,
		"ckHebb": l.ckHebb, "ckE": l.ckE, "ck0Hebb": l.ck0Hebb, "ck0E": l.ck0E,
		"state.Hebb": st.Hebb, "state.E": st.E,
	}
	at := map[uintptr]string{}
	for name, x := range mats {
		require.NotEmpty(t, x, name)
		off := addrOf(x) % setSpan
		require.NotContains(t, at, off, "%s and %s start at the same offset", name, at[off])
		at[off] = name
	}
}
