package config

import (
	"encoding/json"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parse runs the flag parsing lm train does: RegisterFlags on a Default
// config plus -preset, then FromFlags.
func parse(t *testing.T, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	parsed := Default()
	parsed.RegisterFlags(fs)
	preset := fs.String("preset", "", "")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	return FromFlags(fs, parsed, *preset)
}

func TestPresetsMatchTheIssue(t *testing.T) {
	s, err := Preset("zaremba-small")
	require.NoError(t, err)
	assert.Equal(t, Config{
		Preset: "zaremba-small", Model: "lstm", Layers: 2, Hidden: 200, Emb: 200, BPTT: 20, Batch: 20,
		Optimizer: "sgd", LR: 1, Decay: 0.5, DecayStart: 5, Epochs: 13, Clip: 5, Init: 0.1, Dropout: 0,
		Seed: 1, Plasticity: DefaultPlasticity, Out: ".",
	}, s)
	m, err := Preset("zaremba-medium")
	require.NoError(t, err)
	assert.Equal(t, Config{
		Preset: "zaremba-medium", Model: "lstm", Layers: 2, Hidden: 650, Emb: 650, BPTT: 35, Batch: 20,
		Optimizer: "sgd", LR: 1, Decay: 0.8, DecayStart: 7, Epochs: 39, Clip: 5, Init: 0.05, Dropout: 0.5,
		Seed: 1, Plasticity: DefaultPlasticity, Out: ".",
	}, m)
	for _, name := range PresetNames() {
		c := Presets[name]
		require.NoError(t, c.Validate(), name)
	}
	d := Default()
	require.NoError(t, d.Validate())

	_, err = Preset("zaremba-large")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown preset "zaremba-large" (valid: zaremba-medium, zaremba-small)`)
}

func TestDefaultPlasticityIsIssue5(t *testing.T) {
	assert.Equal(t, Plasticity{ModInput: "h-prev", Fanout: "connection", Eta: "connection",
		Alpha: "connection", HebbClip: 1, AGDiv: 1, FanInit: 1}, DefaultPlasticity)
	assert.Equal(t, "h-prev", ModInputs[0])
	assert.Equal(t, "connection", Fanouts[0])
}

func TestExplicitFlagsOverridePreset(t *testing.T) {
	// Flag order must not matter: -hidden before -preset still wins.
	for _, args := range [][]string{
		{"-preset", "zaremba-medium", "-hidden", "300", "-epochs", "2"},
		{"-hidden", "300", "-epochs", "2", "-preset", "zaremba-medium"},
	} {
		c, err := parse(t, args...)
		require.NoError(t, err)
		assert.Equal(t, "zaremba-medium", c.Preset)
		assert.Equal(t, 300, c.Hidden, "explicit flag")
		assert.Equal(t, 2, c.Epochs, "explicit flag")
		assert.Equal(t, 650, c.Emb, "from the preset")
		assert.Equal(t, 35, c.BPTT, "from the preset")
		assert.Equal(t, 0.5, c.Dropout, "from the preset")
		assert.Equal(t, []string{"epochs", "hidden", "preset"}, c.Explicit)
	}

	// A flag explicitly set to the default's value still overrides the preset.
	c, err := parse(t, "-preset", "zaremba-medium", "-dropout", "0", "-init", "0.1")
	require.NoError(t, err)
	assert.Equal(t, 0.0, c.Dropout)
	assert.Equal(t, 0.1, c.Init)
	assert.Equal(t, 650, c.Hidden)

	// Without a preset the defaults are the small model's values.
	c, err = parse(t, "-model", "retro", "-fanout", "neuron", "-lr", "0.25", "-seed", "18446744073709551615")
	require.NoError(t, err)
	want := Default()
	want.Model, want.Plasticity.Fanout, want.LR, want.Seed = "retro", "neuron", 0.25, 1<<64-1
	want.Explicit = []string{"fanout", "lr", "model", "seed"}
	assert.Equal(t, want, c)
}

func TestFromFlagsUnknownPreset(t *testing.T) {
	_, err := parse(t, "-preset", "tiny")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "valid: zaremba-medium, zaremba-small")
}

func TestChoiceFlagsRejectTypos(t *testing.T) {
	_, err := parse(t, "-model", "gru")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "must be one of lstm, plastic, neuromod, retro")
	_, err = parse(t, "-optimizer", "rmsprop")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sgd, adam")
	_, err = parse(t, "-fanout", "everywhere")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connection, neuron, scalar")
}

func TestValidate(t *testing.T) {
	cases := []struct {
		mod  func(*Config)
		want string
	}{
		{func(c *Config) { c.BPTT = 0 }, "-bptt must be ≥ 1 (got 0)"},
		{func(c *Config) { c.Layers = -1 }, "-layers must be ≥ 1 (got -1)"},
		{func(c *Config) { c.Hidden = 0 }, "-hidden must be ≥ 1 (got 0)"},
		{func(c *Config) { c.Emb = 0 }, "-emb must be ≥ 1 (got 0)"},
		{func(c *Config) { c.Batch = 0 }, "-batch must be ≥ 1 (got 0)"},
		{func(c *Config) { c.Epochs = 0 }, "-epochs must be ≥ 1 (got 0)"},
		{func(c *Config) { c.DecayStart = 0 }, "-decay-start must be ≥ 1 (got 0)"},
		{func(c *Config) { c.Threads = -2 }, "-threads must be ≥ 0 (got -2)"},
		{func(c *Config) { c.BenchBatches = -1 }, "-bench-batches must be ≥ 0 (got -1)"},
		{func(c *Config) { c.LR = 0 }, "-lr must be a positive number (got 0)"},
		{func(c *Config) { c.Decay = 1.5 }, "-decay must be in (0, 1] (got 1.5)"},
		{func(c *Config) { c.Decay = 0 }, "-decay must be in (0, 1] (got 0)"},
		{func(c *Config) { c.Clip = -1 }, "-clip must be ≥ 0 (got -1)"},
		{func(c *Config) { c.L2 = -0.1 }, "-l2 must be ≥ 0 (got -0.1)"},
		{func(c *Config) { c.Init = 0 }, "-init must be a positive number (got 0)"},
		{func(c *Config) { c.Dropout = 1 }, "-dropout must be in [0, 1) (got 1)"},
		{func(c *Config) { c.Model = "gru" }, `-model must be one of lstm, plastic, neuromod, retro (got "gru")`},
		{func(c *Config) { c.Optimizer = "" }, `-optimizer must be one of sgd, adam (got "")`},
		{func(c *Config) { c.Plasticity.ModInput = "x" }, "-mod-input must be one of h-prev, h"},
		{func(c *Config) { c.Plasticity.Fanout = "x" }, "-fanout must be one of"},
		{func(c *Config) { c.Plasticity.Eta = "neuron" }, "-eta must be one of connection, scalar"},
		{func(c *Config) { c.Plasticity.Alpha = "scalar" }, "-alpha must be one of connection, neuron"},
		{func(c *Config) { c.Plasticity.HebbClip = 0 }, "-hebb-clip must be a positive number (got 0)"},
		{func(c *Config) { c.Plasticity.AGDiv = -1 }, "-agdiv must be a positive number (got -1)"},
		{func(c *Config) { c.Plasticity.FanInit = -0.1 }, "-fan-init must be a positive number (got -0.1)"},
		{func(c *Config) { c.Preset = "huge" }, `unknown preset "huge"`},
	}
	for _, tc := range cases {
		c := Default()
		tc.mod(&c)
		err := c.Validate()
		if assert.Error(t, err, tc.want) {
			assert.Contains(t, err.Error(), tc.want)
		}
	}
	// NaN must not slip through comparisons.
	c := Default()
	c.LR = nan()
	c.Dropout = nan()
	err := c.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-lr must be a positive number (got NaN)")
	assert.Contains(t, err.Error(), "-dropout must be in [0, 1) (got NaN)")

	// All problems are reported at once, one per line.
	c = Default()
	c.BPTT, c.Batch = 0, 0
	err = c.Validate()
	require.Error(t, err)
	assert.Len(t, strings.Split(err.Error(), "\n"), 2)
}

func nan() float64 {
	var z float64
	return z / z
}

func TestLRAt(t *testing.T) {
	c := Presets["zaremba-small"]
	for e := 1; e <= 4; e++ {
		assert.Equal(t, 1.0, c.LRAt(e), "epoch %d", e)
	}
	assert.Equal(t, 0.5, c.LRAt(5))
	assert.Equal(t, 0.25, c.LRAt(6))
	assert.InDelta(t, 1.0/512, c.LRAt(13), 1e-15)

	m := Presets["zaremba-medium"]
	assert.Equal(t, 1.0, m.LRAt(6))
	assert.InDelta(t, 0.8, m.LRAt(7), 1e-15)
	assert.InDelta(t, 0.64, m.LRAt(8), 1e-15)
}

func TestCheckpointPath(t *testing.T) {
	c := Default()
	c.Model = "neuromod"
	dirs := map[string]bool{"runs": true}
	isDir := func(p string) bool { return dirs[p] }
	for out, want := range map[string]string{
		"":               "neuromod.safetensors",
		".":              "neuromod.safetensors",
		"runs":           filepath.Join("runs", "neuromod.safetensors"),
		"new/":           filepath.Join("new", "neuromod.safetensors"),
		"m.safetensors":  "m.safetensors",
		"a/b.safetensor": "a/b.safetensor",
	} {
		c.Out = out
		assert.Equal(t, want, c.CheckpointPath(isDir), "out %q", out)
	}
	c.Out = "runs"
	assert.Equal(t, "runs", c.CheckpointPath(nil), "nil isDir: a plain file name")
}

func TestConfigJSONRoundTrip(t *testing.T) {
	c, err := parse(t, "-preset", "zaremba-medium", "-model", "retro", "-alpha", "neuron", "-data", "/d")
	require.NoError(t, err)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	for _, key := range []string{`"model":"retro"`, `"decay_start":7`, `"plasticity":{"mod_input":"h-prev"`,
		`"alpha":"neuron"`, `"explicit":["alpha","data","model","preset"]`} {
		assert.Contains(t, string(b), key)
	}
	var back Config
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, c, back)
}

func TestMergeResume(t *testing.T) {
	saved := Presets["zaremba-medium"]
	saved.Model = "plastic"
	saved.Hidden = 640 // as -match-params might have chosen
	saved.MatchParams = true

	// Bare -resume: everything comes from the checkpoint.
	cli, err := parse(t, "-resume", "x.safetensors")
	require.NoError(t, err)
	got, err := MergeResume(saved, cli)
	require.NoError(t, err)
	want := saved
	want.Resume = "x.safetensors"
	want.Explicit = []string{"resume"}
	assert.Equal(t, want, got)

	// Non-architecture flags override; architecture flags equal to the
	// checkpoint's are accepted.
	cli, err = parse(t, "-resume", "x", "-epochs", "50", "-threads", "2", "-data", "/d", "-lr", "0.5",
		"-model", "plastic", "-hidden", "640", "-match-params")
	require.NoError(t, err)
	got, err = MergeResume(saved, cli)
	require.NoError(t, err)
	assert.Equal(t, 50, got.Epochs)
	assert.Equal(t, 2, got.Threads)
	assert.Equal(t, "/d", got.Data)
	assert.Equal(t, 0.5, got.LR)
	assert.Equal(t, 640, got.Hidden)
	assert.Equal(t, 0.5, got.Dropout, "from the checkpoint, not the default")

	for _, args := range [][]string{
		{"-hidden", "200"}, {"-model", "lstm"}, {"-batch", "32"}, {"-fanout", "scalar"}, {"-hebb-clip", "2"},
	} {
		cli, err = parse(t, append([]string{"-resume", "x"}, args...)...)
		require.NoError(t, err)
		_, err = MergeResume(saved, cli)
		if assert.Error(t, err, args) {
			assert.Contains(t, err.Error(), "which a resumed run cannot change")
		}
	}

	cli, err = parse(t, "-resume", "x", "-preset", "zaremba-small")
	require.NoError(t, err)
	_, err = MergeResume(saved, cli)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-preset zaremba-small: the checkpoint was trained with -preset zaremba-medium")

	cli, err = parse(t, "-resume", "x", "-preset", "zaremba-medium")
	require.NoError(t, err)
	_, err = MergeResume(saved, cli)
	require.NoError(t, err)
}

// TestSkipTestIsPerInvocation: -skip-test is not saved with the run, so a
// checkpoint of a tuning run resumed without the flag evaluates the test split
// as usual, and one resumed with it skips the test.
func TestSkipTestIsPerInvocation(t *testing.T) {
	cli, err := parse(t, "-skip-test")
	require.NoError(t, err)
	require.True(t, cli.SkipTest)
	b, err := json.Marshal(cli)
	require.NoError(t, err)
	var saved Config
	require.NoError(t, json.Unmarshal(b, &saved))
	assert.False(t, saved.SkipTest, "not recorded in checkpoints")

	resumed, err := parse(t, "-resume", "x")
	require.NoError(t, err)
	got, err := MergeResume(saved, resumed)
	require.NoError(t, err)
	assert.False(t, got.SkipTest)

	resumed, err = parse(t, "-resume", "x", "-skip-test")
	require.NoError(t, err)
	got, err = MergeResume(saved, resumed)
	require.NoError(t, err)
	assert.True(t, got.SkipTest)
}
