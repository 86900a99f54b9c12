package nn

import (
	"testing"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/tensor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCarriedStateRoundTrip(t *testing.T) {
	m, err := NewLM(LMConfig{Vocab: 11, Embed: 4, Hidden: 5, Layers: 2, InitScale: 0.3, Seed: 3})
	require.NoError(t, err)
	assert.Empty(t, m.CarriedState(), "no state before the first segment")

	in := []int32{1, 2, 3, 4, 5, 6}
	tg := []int32{2, 3, 4, 5, 6, 7}
	var tape autodiff.Tape
	m.Evaluate(&tape, in, tg, 3, 2)
	st := m.CarriedState()
	require.Len(t, st, 4)
	saved := map[string]tensor.Tensor{}
	for k, v := range st {
		saved[k] = v.Clone()
	}
	next := m.Evaluate(&tape, in, tg, 3, 2)

	require.NoError(t, m.SetCarriedState(saved))
	assert.Equal(t, next, m.Evaluate(&tape, in, tg, 3, 2), "restored state continues identically")

	delete(saved, "c_l1")
	saved["x"] = tensor.Zeros(2, 5)
	assert.ErrorContains(t, m.SetCarriedState(saved), "c_l1")
	assert.ErrorContains(t, m.SetCarriedState(map[string]tensor.Tensor{"h_l0": tensor.Zeros(2, 5)}), "want h and c")
}
