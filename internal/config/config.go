// Package config holds the settings of an lm run: the training configuration
// with its presets, flags and validation, and the smaller settings of lm eval
// and lm sample.
//
// The Config is JSON-serialisable and is recorded in the run log and in
// checkpoints, so a checkpoint says how it was made and a resumed run can be
// checked against it (see MergeResume).
package config

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
)

// The model variants of lm train -model.
const (
	ModelLSTM     = "lstm"     // the baseline LSTM
	ModelPlastic  = "plastic"  // Hebbian plasticity with a learned η
	ModelNeuromod = "neuromod" // simple neuromodulation of the Hebbian update
	ModelRetro    = "retro"    // retroactive neuromodulation with eligibility traces
)

// Models lists the valid values of Config.Model, the baseline first.
var Models = []string{ModelLSTM, ModelPlastic, ModelNeuromod, ModelRetro}

// The optimisers of lm train -optimizer.
const (
	OptimizerSGD  = "sgd"
	OptimizerAdam = "adam"
)

// Optimizers lists the valid values of Config.Optimizer.
var Optimizers = []string{OptimizerSGD, OptimizerAdam}

// Values of the plasticity options (issue 5, item 2); the first of each list
// is the default.
var (
	// ModInputs: the modulator reads h(t−1), as in the paper's appendix, or
	// h(t), as in the released code.
	ModInputs = []string{"h-prev", "h"}
	// Fanouts: the modulator's output reaches each connection, each
	// post-synaptic neuron, or all connections as one scalar.
	Fanouts = []string{"connection", "neuron", "scalar"}
	// Etas: η per connection or one scalar.
	Etas = []string{"connection", "scalar"}
	// Alphas: α per connection or per post-synaptic neuron.
	Alphas = []string{"connection", "neuron"}
)

// Plasticity holds the options of the plastic variants. They are ignored by
// the baseline LSTM.
type Plasticity struct {
	// ModInput is the modulator's input: "h-prev" (h(t−1)) or "h" (h(t)).
	ModInput string `json:"mod_input"`
	// Fanout is how the modulator's output reaches the trace:
	// "connection", "neuron" or "scalar".
	Fanout string `json:"fanout"`
	// Eta is the shape of the learned η: "connection" or "scalar".
	Eta string `json:"eta"`
	// Alpha is the shape of α: "connection" or "neuron".
	Alpha string `json:"alpha"`
	// HebbClip bounds the Hebbian trace to ±HebbClip.
	HebbClip float64 `json:"hebb_clip"`
	// AGDiv divides α's gradient, as the released code does; 1 is off.
	AGDiv float64 `json:"agdiv"`
	// FanInit bounds the fan-out's initial weights and biases,
	// U(−FanInit, FanInit); 1 is PyTorch's default for a Linear(1, ·).
	// Checkpoints from before it existed leave it 0, which means 1.
	FanInit float64 `json:"fan_init,omitempty"`
	// L2Exempt exempts the plasticity parameters (α, η, the modulator and
	// its fan-out) from the L2 weight decay, which then applies to the
	// baseline's weights alone.
	L2Exempt bool `json:"l2_exempt,omitempty"`
}

