package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neuromod-go/neuromod/internal/runlog"
)

// The states of a run (status.json "state").
const (
	statePending     = "pending"     // not started
	stateRunning     = "running"     // an lm process is (or was, if the sitting died) training it
	stateInterrupted = "interrupted" // stopped by Ctrl-C/SIGTERM; resumes from its checkpoint
	stateFailed      = "failed"      // lm failed (e.g. the model is not implemented yet); retried next sitting
	stateDiverged    = "diverged"    // the loss became NaN/Inf; final, never the best
	stateStopped     = "stopped"     // early-stopped by the rule; final, never the best
	stateFinished    = "finished"    // trained all epochs
)

// final reports whether a run in state s needs no more training in a
// sitting that asks for epochs epochs.
func (st *runStatus) final(epochs int) bool {
	switch st.State {
	case stateStopped, stateDiverged:
		return true
	case stateFinished:
		return st.EpochsDone >= epochs
	}
	return false
}

// runStatus is a run's status.json: the state the procedure keeps plus what
// it read from the run's JSON-lines log, which stays the record of truth.
type runStatus struct {
	Condition string `json:"condition"`
	Hyper     Hyper  `json:"hyper"`
	State     string `json:"state"`
	// Epochs is the number of epochs the run is to train; EpochsDone those
	// with a validation perplexity in the log; ValidPPL those perplexities,
	// epoch 1 first.
	Epochs     int       `json:"epochs"`
	EpochsDone int       `json:"epochs_done"`
	ValidPPL   []float64 `json:"valid_ppl"`
	// FinalValidPPL is the last epoch's validation perplexity of a finished
	// run: the tuning criterion.
	FinalValidPPL float64 `json:"final_valid_ppl,omitempty"`
	// Params is the model's trainable parameter count, BaselineParams the
	// baseline's it was matched to, Hidden the matched layer size.
	Params         int `json:"params,omitempty"`
	BaselineParams int `json:"baseline_params,omitempty"`
	Hidden         int `json:"hidden,omitempty"`
	// WallSec is the wall time of the run's lm train processes (the sum of
	// their end events; a process killed without one is not counted).
	WallSec    float64 `json:"wall_sec"`
	StopReason string  `json:"stop_reason,omitempty"`
	Error      string  `json:"error,omitempty"`
	// Checkpoint, Log and Console are relative to the output directory.
	Checkpoint string `json:"checkpoint"`
	Log        string `json:"log"`
	Console    string `json:"console"`
	// ForkedFrom names the run whose first epochs this one continued,
	// e.g. "c1 after epoch 4" (see forkSource); empty for a run trained
	// from the start.
	ForkedFrom string `json:"forked_from,omitempty"`
	// Test is set on the condition's best run once it is evaluated on test.
	Test    *testResult `json:"test,omitempty"`
	Updated time.Time   `json:"updated"`
}

// testResult is the one test-split evaluation of a condition's best run.
type testResult struct {
	PPL    float64 `json:"ppl"`
	Loss   float64 `json:"loss"`
	Tokens int     `json:"tokens"`
	Sec    float64 `json:"sec"`
	Batch  int     `json:"batch"`
	// Epochs is the number of epochs the evaluated checkpoint had trained.
	Epochs int    `json:"epochs"`
	Log    string `json:"log"`
}

// afterEpoch, when set (by tests), runs after each lm train process of a run
// ends; epoch is the number of epochs the run has finished.
var afterEpoch func(condition, id string, epoch int)

// proc is one sitting of the procedure.
type proc struct {
	opts           options
	lm             string
	stdout, stderr io.Writer
	// sum, when set, is rewritten after every epoch so summary.md shows
	// the progress of a long sitting.
	sum *summary
}

func (p *proc) runDir(cond, id string) string { return filepath.Join(p.opts.Out, cond, id) }

func (p *proc) statusPath(cond, id string) string {
	return filepath.Join(p.runDir(cond, id), "status.json")
}

