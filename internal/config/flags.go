package config

import (
	"flag"
	"fmt"
	"slices"
	"strings"
)

// choice is a flag.Value that accepts one of a fixed set of strings, so a
// typo is reported at parse time with the valid values.
type choice struct {
	p     *string
	valid []string
}

func (c choice) String() string {
	if c.p == nil {
		return ""
	}
	return *c.p
}

func (c choice) Set(s string) error {
	if !slices.Contains(c.valid, s) {
		return fmt.Errorf("must be one of %s", strings.Join(c.valid, ", "))
	}
	*c.p = s
	return nil
}

// RegisterFlags defines lm train's flags on fs, bound to the fields of c;
// their defaults are c's current values. The preset flag is not among them:
// ParseTrain handles it.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	enum := func(p *string, name string, valid []string, usage string) {
		fs.Var(choice{p, valid}, name, fmt.Sprintf("%s: `%s`", usage, strings.Join(valid, "|")))
	}
	enum(&c.Model, "model", Models, "model variant")
	fs.BoolVar(&c.MatchParams, "match-params", c.MatchParams,
		"choose -hidden so the variant has as many parameters as the baseline LSTM")
	fs.IntVar(&c.Layers, "layers", c.Layers, "recurrent layers")
	fs.IntVar(&c.Hidden, "hidden", c.Hidden, "units per recurrent layer")
	fs.IntVar(&c.Emb, "emb", c.Emb, "embedding size")
	fs.IntVar(&c.BPTT, "bptt", c.BPTT, "time steps per truncated-backprop segment")
	fs.IntVar(&c.Batch, "batch", c.Batch, "batch size (parallel streams)")
	enum(&c.Optimizer, "optimizer", Optimizers, "optimiser (with adam, pass a small -lr such as 0.001)")
	fs.Float64Var(&c.LR, "lr", c.LR, "initial learning rate")
	fs.Float64Var(&c.Decay, "decay", c.Decay, "learning-rate factor per epoch from -decay-start on")
	fs.IntVar(&c.DecayStart, "decay-start", c.DecayStart,
		"first epoch (counting from 1) whose learning rate is multiplied by -decay")
	fs.IntVar(&c.Epochs, "epochs", c.Epochs, "epochs")
	fs.Float64Var(&c.Clip, "clip", c.Clip, "bound on the global gradient norm (0: no clipping)")
	fs.Float64Var(&c.L2, "l2", c.L2, "L2 weight decay")
	fs.Float64Var(&c.Init, "init", c.Init, "uniform initialisation scale: weights start in U(-init, init)")
	fs.Float64Var(&c.Dropout, "dropout", c.Dropout, "dropout probability of non-recurrent connections")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed")
	fs.IntVar(&c.Threads, "threads", c.Threads, "threads (0: every CPU)")

	p := &c.Plasticity
	enum(&p.ModInput, "mod-input", ModInputs, "modulator input, h(t-1) or h(t)")
	enum(&p.Fanout, "fanout", Fanouts, "modulator fan-out")
	enum(&p.Eta, "eta", Etas, "shape of eta")
	enum(&p.Alpha, "alpha", Alphas, "shape of alpha")
	fs.Float64Var(&p.HebbClip, "hebb-clip", p.HebbClip, "Hebbian trace clip bound")
	fs.Float64Var(&p.AGDiv, "agdiv", p.AGDiv, "divisor of alpha's gradient (1: off)")
	fs.Float64Var(&p.FanInit, "fan-init", p.FanInit, "the modulator fan-out's weights and biases start in U(-fan-init, fan-init)")
	fs.BoolVar(&p.L2Exempt, "l2-exempt", p.L2Exempt, "exempt alpha, eta, the modulator and its fan-out from the L2 weight decay")

	fs.StringVar(&c.Data, "data", c.Data,
		"directory with ptb.{train,valid,test}.txt (default: download PTB into the user cache)")
	fs.BoolVar(&c.NoVerify, "no-verify", c.NoVerify, "skip the PTB checksums (for other corpora)")
	fs.StringVar(&c.Out, "out", c.Out, "checkpoint file, or directory to hold <model>.safetensors")
	fs.StringVar(&c.Resume, "resume", c.Resume, "checkpoint to continue training from")
	fs.StringVar(&c.Log, "log", c.Log, "JSON-lines event log to append to")
	fs.IntVar(&c.BenchBatches, "bench-batches", c.BenchBatches,
		"benchmark: train this many batches, evaluate once, save nothing")
	fs.BoolVar(&c.SkipTest, "skip-test", c.SkipTest,
		"do not evaluate the test split at the end (tuning on the validation split)")
}

// flagValue returns the textual value of flag name for configuration c, as
// the flag package would print it; it panics on an unknown name, a
// programming error.
func flagValue(c Config, name string) string {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	c.RegisterFlags(fs)
	f := fs.Lookup(name)
	if f == nil {
		panic("config: no flag " + name)
	}
	return f.Value.String()
}

// setFlag sets flag name of c from its textual value.
func setFlag(c *Config, name, value string) error {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	c.RegisterFlags(fs)
	return fs.Set(name, value)
}

// FromFlags builds the training configuration from a parsed flag set whose
// flags RegisterFlags bound to parsed, plus the value of -preset (empty for
// none). Flags given on the command line (flag.Visit) override the preset,
// which overrides Default. The result is not validated.
func FromFlags(fs *flag.FlagSet, parsed Config, preset string) (Config, error) {
	base := Default()
	if preset != "" {
		p, err := Preset(preset)
		if err != nil {
			return Config{}, err
		}
		base = p
	}
	var err error
	base.Explicit = nil
	fs.Visit(func(f *flag.Flag) {
		base.Explicit = append(base.Explicit, f.Name)
		if f.Name == "preset" || err != nil {
			return
		}
		// Re-set the visited flag on base from its parsed text: the flag
		// package's String round-trips every value type used here.
		err = setFlag(&base, f.Name, flagValue(parsed, f.Name))
	})
	return base, err
}

// MergeResume returns the configuration of a run that resumes from a
// checkpoint saved with configuration saved, given the configuration cli built
// from the command line. The checkpoint fixes the architecture: a flag of
// ArchitectureFlags given explicitly with a different value, or an explicit
// -preset other than the saved one, is an error. Every other explicit flag
// (epochs, schedule, data, threads, paths …) overrides the saved value.
func MergeResume(saved, cli Config) (Config, error) {
	merged := saved
	merged.Explicit = cli.Explicit
	merged.Resume = cli.Resume
	for _, name := range cli.Explicit {
		if name == "preset" {
			if cli.Preset != saved.Preset {
				return Config{}, fmt.Errorf("-preset %s: the checkpoint was trained with %s", cli.Preset, describePreset(saved.Preset))
			}
			continue
		}
		if name == "resume" {
			continue
		}
		v := flagValue(cli, name)
		if slices.Contains(ArchitectureFlags, name) {
			if sv := flagValue(saved, name); sv != v {
				return Config{}, fmt.Errorf("-%s %s: the checkpoint has -%s %s, which a resumed run cannot change", name, v, name, sv)
			}
			continue
		}
		if err := setFlag(&merged, name, v); err != nil {
			return Config{}, fmt.Errorf("-%s: %v", name, err)
		}
	}
	return merged, nil
}

func describePreset(p string) string {
	if p == "" {
		return "no preset"
	}
	return "-preset " + p
}
