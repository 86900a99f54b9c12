package autodiff

// OpPool hands out op structs that a layer reuses step after step, so that
// recording its fused nodes (see Tape.Record) allocates nothing in steady
// state. A layer may record several nodes on one tape (several segments
// before one Backward): Get returns a fresh struct for each, and each op's
// Backward gives its struct back with Put. Backward runs the ops in reverse
// order of recording, so the struct given back is always the last one handed
// out.
//
// A recording abandoned without Backward (Tape.Reset right after a recorded
// forward) leaves its structs taken; the pool then grows by one struct per
// abandoned node, which costs memory but not correctness. Run forward passes
// that will not be differentiated under Tape.NoGrad.
type OpPool[T any] struct {
	ops  []*T
	used int
}

// Get returns an op struct not handed out since its last Put.
func (p *OpPool[T]) Get() *T {
	if p.used == len(p.ops) {
		p.ops = append(p.ops, new(T))
	}
	op := p.ops[p.used]
	p.used++
	return op
}

// Put gives back the struct Get handed out last.
func (p *OpPool[T]) Put() {
	if p.used > 0 {
		p.used--
	}
}
