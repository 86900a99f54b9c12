package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/internal/config"
	"github.com/neuromod-go/neuromod/internal/runlog"
)

// childEnv makes the test binary act as lm itself, with a fake trainer:
// "fake-train" for lm bench's children, "wait-signal" and "ignore-signal"
// for the Ctrl-C tests.
const childEnv = "LM_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		os.Exit(m.Run())
	case "fake-train":
		trainFunc = fakeTrainer
	case "wait-signal":
		trainFunc = func(ctx context.Context, cfg config.Config, rep *Reporter) error {
			fmt.Println("ready")
			<-ctx.Done()
			rep.Checkpoint("saved.safetensors", "interrupt")
			return ctx.Err()
		}
	case "ignore-signal":
		trainFunc = func(ctx context.Context, cfg config.Config, rep *Reporter) error {
			fmt.Println("ready")
			<-ctx.Done()
			time.Sleep(time.Minute) // a trainer stuck saving: only a second Ctrl-C ends it
			return nil
		}
	}
	os.Exit(mainWithSignals(os.Args[1:]))
}

// fakeTrainer follows trainFunc's contract without a model: it reports
// batches with a falling loss, epochs, evaluations and checkpoints.
func fakeTrainer(ctx context.Context, cfg config.Config, rep *Reporter) error {
	info := RunInfo{Config: cfg, Params: 4653200}
	if cfg.MatchParams && cfg.Model != config.ModelLSTM {
		info.Config.Hidden, info.Params, info.BaselineParams = 190, 4650000, 4653200
	}
	rep.Start(info)
	batches, epochs := 4, cfg.Epochs
	if cfg.BenchBatches > 0 {
		batches, epochs = cfg.BenchBatches, 1
	}
	step := 0
	for e := 1; e <= epochs; e++ {
		for b := 1; b <= batches; b++ {
			if err := ctx.Err(); err != nil {
				rep.Checkpoint(cfg.CheckpointPath(isDir), "interrupt")
				return err
			}
			step++
			rep.Batch(BatchStats{Epoch: e, Batch: b, Batches: batches, Loss: 9 - math.Log(float64(step)),
				Tokens: cfg.Batch * cfg.BPTT, LR: cfg.LRAt(e), GradNorm: 2})
		}
		if cfg.BenchBatches > 0 {
			rep.Eval(EvalStats{Split: "valid", Loss: 6, Tokens: 2000, Elapsed: 100 * time.Millisecond, Batch: cfg.Batch, BPTT: cfg.BPTT})
			return nil
		}
		rep.Epoch(EpochStats{Epoch: e, LR: cfg.LRAt(e)})
		rep.Eval(EvalStats{Split: "valid", Epoch: e, Loss: 5.5, Tokens: 73760, Elapsed: 2 * time.Second, Batch: cfg.Batch, BPTT: cfg.BPTT})
		rep.Checkpoint(cfg.CheckpointPath(isDir), "epoch")
	}
	rep.Eval(EvalStats{Split: "test", Loss: 4.74, Tokens: 82430, Elapsed: 4 * time.Second, Batch: 1, BPTT: cfg.BPTT})
	return nil
}

// fakeClock advances by step on every reading, so throughput is fixed.
func fakeClock(step time.Duration) func() time.Time {
	t := time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(step)
		return t
	}
}

// lm runs the command in-process and returns its exit status, stdout and
// stderr.
func lm(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runEnv(env{ctx: ctx, stdout: &stdout, stderr: &stderr, now: fakeClock(100 * time.Millisecond)}, args)
	return code, stdout.String(), stderr.String()
}

// withSeams swaps the seam functions for the duration of a test.
func withSeams(t *testing.T, train func(context.Context, config.Config, *Reporter) error,
	eval func(context.Context, config.EvalConfig, *Reporter) error,
	sample func(context.Context, config.SampleConfig, io.Writer) error) {
	t.Helper()
	oldT, oldE, oldS := trainFunc, evalFunc, sampleFunc
	t.Cleanup(func() { trainFunc, evalFunc, sampleFunc = oldT, oldE, oldS })
	if train != nil {
		trainFunc = train
	}
	if eval != nil {
		evalFunc = eval
	}
	if sample != nil {
		sampleFunc = sample
	}
}

