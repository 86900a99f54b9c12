package plasticity

import (
	"fmt"
	"strconv"
)

// Options are a plastic layer's settings as the command line and
// checkpoint metadata spell them. The zero value of a field means its
// default.
type Options struct {
	Model    string  // "plastic", "neuromod" or "retro"
	FanOut   string  // "connection" (default), "neuron" or "scalar"
	Eta      string  // "connection" (default) or "scalar"
	Alpha    string  // "connection" (default) or "neuron"
	ModInput string  // "h-prev" (default) or "h"
	Clip     float64 // trace bound; 0 means 1
	AGDiv    float64 // α-gradient divisor; 0 means 1 (off)
	FanInit  float64 // bound of the fan-out's initial U(±FanInit); 0 means 1
}

// Config turns the options into a layer configuration (Input and Hidden
// left 0, for NewLSTM or NewLM to set), or returns an error that names the
// bad option and its accepted values.
func (o Options) Config() (Config, error) {
	v, err := ParseVariant(o.Model)
	if err != nil {
		return Config{}, err
	}
	c := Default(v, 0, 0)
	if c.FanOut, err = parseShape("fan-out", o.FanOut, PerConnection, PerNeuron, Scalar); err != nil {
		return Config{}, err
	}
	if c.Eta, err = parseShape("eta", o.Eta, PerConnection, Scalar); err != nil {
		return Config{}, err
	}
	if c.Alpha, err = parseShape("alpha", o.Alpha, PerConnection, PerNeuron); err != nil {
		return Config{}, err
	}
	switch o.ModInput {
	case "", "h-prev":
		c.ModInput = ModPrevH
	case "h":
		c.ModInput = ModNewH
	default:
		return Config{}, fmt.Errorf("plasticity: unknown modulator input %q (want h-prev or h)", o.ModInput)
	}
	if o.Clip != 0 {
		if !(o.Clip > 0) {
			return Config{}, fmt.Errorf("plasticity: trace clip %g, want > 0 (1 in the paper, 2 in the released code)", o.Clip)
		}
		c.Clip = float32(o.Clip)
	}
	if o.AGDiv != 0 {
		if !(o.AGDiv > 0) {
			return Config{}, fmt.Errorf("plasticity: agdiv %g, want > 0 (1 turns it off)", o.AGDiv)
		}
		c.AGDiv = float32(o.AGDiv)
	}
	if o.FanInit != 0 {
		if !(o.FanInit > 0) {
			return Config{}, fmt.Errorf("plasticity: fan-init %g, want > 0 (1 is PyTorch's default for a Linear(1, ·))", o.FanInit)
		}
		c.FanInit = float32(o.FanInit)
	}
	return c, nil
}

// OptionsOf returns c's options with every field spelt out, for
// checkpoint metadata and logs; OptionsOf(c).Config() gives c back (but
// for Input and Hidden).
func OptionsOf(c Config) Options {
	mod := "h-prev"
	if c.ModInput == ModNewH {
		mod = "h"
	}
	return Options{
		Model:    c.Variant.String(),
		FanOut:   c.FanOut.String(),
		Eta:      c.Eta.String(),
		Alpha:    c.Alpha.String(),
		ModInput: mod,
		Clip:     float64(c.Clip),
		AGDiv:    float64(c.AGDiv),
		FanInit:  float64(c.FanInit),
	}
}

// Map returns the options as strings by flag name (model, fanout, eta,
// alpha, mod-input, clip, agdiv, fan-init), for checkpoint metadata.
func (o Options) Map() map[string]string {
	return map[string]string{
		"model":     o.Model,
		"fanout":    o.FanOut,
		"eta":       o.Eta,
		"alpha":     o.Alpha,
		"mod-input": o.ModInput,
		"clip":      strconv.FormatFloat(o.Clip, 'g', -1, 64),
		"agdiv":     strconv.FormatFloat(o.AGDiv, 'g', -1, 64),
		"fan-init":  strconv.FormatFloat(o.FanInit, 'g', -1, 32), // a float32 option
	}
}

// ParseVariant returns the variant named "plastic", "neuromod" or "retro".
func ParseVariant(s string) (Variant, error) {
	for _, v := range []Variant{Plastic, Neuromod, Retro} {
		if s == v.String() {
			return v, nil
		}
	}
	return 0, fmt.Errorf("plasticity: unknown model %q (want plastic, neuromod or retro)", s)
}

// parseShape parses the shape of option what, "" meaning the first of
// allowed.
func parseShape(what, s string, allowed ...Shape) (Shape, error) {
	if s == "" {
		return allowed[0], nil
	}
	names := ""
	for i, a := range allowed {
		if s == a.String() {
			return a, nil
		}
		if i > 0 {
			names += "|"
		}
		names += a.String()
	}
	return 0, fmt.Errorf("plasticity: unknown %s shape %q (want %s)", what, s, names)
}
