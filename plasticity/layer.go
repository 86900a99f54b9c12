package plasticity

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/neuromod-go/neuromod/asm"
	"github.com/neuromod-go/neuromod/asm/gemm"
	"github.com/neuromod-go/neuromod/internal/parallel"
)

// Layer runs one plastic LSTM layer over a BPTT segment and back. It keeps
// what the backward pass needs from the last Forward, so one Layer serves one
// segment at a time (one autodiff node per layer per segment). Its buffers
// grow to the largest segment seen and are reused; once warm, a segment
// allocates nothing.
//
// Forward goes step by step over the whole batch (one GEMM per step for the
// gates). Backward runs the batch in groups of a few samples (Group), each
// group through all its steps in reverse, its samples in lockstep: the
// samples are independent, a group's traces are replayed from its
// checkpoint into buffers of its own, and the recurrent gradient through
// W_hh is one small GEMM per step for the group, which reads W_hh once
// where one vector–matrix product per sample would read it Group times.
type Layer struct {
	P *Params
	// CheckpointEvery is k: Forward keeps the traces every k steps and
	// Backward recomputes the steps in between. 0 picks the k that needs the
	// least memory (see the package doc; often k = T, a single checkpoint).
	CheckpointEvery int
	// Workers is the number of goroutines that share the per-sample work (the
	// samples are independent); 0 means runtime.GOMAXPROCS(0), and never
	// more than the batch. No result depends on it.
	Workers int
	// Group is the number of samples Backward runs back in lockstep (0: a
	// default of 2). The groups are fixed blocks of the batch, which the
	// workers take one at a time as they come free, and each group's
	// gradients of the shared parameters are summed on their own and then
	// added in group order, so results do not depend on Workers or on the
	// scheduling. A group needs Group·(k−1) replay buffers of H² (see the
	// package doc).
	Group int
	// Inference makes Forward skip the trace checkpoints, which only
	// Backward needs (evaluation: the traces still update). Backward after
	// such a Forward panics.
	Inference bool
	// DeferWeightHH makes Backward leave W_hh's gradient to a call of
	// WeightHHGrad (which a caller can run in the background).
	DeferWeightHH bool
	// Scratch holds the trace-sized buffers that live only within a
	// Backward. Layers whose backward passes never overlap (the layers of
	// one stack) may share one; nil gives the layer its own.
	Scratch *Scratch

	// rowBlock, when positive, replaces traceBlock (for tests, which take
	// the trace passes through several blocks at small sizes).
	rowBlock int

	// The record of the last Forward.
	steps, batch, k int
	group           int       // Backward's group size (Group or its default)
	recorded        bool      // whether the last Forward kept the checkpoints
	hs, cs          []float32 // [(T+1), B, H]: h and c, index 0 the carried-in state
	acts            []float32 // [T, B, 4H]: the gate activations i, f, g, o
	ms              []float32 // [T, B]: the modulator outputs m
	pnext           []float32 // [B, Hp]: the next step's plastic read, from the trace update
	ckHebb, ckE     []float32 // [⌈T/k⌉−1, B, H, Hp]: traces entering steps k, 2k, …
	// ck0Hebb and ck0E ([B, H, Hp]) hold the traces entering step 0: the
	// buffers the State held before Forward, which Forward kept, untouched,
	// handing the State the spares that hold the final traces instead.
	// When the next Forward starts they are free and become its spares.
	ck0Hebb, ck0E     []float32
	spareHebb, spareE []float32

	// The plastic matrices are kept in padded rows: H rows of hp columns
	// (padWidth), zeros in the padding, as the State's traces are. The
	// parameters' padded copies, per their shape (padTo), and g(t) padded
	// ([T, B, hp]).
	hp                     int
	alpha, eta, fanW, fanB []float32
	etaScalar              []float32 // Retro's clamped copy of a scalar η
	posts                  []float32

	// Backward's per-sample vectors, [B, H]: the gradient of h flowing back
	// from later steps, of c, of h(t) in the step at hand, the trace paths'
	// gradients of h(t−1) and of h(t) (from step t+1), and of g(t); and the
	// gradients of m(t), [B].
	// (dgx and daP, a step's gradient of the candidate's pre-activation,
	// are padded: [B, hp].)
	dh, dc, dht, dhPrev, dhNext, dgx, daP []float32
	dms                                   []float32
	// whhT is W_hhᵀ, [H, 4H]: the steps' GEMMs read it in place (a
	// transposed operand would be packed at every step), and Backward's
	// per-sample recurrent gradient is H dot products along its rows.
	whhT []float32
	// sets are the groups' gradient sums, Backward's workers + 1 (see
	// gradFold), and fold hands them out.
	sets []gradSet
	fold gradFold

	fwdJob forwardJob
	bwdJob backwardJob
}

// Scratch is the trace-sized working memory of Layer.Backward, in padded
// rows like the layer's traces.
type Scratch struct {
	// Layers is the number of layers sharing the Scratch (0 counts as 1).
	// Each keeps its own checkpoints while the replay buffers here are
	// shared, so the default k weighs Layers sets of checkpoints against
	// one set of replay buffers.
	Layers int

	// work and workE hold Backward's replays, [workers, group, k−1, H, Hp].
	work, workE []float32
	// dHebb and dE are the running trace gradients of the samples in
	// flight, [workers, group, H, Hp]: Backward takes the batch a group per
	// worker at a time.
	dHebb, dE []float32
}

// gradSet is one group's sums of the shared parameters' gradients
// (α's, η's and the fan-out's in the layer's padded layout), or, once
// folded, the sums of the groups so far.
type gradSet struct {
	alpha, eta, modW, modB, fanW, fanB []float32
	dummy                              []float32 // the scalar fan-out's unused scale gradient
}

// one is the scale of a scalar fan-out: M = 1·m.
var one = []float32{1}

// NewLayer returns a layer computing with the parameters p.
func NewLayer(p *Params) *Layer {
	p.check()
	return &Layer{P: p}
}

// modulation returns the scale and bias of M = scale·m + bias (see
// asm.HebbUpdate): η with m = 1 for Plastic, the fan-out for the modulated
// variants.
func (l *Layer) modulation() (scale, bias []float32) {
	p := l.P
	switch {
	case p.Config.Variant == Plastic:
		return l.eta, nil
	case p.Config.FanOut == Scalar:
		return one, nil
	}
	return l.fanW, l.fanB
}

// padWidth is the row length of the layer's plastic matrices: H rounded up
// to a multiple of 16 float32s, one AVX-512 vector or a 64-byte cache line,
// so that every row starts on a cache line and the kernels have no vector
// tail. At H = 194 (the plastic model matched to zaremba-small) the trace
// kernels ran 25–30 % slower per element than at 192 or 208, from the loads
// split across cache lines and the masked tails.
func padWidth(h int) int { return (h + 15) &^ 15 }