func TestUsageErrorsExitTwoWithAMessage(t *testing.T) {
	called := false
	withSeams(t,
		func(context.Context, config.Config, *Reporter) error { called = true; return nil },
		func(context.Context, config.EvalConfig, *Reporter) error { called = true; return nil },
		func(context.Context, config.SampleConfig, io.Writer) error { called = true; return nil })
	cases := []struct {
		args []string
		want string
	}{
		{nil, "Usage:\n  lm train"},
		{[]string{"frobnicate"}, `lm: unknown command "frobnicate"`},
		{[]string{"help", "frobnicate"}, `lm help: unknown command "frobnicate"`},
		{[]string{"train", "-bogus"}, "lm train: flag provided but not defined: -bogus"},
		{[]string{"train", "-bptt", "0"}, "lm train: -bptt must be ≥ 1 (got 0)"},
		{[]string{"train", "-bptt", "x"}, `lm train: invalid value "x" for flag -bptt`},
		{[]string{"train", "-batch", "0", "-lr", "-1"}, "lm train: -batch must be ≥ 1 (got 0)\nlm train: -lr must be a positive number (got -1)"},
		{[]string{"train", "-preset", "zaremba-huge"}, `lm train: unknown preset "zaremba-huge" (valid: zaremba-medium, zaremba-small)`},
		{[]string{"train", "-model", "gru"}, "must be one of lstm, plastic, neuromod, retro"},
		{[]string{"train", "-dropout", "1"}, "-dropout must be in [0, 1) (got 1)"},
		{[]string{"train", "extra"}, `lm train: unexpected argument "extra"`},
		{[]string{"train", "-epochs"}, "flag needs an argument: -epochs"},
		{[]string{"eval"}, "lm eval: no checkpoint given"},
		{[]string{"eval", "a", "b"}, "expected one checkpoint, got 2 arguments"},
		{[]string{"eval", "-checkpoint", "a", "b"}, "two checkpoints given"},
		{[]string{"eval", "m.st", "-split", "train"}, `-split must be one of valid, test (got "train")`},
		{[]string{"eval", "m.st", "-batch", "0"}, "-batch must be ≥ 1 (got 0)"},
		{[]string{"sample", "m.st", "-temperature", "0"}, "-temperature must be a positive number (got 0)"},
		{[]string{"sample", "m.st", "-n", "0"}, "-n must be ≥ 1 (got 0)"},
		{[]string{"bench", "-models", "lstm,gru"}, `-models: unknown variant "gru"`},
		{[]string{"bench", "-models", ","}, "-models is empty"},
		{[]string{"bench", "-batches", "0"}, "-batches must be ≥ 1 (got 0)"},
		{[]string{"bench", "--", "-bptt", "0"}, "lm bench: flags for the children: -bptt must be ≥ 1 (got 0)"},
		{[]string{"bench", "-preset", "tiny"}, `unknown preset "tiny"`},
	}
	for _, tc := range cases {
		var code int
		var stdout, stderr string
		require.NotPanics(t, func() { code, stdout, stderr = lm(t, context.Background(), tc.args...) }, tc.args)
		assert.Equal(t, exitUsage, code, "%q", tc.args)
		assert.Contains(t, stderr, tc.want, "%q", tc.args)
		assert.Empty(t, stdout, "%q: usage errors go to stderr", tc.args)
	}
	assert.False(t, called, "no seam function runs on a usage error")
}

