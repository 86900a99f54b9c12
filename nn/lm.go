package nn

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/tensor"
)

// LMConfig describes an LSTM language model.
type LMConfig struct {
	Vocab  int // number of tokens
	Embed  int // embedding size, the LSTM's input
	Hidden int // LSTM state size
	Layers int // number of LSTM layers

	// Dropout is the probability of dropping an element of the
	// embeddings, of the outputs of every LSTM layer but the last, and of
	// the decoder's input (Zaremba et al.); 0 disables dropout.
	Dropout float32
	// InitScale is the half-width of the uniform initialisation of every
	// parameter, biases included.
	InitScale float32
	// Seed seeds the initialisation and the dropout masks.
	Seed uint64
}

// Validate returns an error describing the first setting that is out of
// range.
func (c LMConfig) Validate() error {
	switch {
	case c.Vocab < 1:
		return fmt.Errorf("nn: vocabulary size %d, want ≥ 1", c.Vocab)
	case c.Embed < 1:
		return fmt.Errorf("nn: embedding size %d, want ≥ 1", c.Embed)
	case c.Hidden < 1:
		return fmt.Errorf("nn: hidden size %d, want ≥ 1", c.Hidden)
	case c.Layers < 1:
		return fmt.Errorf("nn: %d layers, want ≥ 1", c.Layers)
	case !(c.Dropout >= 0 && c.Dropout < 1):
		return fmt.Errorf("nn: dropout %g, want 0 ≤ p < 1", c.Dropout)
	case !(c.InitScale >= 0):
		return fmt.Errorf("nn: init scale %g, want ≥ 0", c.InitScale)
	}
	return nil
}

// LM is the word-level LSTM language model of Zaremba et al. (2014):
// Embedding → Dropout → LSTM (dropout between layers) → Dropout → Linear
// decoder → softmax cross-entropy. Its parameters have the names of
// PyTorch's word_language_model example (encoder.weight, rnn.weight_ih_l0, …,
// decoder.weight, decoder.bias).
//
// Batches are time-major: inputs[t·B + b] is the token at step t of stream
// b, and targets[t·B + b] the token that follows it. The LSTM state is
// carried from one Forward to the next; call ResetState at the start of a
// split.
type LM struct {
	// Config is the configuration the model was made with.
	Config LMConfig
	// Encoder is the token embedding, [Vocab, Embed].
	Encoder *Embedding
	// RNN is the recurrent stack: an *LSTM (NewLM) or the stack given to
	// NewLMWithRNN.
	RNN RNN
	// Decoder maps the LSTM's output to logits, weight [Vocab, Hidden].
	Decoder *Linear
	// Drop is the dropout applied to the embeddings, between LSTM layers
	// and before the decoder. The model owns its generator.
	Drop Dropout

	rngSrc *rand.PCG // Drop.Rng's source, whose state checkpoints save
	async  asyncGroup
	join   joinOp
}

// NewLM returns a model initialised uniformly in ±cfg.InitScale from
// cfg.Seed, in training mode.
func NewLM(cfg LMConfig) (*LM, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return NewLMWithRNN(cfg, NewLSTM("rnn", cfg.Embed, cfg.Hidden, cfg.Layers))
}

// NewLMWithRNN returns a model like NewLM's whose recurrent stack is rnn,
// which must map cfg.Embed features to cfg.Hidden; its parameters should be
// named rnn.*. The embedding and the decoder are initialised uniformly in
// ±cfg.InitScale and the stack by its Init, all from one generator seeded
// by cfg.Seed in the order of Params, so that with NewLSTM's stack the
// model is NewLM's.
func NewLMWithRNN(cfg LMConfig, rnn RNN) (*LM, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if rnn == nil {
		return nil, errors.New("nn.NewLMWithRNN: no recurrent stack")
	}
	m := &LM{
		Config:  cfg,
		Encoder: NewEmbedding("encoder", cfg.Vocab, cfg.Embed),
		RNN:     rnn,
		Decoder: NewLinear("decoder", cfg.Hidden, cfg.Vocab),
		rngSrc:  rand.NewPCG(cfg.Seed, 0xd509),
	}
	m.Drop = Dropout{P: cfg.Dropout, Training: true, Rng: m.rngSrc}
	rnn.SetDropout(&m.Drop)
	m.join.g = &m.async
	m.Decoder.async = &m.async
	if a, ok := rnn.(interface{ SetAsync(Async) }); ok {
		a.SetAsync(Async{&m.async})
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x1417))
	InitUniform(m.Encoder, cfg.InitScale, rng)
	rnn.Init(cfg.InitScale, rng)
	InitUniform(m.Decoder, cfg.InitScale, rng)
	return m, nil
}

