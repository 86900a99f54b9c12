// Package harness runs lm's model variants side by side for a fixed number of
// training batches and compares them: parameters, training and evaluation
// tokens per second, peak memory and the loss curve.
//
// Each variant runs in a child process of its own — the lm binary re-invoked
// as "lm train -model X -bench-batches N -log FILE …" — so that its peak
// resident set size, taken from the child's rusage, is its own and not the
// high-water mark of everything run before it. The numbers come from the
// child's JSON-lines run log (package runlog), so the harness needs no model
// code and works with any binary that writes that log: lm bench uses its own
// executable, and go test benchmarks can point it at a freshly built lm.
package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neuromod-go/neuromod/internal/config"
	"github.com/neuromod-go/neuromod/internal/runlog"
)

// Options says what to run.
type Options struct {
	// Exe is the program to run; empty means this process's executable.
	Exe string
	// Command is the arguments that come before the training flags;
	// nil means {"train"}.
	Command []string
	// Models are the variants to run, in order; nil means config.Models.
	Models []string
	// Batches is the number of training batches per variant (≥ 1).
	Batches int
	// Rounds runs every variant this many times, in rotation (lstm,
	// plastic, …, then lstm, plastic, … again), so that the drift of a
	// shared, noisy machine falls on every variant alike; 0 means 1. The
	// report gives each variant's median and its ratios to lstm taken round
	// by round.
	Rounds int
	// MatchParams passes -match-params, so every variant has the baseline's
	// parameter count.
	MatchParams bool
	// TrainArgs are extra flags for every child, e.g. -preset, -data,
	// -threads. They come before the harness's own flags, which therefore
	// win.
	TrainArgs []string
	// Dir receives each child's log (<model>.jsonl) and output
	// (<model>.out), and the report files; it is created if needed.
	Dir string
	// Env is added to each child's environment.
	Env []string
	// Progress, if not nil, gets a line as each child starts and ends.
	Progress io.Writer
}

// Result is what one variant's run measured.
type Result struct {
	// Model is the variant.
	Model string
	// Hidden is the hidden size the child used (after -match-params).
	Hidden int
	// Params is the child's trainable parameter count; BaselineParams the
	// baseline count it was matched to (0 without matching).
	Params, BaselineParams int
	// ISA and GOMAXPROCS are what the child ran with.
	ISA        string
	GOMAXPROCS int
	// Losses holds the training loss of every batch, in order (nats/token).
	Losses []float64
	// TrainTokensPerSec is the training throughput over every batch but the
	// first (which pays for warm-up) when there are at least two; with
	// several rounds, the median of RoundTrain.
	TrainTokensPerSec float64
	// EvalTokensPerSec and EvalLoss are from the child's evaluation; 0 if it
	// logged none. With several rounds the rate is the median of RoundEval.
	EvalTokensPerSec float64
	EvalLoss         float64
	// RoundTrain and RoundEval are the rates of every round, in order.
	RoundTrain, RoundEval []float64
	// PeakRSS is the child's peak resident set size in bytes (the largest
	// of the rounds'); 0 if the system does not report it.
	PeakRSS int64
	// Wall is the child's wall time, start-up and evaluation included.
	Wall time.Duration
	// Log and Output are the paths of the child's run log and of its
	// captured stdout and stderr.
	Log, Output string
	// Err is why the run failed, or nil.
	Err error
}

// FinalLossWindow returns how many of the last batches LossAfter averages
// over n batches: a tenth of them, at least 1 and at most 10.
func FinalLossWindow(n int) int {
	return min(max(n/10, 1), 10)
}

// LossAfter is the loss at the end of the run: the mean of the last
// FinalLossWindow(len(Losses)) batch losses, which is steadier than the
// last batch alone. It is NaN without batches.
func (r *Result) LossAfter() float64 {
	n := len(r.Losses)
	if n == 0 {
		return nan()
	}
	k := FinalLossWindow(n)
	sum := 0.0
	for _, l := range r.Losses[n-k:] {
		sum += l
	}
	return sum / float64(k)
}