func TestHelpGoesToStdoutAndExitsZero(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}, {"--help"}} {
		code, stdout, stderr := lm(t, context.Background(), args...)
		assert.Equal(t, exitOK, code)
		assert.Contains(t, stdout, "lm train  [flags]")
		assert.Empty(t, stderr)
	}
	for _, name := range []string{"train", "eval", "sample", "bench"} {
		for _, args := range [][]string{{name, "-h"}, {"help", name}} {
			code, stdout, stderr := lm(t, context.Background(), args...)
			assert.Equal(t, exitOK, code, args)
			assert.Contains(t, stdout, "Usage: lm "+name, args)
			assert.Empty(t, stderr)
		}
	}
	_, stdout, _ := lm(t, context.Background(), "train", "-h")
	for _, flag := range []string{"-preset", "-layers", "-hidden", "-emb", "-bptt", "-batch", "-lr", "-decay",
		"-decay-start", "-epochs", "-clip", "-l2", "-init", "-dropout", "-seed", "-threads", "-optimizer", "-data",
		"-no-verify", "-out", "-resume", "-log", "-model", "-match-params", "-mod-input", "-fanout", "-eta",
		"-alpha", "-hebb-clip", "-agdiv", "-fan-init", "-l2-exempt", "-bench-batches"} {
		assert.Regexp(t, `(?m)^  `+flag+`( |$)`, stdout)
	}
	assert.Contains(t, stdout, "zaremba-medium  2×650")
}

func TestVersion(t *testing.T) {
	code, stdout, _ := lm(t, context.Background(), "version")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "lm (neuromod)")
	assert.Contains(t, stdout, runtime.Version())
	assert.Contains(t, stdout, "ISA levels generic")
}

func TestTrainGetsPresetWithOverrides(t *testing.T) {
	var got config.Config
	withSeams(t, func(_ context.Context, cfg config.Config, _ *Reporter) error { got = cfg; return nil }, nil, nil)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))

	code, _, stderr := lm(t, context.Background(), "train", "-hidden", "300", "-preset", "zaremba-medium",
		"-model", "neuromod", "-fanout", "neuron", "-threads", "1", "-data", "../shared/data/ptb")
	require.Equal(t, exitOK, code, stderr)
	want := config.Presets["zaremba-medium"]
	want.Hidden, want.Model, want.Plasticity.Fanout, want.Threads, want.Data = 300, "neuromod", "neuron", 1, "../shared/data/ptb"
	want.Explicit = []string{"data", "fanout", "hidden", "model", "preset", "threads"}
	assert.Equal(t, want, got)
	assert.Equal(t, 1, runtime.GOMAXPROCS(0), "-threads sets GOMAXPROCS")
	assert.Empty(t, stderr)

	// Plasticity flags with the baseline draw a warning, not an error.
	code, _, stderr = lm(t, context.Background(), "train", "-hebb-clip", "2")
	require.Equal(t, exitOK, code)
	assert.Contains(t, stderr, "lm train: warning: -hebb-clip has no effect with -model lstm")
}