// padTo copies x, a parameter (or gradient) of shape sh, into buf in the
// layer's padded layout and returns the slice to use: H×H in H rows of hp
// (in the given cache-set slot, see growAt), H in hp, and a scalar (or an
// absent parameter) as it is.
func (l *Layer) padTo(buf, x []float32, sh Shape, slot int) []float32 {
	h, hp := l.P.Config.Hidden, l.hp
	if len(x) == 0 {
		return x
	}
	switch sh {
	case PerConnection:
		buf = growAt(buf, h*hp, slot)
		padRows(buf, x, h, h, hp)
		return buf
	case PerNeuron:
		buf = grow(buf, hp)
		copy(buf, x)
		clear(buf[h:])
		return buf
	}
	return x
}

// padParams refreshes the padded copies of α, η and the fan-out; Retro's
// η is copied (a scalar one too) clamped to [0, 1] (see Config.Eta).
func (l *Layer) padParams() {
	p, c := l.P, l.P.Config
	l.hp = padWidth(c.Hidden)
	l.alpha = l.padTo(l.alpha, p.Alpha, c.Alpha, slotAlpha)
	if c.Variant == Retro {
		if c.Eta == Scalar {
			l.etaScalar = append(l.etaScalar[:0], p.Eta...)
			l.eta = l.etaScalar
		} else {
			l.eta = l.padTo(l.eta, p.Eta, c.Eta, slotEta)
		}
		for i, v := range l.eta {
			l.eta[i] = min(max(v, 0), 1)
		}
	} else {
		l.eta = l.padTo(l.eta, p.Eta, c.Eta, slotEta)
	}
	l.fanW = l.padTo(l.fanW, p.FanWeight, c.FanOut, slotFanW)
	l.fanB = l.padTo(l.fanB, p.FanBias, c.FanOut, slotFanB)
}

// padRows copies rows rows of h values from src into rows of hp in dst,
// zeroing the padding.
func padRows(dst, src []float32, rows, h, hp int) {
	for i := range rows {
		copy(dst[i*hp:i*hp+h], src[i*h:(i+1)*h])
		clear(dst[i*hp+h : (i+1)*hp])
	}
}

// unpadRows copies rows rows of h values from rows of hp in src into dst.
func unpadRows(dst, src []float32, rows, h, hp int) {
	for i := range rows {
		copy(dst[i*h:(i+1)*h], src[i*hp:i*hp+h])
	}
}

// addUnpadded adds x, a padded gradient of shape sh, divided by div into
// dst.
func (l *Layer) addUnpadded(dst, x []float32, sh Shape, div float32) {
	l.addUnpaddedIn(dst, x, sh, div, nil)
}

// addUnpaddedIn is addUnpadded for the elements whose value of unit, a
// parameter of dst's shape, is in [0, 1], when unit is not nil: the
// gradient of a parameter used clamped to [0, 1] (Retro's η), which is zero
// outside.
func (l *Layer) addUnpaddedIn(dst, x []float32, sh Shape, div float32, unit []float32) {
	h, hp := l.P.Config.Hidden, l.hp
	rows, n := 1, len(dst)
	if sh == PerConnection && len(dst) == h*h {
		rows, n = h, h
	}
	for i := range rows {
		for j, v := range x[i*hp : i*hp+n] {
			if unit != nil && !(unit[i*n+j] >= 0 && unit[i*n+j] <= 1) {
				continue
			}
			dst[i*n+j] += v / div
		}
	}
}

// defaultGroup is Layer.Group's default. The recurrent GEMM of a group of
// G samples reads W_hh (4H² values) once per step instead of G times; with
// one sample at a time those reads took about a fifth of Backward's time
// (the zaremba-small plastic model, H = 194). G = 2 halves them for k−1
// more replay buffers of H² per worker; G = 3 and 4 measured 1–10 % slower
// on two threads for plastic and retro alike (the traces' memory traffic
// bounds the rest, and more samples in flight stream more of it), and need
// more memory (or checkpoints). Retro, whose replay buffers are twice the
// size (Hebb and E), measured 18 % faster with G = 2 than with 1 (lm bench,
// zaremba-small, two threads), at 1.46× the baseline's peak memory now that
// the trace gradients are kept only for the samples in flight.
const defaultGroup = 2

// groupSize is Backward's group for a batch of b samples.
func (l *Layer) groupSize(b int) int {
	g := l.Group
	if g <= 0 {
		g = defaultGroup
	}
	return max(1, min(g, b))
}

// workers is the number of goroutines for a batch of b samples.
func (l *Layer) workers(b int) int {
	w := l.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, min(w, b))
}

// checkpointEvery is the k for a segment of T steps and batch b: the
// configured one, or the one that minimises the trace-sized memory, ⌈T/k⌉
// checkpoints of B·H² for each of the L layers sharing the Scratch plus
// workers·group·(k−1) replay buffers of H² in it.
func (l *Layer) checkpointEvery(steps, b int) int {
	if l.CheckpointEvery > 0 {
		return max(1, min(l.CheckpointEvery, steps))
	}
	g := l.groupSize(b)
	nw := l.workers((b + g - 1) / g)
	layers := 1
	if l.Scratch != nil {
		layers = max(1, l.Scratch.Layers)
	}
	best, bestCost := 1, -1
	for k := 1; k <= steps; k++ {
		cost := layers*((steps+k-1)/k)*b + nw*g*(k-1)
		if bestCost < 0 || cost < bestCost {
			best, bestCost = k, cost
		}
	}
	return best
}

// replayLen is the length of Backward's replay buffers for a batch of b
// samples with the layer's k: workers·group·(k−1) traces of H×Hp.
func (l *Layer) replayLen(b int) int {
	g := l.groupSize(b)
	nw := l.workers((b + g - 1) / g)
	return nw * g * (l.k - 1) * l.P.Config.Hidden * l.hp
}

// forwardJob finishes step t for the batch: the plastic read, the cell, the
// modulator and the trace update. It is a field of the Layer, handed to
// internal/parallel as a pointer, so that running it allocates nothing.
type forwardJob struct {
	l     *Layer
	t     int
	nw    int       // workers: share w is samples [w·B/nw, (w+1)·B/nw)
	xproj []float32 // Forward's input projections, [T, B, 4H]
	// The batch's traces entering step t and where their update goes: the
	// State's, the spares or a checkpoint's buffers ([B, H, Hp] each; E nil
	// outside Retro).
	srcHebb, srcE, dstHebb, dstE []float32
}

// RunShare runs worker w's contiguous range of samples: the same range
// whichever goroutine runs it, so the results do not depend on the
// scheduling.
func (j *forwardJob) RunShare(w int) {
	b := j.l.batch
	j.run(w*b/j.nw, (w+1)*b/j.nw)
}