func nan() float64 {
	var z float64
	return z / z
}

// Report is the outcome of Run.
type Report struct {
	// Options are the options Run used, with defaults filled in.
	Options Options
	// Started is when Run began.
	Started time.Time
	// Results has one entry per variant, in the order of Options.Models.
	Results []Result
}

// Run runs every variant in turn and returns the report. A variant that
// fails is recorded with its error and the others still run; the returned
// error joins the failures. Cancelling ctx interrupts the running child
// (SIGINT, then a kill after ten seconds) and skips the rest.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Batches < 1 {
		return nil, fmt.Errorf("harness: Batches must be ≥ 1 (got %d)", opts.Batches)
	}
	if opts.Exe == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("harness: finding this program to re-run it: %w", err)
		}
		opts.Exe = exe
	}
	if opts.Command == nil {
		opts.Command = []string{"train"}
	}
	if opts.Models == nil {
		opts.Models = append([]string(nil), config.Models...)
	}
	if opts.Dir == "" {
		opts.Dir = "."
	}
	opts.Rounds = max(opts.Rounds, 1)
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("harness: %w", err)
	}
	rep := &Report{Options: opts, Started: time.Now()}
	var errs []error
	n := len(opts.Models) * opts.Rounds
runs:
	for round := range opts.Rounds {
		for i, model := range opts.Models {
			if err := ctx.Err(); err != nil {
				errs = append(errs, err)
				break runs
			}
			at := fmt.Sprintf("%d/%d", round*len(opts.Models)+i+1, n)
			if opts.Progress != nil {
				fmt.Fprintf(opts.Progress, "bench [%s] %s: training %d batches …\n", at, model, opts.Batches)
			}
			r := runChild(ctx, opts, model, round)
			if round == 0 {
				rep.Results = append(rep.Results, r)
			} else {
				rep.Results[i].addRound(r)
			}
			if r.Err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", model, r.Err))
			}
			if opts.Progress != nil {
				if r.Err != nil {
					fmt.Fprintf(opts.Progress, "bench [%s] %s: failed: %v\n", at, model, r.Err)
				} else {
					fmt.Fprintf(opts.Progress, "bench [%s] %s: %s tok/s train, loss %.3f, %s\n", at,
						model, formatRate(r.TrainTokensPerSec), r.LossAfter(), r.Wall.Round(100*time.Millisecond))
				}
			}
		}
	}
	return rep, errors.Join(errs...)
}

// addRound folds a later round's run of the same variant into r: its rates
// join the rounds' (the reported ones become the medians), its peak RSS
// counts if larger, and a failure fails the variant.
func (r *Result) addRound(o Result) {
	if r.Err != nil {
		return
	}
	if o.Err != nil {
		r.Err = o.Err
		return
	}
	r.RoundTrain = append(r.RoundTrain, o.TrainTokensPerSec)
	r.RoundEval = append(r.RoundEval, o.EvalTokensPerSec)
	r.TrainTokensPerSec, r.EvalTokensPerSec = median(r.RoundTrain), median(r.RoundEval)
	r.PeakRSS = max(r.PeakRSS, o.PeakRSS)
	r.Wall += o.Wall
}

// median is the median of xs (the mean of the middle two for an even
// count); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ChildArgs returns the arguments (after the program name) of the child that
// runs model, logging to logPath.
func ChildArgs(opts Options, model, logPath string) []string {
	args := append([]string(nil), opts.Command...)
	args = append(args, opts.TrainArgs...)
	return append(args,
		"-model", model,
		"-match-params="+strconv.FormatBool(opts.MatchParams),
		"-bench-batches", strconv.Itoa(opts.Batches),
		"-log", logPath,
		"-out", opts.Dir+string(filepath.Separator),
	)
}