func TestTrainReportsAndLogs(t *testing.T) {
	withSeams(t, fakeTrainer, nil, nil)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "run.jsonl")
	code, stdout, stderr := lm(t, context.Background(), "train", "-epochs", "2", "-model", "plastic",
		"-match-params", "-log", logPath, "-out", dir+"/", "-data", "/data/ptb")
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stderr)

	// The banner: ISA level, threads, parameter count and the config.
	assert.Contains(t, stdout, "lm train · neuromod")
	assert.Regexp(t, `isa (generic|avx2|avx512|neon) · threads all \(GOMAXPROCS \d+\)`, stdout)
	assert.Contains(t, stdout, "model plastic · 4,650,000 parameters (hidden 190, matched to the baseline LSTM's 4,653,200: -0.07 %)")
	assert.Contains(t, stdout, "config: preset none · layers 2 · hidden 190 · emb 200 · bptt 20 · batch 20")
	assert.Contains(t, stdout, "sgd · lr 1 · decay 0.5 from epoch 5 · epochs 2 · clip 5")
	assert.Contains(t, stdout, "mod-input h-prev · fanout connection")
	assert.Contains(t, stdout, "data /data/ptb")
	// Plain progress lines (the output is not a terminal), epochs, evals.
	assert.NotContains(t, stdout, "\r")
	assert.Contains(t, stdout, "epoch 1/2  batch 4/4 100%")
	assert.Contains(t, stdout, "epoch 2/2  train ppl")
	assert.Contains(t, stdout, "epoch 1/2  valid ppl 244.7 (loss 5.5000)  73,760 tokens, batch 20, bptt 20  36.9k tok/s  2s")
	assert.Contains(t, stdout, "test ppl 114.4 (loss 4.7400)  82,430 tokens, batch 1, bptt 20")
	assert.Contains(t, stdout, "saved "+filepath.Join(dir, "plastic.safetensors")+" (epoch, epoch 2)")

	events, err := runlog.ReadFile(logPath)
	require.NoError(t, err)
	var types []string
	for _, ev := range events {
		types = append(types, ev.Type)
	}
	assert.Equal(t, []string{"start", "batch", "batch", "batch", "batch", "epoch", "eval", "checkpoint",
		"batch", "batch", "batch", "batch", "epoch", "eval", "checkpoint", "eval", "end"}, types)
	start := events[0]
	assert.Equal(t, runlog.Version, start.Version)
	assert.Equal(t, "train", start.Command)
	assert.NotEmpty(t, start.ISA)
	assert.Equal(t, runtime.GOMAXPROCS(0), start.GOMAXPROCS)
	assert.Equal(t, 4650000, start.Params)
	assert.Equal(t, 4653200, start.BaselineParams)
	require.NotNil(t, start.Config)
	assert.Equal(t, 190, start.Config.Hidden)
	assert.Equal(t, logPath, start.Config.Log)

	b := events[2]
	assert.Equal(t, 1, b.Epoch)
	assert.Equal(t, 2, b.Batch)
	assert.Equal(t, 4, b.Batches)
	assert.Equal(t, 400, b.Tokens)
	assert.InDelta(t, 9-math.Log(2), b.Loss, 1e-12)
	assert.InDelta(t, 0.1, b.Sec, 1e-9, "one clock tick between batches")
	assert.Equal(t, 2.0, b.GradNorm)

	ep := events[5]
	assert.Equal(t, 1, ep.Epoch)
	assert.Equal(t, 1600, ep.Tokens)
	mean := 9 - (math.Log(1)+math.Log(2)+math.Log(3)+math.Log(4))/4
	assert.InDelta(t, mean, ep.Loss, 1e-12)
	assert.InDelta(t, math.Exp(mean), ep.PPL, 1e-9)
	assert.InDelta(t, 4000, ep.TokPerS, 1e-6)

	ev := events[6]
	assert.Equal(t, "valid", ev.Split)
	assert.Equal(t, 20, ev.EvalBatch)
	assert.InDelta(t, 36880, ev.TokPerS, 1e-6)
	assert.Equal(t, "epoch", events[7].Reason)
	assert.Equal(t, 1, events[7].Epoch)
	test := events[15]
	assert.Equal(t, "test", test.Split)
	assert.Zero(t, test.Epoch)
	end := events[16]
	assert.Equal(t, runlog.StatusOK, end.Status)
	assert.Positive(t, end.Sec)
}

func TestTrainerErrorExitsOne(t *testing.T) {
	withSeams(t, func(_ context.Context, cfg config.Config, rep *Reporter) error {
		rep.Start(RunInfo{Config: cfg, Params: 1})
		return errors.New("data/ptb: ptb.valid.txt is missing from /x; pass -data DIR")
	}, nil, nil)
	logPath := filepath.Join(t.TempDir(), "run.jsonl")
	code, _, stderr := lm(t, context.Background(), "train", "-log", logPath)
	assert.Equal(t, exitFailure, code)
	assert.Equal(t, "lm train: data/ptb: ptb.valid.txt is missing from /x; pass -data DIR\n", stderr)
	events, err := runlog.ReadFile(logPath)
	require.NoError(t, err)
	last := events[len(events)-1]
	assert.Equal(t, runlog.StatusError, last.Status)
	assert.Contains(t, last.Error, "ptb.valid.txt is missing")
}

