package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/neuromod-go/neuromod/internal/config"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/neuromod-go/neuromod/internal/progress"
	"github.com/neuromod-go/neuromod/internal/runlog"
)

// Reporter is how the trainer tells the user and the run log what happens:
// it prints the start banner, the live progress line, per-epoch and
// evaluation results and checkpoint notices, and writes each as an event of
// the JSON-lines log. Its methods are safe for concurrent use. A failing log
// is reported once on the error output and then ignored: losing the log must
// not lose the training.
type Reporter struct {
	mu      sync.Mutex
	command string // "train" or "eval"
	out     io.Writer
	errOut  io.Writer
	meter   *progress.Meter
	log     *runlog.Writer
	now     func() time.Time
	logErr  bool

	info     RunInfo
	started  time.Time // when the reporter was made
	mark     time.Time // the last call, where the next batch's time starts
	lastCkpt string

	epoch         int // the epoch the batch accumulators below describe
	epochBatches  int // batches seen in this epoch by this process
	epochTokens   int
	epochLossSum  float64 // Σ loss·tokens
	epochSec      float64
	lastBatchSeen BatchStats
}

// newReporter returns a reporter for command that prints to out (a live line
// if live), warns on errOut and logs to log (nil: no log).
func newReporter(command string, out, errOut io.Writer, live bool, log *runlog.Writer, now func() time.Time) *Reporter {
	if now == nil {
		now = time.Now
	}
	t := now()
	r := &Reporter{command: command, out: out, errOut: errOut, log: log, now: now, started: t, mark: t}
	// The meter is only called under r.mu right after r.mark is set: it
	// shares the reporter's reading of the clock, one per event.
	r.meter = progress.NewMeter(out, live)
	r.meter.Now = func() time.Time { return r.mark }
	return r
}

// write logs ev, warning once if the log fails.
func (r *Reporter) write(ev runlog.Event) {
	if err := r.log.Write(ev); err != nil && !r.logErr {
		r.logErr = true
		r.meter.Clear()
		fmt.Fprintf(r.errOut, "lm %s: warning: %v; the run continues without its log\n", r.command, err)
	}
}

// Start prints the banner (ISA level, threads, parameter count, config) and
// logs the start event. Call it once, after the model is built.
func (r *Reporter) Start(info RunInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.info = info
	cfg := info.Config
	isa := cpu.Active().String()
	procs := runtime.GOMAXPROCS(0)
	r.meter.Printf("%s", banner(r.command, isa, procs, info))
	r.write(runlog.Event{
		Type: runlog.TypeStart, Version: runlog.Version, Command: r.command, ISA: isa,
		Threads: cfg.Threads, GOMAXPROCS: procs, GoVersion: runtime.Version(), GOOS: runtime.GOOS,
		GOARCH: runtime.GOARCH, Params: info.Params, BaselineParams: info.BaselineParams, Config: &cfg,
	})
	r.mark = r.now()
}

