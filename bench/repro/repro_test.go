package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/internal/runlog"
)

// tinyCorpus writes a few hundred short sentences in PTB's format (leading
// and trailing space, words separated by spaces).
func tinyCorpus(t *testing.T) string {
	t.Helper()
	return tinyCorpusOf(t, 300)
}

// tinyCorpusOf is tinyCorpus with trainLines sentences of training data.
func tinyCorpusOf(t *testing.T, trainLines int) string {
	t.Helper()
	dir := t.TempDir()
	subjects := []string{"the cat", "a dog", "the bank", "my friend", "the company"}
	verbs := []string{"sees", "buys", "likes", "sells"}
	objects := []string{"the fish", "a house", "the stock", "some bread", "<unk>"}
	r := rand.New(rand.NewPCG(6, 6))
	write := func(name string, lines int) {
		var b strings.Builder
		for range lines {
			fmt.Fprintf(&b, " %s %s %s \n", subjects[r.IntN(len(subjects))], verbs[r.IntN(len(verbs))], objects[r.IntN(len(objects))])
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644))
	}
	write("ptb.train.txt", trainLines)
	write("ptb.valid.txt", 40)
	write("ptb.test.txt", 40)
	return dir
}

func readEvents(t *testing.T, path string) []runlog.Event {
	t.Helper()
	events, err := runlog.ReadFile(path)
	require.NoError(t, err)
	return events
}

func readStatus(t *testing.T, out, cond, id string) runStatus {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, cond, id, "status.json"))
	require.NoError(t, err)
	var st runStatus
	require.NoError(t, json.Unmarshal(b, &st))
	return st
}

