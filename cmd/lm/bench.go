package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/neuromod-go/neuromod/bench/harness"
	"github.com/neuromod-go/neuromod/internal/config"
)

const benchNote = `Each variant runs as "lm train -model X -bench-batches N -log DIR/X.jsonl …"
in a process of its own, so its peak RSS is its own. The table is printed and
written to DIR/bench.md with the loss curves in DIR/loss.svg; each child's log
and output stay in DIR. Flags after "--" go to every child, e.g.
  lm bench -batches 200 -- -preset zaremba-small -data ../shared/data/ptb -threads 2
`

func benchFlags(fs *flag.FlagSet) func(env, []string) error {
	models := fs.String("models", strings.Join(config.Models, ","), "comma-separated variants to compare")
	batches := fs.Int("batches", 200, "training batches per variant")
	rounds := fs.Int("rounds", 1, "run every variant this many times, in rotation, and report medians (a noisy machine)")
	dir := fs.String("out", "lm-bench", "directory for the report, the logs and the children's output")
	match := fs.Bool("match-params", true, "give every variant the baseline's parameter count")
	// The most common training flags, forwarded to every child; the rest go
	// after "--".
	preset := fs.String("preset", "", "preset for every child: "+strings.Join(config.PresetNames(), "|"))
	data := fs.String("data", "", "PTB directory for every child")
	noVerify := fs.Bool("no-verify", false, "skip the PTB checksums in every child")
	threads := fs.Int("threads", 0, "threads per child (0: every CPU)")
	return func(e env, args []string) error {
		opts := harness.Options{
			Command:     []string{"train"},
			Batches:     *batches,
			Rounds:      *rounds,
			MatchParams: *match,
			Dir:         *dir,
			Progress:    e.stdout,
		}
		for _, m := range strings.Split(*models, ",") {
			if m = strings.TrimSpace(m); m != "" {
				opts.Models = append(opts.Models, m)
			}
		}
		if len(opts.Models) == 0 {
			return usagef("-models is empty (valid: %s)", strings.Join(config.Models, ","))
		}
		for _, m := range opts.Models {
			if !isModel(m) {
				return usagef("-models: unknown variant %q (valid: %s)", m, strings.Join(config.Models, ","))
			}
		}
		if opts.Rounds < 1 {
			return usagef("-rounds must be ≥ 1 (got %d)", opts.Rounds)
		}
		if opts.Batches < 1 {
			return usagef("-batches must be ≥ 1 (got %d)", opts.Batches)
		}
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "preset":
				opts.TrainArgs = append(opts.TrainArgs, "-preset", *preset)
			case "data":
				opts.TrainArgs = append(opts.TrainArgs, "-data", *data)
			case "no-verify":
				opts.TrainArgs = append(opts.TrainArgs, "-no-verify="+strconv.FormatBool(*noVerify))
			case "threads":
				opts.TrainArgs = append(opts.TrainArgs, "-threads", strconv.Itoa(*threads))
			}
		})
		opts.TrainArgs = append(opts.TrainArgs, args...)
		// Check the children's flags here, once, rather than four failures
		// later.
		for _, m := range opts.Models {
			if err := checkTrainArgs(harness.ChildArgs(opts, m, "check.jsonl")[1:]); err != nil {
				return usagef("flags for the children: %v", err)
			}
		}

		rep, runErr := harness.Run(e.ctx, opts)
		if rep == nil {
			return runErr
		}
		fmt.Fprintln(e.stdout)
		if err := rep.WriteText(e.stdout); err != nil {
			return err
		}
		md, svg, err := rep.WriteFiles()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "\nwrote %s and %s\n", md, svg)
		return runErr
	}
}

func isModel(m string) bool {
	for _, v := range config.Models {
		if v == m {
			return true
		}
	}
	return false
}

// checkTrainArgs parses and validates lm train flags without running
// anything.
func checkTrainArgs(args []string) error {
	fs := newFlagSet("train")
	parsed := config.Default()
	parsed.RegisterFlags(fs)
	preset := fs.String("preset", "", "")
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(positional); err != nil {
		return err
	}
	_, err = trainConfig(fs, parsed, *preset)
	return err
}