// loadStatus returns the run's status, a pending one if it has none.
func (p *proc) loadStatus(cond string, h Hyper) (*runStatus, error) {
	st := &runStatus{
		Condition: cond, Hyper: h, State: statePending, Epochs: p.opts.Epochs,
		Checkpoint: filepath.Join(cond, h.ID, cond+".safetensors"),
		Log:        filepath.Join(cond, h.ID, "train.jsonl"),
		Console:    filepath.Join(cond, h.ID, "console.txt"),
	}
	b, err := os.ReadFile(p.statusPath(cond, h.ID))
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("%s: %w", p.statusPath(cond, h.ID), err)
	}
	if st.Hyper.ID != h.ID || st.Hyper.Decay != h.Decay || st.Hyper.DecayStart != h.DecayStart ||
		st.Hyper.Init != h.Init || st.Hyper.L2 != h.L2 {
		return nil, fmt.Errorf("%s holds configuration %+v, not %+v: the grid changed; move the old runs away",
			p.statusPath(cond, h.ID), st.Hyper, h)
	}
	st.Hyper.Why = h.Why
	return st, nil
}

// saveStatus writes st atomically (temp file, rename), so an interrupted
// sitting never leaves a half-written status.json.
func (p *proc) saveStatus(st *runStatus) error {
	st.Updated = time.Now().UTC()
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(p.statusPath(st.Condition, st.Hyper.ID), append(b, '\n'))
}

// writeAtomic writes b to path through a temporary file of its own, so
// readers and concurrent sittings (on other conditions) never see a partial
// file.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// errInterrupted ends a sitting whose lm process was interrupted by a
// signal that did not reach this process.
var errInterrupted = errors.New("lm was interrupted (exit status 130); run the same command again to continue")

// exitCode returns the exit status of a failed command, or -1.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// logSummary is what the procedure reads from a run's train.jsonl.
type logSummary struct {
	valid          []float64 // validation perplexity per epoch, contiguous from epoch 1
	params         int
	baselineParams int
	hidden         int
	wallSec        float64
	lastError      string // the error of the last end event, if it failed
}

// readTrainLog summarises a run's log. When an epoch appears twice (its
// checkpoint was lost and the epoch trained again) the later value counts.
func readTrainLog(path string) (logSummary, error) {
	var s logSummary
	events, err := runlog.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	byEpoch := map[int]float64{}
	for _, ev := range events {
		switch ev.Type {
		case runlog.TypeStart:
			s.params, s.baselineParams = ev.Params, ev.BaselineParams
			if ev.Config != nil {
				s.hidden = ev.Config.Hidden
			}
		case runlog.TypeEval:
			if ev.Split == "valid" && ev.Epoch > 0 {
				byEpoch[ev.Epoch] = ev.PPL
			}
		case runlog.TypeEnd:
			s.wallSec += ev.Sec
			s.lastError = ""
			if ev.Status == runlog.StatusError {
				s.lastError = ev.Error
			}
		}
	}
	for e := 1; ; e++ {
		v, ok := byEpoch[e]
		if !ok {
			break
		}
		s.valid = append(s.valid, v)
	}
	return s, nil
}

// refresh updates st from its log.
func (p *proc) refresh(st *runStatus) (logSummary, error) {
	s, err := readTrainLog(filepath.Join(p.opts.Out, st.Log))
	if err != nil {
		return s, err
	}
	st.ValidPPL, st.EpochsDone = s.valid, len(s.valid)
	if s.params > 0 {
		st.Params, st.BaselineParams, st.Hidden = s.params, s.baselineParams, s.hidden
	}
	st.WallSec = s.wallSec
	st.Epochs = p.opts.Epochs
	st.FinalValidPPL = 0
	if st.EpochsDone >= st.Epochs {
		st.FinalValidPPL = st.ValidPPL[st.Epochs-1]
	}
	return s, nil
}

// reference returns the finished run of the condition with the lowest final
// validation perplexity among the configurations of this sitting, or nil.
func (p *proc) reference(cond string) (*runStatus, error) {
	var best *runStatus
	for _, h := range Grid[:p.opts.Configs] {
		st, err := p.loadStatus(cond, h)
		if err != nil {
			return nil, err
		}
		if st.State == stateFinished && st.EpochsDone >= p.opts.Epochs && len(st.ValidPPL) >= p.opts.Epochs {
			st.FinalValidPPL = st.ValidPPL[p.opts.Epochs-1]
			if best == nil || st.FinalValidPPL < best.FinalValidPPL {
				best = st
			}
		}
	}
	return best, nil
}