func (j *forwardJob) run(s0, s1 int) {
	l := j.l
	h, hp, t := l.P.Config.Hidden, l.hp, j.t
	hh, bh := h*hp, l.batch*h
	// All four gates' recurrent part for the worker's samples, in one GEMM:
	// gates = xproj + h(t−1)·W_hhᵀ. (The samples' rows are independent, so
	// each worker does its own share instead of one thread the batch's.)
	gates := l.acts[t*4*bh+4*s0*h : t*4*bh+4*s1*h]
	copy(gates, j.xproj[t*4*bh+4*s0*h:t*4*bh+4*s1*h])
	gemm.Sgemm(false, false, s1-s0, 4*h, h, 1, l.hs[t*bh+s0*h:t*bh+s1*h], h, l.whhT, 4*h, 1, gates, 4*h)
	for s := s0; s < s1; s++ {
		l.cellStep(j.t, s, j.srcHebb[s*hh:(s+1)*hh])
	}
	// Unless this is the segment's last step, the update also does the next
	// step's plastic read, h(t)·(α ⊙ Hebb(t+1)), as it writes Hebb(t+1)
	// (per-connection α; see cellStep).
	fused := l.fusedRead() && j.t+1 < l.steps
	if fused {
		clear(l.pnext[s0*hp : s1*hp])
	}
	// The updates go a block of rows at a time through all the worker's
	// samples, so that the block's rows of the shared matrices (α, η, the
	// fan-out) are read from memory once for all of them (see traceBlock).
	rb := l.traceRows()
	for i0 := 0; i0 < h; i0 += rb {
		i1 := min(i0+rb, h)
		for s := s0; s < s1; s++ {
			var pnext []float32
			if fused {
				pnext = l.pnext[s*hp : (s+1)*hp]
			}
			l.traceStep(j.t, s, i0, i1, j.srcHebb[s*hh:(s+1)*hh], sampleOf(j.srcE, s, hh),
				j.dstHebb[s*hh:(s+1)*hh], sampleOf(j.dstE, s, hh), pnext)
		}
	}
}

// backwardJob is Backward's work, a share per worker: each worker takes
// the next group from gradFold as soon as it is free, runs it back through
// the segment into a gradient set of its own, and hands the set back to be
// added in group order. A worker that loses its core for a while (to the
// LM's background jobs, which run beside the backward pass) thus holds up
// only the group it has, not a fixed share of the batch: with fixed
// shares, the other worker finished early and its core idled.
type backwardJob struct {
	l             *Layer
	dxproj, dhOut []float32
}

func (j *backwardJob) RunShare(w int) {
	l := j.l
	f := &l.fold
	for {
		g, set := f.claim()
		if set == nil {
			return
		}
		l.clearGrads(set)
		l.groupBackward(w, set, g*l.group, min((g+1)*l.group, l.batch), j.dxproj, j.dhOut)
		f.finish(l, g, set)
	}
}

// gradFold deals Backward's groups out to the workers and adds their
// gradient sets up in group order, whichever worker ran which group and
// whenever they finished, so the sums have the same bits for any number of
// workers and any scheduling. It has one set more than there are workers:
// a worker takes a free set before its next group and waits when there is
// none, which happens only when the groups after the lowest unfinished one
// have all finished, so the memory stays bounded. (The lowest unfinished
// group always holds a set and runs, so the wait ends.)
type gradFold struct {
	mu      sync.Mutex
	setFree sync.Cond
	groups  int
	next    int        // the next group to hand out
	folded  int        // groups 0…folded−1 are in sum
	done    []*gradSet // finished groups' sets awaiting their turn, by group
	free    []*gradSet
	sum     *gradSet
}

// start readies the fold for a pass of groups with the given sets.
func (f *gradFold) start(groups int, sets []gradSet) {
	f.setFree.L = &f.mu
	f.groups, f.next, f.folded, f.sum = groups, 0, 0, nil
	f.done = f.done[:0]
	for range groups {
		f.done = append(f.done, nil)
	}
	f.free = f.free[:0]
	for i := range sets {
		f.free = append(f.free, &sets[i])
	}
}

// claim returns the next group and a free set for it, or a nil set when
// every group has been handed out.
func (f *gradFold) claim() (int, *gradSet) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for f.next < f.groups && len(f.free) == 0 {
		f.setFree.Wait()
	}
	if f.next >= f.groups {
		return 0, nil
	}
	g := f.next
	f.next++
	set := f.free[len(f.free)-1]
	f.free = f.free[:len(f.free)-1]
	return g, set
}

// finish adds group g's set and any finished groups after it, in order,
// into the sum (the first group's set becomes the sum) and frees their
// sets.
func (f *gradFold) finish(l *Layer, g int, set *gradSet) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.done[g] = set
	for f.folded < f.groups && f.done[f.folded] != nil {
		s := f.done[f.folded]
		f.done[f.folded] = nil
		f.folded++
		if f.sum == nil {
			f.sum = s
			continue
		}
		l.addGrads(f.sum, s)
		f.free = append(f.free, s)
	}
	f.setFree.Broadcast()
}

// clearGrads zeroes a gradient set, sized for the layer.
func (l *Layer) clearGrads(wg *gradSet) {
	wg.alpha = zeroedAt(wg.alpha, len(l.alpha), slotGradAlpha)
	wg.eta = zeroedAt(wg.eta, len(l.eta), slotGradEta)
	wg.modW = zeroed(wg.modW, len(l.P.ModWeight))
	wg.modB = zeroed(wg.modB, len(l.P.ModBias))
	wg.fanW = zeroedAt(wg.fanW, len(l.fanW), slotGradFanW)
	wg.fanB = zeroedAt(wg.fanB, len(l.fanB), slotGradFanB)
	wg.dummy = zeroed(wg.dummy, 1)
}

// addGrads adds the set x into sum.
func (l *Layer) addGrads(sum, x *gradSet) {
	asm.Add(sum.alpha, sum.alpha, x.alpha)
	asm.Add(sum.eta, sum.eta, x.eta)
	asm.Add(sum.modW, sum.modW, x.modW)
	asm.Add(sum.modB, sum.modB, x.modB)
	asm.Add(sum.fanW, sum.fanW, x.fanW)
	asm.Add(sum.fanB, sum.fanB, x.fanB)
}

