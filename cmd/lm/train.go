package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"time"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/data/ptb"
	"github.com/neuromod-go/neuromod/internal/config"
	"github.com/neuromod-go/neuromod/nn"
)

func init() {
	trainFunc = train
	evalFunc = evaluate
	sampleFunc = sample
}

// loadCorpus reads the corpus from dir, or downloads PTB into the user cache
// when dir is empty. noVerify skips the checksums, for other corpora.
func loadCorpus(ctx context.Context, dir string, noVerify bool, progress io.Writer) (*ptb.Corpus, error) {
	if dir == "" {
		d, err := ptb.Download(ctx, "", "", progress)
		if err != nil {
			return nil, err
		}
		dir = d
	}
	if noVerify {
		return ptb.LoadUnverified(dir)
	}
	return ptb.Load(dir)
}

// afterStep, when set (by tests), runs after every training step: the hook
// through which a test interrupts a run at an exact batch.
var afterStep func()

// beforeValidation, when set (by tests), runs before every epoch's
// validation pass: the hook through which a test interrupts a run there.
var beforeValidation func()

// trainer is one lm train run.
type trainer struct {
	cfg    config.Config
	rep    *Reporter
	corpus *ptb.Corpus
	model  *nn.LM
	params []*nn.Param
	sgd    *nn.SGD
	adam   *nn.Adam
	tape   autodiff.Tape
	ckpt   string // checkpoint path
}

