package harness

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/internal/config"
	"github.com/neuromod-go/neuromod/internal/runlog"
)

// fakeChildEnv makes the test binary act as "lm train": TestMain sees it and
// runs fakeChild instead of the tests, so the harness is tested without any
// model code.
const fakeChildEnv = "NEUROMOD_HARNESS_FAKE_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(fakeChildEnv) == "1" {
		os.Exit(fakeChild(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeParams and fakeBallastMiB give each fake variant a parameter count and
// a memory footprint; retro uses the most memory so the RSS ordering shows.
var (
	fakeParams     = map[string]int{"lstm": 4653200, "plastic": 4650000, "neuromod": 4655000, "retro": 4652000}
	fakeBallastMiB = map[string]int{"lstm": 4, "plastic": 8, "neuromod": 8, "retro": 40}
)

// fakeChild imitates lm train -bench-batches: it writes a run log whose
// losses fall as 9 − k·log(batch) with k depending on the model. Special
// models: "broken" fails, "nolog" writes nothing, "slow" waits for SIGINT.
func fakeChild(args []string) int {
	if len(args) == 0 || args[0] != "train" {
		fmt.Fprintln(os.Stderr, "fake child: want train, got", args)
		return 2
	}
	var model, logPath string
	batches := 0
	for i := 1; i+1 < len(args); i++ {
		switch args[i] {
		case "-model":
			model = args[i+1]
		case "-log":
			logPath = args[i+1]
		case "-bench-batches":
			batches, _ = strconv.Atoi(args[i+1])
		}
	}
	if !strings.Contains(strings.Join(args, " "), "-match-params=true") {
		fmt.Fprintln(os.Stderr, "fake child: -match-params=true missing")
		return 2
	}
	switch model {
	case "broken":
		fmt.Println("starting")
		fmt.Fprintln(os.Stderr, "lm train: boom: no data in /nowhere")
		return 1
	case "nolog":
		return 0
	}
	w, err := runlog.Create(logPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer w.Close()
	cfg := config.Default()
	cfg.Model, cfg.Hidden = model, 200-len(model)
	w.Write(runlog.Event{Type: runlog.TypeStart, Version: runlog.Version, ISA: "avx512", GOMAXPROCS: 2,
		Params: fakeParams[model], BaselineParams: 4653200, Config: &cfg})
	if model == "slow" {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		select {
		case <-sig:
			w.Write(runlog.Event{Type: runlog.TypeEnd, Status: runlog.StatusInterrupted})
			return 130
		case <-time.After(time.Minute):
			return 3
		}
	}
	ballast := make([]byte, fakeBallastMiB[model]<<20)
	for i := 0; i < len(ballast); i += 4096 { // touch every page so it counts as resident
		ballast[i] = 1
	}
	k := 0.5 + 0.1*float64(len(model)%4)
	for b := 1; b <= batches; b++ {
		// The first batch is slow (warm-up) and must not count.
		sec := 0.01
		if b == 1 {
			sec = 10
		}
		w.Write(runlog.Event{Type: runlog.TypeBatch, Epoch: 1, Batch: b, Batches: batches,
			Loss: 9 - k*math.Log(float64(b)) + 0.05*math.Sin(float64(b)), Tokens: 400, Sec: sec, LR: 1})
	}
	w.Write(runlog.Event{Type: runlog.TypeEval, Split: "valid", Loss: 6, Tokens: 1000, Sec: 0.05, EvalBatch: 20, BPTT: 20})
	w.Write(runlog.Event{Type: runlog.TypeEnd, Status: runlog.StatusOK, Sec: 1})
	runtime.KeepAlive(ballast)
	return 0
}

// fakeOptions runs the test binary itself as the child.
func fakeOptions(t *testing.T, models ...string) Options {
	exe, err := os.Executable()
	require.NoError(t, err)
	return Options{
		Exe: exe, Models: models, Batches: 50, MatchParams: true, Dir: t.TempDir(),
		TrainArgs: []string{"-preset", "zaremba-small"}, Env: []string{fakeChildEnv + "=1"},
	}
}

func TestRunWithFakeChildren(t *testing.T) {
	opts := fakeOptions(t)
	opts.Models = nil // the default: all four variants
	var progress bytes.Buffer
	opts.Progress = &progress
	rep, err := Run(context.Background(), opts)
	require.NoError(t, err)
	require.Len(t, rep.Results, 4)
	for i, r := range rep.Results {
		require.NoError(t, r.Err, r.Model)
		assert.Equal(t, config.Models[i], r.Model)
		assert.Equal(t, fakeParams[r.Model], r.Params)
		assert.Equal(t, 4653200, r.BaselineParams)
		assert.Equal(t, 200-len(r.Model), r.Hidden)
		assert.Equal(t, "avx512", r.ISA)
		require.Len(t, r.Losses, 50)
		// 49 batches of 400 tokens in 0.01 s each: the slow first batch is
		// left out.
		assert.InDelta(t, 40000, r.TrainTokensPerSec, 1e-6)
		assert.InDelta(t, 20000, r.EvalTokensPerSec, 1e-6)
		assert.Equal(t, 6.0, r.EvalLoss)
		assert.Less(t, r.LossAfter(), r.Losses[0])
		assert.FileExists(t, r.Log)
		assert.FileExists(t, r.Output)
		assert.Positive(t, r.Wall)
	}
	assert.Contains(t, progress.String(), "bench [4/4] retro: 40,000 tok/s train")

	switch runtime.GOOS {
	case "linux", "darwin", "freebsd", "netbsd", "openbsd", "dragonfly":
		lstm, retro := rep.Results[0], rep.Results[3]
		require.Positive(t, lstm.PeakRSS)
		// retro's ballast is 36 MiB larger; each child's peak is its own.
		assert.Greater(t, retro.PeakRSS-lstm.PeakRSS, int64(28<<20),
			"lstm %d MiB, retro %d MiB", lstm.PeakRSS>>20, retro.PeakRSS>>20)
		assert.Less(t, lstm.PeakRSS, int64(36<<20), "the lstm child's peak must not include retro's")
	}

	md, svg, err := rep.WriteFiles()
	require.NoError(t, err)
	checkMarkdown(t, md, 4)
	checkSVG(t, svg, 4)
}

func TestChildArgs(t *testing.T) {
	opts := Options{Command: []string{"train"}, TrainArgs: []string{"-preset", "zaremba-small", "-threads", "2"},
		Batches: 7, MatchParams: true, Dir: "out"}
	assert.Equal(t, []string{"train", "-preset", "zaremba-small", "-threads", "2", "-model", "retro",
		"-match-params=true", "-bench-batches", "7", "-log", "out/retro.jsonl", "-out", "out" + string(filepath.Separator)},
		ChildArgs(opts, "retro", "out/retro.jsonl"))
}

func TestFailingChildIsReportedAndOthersStillRun(t *testing.T) {
	opts := fakeOptions(t, "lstm", "broken", "nolog", "retro")
	rep, err := Run(context.Background(), opts)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "broken: exit status 1")
	assert.Contains(t, err.Error(), "boom: no data in /nowhere", "the child's stderr is quoted")
	assert.Contains(t, err.Error(), "nolog: reading the child's log")
	require.Len(t, rep.Results, 4)
	assert.NoError(t, rep.Results[0].Err)
	assert.NoError(t, rep.Results[3].Err)

	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "broken failed: exit status 1")
	md, svg, err := rep.WriteFiles()
	require.NoError(t, err)
	checkMarkdown(t, md, 4)
	checkSVG(t, svg, 2)
	b, err := os.ReadFile(md)
	require.NoError(t, err)
	assert.Contains(t, string(b), "| broken | failed: exit status 1;")
}

func TestCancelInterruptsTheChild(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	opts := fakeOptions(t, "slow", "lstm")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Cancel once the child has logged its start, i.e. is waiting for
		// the signal.
		logPath := filepath.Join(opts.Dir, "slow.jsonl")
		for ctx.Err() == nil {
			if ev, err := runlog.ReadFile(logPath); err == nil && len(ev) > 0 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	rep, err := Run(ctx, opts)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), err)
	assert.Less(t, time.Since(start), 9*time.Second, "SIGINT, not the kill after WaitDelay, ended the child")
	require.Len(t, rep.Results, 1, "lstm was skipped")
	require.Error(t, rep.Results[0].Err)
	events, rerr := runlog.ReadFile(rep.Results[0].Log)
	require.NoError(t, rerr)
	assert.Equal(t, runlog.StatusInterrupted, events[len(events)-1].Status, "the child saw SIGINT")
}

