package plasticity

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/nn"
	"github.com/neuromod-go/neuromod/tensor"
)

// LSTM is a stack of plastic LSTM layers, a drop-in for nn.LSTM as the
// recurrent stack of an nn.LM (it implements nn.RNN; see NewLM). Layer k
// has the baseline's parameters, named as PyTorch names them, and the
// plastic ones of its variant:
//
//	rnn.weight_ih_lk   [4H, in]   gates i, f, g, o; w is the g block of weight_hh
//	rnn.weight_hh_lk   [4H, H]
//	rnn.bias_ih_lk     [4H]
//	rnn.bias_hh_lk     [4H]
//	rnn.alpha_lk       [H, H] per connection, [H] per neuron
//	rnn.eta_lk         [H, H] or [1]          (plastic, retro)
//	rnn.mod_weight_lk  [1, H]                 (neuromod, retro)
//	rnn.mod_bias_lk    [1]                    (neuromod, retro)
//	rnn.fan_weight_lk  [H, H] or [H]          (neuromod, retro; not with a scalar fan-out)
//	rnn.fan_bias_lk    [H, H] or [H]          (likewise)
//
// α, η, fan-out entries are indexed [i·H + j], i pre-synaptic (h(t−1)) and j
// post-synaptic (the cell candidate g(t)).
//
// Each layer carries h, c, its Hebbian trace and, for Retro, its
// eligibility trace from segment to segment by value (no gradient crosses
// a segment boundary), per stream: the state of a batch of B streams is B
// traces of H×H. Reset it at the start of every epoch and evaluation pass;
// the traces keep updating during evaluation.
//
// A layer-segment is one fused autodiff node: one GEMM for the input
// projections of all its steps, then Layer.Forward; its backward pass runs
// Layer.Backward and derives the gradients of the input, W_ih and the
// biases from the pre-activations' gradient with GEMM-sized operations,
// the weights' (W_hh's included) in the background when the LM can.
type LSTM struct {
	// Config is the layers' configuration (variant and options); its Input
	// and Hidden are those of the first layer.
	Config Config
	// Layers are the layers, input first.
	Layers []*LSTMLayer
	// Dropout, if not nil, is applied to the output of every layer but the
	// last.
	Dropout *nn.Dropout
	// Workers, CheckpointEvery and Group are passed to every layer's Layer
	// (0: the defaults, GOMAXPROCS workers, the k that needs least memory
	// and Layer.Group's default).
	Workers, CheckpointEvery, Group int

	scratch Scratch // shared: the layers' backward passes never overlap
	async   nn.Async
}

var _ nn.RNN = (*LSTM)(nil)

// NewLSTM returns a zeroed stack of the given number of plastic layers from
// in features to hidden, with c's variant and options (c.Input and
// c.Hidden are overridden), its parameters named prefix + ".weight_ih_l0"
// and so on. Init initialises it.
func NewLSTM(prefix string, c Config, in, hidden, layers int) (*LSTM, error) {
	if layers < 1 {
		return nil, fmt.Errorf("plasticity: %d layers, want ≥ 1", layers)
	}
	c.Input, c.Hidden = in, hidden
	if err := c.Validate(); err != nil {
		return nil, err
	}
	l := &LSTM{Config: c}
	l.scratch.Layers = layers
	for k := range layers {
		lc := c
		if k > 0 {
			lc.Input = hidden
		}
		layer, err := newLSTMLayer(l, prefix, k, lc)
		if err != nil {
			return nil, err
		}
		l.Layers = append(l.Layers, layer)
	}
	return l, nil
}

// Params returns the parameters layer by layer, each layer's in the order
// of the type's doc.
func (l *LSTM) Params() []*nn.Param {
	var ps []*nn.Param
	for _, layer := range l.Layers {
		ps = append(ps, layer.params...)
	}
	return ps
}

// Init draws every layer's parameters as Params.Init does: the LSTM weights
// and biases uniformly in ±scale like the baseline's, α U(0, 1e-4), η 0.01,
// the modulator U(±1/√H) and the fan-out U(−1, 1).
func (l *LSTM) Init(scale float32, rng *rand.Rand) {
	for _, layer := range l.Layers {
		layer.p.Init(rng, scale)
	}
}

// SetDropout sets the dropout between layers.
func (l *LSTM) SetDropout(d *nn.Dropout) { l.Dropout = d }

// SetAsync lets the backward passes run the weight gradients of W_ih and
// the biases on the model's background goroutine.
func (l *LSTM) SetAsync(a nn.Async) { l.async = a }