// banner renders the start banner.
func banner(command, isa string, procs int, info RunInfo) string {
	c := info.Config
	var b strings.Builder
	fmt.Fprintf(&b, "lm %s · neuromod %s · %s %s/%s\n", command, version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	threads := fmt.Sprint(c.Threads)
	if c.Threads == 0 {
		threads = "all"
	}
	fmt.Fprintf(&b, "isa %s · threads %s (GOMAXPROCS %d)\n", isa, threads, procs)
	fmt.Fprintf(&b, "model %s · %s parameters", c.Model, groupDigits(info.Params))
	if info.BaselineParams > 0 {
		diff := 100 * float64(info.Params-info.BaselineParams) / float64(info.BaselineParams)
		fmt.Fprintf(&b, " (hidden %d, matched to the baseline LSTM's %s: %+.2f %%)",
			c.Hidden, groupDigits(info.BaselineParams), diff)
	}
	b.WriteString("\n")
	preset := c.Preset
	if preset == "" {
		preset = "none"
	}
	fmt.Fprintf(&b, "config: preset %s · layers %d · hidden %d · emb %d · bptt %d · batch %d\n",
		preset, c.Layers, c.Hidden, c.Emb, c.BPTT, c.Batch)
	fmt.Fprintf(&b, "        %s · lr %g · decay %g from epoch %d · epochs %d · clip %g · l2 %g · init %g · dropout %g · seed %d\n",
		c.Optimizer, c.LR, c.Decay, c.DecayStart, c.Epochs, c.Clip, c.L2, c.Init, c.Dropout, c.Seed)
	if c.Model != config.ModelLSTM {
		p := c.Plasticity
		fmt.Fprintf(&b, "        mod-input %s · fanout %s · eta %s · alpha %s · hebb-clip %g · agdiv %g",
			p.ModInput, p.Fanout, p.Eta, p.Alpha, p.HebbClip, p.AGDiv)
		if p.FanInit != 0 && p.FanInit != 1 {
			fmt.Fprintf(&b, " · fan-init %g", p.FanInit)
		}
		if p.L2Exempt {
			b.WriteString(" · l2-exempt")
		}
		b.WriteString("\n")
	}
	data := c.Data
	if data == "" {
		data = "PTB (download cache)"
	}
	if c.NoVerify {
		data += " (unverified)"
	}
	fmt.Fprintf(&b, "        data %s", data)
	if c.Resume != "" {
		fmt.Fprintf(&b, " · resume %s", c.Resume)
	}
	if c.BenchBatches > 0 {
		fmt.Fprintf(&b, " · bench: %d batches", c.BenchBatches)
	} else if command == "train" {
		fmt.Fprintf(&b, " · checkpoints %s", c.CheckpointPath(isDir))
	}
	if c.Log != "" {
		fmt.Fprintf(&b, " · log %s", c.Log)
	}
	b.WriteString("\n")
	if info.Note != "" {
		b.WriteString(info.Note)
		b.WriteString("\n")
	}
	return b.String()
}

// groupDigits renders n with thousands separators: 4653200 → "4,653,200".
func groupDigits(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Batch records a finished training batch: it logs it and updates the
// progress line (epoch, batch, running loss and perplexity of the epoch,
// tokens/s, and the time the run still needs).
func (r *Reporter) Batch(s BatchStats) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	sec := now.Sub(r.mark).Seconds()
	r.mark = now
	if s.Epoch != r.epoch {
		r.epoch, r.epochBatches, r.epochTokens, r.epochLossSum, r.epochSec = s.Epoch, 0, 0, 0, 0
	}
	r.epochBatches++
	r.epochTokens += s.Tokens
	r.epochLossSum += s.Loss * float64(s.Tokens)
	r.epochSec += sec
	r.lastBatchSeen = s
	r.write(runlog.Event{Type: runlog.TypeBatch, Epoch: s.Epoch, Batch: s.Batch, Batches: s.Batches,
		Loss: s.Loss, Tokens: s.Tokens, Sec: sec, LR: s.LR, GradNorm: s.GradNorm})
	r.meter.Update(r.progressStats(s))
}

// progressStats computes what the live line shows after batch s.
func (r *Reporter) progressStats(s BatchStats) progress.Stats {
	cfg := r.info.Config
	ps := progress.Stats{Epoch: s.Epoch, Epochs: cfg.Epochs, Batch: s.Batch, Batches: s.Batches,
		Loss: r.epochMeanLoss(), ETA: -1}
	if cfg.BenchBatches > 0 {
		ps.Epochs = 0
	}
	if r.epochSec > 0 {
		ps.TokensPerSec = float64(r.epochTokens) / r.epochSec
		secPerBatch := r.epochSec / float64(r.epochBatches)
		left := s.Batches - s.Batch
		if cfg.BenchBatches == 0 && cfg.Epochs > s.Epoch {
			left += (cfg.Epochs - s.Epoch) * s.Batches
		}
		if left >= 0 {
			ps.ETA = time.Duration(float64(left) * secPerBatch * float64(time.Second))
		}
	}
	return ps
}

func (r *Reporter) epochMeanLoss() float64 {
	if r.epochTokens == 0 {
		return math.NaN()
	}
	return r.epochLossSum / float64(r.epochTokens)
}

// Epoch closes an epoch: it prints and logs the training loss, perplexity,
// tokens/s and time of the batches reported in it.
func (r *Reporter) Epoch(s EpochStats) {
	r.mu.Lock()
	defer r.mu.Unlock()
	loss := math.NaN()
	tokens, sec := 0, 0.0
	if r.epoch == s.Epoch {
		loss, tokens, sec = r.epochMeanLoss(), r.epochTokens, r.epochSec
	}
	rate := 0.0
	if sec > 0 {
		rate = float64(tokens) / sec
	}
	r.meter.Printf("epoch %s  train ppl %s (loss %.4f)  lr %.4g  %s  %s",
		r.epochLabel(s.Epoch), progress.FormatPerplexity(loss), loss, s.LR, progress.FormatRate(rate),
		progress.FormatDuration(time.Duration(sec*float64(time.Second))))
	r.write(runlog.Event{Type: runlog.TypeEpoch, Epoch: s.Epoch, Loss: loss, PPL: math.Exp(loss),
		Tokens: tokens, Sec: sec, TokPerS: rate, LR: s.LR})
	r.mark = r.now()
}

func (r *Reporter) epochLabel(epoch int) string {
	if n := r.info.Config.Epochs; n > 0 && r.info.Config.BenchBatches == 0 {
		return fmt.Sprintf("%d/%d", epoch, n)
	}
	return fmt.Sprint(epoch)
}

// Eval prints and logs an evaluation result, with the batch size and segment
// length it used.
func (r *Reporter) Eval(s EvalStats) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sec := s.Elapsed.Seconds()
	rate := 0.0
	if sec > 0 {
		rate = float64(s.Tokens) / sec
	}
	prefix := ""
	if s.Epoch > 0 {
		prefix = "epoch " + r.epochLabel(s.Epoch) + "  "
	}
	r.meter.Printf("%s%s ppl %s (loss %.4f)  %s tokens, batch %d, bptt %d  %s  %s",
		prefix, s.Split, progress.FormatPerplexity(s.Loss), s.Loss, groupDigits(s.Tokens), s.Batch, s.BPTT,
		progress.FormatRate(rate), progress.FormatDuration(s.Elapsed))
	r.write(runlog.Event{Type: runlog.TypeEval, Epoch: s.Epoch, Split: s.Split, Loss: s.Loss,
		PPL: math.Exp(s.Loss), Tokens: s.Tokens, Sec: sec, TokPerS: rate, EvalBatch: s.Batch, BPTT: s.BPTT})
	r.mark = r.now()
}

