// Package nn holds neuromod's layers, the baseline LSTM language model, its
// optimisers and the PyTorch-compatible state dict of its parameters.
//
// Layers keep their parameters as Params, leaves of package autodiff named
// as in PyTorch's state dict (encoder.weight, rnn.weight_ih_l0, …,
// decoder.bias) and stored in PyTorch's layouts, so that a checkpoint maps
// one to one onto a torch.nn model without transposes. Their Forward methods
// record on an autodiff.Tape; the expensive ones (the LSTM over a segment,
// the decoder with its softmax cross-entropy) are single fused nodes with
// hand-written backward passes built on large GEMMs.
//
// A training step is
//
//	tape.Reset()
//	loss := model.Forward(&tape, inputs, targets, T, B)
//	tape.Backward(loss)
//	norm := nn.GradNorm(params)
//	sgd.StepScaled(params, nn.ClipFactor(norm, 5)) // clip, update, zero the gradients
//
// and allocates nothing once it has run twice (the tape's arena settles
// into one buffer on the second Reset). With GOMAXPROCS > 1 the LM's
// backward pass runs its weight-gradient GEMMs on a background goroutine
// beside the critical path and waits for them before Backward returns.
//
// # State dict
//
// The LM's parameters, in the order of Params and of PyTorch's state dict
// for the same model (V tokens, E embedding, H hidden, layer k):
//
//	encoder.weight      [V, E]
//	rnn.weight_ih_lk    [4H, E] for k = 0, [4H, H] above; rows i, f, g, o
//	rnn.weight_hh_lk    [4H, H]
//	rnn.bias_ih_lk      [4H]
//	rnn.bias_hh_lk      [4H]
//	decoder.weight      [V, H]
//	decoder.bias        [V]
//
// These are also the internal layouts, so StateDict and LoadStateDict
// transpose nothing. Beside the weights a checkpoint needs, for a run to
// resume exactly, the LSTM state (LSTM.State), the dropout generator
// (LM.RNGState) and the optimiser's state (Adam.StateDict and Adam.Steps;
// SGD has none beyond its rate).
package nn

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/tensor"
)

// Param is a trainable tensor with its state-dict name. It embeds the
// autodiff leaf, so p.Value and p.Grad are the parameter and its gradient.
type Param struct {
	// Name is the PyTorch state-dict name, such as "rnn.weight_ih_l0".
	Name string
	*autodiff.Var
	// NoDecay exempts the parameter from the optimisers' weight decay.
	NoDecay bool

	// rows, when not nil, lists the rows of the matrix Grad outside which
	// the gradient is zero: an embedding table's gradient touches only the
	// rows of the step's tokens, and the optimisers then visit only those.
	rows *rowSet
}

// rowSet is a set of row indices in the order they were added.
type rowSet struct {
	in   []bool
	list []int32
}

func newRowSet(n int) *rowSet {
	return &rowSet{in: make([]bool, n), list: make([]int32, 0, n)}
}

func (s *rowSet) add(ids []int32) {
	for _, id := range ids {
		if !s.in[id] {
			s.in[id] = true
			s.list = append(s.list, id)
		}
	}
}

func (s *rowSet) reset() {
	for _, r := range s.list {
		s.in[r] = false
	}
	s.list = s.list[:0]
}

// gradRows calls f with each part of p's gradient that may be nonzero, and
// the matching part of its value: the rows in p.rows, or all of it if p
// has no row set or all is true.
func (p *Param) gradRows(all bool, f func(value, grad []float32)) {
	if p.rows == nil || all {
		f(p.Value.Data, p.Grad.Data)
		return
	}
	d := p.Value.Dim(1)
	for _, r := range p.rows.list {
		o := int(r) * d
		f(p.Value.Data[o:o+d], p.Grad.Data[o:o+d])
	}
}

// gradZeroed records that p's gradient has been set to zero.
func (p *Param) gradZeroed() {
	if p.rows != nil {
		p.rows.reset()
	}
}

// NewParam returns a zeroed parameter of the given shape.
func NewParam(name string, shape ...int) *Param {
	return &Param{Name: name, Var: autodiff.NewParam(tensor.Zeros(shape...))}
}

// Module is anything with parameters: a layer or a model.
type Module interface {
	// Params returns the module's parameters in a stable order, the order
	// of PyTorch's state dict for the same model.
	Params() []*Param
}

// ParamCount returns the number of scalars in m's parameters.
func ParamCount(m Module) int {
	n := 0
	for _, p := range m.Params() {
		n += p.Value.Len()
	}
	return n
}

// InitUniform sets every element of every parameter of m to a value drawn
// uniformly from [−scale, scale), in the order of Params: Zaremba et al.'s
// initialisation, which treats biases like weights.
func InitUniform(m Module, scale float32, rng *rand.Rand) {
	for _, p := range m.Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] = scale * (2*rng.Float32() - 1)
		}
	}
}

// ZeroGrad sets the gradients of params to zero.
func ZeroGrad(params []*Param) {
	for _, p := range params {
		p.gradRows(false, func(_, g []float32) { clear(g) })
		p.gradZeroed()
	}
}

// StateDict returns m's parameters by PyTorch state-dict name. The internal
// layouts are PyTorch's (Embedding [V, E], Linear weight [out, in], LSTM
// weight_ih [4H, in] and weight_hh [4H, H] with gates in the order i, f, g,
// o), so nothing is transposed: the tensors are views of the parameters,
// not copies, and reflect later updates.
func StateDict(m Module) map[string]tensor.Tensor {
	ps := m.Params()
	d := make(map[string]tensor.Tensor, len(ps))
	for _, p := range ps {
		d[p.Name] = p.Value
	}
	return d
}

// LoadStateDict copies the tensors of dict into m's parameters of the same
// names. It changes nothing and returns an error naming every problem if
// dict lacks a parameter of m, holds a name m does not have, or has a tensor
// whose shape differs from the parameter's.
func LoadStateDict(m Module, dict map[string]tensor.Tensor) error {
	ps := m.Params()
	if err := checkStateDict(ps, dict); err != nil {
		return fmt.Errorf("nn.LoadStateDict: %w", err)
	}
	for _, p := range ps {
		t := dict[p.Name]
		copy(p.Value.Data, t.Data)
	}
	return nil
}

// checkStateDict returns an error listing the names of ps missing from
// dict, the names of dict not in ps, and the tensors whose shapes differ
// from those of the params of their names.
func checkStateDict(ps []*Param, dict map[string]tensor.Tensor) error {
	var missing, shapes []string
	known := make(map[string]bool, len(ps))
	for _, p := range ps {
		known[p.Name] = true
		t, ok := dict[p.Name]
		switch {
		case !ok:
			missing = append(missing, p.Name)
		case !tensor.SameShape(&t, &p.Value) || len(t.Data) != p.Value.Len():
			shapes = append(shapes, fmt.Sprintf("%s is %v, want %v", p.Name, t.Shape(), p.Value.Shape()))
		}
	}
	var unexpected []string
	for name := range dict {
		if !known[name] {
			unexpected = append(unexpected, name)
		}
	}
	slices.Sort(unexpected)
	var errs []error
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("missing: %s", strings.Join(missing, ", ")))
	}
	if len(unexpected) > 0 {
		errs = append(errs, fmt.Errorf("unexpected: %s", strings.Join(unexpected, ", ")))
	}
	if len(shapes) > 0 {
		errs = append(errs, fmt.Errorf("shape mismatch: %s", strings.Join(shapes, "; ")))
	}
	return errors.Join(errs...)
}
