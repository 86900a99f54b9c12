package nn

import (
	"fmt"
	"strconv"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/tensor"
)

// LSTM is a stack of LSTM layers with the parameters of torch.nn.LSTM
// (batch_first=False): layer k has weight_ih_lk [4H, in], weight_hh_lk
// [4H, H], bias_ih_lk [4H] and bias_hh_lk [4H], the four gates stacked in
// the order i, f, g, o. Its input and output are time-major: row t·B + b of
// the [T·B, features] matrix is time step t of stream b.
//
// The LSTM carries its state (h and c of every layer) from one call of
// Forward to the next by value, so that consecutive BPTT segments continue
// each other while no gradient flows from one segment into the previous.
type LSTM struct {
	// Layers are the layers, input first.
	Layers []*LSTMLayer
	// Dropout, if not nil, is applied to the output of every layer but the
	// last, as in Zaremba et al. and torch.nn.LSTM's dropout argument.
	Dropout *Dropout
}

// NewLSTM returns a zeroed LSTM of the given number of layers from in
// features to hidden, its parameters named prefix + ".weight_ih_l0" and so on.
func NewLSTM(prefix string, in, hidden, layers int) *LSTM {
	l := &LSTM{}
	for k := range layers {
		if k > 0 {
			in = hidden
		}
		l.Layers = append(l.Layers, NewLSTMLayer(prefix, k, in, hidden))
	}
	return l
}

// Params returns the parameters layer by layer, each layer's in the order
// weight_ih, weight_hh, bias_ih, bias_hh, as PyTorch lists them.
func (l *LSTM) Params() []*Param {
	var ps []*Param
	for _, layer := range l.Layers {
		ps = append(ps, layer.Params()...)
	}
	return ps
}

// Forward runs the LSTM over a segment x of [T·B, in] (time-major, batch
// streams) starting from the carried state, and returns the last layer's
// outputs, [T·B, H]. It leaves the final state as the state for the next
// call. If the state is for another batch size, it starts from zeros.
func (l *LSTM) Forward(t *autodiff.Tape, x *autodiff.Var, batch int) *autodiff.Var {
	for k, layer := range l.Layers {
		if k > 0 && l.Dropout != nil {
			x = l.Dropout.Forward(t, x)
		}
		x = layer.Forward(t, x, batch)
	}
	return x
}

// ResetState sets every layer's state to zero, for the start of a split.
func (l *LSTM) ResetState() {
	for _, layer := range l.Layers {
		layer.ResetState()
	}
}

// State returns each layer's h and c, [B, H] each (empty before the first
// Forward). They are the LSTM's own tensors, not copies: save them for a
// checkpoint, restore them with SetState.
func (l *LSTM) State() (h, c []tensor.Tensor) {
	for _, layer := range l.Layers {
		h = append(h, layer.h)
		c = append(c, layer.c)
	}
	return h, c
}

// SetState copies h and c, one [B, H] tensor per layer each, into the
// LSTM's state, or returns an error if their number or shapes do not fit.
func (l *LSTM) SetState(h, c []tensor.Tensor) error {
	if len(h) != len(l.Layers) || len(c) != len(l.Layers) {
		return fmt.Errorf("nn.LSTM.SetState: %d h and %d c tensors for %d layers", len(h), len(c), len(l.Layers))
	}
	for k, layer := range l.Layers {
		if err := layer.SetState(h[k], c[k]); err != nil {
			return fmt.Errorf("nn.LSTM.SetState: layer %d: %w", k, err)
		}
	}
	return nil
}

// LSTMLayer is one layer of an LSTM and the state it carries.
type LSTMLayer struct {
	// WeightIH is [4H, in], the input weights of the gates i, f, g, o.
	WeightIH *Param
	// WeightHH is [4H, H], the recurrent weights.
	WeightHH *Param
	// BiasIH is [4H], the input bias.
	BiasIH *Param
	// BiasHH is [4H], the recurrent bias; PyTorch keeps both, and so do we,
	// to map checkpoints one to one.
	BiasHH *Param

	h, c  tensor.Tensor // carried state, [B, H]
	ops   autodiff.OpPool[lstmSegmentOp]
	async *asyncGroup // where the backward pass runs the weight gradients; nil: at once
}

