package nn

import (
	"math/rand/v2"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/tensor"
)

// RNN is what the LM needs of its recurrent stack: the baseline LSTM, or a
// stack from another package (package plasticity's plastic LSTMs) given to
// NewLMWithRNN. Input and output are time-major, [T·B, features] with row
// t·B + b step t of stream b; the stack maps LMConfig.Embed features to
// LMConfig.Hidden.
//
// A stack that also has a method SetAsync(Async) is given the LM's
// background goroutine for the weight-gradient work of its backward pass.
type RNN interface {
	Module
	// Init initialises the stack's parameters from rng: the LM calls it
	// between the embedding's initialisation and the decoder's, with the
	// LM's InitScale. The baseline LSTM draws every parameter uniformly in
	// ±scale; a stack with parameters of other kinds initialises those as
	// they need.
	Init(scale float32, rng *rand.Rand)
	// SetDropout sets the dropout applied to the output of every layer but
	// the last; nil, or a Dropout that is not training, applies none.
	SetDropout(d *Dropout)
	// Forward runs the stack over the segment x [T·B, in] of batch streams
	// from the carried state, returns the last layer's outputs [T·B, H]
	// and keeps the final state, by value, for the next call. Under
	// Tape.NoGrad it records nothing.
	Forward(t *autodiff.Tape, x *autodiff.Var, batch int) *autodiff.Var
	// ResetState sets the carried state to zero: at the start of every
	// epoch and evaluation pass.
	ResetState()
	// CarriedState returns the state carried from one segment to the next
	// by name, for checkpoints (the stack's own tensors or copies of them).
	CarriedState() map[string]tensor.Tensor
	// SetCarriedState restores a state saved by CarriedState; an empty map
	// resets it.
	SetCarriedState(st map[string]tensor.Tensor) error
}

var _ RNN = (*LSTM)(nil)

// Init sets every parameter uniformly in [−scale, scale), in the order of
// Params (Zaremba et al.'s initialisation, biases included).
func (l *LSTM) Init(scale float32, rng *rand.Rand) { InitUniform(l, scale, rng) }

// SetDropout sets the dropout between layers.
func (l *LSTM) SetDropout(d *Dropout) { l.Dropout = d }

// SetAsync lets the layers' backward passes run their weight gradients on
// the model's background goroutine.
func (l *LSTM) SetAsync(a Async) {
	for _, layer := range l.Layers {
		layer.async = a.g
	}
}
