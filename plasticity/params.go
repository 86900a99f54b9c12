package plasticity

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Params holds the trainable parameters of one plastic LSTM layer as raw
// float32 slices. The shared LSTM part uses PyTorch's layout and gate order
// (i, f, g, o), so a layer with α = 0 is exactly the baseline LSTM and a
// checkpoint is a superset of the baseline's. The plastic matrix w is the g
// block of WeightHH: w[i][j] = WeightHH[(2H+j)·H + i], i pre-synaptic
// (h(t−1)), j post-synaptic (the cell candidate g(t)).
//
// The same type holds gradients (see Layer.Backward).
type Params struct {
	Config Config

	WeightIH []float32 // [4H, In]
	WeightHH []float32 // [4H, H]
	BiasIH   []float32 // [4H]
	BiasHH   []float32 // [4H]

	// Alpha scales the trace: [H, H] indexed [i·H + j] per connection, or
	// [H] per post-synaptic neuron j.
	Alpha []float32
	// Eta is η: the Hebbian rate (Plastic) or the eligibility decay (Retro);
	// [H, H] per connection or [1]. Empty for Neuromod.
	Eta []float32
	// ModWeight [H] and ModBias [1] are the tanh modulator neuron,
	// m = tanh(ModWeight·x + ModBias) (Neuromod, Retro; empty otherwise).
	ModWeight []float32
	ModBias   []float32
	// FanWeight and FanBias fan m out into M = FanWeight·m + FanBias:
	// [H, H] per connection or [H] per post-synaptic neuron. Empty for a
	// scalar fan-out (M = m) and for Plastic.
	FanWeight []float32
	FanBias   []float32
}

// NumParams returns the number of trainable parameters of a layer with this
// configuration (all of Params, α, η and the modulator included):
//
//	4H·In + 4H·H + 8H                      the LSTM (two biases per gate)
//	+ H² (α per connection) or H (per neuron)
//	+ H² or 1 for η                        (Plastic, Retro)
//	+ H + 1 for the modulator              (Neuromod, Retro)
//	+ 2H² or 2H or 0 for the fan-out       (Neuromod, Retro)
func (c Config) NumParams() int {
	h, in := c.Hidden, c.Input
	n := 4*h*in + 4*h*h + 8*h + c.Alpha.size(h)
	if c.Variant.HasEta() {
		n += c.Eta.size(h)
	}
	if c.Variant.Modulated() {
		n += h + 1 + 2*c.fanSize()
	}
	return n
}

// fanSize is the length of FanWeight (and of FanBias).
func (c Config) fanSize() int {
	if c.FanOut == Scalar {
		return 0
	}
	return c.FanOut.size(c.Hidden)
}

// NewParams allocates zeroed parameters (or gradients) for a layer.
func NewParams(c Config) (*Params, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	h, in := c.Hidden, c.Input
	p := &Params{
		Config:   c,
		WeightIH: make([]float32, 4*h*in),
		WeightHH: make([]float32, 4*h*h),
		BiasIH:   make([]float32, 4*h),
		BiasHH:   make([]float32, 4*h),
		Alpha:    make([]float32, c.Alpha.size(h)),
	}
	if c.Variant.HasEta() {
		p.Eta = make([]float32, c.Eta.size(h))
	}
	if c.Variant.Modulated() {
		p.ModWeight = make([]float32, h)
		p.ModBias = make([]float32, 1)
		p.FanWeight = make([]float32, c.fanSize())
		p.FanBias = make([]float32, c.fanSize())
	}
	return p, nil
}

// Named is one parameter tensor with its checkpoint name (without the
// caller's "rnn." prefix and "_l0" layer suffix) and shape.
type Named struct {
	Name  string
	Shape []int
	Data  []float32
}

// Tensors lists the layer's parameters in a fixed order with their names:
// PyTorch's weight_ih, weight_hh, bias_ih, bias_hh, then alpha, eta,
// mod_weight, mod_bias, fan_weight and fan_bias where the variant has them.
// The slices alias the parameters.
func (p *Params) Tensors() []Named {
	h, in := p.Config.Hidden, p.Config.Input
	ts := []Named{
		{"weight_ih", []int{4 * h, in}, p.WeightIH},
		{"weight_hh", []int{4 * h, h}, p.WeightHH},
		{"bias_ih", []int{4 * h}, p.BiasIH},
		{"bias_hh", []int{4 * h}, p.BiasHH},
		{"alpha", shapeOf(p.Config.Alpha, h), p.Alpha},
	}
	if p.Eta != nil {
		ts = append(ts, Named{"eta", shapeOf(p.Config.Eta, h), p.Eta})
	}
	if p.ModWeight != nil {
		ts = append(ts,
			Named{"mod_weight", []int{1, h}, p.ModWeight},
			Named{"mod_bias", []int{1}, p.ModBias})
		if len(p.FanWeight) > 0 {
			ts = append(ts,
				Named{"fan_weight", shapeOf(p.Config.FanOut, h), p.FanWeight},
				Named{"fan_bias", shapeOf(p.Config.FanOut, h), p.FanBias})
		}
	}
	return ts
}

