// Command lm trains, evaluates, samples from and benchmarks neuromod's LSTM
// language models — the baseline LSTM and Backpropamine's plastic,
// neuromodulated and retroactive variants — on Penn Treebank.
//
// Usage:
//
//	lm train  [flags]                  train a model
//	lm eval   [flags] CHECKPOINT       perplexity of a checkpoint on a split
//	lm sample [flags] CHECKPOINT       generate text from a checkpoint
//	lm bench  [flags] [-- train flags] compare the variants, each in its own process
//	lm version                         print the version, Go and ISA levels
//
// Run "lm help" or "lm COMMAND -h" for the flags. The exit status is 0 on
// success, 1 on failure, 2 on a usage error and 130 when interrupted.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(mainWithSignals(os.Args[1:]))
}

// mainWithSignals runs the command with a context that the first SIGINT or
// SIGTERM cancels. After that first signal the default handling is restored,
// so a second Ctrl-C ends the process at once instead of waiting for the
// checkpoint.
func mainWithSignals(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		<-ctx.Done()
		// The cause is context.Canceled when stop below ended the wait,
		// and describes the signal when one arrived.
		if context.Cause(ctx) != context.Canceled {
			stop()
			fmt.Fprintln(os.Stderr, "\nlm: interrupted: stopping cleanly (press Ctrl-C again to quit at once)")
		}
	}()
	code := run(ctx, args, os.Stdout, os.Stderr)
	stop()
	<-watched
	return code
}