// NewLSTMLayer returns layer k of an LSTM from in features to hidden with
// zeroed parameters named prefix + ".weight_ih_l" + k and so on.
func NewLSTMLayer(prefix string, k, in, hidden int) *LSTMLayer {
	s := "_l" + strconv.Itoa(k)
	return &LSTMLayer{
		WeightIH: NewParam(prefix+".weight_ih"+s, 4*hidden, in),
		WeightHH: NewParam(prefix+".weight_hh"+s, 4*hidden, hidden),
		BiasIH:   NewParam(prefix+".bias_ih"+s, 4*hidden),
		BiasHH:   NewParam(prefix+".bias_hh"+s, 4*hidden),
	}
}

// Params returns weight_ih, weight_hh, bias_ih and bias_hh.
func (l *LSTMLayer) Params() []*Param {
	return []*Param{l.WeightIH, l.WeightHH, l.BiasIH, l.BiasHH}
}

// Hidden returns the size H of the layer's state.
func (l *LSTMLayer) Hidden() int { return l.WeightHH.Value.Dim(1) }

// ResetState sets the layer's state to zero.
func (l *LSTMLayer) ResetState() {
	clear(l.h.Data)
	clear(l.c.Data)
}

// SetState copies h and c, [B, H] each, into the layer's state.
func (l *LSTMLayer) SetState(h, c tensor.Tensor) error {
	hid := l.Hidden()
	if h.Rank() != 2 || h.Dim(1) != hid || !tensor.SameShape(&h, &c) {
		return fmt.Errorf("state shapes h %v and c %v, want both [B, %d]", h.Shape(), c.Shape(), hid)
	}
	l.ensureState(h.Dim(0))
	tensor.Copy(&l.h, &h)
	tensor.Copy(&l.c, &c)
	return nil
}

// ensureState makes the state [batch, H], zeroed if its shape changes.
func (l *LSTMLayer) ensureState(batch int) {
	if l.h.Data != nil && l.h.Dim(0) == batch {
		return
	}
	l.h = tensor.Zeros(batch, l.Hidden())
	l.c = tensor.Zeros(batch, l.Hidden())
}

// Forward runs the layer over the segment x [T·B, in] from the carried
// state and returns its outputs [T·B, H], keeping the final state, by
// value, for the next call.
func (l *LSTMLayer) Forward(t *autodiff.Tape, x *autodiff.Var, batch int) *autodiff.Var {
	l.ensureState(batch)
	out, hT, cT := l.Segment(t, x, t.Const(l.h), t.Const(l.c))
	tensor.Copy(&l.h, &hT)
	tensor.Copy(&l.c, &cT)
	return out
}