// Forward runs the stack over the segment x [T·B, in] of batch streams from
// the carried state and returns the last layer's outputs [T·B, H], keeping
// the final state for the next call. If the state is for another batch
// size, it starts from zeros. Under Tape.NoGrad the layers run in inference
// mode: they record nothing for a backward pass, and the traces still
// update.
func (l *LSTM) Forward(t *autodiff.Tape, x *autodiff.Var, batch int) *autodiff.Var {
	for k, layer := range l.Layers {
		if k > 0 && l.Dropout != nil {
			x = l.Dropout.Forward(t, x)
		}
		x = layer.Forward(t, x, batch)
	}
	return x
}

// PlasticityParams returns the parameters the variant adds to the baseline
// LSTM, layer by layer: α, η, the modulator's weights and bias and the
// fan-out's (those it has).
func (l *LSTM) PlasticityParams() []*nn.Param {
	var ps []*nn.Param
	for _, layer := range l.Layers {
		for _, p := range []*nn.Param{layer.Alpha, layer.Eta, layer.ModWeight, layer.ModBias, layer.FanWeight, layer.FanBias} {
			if p != nil {
				ps = append(ps, p)
			}
		}
	}
	return ps
}

// ResetState sets every layer's h, c and traces to zero.
func (l *LSTM) ResetState() {
	for _, layer := range l.Layers {
		if layer.state != nil {
			layer.state.Reset()
		}
	}
}

// CarriedState returns the state carried from one segment to the next by
// name: h_lk and c_lk [B, H], hebb_lk [B, H, H] and, for Retro, elig_lk
// [B, H, H] for each layer k. h and c are the stack's own tensors, the
// traces dense copies of its padded ones (see State); the map is empty
// before the first Forward.
func (l *LSTM) CarriedState() map[string]tensor.Tensor {
	st := make(map[string]tensor.Tensor, 4*len(l.Layers))
	for k, layer := range l.Layers {
		s := layer.state
		if s == nil {
			continue
		}
		b, h := s.Batch, s.Hidden
		suffix := "_l" + strconv.Itoa(k)
		st["h"+suffix] = mustWrap(s.H, b, h)
		st["c"+suffix] = mustWrap(s.C, b, h)
		hebb, e := s.Traces()
		st["hebb"+suffix] = mustWrap(hebb, b, h, h)
		if e != nil {
			st["elig"+suffix] = mustWrap(e, b, h, h)
		}
	}
	return st
}

// mustWrap views data as a tensor of the given shape (which it has by
// construction).
func mustWrap(data []float32, shape ...int) tensor.Tensor {
	t, err := tensor.FromSlice(data, shape...)
	if err != nil {
		panic(err)
	}
	return t
}

// SetCarriedState restores a state saved by CarriedState, or returns an
// error naming the missing, unexpected or misshapen tensor. An empty map
// resets the state to zero.
func (l *LSTM) SetCarriedState(st map[string]tensor.Tensor) error {
	if len(st) == 0 {
		l.ResetState()
		return nil
	}
	per := 3
	if l.Config.Variant == Retro {
		per = 4
	}
	if len(st) != per*len(l.Layers) {
		return fmt.Errorf("plastic LSTM state has %d tensors, want %d for each of %d layers (h, c, hebb%s)",
			len(st), per, len(l.Layers), map[bool]string{true: ", elig"}[per == 4])
	}
	for k, layer := range l.Layers {
		suffix := "_l" + strconv.Itoa(k)
		h, okh := st["h"+suffix]
		if !okh {
			return fmt.Errorf("plastic LSTM state lacks h%s", suffix)
		}
		hid := layer.p.Config.Hidden
		if h.Rank() != 2 || h.Dim(1) != hid || h.Dim(0) < 1 {
			return fmt.Errorf("plastic LSTM state: h%s is %v, want [B, %d]", suffix, h.Shape(), hid)
		}
		b := h.Dim(0)
		want := map[string][]int{"h": {b, hid}, "c": {b, hid}, "hebb": {b, hid, hid}}
		if per == 4 {
			want["elig"] = []int{b, hid, hid}
		}
		for name, shape := range want {
			x, ok := st[name+suffix]
			if !ok {
				return fmt.Errorf("plastic LSTM state lacks %s%s", name, suffix)
			}
			if !slices.Equal(x.Shape(), shape) || len(x.Data) != x.Len() {
				return fmt.Errorf("plastic LSTM state: %s%s is %v, want %v", name, suffix, x.Shape(), shape)
			}
		}
	}
	for k, layer := range l.Layers {
		suffix := "_l" + strconv.Itoa(k)
		h := st["h"+suffix]
		layer.ensureState(h.Dim(0))
		s := layer.state
		copy(s.H, h.Data)
		copy(s.C, st["c"+suffix].Data)
		var e []float32
		if per == 4 {
			e = st["elig"+suffix].Data
		}
		if err := s.SetTraces(st["hebb"+suffix].Data, e); err != nil {
			return err // not reached: the shapes were checked above
		}
	}
	return nil
}

