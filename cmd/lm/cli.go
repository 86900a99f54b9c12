package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/neuromod-go/neuromod/internal/config"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/neuromod-go/neuromod/internal/progress"
	"github.com/neuromod-go/neuromod/internal/runlog"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitInterrupted = 130 // as a shell reports a process ended by SIGINT
)

const usageText = `lm trains and evaluates neuromod's LSTM language models on Penn Treebank:
the baseline LSTM and Backpropamine's plastic, neuromodulated and retroactive
variants.

Usage:
  lm train  [flags]                   train a model
  lm eval   [flags] CHECKPOINT        perplexity of a checkpoint on a split
  lm sample [flags] CHECKPOINT        generate text from a checkpoint
  lm bench  [flags] [-- train flags]  train each variant for a few batches, each
                                      in its own process, and compare them
  lm version                          print the version, Go and ISA levels
  lm help [COMMAND]                   print this text, or a command's flags

Examples:
  lm train -preset zaremba-small -data ../shared/data/ptb
  lm train -preset zaremba-small -model neuromod -match-params -out runs/
  lm train -resume runs/neuromod.safetensors
  lm eval -split test lstm.safetensors
  lm sample -n 50 -temperature 0.8 -prime "the company" lstm.safetensors
  lm bench -batches 200 -preset zaremba-small -data ../shared/data/ptb -threads 2

Exit status: 0 success, 1 failure, 2 usage error, 130 interrupted (lm train
saves a checkpoint first; -resume continues from it).
Environment: NEUROMOD_ISA=generic|avx2|avx512|neon caps the instruction set.
`

// usageError is a mistake on the command line: the command prints it with a
// hint and exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// env is what a subcommand runs with; tests build their own.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
}

// subcommand is one of lm's commands.
type subcommand struct {
	name string
	// flags defines the command's flags on fs; it returns a function that
	// runs the command once fs has parsed the arguments (positional ones
	// are passed as args).
	flags func(fs *flag.FlagSet) func(e env, args []string) error
	// usage is the command line shown above the flags.
	usage string
	// note follows the flags in the help text.
	note string
}

func subcommands() []subcommand {
	return []subcommand{
		{name: "train", usage: "lm train [flags]", flags: trainFlags, note: trainNote},
		{name: "eval", usage: "lm eval [flags] CHECKPOINT", flags: evalFlags},
		{name: "sample", usage: "lm sample [flags] CHECKPOINT", flags: sampleFlags},
		{name: "bench", usage: "lm bench [flags] [-- train flags]", flags: benchFlags, note: benchNote},
	}
}

// run executes lm with args (without the program name) and returns the exit
// status. It never panics on bad input: every mistake is a message.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runEnv(env{ctx: ctx, stdout: stdout, stderr: stderr, now: time.Now}, args)
}

func runEnv(e env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usageText)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			if sc, ok := findSubcommand(rest[0]); ok {
				printCommandUsage(e.stdout, sc)
				return exitOK
			}
			fmt.Fprintf(e.stderr, "lm help: unknown command %q\n\n%s", rest[0], usageText)
			return exitUsage
		}
		fmt.Fprint(e.stdout, usageText)
		return exitOK
	case "version", "-version", "--version":
		printVersion(e.stdout)
		return exitOK
	}
	sc, ok := findSubcommand(name)
	if !ok {
		fmt.Fprintf(e.stderr, "lm: unknown command %q\n\n%s", name, usageText)
		return exitUsage
	}
	return runSubcommand(e, sc, rest)
}

func findSubcommand(name string) (subcommand, bool) {
	for _, sc := range subcommands() {
		if sc.name == name {
			return sc, true
		}
	}
	return subcommand{}, false
}

// newFlagSet returns a flag set that reports nothing itself: runSubcommand
// prints the errors and the usage.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("lm "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

func runSubcommand(e env, sc subcommand, args []string) int {
	fs := newFlagSet(sc.name)
	body := sc.flags(fs)
	positional, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printCommandUsage(e.stdout, sc)
		return exitOK
	}
	if err == nil {
		err = body(e, positional)
	}
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue) || isFlagError(err):
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(e.stderr, "lm %s: %s\n", sc.name, line)
		}
		fmt.Fprintf(e.stderr, "Run 'lm %s -h' for the flags.\n", sc.name)
		return exitUsage
	case errors.Is(err, context.Canceled) && e.ctx.Err() != nil:
		msg := "interrupted"
		var ie interruptError
		if errors.As(err, &ie) && ie.hint != "" {
			msg += "; " + ie.hint
		}
		fmt.Fprintf(e.stderr, "lm %s: %s\n", sc.name, msg)
		return exitInterrupted
	default:
		fmt.Fprintf(e.stderr, "lm %s: %v\n", sc.name, err)
		return exitFailure
	}
}

