package plasticity

import "fmt"

// State is one layer's per-sample recurrent state: what a BPTT segment hands
// to the next. Values carry over from segment to segment (and Hebb builds up
// over the epoch, bounded by the clip); gradients never do.
//
// The traces are kept in the layers' padded layout, rows of Stride values of
// which the first Hidden are the trace's and the rest zero, so that a
// layer's Forward works on them where they are: it starts from the traces
// in place and, when it records for Backward, keeps their buffers as its
// first checkpoint and hands the State other buffers holding the final
// traces. So Forward may replace Hebb and E; do not keep them across a
// Forward. Traces and SetTraces convert to and from the dense [B, H, H]
// layout.
type State struct {
	Batch, Hidden int
	// Stride is the length of the traces' rows: Hidden rounded up to a
	// multiple of 16 (one AVX-512 vector).
	Stride int
	H, C   []float32 // [B, H]: h and c
	// Hebb[(b·H + i)·Stride + j] is sample b's trace from pre-synaptic
	// neuron i to post-synaptic neuron j; columns j ≥ Hidden are zero.
	Hebb []float32
	// E is the eligibility trace, laid out as Hebb (Retro only, else empty).
	E []float32
}

// NewState returns a zero state for a batch of the given size.
func NewState(c Config, batch int) *State {
	h := c.Hidden
	hp := padWidth(h)
	s := &State{
		Batch: batch, Hidden: h, Stride: hp,
		H:    make([]float32, batch*h),
		C:    make([]float32, batch*h),
		Hebb: growAt(nil, batch*h*hp, slotStateHebb), // fresh, so zero
	}
	if c.Variant == Retro {
		s.E = growAt(nil, batch*h*hp, slotStateE)
	}
	return s
}

// Reset zeroes h, c and the traces: at the start of every epoch and of
// every evaluation pass.
func (s *State) Reset() {
	clear(s.H)
	clear(s.C)
	clear(s.Hebb)
	clear(s.E)
}

// Clone returns a deep copy (for tests and for evaluating without
// disturbing a training state).
func (s *State) Clone() *State {
	c := *s
	c.H = append([]float32(nil), s.H...)
	c.C = append([]float32(nil), s.C...)
	c.Hebb = growAt(nil, len(s.Hebb), slotStateHebb)
	copy(c.Hebb, s.Hebb)
	if len(s.E) > 0 {
		c.E = growAt(nil, len(s.E), slotStateE)
		copy(c.E, s.E)
	}
	return &c
}

// Traces returns copies of the traces in the dense layout [B, H, H]:
// hebb[(b·H + i)·H + j], and e likewise (nil outside Retro).
func (s *State) Traces() (hebb, e []float32) {
	n := s.Batch * s.Hidden
	hebb = make([]float32, n*s.Hidden)
	unpadRows(hebb, s.Hebb, n, s.Hidden, s.Stride)
	if len(s.E) > 0 {
		e = make([]float32, n*s.Hidden)
		unpadRows(e, s.E, n, s.Hidden, s.Stride)
	}
	return hebb, e
}

// SetTraces sets the traces from the dense layout [B, H, H] (see Traces);
// e must be empty outside Retro.
func (s *State) SetTraces(hebb, e []float32) error {
	n := s.Batch * s.Hidden
	if len(hebb) != n*s.Hidden || len(e) != len(s.E)/s.Stride*s.Hidden {
		return fmt.Errorf("plasticity: SetTraces: %d and %d values for %d samples of %d×%d traces (e only for Retro)",
			len(hebb), len(e), s.Batch, s.Hidden, s.Hidden)
	}
	padRows(s.Hebb, hebb, n, s.Hidden, s.Stride)
	if len(e) > 0 {
		padRows(s.E, e, n, s.Hidden, s.Stride)
	}
	return nil
}
