package plasticity

// State is one layer's per-sample recurrent state: what a BPTT segment hands
// to the next. Values carry over from segment to segment (and Hebb builds up
// over the epoch, bounded by the clip); gradients never do.
type State struct {
	Batch, Hidden int
	H, C          []float32 // [B, H]: h and c
	Hebb          []float32 // [B, H, H]: Hebb[b][i][j], i pre- and j post-synaptic
	E             []float32 // [B, H, H]: the eligibility trace (Retro only, else empty)
}

// NewState returns a zero state for a batch of the given size.
func NewState(c Config, batch int) *State {
	h := c.Hidden
	s := &State{
		Batch: batch, Hidden: h,
		H:    make([]float32, batch*h),
		C:    make([]float32, batch*h),
		Hebb: make([]float32, batch*h*h),
	}
	if c.Variant == Retro {
		s.E = make([]float32, batch*h*h)
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
	c.Hebb = append([]float32(nil), s.Hebb...)
	c.E = append([]float32(nil), s.E...)
	return &c
}