func TestLogThatCannotBeOpenedIsAnError(t *testing.T) {
	withSeams(t, fakeTrainer, nil, nil)
	code, _, stderr := lm(t, context.Background(), "train", "-log", filepath.Join(t.TempDir(), "no", "dir", "x.jsonl"))
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "lm train: opening the run log")
}

func TestCancelledContextReachesTheTrainer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sawCancel := false
	withSeams(t, func(ctx context.Context, cfg config.Config, rep *Reporter) error {
		rep.Start(RunInfo{Config: cfg, Params: 1})
		rep.Batch(BatchStats{Epoch: 1, Batch: 1, Batches: 10, Loss: 9, Tokens: 400})
		cancel() // as the first Ctrl-C would
		select {
		case <-ctx.Done():
			sawCancel = true
		case <-time.After(10 * time.Second):
			return errors.New("the context was not cancelled")
		}
		rep.Checkpoint("run/lstm.safetensors", "interrupt")
		return ctx.Err()
	}, nil, nil)
	logPath := filepath.Join(t.TempDir(), "run.jsonl")
	code, _, stderr := lm(t, ctx, "train", "-log", logPath)
	assert.True(t, sawCancel)
	assert.Equal(t, exitInterrupted, code)
	assert.Contains(t, stderr, "lm train: interrupted; continue with: lm train -resume run/lstm.safetensors")
	events, err := runlog.ReadFile(logPath)
	require.NoError(t, err)
	n := len(events)
	require.GreaterOrEqual(t, n, 2)
	assert.Equal(t, runlog.TypeCheckpoint, events[n-2].Type)
	assert.Equal(t, "interrupt", events[n-2].Reason)
	assert.Equal(t, runlog.StatusInterrupted, events[n-1].Status)

	// A context.Canceled without an interrupt is an ordinary failure.
	withSeams(t, func(context.Context, config.Config, *Reporter) error { return context.Canceled }, nil, nil)
	code, _, _ = lm(t, context.Background(), "train")
	assert.Equal(t, exitFailure, code)
}

func TestEvalAndSample(t *testing.T) {
	var gotEval config.EvalConfig
	var gotSample config.SampleConfig
	withSeams(t, nil,
		func(_ context.Context, cfg config.EvalConfig, rep *Reporter) error {
			gotEval = cfg
			c := config.Default()
			rep.Start(RunInfo{Config: c, Params: 4653200})
			rep.Eval(EvalStats{Split: cfg.Split, Loss: 4.74, Tokens: 82430, Elapsed: time.Second, Batch: cfg.Batch, BPTT: 20})
			return nil
		},
		func(_ context.Context, cfg config.SampleConfig, out io.Writer) error {
			gotSample = cfg
			_, err := fmt.Fprintln(out, "the company said")
			return err
		})
	// Flags may follow the checkpoint.
	code, stdout, stderr := lm(t, context.Background(), "eval", "lstm.safetensors", "-split", "valid", "-data", "d")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, config.EvalConfig{Checkpoint: "lstm.safetensors", Split: "valid", Batch: 1, Data: "d"}, gotEval)
	assert.Contains(t, stdout, "lm eval · neuromod")
	assert.Contains(t, stdout, "valid ppl 114.4 (loss 4.7400)  82,430 tokens, batch 1, bptt 20")

	code, _, stderr = lm(t, context.Background(), "eval", "-checkpoint", "x.safetensors", "-batch", "4", "-bptt", "35")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, config.EvalConfig{Checkpoint: "x.safetensors", Split: "test", Batch: 4, BPTT: 35}, gotEval)

	code, stdout, stderr = lm(t, context.Background(), "sample", "-n", "3", "m.safetensors", "-temperature", "0.7",
		"-prime", "the", "-seed", "9")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "the company said\n", stdout, "only the text goes to stdout")
	assert.Equal(t, config.SampleConfig{Checkpoint: "m.safetensors", N: 3, Temperature: 0.7, Prime: "the", Seed: 9}, gotSample)
}