// train implements lm train (see trainFunc for the contract).
func train(ctx context.Context, cfg config.Config, rep *Reporter) error {
	t := &trainer{rep: rep}
	pos := position{Epoch: 1}
	var resumed *loadedWeights
	if cfg.Resume != "" {
		lw, err := readWeights(cfg.Resume)
		if err != nil {
			return err
		}
		if lw.Config.Model != cfg.Model && !slices.Contains(cfg.Explicit, "model") {
			cfg.Model = lw.Config.Model
		}
		merged, err := config.MergeResume(lw.Config, cfg)
		if err != nil {
			return fmt.Errorf("cannot resume %s: %w", cfg.Resume, err)
		}
		cfg, resumed = merged, lw
	}

	corpus, err := loadCorpus(ctx, cfg.Data, cfg.NoVerify, os.Stderr)
	if err != nil {
		return err
	}
	t.corpus = corpus
	if resumed != nil && !slices.Equal(resumed.Vocab.Words(), corpus.Vocab.Words()) {
		return fmt.Errorf("cannot resume %s: its vocabulary differs from the corpus in %s (give the -data it was trained on)", cfg.Resume, corpus.Dir)
	}

	model, eff, baseline, err := buildModel(cfg, corpus.Vocab.Len())
	if err != nil {
		return err
	}
	t.cfg, t.model, t.params = eff, model, model.Params()
	switch eff.Optimizer {
	case config.OptimizerAdam:
		t.adam = nn.NewAdam(float32(eff.LR))
		t.adam.WeightDecay = float32(eff.L2)
	default:
		t.sgd = &nn.SGD{WeightDecay: float32(eff.L2)}
	}
	if resumed != nil {
		if err := resumed.loadInto(model); err != nil {
			return err
		}
		ck := &checkpoint{Model: model, Adam: t.adam}
		if err := resumed.loadTrainState(ck); err != nil {
			return err
		}
		pos = ck.Pos
	}
	t.ckpt = eff.CheckpointPath(isDir)

	trainBatches := ptb.Batchify(corpus.Train, eff.Batch)
	nseg := trainBatches.NumSegments(eff.BPTT)
	if nseg == 0 {
		return fmt.Errorf("the training split (%d tokens) is too small for -batch %d: lower -batch", len(corpus.Train), eff.Batch)
	}
	rep.Start(RunInfo{
		Config: eff, Params: nn.ParamCount(model), BaselineParams: baseline,
		Note: fmt.Sprintf("data %s: %d words, %d / %d / %d tokens", corpus.Dir, corpus.Vocab.Len(), len(corpus.Train), len(corpus.Valid), len(corpus.Test)),
	})
	switch {
	case resumed != nil && pos.Segment >= nseg:
		rep.Printf("resuming %s at the end of epoch %d, with its validation", cfg.Resume, pos.Epoch)
	case resumed != nil:
		rep.Printf("resuming %s at epoch %d, batch %d of %d", cfg.Resume, pos.Epoch, pos.Segment+1, nseg)
	}
	if pos.Epoch > eff.Epochs {
		return fmt.Errorf("the checkpoint has finished all %d epochs: raise -epochs to train on", eff.Epochs)
	}

	if eff.BenchBatches > 0 {
		return t.bench(ctx, trainBatches)
	}

	for ; pos.Epoch <= eff.Epochs; pos.Epoch, pos.Segment = pos.Epoch+1, 0 {
		lr := eff.LRAt(pos.Epoch)
		if pos.Segment == 0 {
			model.ResetState() // Zaremba: the state starts at zero every epoch
		}
		model.SetTraining(true)
		for seg := range trainBatches.Segments(eff.BPTT, pos.Segment) {
			if ctx.Err() != nil {
				return t.interrupt(ctx, pos)
			}
			if err := t.step(seg, lr, pos.Epoch, nseg); err != nil {
				return err
			}
			pos.Segment = seg.Index + 1
			if afterStep != nil {
				afterStep()
			}
		}
		rep.Epoch(EpochStats{Epoch: pos.Epoch, LR: lr})
		if beforeValidation != nil {
			beforeValidation()
		}
		valid, err := t.evalSplit(ctx, "valid", corpus.Valid, eff.Batch, eff.BPTT, pos.Epoch)
		if err != nil {
			// Interrupted in the validation pass: the checkpoint has the
			// epoch's training done and its validation still to run, which
			// a resumed run does first (a run that scripts read per epoch
			// must not lose an epoch's validation perplexity).
			return t.interruptIfCancelled(ctx, err, position{Epoch: pos.Epoch, Segment: nseg})
		}
		rep.Eval(valid)
		if err := t.save(position{Epoch: pos.Epoch + 1}, "epoch"); err != nil {
			return err
		}
	}

	if eff.SkipTest {
		return nil // the last epoch's checkpoint is the final one
	}
	test, err := t.evalSplit(ctx, "test", corpus.Test, 1, eff.BPTT, 0)
	if err != nil {
		return err
	}
	rep.Eval(test)
	return t.save(position{Epoch: eff.Epochs + 1}, "final")
}

// step trains on one segment: forward, backward, clipped update.
func (t *trainer) step(seg ptb.Segment, lr float64, epoch, nseg int) error {
	B := t.cfg.Batch
	t.tape.Reset()
	loss := t.model.Forward(&t.tape, seg.Input, seg.Target, seg.Len, B)
	lossValue := float64(loss.Value.Data[0])
	t.tape.Backward(loss)
	norm := nn.GradNorm(t.params)
	if math.IsNaN(norm) || math.IsInf(norm, 0) || math.IsNaN(lossValue) {
		return fmt.Errorf("training diverged at epoch %d, batch %d (loss %g, gradient norm %g): lower -lr or -clip and resume from the last checkpoint (%s)", epoch, seg.Index+1, lossValue, norm, t.rep.lastCheckpoint())
	}
	// The objective is Zaremba et al.'s: the cross-entropy summed over the
	// segment's steps and averaged over the batch, i.e. seg.Len times the
	// per-token mean the model returns. Scaling the gradient (before
	// clipping, as the clip applies to that objective's gradient) keeps -lr 1
	// meaning what it means in their paper and TensorFlow's PTB tutorial.
	steps := float64(seg.Len)
	norm *= steps
	scale := float32(steps)
	if t.cfg.Clip > 0 {
		scale *= nn.ClipFactor(norm, t.cfg.Clip)
	}
	if t.adam != nil {
		t.adam.LR = float32(lr)
		t.adam.StepScaled(t.params, scale)
	} else {
		t.sgd.LR = float32(lr)
		t.sgd.StepScaled(t.params, scale)
	}
	t.rep.Batch(BatchStats{Epoch: epoch, Batch: seg.Index + 1, Batches: nseg, Loss: lossValue, Tokens: seg.Len * B, LR: lr, GradNorm: norm})
	return nil
}