func shapeOf(s Shape, h int) []int {
	switch s {
	case PerConnection:
		return []int{h, h}
	case PerNeuron:
		return []int{h}
	}
	return []int{1}
}

// NumParams counts the parameters actually held (equal to Config.NumParams).
func (p *Params) NumParams() int {
	n := 0
	for _, t := range p.Tensors() {
		n += len(t.Data)
	}
	return n
}

// Zero sets every parameter to 0 (to clear a gradient).
func (p *Params) Zero() {
	for _, t := range p.Tensors() {
		clear(t.Data)
	}
}

// Init draws the parameters as the issue specifies: the LSTM weights and
// biases (w included) U(−scale, scale) like the baseline's (PyTorch uses
// scale = 1/√H; Zaremba's small model 0.1), α U(0, 1e-4), η 0.01, the
// modulator as PyTorch's Linear(H, 1) (U(±1/√H)), and the fan-out weights and
// biases U(−1, 1) (PyTorch's default for a Linear(1, ·); U(±FanInit) when
// the configuration sets FanInit).
func (p *Params) Init(r *rand.Rand, scale float32) {
	uniform := func(x []float32, lo, hi float32) {
		for i := range x {
			x[i] = lo + (hi-lo)*r.Float32()
		}
	}
	for _, x := range [][]float32{p.WeightIH, p.WeightHH, p.BiasIH, p.BiasHH} {
		uniform(x, -scale, scale)
	}
	uniform(p.Alpha, 0, 1e-4)
	for i := range p.Eta {
		p.Eta[i] = 0.01
	}
	k := float32(1 / math.Sqrt(float64(p.Config.Hidden)))
	uniform(p.ModWeight, -k, k)
	uniform(p.ModBias, -k, k)
	fan := p.Config.FanInit
	if fan == 0 {
		fan = 1
	}
	uniform(p.FanWeight, -fan, fan)
	uniform(p.FanBias, -fan, fan)
}

// check panics unless the slices have the lengths the configuration needs:
// Params are built by NewParams, so a mismatch is a programming error. (It
// runs on every Backward, so it allocates nothing.)
func (p *Params) check() {
	c := p.Config
	if err := c.Validate(); err != nil {
		panic(err)
	}
	h, in := c.Hidden, c.Input
	eta, mod, fan := 0, 0, 0
	if c.Variant.HasEta() {
		eta = c.Eta.size(h)
	}
	if c.Variant.Modulated() {
		mod, fan = h, c.fanSize()
	}
	want := [...]struct {
		name string
		x    []float32
		n    int
	}{
		{"weight_ih", p.WeightIH, 4 * h * in}, {"weight_hh", p.WeightHH, 4 * h * h},
		{"bias_ih", p.BiasIH, 4 * h}, {"bias_hh", p.BiasHH, 4 * h},
		{"alpha", p.Alpha, c.Alpha.size(h)}, {"eta", p.Eta, eta},
		{"mod_weight", p.ModWeight, mod}, {"mod_bias", p.ModBias, min(mod, 1)},
		{"fan_weight", p.FanWeight, fan}, {"fan_bias", p.FanBias, fan},
	}
	for _, w := range want {
		if len(w.x) != w.n {
			panic(fmt.Sprintf("plasticity: %s has %d values, the configuration needs %d", w.name, len(w.x), w.n))
		}
	}
}

// LanguageModelParams counts the trainable parameters of the small PTB
// language model built on layers of configuration c (c.Input and c.Hidden
// are overridden by hidden): an embedding of size hidden, the given number of
// plastic LSTM layers (all of input and hidden size hidden), and an untied
// decoder with bias — V·H + layers·NumParams + H·V + V. For the baseline LSTM
// (8H² + 8H per layer) at H = 200, V = 10000 and 2 layers it gives the
// zaremba-small model's 4,653,200.
func LanguageModelParams(c Config, vocab, layers, hidden int) int {
	c.Input, c.Hidden = hidden, hidden
	return 2*vocab*hidden + vocab + layers*c.NumParams()
}

// MatchHidden returns the hidden size whose LanguageModelParams is closest to
// target (as the paper matched its conditions' sizes), and that count.
func MatchHidden(c Config, vocab, layers, target int) (hidden, params int) {
	best, bestN := 1, LanguageModelParams(c, vocab, layers, 1)
	for h := 2; ; h++ {
		n := LanguageModelParams(c, vocab, layers, h)
		if abs(n-target) < abs(bestN-target) {
			best, bestN = h, n
		}
		if n > target {
			return best, bestN
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
