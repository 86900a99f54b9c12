package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/internal/config"
	"github.com/neuromod-go/neuromod/internal/runlog"
	"github.com/neuromod-go/neuromod/nn"
	"github.com/neuromod-go/neuromod/plasticity"
)

// tinyCorpus writes a small corpus in PTB's format: sentences drawn from a
// few templates, so that a small model can learn it in seconds.
func tinyCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	subjects := []string{"the cat", "a dog", "the bank", "my friend"}
	verbs := []string{"sees", "buys", "likes"}
	objects := []string{"the fish", "a house", "the stock", "some bread"}
	r := rand.New(rand.NewPCG(7, 7))
	write := func(name string, lines int) {
		var b strings.Builder
		for range lines {
			fmt.Fprintf(&b, " %s %s %s \n", subjects[r.IntN(len(subjects))], verbs[r.IntN(len(verbs))], objects[r.IntN(len(objects))])
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644))
	}
	write("ptb.train.txt", 400)
	write("ptb.valid.txt", 40)
	write("ptb.test.txt", 40)
	return dir
}

// tinyArgs are the flags of a small, fast training run on tinyCorpus.
func tinyArgs(data, out string, extra ...string) []string {
	args := []string{"train", "-data", data, "-no-verify", "-layers", "2", "-hidden", "16", "-emb", "12",
		"-bptt", "5", "-batch", "4", "-epochs", "3", "-decay-start", "3", "-lr", "1", "-init", "0.1",
		"-threads", "2", "-out", out}
	return append(args, extra...)
}

// batchLosses returns the loss of every batch event of a run log.
func batchLosses(t *testing.T, log string) []float64 {
	t.Helper()
	events, err := runlog.ReadFile(log)
	require.NoError(t, err)
	var losses []float64
	for _, ev := range events {
		if ev.Type == runlog.TypeBatch {
			losses = append(losses, ev.Loss)
		}
	}
	return losses
}

func TestTrainOnATinyCorpusLearnsItAndEvaluates(t *testing.T) {
	data, out := tinyCorpus(t), t.TempDir()
	ckpt := filepath.Join(out, "lstm.safetensors")
	log := filepath.Join(out, "run.jsonl")
	code, stdout, stderr := lm(t, context.Background(), tinyArgs(data, out+"/", "-log", log, "-optimizer", "adam", "-lr", "0.01")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "test ppl")
	require.FileExists(t, ckpt)
	require.FileExists(t, ckpt+trainStateSuffix)

	losses := batchLosses(t, log)
	require.NotEmpty(t, losses)
	// 10 words plus <eos>, with 3 random choices per sentence: the entropy
	// of the corpus is about ln(4·3·4)/5 ≈ 0.77 nats per token, so a model
	// that learned the templates ends well below the uniform ln 13 ≈ 2.4.
	assert.Greater(t, losses[0], 2.3, "starts near uniform")
	events, err := runlog.ReadFile(log)
	require.NoError(t, err)
	var test *runlog.Event
	for i := range events {
		if events[i].Type == runlog.TypeEval && events[i].Split == "test" {
			test = &events[i]
		}
	}
	require.NotNil(t, test, "the run ends with a test evaluation")
	assert.Less(t, test.Loss, 1.2, "test loss after training")
	assert.Equal(t, 1, test.EvalBatch, "the test split is evaluated at batch 1")

	// lm eval of the checkpoint gives the same test loss as the run's end.
	code, stdout, stderr = lm(t, context.Background(), "eval", ckpt, "-data", data, "-no-verify")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, fmt.Sprintf("(loss %.4f)", test.Loss))
	assert.Contains(t, stdout, "batch 1, bptt 5")

	// lm sample writes words of the vocabulary.
	code, stdout, stderr = lm(t, context.Background(), "sample", ckpt, "-n", "30", "-prime", "the cat", "-seed", "3")
	require.Equal(t, exitOK, code, stderr)
	words := strings.Fields(stdout)
	require.NotEmpty(t, words)
	vocab := "the cat a dog bank my friend sees buys likes fish house stock some bread"
	for _, w := range words {
		assert.Contains(t, strings.Fields(vocab), w)
	}
	code, _, stderr = lm(t, context.Background(), "sample", ckpt, "-prime", "zebra")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "zebra")
}

func TestSGDLearnsTheTinyCorpus(t *testing.T) {
	data, out := tinyCorpus(t), t.TempDir()
	log := filepath.Join(out, "run.jsonl")
	code, _, stderr := lm(t, context.Background(), tinyArgs(data, out+"/", "-log", log, "-lr", "1.6", "-epochs", "14", "-decay-start", "15")...)
	require.Equal(t, exitOK, code, stderr)
	events, err := runlog.ReadFile(log)
	require.NoError(t, err)
	last := events[len(events)-1]
	for _, ev := range events {
		if ev.Type == runlog.TypeEval && ev.Split == "test" {
			last = ev
		}
	}
	require.Equal(t, "test", last.Split)
	assert.Less(t, last.Loss, 1.2, "SGD with Zaremba's summed-over-steps objective learns the templates")
}

