package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/neuromod-go/neuromod/autodiff"
)

// BenchmarkLMTrainStep times one training step of a Zaremba-small-sized
// model (V = 10000, 2×200, T = 20, B = 20) on random tokens: forward,
// backward, clipping and SGD, with the state carried between steps. The
// clipping is folded into the update (GradNorm, ClipFactor, StepScaled), as
// a training loop should do it.
func BenchmarkLMTrainStep(b *testing.B) {
	const vocab, hidden, steps, batch = 10000, 200, 20, 20
	m, err := NewLM(LMConfig{Vocab: vocab, Embed: hidden, Hidden: hidden, Layers: 2, InitScale: 0.1, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	in, tg := ids(r, steps*batch, vocab), ids(r, steps*batch, vocab)
	params := m.Params()
	opt := SGD{LR: 1}
	var tape autodiff.Tape
	step := func() {
		tape.Reset()
		loss := m.Forward(&tape, in, tg, steps, batch)
		tape.Backward(loss)
		opt.StepScaled(params, ClipFactor(GradNorm(params), 5))
	}
	step() // size the arena
	step() // merge its chunks into one
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
	b.ReportMetric(float64(b.N*steps*batch)/b.Elapsed().Seconds(), "tokens/s")
}