// Forward runs T steps on the input projections xproj ([T, B, 4H]: x·W_ihᵀ
// + b_ih + b_hh for every step, gate order i, f, g, o), starting from st and
// leaving the final state in st. It writes the outputs h(1…T) to hOut
// ([T, B, H]) and records what Backward needs.
//
// The traces are updated where they are, with no copy in or out: in
// inference, in st's own buffers; otherwise the first step reads st's
// traces and writes the layer's spare buffers, where the later steps go on
// (but for the checkpoints), and at the end st is handed the spares while
// its former buffers, untouched, stay with the layer as the checkpoint of
// step 0 (see State).
func (l *Layer) Forward(hOut, xproj []float32, st *State, steps int) {
	p := l.P
	c := p.Config
	h, b := c.Hidden, st.Batch
	hp := padWidth(h)
	if st.Hidden != h || st.Stride != hp || len(st.H) != b*h || len(st.C) != b*h || len(st.Hebb) != b*h*hp ||
		(c.Variant == Retro) != (len(st.E) == b*h*hp) {
		panic("plasticity: state does not fit the layer")
	}
	if len(xproj) != steps*b*4*h || len(hOut) != steps*b*h {
		panic(fmt.Sprintf("plasticity: Forward: len(xproj)=%d, len(hOut)=%d for T=%d B=%d H=%d",
			len(xproj), len(hOut), steps, b, h))
	}
	l.steps, l.batch = steps, b
	l.k = l.checkpointEvery(steps, b)
	l.padParams()
	bh, bhh := b*h, b*h*hp
	nck := (steps + l.k - 1) / l.k
	l.hs = grow(l.hs, (steps+1)*bh)
	l.cs = grow(l.cs, (steps+1)*bh)
	l.acts = grow(l.acts, steps*4*bh)
	l.ms = grow(l.ms, steps*b)
	l.pnext = grow(l.pnext, b*hp)
	l.posts = grow(l.posts, steps*b*hp)
	retro := c.Variant == Retro
	// Where the steps between the checkpoints keep the traces: st's own
	// buffers in inference, else the spares — the last recorded Forward's
	// first checkpoint, free now, unless the caller has handed that back
	// as st's.
	tr, trE := st.Hebb, st.E
	l.recorded = !l.Inference
	if l.recorded {
		if l.spareHebb == nil {
			l.spareHebb, l.spareE = l.ck0Hebb, l.ck0E
		}
		l.ck0Hebb, l.ck0E = nil, nil
		if len(l.spareHebb) > 0 && len(st.Hebb) > 0 && &l.spareHebb[0] == &st.Hebb[0] {
			l.spareHebb, l.spareE = nil, nil
		}
		l.spareHebb = growAt(l.spareHebb, bhh, slotSpareHebb)
		tr = l.spareHebb
		if retro {
			l.spareE = growAt(l.spareE, bhh, slotSpareE)
			trE = l.spareE
		}
		l.ckHebb = growAt(l.ckHebb, (nck-1)*bhh, slotCkHebb)
		if retro {
			l.ckE = growAt(l.ckE, (nck-1)*bhh, slotCkE)
		}
	}

	copy(l.hs, st.H)
	copy(l.cs, st.C)
	l.whhT = grow(l.whhT, 4*h*h)
	gemm.Transpose(l.whhT, p.WeightHH, 4*h, h)
	nw := l.workers(b)
	for t := 0; t < steps; t++ {
		job := forwardJob{l: l, t: t, nw: nw, srcHebb: tr, srcE: trE, dstHebb: tr, dstE: trE}
		if t == 0 {
			job.srcHebb, job.srcE = st.Hebb, st.E
		}
		if l.recorded {
			// A checkpoint costs no copy: the update before it writes
			// straight into its buffer, and the next step reads from there
			// (the same operations as in place, so the same values).
			if t%l.k == 0 && t > 0 {
				job.srcHebb, job.srcE = l.checkpoint(t/l.k, -1)
			}
			if u := t + 1; u%l.k == 0 && u < steps {
				job.dstHebb, job.dstE = l.checkpoint(u/l.k, -1)
			}
		}
		job.xproj = xproj
		l.fwdJob = job
		parallel.Run(job.nw, &l.fwdJob)
	}
	l.fwdJob = forwardJob{} // keep no reference to the caller's xproj or st
	if l.recorded {
		l.ck0Hebb, l.ck0E = st.Hebb, st.E
		st.Hebb, st.E = l.spareHebb, l.spareE
		l.spareHebb, l.spareE = nil, nil
	}
	copy(st.H, l.hs[steps*bh:])
	copy(st.C, l.cs[steps*bh:])
	copy(hOut, l.hs[bh:])
}

// checkpoint returns the last Forward's traces entering step c·k: of
// sample s ([H, Hp] each), or of the whole batch when s < 0 (E nil outside
// Retro).
func (l *Layer) checkpoint(c, s int) (hebb, elig []float32) {
	n := l.batch * l.P.Config.Hidden * l.hp
	if c == 0 {
		hebb, elig = l.ck0Hebb, l.ck0E
	} else {
		hebb, elig = sampleOf(l.ckHebb, c-1, n), sampleOf(l.ckE, c-1, n)
	}
	if s >= 0 {
		n /= l.batch
		hebb, elig = sampleOf(hebb, s, n), sampleOf(elig, s, n)
	}
	return hebb, elig
}

// sampleOf is sample s's n values of x, or nil when x is empty (E outside
// Retro).
func sampleOf(x []float32, s, n int) []float32 {
	if len(x) == 0 {
		return nil
	}
	return x[s*n : (s+1)*n]
}

// cellStep finishes step t for sample s once the GEMM has filled the gates:
// the plastic read from the sample's trace hebb (H×Hp, padded), the cell,
// and the modulator; and records them.
func (l *Layer) cellStep(t, s int, hebb []float32) {
	p := l.P
	c := p.Config
	h, b := c.Hidden, l.batch
	bh, o := b*h, s*h
	hPrev := l.hs[t*bh+o : t*bh+o+h]
	hn := l.hs[(t+1)*bh+o : (t+1)*bh+o+h]
	gs := l.acts[t*4*bh+4*o : t*4*bh+4*o+4*h]
	// The plastic part of the cell candidate's pre-activation, summed on
	// its own and then added: the previous step's trace update has done the
	// read into l.pnext (which saves streaming the trace from memory a
	// second time per step), except at a segment's first step, where it is
	// read here — with the same roundings, so that segment boundaries do
	// not change the values.
	pn := l.pnext[s*l.hp : (s+1)*l.hp]
	switch {
	case c.Alpha == PerNeuron:
		clear(pn)
		asm.PlasticReadPerNeuron(pn, hPrev, l.alpha, hebb)
	case t == 0:
		clear(pn)
		asm.PlasticRead(pn, hPrev, l.alpha, hebb)
	}
	asm.Add(gs[2*h:3*h], gs[2*h:3*h], pn[:h])
	asm.LSTMCellForward(gs, l.cs[t*bh+o:t*bh+o+h], l.cs[(t+1)*bh+o:(t+1)*bh+o+h], hn)
	post := l.posts[(t*b+s)*l.hp : (t*b+s+1)*l.hp]
	copy(post, gs[2*h:3*h])
	clear(post[h:])
	if c.Variant.Modulated() {
		in := hPrev
		if c.ModInput == ModNewH {
			in = hn
		}
		z := asm.Dot(p.ModWeight, in) + p.ModBias[0]
		l.ms[t*b+s] = float32(math.Tanh(float64(z)))
	} else {
		l.ms[t*b+s] = 1 // Plastic: M = η·1
	}
}

