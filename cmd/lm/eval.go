package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/data/ptb"
	"github.com/neuromod-go/neuromod/internal/config"
	"github.com/neuromod-go/neuromod/nn"
)

// loadModel reads a checkpoint's weights into a freshly built model of its
// architecture.
func loadModel(path string) (*nn.LM, *loadedWeights, error) {
	lw, err := readWeights(path)
	if err != nil {
		return nil, nil, err
	}
	// A saved config keeps its (matched) Hidden: see buildModel.
	m, _, _, err := buildModel(lw.Config, lw.Vocab.Len())
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if err := lw.loadInto(m); err != nil {
		return nil, nil, err
	}
	return m, lw, nil
}

// evaluate implements lm eval (see evalFunc for the contract).
func evaluate(ctx context.Context, cfg config.EvalConfig, rep *Reporter) error {
	m, lw, err := loadModel(cfg.Checkpoint)
	if err != nil {
		return err
	}
	data := cfg.Data
	noVerify := cfg.NoVerify
	if data == "" {
		data, noVerify = lw.Config.Data, lw.Config.NoVerify || cfg.NoVerify
	}
	corpus, err := loadCorpus(ctx, data, noVerify, os.Stderr)
	if err != nil {
		return err
	}
	if !slices.Equal(lw.Vocab.Words(), corpus.Vocab.Words()) {
		return fmt.Errorf("checkpoint %s was trained on another vocabulary than the corpus in %s: pass the -data it was trained on", cfg.Checkpoint, corpus.Dir)
	}
	bptt := cfg.BPTT
	if bptt == 0 {
		bptt = lw.Config.BPTT
	}
	tokens := corpus.Test
	if cfg.Split == "valid" {
		tokens = corpus.Valid
	}
	rep.Start(RunInfo{Config: lw.Config, Params: nn.ParamCount(m),
		Note: fmt.Sprintf("evaluating %s on the %s split, batch %d, segments of %d, state carried through the split", cfg.Checkpoint, cfg.Split, cfg.Batch, bptt)})
	var tape autodiff.Tape
	st, err := evalTokens(ctx, m, &tape, cfg.Split, tokens, cfg.Batch, bptt, 0)
	if err != nil {
		return err
	}
	rep.Eval(st)
	return nil
}

// sample implements lm sample (see sampleFunc for the contract).
func sample(ctx context.Context, cfg config.SampleConfig, out io.Writer) error {
	m, lw, err := loadModel(cfg.Checkpoint)
	if err != nil {
		return err
	}
	vocab := lw.Vocab
	eos, ok := vocab.ID(ptb.EOS)
	if !ok {
		eos = 0
	}
	prime := []int32{eos}
	if cfg.Prime != "" {
		if prime, err = vocab.Encode(cfg.Prime); err != nil {
			return fmt.Errorf("-prime: %w", err)
		}
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5a3b1e))
	w := bufio.NewWriter(out)
	defer w.Flush()

	var tape autodiff.Tape
	m.ResetState()
	logits := m.Logits(&tape, prime, len(prime), 1)
	probs := make([]float64, vocab.Len())
	atLineStart := true
	for i := 0; i < cfg.N; i++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		last := logits.Data[(len(logits.Data)/vocab.Len()-1)*vocab.Len():]
		next := sampleToken(rng, last, probs, cfg.Temperature)
		word := vocab.Word(next)
		switch {
		case next == eos:
			w.WriteString("\n")
			atLineStart = true
		case atLineStart:
			w.WriteString(word)
			atLineStart = false
		default:
			w.WriteString(" " + word)
		}
		logits = m.Logits(&tape, []int32{next}, 1, 1)
	}
	if !atLineStart {
		w.WriteString("\n")
	}
	return w.Flush()
}

// sampleToken draws a token from softmax(logits / temperature); a
// temperature of 0 picks the most likely token.
func sampleToken(rng *rand.Rand, logits []float32, probs []float64, temperature float64) int32 {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	if temperature <= 0 {
		return int32(best)
	}
	maxv := float64(logits[best])
	var sum float64
	for i, v := range logits {
		probs[i] = math.Exp((float64(v) - maxv) / temperature)
		sum += probs[i]
	}
	r := rng.Float64() * sum
	for i, p := range probs {
		if r < p {
			return int32(i)
		}
		r -= p
	}
	return int32(best)
}