// bench trains cfg.BenchBatches segments, then evaluates the validation
// split once, and saves nothing: the measurement behind lm bench.
func (t *trainer) bench(ctx context.Context, batches *ptb.Batches) error {
	n := min(t.cfg.BenchBatches, batches.NumSegments(t.cfg.BPTT))
	lr := t.cfg.LRAt(1)
	t.model.ResetState()
	t.model.SetTraining(true)
	done := 0
	for seg := range batches.Segments(t.cfg.BPTT, 0) {
		if done == n {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := t.step(seg, lr, 1, n); err != nil {
			return err
		}
		done++
	}
	t.rep.Epoch(EpochStats{Epoch: 1, LR: lr})
	valid, err := t.evalSplit(ctx, "valid", t.corpus.Valid, t.cfg.Batch, t.cfg.BPTT, 1)
	if err != nil {
		return err
	}
	t.rep.Eval(valid)
	return nil
}

// evalSplit returns the model's loss on tokens, run as batch streams in
// segments of bptt with the state reset at the start and carried through.
func (t *trainer) evalSplit(ctx context.Context, split string, tokens []int32, batch, bptt, epoch int) (EvalStats, error) {
	return evalTokens(ctx, t.model, &t.tape, split, tokens, batch, bptt, epoch)
}

// evalTokens is evalSplit for any model and tape.
func evalTokens(ctx context.Context, m *nn.LM, tape *autodiff.Tape, split string, tokens []int32, batch, bptt, epoch int) (EvalStats, error) {
	start := time.Now()
	bs := ptb.Batchify(tokens, batch)
	if bs.NumSegments(bptt) == 0 {
		return EvalStats{}, fmt.Errorf("the %s split (%d tokens) is too small for batch %d", split, len(tokens), batch)
	}
	m.ResetState()
	var total float64
	var n int
	for seg := range bs.Segments(bptt, 0) {
		if ctx.Err() != nil {
			return EvalStats{}, ctx.Err()
		}
		total += m.Evaluate(tape, seg.Input, seg.Target, seg.Len, batch)
		n += seg.Len * batch
	}
	m.ResetState()
	return EvalStats{Split: split, Epoch: epoch, Loss: total / float64(n), Tokens: n, Elapsed: time.Since(start), Batch: batch, BPTT: bptt}, nil
}

// save writes a checkpoint at pos and announces it.
func (t *trainer) save(pos position, reason string) error {
	ck := &checkpoint{Config: t.cfg, Vocab: t.corpus.Vocab.Words(), Model: t.model, Adam: t.adam, Pos: pos}
	if err := saveCheckpoint(t.ckpt, ck); err != nil {
		return err
	}
	t.rep.Checkpoint(t.ckpt, reason)
	return nil
}

// interrupt saves a checkpoint at pos after Ctrl-C and returns ctx's error.
func (t *trainer) interrupt(ctx context.Context, pos position) error {
	if err := t.save(pos, "interrupt"); err != nil {
		return errors.Join(ctx.Err(), err)
	}
	return ctx.Err()
}

// interruptIfCancelled turns an evaluation cut short by Ctrl-C into a
// checkpoint at pos; other errors pass through.
func (t *trainer) interruptIfCancelled(ctx context.Context, err error, pos position) error {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return t.interrupt(ctx, pos)
	}
	return err
}