func TestRunRejectsBadOptions(t *testing.T) {
	_, err := Run(context.Background(), Options{Batches: 0})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Batches must be ≥ 1")
}

func TestSummarize(t *testing.T) {
	cfg := config.Default()
	cfg.Hidden = 123
	events := []runlog.Event{
		{Type: runlog.TypeStart, Params: 10, BaselineParams: 11, ISA: "neon", GOMAXPROCS: 4, Config: &cfg},
		{Type: runlog.TypeBatch, Loss: 9, Tokens: 100, Sec: 5},
		{Type: runlog.TypeBatch, Loss: 8, Tokens: 100, Sec: 0.5},
		{Type: runlog.TypeBatch, Loss: 7, Tokens: 300, Sec: 0.5},
		{Type: runlog.TypeEval, Loss: 6.5, Tokens: 50, Sec: 0.25},
		{Type: runlog.TypeEnd, Status: runlog.StatusOK},
	}
	var r Result
	require.NoError(t, Summarize(&r, events))
	assert.Equal(t, Result{Hidden: 123, Params: 10, BaselineParams: 11, ISA: "neon", GOMAXPROCS: 4,
		Losses: []float64{9, 8, 7}, TrainTokensPerSec: 400, EvalTokensPerSec: 200, EvalLoss: 6.5}, r)

	// One batch: nothing to leave out.
	require.NoError(t, Summarize(&r, events[:2]))
	assert.Equal(t, 20.0, r.TrainTokensPerSec)

	require.ErrorContains(t, Summarize(&r, events[1:]), "no start event")
	require.ErrorContains(t, Summarize(&r, events[:1]), "no batch events")
	bad := append(append([]runlog.Event(nil), events[:3]...),
		runlog.Event{Type: runlog.TypeEnd, Status: runlog.StatusError, Error: "out of memory"})
	require.ErrorContains(t, Summarize(&r, bad), "status error: out of memory")
}