func TestResumeIsExact(t *testing.T) {
	data := tinyCorpus(t)
	// Dropout and Adam exercise the generator and optimiser state.
	extra := []string{"-dropout", "0.3", "-optimizer", "adam", "-lr", "0.01"}

	straight := t.TempDir()
	code, _, stderr := lm(t, context.Background(), tinyArgs(data, straight+"/", append(extra, "-log", straight+"/run.jsonl")...)...)
	require.Equal(t, exitOK, code, stderr)
	want := batchLosses(t, straight+"/run.jsonl")
	require.Greater(t, len(want), 40)

	// Interrupt twice: mid-epoch, then in a later epoch; resume each time.
	split := t.TempDir()
	log := split + "/run.jsonl"
	ckpt := split + "/lstm.safetensors"
	for _, stopAfter := range []int{7, len(want)/2 + 3} {
		ctx, cancel := context.WithCancel(context.Background())
		steps := 0
		afterStep = func() {
			if steps++; steps == stopAfter {
				cancel()
			}
		}
		args := tinyArgs(data, split+"/", append(extra, "-log", log)...)
		if stopAfter != 7 {
			args = append(args, "-resume", ckpt)
			steps = len(batchLosses(t, log))
		}
		code, _, stderr = lm(t, ctx, args...)
		afterStep = nil
		cancel()
		require.Equal(t, exitInterrupted, code, stderr)
		assert.Contains(t, stderr, "lm train -resume "+ckpt)
	}
	code, _, stderr = lm(t, context.Background(), "train", "-resume", ckpt, "-data", data, "-no-verify", "-log", log)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, want, batchLosses(t, log), "losses bit for bit equal to the uninterrupted run")

	// A finished run has nothing left to do.
	code, _, stderr = lm(t, context.Background(), "train", "-resume", ckpt, "-data", data, "-no-verify")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "raise -epochs")
}

// A run interrupted in an epoch's validation pass resumes with that
// validation: the log ends up with every epoch's validation perplexity, as
// the uninterrupted run's (bench/repro reads them per epoch).
func TestResumeInValidation(t *testing.T) {
	data := tinyCorpus(t)
	straight := t.TempDir()
	code, _, stderr := lm(t, context.Background(), tinyArgs(data, straight+"/", "-log", straight+"/run.jsonl")...)
	require.Equal(t, exitOK, code, stderr)
	want := validLosses(t, straight+"/run.jsonl")
	require.GreaterOrEqual(t, len(want), 2)

	split := t.TempDir()
	log, ckpt := split+"/run.jsonl", split+"/lstm.safetensors"
	ctx, cancel := context.WithCancel(context.Background())
	beforeValidation = cancel // the first epoch's validation
	code, _, stderr = lm(t, ctx, tinyArgs(data, split+"/", "-log", log)...)
	beforeValidation = nil
	cancel()
	require.Equal(t, exitInterrupted, code, stderr)
	assert.Empty(t, validLosses(t, log))

	code, stdout, stderr := lm(t, context.Background(), "train", "-resume", ckpt, "-data", data, "-no-verify", "-log", log)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout+stderr, "with its validation")
	assert.Equal(t, want, validLosses(t, log))
}

// A parameter-matched plastic run resumes with the hidden size it was
// matched to (resuming used to match again, taking the matched size for
// the baseline's, and refuse its own checkpoint).
func TestResumeMatchedParams(t *testing.T) {
	data, out := tinyCorpus(t), t.TempDir()
	extra := []string{"-model", "neuromod", "-match-params", "-epochs", "1"}
	code, stdout, stderr := lm(t, context.Background(), tinyArgs(data, out+"/", extra...)...)
	require.Equal(t, exitOK, code, stderr)
	matched := regexp.MustCompile(`hidden (\d+), matched`).FindStringSubmatch(stdout + stderr)
	require.NotNil(t, matched, stdout+stderr)
	require.NotEqual(t, "16", matched[1], "the match changes -hidden 16")

	ckpt := out + "/neuromod.safetensors"
	code, stdout, stderr = lm(t, context.Background(), "train", "-resume", ckpt, "-epochs", "2", "-data", data, "-no-verify")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout+stderr, "hidden "+matched[1]+", matched")
}

