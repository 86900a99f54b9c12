package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/data/ptb"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/neuromod-go/neuromod/nn"
)

// ptbDir finds the real PTB files: $NEUROMOD_PTB_DIR, or shared/data/ptb in
// the working directory or a parent (the checkout's sibling ../shared).
func ptbDir(b *testing.B) string {
	if dir := os.Getenv("NEUROMOD_PTB_DIR"); dir != "" {
		return dir
	}
	wd, _ := os.Getwd()
	for dir := wd; ; dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, "shared", "data", "ptb")
		if _, err := os.Stat(filepath.Join(cand, ptb.TrainFile)); err == nil {
			return cand
		}
		if filepath.Dir(dir) == dir {
			b.Skipf("PTB files not found above %s; set NEUROMOD_PTB_DIR", wd)
		}
	}
}

// trainStepSizes are Zaremba et al.'s small and medium models, as the
// presets of lm train and ../shared/tools/torch-lstm-bench define them.
var trainStepSizes = []struct {
	name                  string
	hidden, bptt, batch   int
	dropout, clip, initSc float32
}{
	{"small", 200, 20, 20, 0, 5, 0.1},
	{"medium", 650, 35, 20, 0.5, 5, 0.05},
}

// BenchmarkTrainStep times one training step of the PTB language model —
// forward, backward and the clipped SGD update, on real PTB batches in
// order — as lm train runs it, and reports tokens/s and the achieved
// GFLOP/s (a step costs about 3× the forward pass: 2·(4H·(in+H)) per layer
// and 2·H·V for the decoder, per token). Compare with
//
//	torch-lstm-bench --size small --threads 1
//
// in the same sitting.
func BenchmarkTrainStep(b *testing.B) {
	corpus, err := ptb.Load(ptbDir(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("ISA level %v", cpu.Active())
	for _, size := range trainStepSizes {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s-%dt", size.name, threads), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
				benchTrainStep(b, corpus, size.hidden, size.bptt, size.batch, size.dropout, size.clip, size.initSc)
			})
		}
	}
}

func benchTrainStep(b *testing.B, corpus *ptb.Corpus, hidden, bptt, batch int, dropout, clip, initScale float32) {
	V := corpus.Vocab.Len()
	m, err := nn.NewLM(nn.LMConfig{Vocab: V, Embed: hidden, Hidden: hidden, Layers: 2, Dropout: dropout, InitScale: initScale, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	params := m.Params()
	sgd := &nn.SGD{LR: 1}
	batches := ptb.Batchify(corpus.Train, batch)
	nseg := batches.NumSegments(bptt)
	var tape autodiff.Tape
	step := func(i int) {
		seg := batches.Segment(i%nseg, bptt)
		tape.Reset()
		loss := m.Forward(&tape, seg.Input, seg.Target, seg.Len, batch)
		tape.Backward(loss)
		// lm train's objective: summed over steps, so the gradient is
		// scaled by the segment length before clipping.
		steps := float64(seg.Len)
		norm := nn.GradNorm(params) * steps
		sgd.StepScaled(params, float32(steps)*nn.ClipFactor(norm, float64(clip)))
	}
	for i := range 3 { // warm up: arena, pools, worker goroutines
		step(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 3
	for b.Loop() {
		step(i)
		i++
	}
	tokens := float64(b.N * bptt * batch)
	sec := b.Elapsed().Seconds()
	fwd := 2*float64(4*hidden*(hidden+hidden))*2 + 2*float64(hidden*V)
	b.ReportMetric(tokens/sec, "tokens/s")
	b.ReportMetric(tokens*3*fwd/sec/1e9, "GFLOPS")
}