// LSTMLayer is one layer of a plastic LSTM stack, its parameters and the
// state it carries.
type LSTMLayer struct {
	// The baseline LSTM's parameters (PyTorch's layout).
	WeightIH, WeightHH, BiasIH, BiasHH *nn.Param
	// The plastic parameters; nil where the variant has none (see LSTM).
	Alpha, Eta, ModWeight, ModBias, FanWeight, FanBias *nn.Param

	stack  *LSTM
	params []*nn.Param                // in checkpoint order
	inputs []*autodiff.Var            // [x, params...] for Tape.Output; x set per call
	p, g   Params                     // views of the params' values and gradients
	state  *State                     // carried state, nil before the first Forward
	ops    autodiff.OpPool[segmentOp] // recorded segments awaiting Backward
	eval   *Layer                     // the core for forward passes under NoGrad
}

func newLSTMLayer(stack *LSTM, prefix string, k int, c Config) (*LSTMLayer, error) {
	tmpl, err := NewParams(c)
	if err != nil {
		return nil, err
	}
	l := &LSTMLayer{stack: stack}
	named := tmpl.Tensors()
	l.p.Config, l.g.Config = c, c
	l.inputs = []*autodiff.Var{nil}
	for _, n := range named {
		p := nn.NewParam(prefix+"."+n.Name+"_l"+strconv.Itoa(k), n.Shape...)
		l.params = append(l.params, p)
		l.inputs = append(l.inputs, p.Var)
		bind(&l.p, n.Name, p.Value.Data)
		bind(&l.g, n.Name, p.Grad.Data)
		switch n.Name {
		case "weight_ih":
			l.WeightIH = p
		case "weight_hh":
			l.WeightHH = p
		case "bias_ih":
			l.BiasIH = p
		case "bias_hh":
			l.BiasHH = p
		case "alpha":
			l.Alpha = p
		case "eta":
			l.Eta = p
		case "mod_weight":
			l.ModWeight = p
		case "mod_bias":
			l.ModBias = p
		case "fan_weight":
			l.FanWeight = p
		case "fan_bias":
			l.FanBias = p
		}
	}
	l.p.check()
	l.g.check()
	return l, nil
}

// bind points the field of p that Params.Tensors names name at data.
func bind(p *Params, name string, data []float32) {
	switch name {
	case "weight_ih":
		p.WeightIH = data
	case "weight_hh":
		p.WeightHH = data
	case "bias_ih":
		p.BiasIH = data
	case "bias_hh":
		p.BiasHH = data
	case "alpha":
		p.Alpha = data
	case "eta":
		p.Eta = data
	case "mod_weight":
		p.ModWeight = data
	case "mod_bias":
		p.ModBias = data
	case "fan_weight":
		p.FanWeight = data
	case "fan_bias":
		p.FanBias = data
	default:
		panic("plasticity: unknown parameter " + name)
	}
}

// Params returns the layer's parameters in checkpoint order.
func (l *LSTMLayer) Params() []*nn.Param { return l.params }

// State returns the layer's carried state (nil before the first Forward).
// It is the layer's own, not a copy; a training Forward replaces its trace
// buffers (see State).
func (l *LSTMLayer) State() *State { return l.state }

// ensureState makes the state one for batch streams, zeroed if its batch
// size changes.
func (l *LSTMLayer) ensureState(batch int) {
	if l.state == nil || l.state.Batch != batch {
		l.state = NewState(l.p.Config, batch)
	}
}

// core returns a Layer set up as the stack says.
func (l *LSTMLayer) core(c **Layer) *Layer {
	if *c == nil {
		*c = NewLayer(&l.p)
		(*c).Scratch = &l.stack.scratch
	}
	(*c).Workers, (*c).CheckpointEvery = l.stack.Workers, l.stack.CheckpointEvery
	(*c).Group = l.stack.Group
	return *c
}