// fusedRead reports whether Forward does each step's plastic read (after a
// segment's first) in the previous step's trace update: with one α per
// connection, which the fused kernels support.
func (l *Layer) fusedRead() bool { return l.P.Config.Alpha != PerNeuron }

// traceBlock is the number of rows of the plastic matrices that the trace
// passes (Forward's updates, Backward's replays and its fused trace
// backward) take through all their samples before the next rows. The
// traces are per sample, but α, η and the fan-out (and in Backward their
// gradients) are shared: a block's rows of those, 32·Hp values each (24 KiB
// at Hp = 192), stay in the core's cache from one sample to the next
// instead of being streamed from memory once per sample, as whole-matrix
// passes sample after sample would. The passes are bound by memory
// traffic, of which the shared matrices were about half.
const traceBlock = 32

// traceRows is the layer's block of rows for the trace passes.
func (l *Layer) traceRows() int {
	if l.rowBlock > 0 {
		return l.rowBlock
	}
	return traceBlock
}

// rowsOf is rows i0…i1−1 of x when x is one of the layer's padded H×Hp
// matrices (a per-connection parameter, its gradient, or a trace), and x
// itself otherwise (a per-neuron vector or a scalar, the same for every
// row).
func (l *Layer) rowsOf(x []float32, i0, i1 int) []float32 {
	if hp := l.hp; len(x) == l.P.Config.Hidden*hp {
		return x[i0*hp : i1*hp]
	}
	return x
}

// traceStep updates rows i0…i1−1 of sample s's traces (Hebb, and E for
// Retro; H×Hp each) with step t's Hebbian product h(t−1) ⊗ g(t) and
// modulation, from the record alone — so Backward can replay it bit for bit
// from a checkpoint. It reads hebb and elig and writes dstHebb and dstElig,
// which may be the same. Unless pnext is nil it also adds those rows' share
// of the next step's plastic read, h(t)·(α ⊙ Hebb(t+1)), into pnext (Hp),
// in the same pass over the trace; the shares of all rows, added in row
// order, are the whole read.
func (l *Layer) traceStep(t, s, i0, i1 int, hebb, elig, dstHebb, dstElig, pnext []float32) {
	p := l.P
	c := p.Config
	h, b := c.Hidden, l.batch
	bh := b * h
	pre := l.hs[t*bh+s*h+i0 : t*bh+s*h+i1]
	post := l.posts[(t*b+s)*l.hp : (t*b+s+1)*l.hp]
	m := l.ms[t*b+s]
	scale, bias := l.modulation()
	scale, bias, eta := l.rowsOf(scale, i0, i1), l.rowsOf(bias, i0, i1), l.rowsOf(l.eta, i0, i1)
	hebb, dstHebb = l.rowsOf(hebb, i0, i1), l.rowsOf(dstHebb, i0, i1)
	if c.Variant == Retro {
		elig, dstElig = l.rowsOf(elig, i0, i1), l.rowsOf(dstElig, i0, i1)
	}
	switch {
	case pnext != nil:
		hNew := l.hs[(t+1)*bh+s*h+i0 : (t+1)*bh+s*h+i1]
		alpha := l.rowsOf(l.alpha, i0, i1)
		if c.Variant == Retro {
			asm.RetroUpdateRead(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, c.Clip, pnext, hNew, alpha)
		} else {
			asm.HebbUpdateRead(dstHebb, hebb, pre, post, scale, bias, m, c.Clip, pnext, hNew, alpha)
		}
	case c.Variant == Retro:
		asm.RetroUpdate(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, c.Clip)
	default:
		asm.HebbUpdate(dstHebb, hebb, pre, post, scale, bias, m, c.Clip)
	}
}

// Backward runs the last Forward's segment backwards. dhOut ([T, B, H]) is
// the gradient of the loss with respect to the outputs h(1…T). It writes the
// gradient with respect to xproj into dxproj ([T, B, 4H]; the caller derives
// W_ih, b_ih and b_hh's gradients from it) and adds the gradients of
// WeightHH (unless DeferWeightHH), α, η and the modulator's parameters
// into g (α's divided by AGDiv). Nothing flows into the carried-in state: segments are detached.
// dxproj must not alias dhOut.
func (l *Layer) Backward(dxproj, dhOut []float32, g *Params) {
	p := l.P
	c := p.Config
	if g.Config != c {
		panic("plasticity: Backward: gradient params have another configuration")
	}
	g.check()
	if !l.recorded {
		panic("plasticity: Backward without a recorded Forward (Inference was set, or no Forward ran)")
	}
	h, b, steps := c.Hidden, l.batch, l.steps
	// The parameters' padded copies, afresh in case they changed since
	// Forward (as W_hhᵀ below).
	l.padParams()
	hp := l.hp
	bh := b * h
	if len(dhOut) != steps*bh || len(dxproj) != steps*4*bh {
		panic(fmt.Sprintf("plasticity: Backward: len(dhOut)=%d, len(dxproj)=%d for T=%d B=%d H=%d",
			len(dhOut), len(dxproj), steps, b, h))
	}
	l.group = l.groupSize(b)
	groups := (b + l.group - 1) / l.group
	nw := l.workers(groups)
	// A group of one sample takes its recurrent gradient from W_hhᵀ:
	// Forward's, unless the weights changed since (they do not between a
	// Forward and its Backward in training, but a caller may). Larger
	// groups read W_hh itself.
	if l.group == 1 || b%l.group == 1 {
		l.whhT = grow(l.whhT, 4*h*h)
		gemm.Transpose(l.whhT, p.WeightHH, 4*h, h)
	}
	if l.Scratch == nil {
		l.Scratch = new(Scratch)
	}
	sc := l.Scratch
	replay := l.replayLen(b)
	sc.work = growAt(sc.work, replay, slotWork)
	// The trace gradients are cleared per sample by the workers, in
	// parallel and just before use.
	inFlight := nw * l.group * h * hp
	sc.dHebb = growAt(sc.dHebb, inFlight, slotDHebb)
	if c.Variant == Retro {
		sc.workE = growAt(sc.workE, replay, slotWorkE)
		sc.dE = growAt(sc.dE, inFlight, slotDE)
	}
	l.dh = zeroed(l.dh, bh)
	l.dc = zeroed(l.dc, bh)
	l.dht = grow(l.dht, bh)
	l.dhPrev = grow(l.dhPrev, bh)
	l.dhNext = grow(l.dhNext, bh)
	l.dms = grow(l.dms, b)
	l.dgx = grow(l.dgx, b*hp)
	l.daP = zeroed(l.daP, b*hp) // the padding stays zero
	for len(l.sets) < nw+1 {
		l.sets = append(l.sets, gradSet{})
	}
	l.fold.start(groups, l.sets[:nw+1])

	l.bwdJob = backwardJob{l, dxproj, dhOut}
	parallel.Run(nw, &l.bwdJob)
	l.bwdJob = backwardJob{} // keep no reference to the caller's slices
	sum := l.fold.sum

	if !l.DeferWeightHH {
		l.WeightHHGrad(dxproj, g)
	}

	// The groups' sums, unpadded.
	l.addUnpadded(g.Alpha, sum.alpha, c.Alpha, c.AGDiv)
	var etaUnit []float32
	if c.Variant == Retro {
		etaUnit = p.Eta // used clamped to [0, 1]
	}
	l.addUnpaddedIn(g.Eta, sum.eta, c.Eta, 1, etaUnit)
	asm.Add(g.ModWeight, g.ModWeight, sum.modW)
	asm.Add(g.ModBias, g.ModBias, sum.modB)
	l.addUnpadded(g.FanWeight, sum.fanW, c.FanOut, 1)
	l.addUnpadded(g.FanBias, sum.fanB, c.FanOut, 1)
}