func TestLossAfter(t *testing.T) {
	assert.Equal(t, 1, FinalLossWindow(5))
	assert.Equal(t, 2, FinalLossWindow(25))
	assert.Equal(t, 10, FinalLossWindow(200))
	assert.Equal(t, 10, FinalLossWindow(5000))
	r := Result{Losses: []float64{9, 8, 7}}
	assert.Equal(t, 7.0, r.LossAfter())
	r.Losses = make([]float64, 30)
	for i := range r.Losses {
		r.Losses[i] = float64(i)
	}
	assert.Equal(t, 28.0, r.LossAfter(), "mean of the last 3 of 30")
	assert.True(t, math.IsNaN((&Result{}).LossAfter()))
}

// sampleReport builds a report without running anything.
func sampleReport(models ...string) *Report {
	rep := &Report{Options: Options{Batches: 200, MatchParams: true, Dir: "d", Command: []string{"train"},
		Models: models}, Started: time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC)}
	for i, m := range models {
		losses := make([]float64, 200)
		for b := range losses {
			losses[b] = 9.2 - (0.4+0.05*float64(i))*math.Log1p(float64(b)) + 0.2*math.Sin(float64(b*(i+3)))
		}
		rep.Results = append(rep.Results, Result{Model: m, Hidden: 200 - 2*i, Params: 4653200 - 1000*i,
			BaselineParams: 4653200, ISA: "avx512", GOMAXPROCS: 2, Losses: losses,
			TrainTokensPerSec: 20000 / float64(i+1), EvalTokensPerSec: 60000 / float64(i+1),
			PeakRSS: int64(100+20*i) << 20})
	}
	return rep
}