// TestProcedureOnATinyCorpus runs the whole procedure for the baseline with
// two configurations and three epochs, interrupted after the first epoch of
// the first run and continued by a second sitting; a third sitting finds
// nothing to do.
func TestProcedureOnATinyCorpus(t *testing.T) {
	data, out := tinyCorpus(t), t.TempDir()
	args := []string{"-data", data, "-out", out, "-no-verify", "-conditions", "lstm", "-configs", "2",
		"-epochs", "3", "-threads", "1", "-extra", "-hidden 8 -emb 8 -layers 1 -bptt 5 -batch 4"}

	// Sitting 1: interrupted (as by Ctrl-C) once c1 has finished epoch 1.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	afterEpoch = func(cond, id string, epoch int) {
		if cond == "lstm" && id == "c1" && epoch == 1 {
			cancel()
		}
	}
	defer func() { afterEpoch = nil }()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, &stdout, &stderr)
	require.Equal(t, 130, code, "stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
	st := readStatus(t, out, "lstm", "c1")
	assert.Equal(t, stateInterrupted, st.State)
	assert.Equal(t, 1, st.EpochsDone)
	assert.FileExists(t, filepath.Join(out, "lstm", "c1", "lstm.safetensors"))
	assert.NoFileExists(t, filepath.Join(out, "lstm", "c2", "status.json"), "sitting 1 stopped before c2")
	assert.NoFileExists(t, filepath.Join(out, "lstm", "repro.lock"), "the lock is released")
	lm := filepath.Join(out, "lm")
	require.FileExists(t, lm, "built by the first sitting")

	// Sitting 2: continues c1 from its checkpoint, then runs c2, then tests.
	afterEpoch = nil
	stdout.Reset()
	stderr.Reset()
	code = run(context.Background(), append(args, "-lm", lm), &stdout, &stderr)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", &stdout, &stderr)

	var finals []float64
	for _, id := range []string{"c1", "c2"} {
		st := readStatus(t, out, "lstm", id)
		assert.Equal(t, stateFinished, st.State, id)
		assert.Equal(t, 3, st.EpochsDone, id)
		require.Len(t, st.ValidPPL, 3, id)
		assert.Positive(t, st.Params, id)
		assert.Positive(t, st.WallSec, id)
		finals = append(finals, st.FinalValidPPL)

		// Resumed, not restarted: every epoch was trained and validated
		// exactly once, and no training process evaluated the test split.
		events := readEvents(t, filepath.Join(out, "lstm", id, "train.jsonl"))
		batchesPerEpoch := map[int]int{}
		validPerEpoch := map[int]int{}
		starts, nseg := 0, 0
		for _, ev := range events {
			switch ev.Type {
			case runlog.TypeStart:
				starts++
			case runlog.TypeBatch:
				batchesPerEpoch[ev.Epoch]++
				nseg = ev.Batches
			case runlog.TypeEval:
				require.Equal(t, "valid", ev.Split, "%s: a tuning run saw the test split", id)
				validPerEpoch[ev.Epoch]++
			}
		}
		assert.Equal(t, 3, starts, "%s: one lm process per epoch", id)
		assert.Equal(t, map[int]int{1: 1, 2: 1, 3: 1}, validPerEpoch, id)
		for e := 1; e <= 3; e++ {
			assert.Equal(t, nseg, batchesPerEpoch[e], "%s epoch %d", id, e)
		}
	}
	console, err := os.ReadFile(filepath.Join(out, "lstm", "c1", "console.txt"))
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(console), " -resume "), "epochs 2 and 3 of c1 resumed its checkpoint")

	// The test split, once, for the best configuration only.
	best, other := "c1", "c2"
	if finals[1] < finals[0] {
		best, other = "c2", "c1"
	}
	testEvents := readEvents(t, filepath.Join(out, "lstm", best, "test.jsonl"))
	var tests []runlog.Event
	for _, ev := range testEvents {
		if ev.Type == runlog.TypeEval {
			tests = append(tests, ev)
		}
	}
	require.Len(t, tests, 1)
	assert.Equal(t, "test", tests[0].Split)
	assert.Equal(t, 1, tests[0].EvalBatch)
	assert.NoFileExists(t, filepath.Join(out, "lstm", other, "test.jsonl"))
	assert.Nil(t, readStatus(t, out, "lstm", other).Test)
	bestStatus := readStatus(t, out, "lstm", best)
	require.NotNil(t, bestStatus.Test)
	assert.InDelta(t, tests[0].PPL, bestStatus.Test.PPL, 1e-9)

	// The summary: every condition, the two lstm runs, the test of the best.
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	require.NoError(t, err)
	var sum summary
	require.NoError(t, json.Unmarshal(b, &sum))
	require.Len(t, sum.Conditions, 4)
	lstm := sum.Conditions[0]
	assert.Equal(t, "lstm", lstm.Model)
	assert.True(t, lstm.Complete)
	assert.Equal(t, best, lstm.Best)
	require.NotNil(t, lstm.Test)
	assert.InDelta(t, tests[0].PPL, lstm.Test.PPL, 1e-9)
	for _, c := range sum.Conditions[1:] {
		assert.Nil(t, c.Test, c.Model)
		assert.Equal(t, statePending, c.Runs[0].State, c.Model)
	}
	md, err := os.ReadFile(filepath.Join(out, "summary.md"))
	require.NoError(t, err)
	for _, want := range []string{
		"| lstm | c1 | decay 0.33 from epoch 5, init 0.1, L2 1e-04 |",
		"| lstm | c2 | decay 0.33 from epoch 5, init 0.1, L2 1e-03 |",
		fmt.Sprintf("| %.2f | finished |", tests[0].PPL),
		"| baseline LSTM (`lstm`) | 104.26 | " + fmt.Sprintf("%.2f", tests[0].PPL),
		"| retroactive neuromodulation (`retro`) | 102.48 | – | – | – | – | – | – | – | – | not started |",
	} {
		assert.Contains(t, string(md), want)
	}

	// Sitting 3: nothing left to do; no log grows.
	sizes := map[string]int64{}
	logs, _ := filepath.Glob(filepath.Join(out, "lstm", "*", "*.jsonl"))
	for _, f := range logs {
		fi, err := os.Stat(f)
		require.NoError(t, err)
		sizes[f] = fi.Size()
	}
	stdout.Reset()
	code = run(context.Background(), append(args, "-lm", lm), &stdout, &stderr)
	require.Equal(t, 0, code, "stderr:\n%s", &stderr)
	for f, size := range sizes {
		fi, err := os.Stat(f)
		require.NoError(t, err)
		assert.Equal(t, size, fi.Size(), f)
	}
	assert.NotContains(t, stdout.String(), "epoch", "sitting 3 trained:\n%s", &stdout)

	// -dry-run reports the state and changes nothing.
	stdout.Reset()
	code = run(context.Background(), append(args, "-dry-run"), &stdout, &stderr)
	require.Equal(t, 0, code, "stderr:\n%s", &stderr)
	assert.Contains(t, stdout.String(), "lstm/c1  finished    3/3 epochs")
}