// Config is the configuration of lm train. Lengths are counts (layers,
// units, tokens); epochs count from 1.
type Config struct {
	// Preset names the preset the values started from, if any.
	Preset string `json:"preset,omitempty"`
	// Model is the variant: one of Models.
	Model string `json:"model"`
	// MatchParams asks the trainer to pick Hidden so that the variant has
	// the same number of trainable parameters as the baseline LSTM with the
	// same settings (within 0.5 %).
	MatchParams bool `json:"match_params"`
	// BaselineParams is, once lm has matched Hidden, the baseline's
	// parameter count it matched: a checkpoint's config records it, and a
	// resumed run keeps the saved Hidden instead of matching again (which
	// would take the matched size for the baseline's).
	BaselineParams int `json:"baseline_params,omitempty"`

	Layers int `json:"layers"` // stacked recurrent layers
	Hidden int `json:"hidden"` // units per recurrent layer
	Emb    int `json:"emb"`    // embedding size
	BPTT   int `json:"bptt"`   // time steps per truncated-backprop segment
	Batch  int `json:"batch"`  // parallel streams

	// Optimizer is "sgd" or "adam".
	Optimizer string `json:"optimizer"`
	// LR is the initial learning rate.
	LR float64 `json:"lr"`
	// Decay multiplies the learning rate once per epoch from DecayStart on.
	Decay float64 `json:"decay"`
	// DecayStart is the first epoch (counting from 1) whose learning rate
	// is multiplied by Decay; see LRAt.
	DecayStart int `json:"decay_start"`
	// Epochs is the number of passes over the training split.
	Epochs int `json:"epochs"`
	// Clip is the bound on the global gradient norm; 0 turns clipping off.
	Clip float64 `json:"clip"`
	// L2 is the weight-decay coefficient.
	L2 float64 `json:"l2"`
	// Init is the scale of the uniform initialisation U(−Init, Init).
	Init float64 `json:"init"`
	// Dropout is the probability of dropping a non-recurrent activation.
	Dropout float64 `json:"dropout"`
	// Seed seeds every random number generator of the run.
	Seed uint64 `json:"seed"`
	// Threads is the number of threads (GOMAXPROCS and worker goroutines);
	// 0 means every CPU the process may use.
	Threads int `json:"threads"`

	Plasticity Plasticity `json:"plasticity"`

	// Data is the directory holding ptb.{train,valid,test}.txt; empty means
	// download PTB into the user cache directory.
	Data string `json:"data,omitempty"`
	// NoVerify skips the SHA-256 checks, for other corpora.
	NoVerify bool `json:"no_verify,omitempty"`
	// Out is the checkpoint file, or a directory to hold <model>.safetensors;
	// see CheckpointPath.
	Out string `json:"out,omitempty"`
	// Resume is a checkpoint to continue from.
	Resume string `json:"resume,omitempty"`
	// Log is the JSON-lines event log; empty means none.
	Log string `json:"log,omitempty"`
	// BenchBatches, when positive, makes the run a benchmark: train that many
	// batches, evaluate once on the validation split, save nothing, stop.
	BenchBatches int `json:"bench_batches,omitempty"`
	// SkipTest leaves out the test-split evaluation at the end of training,
	// so tuning runs never see the test split (bench/repro evaluates only the
	// chosen configuration, with lm eval). It is a property of one
	// invocation, not of the run: checkpoints do not record it, so a resumed
	// run skips the test only when its own command line says so.
	SkipTest bool `json:"-"`

	// Explicit lists the flags given on the command line, in the order the
	// flag package visits them (sorted). Presets and defaults supplied the
	// other values.
	Explicit []string `json:"explicit,omitempty"`
}

// ArchitectureFlags are the flags whose values a checkpoint fixes: a resumed
// run takes them from the checkpoint and refuses a command line that sets
// them to something else.
var ArchitectureFlags = []string{
	"model", "match-params", "layers", "hidden", "emb", "bptt", "batch", "optimizer", "seed",
	"mod-input", "fanout", "eta", "alpha", "hebb-clip", "agdiv",
}

// PlasticityFlags are the flags that only the plastic variants read.
var PlasticityFlags = []string{"mod-input", "fanout", "eta", "alpha", "hebb-clip", "agdiv", "fan-init"}

// Presets are the named starting points of lm train -preset.
var Presets = map[string]Config{
	// Zaremba et al. 2014, small: 2×200, 13 epochs, lr 1 for 4 epochs then
	// halved every epoch, no dropout.
	"zaremba-small": {
		Preset: "zaremba-small", Model: ModelLSTM,
		Layers: 2, Hidden: 200, Emb: 200, BPTT: 20, Batch: 20,
		Optimizer: OptimizerSGD, LR: 1, Decay: 0.5, DecayStart: 5, Epochs: 13,
		Clip: 5, Init: 0.1, Dropout: 0, Seed: 1,
		Plasticity: DefaultPlasticity, Out: ".",
	},
	// Zaremba et al. 2014, medium: 2×650, 39 epochs, lr 1 for 6 epochs then
	// ×0.8 every epoch, dropout 0.5.
	"zaremba-medium": {
		Preset: "zaremba-medium", Model: ModelLSTM,
		Layers: 2, Hidden: 650, Emb: 650, BPTT: 35, Batch: 20,
		Optimizer: OptimizerSGD, LR: 1, Decay: 0.8, DecayStart: 7, Epochs: 39,
		Clip: 5, Init: 0.05, Dropout: 0.5, Seed: 1,
		Plasticity: DefaultPlasticity, Out: ".",
	},
}