// Segment runs the layer over the T steps of x [T·B, in] from the initial
// state h0, c0 [B, H] and returns the outputs [T·B, H] and the final state
// hT, cT (views of tape memory, valid until the tape's Reset). It records a
// single node whose backward pass adds the gradients of x, of the
// parameters and, when they require them, of h0 and c0.
//
// The input projection of all steps is one GEMM, [T·B, in]·W_ihᵀ, into
// rows preset to b_ih + b_hh; each step then adds h·W_hhᵀ to its B rows and
// runs the fused cell. The backward pass goes through the steps in reverse
// with one small GEMM per step for the recurrent gradient, then computes the
// weight and input gradients of the whole segment with three large GEMMs.
func (l *LSTMLayer) Segment(t *autodiff.Tape, x, h0, c0 *autodiff.Var) (out *autodiff.Var, hT, cT tensor.Tensor) {
	wih, whh, bih, bhh := l.WeightIH.Var, l.WeightHH.Var, l.BiasIH.Var, l.BiasHH.Var
	hid := l.Hidden()
	batch := h0.Value.Dim(0)
	rows := x.Value.Dim(0)
	if x.Value.Rank() != 2 || x.Value.Dim(1) != wih.Value.Dim(1) || batch == 0 || rows%batch != 0 {
		panic(fmt.Sprintf("nn.LSTMLayer.Segment: input %v for %d streams into %d features", x.Value.Shape(), batch, wih.Value.Dim(1)))
	}
	if h0.Value.Rank() != 2 || h0.Value.Dim(1) != hid || !tensor.SameShape(&h0.Value, &c0.Value) {
		panic(fmt.Sprintf("nn.LSTMLayer.Segment: state shapes %v and %v, want [B, %d]", h0.Value.Shape(), c0.Value.Shape(), hid))
	}
	steps := rows / batch
	a := t.Arena()

	// Gate pre-activations of all steps: both biases, then the input
	// projection accumulated by one GEMM.
	gates := a.Alloc(rows, 4*hid)
	bias := a.Alloc(4 * hid)
	tensor.Add(&bias, &bih.Value, &bhh.Value)
	for r := range rows {
		copy(gates.Data[r*4*hid:(r+1)*4*hid], bias.Data)
	}
	tensor.MatMul(&gates, &x.Value, &wih.Value, false, true, 1, 1)

	// hs and cs hold the states of steps 0…T, step 0 the initial one, so
	// that the previous state of step s is block s and its new one block
	// s+1, and the backward pass finds every h_{s−1} in one matrix.
	hs := a.Alloc(rows+batch, hid)
	cs := a.Alloc(rows+batch, hid)
	copy(hs.Data, h0.Value.Data)
	copy(cs.Data, c0.Value.Data)
	// The GEMM reads a plain right operand in place but packs a transposed
	// one at every call: over more than a few steps, transposing W_hh once
	// into [H, 4H] is cheaper than letting every step transpose it.
	whhOp, transB := whh.Value, true
	if steps >= transposeSteps {
		whhOp, transB = a.Alloc(hid, 4*hid), false
		tensor.Transpose(&whhOp, &whh.Value)
	}
	for s := range steps {
		g := gates.Slice(s*batch, (s+1)*batch)
		hPrev, hNext := hs.Slice(s*batch, (s+1)*batch), hs.Slice((s+1)*batch, (s+2)*batch)
		cPrev, cNext := cs.Slice(s*batch, (s+1)*batch), cs.Slice((s+1)*batch, (s+2)*batch)
		tensor.MatMul(&g, &hPrev, &whhOp, false, transB, 1, 1)
		tensor.LSTMCellForward(&g, &cPrev, &cNext, &hNext) // g now holds the activations
	}

	out = t.Output(hs.Slice(batch, rows+batch), x, h0, c0, wih, whh, bih, bhh)
	if out.RequiresGrad() {
		op := l.ops.Get()
		*op = lstmSegmentOp{
			pool: &l.ops, async: l.async, tape: t, batch: batch,
			x: x, h0: h0, c0: c0, wih: wih, whh: whh, bih: bih, bhh: bhh, out: out,
			gates: gates, hs: hs, cs: cs,
		}
		t.Record(op)
	}
	return out, hs.Slice(rows, rows+batch), cs.Slice(rows, rows+batch)
}

// lstmSegmentOp is the backward pass of LSTMLayer.Segment.
type lstmSegmentOp struct {
	pool  *autodiff.OpPool[lstmSegmentOp]
	async *asyncGroup
	tape  *autodiff.Tape
	batch int

	x, h0, c0, wih, whh, bih, bhh, out *autodiff.Var

	gates  tensor.Tensor // [T·B, 4H] gate activations
	hs, cs tensor.Tensor // [(T+1)·B, H] states, the initial one first
	dGates tensor.Tensor // [T·B, 4H] gradients of the gate pre-activations
	db     tensor.Tensor // [4H] their sum over rows, the biases' gradient
}