// trainRun trains one configuration epoch by epoch until it is finished,
// stopped by the rule, fails, or the sitting is interrupted (then it returns
// ctx's error).
func (p *proc) trainRun(ctx context.Context, cond string, h Hyper) (*runStatus, error) {
	st, err := p.loadStatus(cond, h)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(p.runDir(cond, h.ID), 0o755); err != nil {
		return nil, err
	}
	if err := waitOrphan(ctx, p.runDir(cond, h.ID), p.stdout); err != nil {
		return nil, err
	}
	if _, err := p.refresh(st); err != nil {
		return nil, err
	}
	if st.State == stateFinished && st.EpochsDone < p.opts.Epochs {
		st.State = stateInterrupted // more epochs asked for than it had: train on
	}
	if st.final(p.opts.Epochs) {
		return st, nil
	}
	if err := p.startFromFork(st); err != nil {
		return nil, err
	}
	st.Error = ""
	for {
		if st.EpochsDone >= p.opts.Epochs {
			st.State = stateFinished
			return st, p.saveStatus(st)
		}
		if ref, err := p.reference(cond); err != nil {
			return nil, err
		} else if ref != nil && ref.Hyper.ID != h.ID {
			if stop, why := earlyStop(h, st.ValidPPL, ref.Hyper, ref.ValidPPL); stop {
				st.State, st.StopReason = stateStopped, why
				fmt.Fprintf(p.stdout, "%s/%s: stopped early: %s\n", cond, h.ID, why)
				return st, p.saveStatus(st)
			}
		}
		if ctx.Err() != nil {
			st.State = stateInterrupted
			return st, errors.Join(ctx.Err(), p.saveStatus(st))
		}
		st.State = stateRunning
		if err := p.saveStatus(st); err != nil {
			return nil, err
		}
		args, resumed := p.trainArgs(st)
		verb := "starting"
		if resumed {
			verb = "resuming"
		}
		fmt.Fprintf(p.stdout, "%s %s/%s (%s): epoch %d of %d\n", time.Now().Format("15:04:05"), cond, h.ID, verb, st.EpochsDone+1, p.opts.Epochs)
		runErr := p.runLM(ctx, p.runDir(cond, h.ID), args)
		s, err := p.refresh(st)
		if err != nil {
			return nil, err
		}
		if afterEpoch != nil {
			afterEpoch(cond, h.ID, st.EpochsDone)
		}
		switch {
		case runErr == nil:
			if n := len(st.ValidPPL); n > 0 {
				fmt.Fprintf(p.stdout, "%s %s/%s: epoch %d valid ppl %.2f\n", time.Now().Format("15:04:05"), cond, h.ID, n, st.ValidPPL[n-1])
			}
			if err := p.saveStatus(st); err != nil {
				return nil, err
			}
			if err := p.keepForks(st); err != nil {
				return nil, err
			}
			if p.sum != nil {
				if err := p.writeSummary(p.sum); err != nil {
					return nil, err
				}
			}
			continue
		case ctx.Err() != nil:
			st.State = stateInterrupted
			return st, errors.Join(ctx.Err(), p.saveStatus(st))
		case exitCode(runErr) == 130:
			// lm was interrupted on its own (someone signalled it): it saved
			// a checkpoint; end the sitting as if it had been interrupted.
			st.State = stateInterrupted
			return st, errors.Join(errInterrupted, p.saveStatus(st))
		case strings.Contains(s.lastError, "diverged"):
			st.State, st.Error = stateDiverged, s.lastError
		default:
			st.State, st.Error = stateFailed, runErr.Error()
			if s.lastError != "" {
				st.Error = s.lastError
			}
		}
		fmt.Fprintf(p.stderr, "%s/%s: %s: %s (see %s)\n", cond, h.ID, st.State, st.Error, filepath.Join(p.opts.Out, st.Console))
		return st, p.saveStatus(st)
	}
}