// TestFailedRunIsRecordedAndRetried: a condition lm cannot train (here an
// lm that always fails) is recorded as failed, does not stop the sitting and
// is not tested; the exit status says so.
func TestFailedRunIsRecordedAndRetried(t *testing.T) {
	data, out := tinyCorpus(t), t.TempDir()
	fake := filepath.Join(t.TempDir(), "lm")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\necho 'lm train: not implemented' >&2\nexit 1\n"), 0o755))
	args := []string{"-data", data, "-out", out, "-conditions", "plastic", "-configs", "2", "-epochs", "2", "-lm", fake}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "2 run(s) failed")
	for _, id := range []string{"c1", "c2"} {
		st := readStatus(t, out, "plastic", id)
		assert.Equal(t, stateFailed, st.State)
		assert.Nil(t, st.Test)
	}
	assert.NoFileExists(t, filepath.Join(out, "plastic", "c1", "test.jsonl"))
	// The next sitting tries again (and fails again, the same way).
	stderr.Reset()
	code = run(context.Background(), args, &stdout, &stderr)
	assert.Equal(t, 1, code)
	console, err := os.ReadFile(filepath.Join(out, "plastic", "c1", "console.txt"))
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(console), "-model plastic"))
}

func TestEarlyStop(t *testing.T) {
	ref := Grid[0] // decay start 5
	late := Grid[3]
	require.Equal(t, 6, late.DecayStart)
	refValid := []float64{200, 160, 140, 130, 120, 117, 116, 115.5, 115.3, 115.2, 115.1, 115.1, 115.0}
	scaled := func(n int, f float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = refValid[i] * f
		}
		return v
	}
	for _, tc := range []struct {
		name  string
		h     Hyper
		valid []float64
		stop  bool
	}{
		{"no epochs yet", late, nil, false},
		{"hopeless at epoch 2", late, scaled(2, 1.6), true},
		{"behind but still at a high rate", late, scaled(8, 1.05), false},
		{"behind once both schedules settled", late, scaled(9, 1.015), true},
		{"within the margin", late, scaled(9, 1.005), false},
		{"settles earlier with the same start", Grid[1], scaled(8, 1.02), true},
		{"not yet settled with the same start", Grid[1], scaled(7, 1.02), false},
		{"ahead of the reference", Grid[1], scaled(10, 0.98), false},
		{"longer than the reference", Grid[1], append(scaled(13, 1.1), 130), false},
	} {
		stop, why := earlyStop(tc.h, tc.valid, ref, refValid)
		assert.Equal(t, tc.stop, stop, tc.name)
		assert.Equal(t, stop, why != "", tc.name)
	}
}