// runChild runs one variant and gathers its result. The first round's
// files are <model>.jsonl and <model>.out, a later round's
// <model>.r<k>.jsonl and .out.
func runChild(ctx context.Context, opts Options, model string, round int) Result {
	name := model
	if round > 0 {
		name = fmt.Sprintf("%s.r%d", model, round+1)
	}
	r := Result{
		Model:  model,
		Log:    filepath.Join(opts.Dir, name+".jsonl"),
		Output: filepath.Join(opts.Dir, name+".out"),
	}
	// The log is opened for appending: start from an empty one.
	if err := os.Remove(r.Log); err != nil && !errors.Is(err, os.ErrNotExist) {
		r.Err = err
		return r
	}
	out, err := os.Create(r.Output)
	if err != nil {
		r.Err = err
		return r
	}
	defer out.Close()

	cmd := exec.CommandContext(ctx, opts.Exe, ChildArgs(opts, model, r.Log)...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), opts.Env...)
	// Ask the child to stop as Ctrl-C would; kill it if it does not.
	cmd.Cancel = func() error {
		if runtime.GOOS == "windows" {
			return cmd.Process.Kill()
		}
		return cmd.Process.Signal(os.Interrupt)
	}
	cmd.WaitDelay = 10 * time.Second

	start := time.Now()
	runErr := cmd.Run()
	r.Wall = time.Since(start)
	r.PeakRSS = peakRSS(cmd.ProcessState)
	if runErr != nil {
		r.Err = fmt.Errorf("%v%s", runErr, outputTail(r.Output))
		return r
	}
	events, err := runlog.ReadFile(r.Log)
	if err != nil {
		r.Err = fmt.Errorf("reading the child's log: %w", err)
		return r
	}
	if err := Summarize(&r, events); err != nil {
		r.Err = fmt.Errorf("%s: %w", r.Log, err)
	}
	r.RoundTrain, r.RoundEval = []float64{r.TrainTokensPerSec}, []float64{r.EvalTokensPerSec}
	return r
}

// outputTail returns the last lines of a child's output, for an error
// message.
func outputTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return "; its output ends:\n    " + strings.Join(lines, "\n    ")
}

// Summarize fills r's measurements from a child's log events: the start
// event gives the parameter counts and configuration, the batch events the
// loss curve and training throughput, the last eval event the evaluation
// throughput and loss. A log without a start event or without batches is an
// error.
func Summarize(r *Result, events []runlog.Event) error {
	var (
		started     bool
		tokens      int
		sec         float64
		firstTokens int
		firstSec    float64
	)
	r.Losses = r.Losses[:0]
	for _, ev := range events {
		switch ev.Type {
		case runlog.TypeStart:
			started = true
			r.Params, r.BaselineParams = ev.Params, ev.BaselineParams
			r.ISA, r.GOMAXPROCS = ev.ISA, ev.GOMAXPROCS
			if ev.Config != nil {
				r.Hidden = ev.Config.Hidden
			}
		case runlog.TypeBatch:
			if len(r.Losses) == 0 {
				firstTokens, firstSec = ev.Tokens, ev.Sec
			}
			r.Losses = append(r.Losses, ev.Loss)
			tokens += ev.Tokens
			sec += ev.Sec
		case runlog.TypeEval:
			if ev.Sec > 0 {
				r.EvalTokensPerSec = float64(ev.Tokens) / ev.Sec
			}
			r.EvalLoss = ev.Loss
		case runlog.TypeEnd:
			if ev.Status != runlog.StatusOK && ev.Status != "" {
				msg := ev.Status
				if ev.Error != "" {
					msg += ": " + ev.Error
				}
				return fmt.Errorf("the run ended with status %s", msg)
			}
		}
	}
	if !started {
		return errors.New("no start event in the log")
	}
	if len(r.Losses) == 0 {
		return errors.New("no batch events in the log")
	}
	if len(r.Losses) > 1 {
		tokens -= firstTokens
		sec -= firstSec
	}
	if sec > 0 {
		r.TrainTokensPerSec = float64(tokens) / sec
	}
	return nil
}