// trainArgs returns the lm train command line of the run's next epoch, and
// whether it resumes a checkpoint. A run starts from the fixed
// settings plus its configuration; a resumed one takes everything from its
// checkpoint except the epoch count, data, threads and paths.
func (p *proc) trainArgs(st *runStatus) ([]string, bool) {
	dir := p.runDir(st.Condition, st.Hyper.ID)
	ckpt := filepath.Join(p.opts.Out, st.Checkpoint)
	common := []string{
		"-epochs", strconv.Itoa(st.EpochsDone + 1), "-data", p.opts.Data, "-threads", strconv.Itoa(p.opts.Threads),
		"-out", dir + string(filepath.Separator), "-log", filepath.Join(p.opts.Out, st.Log), "-skip-test",
	}
	if p.opts.NoVerify {
		common = append(common, "-no-verify")
	}
	// Any checkpoint is resumed, including one lm saved mid-epoch when it was
	// interrupted (then EpochsDone+1 is the epoch it is in). The schedule is
	// given again for a run forked from another configuration's checkpoint,
	// which holds that configuration's (identical so far).
	if _, err := os.Stat(ckpt); err == nil {
		sched := []string{"-decay", fmtFloat(st.Hyper.Decay), "-decay-start", strconv.Itoa(st.Hyper.DecayStart)}
		return append(append([]string{"train", "-resume", ckpt}, sched...), common...), true
	}
	args := []string{
		"train", "-preset", "zaremba-small", "-model", st.Condition, "-match-params",
		"-bptt", "20", "-batch", "20", "-optimizer", "sgd", "-lr", "1", "-clip", "5", "-dropout", "0", "-seed", "1",
	}
	args = append(args, st.Hyper.trainFlags()...)
	args = append(args, common...)
	return append(args, p.opts.Extra...), false
}

// runLM runs lm with args, appending its output to the run directory's
// console.txt. Cancelling ctx sends lm one SIGINT (lm then saves a
// checkpoint and exits); lm runs in its own process group so that a Ctrl-C
// at the terminal does not reach it a second time, which would make it quit
// without saving.
//
// If this process is killed outright, lm trains on to the end of its epoch
// (one epoch per process), saves and exits: its work is kept. lm.pid in the
// run directory names the running lm, so that a new sitting waits for such an
// orphan instead of training the same run beside it.
func (p *proc) runLM(ctx context.Context, dir string, args []string) error {
	if err := waitOrphan(ctx, dir, p.stdout); err != nil {
		return err
	}
	console, err := os.OpenFile(filepath.Join(dir, "console.txt"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer console.Close()
	fmt.Fprintf(console, "\n# %s\n$ %s %s\n", time.Now().UTC().Format(time.RFC3339), p.lm, strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, p.lm, args...)
	cmd.Stdout, cmd.Stderr = console, console
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 2 * time.Minute
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	pidFile := filepath.Join(dir, "lm.pid")
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		cmd.Cancel()
		cmd.Wait()
		return err
	}
	err = cmd.Wait()
	os.Remove(pidFile)
	return err
}

// waitOrphan waits until the lm named by dir/lm.pid, left running by a
// sitting that was killed, has exited.
func waitOrphan(ctx context.Context, dir string, log io.Writer) error {
	pidFile := filepath.Join(dir, "lm.pid")
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err == nil && pid > 0 && processAlive(pid) {
		fmt.Fprintf(log, "%s: waiting for lm (pid %d), left running by an earlier sitting, to finish its epoch\n", dir, pid)
		for processAlive(pid) {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(2 * time.Second):
			}
		}
	}
	return os.Remove(pidFile)
}

