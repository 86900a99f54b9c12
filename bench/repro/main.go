package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

// options are the command's flags.
type options struct {
	Data       string   `json:"data"`
	Out        string   `json:"out"`
	LM         string   `json:"lm"`
	Conditions []string `json:"conditions"`
	Configs    int      `json:"configs"`
	First      []string `json:"first,omitempty"`
	Threads    int      `json:"threads"`
	DryRun     bool     `json:"dry_run,omitempty"`
	Epochs     int      `json:"epochs"`
	Extra      []string `json:"extra,omitempty"`
	NoVerify   bool     `json:"no_verify,omitempty"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args and carries out the procedure; it returns the exit status:
// 0 done (or nothing left to do), 1 failure, 2 usage error, 130 interrupted.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "repro: %v\n", err)
		return 2
	}
	err = procedure(ctx, opts, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "repro: interrupted; run the same command again to continue\n")
		return 130
	case errors.Is(err, errInterrupted):
		fmt.Fprintf(stderr, "repro: %v\n", err)
		return 130
	default:
		fmt.Fprintf(stderr, "repro: %v\n", err)
		return 1
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("repro", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	var conditions, extra, first string
	fs.StringVar(&o.Data, "data", "", "directory with ptb.{train,valid,test}.txt (required)")
	fs.StringVar(&o.Out, "out", "runs/repro", "directory for the runs, their logs and the summary")
	fs.StringVar(&o.LM, "lm", "", "lm binary (default: go build -o OUT/lm ./cmd/lm in the module root, at every start)")
	fs.StringVar(&conditions, "conditions", "lstm,plastic,neuromod,retro", "comma-separated conditions (lm train -model values), run in this order")
	fs.IntVar(&o.Configs, "configs", len(Grid), "configurations per condition: the first N of the grid")
	fs.StringVar(&first, "first", "", "comma-separated configurations to run before the others of each condition (e.g. c6,c4); the set is unchanged")
	fs.IntVar(&o.Threads, "threads", 2, "lm -threads")
	fs.BoolVar(&o.DryRun, "dry-run", false, "print what would run next and exit")
	fs.IntVar(&o.Epochs, "epochs", 13, "epochs per run (13 in the paper; smaller values are for tests and smoke runs)")
	fs.StringVar(&extra, "extra", "", "extra lm train flags, space-separated, appended when a run starts (tests: \"-hidden 8 -emb 8 -layers 1\")")
	fs.BoolVar(&o.NoVerify, "no-verify", false, "pass -no-verify to lm (corpora other than PTB)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: go run ./bench/repro -data DIR [-out DIR] [flags]\n\n"+
			"Runs the PTB Table 1 reproduction (issue 6): tunes each condition on the\n"+
			"validation split, then evaluates its best configuration once on test.\n"+
			"Re-running the command resumes whatever is unfinished.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.Data == "" {
		return o, errors.New("-data is required (the directory with ptb.{train,valid,test}.txt)")
	}
	if o.Configs < 1 || o.Configs > len(Grid) {
		return o, fmt.Errorf("-configs must be in 1…%d (got %d)", len(Grid), o.Configs)
	}
	for _, id := range strings.Split(first, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if !slices.ContainsFunc(Grid[:o.Configs], func(h Hyper) bool { return h.ID == id }) {
			return o, fmt.Errorf("-first: %q is not one of the %d configurations c1…c%d", id, o.Configs, o.Configs)
		}
		if slices.Contains(o.First, id) {
			return o, fmt.Errorf("-first: %q is listed twice", id)
		}
		o.First = append(o.First, id)
	}
	if o.Epochs < 1 {
		return o, fmt.Errorf("-epochs must be ≥ 1 (got %d)", o.Epochs)
	}
	if o.Threads < 0 {
		return o, fmt.Errorf("-threads must be ≥ 0 (got %d)", o.Threads)
	}
	for _, c := range strings.Split(conditions, ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !slices.ContainsFunc(Conditions, func(k Condition) bool { return k.Model == c }) {
			return o, fmt.Errorf("unknown condition %q (valid: lstm, plastic, neuromod, retro)", c)
		}
		if slices.Contains(o.Conditions, c) {
			return o, fmt.Errorf("condition %q given twice", c)
		}
		o.Conditions = append(o.Conditions, c)
	}
	if len(o.Conditions) == 0 {
		return o, errors.New("-conditions is empty")
	}
	o.Extra = strings.Fields(extra)
	return o, nil
}