// validLosses returns the validation losses of a JSON-lines log, in order.
func validLosses(t *testing.T, path string) []float64 {
	t.Helper()
	events, err := runlog.ReadFile(path)
	require.NoError(t, err)
	var out []float64
	for _, ev := range events {
		if ev.Type == runlog.TypeEval && ev.Split == "valid" {
			out = append(out, ev.Loss)
		}
	}
	return out
}

func TestDamagedCheckpointsAreRefused(t *testing.T) {
	data, out := tinyCorpus(t), t.TempDir()
	code, _, stderr := lm(t, context.Background(), tinyArgs(data, out+"/", "-epochs", "1")...)
	require.Equal(t, exitOK, code, stderr)
	ckpt := out + "/lstm.safetensors"
	raw, err := os.ReadFile(ckpt)
	require.NoError(t, err)

	bad := t.TempDir() + "/bad.safetensors"
	require.NoError(t, os.WriteFile(bad, raw[:len(raw)/2], 0o644))
	code, _, stderr = lm(t, context.Background(), "eval", bad, "-data", data, "-no-verify")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "damaged")

	code, _, stderr = lm(t, context.Background(), "eval", t.TempDir()+"/none.safetensors", "-data", data, "-no-verify")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "does not exist")

	// Weights without their training state can be evaluated but not resumed.
	lone := t.TempDir() + "/lone.safetensors"
	require.NoError(t, os.WriteFile(lone, raw, 0o644))
	code, _, stderr = lm(t, context.Background(), "train", "-resume", lone, "-data", data, "-no-verify", "-epochs", "2")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "training state")
	assert.Contains(t, stderr, "is missing")

	// A training state from another save is refused.
	other := t.TempDir()
	code, _, stderr = lm(t, context.Background(), tinyArgs(data, other+"/", "-epochs", "1")...)
	require.Equal(t, exitOK, code, stderr)
	stale, err := os.ReadFile(other + "/lstm.safetensors" + trainStateSuffix)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(lone+trainStateSuffix, stale, 0o644))
	code, _, stderr = lm(t, context.Background(), "train", "-resume", lone, "-data", data, "-no-verify", "-epochs", "2")
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "belongs to another checkpoint")

	// A missing data directory names the file and what to do.
	code, _, stderr = lm(t, context.Background(), "train", "-data", t.TempDir())
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "ptb.train.txt")
}

// -fan-init reaches the plastic layers' initialisation; a checkpoint from
// before the option (FanInit 0) gets the default U(−1, 1).
func TestFanInit(t *testing.T) {
	maxFan := func(fanInit float64) float32 {
		cfg := config.Default()
		cfg.Model, cfg.Hidden, cfg.Emb = config.ModelNeuromod, 16, 8
		cfg.Plasticity.FanInit = fanInit
		m, _, _, err := buildModel(cfg, 50)
		require.NoError(t, err)
		var most float32
		for name, v := range nn.StateDict(m) {
			if strings.HasPrefix(name, "rnn.fan_") {
				for _, x := range v.Data {
					most = max(most, x, -x)
				}
			}
		}
		return most
	}
	assert.LessOrEqual(t, maxFan(0.05), float32(0.05))
	assert.Greater(t, maxFan(0.05), float32(0.04))
	assert.Greater(t, maxFan(0), float32(0.9))
	assert.Greater(t, maxFan(1), float32(0.9))
}

// -l2-exempt exempts exactly the plasticity parameters of every layer from
// the weight decay (the optimisers' side is nn's TestNoDecay).
func TestL2Exempt(t *testing.T) {
	for _, model := range []string{config.ModelPlastic, config.ModelNeuromod, config.ModelRetro} {
		cfg := config.Default()
		cfg.Model, cfg.Hidden, cfg.Emb, cfg.Layers = model, 16, 8, 2
		cfg.Plasticity.L2Exempt = true
		m, _, _, err := buildModel(cfg, 50)
		require.NoError(t, err)
		exempt := 0
		for _, p := range m.Params() {
			plastic := regexp.MustCompile(`^rnn\.(alpha|eta|mod_weight|mod_bias|fan_weight|fan_bias)_l[01]$`).MatchString(p.Name)
			assert.Equal(t, plastic, p.NoDecay, "%s: %s", model, p.Name)
			if p.NoDecay {
				exempt++
			}
		}
		assert.Equal(t, 2*len(m.RNN.(*plasticity.LSTM).Layers[0].Params()[4:]), exempt, model)

		cfg.Plasticity.L2Exempt = false
		m, _, _, err = buildModel(cfg, 50)
		require.NoError(t, err)
		for _, p := range m.Params() {
			assert.False(t, p.NoDecay, "%s without -l2-exempt: %s", model, p.Name)
		}
	}
}