// test evaluates the condition's best run once on the test split, batch 1,
// with the state carried through the split.
func (p *proc) test(ctx context.Context, st *runStatus) error {
	dir := p.runDir(st.Condition, st.Hyper.ID)
	logRel := filepath.Join(st.Condition, st.Hyper.ID, "test.jsonl")
	logPath := filepath.Join(p.opts.Out, logRel)
	// A test already in the log (the sitting died before status.json was
	// written) is not run again.
	if err := waitOrphan(ctx, dir, p.stdout); err != nil {
		return err
	}
	res, err := readTestLog(logPath)
	if err != nil {
		return err
	}
	if res == nil {
		args := []string{"eval", "-split", "test", "-batch", "1", "-data", p.opts.Data,
			"-threads", strconv.Itoa(p.opts.Threads), "-log", logPath}
		if p.opts.NoVerify {
			args = append(args, "-no-verify")
		}
		args = append(args, filepath.Join(p.opts.Out, st.Checkpoint))
		fmt.Fprintf(p.stdout, "%s %s/%s: evaluating on test (batch 1)\n", time.Now().Format("15:04:05"), st.Condition, st.Hyper.ID)
		if err := p.runLM(ctx, dir, args); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%s/%s: test evaluation: %w (see %s)", st.Condition, st.Hyper.ID, err, filepath.Join(p.opts.Out, st.Console))
		}
		if res, err = readTestLog(logPath); err != nil {
			return err
		}
		if res == nil {
			return fmt.Errorf("%s: no test evaluation in the log", logPath)
		}
	}
	res.Log, res.Epochs = logRel, st.EpochsDone
	st.Test = res
	fmt.Fprintf(p.stdout, "%s/%s: test ppl %.2f\n", st.Condition, st.Hyper.ID, res.PPL)
	return p.saveStatus(st)
}

// readTestLog returns the last test evaluation in an lm eval log, or nil.
func readTestLog(path string) (*testResult, error) {
	events, err := runlog.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var res *testResult
	for _, ev := range events {
		if ev.Type == runlog.TypeEval && ev.Split == "test" {
			res = &testResult{PPL: ev.PPL, Loss: ev.Loss, Tokens: ev.Tokens, Sec: ev.Sec, Batch: ev.EvalBatch}
		}
	}
	return res, nil
}

// condition runs (or resumes) every configuration of one condition, then
// evaluates the best on test once all are final. It returns ctx's error when
// interrupted; a run that fails is recorded and does not stop the others.
func (p *proc) condition(ctx context.Context, cond string) ([]*runStatus, error) {
	var runs []*runStatus
	for _, h := range runOrder(Grid[:p.opts.Configs], p.opts.First) {
		st, err := p.trainRun(ctx, cond, h)
		if err != nil {
			return runs, err
		}
		runs = append(runs, st)
	}
	if !allFinal(runs, p.opts.Epochs) {
		return runs, nil // a run failed: no test until the tuning is complete
	}
	best := bestRun(runs)
	if best == nil {
		return runs, nil
	}
	if best.Test != nil && best.Test.Epochs == best.EpochsDone {
		return runs, nil
	}
	if best.Test != nil { // tested at fewer epochs: the old log no longer applies
		old := filepath.Join(p.opts.Out, best.Test.Log)
		if err := os.Rename(old, old+".epochs"+strconv.Itoa(best.Test.Epochs)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return runs, err
		}
		best.Test = nil
	}
	return runs, p.test(ctx, best)
}

func allFinal(runs []*runStatus, epochs int) bool {
	return !slices.ContainsFunc(runs, func(st *runStatus) bool { return !st.final(epochs) })
}

// bestRun returns the finished run with the lowest final validation
// perplexity, or nil.
func bestRun(runs []*runStatus) *runStatus {
	var best *runStatus
	for _, st := range runs {
		if st.State != stateFinished || st.FinalValidPPL <= 0 || math.IsNaN(st.FinalValidPPL) {
			continue
		}
		if best == nil || st.FinalValidPPL < best.FinalValidPPL {
			best = st
		}
	}
	return best
}

// forkSource returns the configuration before h in grid whose run trains
// exactly as h's does for the most leading epochs, and that number of
// epochs (0 if none does): the same initialisation and L2 (everything else
// is fixed by the procedure and the seed), and neither learning rate decayed
// yet. Training is deterministic, so h's run may start from that run's
// checkpoint after those epochs instead of training them again: c4 and c5
// start from c1 after epochs 4 and 3, 7 of the grid's 78 epochs per
// condition. Ties go to the earlier configuration.
func forkSource(h Hyper, grid []Hyper) (Hyper, int) {
	var src Hyper
	best := 0
	for _, d := range grid {
		if d.ID == h.ID {
			break
		}
		if e := sharedEpochs(h, d); e > best {
			src, best = d, e
		}
	}
	return src, best
}

// sharedEpochs is the number of leading epochs that runs of h and d train
// identically.
func sharedEpochs(h, d Hyper) int {
	if h.Init != d.Init || h.L2 != d.L2 {
		return 0
	}
	return max(0, min(h.DecayStart, d.DecayStart)-1)
}