func TestTableAndRatios(t *testing.T) {
	rep := sampleReport("lstm", "plastic", "neuromod", "retro")
	header, rows, align := rep.table()
	assert.Equal(t, []string{"variant", "hidden", "parameters", "train tok/s", "× lstm", "eval tok/s", "× lstm",
		"peak RSS MiB", "× lstm", "loss after 200 batches"}, header)
	assert.Len(t, align, len(header))
	require.Len(t, rows, 4)
	assert.Equal(t, []string{"plastic", "198", "4,652,200", "10,000", "0.50×", "30,000", "0.50×", "120.0", "1.20×"},
		rows[1][:9])
	assert.Equal(t, "1.00×", rows[0][4])

	// Without the baseline there are no ratio columns.
	rep = sampleReport("plastic", "retro")
	header, rows, _ = rep.table()
	assert.NotContains(t, header, "× lstm")
	assert.Len(t, rows[0], len(header))

	// Unknown memory shows as n/a, not 0.
	rep = sampleReport("lstm", "retro")
	rep.Results[1].PeakRSS = 0
	_, rows, _ = rep.table()
	assert.Equal(t, "n/a", rows[1][7])
	assert.Equal(t, "n/a", rows[1][8])

	var text bytes.Buffer
	require.NoError(t, sampleReport("lstm", "retro").WriteText(&text))
	lines := strings.Split(text.String(), "\n")
	assert.True(t, strings.HasPrefix(lines[0], "variant"), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "lstm "), lines[1])
	assert.Contains(t, text.String(), "ISA avx512 · GOMAXPROCS 2")
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 4653200: "4,653,200", -12345: "-12,345"} {
		assert.Equal(t, want, groupDigits(n))
	}
}

func TestMarkdownIsWellFormed(t *testing.T) {
	rep := sampleReport("lstm", "plastic", "neuromod", "retro")
	path := filepath.Join(t.TempDir(), "bench.md")
	var b bytes.Buffer
	require.NoError(t, rep.WriteMarkdown(&b, "loss.svg"))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	checkMarkdown(t, path, 4)
	assert.Contains(t, b.String(), "![Training loss per batch](loss.svg)")
	assert.Contains(t, b.String(), "lm train -model MODEL -match-params=true -bench-batches 200 -log d/MODEL.jsonl")
}

// checkMarkdown checks that the file holds one table with a header, an
// alignment row and rows data rows, every row with the header's cell count.
func checkMarkdown(t *testing.T, path string, rows int) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var table []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "|") {
			table = append(table, l)
		}
	}
	require.Len(t, table, rows+2, string(b))
	cells := func(l string) int { return strings.Count(strings.ReplaceAll(l, `\|`, ""), "|") - 1 }
	n := cells(table[0])
	assert.GreaterOrEqual(t, n, 7)
	for _, l := range table {
		assert.True(t, strings.HasSuffix(l, "|"), l)
		assert.Equal(t, n, cells(l), l)
	}
	assert.Regexp(t, `^\|(:---|---:)(\|(:---|---:))*\|$`, table[1])
}

func TestSVGIsWellFormed(t *testing.T) {
	rep := sampleReport("lstm", "plastic", "neuromod", "retro")
	path := filepath.Join(t.TempDir(), "loss.svg")
	var b bytes.Buffer
	require.NoError(t, rep.WriteSVG(&b))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	checkSVG(t, path, 4)
	for _, m := range []string{"lstm", "plastic", "neuromod", "retro"} {
		assert.Contains(t, b.String(), ">"+m+" <tspan")
	}

	// Nothing to plot still gives a valid SVG, and names are escaped.
	rep = sampleReport("a<b&c")
	rep.Results[0].Err = errors.New("failed")
	b.Reset()
	require.NoError(t, rep.WriteSVG(&b))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	checkSVG(t, path, 0)

	rep = sampleReport("a<b&c")
	rep.Results[0].Losses[5] = math.NaN()
	rep.Results[0].Losses[6] = math.Inf(1)
	b.Reset()
	require.NoError(t, rep.WriteSVG(&b))
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	checkSVG(t, path, 1)
	assert.Contains(t, b.String(), "a&lt;b&amp;c")
	assert.NotContains(t, b.String(), "NaN")
}