// WeightHHGrad adds W_hh's gradient for the last Forward's segment into
// g.WeightHH, Σ_t dGates(t)ᵀ·h(t−1), in one GEMM, from dxproj as Backward
// wrote it: Backward calls it unless DeferWeightHH is set. It reads only
// the record and dxproj, so it may run beside other work until the next
// Forward.
func (l *Layer) WeightHHGrad(dxproj []float32, g *Params) {
	h, n := l.P.Config.Hidden, l.steps*l.batch
	if len(dxproj) != n*4*h || len(g.WeightHH) != 4*h*h {
		panic(fmt.Sprintf("plasticity: WeightHHGrad: len(dxproj)=%d, len(WeightHH)=%d for T·B=%d, H=%d", len(dxproj), len(g.WeightHH), n, h))
	}
	gemm.Sgemm(true, false, 4*h, h, n, 1, dxproj, 4*h, l.hs[:n*h], h, 1, g.WeightHH, h)
}

// groupBackward runs the samples s0…s1−1 (a group) back through the whole
// segment on worker w, in lockstep: chunk by chunk from the last, it replays
// the chunk's traces of each sample from the checkpoint into the worker's
// replay buffers, then runs the chunk's steps in reverse.
//
// Step t's backward is split where the trace gradient allows one pass: the
// backward of step t+1's plastic read and of step t's trace update both
// work on the gradient of Hebb(t+1), the update's needing only what the
// read has finished, row by row, so one fused pass does both
// (traceBackward). The recurrent gradient through W_hh of step t+1 follows
// (it needs the read's share of the gradient of h(t)), then step t's
// modulator and cell (cellBackward). The backward of step 0's read is left
// for the end.
func (l *Layer) groupBackward(w int, wg *gradSet, s0, s1 int, dxproj, dhOut []float32) {
	p := l.P
	c := p.Config
	h, b, steps, k := c.Hidden, l.batch, l.steps, l.k
	bh, hh := b*h, h*l.hp
	sc := l.Scratch
	per := l.group * (k - 1) * hh // a worker's replay buffers
	rec := sc.work[w*per : (w+1)*per]
	var recE []float32
	if c.Variant == Retro {
		recE = sc.workE[w*per : (w+1)*per]
	}
	// tracesAt gives sample s's traces entering step t of the chunk
	// starting at first: the checkpoint itself, or the replay buffer.
	// hebbAt gives the Hebbian trace entering any step up to the end of
	// that chunk, the next chunk's checkpoint included.
	tracesAt := func(s, first, t int) (hebb, elig []float32) {
		if t == first {
			return l.checkpoint(first/k, s)
		}
		q := (s-s0)*(k-1) + t - first - 1
		return sampleOf(rec, q, hh), sampleOf(recE, q, hh)
	}
	hebbAt := func(s, first, t int) []float32 {
		if t%k == 0 {
			hebb, _ := l.checkpoint(t/k, s)
			return hebb
		}
		hebb, _ := tracesAt(s, first, t)
		return hebb
	}
	// The trace paths' gradients of h(t−1) (cur, for the step at hand) and
	// of h(t) (next, from step t+1), [B, H] each; they trade places as the
	// steps go back.
	cur, next := l.dhPrev, l.dhNext
	// Retro's pairs take their fused backward in one pass for both samples
	// (see retroBackwardPair).
	pairs := c.Variant == Retro && l.fusedRead() && s1-s0 == 2
	rb := l.traceRows()
	nb := (h + rb - 1) / rb // row blocks
	// The running trace gradients of sample s: the worker's slots.
	grads := func(s int) (dHebb, dE []float32) {
		slot := w*l.group + s - s0
		return sc.dHebb[slot*hh : (slot+1)*hh], sampleOf(sc.dE, slot, hh)
	}
	// The traces leaving the segment get no gradient (segments are
	// detached).
	for s := s0; s < s1; s++ {
		dHebb, dE := grads(s)
		clear(dHebb)
		clear(dE)
	}
	for first := (steps - 1) / k * k; first >= 0; first -= k {
		last := min(first+k, steps) // the chunk is steps first … last−1
		// Replay the chunk's trace updates from its checkpoint, exactly as
		// Forward did them (out of place, so no copies).
		for t := first + 1; t < last; t++ {
			for i0 := 0; i0 < h; i0 += rb {
				for s := s0; s < s1; s++ {
					hPrev, ePrev := tracesAt(s, first, t-1)
					hebb, elig := tracesAt(s, first, t)
					l.traceStep(t-1, s, i0, min(i0+rb, h), hPrev, ePrev, hebb, elig, nil)
				}
			}
		}
		for t := last - 1; t >= first; t-- {
			for s := s0; s < s1; s++ {
				clear(cur[s*h : (s+1)*h])
				clear(l.dgx[s*l.hp : (s+1)*l.hp])
				l.dms[s] = 0
			}
			// After the segment's last step the traces have no gradient and
			// there is no later read: nothing to do.
			if t < steps-1 {
				for s := s0; s < s1; s++ {
					l.copyDaP(t+1, s, dxproj)
				}
				// The row blocks go up on even steps and down on odd ones.
				// The step's working set (the shared matrices and their
				// gradients, the group's traces and trace gradients) is
				// larger than the core's L2 cache at the paper's sizes, and
				// a pass in the same order every step would find none of the
				// last one's in it, whereas turning back starts on what was
				// used last. (The sums over the blocks, of dm and of the
				// gradient of g(t), still run in one fixed order per step,
				// whatever the grouping.)
				for b := range nb {
					i0 := b * rb
					if t%2 == 1 {
						i0 = (nb - 1 - b) * rb
					}
					if pairs {
						hebbA, eligA := tracesAt(s0, first, t)
						hebbB, eligB := tracesAt(s0+1, first, t)
						dHebbA, dEA := grads(s0)
						dHebbB, dEB := grads(s0 + 1)
						dmA, dmB := l.retroBackwardPair(t, s0, i0, min(i0+rb, h), wg,
							dHebbA, dEA, hebbA, eligA, dHebbB, dEB, hebbB, eligB, cur, next)
						l.dms[s0] += dmA
						l.dms[s0+1] += dmB
						continue
					}
					for s := s0; s < s1; s++ {
						hebb, elig := tracesAt(s, first, t)
						dHebb, dE := grads(s)
						var hebbNext []float32 // recomputed by the fused kernels
						if !l.fusedRead() {
							hebbNext = hebbAt(s, first, t+1)
						}
						l.dms[s] += l.traceBackward(t, s, i0, min(i0+rb, h), wg, dHebb, dE, hebbNext, hebb, elig, cur, next)
					}
				}
				l.recurrentBackward(t+1, s0, s1, next, dxproj)
			}
			for s := s0; s < s1; s++ {
				sh := s * h
				// dht: the gradient of h(t), from the loss and from step t+1.
				asm.Add(l.dht[sh:sh+h], dhOut[t*bh+sh:t*bh+sh+h], l.dh[sh:sh+h])
				l.cellBackward(t, s, wg, l.dms[s], cur, dxproj[t*4*bh+4*sh:t*4*bh+4*sh+4*h])
			}
			cur, next = next, cur
		}
	}
	// Step 0's read: only α's gradient is wanted (the traces and h entering
	// the segment get none), so its trace and h gradients go to scratch.
	for s := s0; s < s1; s++ {
		clear(next[s*h : (s+1)*h])
		dHebb, _ := grads(s)
		hebb, _ := l.checkpoint(0, s)
		l.readBackward(0, s, wg, dHebb, hebb, next, dxproj)
	}
}