// Checkpoint announces a checkpoint written to path; reason is "epoch",
// "interrupt" or "final".
func (r *Reporter) Checkpoint(path, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastCkpt = path
	r.meter.Printf("saved %s (%s, epoch %d)", path, reason, r.lastBatchSeen.Epoch)
	r.write(runlog.Event{Type: runlog.TypeCheckpoint, Epoch: r.lastBatchSeen.Epoch,
		Batch: r.lastBatchSeen.Batch, Path: path, Reason: reason})
	r.mark = r.now()
}

// Printf prints a line of its own (clearing the progress line) and logs it
// as a message event.
func (r *Reporter) Printf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	msg := strings.TrimSuffix(fmt.Sprintf(format, args...), "\n")
	r.meter.Printf("%s", msg)
	r.write(runlog.Event{Type: runlog.TypeMessage, Msg: msg})
}

// end clears the progress line and logs the end of the run with its status.
// The command calls it after the seam function returns.
func (r *Reporter) end(status string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.meter.Clear()
	ev := runlog.Event{Type: runlog.TypeEnd, Status: status, Sec: r.now().Sub(r.started).Seconds()}
	if err != nil {
		ev.Error = err.Error()
	}
	r.write(ev)
}

// lastCheckpoint returns the path of the last checkpoint announced, if any.
func (r *Reporter) lastCheckpoint() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastCkpt
}
