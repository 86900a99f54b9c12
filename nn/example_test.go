package nn_test

import (
	"fmt"
	"math"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/nn"
)

// Train a tiny LSTM language model on a repeating sentence with clipped
// SGD, then measure its perplexity on the same text.
func Example() {
	text := []int32{0, 1, 2, 3, 1, 2, 4, 0, 1, 2, 3, 1, 2, 4} // period 7
	const steps, batch = 6, 2                                 // two streams
	model, err := nn.NewLM(nn.LMConfig{Vocab: 5, Embed: 8, Hidden: 16, Layers: 1, InitScale: 0.3, Seed: 1})
	if err != nil {
		panic(err)
	}
	// Time-major: inputs[t*batch+b] is step t of stream b; the streams
	// start at different places of the text.
	inputs, targets := make([]int32, steps*batch), make([]int32, steps*batch)
	for t := range steps {
		for b := range batch {
			inputs[t*batch+b] = text[(t+3*b)%len(text)]
			targets[t*batch+b] = text[(t+3*b+1)%len(text)]
		}
	}
	params := model.Params()
	opt := nn.SGD{LR: 1}
	var tape autodiff.Tape
	for range 300 {
		model.ResetState() // each step sees the same segment
		tape.Reset()
		loss := model.Forward(&tape, inputs, targets, steps, batch)
		tape.Backward(loss)
		opt.StepScaled(params, nn.ClipFactor(nn.GradNorm(params), 5))
	}
	model.ResetState()
	total := model.Evaluate(&tape, inputs, targets, steps, batch)
	fmt.Printf("perplexity below 1.5: %v\n", math.Exp(total/(steps*batch)) < 1.5)
	// Output: perplexity below 1.5: true
}