// Forward runs the layer over the segment x [T·B, in] from the carried
// state and returns its outputs [T·B, H], keeping the final state for the
// next call. When the tape records, it records one node for the segment.
func (l *LSTMLayer) Forward(t *autodiff.Tape, x *autodiff.Var, batch int) *autodiff.Var {
	c := l.p.Config
	hid := c.Hidden
	rows := x.Value.Dim(0)
	if x.Value.Rank() != 2 || x.Value.Dim(1) != c.Input || batch < 1 || rows%batch != 0 {
		panic(fmt.Sprintf("plasticity.LSTMLayer.Forward: input %v for %d streams into %d features", x.Value.Shape(), batch, c.Input))
	}
	steps := rows / batch
	l.ensureState(batch)
	a := t.Arena()

	// The input projections of all steps, both biases included, in one GEMM.
	xproj := a.Alloc(rows, 4*hid)
	bias := a.Alloc(4 * hid)
	tensor.Add(&bias, &l.BiasIH.Value, &l.BiasHH.Value)
	for r := range rows {
		copy(xproj.Data[r*4*hid:(r+1)*4*hid], bias.Data)
	}
	tensor.MatMul(&xproj, &x.Value, &l.WeightIH.Value, false, true, 1, 1)

	l.inputs[0] = x
	out := t.Output(a.Alloc(rows, hid), l.inputs...)
	l.inputs[0] = nil
	if !out.RequiresGrad() {
		core := l.core(&l.eval)
		core.Inference = true
		core.Forward(out.Value.Data, xproj.Data, l.state, steps)
		return out
	}
	op := l.ops.Get()
	core := l.core(&op.core)
	core.Inference, core.DeferWeightHH = false, true
	core.Forward(out.Value.Data, xproj.Data, l.state, steps)
	op.layer, op.tape, op.x, op.out = l, t, x, out
	t.Record(op)
	return out
}

// segmentOp is the backward pass of one layer-segment. It keeps its own
// core Layer, which holds that segment's record, so that several segments
// may be recorded on one tape before Backward.
type segmentOp struct {
	core       *Layer
	layer      *LSTMLayer
	tape       *autodiff.Tape
	x, out     *autodiff.Var
	dxproj, db tensor.Tensor
}

// Backward runs the segment's steps back (Layer.Backward: the gradients of
// W_hh, α, η and the modulator's parameters, and of the pre-activations),
// then the input's gradient, dx += dxproj·W_ih, which the layer below needs
// next, and hands the weights' to the background.
func (op *segmentOp) Backward() {
	l := op.layer
	a := op.tape.Arena()
	rows, hid := op.out.Value.Dim(0), l.p.Config.Hidden
	op.dxproj = a.Alloc(rows, 4*hid)
	op.core.Backward(op.dxproj.Data, op.out.Grad.Data, &l.g)
	if op.x.RequiresGrad() {
		tensor.MatMul(&op.x.Grad, &op.dxproj, &l.WeightIH.Value, false, false, 1, 1)
	}
	op.db = a.Alloc(4 * hid) // from the arena here: the background must not allocate from it
	l.stack.async.Run(op)
	l.ops.Put() // reused only by the next forward pass, after the LM's join
}

// Background adds W_hh's gradient (Layer.WeightHHGrad), dW_ih += dxprojᵀ·x
// and db_ih = db_hh += Σ_rows dxproj.
func (op *segmentOp) Background() {
	l := op.layer
	op.core.WeightHHGrad(op.dxproj.Data, &l.g)
	tensor.MatMul(&l.WeightIH.Grad, &op.dxproj, &op.x.Value, true, false, 1, 1)
	tensor.SumRows(&op.db, &op.dxproj, 1, 0)
	tensor.Add(&l.BiasIH.Grad, &l.BiasIH.Grad, &op.db)
	tensor.Add(&l.BiasHH.Grad, &l.BiasHH.Grad, &op.db)
}

// NewLM returns an nn.LM (cfg's sizes, dropout, initialisation scale and
// seed) whose recurrent stack is a plastic LSTM with pc's variant and
// options (pc.Input and pc.Hidden are overridden by cfg's sizes).
func NewLM(cfg nn.LMConfig, pc Config) (*nn.LM, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rnn, err := NewLSTM("rnn", pc, cfg.Embed, cfg.Hidden, cfg.Layers)
	if err != nil {
		return nil, err
	}
	return nn.NewLMWithRNN(cfg, rnn)
}