// PresetNames returns the names of Presets, sorted.
func PresetNames() []string {
	names := make([]string, 0, len(Presets))
	for n := range Presets {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// DefaultPlasticity holds the defaults of issue 5, item 2.
var DefaultPlasticity = Plasticity{
	ModInput: "h-prev", Fanout: "connection", Eta: "connection", Alpha: "connection",
	HebbClip: 1, AGDiv: 1, FanInit: 1,
}

// Default returns the configuration lm train uses without flags: the
// zaremba-small values without the preset's name.
func Default() Config {
	c := Presets["zaremba-small"]
	c.Preset = ""
	return c
}

// Preset returns the preset called name, or an error that lists the valid
// names.
func Preset(name string) (Config, error) {
	c, ok := Presets[name]
	if !ok {
		return Config{}, fmt.Errorf("unknown preset %q (valid: %s)", name, strings.Join(PresetNames(), ", "))
	}
	return c, nil
}

// LRAt returns the learning rate of epoch (counting from 1): LR before
// DecayStart, then LR·Decay^(epoch−DecayStart+1).
func (c *Config) LRAt(epoch int) float64 {
	if epoch < c.DecayStart {
		return c.LR
	}
	return c.LR * math.Pow(c.Decay, float64(epoch-c.DecayStart+1))
}

// CheckpointPath returns the file checkpoints go to: Out itself, or
// Out/<model>.safetensors when Out is "", ".", ends in a path separator or
// names an existing directory (isDir reports that; nil means "not a
// directory").
func (c *Config) CheckpointPath(isDir func(string) bool) string {
	out := c.Out
	if out == "" {
		out = "."
	}
	name := c.Model + ".safetensors"
	if out == "." || strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(filepath.Separator)) ||
		(isDir != nil && isDir(out)) {
		return filepath.Join(out, name)
	}
	return out
}

// Validate checks every field and returns all problems at once, each phrased
// in terms of the flag that sets the field, e.g. "-bptt must be ≥ 1 (got 0)".
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	atLeast := func(flag string, v, min int) {
		if v < min {
			bad("-%s must be ≥ %d (got %d)", flag, min, v)
		}
	}
	positive := func(flag string, v float64) {
		if !(v > 0) || math.IsInf(v, 0) {
			bad("-%s must be a positive number (got %g)", flag, v)
		}
	}
	nonNegative := func(flag string, v float64) {
		if !(v >= 0) || math.IsInf(v, 0) {
			bad("-%s must be ≥ 0 (got %g)", flag, v)
		}
	}
	oneOf := func(flag, v string, valid []string) {
		if !slices.Contains(valid, v) {
			bad("-%s must be one of %s (got %q)", flag, strings.Join(valid, ", "), v)
		}
	}

	if c.Preset != "" {
		if _, ok := Presets[c.Preset]; !ok {
			bad("unknown preset %q (valid: %s)", c.Preset, strings.Join(PresetNames(), ", "))
		}
	}
	oneOf("model", c.Model, Models)
	oneOf("optimizer", c.Optimizer, Optimizers)
	atLeast("layers", c.Layers, 1)
	atLeast("hidden", c.Hidden, 1)
	atLeast("emb", c.Emb, 1)
	atLeast("bptt", c.BPTT, 1)
	atLeast("batch", c.Batch, 1)
	atLeast("epochs", c.Epochs, 1)
	atLeast("decay-start", c.DecayStart, 1)
	atLeast("threads", c.Threads, 0)
	atLeast("bench-batches", c.BenchBatches, 0)
	positive("lr", c.LR)
	if !(c.Decay > 0 && c.Decay <= 1) {
		bad("-decay must be in (0, 1] (got %g)", c.Decay)
	}
	nonNegative("clip", c.Clip)
	nonNegative("l2", c.L2)
	positive("init", c.Init)
	if !(c.Dropout >= 0 && c.Dropout < 1) {
		bad("-dropout must be in [0, 1) (got %g)", c.Dropout)
	}
	p := c.Plasticity
	oneOf("mod-input", p.ModInput, ModInputs)
	oneOf("fanout", p.Fanout, Fanouts)
	oneOf("eta", p.Eta, Etas)
	oneOf("alpha", p.Alpha, Alphas)
	positive("hebb-clip", p.HebbClip)
	positive("agdiv", p.AGDiv)
	if p.FanInit != 0 { // 0: a checkpoint from before the option, meaning 1
		positive("fan-init", p.FanInit)
	}
	return errors.Join(errs...)
}