// checkSVG parses the file as XML and checks the root element and that
// there are two polylines (raw and smoothed) per plotted variant, each
// point a pair of finite numbers inside the canvas.
func checkSVG(t *testing.T, path string, variants int) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	dec := xml.NewDecoder(f)
	root := ""
	polylines := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = se.Name.Local
			assert.Equal(t, "http://www.w3.org/2000/svg", se.Name.Space)
		}
		if se.Name.Local != "polyline" {
			continue
		}
		polylines++
		for _, a := range se.Attr {
			if a.Name.Local != "points" {
				continue
			}
			for _, p := range strings.Fields(a.Value) {
				xy := strings.Split(p, ",")
				require.Len(t, xy, 2, p)
				x, err := strconv.ParseFloat(xy[0], 64)
				require.NoError(t, err)
				y, err := strconv.ParseFloat(xy[1], 64)
				require.NoError(t, err)
				assert.True(t, x >= 0 && x <= chartW && y >= 0 && y <= chartH, "point %s outside the canvas", p)
			}
		}
	}
	assert.Equal(t, "svg", root)
	assert.Equal(t, 2*variants, polylines)
}

func TestNiceTicks(t *testing.T) {
	ticks, step := niceTicks(4.1, 9.3, 6)
	assert.Equal(t, 1.0, step)
	assert.Equal(t, []float64{4, 5, 6, 7, 8, 9, 10}, ticks)
	ticks, step = niceTicks(1, 200, 8)
	assert.Equal(t, 25.0, step)
	assert.Equal(t, 0.0, ticks[0])
	assert.Equal(t, 200.0, ticks[len(ticks)-1])
	ticks, step = niceTicks(0.1, 0.7, 6)
	assert.InDelta(t, 0.1, step, 1e-12)
	assert.Equal(t, "0.3", formatTick(ticks[2], step))
	ticks, _ = niceTicks(5, 5, 6)
	assert.Greater(t, len(ticks), 1, "a flat curve still gets an axis")
	assert.Equal(t, "2.5", formatTick(2.5, 2.5))
	assert.Equal(t, "100", formatTick(100, 25))
}

func TestMovingAverage(t *testing.T) {
	assert.Equal(t, []float64{1.5, 2, 3, 4, 4.5}, movingAverage([]float64{1, 2, 3, 4, 5}, 3))
	assert.Equal(t, []float64{1, 2}, movingAverage([]float64{1, 2}, 1))
	assert.Equal(t, 1, smoothWindow(10))
	assert.Equal(t, 5, smoothWindow(200))
	assert.Equal(t, 51, smoothWindow(2000))
}

// Rounds run the variants in rotation; the report takes medians, and its
// ratios round by round.
func TestRounds(t *testing.T) {
	opts := fakeOptions(t, "lstm", "plastic")
	opts.Rounds = 3
	var progress bytes.Buffer
	opts.Progress = &progress
	rep, err := Run(context.Background(), opts)
	require.NoError(t, err)
	require.Len(t, rep.Results, 2)
	for _, r := range rep.Results {
		require.NoError(t, r.Err)
		require.Len(t, r.RoundTrain, 3)
		for _, v := range r.RoundTrain {
			assert.InDelta(t, 40000, v, 1e-6)
		}
		assert.InDelta(t, 40000, r.TrainTokensPerSec, 1e-6)
		for _, name := range []string{r.Model, r.Model + ".r2", r.Model + ".r3"} {
			assert.FileExists(t, filepath.Join(opts.Dir, name+".jsonl"))
		}
	}
	assert.Contains(t, progress.String(), "bench [6/6] plastic")
	assert.Contains(t, rep.context(), "3 rounds in rotation")
	md, _, err := rep.WriteFiles()
	require.NoError(t, err)
	checkMarkdown(t, md, 2)
	b, err := os.ReadFile(md)
	require.NoError(t, err)
	assert.Contains(t, string(b), "1.00× (1.00–1.00)")

	// The ratio is the median of the rounds' ratios (0.5, 1.0, 0.9), not
	// the ratio of the medians (4/4).
	assert.Equal(t, "0.90× (0.50–1.00)", roundRatio([]float64{2, 4, 9}, []float64{4, 4, 10}, 4, 4))
	assert.Equal(t, "1.00×", roundRatio([]float64{2}, []float64{4}, 4, 4), "one round: the plain ratio")
	assert.Equal(t, 2.5, median([]float64{3, 1, 2, 4}))
	assert.Equal(t, 2.0, median([]float64{3, 1, 2}))
}
