package autodiff_test

import (
	"fmt"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/tensor"
)

// Fit y = 2x − 1 with a linear layer and plain gradient descent.
func Example() {
	x, _ := tensor.FromSlice([]float32{0, 1, 2, 3}, 4, 1)
	y, _ := tensor.FromSlice([]float32{-1, 1, 3, 5}, 4, 1)
	w := autodiff.NewParam(tensor.Zeros(1, 1))
	b := autodiff.NewParam(tensor.Zeros(1))

	var tape autodiff.Tape
	for step := range 60 {
		tape.Reset()
		pred := tape.Add(tape.MatMul(tape.Const(x), w, false, false), b)
		diff := tape.Sub(pred, tape.Const(y))
		loss := tape.Mean(tape.Mul(diff, diff))
		tape.Backward(loss)
		for _, p := range []*autodiff.Var{w, b} {
			tensor.AddScaled(&p.Value, -0.1, &p.Grad) // SGD
			p.ZeroGrad()
		}
		if step%20 == 0 {
			fmt.Printf("step %d: loss %.4f\n", step, loss.Value.Data[0])
		}
	}
	fmt.Printf("w = %.3f, b = %.3f\n", w.Value.Data[0], b.Value.Data[0])
	// Output:
	// step 0: loss 9.0000
	// step 20: loss 0.0787
	// step 40: loss 0.0068
	// w = 1.981, b = -0.960
}
