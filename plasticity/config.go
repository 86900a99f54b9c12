package plasticity

import (
	"errors"
	"fmt"
)

// Variant selects the plasticity rule of a layer.
type Variant int

const (
	// Plastic is differentiable Hebbian plasticity (spec §1.2):
	// Hebb ← clip(Hebb + η ⊙ h(t−1) ⊗ g(t)), η learned.
	Plastic Variant = iota + 1
	// Neuromod is simple neuromodulation (spec §1.3): η is replaced by M(t),
	// computed by a tanh modulator neuron and fanned out.
	Neuromod
	// Retro is retroactive neuromodulation (spec §1.4): an eligibility trace
	// E gathers h(t−1) ⊗ g(t) and M(t) moves it into Hebb, in the code's
	// order: Hebb ← clip(Hebb + M ⊙ E), then E ← (1−η)⊙E + η⊙h(t−1)⊗g(t).
	Retro
)

// String returns the name used by `lm train -model`.
func (v Variant) String() string {
	switch v {
	case Plastic:
		return "plastic"
	case Neuromod:
		return "neuromod"
	case Retro:
		return "retro"
	}
	return fmt.Sprintf("Variant(%d)", int(v))
}

// Modulated reports whether the variant has a modulator neuron.
func (v Variant) Modulated() bool { return v == Neuromod || v == Retro }

// HasEta reports whether the variant has a learned η (Hebbian rate for
// Plastic, eligibility decay for Retro).
func (v Variant) HasEta() bool { return v == Plastic || v == Retro }

// ModInput selects what the modulator neuron reads.
type ModInput int

const (
	// ModPrevH feeds h(t−1) to the modulator, as the paper's appendix says
	// for the small model (the default).
	ModPrevH ModInput = iota
	// ModNewH feeds h(t), the step's new output, as the released code does.
	ModNewH
)

// Shape is the granularity of a per-layer plastic parameter.
type Shape int

const (
	// PerConnection: one value per plastic connection i→j (H×H).
	PerConnection Shape = iota
	// PerNeuron: one value per post-synaptic neuron j (H), broadcast over i.
	PerNeuron
	// Scalar: one value for the whole layer.
	Scalar
)

// String names the shape as in flags and checkpoint metadata.
func (s Shape) String() string {
	switch s {
	case PerConnection:
		return "connection"
	case PerNeuron:
		return "neuron"
	case Scalar:
		return "scalar"
	}
	return fmt.Sprintf("Shape(%d)", int(s))
}

// size is the number of values of a parameter of shape s in a layer of h
// neurons.
func (s Shape) size(h int) int {
	switch s {
	case PerConnection:
		return h * h
	case PerNeuron:
		return h
	}
	return 1
}

// Config describes one plastic LSTM layer. The zero values of the option
// fields are this project's defaults (issue 5 item 2); Clip, AGDiv and
// FanInit default to 1 through Default.
type Config struct {
	Variant Variant
	Input   int // input size In
	Hidden  int // hidden size H; the plastic matrix is H×H

	// ModInput is the modulator's input (Neuromod, Retro).
	ModInput ModInput
	// FanOut is the shape of M: PerConnection (default; M_ij = u_ij·m + β_ij,
	// the paper's small model), PerNeuron (M_j = u_j·m + β_j, the released
	// large model) or Scalar (M = m, no fan-out parameters, as in the RL code).
	FanOut Shape
	// Eta is the shape of η (Plastic, Retro): PerConnection (default) or Scalar.
	// Retro uses its η clamped to [0, 1], the range in which the eligibility
	// trace E ← (1−η)E + η·h⊗g is a moving average; no gradient reaches an η
	// outside it (as through torch.clamp). Unclamped, SGD at lr 1 drove
	// per-connection η below 0 within 250 batches of zaremba-small, and E
	// then grew by |1−η| per step until it overflowed.
	Eta Shape
	// Alpha is the shape of α: PerConnection (default) or PerNeuron.
	Alpha Shape
	// Clip bounds the trace: |Hebb| ≤ Clip. 1 (paper); 2 is the released code's.
	Clip float32
	// AGDiv divides the gradient of α (the code's agdiv, spec §2.3), before
	// any clipping the caller does; 1 is off. It applies whatever α's shape
	// (the released code applies it to per-neuron and scalar α only).
	AGDiv float32
	// FanInit bounds the fan-out's initial weights and biases, drawn from
	// U(−FanInit, FanInit); 0 means 1, PyTorch's default for a Linear(1, ·)
	// and this project's. (A research option: the paper's small model does
	// not say how its fan-out started.)
	FanInit float32
}

// Default returns the default configuration of a variant with the given
// input and hidden sizes.
func Default(v Variant, input, hidden int) Config {
	return Config{Variant: v, Input: input, Hidden: hidden, Clip: 1, AGDiv: 1, FanInit: 1}
}

// Validate returns an error that says what to change if the configuration
// is not usable.
func (c Config) Validate() error {
	switch {
	case c.Variant < Plastic || c.Variant > Retro:
		return fmt.Errorf("plasticity: unknown variant %d (want plastic, neuromod or retro)", int(c.Variant))
	case c.Input <= 0 || c.Hidden <= 0:
		return fmt.Errorf("plasticity: input %d and hidden %d sizes must be positive", c.Input, c.Hidden)
	case c.ModInput != ModPrevH && c.ModInput != ModNewH:
		return fmt.Errorf("plasticity: unknown modulator input %d", int(c.ModInput))
	case c.FanOut < PerConnection || c.FanOut > Scalar:
		return fmt.Errorf("plasticity: unknown fan-out shape %d", int(c.FanOut))
	case c.Eta != PerConnection && c.Eta != Scalar:
		return fmt.Errorf("plasticity: η must be per connection or scalar, not %v", c.Eta)
	case c.Alpha != PerConnection && c.Alpha != PerNeuron:
		return fmt.Errorf("plasticity: α must be per connection or per neuron, not %v", c.Alpha)
	case !(c.Clip > 0):
		return errors.New("plasticity: the trace clip must be positive (1 in the paper, 2 in the released code)")
	case !(c.AGDiv > 0):
		return errors.New("plasticity: agdiv must be positive (1 turns it off)")
	case !(c.FanInit >= 0):
		return errors.New("plasticity: the fan-out's initial bound must be positive, or 0 for the default 1")
	}
	return nil
}