func TestParseFlags(t *testing.T) {
	var stderr bytes.Buffer
	o, err := parseFlags([]string{"-data", "d", "-conditions", "retro, lstm", "-extra", " -hidden 8  -layers 1 "}, &stderr)
	require.NoError(t, err)
	assert.Equal(t, []string{"retro", "lstm"}, o.Conditions)
	assert.Equal(t, []string{"-hidden", "8", "-layers", "1"}, o.Extra)
	assert.Equal(t, 6, o.Configs)
	assert.Equal(t, 13, o.Epochs)
	assert.Empty(t, o.First)
	o, err = parseFlags([]string{"-data", "d", "-first", "c6, c4"}, &stderr)
	require.NoError(t, err)
	assert.Equal(t, []string{"c6", "c4"}, o.First)
	for _, bad := range [][]string{
		{},
		{"-data", "d", "-conditions", "gru"},
		{"-data", "d", "-conditions", "lstm,lstm"},
		{"-data", "d", "-configs", "7"},
		{"-data", "d", "-epochs", "0"},
		{"-data", "d", "-first", "c7"},
		{"-data", "d", "-configs", "3", "-first", "c6"},
		{"-data", "d", "-first", "c6,c6"},
		{"-data", "d", "stray"},
	} {
		_, err := parseFlags(bad, &stderr)
		assert.Error(t, err, "%q", bad)
	}
}