// Params returns encoder.weight, the LSTM's parameters layer by layer,
// decoder.weight and decoder.bias.
func (m *LM) Params() []*Param {
	ps := m.Encoder.Params()
	ps = append(ps, m.RNN.Params()...)
	return append(ps, m.Decoder.Params()...)
}

// SetTraining switches dropout on (training) or off (evaluation).
func (m *LM) SetTraining(on bool) { m.Drop.Training = on }

// ResetState sets the LSTM state to zero.
func (m *LM) ResetState() { m.RNN.ResetState() }

// Forward runs the model over a segment of T steps of B streams and returns
// the mean cross-entropy of its predictions of targets, recorded on t for
// Backward. The LSTM state carries over to the next call. inputs and targets
// must not change until Backward.
func (m *LM) Forward(t *autodiff.Tape, inputs, targets []int32, T, B int) *autodiff.Var {
	loss, _ := m.forward(t, inputs, targets, T, B)
	return loss
}

func (m *LM) forward(t *autodiff.Tape, inputs, targets []int32, T, B int) (*autodiff.Var, float64) {
	if T < 1 || B < 1 || len(inputs) != T*B || len(targets) != T*B {
		panic(fmt.Sprintf("nn.LM.Forward: %d inputs and %d targets for %d steps of %d streams", len(inputs), len(targets), T, B))
	}
	if t.Recording() {
		// Recorded first, run last: the backward pass ends by waiting for
		// the weight gradients it ran in the background.
		m.async.start()
		t.Record(&m.join)
	}
	x := m.Encoder.Forward(t, inputs)
	x = m.Drop.Forward(t, x)
	x = m.RNN.Forward(t, x, B)
	x = m.Drop.Forward(t, x)
	return m.Decoder.CrossEntropy(t, x, targets)
}

// Evaluate resets t and runs the model over a segment without recording and
// without dropout, carrying the LSTM state as Forward does. It returns the
// cross-entropy summed over the T·B predictions in float64: the perplexity
// of a split is exp(Σ total / Σ tokens).
func (m *LM) Evaluate(t *autodiff.Tape, inputs, targets []int32, T, B int) (total float64) {
	t.Reset()
	training := m.Drop.Training
	m.Drop.Training = false
	defer func() { m.Drop.Training = training }()
	t.NoGrad(func() { _, total = m.forward(t, inputs, targets, T, B) })
	return total
}

// Logits resets t and runs the model over inputs (T steps of B streams)
// without recording and without dropout, carrying the LSTM state, and
// returns the decoder's output, [T·B, Vocab] unnormalised log-probabilities
// of the next token, for sampling. The tensor is tape memory, valid until
// t's next Reset.
func (m *LM) Logits(t *autodiff.Tape, inputs []int32, T, B int) tensor.Tensor {
	if T < 1 || B < 1 || len(inputs) != T*B {
		panic(fmt.Sprintf("nn.LM.Logits: %d inputs for %d steps of %d streams", len(inputs), T, B))
	}
	t.Reset()
	var y *autodiff.Var
	training := m.Drop.Training
	m.Drop.Training = false // no dropout between the layers either
	defer func() { m.Drop.Training = training }()
	t.NoGrad(func() {
		x := m.Encoder.Forward(t, inputs)
		x = m.RNN.Forward(t, x, B)
		y = m.Decoder.Forward(t, x)
	})
	return y.Value
}

// RNGState returns the state of the dropout generator, for a checkpoint.
func (m *LM) RNGState() ([]byte, error) { return m.rngSrc.MarshalBinary() }

// SetRNGState restores the dropout generator from RNGState's bytes.
func (m *LM) SetRNGState(b []byte) error {
	if err := m.rngSrc.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("nn.LM.SetRNGState: %w", err)
	}
	return nil
}

// CarriedState returns the recurrent state that carries from one segment to
// the next, by name, for checkpoints (see LSTM.CarriedState and the
// stack's own).
func (m *LM) CarriedState() map[string]tensor.Tensor { return m.RNN.CarriedState() }

// SetCarriedState restores a state saved by CarriedState.
func (m *LM) SetCarriedState(st map[string]tensor.Tensor) error { return m.RNN.SetCarriedState(st) }
