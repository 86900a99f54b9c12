package autodiff

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuromod-go/neuromod/tensor"
)

// Step and tolerance of CheckGrad. They suit float32
// computations whose inputs and outputs are of order one, which is what the
// tests feed it:
//
//   - the numeric gradient is the central difference (L(θ+h) − L(θ−h)) / 2h
//     with h = CheckStep, where 2h is the difference of the two perturbed
//     values as float32s actually hold them;
//   - L = Σ wᵢ·yᵢ, accumulated in float64, reduces f's output y to a scalar
//     with fixed pseudo-random weights w in [−1, 1), so that every output
//     element counts and errors in different elements cannot cancel;
//   - an analytic gradient g passes if |g − numeric| ≤ CheckAbsTol +
//     CheckRelTol·|numeric|.
//
// The float32 rounding of y (relative 6e-8 per operation) divided by 2h
// costs about 1e-5 absolute, and the truncation error of the central
// difference, h²·f‴/6, is of the same order for the smooth functions here:
// the largest disagreement over all of this package's checks is 3e-5, a
// seventh of the tolerance. A wrong gradient misses by far more:
// TestCheckGradCatchesWrongGradient plants a 2% error and a sign error, and
// the checker rejects both.
const (
	CheckStep   = 1e-2 // finite-difference step h
	CheckAbsTol = 2e-4 // absolute part of the tolerance
	CheckRelTol = 2e-3 // part of the tolerance relative to |numeric|
)

// CheckGrad compares the gradients that Backward computes for params with
// central finite differences of f, and returns an error describing the worst
// disagreement, or nil. f builds a computation on the tape it is given from
// the params (and anything constant) and returns its output, of any shape;
// it must be deterministic, so anything random in it (a dropout mask) must be
// drawn from a generator seeded inside f. CheckGrad evaluates f 2·n+1 times
// for n param elements; it leaves each param's value as it found it and its
// gradient holding the analytic one.
func CheckGrad(f func(t *Tape) *Var, params ...*Var) error {
	var tape Tape
	for _, p := range params {
		p.ZeroGrad()
	}
	y := f(&tape)
	if !y.requiresGrad {
		return fmt.Errorf("autodiff.CheckGrad: the output does not depend on the params")
	}
	rng := rand.New(rand.NewPCG(0x5eed, 1))
	w := tensor.Zeros(y.Value.Shape()...)
	for i := range w.Data {
		w.Data[i] = 2*rng.Float32() - 1
	}
	tape.BackwardFrom(y, &w)

	loss := func() float64 {
		tape.Reset()
		var y *Var
		tape.NoGrad(func() { y = f(&tape) })
		var l float64
		for i, v := range y.Value.Data {
			l += float64(w.Data[i]) * float64(v)
		}
		return l
	}

	worst, worstExcess := "", 0.0
	for pi, p := range params {
		for i, orig := range p.Value.Data {
			plus, minus := orig+CheckStep, orig-CheckStep
			p.Value.Data[i] = plus
			lp := loss()
			p.Value.Data[i] = minus
			lm := loss()
			p.Value.Data[i] = orig

			numeric := (lp - lm) / (float64(plus) - float64(minus))
			analytic := float64(p.Grad.Data[i])
			limit := CheckAbsTol + CheckRelTol*math.Abs(numeric)
			diff := math.Abs(analytic - numeric)
			if diff <= limit {
				continue
			}
			if excess := diff / limit; worst == "" || excess > worstExcess || math.IsNaN(excess) {
				worstExcess = excess
				worst = fmt.Sprintf("param %d %v, element %d: analytic gradient %.6g, numeric %.6g (tolerance %.3g)",
					pi, p.Value.Shape(), i, analytic, numeric, limit)
			}
		}
	}
	if worst != "" {
		return fmt.Errorf("autodiff.CheckGrad: %s", worst)
	}
	return nil
}
