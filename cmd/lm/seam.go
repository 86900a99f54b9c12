package main

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/neuromod-go/neuromod/internal/config"
)

// The seam between the command line and the model code. The command parses
// and validates flags, sets GOMAXPROCS from -threads, installs the Ctrl-C
// handling, opens the run log and builds a Reporter; then it calls one of
// these functions. They start out as stubs that report "not wired yet"; the
// trainer replaces them (for example in an init function of its own file in
// this package), and tests replace them with fakes.
var (
	// trainFunc trains a model. cfg is validated. The contract:
	//
	//   - Build the model (with cfg.MatchParams, choose the hidden size
	//     first), or load it when cfg.Resume is set: the checkpoint's saved
	//     Config fixes the architecture, and config.MergeResume(saved, cfg)
	//     gives the configuration to continue with.
	//   - Call rep.Start once, before training, with the effective Config
	//     (Hidden as chosen by matching) and the parameter counts.
	//   - Per training batch call rep.Batch; after each epoch's batches call
	//     rep.Epoch, then rep.Eval with the validation result. At the end
	//     evaluate the test split and call rep.Eval. Use cfg.LRAt(epoch) for
	//     the Zaremba schedule.
	//   - Save checkpoints to cfg.CheckpointPath(isDir) and announce each with
	//     rep.Checkpoint.
	//   - With cfg.BenchBatches > 0: train that many batches (the epoch's
	//     Batches is then BenchBatches), evaluate the validation split once
	//     through rep.Eval (the trainer may stop after BenchBatches segments),
	//     save nothing and return nil.
	//   - Check ctx between batches. Once it is cancelled (Ctrl-C, SIGTERM),
	//     save a checkpoint (reason "interrupt"), announce it, and return
	//     ctx.Err(); the command then exits with status 130. A second Ctrl-C
	//     kills the process without waiting.
	//   - Use runtime.GOMAXPROCS(0) threads.
	//   - Return errors that tell the user what to do; the command prints them
	//     prefixed by "lm train: " and exits with status 1.
	trainFunc func(ctx context.Context, cfg config.Config, rep *Reporter) error = notWired

	// evalFunc evaluates a checkpoint on cfg.Split (batch cfg.Batch, segment
	// length cfg.BPTT or the checkpoint's when 0), with the Hebbian traces
	// and the hidden state reset at the start and carried through the split.
	// It calls rep.Start with the checkpoint's Config and parameter count,
	// then rep.Eval once with the result (Epoch 0). Cancellation as for
	// trainFunc, without a checkpoint.
	evalFunc func(ctx context.Context, cfg config.EvalConfig, rep *Reporter) error = notWired

	// sampleFunc writes cfg.N words sampled from the checkpoint to out,
	// separated by spaces, with a newline for each <eos>, after feeding
	// cfg.Prime. It returns ctx.Err() if cancelled.
	sampleFunc func(ctx context.Context, cfg config.SampleConfig, out io.Writer) error = notWired
)

// errNotWired is what the stubs return until the model code is plugged in.
var errNotWired = errors.New("not yet wired: the model code is not part of this build")

// notWired is the stub body of every seam function.
func notWired[C any, W any](context.Context, C, W) error { return errNotWired }

// RunInfo describes a run to Reporter.Start.
type RunInfo struct {
	// Config is the effective configuration: after -match-params and after
	// merging a resumed checkpoint's, so it is what a checkpoint records.
	Config config.Config
	// Params is the model's number of trainable parameters.
	Params int
	// BaselineParams is, with -match-params, the trainable parameter count
	// of the baseline LSTM the variant was matched to; 0 otherwise.
	BaselineParams int
	// Note is an optional line for the banner, e.g. the data set's sizes.
	Note string
}

// BatchStats describes one training batch to Reporter.Batch.
type BatchStats struct {
	// Epoch counts from 1; Batch counts from 1 within the epoch; Batches is
	// the number of batches in the epoch.
	Epoch, Batch, Batches int
	// Loss is the batch's mean negative log-likelihood per token, in nats.
	Loss float64
	// Tokens is the number of target tokens in the batch (batch × bptt for
	// a full segment).
	Tokens int
	// LR is the learning rate the update used.
	LR float64
	// GradNorm is the global gradient norm before clipping; 0 if unknown.
	GradNorm float64
}

// EpochStats closes an epoch for Reporter.Epoch. The reporter adds the loss,
// token count and time of the batches it saw in the epoch.
type EpochStats struct {
	// Epoch counts from 1.
	Epoch int
	// LR is the epoch's learning rate.
	LR float64
}

// EvalStats is the result of an evaluation, for Reporter.Eval.
type EvalStats struct {
	// Split is "valid" or "test".
	Split string
	// Epoch is the epoch just trained, or 0 for an evaluation outside
	// training (the final test, lm eval).
	Epoch int
	// Loss is the mean negative log-likelihood per token, in nats, over
	// Tokens target tokens.
	Loss   float64
	Tokens int
	// Elapsed is the evaluation's wall time.
	Elapsed time.Duration
	// Batch and BPTT are the batch size and segment length used.
	Batch, BPTT int
}