// recurrentBackward adds step t's path through W_hh into the gradients of
// h(t−1) of the samples s0…s1−1: l.dh = dhPrev + dGates(t)·W_hh, where
// dhPrev ([B, H]) holds the trace paths' share. The group's samples are
// adjacent rows of dxproj, dh and dhPrev, so one product reads W_hh once
// for all of them: for the default group of two, asm.VecMat2, which keeps
// both rows' sums in registers while W_hh streams through (5.2 µs a call
// at H = 189 against 8.6 µs for the two-row GEMM, BenchmarkVecMat2); a
// small GEMM for other sizes; and for a group of one, H dot products along
// the rows of W_hhᵀ (a vector–matrix product, which a GEMM call does at
// half the speed).
func (l *Layer) recurrentBackward(t, s0, s1 int, dhPrev, dxproj []float32) {
	h, bh := l.P.Config.Hidden, l.batch*l.P.Config.Hidden
	dh, prev := l.dh[s0*h:s1*h], dhPrev[s0*h:s1*h]
	dGates := dxproj[t*4*bh+4*s0*h : t*4*bh+4*s1*h]
	if s1-s0 == 1 {
		for i := range dh {
			dh[i] = prev[i] + asm.Dot(l.whhT[i*4*h:(i+1)*4*h], dGates)
		}
		return
	}
	if s1-s0 == 2 {
		// The trace paths' share is added last, as for a group of one,
		// so that in the reference kernels (purego) a sample's gradient is
		// the same bits in either group size.
		clear(dh)
		asm.VecMat2(dh[:h], dh[h:], dGates[:4*h], dGates[4*h:], l.P.WeightHH, h)
		asm.Add(dh, dh, prev)
		return
	}
	copy(dh, prev)
	gemm.Sgemm(false, false, s1-s0, h, 4*h, 1, dGates, 4*h, l.P.WeightHH, h, 1, dh, h)
}

// copyDaP copies the gradient of step t's cell candidate pre-activation
// (in dxproj) for sample s into its padded row of l.daP, where the trace
// kernels read it.
func (l *Layer) copyDaP(t, s int, dxproj []float32) {
	h, hp := l.P.Config.Hidden, l.hp
	o := t*4*l.batch*h + 4*s*h + 2*h
	copy(l.daP[s*hp:s*hp+h], dxproj[o:o+h])
}

// traceBackward runs, for rows i0…i1−1 of sample s's traces, the backward
// of step t+1's plastic read (of the Hebbian trace entering step t+1, with
// the gradient of step t+1's candidate in l.daP, see copyDaP; that trace is
// hebbNext with one α per neuron, and with one per connection the fused
// kernel recomputes it from hebb and elig, hebbNext nil) and
// then that of step t's trace update h(t−1) ⊗ g(t) → Hebb(t+1) (hebb and
// elig: the traces entering step t). It turns those rows of the sample's
// trace gradients from those of the traces after step t+1's read into
// those of the traces entering step t, adds the read's gradient of h(t)
// into next and the update's of h(t−1) into cur (rows i0…i1−1 of both),
// the rows' share of the update's gradient of g(t) into l.dgx, accumulates
// the shared parameters' gradients into wg and returns the rows' share of
// the gradient of the modulation m(t). dHebb and dE are the sample's
// running trace gradients.
func (l *Layer) traceBackward(t, s, i0, i1 int, wg *gradSet, dHebb, dE, hebbNext, hebb, elig, cur, next []float32) float32 {
	c := l.P.Config
	var x asm.RetroSample
	l.traceOperands(&x, t, s, i0, i1, dHebb, dE, hebb, elig, cur, next)
	scale, bias := l.modulation()
	dScale, dBias := l.modulationGrads(wg)
	rows := func(x []float32) []float32 { return l.rowsOf(x, i0, i1) }
	scale, bias, dScale, dBias = rows(scale), rows(bias), rows(dScale), rows(dBias)
	eta, dEta, alpha, dAlpha := rows(l.eta), rows(wg.eta), rows(l.alpha), rows(wg.alpha)
	if c.Alpha == PerNeuron {
		asm.PlasticReadPerNeuronBackward(x.DH, dAlpha, x.DHebb, x.DA, x.H, alpha, rows(hebbNext))
		if c.Variant == Retro {
			return asm.RetroUpdateBackward(x.DHebb, x.DElig, x.DPre, x.DPost, dScale, dBias, dEta,
				x.Hebb, x.Elig, x.Pre, x.Post, scale, bias, eta, x.M, c.Clip)
		}
		return asm.HebbUpdateBackward(x.DHebb, x.DPre, x.DPost, dScale, dBias, x.Hebb, x.Pre, x.Post, scale, bias, x.M, c.Clip)
	}
	if c.Variant == Retro {
		return asm.PlasticReadRetroUpdateBackward(x.DH, dAlpha, x.DA, x.H, alpha,
			x.DHebb, x.DElig, x.DPre, x.DPost, dScale, dBias, dEta,
			x.Hebb, x.Elig, x.Pre, x.Post, scale, bias, eta, x.M, c.Clip)
	}
	return asm.PlasticReadHebbUpdateBackward(x.DH, dAlpha, x.DA, x.H, alpha,
		x.DHebb, x.DPre, x.DPost, dScale, dBias, x.Hebb, x.Pre, x.Post, scale, bias, x.M, c.Clip)
}

