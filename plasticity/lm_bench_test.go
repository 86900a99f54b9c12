package plasticity

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/nn"
)

// BenchmarkPlasticLMTrainStep times one training step of the zaremba-small
// language model (V = 10000, 2 layers, T = 20, B = 20) on random tokens —
// forward, backward, clipping folded into SGD, the state (traces included)
// carried from step to step — for the baseline LSTM (H = 200) and each
// plastic variant at its defaults and its parameter-matched hidden size
// (MatchHidden against the baseline's 4,653,200), reporting tokens/s.
// Compare the variants' tokens/s with "lstm" measured in the same run.
func BenchmarkPlasticLMTrainStep(b *testing.B) {
	const vocab, layers, steps, batch, baseline = 10000, 2, 20, 20, 4653200
	for _, name := range []string{"lstm", "plastic", "neuromod", "retro"} {
		hidden := 200
		var pc Config
		if name != "lstm" {
			v, err := ParseVariant(name)
			if err != nil {
				b.Fatal(err)
			}
			pc = Default(v, 0, 0)
			hidden, _ = MatchHidden(pc, vocab, layers, baseline)
		}
		b.Run(fmt.Sprintf("%s/H=%d", name, hidden), func(b *testing.B) {
			cfg := nn.LMConfig{Vocab: vocab, Embed: hidden, Hidden: hidden, Layers: layers, InitScale: 0.1, Seed: 1}
			var m *nn.LM
			var err error
			if name == "lstm" {
				m, err = nn.NewLM(cfg)
			} else {
				m, err = NewLM(cfg, pc)
			}
			if err != nil {
				b.Fatal(err)
			}
			if l, ok := m.RNN.(*LSTM); ok {
				// NEUROMOD_BENCH_GROUP=G sets Layer.Group, for tuning.
				l.Group = envInt("NEUROMOD_BENCH_GROUP")
			}
			r := rand.New(rand.NewPCG(1, 1))
			in, tg := randIDs(r, steps*batch, vocab), randIDs(r, steps*batch, vocab)
			params := m.Params()
			opt := nn.SGD{LR: 1}
			var tape autodiff.Tape
			step := func() {
				tape.Reset()
				loss := m.Forward(&tape, in, tg, steps, batch)
				tape.Backward(loss)
				opt.StepScaled(params, nn.ClipFactor(nn.GradNorm(params), 5))
			}
			step() // size the arena
			step() // merge its chunks into one
			b.ReportAllocs()
			cpu0 := cpuSeconds()
			b.ResetTimer()
			for b.Loop() {
				step()
			}
			b.ReportMetric(float64(b.N*steps*batch)/b.Elapsed().Seconds(), "tokens/s")
			b.ReportMetric((cpuSeconds()-cpu0)*1e3/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(nn.ParamCount(m)), "params")
		})
	}
}

// envInt is the integer value of an environment variable, 0 when unset.
func envInt(name string) int {
	v, _ := strconv.Atoi(os.Getenv(name))
	return v
}