func TestParseInterleaved(t *testing.T) {
	fs := newFlagSet("x")
	n := fs.Int("n", 0, "")
	pos, err := parseInterleaved(fs, []string{"a", "-n", "3", "b", "--", "-c", "d"})
	require.NoError(t, err)
	assert.Equal(t, 3, *n)
	assert.Equal(t, []string{"a", "b", "-c", "d"}, pos)
}

func TestReporterETAAndRate(t *testing.T) {
	var out bytes.Buffer
	cfg := config.Default()
	cfg.Epochs = 3
	rep := newReporter("train", &out, io.Discard, false, nil, fakeClock(time.Second))
	rep.Start(RunInfo{Config: cfg, Params: 10})
	rep.Batch(BatchStats{Epoch: 2, Batch: 1, Batches: 10, Loss: 5, Tokens: 400})
	rep.Batch(BatchStats{Epoch: 2, Batch: 2, Batches: 10, Loss: 6, Tokens: 400})
	ps := rep.progressStats(BatchStats{Epoch: 2, Batch: 2, Batches: 10})
	assert.InDelta(t, 5.5, ps.Loss, 1e-12)
	assert.InDelta(t, 400, ps.TokensPerSec, 1e-9, "400 tokens per one-second batch")
	// 8 batches left in epoch 2 and 10 in epoch 3, at a second each.
	assert.Equal(t, 18*time.Second, ps.ETA)

	cfg.BenchBatches = 5
	rep = newReporter("train", &out, io.Discard, false, nil, fakeClock(time.Second))
	rep.Start(RunInfo{Config: cfg, Params: 10})
	rep.Batch(BatchStats{Epoch: 1, Batch: 1, Batches: 5, Loss: 5, Tokens: 400})
	ps = rep.progressStats(BatchStats{Epoch: 1, Batch: 1, Batches: 5})
	assert.Equal(t, 4*time.Second, ps.ETA, "a bench run ends after its batches")
	assert.Zero(t, ps.Epochs)
}

func TestReporterWarnsOnceWhenTheLogFails(t *testing.T) {
	var out, errOut bytes.Buffer
	log := runlog.NewWriter(failWriter{})
	rep := newReporter("train", &out, &errOut, false, log, nil)
	rep.Printf("one")
	rep.Printf("two")
	assert.Equal(t, "one\ntwo\n", out.String())
	assert.Equal(t, 1, strings.Count(errOut.String(), "warning"), errOut.String())
	assert.Contains(t, errOut.String(), "lm train: warning: writing the run log: disk full; the run continues without its log")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int]string{0: "0", 12: "12", 1234: "1,234", 4653200: "4,653,200", -1234567: "-1,234,567"} {
		assert.Equal(t, want, groupDigits(n))
	}
}

// TestBenchEndToEnd runs lm bench whose children are this test binary acting
// as lm with the fake trainer: the Reporter's log must be what the harness
// reads.
func TestBenchEndToEnd(t *testing.T) {
	t.Setenv(childEnv, "fake-train")
	dir := t.TempDir()
	code, stdout, stderr := lm(t, context.Background(), "bench", "-batches", "6", "-models", "lstm,retro",
		"-out", dir, "-threads", "1", "--", "-bptt", "10")
	require.Equal(t, exitOK, code, stderr+stdout)
	assert.Contains(t, stdout, "bench [2/2] retro: ")
	assert.Regexp(t, `(?m)^lstm +200 +4,653,200 +[\d,]+ +1\.00× `, stdout)
	assert.Regexp(t, `(?m)^retro +190 +4,650,000 `, stdout)
	assert.Contains(t, stdout, "GOMAXPROCS 1")
	for _, f := range []string{"bench.md", "loss.svg", "lstm.jsonl", "retro.jsonl", "lstm.out", "retro.out"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	events, err := runlog.ReadFile(filepath.Join(dir, "retro.jsonl"))
	require.NoError(t, err)
	require.NotNil(t, events[0].Config)
	assert.Equal(t, 10, events[0].Config.BPTT, "flags after -- reach the children")
	assert.Equal(t, 6, events[0].Config.BenchBatches)
	assert.True(t, events[0].Config.MatchParams)
}