// retroBackwardPair is traceBackward for Retro's samples s and s+1 with
// one α per connection, in one call of asm.PlasticReadRetroUpdateBackward2:
// the same results, bit for bit, as traceBackward for s and then for s+1,
// whose shares of the gradients of m(t) it returns. Where the pair
// kernel runs (AVX-512, one value per connection for the fan-out and η)
// the shared matrices and their gradients are loaded and stored once for
// both samples: they were about a third of the fused pass's time, since the
// step's working set outgrows L2.
func (l *Layer) retroBackwardPair(t, s, i0, i1 int, wg *gradSet, dHebbA, dEA, hebbA, eligA, dHebbB, dEB, hebbB, eligB, cur, next []float32) (dmA, dmB float32) {
	var a, b asm.RetroSample
	l.traceOperands(&a, t, s, i0, i1, dHebbA, dEA, hebbA, eligA, cur, next)
	l.traceOperands(&b, t, s+1, i0, i1, dHebbB, dEB, hebbB, eligB, cur, next)
	scale, bias := l.modulation()
	dScale, dBias := l.modulationGrads(wg)
	rows := func(x []float32) []float32 { return l.rowsOf(x, i0, i1) }
	return asm.PlasticReadRetroUpdateBackward2(&a, &b, rows(wg.alpha), rows(l.alpha), rows(dScale), rows(dBias), rows(wg.eta),
		rows(scale), rows(bias), rows(l.eta), l.P.Config.Clip)
}

// traceOperands fills x with sample s's own operands of step t's fused
// backward on rows i0…i1−1 (see traceBackward; Elig and DElig are nil
// outside Retro).
func (l *Layer) traceOperands(x *asm.RetroSample, t, s, i0, i1 int, dHebb, dE, hebb, elig, cur, next []float32) {
	h, b, hp := l.P.Config.Hidden, l.batch, l.hp
	bh, sh := b*h, s*h
	*x = asm.RetroSample{
		DH: next[sh+i0 : sh+i1], DA: l.daP[s*hp : (s+1)*hp], H: l.hs[(t+1)*bh+sh+i0 : (t+1)*bh+sh+i1],
		DHebb: l.rowsOf(dHebb, i0, i1), DElig: l.rowsOf(dE, i0, i1),
		DPre: cur[sh+i0 : sh+i1], DPost: l.dgx[s*hp : (s+1)*hp],
		Hebb: l.rowsOf(hebb, i0, i1), Elig: l.rowsOf(elig, i0, i1),
		Pre: l.hs[t*bh+sh+i0 : t*bh+sh+i1], Post: l.posts[(t*b+s)*hp : (t*b+s+1)*hp],
		M: l.ms[t*b+s],
	}
}

// modulationGrads returns where the gradients of the modulation's scale
// and bias (l.modulation) go in wg: η's and none for Plastic, the
// fan-out's otherwise (a scalar fan-out's scale, fixed at 1, into dummy).
func (l *Layer) modulationGrads(wg *gradSet) (dScale, dBias []float32) {
	c := l.P.Config
	if !c.Variant.Modulated() {
		return wg.eta, nil
	}
	if c.FanOut == Scalar {
		return wg.dummy, wg.fanB
	}
	return wg.fanW, wg.fanB
}

// readBackward runs the backward of step t's plastic read alone for sample
// s (hebb: the Hebbian trace entering step t), adding its gradient of
// h(t−1) into dhPrev ([B, H]); dHebb is the sample's trace gradient.
func (l *Layer) readBackward(t, s int, wg *gradSet, dHebb, hebb, dhPrev, dxproj []float32) {
	p := l.P
	h, b, hp := p.Config.Hidden, l.batch, l.hp
	bh := b * h
	sh := s * h
	pre := l.hs[t*bh+sh : t*bh+sh+h]
	l.copyDaP(t, s, dxproj)
	da := l.daP[s*hp : (s+1)*hp]
	if p.Config.Alpha == PerNeuron {
		asm.PlasticReadPerNeuronBackward(dhPrev[sh:sh+h], wg.alpha, dHebb, da, pre, l.alpha, hebb)
	} else {
		asm.PlasticReadBackward(dhPrev[sh:sh+h], wg.alpha, dHebb, da, pre, l.alpha, hebb)
	}
}

// cellBackward runs step t's modulator (whose output's gradient dm
// traceBackward returned) and LSTM cell backwards for sample s: it writes
// the gate gradients into dGates (4H), with the trace path's gradient of
// g(t) (l.dgx) joined before the tanh' of the candidate, adds the
// modulator's gradient of h(t−1) into cur (or of h(t) into l.dht), turns
// l.dc into the gradient of c(t−1) and accumulates the modulator's
// parameter gradients into wg.
func (l *Layer) cellBackward(t, s int, wg *gradSet, dm float32, cur, dGates []float32) {
	p := l.P
	c := p.Config
	h, b := c.Hidden, l.batch
	bh := b * h
	sh := s * h
	gs := l.acts[t*4*bh+4*sh : t*4*bh+4*sh+4*h]
	post := gs[2*h : 3*h]
	dpost, dht := l.dgx[s*l.hp:s*l.hp+h], l.dht[sh:sh+h]
	if c.Variant.Modulated() {
		// m = tanh(v·x + b_v), x = h(t−1) or h(t).
		m := l.ms[t*b+s]
		in, din := l.hs[t*bh+sh:t*bh+sh+h], cur[sh:sh+h]
		if c.ModInput == ModNewH {
			in, din = l.hs[(t+1)*bh+sh:(t+1)*bh+sh+h], dht
		}
		dz := dm * (1 - m*m)
		asm.Axpy(dz, in, wg.modW)
		wg.modB[0] += dz
		asm.Axpy(dz, p.ModWeight, din)
	}
	asm.LSTMCellBackward(dGates, gs, l.cs[t*bh+sh:t*bh+sh+h], l.cs[(t+1)*bh+sh:(t+1)*bh+sh+h], dht, l.dc[sh:sh+h])
	da := dGates[2*h : 3*h]
	for j, gj := range post {
		da[j] += dpost[j] * (1 - gj*gj)
	}
}

// grow returns a slice of length n, reusing x's storage when it can.
func grow(x []float32, n int) []float32 {
	if cap(x) < n {
		return make([]float32, n)
	}
	return x[:n]
}

// zeroed is grow, then cleared.
func zeroed(x []float32, n int) []float32 {
	x = grow(x, n)
	clear(x)
	return x
}