// interruptError is an interrupted run's error with a hint on how to go on.
type interruptError struct {
	err  error
	hint string
}

func (e interruptError) Error() string { return e.err.Error() }
func (e interruptError) Unwrap() error { return e.err }

// flagError marks errors of the flag package's parser.
type flagError struct{ err error }

func (e flagError) Error() string { return e.err.Error() }
func (e flagError) Unwrap() error { return e.err }

func isFlagError(err error) bool {
	var fe flagError
	return errors.As(err, &fe)
}

// parseInterleaved parses args with fs, allowing flags after positional
// arguments ("lm eval model.safetensors -split test"), and returns the
// positional ones. "--" ends the flags; everything after it is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, flagError{err}
		}
		rest := fs.Args()
		// The flag package stops at "--" (consuming it) or at the first
		// non-flag argument.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func printCommandUsage(w io.Writer, sc subcommand) {
	fs := newFlagSet(sc.name)
	sc.flags(fs)
	fmt.Fprintf(w, "Usage: %s\n\nFlags:\n", sc.usage)
	fs.SetOutput(w)
	fs.PrintDefaults()
	if sc.note != "" {
		fmt.Fprintf(w, "\n%s", sc.note)
	}
}

// version returns the module version and VCS revision the binary was built
// from, as far as the build recorded them.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

func printVersion(w io.Writer) {
	levels := make([]string, 0, 4)
	for _, l := range cpu.Supported() {
		levels = append(levels, l.String())
	}
	fmt.Fprintf(w, "lm (neuromod) %s\n%s %s/%s, ISA levels %s, active %s\n",
		version(), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		strings.Join(levels, " "), cpu.Active())
}

// noPositional rejects positional arguments for commands that take none.
func noPositional(args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q (this command takes only flags)", args[0])
	}
	return nil
}

// oneCheckpoint picks the checkpoint from the -checkpoint flag or the single
// positional argument.
func oneCheckpoint(flagValue string, args []string) (string, error) {
	switch {
	case len(args) > 1:
		return "", usagef("expected one checkpoint, got %d arguments: %s", len(args), strings.Join(args, " "))
	case len(args) == 1 && flagValue != "" && flagValue != args[0]:
		return "", usagef("two checkpoints given: -checkpoint %s and %s", flagValue, args[0])
	case len(args) == 1:
		return args[0], nil
	}
	return flagValue, nil
}

// applyThreads sets GOMAXPROCS from a -threads value (0 leaves it).
func applyThreads(threads int) {
	if threads > 0 {
		runtime.GOMAXPROCS(threads)
	}
}

// openLog opens the run log at path, or returns nil for no log.
func openLog(path string) (*runlog.Writer, error) {
	if path == "" {
		return nil, nil
	}
	return runlog.Create(path)
}

// finish ends a reporter's run after the seam function returned err and
// turns err into the command's error.
func finish(e env, rep *Reporter, log *runlog.Writer, err error) error {
	switch {
	case err == nil:
		rep.end(runlog.StatusOK, nil)
	case errors.Is(err, context.Canceled) && e.ctx.Err() != nil:
		rep.end(runlog.StatusInterrupted, nil)
	default:
		rep.end(runlog.StatusError, err)
	}
	if cerr := log.Close(); cerr != nil && err == nil {
		fmt.Fprintf(e.stderr, "lm: warning: %v\n", cerr)
	}
	return err
}

// ---- lm train ----

const trainNote = `Flags given explicitly override the preset, which overrides the defaults
(the zaremba-small values). Presets:
  zaremba-small   2×200, emb 200, bptt 20, batch 20, lr 1, 13 epochs, decay 0.5
                  from epoch 5, clip 5, init 0.1, dropout 0
  zaremba-medium  2×650, emb 650, bptt 35, batch 20, lr 1, 39 epochs, decay 0.8
                  from epoch 7, clip 5, init 0.05, dropout 0.5
With -resume, the checkpoint fixes the architecture (model, sizes, batch, bptt,
optimizer, seed, plasticity options); other flags given explicitly override it.
Ctrl-C saves a checkpoint and exits with status 130; a second Ctrl-C quits at once.
`