// EvalConfig is the configuration of lm eval.
type EvalConfig struct {
	// Checkpoint is the model to evaluate.
	Checkpoint string `json:"checkpoint"`
	// Data and NoVerify are as in Config.
	Data     string `json:"data,omitempty"`
	NoVerify bool   `json:"no_verify,omitempty"`
	// Split is "valid" or "test".
	Split string `json:"split"`
	// Batch is the number of parallel streams; 1 carries the hidden state
	// through the whole split, as the published perplexities do.
	Batch int `json:"batch"`
	// BPTT is the segment length; 0 means the checkpoint's.
	BPTT int `json:"bptt"`
	// Threads is as in Config.
	Threads int `json:"threads"`
	// Log is the JSON-lines event log; empty means none.
	Log string `json:"log,omitempty"`
}

// Splits lists the valid values of EvalConfig.Split.
var Splits = []string{"valid", "test"}

// Validate checks the fields of an EvalConfig.
func (c *EvalConfig) Validate() error {
	var errs []error
	if c.Checkpoint == "" {
		errs = append(errs, errors.New("no checkpoint given (pass -checkpoint PATH or the path as an argument)"))
	}
	if !slices.Contains(Splits, c.Split) {
		errs = append(errs, fmt.Errorf("-split must be one of %s (got %q)", strings.Join(Splits, ", "), c.Split))
	}
	if c.Batch < 1 {
		errs = append(errs, fmt.Errorf("-batch must be ≥ 1 (got %d)", c.Batch))
	}
	if c.BPTT < 0 {
		errs = append(errs, fmt.Errorf("-bptt must be ≥ 0 (got %d); 0 uses the checkpoint's", c.BPTT))
	}
	if c.Threads < 0 {
		errs = append(errs, fmt.Errorf("-threads must be ≥ 0 (got %d)", c.Threads))
	}
	return errors.Join(errs...)
}

// SampleConfig is the configuration of lm sample.
type SampleConfig struct {
	// Checkpoint is the model to sample from.
	Checkpoint string `json:"checkpoint"`
	// Data and NoVerify locate the vocabulary when the checkpoint does not
	// carry it.
	Data     string `json:"data,omitempty"`
	NoVerify bool   `json:"no_verify,omitempty"`
	// N is the number of words to generate.
	N int `json:"n"`
	// Temperature divides the logits before sampling; small values approach
	// greedy decoding.
	Temperature float64 `json:"temperature"`
	// Seed seeds the sampler.
	Seed uint64 `json:"seed"`
	// Prime is text fed to the model before sampling starts; words outside
	// the vocabulary become <unk>.
	Prime string `json:"prime,omitempty"`
}

// Validate checks the fields of a SampleConfig.
func (c *SampleConfig) Validate() error {
	var errs []error
	if c.Checkpoint == "" {
		errs = append(errs, errors.New("no checkpoint given (pass -checkpoint PATH or the path as an argument)"))
	}
	if c.N < 1 {
		errs = append(errs, fmt.Errorf("-n must be ≥ 1 (got %d)", c.N))
	}
	if !(c.Temperature > 0) || math.IsInf(c.Temperature, 0) {
		errs = append(errs, fmt.Errorf("-temperature must be a positive number (got %g)", c.Temperature))
	}
	return errors.Join(errs...)
}