func (op *lstmSegmentOp) Backward() {
	a := op.tape.Arena()
	b := op.batch
	rows, hid := op.out.Value.Dim(0), op.out.Value.Dim(1)
	steps := rows / b

	dGates := a.Alloc(rows, 4*hid)
	op.dGates = dGates
	dh := a.Alloc(b, hid)
	dhRec := a.Zeros(b, hid) // gradient of h_s through step s+1's recurrence
	dc := a.Zeros(b, hid)    // gradient of c_s; the cell kernel updates it in place
	needH0 := op.h0.RequiresGrad()
	for s := steps - 1; s >= 0; s-- {
		dy := op.out.Grad.Slice(s*b, (s+1)*b)
		tensor.Add(&dh, &dy, &dhRec)
		dg, g := dGates.Slice(s*b, (s+1)*b), op.gates.Slice(s*b, (s+1)*b)
		cPrev, cNext := op.cs.Slice(s*b, (s+1)*b), op.cs.Slice((s+1)*b, (s+2)*b)
		tensor.LSTMCellBackward(&dg, &g, &cPrev, &cNext, &dh, &dc)
		if s > 0 || needH0 {
			tensor.MatMul(&dhRec, &dg, &op.whh.Value, false, false, 1, 0) // dh_{s−1} = dgates·W_hh
		}
	}
	if needH0 {
		tensor.Add(&op.h0.Grad, &op.h0.Grad, &dhRec)
	}
	if op.c0.RequiresGrad() {
		tensor.Add(&op.c0.Grad, &op.c0.Grad, &dc)
	}

	// The gradients of the whole segment at once: the input's now, as the
	// layer below needs it next, the weights' in the background if it can.
	if op.x.RequiresGrad() {
		tensor.MatMul(&op.x.Grad, &dGates, &op.wih.Value, false, false, 1, 1) // dx += dGates·W_ih
	}
	op.db = a.Alloc(4 * hid) // from the arena here: the background must not allocate from it
	op.async.run(op)
	op.pool.Put() // reused only by the next forward pass, after the join
}

func (op *lstmSegmentOp) Background() {
	rows := op.out.Value.Dim(0)
	if op.whh.RequiresGrad() {
		hPrev := op.hs.Slice(0, rows)
		tensor.MatMul(&op.whh.Grad, &op.dGates, &hPrev, true, false, 1, 1) // dW_hh += dGatesᵀ·h_{s−1}
	}
	if op.wih.RequiresGrad() {
		tensor.MatMul(&op.wih.Grad, &op.dGates, &op.x.Value, true, false, 1, 1) // dW_ih += dGatesᵀ·x
	}
	if op.bih.RequiresGrad() || op.bhh.RequiresGrad() {
		tensor.SumRows(&op.db, &op.dGates, 1, 0)
		if op.bih.RequiresGrad() {
			tensor.Add(&op.bih.Grad, &op.bih.Grad, &op.db)
		}
		if op.bhh.RequiresGrad() {
			tensor.Add(&op.bhh.Grad, &op.bhh.Grad, &op.db)
		}
	}
}

// transposeSteps is the segment length from which Segment transposes W_hh
// for the steps' GEMMs; shorter segments (sampling a token at a time) use
// it as it is.
const transposeSteps = 4

// CarriedState returns the state carried from one segment to the next by
// name — h_l0, c_l0, h_l1, … ([B, H] each) — for checkpoints. The tensors
// are the LSTM's own, not copies; the map is empty before the first Forward.
func (l *LSTM) CarriedState() map[string]tensor.Tensor {
	st := make(map[string]tensor.Tensor, 2*len(l.Layers))
	for k, layer := range l.Layers {
		if layer.h.Data == nil {
			continue
		}
		st[fmt.Sprintf("h_l%d", k)] = layer.h
		st[fmt.Sprintf("c_l%d", k)] = layer.c
	}
	return st
}

// SetCarriedState restores a state saved by CarriedState, or returns an
// error naming the missing or misshapen tensor. An empty map resets the
// state to zero.
func (l *LSTM) SetCarriedState(st map[string]tensor.Tensor) error {
	if len(st) == 0 {
		l.ResetState()
		return nil
	}
	if len(st) != 2*len(l.Layers) {
		return fmt.Errorf("LSTM state has %d tensors, want h and c for each of %d layers", len(st), len(l.Layers))
	}
	for k, layer := range l.Layers {
		h, okh := st[fmt.Sprintf("h_l%d", k)]
		c, okc := st[fmt.Sprintf("c_l%d", k)]
		if !okh || !okc {
			return fmt.Errorf("LSTM state lacks h_l%d or c_l%d", k, k)
		}
		if err := layer.SetState(h, c); err != nil {
			return fmt.Errorf("LSTM state of layer %d: %w", k, err)
		}
	}
	return nil
}