func trainFlags(fs *flag.FlagSet) func(env, []string) error {
	parsed := config.Default()
	parsed.RegisterFlags(fs)
	preset := fs.String("preset", "", "start from a preset: "+strings.Join(config.PresetNames(), "|"))
	return func(e env, args []string) error {
		if err := noPositional(args); err != nil {
			return err
		}
		cfg, err := trainConfig(fs, parsed, *preset)
		if err != nil {
			return err
		}
		if cfg.Model == config.ModelLSTM {
			for _, name := range cfg.Explicit {
				if slices.Contains(config.PlasticityFlags, name) {
					fmt.Fprintf(e.stderr, "lm train: warning: -%s has no effect with -model lstm\n", name)
				}
			}
		}
		return runTrain(e, cfg)
	}
}

// trainConfig builds and validates the training configuration from parsed
// flags.
func trainConfig(fs *flag.FlagSet, parsed config.Config, preset string) (config.Config, error) {
	cfg, err := config.FromFlags(fs, parsed, preset)
	if err != nil {
		return config.Config{}, usageError{err.Error()}
	}
	if err := cfg.Validate(); err != nil {
		return config.Config{}, usageError{err.Error()}
	}
	return cfg, nil
}

func runTrain(e env, cfg config.Config) error {
	applyThreads(cfg.Threads)
	log, err := openLog(cfg.Log)
	if err != nil {
		return err
	}
	rep := newReporter("train", e.stdout, e.stderr, progress.IsTerminal(e.stdout), log, e.now)
	err = finish(e, rep, log, trainFunc(e.ctx, cfg, rep))
	if errors.Is(err, context.Canceled) && e.ctx.Err() != nil {
		if p := rep.lastCheckpoint(); p != "" {
			return interruptError{err, "continue with: lm train -resume " + p}
		}
	}
	return err
}

// ---- lm eval ----

func evalFlags(fs *flag.FlagSet) func(env, []string) error {
	cfg := config.EvalConfig{Split: "test", Batch: 1}
	fs.StringVar(&cfg.Checkpoint, "checkpoint", "", "checkpoint to evaluate (or give it as the argument)")
	fs.StringVar(&cfg.Data, "data", "", "directory with ptb.{train,valid,test}.txt (default: the download cache)")
	fs.BoolVar(&cfg.NoVerify, "no-verify", false, "skip the PTB checksums (for other corpora)")
	fs.StringVar(&cfg.Split, "split", cfg.Split, "split to evaluate: "+strings.Join(config.Splits, "|"))
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "parallel streams (1 carries the state through the whole split)")
	fs.IntVar(&cfg.BPTT, "bptt", 0, "segment length (0: the checkpoint's)")
	fs.IntVar(&cfg.Threads, "threads", 0, "threads (0: every CPU)")
	fs.StringVar(&cfg.Log, "log", "", "JSON-lines event log to append to")
	return func(e env, args []string) error {
		ckpt, err := oneCheckpoint(cfg.Checkpoint, args)
		if err != nil {
			return err
		}
		cfg.Checkpoint = ckpt
		if err := cfg.Validate(); err != nil {
			return usageError{err.Error()}
		}
		applyThreads(cfg.Threads)
		log, err := openLog(cfg.Log)
		if err != nil {
			return err
		}
		rep := newReporter("eval", e.stdout, e.stderr, false, log, e.now)
		return finish(e, rep, log, evalFunc(e.ctx, cfg, rep))
	}
}

// ---- lm sample ----

func sampleFlags(fs *flag.FlagSet) func(env, []string) error {
	cfg := config.SampleConfig{N: 100, Temperature: 1, Seed: 1}
	fs.StringVar(&cfg.Checkpoint, "checkpoint", "", "checkpoint to sample from (or give it as the argument)")
	fs.StringVar(&cfg.Data, "data", "", "directory with the PTB files, if the checkpoint lacks the vocabulary")
	fs.BoolVar(&cfg.NoVerify, "no-verify", false, "skip the PTB checksums (for other corpora)")
	fs.IntVar(&cfg.N, "n", cfg.N, "words to generate")
	fs.Float64Var(&cfg.Temperature, "temperature", cfg.Temperature, "sampling temperature (lower: more conservative)")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	fs.StringVar(&cfg.Prime, "prime", "", "text to feed the model before sampling")
	return func(e env, args []string) error {
		ckpt, err := oneCheckpoint(cfg.Checkpoint, args)
		if err != nil {
			return err
		}
		cfg.Checkpoint = ckpt
		if err := cfg.Validate(); err != nil {
			return usageError{err.Error()}
		}
		return sampleFunc(e.ctx, cfg, e.stdout)
	}
}

// isDir reports whether path names an existing directory.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