// forkDir is where run src keeps its checkpoint and log after epoch e for
// the configurations forked from it.
func (p *proc) forkDir(cond, src string, e int) string {
	return filepath.Join(p.runDir(cond, src), fmt.Sprintf("fork-after-epoch-%d", e))
}

// forkFiles are a run's files, relative to its directory, that a fork
// copies: the checkpoint, its training state and the log.
func forkFiles(cond string) []string {
	return []string{cond + ".safetensors", cond + ".safetensors.train", "train.jsonl"}
}

// keepForks copies run st's checkpoint and log, just after an epoch, for
// every configuration of the sitting that will start from it at this epoch
// and has not started yet.
func (p *proc) keepForks(st *runStatus) error {
	grid := Grid[:p.opts.Configs]
	for _, g := range grid {
		src, e := forkSource(g, grid)
		if e == 0 || src.ID != st.Hyper.ID || e != st.EpochsDone || e >= p.opts.Epochs {
			continue
		}
		gst, err := p.loadStatus(st.Condition, g)
		if err != nil {
			return err
		}
		if gst.State != statePending {
			continue
		}
		dir := p.forkDir(st.Condition, st.Hyper.ID, e)
		if err := copyFiles(p.runDir(st.Condition, st.Hyper.ID), dir, forkFiles(st.Condition)); err != nil {
			return fmt.Errorf("keeping %s/%s's epoch-%d checkpoint for %s: %w", st.Condition, st.Hyper.ID, e, g.ID, err)
		}
	}
	return nil
}

// startFromFork starts a pending run from its fork source's checkpoint,
// when that was kept, by copying it and the log into the run's directory;
// the run then resumes it with its own schedule.
func (p *proc) startFromFork(st *runStatus) error {
	if st.State != statePending || st.EpochsDone > 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(p.opts.Out, st.Checkpoint)); err == nil {
		return nil
	}
	src, e := forkSource(st.Hyper, Grid[:p.opts.Configs])
	if e == 0 || e >= p.opts.Epochs {
		return nil
	}
	dir := p.forkDir(st.Condition, src.ID, e)
	if _, err := os.Stat(filepath.Join(dir, forkFiles(st.Condition)[0])); err != nil {
		return nil // not kept (e.g. by an older sitting): train from the start
	}
	if err := copyFiles(dir, p.runDir(st.Condition, st.Hyper.ID), forkFiles(st.Condition)); err != nil {
		return fmt.Errorf("starting %s/%s from %s's checkpoint: %w", st.Condition, st.Hyper.ID, src.ID, err)
	}
	if _, err := p.refresh(st); err != nil {
		return err
	}
	if st.EpochsDone != e {
		return fmt.Errorf("%s: the copied log has %d epochs, want %d", dir, st.EpochsDone, e)
	}
	st.ForkedFrom = fmt.Sprintf("%s after epoch %d", src.ID, e)
	fmt.Fprintf(p.stdout, "%s/%s: starts from %s's checkpoint after epoch %d (identical so far)\n", st.Condition, st.Hyper.ID, src.ID, e)
	return p.saveStatus(st)
}

// copyFiles copies the named files from one directory into another (made
// if needed), each atomically.
func copyFiles(from, to string, names []string) error {
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(from, name))
		if err != nil {
			return err
		}
		if err := writeAtomic(filepath.Join(to, name), b); err != nil {
			return err
		}
	}
	return nil
}

// runOrder returns grid with the configurations named in first moved to the
// front, in that order, and the others after them in grid order. Only the
// order in which a sitting trains them changes: the early-stopping reference
// is whichever finished run is best, so a configuration run first is judged
// by the same rule, just against fewer finished runs.
func runOrder(grid []Hyper, first []string) []Hyper {
	out := make([]Hyper, 0, len(grid))
	for _, id := range first {
		if i := slices.IndexFunc(grid, func(h Hyper) bool { return h.ID == id }); i >= 0 {
			out = append(out, grid[i])
		}
	}
	for _, h := range grid {
		if !slices.Contains(first, h.ID) {
			out = append(out, h)
		}
	}
	return out
}