// TestInterruptMidEpochResumesMidEpoch: cancelling a sitting while lm is
// training (as Ctrl-C or SIGTERM does) makes lm save a checkpoint in the
// middle of the epoch, and the next sitting continues from that batch.
func TestInterruptMidEpochResumesMidEpoch(t *testing.T) {
	// 4,000 sentences at batch 1 and bptt 1: ~20,000 steps, a second or more
	// per epoch, long enough to interrupt in its middle even on a busy machine.
	data, out := tinyCorpusOf(t, 4000), t.TempDir()
	lm := filepath.Join(t.TempDir(), "lm")
	_, _, err := buildLM(context.Background(), filepath.Dir(lm))
	require.NoError(t, err)
	args := []string{"-data", data, "-out", out, "-no-verify", "-conditions", "lstm", "-configs", "1",
		"-epochs", "1", "-threads", "1", "-lm", lm, "-extra", "-hidden 8 -emb 8 -layers 1 -bptt 1 -batch 1"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logPath := filepath.Join(out, "lstm", "c1", "train.jsonl")
	go func() { // cancel once lm has logged its start and a few batches
		for ctx.Err() == nil {
			if fi, err := os.Stat(logPath); err == nil && fi.Size() > 4000 {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, &stdout, &stderr)
	require.Equal(t, 130, code, "stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
	assert.Equal(t, stateInterrupted, readStatus(t, out, "lstm", "c1").State)
	var saved runlog.Event
	steps := 0
	for _, ev := range readEvents(t, logPath) {
		switch ev.Type {
		case runlog.TypeCheckpoint:
			saved = ev
		case runlog.TypeBatch:
			steps = ev.Batches
		}
	}
	require.Equal(t, "interrupt", saved.Reason, "lm saved on the sitting's SIGINT")
	require.Less(t, saved.Batch, steps, "interrupted in the middle of the epoch")

	code = run(context.Background(), args, &stdout, &stderr)
	require.Equal(t, 0, code, "stderr:\n%s", &stderr)
	st := readStatus(t, out, "lstm", "c1")
	assert.Equal(t, stateFinished, st.State)
	batches := map[int]int{}
	nseg := 0
	for _, ev := range readEvents(t, logPath) {
		if ev.Type == runlog.TypeBatch {
			batches[ev.Batch]++
			nseg = ev.Batches
		}
	}
	assert.Len(t, batches, nseg, "every batch of the epoch trained")
	for b, n := range batches {
		if n != 1 {
			t.Errorf("batch %d trained %d times: the run restarted instead of resuming", b, n)
		}
	}
}

// A parameter-matched plastic condition runs epoch after epoch, each a
// resumed lm process (resuming used to match the hidden size again and
// refuse the run's own checkpoint).
func TestPlasticConditionResumesEachEpoch(t *testing.T) {
	data, out := tinyCorpus(t), t.TempDir()
	lm := filepath.Join(t.TempDir(), "lm")
	_, _, err := buildLM(context.Background(), filepath.Dir(lm))
	require.NoError(t, err)
	args := []string{"-data", data, "-out", out, "-no-verify", "-conditions", "neuromod", "-configs", "1",
		"-epochs", "2", "-threads", "1", "-lm", lm, "-extra", "-hidden 8 -emb 8 -layers 1 -bptt 5 -batch 4"}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
	st := readStatus(t, out, "neuromod", "c1")
	assert.Equal(t, stateFinished, st.State, st.Error)
	assert.Equal(t, 2, st.EpochsDone)
}

// TestForkIsExact: c4 and c5 start from c1's checkpoints after epochs 4 and
// 3, and end with the very validation perplexities they reach when trained
// from the start (here: a sitting in which c1's copies are removed an epoch
// after they are made, before c4 and c5 start).
func TestForkIsExact(t *testing.T) {
	data := tinyCorpus(t)
	lm := filepath.Join(t.TempDir(), "lm")
	_, _, err := buildLM(context.Background(), filepath.Dir(lm))
	require.NoError(t, err)
	sitting := func(out string) {
		t.Helper()
		args := []string{"-data", data, "-out", out, "-no-verify", "-conditions", "lstm", "-configs", "5",
			"-epochs", "5", "-threads", "1", "-lm", lm, "-extra", "-hidden 8 -emb 8 -layers 1 -bptt 5 -batch 4"}
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr)
		require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
	}

	forked := t.TempDir()
	sitting(forked)
	for id, from := range map[string]string{"c4": "c1 after epoch 4", "c5": "c1 after epoch 3"} {
		st := readStatus(t, forked, "lstm", id)
		assert.Equal(t, from, st.ForkedFrom, id)
		assert.Equal(t, stateFinished, st.State, id)
		console, err := os.ReadFile(filepath.Join(forked, "lstm", id, "console.txt"))
		require.NoError(t, err)
		assert.NotContains(t, string(console), "-preset", "%s never trained from the start", id)
	}
	for _, id := range []string{"c2", "c3"} {
		assert.Empty(t, readStatus(t, forked, "lstm", id).ForkedFrom, "%s has another L2", id)
	}
	md, err := os.ReadFile(filepath.Join(forked, "summary.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "lstm/c4 started from c1 after epoch 4's checkpoint")

	scratch := t.TempDir()
	afterEpoch = func(cond, id string, epoch int) {
		if id == "c1" {
			dirs, _ := filepath.Glob(filepath.Join(scratch, cond, id, "fork-after-epoch-*"))
			for _, d := range dirs {
				require.NoError(t, os.RemoveAll(d))
			}
		}
	}
	defer func() { afterEpoch = nil }()
	sitting(scratch)
	for _, id := range []string{"c4", "c5"} {
		st, want := readStatus(t, forked, "lstm", id), readStatus(t, scratch, "lstm", id)
		require.Empty(t, want.ForkedFrom, "%s trained from the start", id)
		require.Len(t, want.ValidPPL, 5, id)
		assert.Equal(t, want.ValidPPL, st.ValidPPL, "%s: forked vs from the start", id)
	}
}

func TestForkSource(t *testing.T) {
	for _, tc := range []struct {
		id, src string
		epochs  int
	}{{"c1", "", 0}, {"c2", "", 0}, {"c3", "", 0}, {"c4", "c1", 4}, {"c5", "c1", 3}, {"c6", "", 0}} {
		var h Hyper
		for _, g := range Grid {
			if g.ID == tc.id {
				h = g
			}
		}
		src, e := forkSource(h, Grid)
		assert.Equal(t, tc.src, src.ID, tc.id)
		assert.Equal(t, tc.epochs, e, tc.id)
	}
}

func TestRunOrder(t *testing.T) {
	ids := func(hs []Hyper) (out []string) {
		for _, h := range hs {
			out = append(out, h.ID)
		}
		return out
	}
	assert.Equal(t, []string{"c1", "c2", "c3", "c4", "c5", "c6"}, ids(runOrder(Grid, nil)))
	assert.Equal(t, []string{"c6", "c4", "c1", "c2", "c3", "c5"}, ids(runOrder(Grid, []string{"c6", "c4"})))
	assert.Equal(t, []string{"c3", "c1", "c2"}, ids(runOrder(Grid[:3], []string{"c3"})))
}
