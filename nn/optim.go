package nn

import (
	"fmt"
	"math"

	"github.com/neuromod-go/neuromod/asm"
	"github.com/neuromod-go/neuromod/tensor"
)

// Schedule is Zaremba et al.'s learning-rate schedule: Base for the first
// epochs, then multiplied by Decay once per epoch from epoch DecayStart on.
// Epochs count from 1.
type Schedule struct {
	Base       float64 // learning rate of the first epochs
	Decay      float64 // factor applied per epoch from DecayStart on
	DecayStart int     // first epoch whose rate is multiplied by Decay
}

// LR returns the learning rate of epoch (counting from 1):
// Base · Decay^max(0, epoch − DecayStart + 1). With Base 1, Decay 0.5 and
// DecayStart 5, epochs 1–4 run at 1, epoch 5 at 0.5, epoch 6 at 0.25.
func (s Schedule) LR(epoch int) float64 {
	return s.Base * math.Pow(s.Decay, float64(max(0, epoch-s.DecayStart+1)))
}

// SGD is plain stochastic gradient descent with optional L2 weight decay:
// p ← p − LR·(g + WeightDecay·p), without the decay for a Param.NoDecay.
type SGD struct {
	// LR is the learning rate; set it each epoch from a Schedule.
	LR float32
	// WeightDecay is the L2 coefficient λ, whose penalty λ/2·‖p‖² adds λ·p
	// to the gradient.
	WeightDecay float32
}

// Step updates params from their gradients, then zeroes the gradients.
func (o *SGD) Step(params []*Param) { o.StepScaled(params, 1) }

// StepScaled is Step with every gradient multiplied by scale first, without
// a pass of its own: with scale = ClipFactor(GradNorm(params), maxNorm) it
// is ClipGradNorm followed by Step, reading the gradients once less.
func (o *SGD) StepScaled(params []*Param, scale float32) {
	g := getPass(sgdUpdate)
	g.lr = o.LR * scale
	g.decay = 1 - o.LR*o.WeightDecay // p − lr·(s·g + λp) = (1 − lr·λ)·p − lr·s·g
	// Weight decay changes every element, even where the gradient is zero;
	// without it only the rows with a gradient change.
	g.run(params, g.decay != 1)
	passes.Put(g)
	for _, p := range params {
		p.gradZeroed()
	}
}

// updateBlock is the number of elements the optimisers update at a time:
// 16 KiB of parameters and as much gradient fit the L1 cache together.
const updateBlock = 4096

// GradNorm returns the global L2 norm of the gradients of params: squares
// summed span by span (see gradPass), the spans' sums added in order in
// float64, so that it is the same on any number of threads.
func GradNorm(params []*Param) float64 {
	g := getPass(sumSquares)
	g.run(params, false)
	var ss float64
	for _, v := range g.sums {
		ss += v
	}
	passes.Put(g)
	return math.Sqrt(ss)
}

// ClipFactor returns the factor by which gradients of global norm norm are
// scaled to clip them to maxNorm: maxNorm/norm if norm exceeds it, else 1.
// It is also 1 for maxNorm ≤ 0 (no clipping) and for a NaN or infinite
// norm, which the caller should report rather than spread.
func ClipFactor(norm, maxNorm float64) float32 {
	if maxNorm > 0 && norm > maxNorm && !math.IsInf(norm, 0) {
		return float32(maxNorm / norm)
	}
	return 1
}

// ClipGradNorm scales the gradients of params together so that their global
// L2 norm is at most maxNorm, and returns the norm they had. Gradients
// already within the bound are not touched; maxNorm ≤ 0 only measures. A
// NaN or infinite norm is returned without scaling, for the caller to
// report. With SGD, GradNorm and StepScaled do the same in one pass fewer.
func ClipGradNorm(params []*Param, maxNorm float64) (norm float64) {
	norm = GradNorm(params)
	if s := ClipFactor(norm, maxNorm); s != 1 {
		for _, p := range params {
			p.gradRows(false, func(_, g []float32) { asm.Scale(s, g) })
		}
	}
	return norm
}

// Adam is the optimiser of Kingma and Ba as torch.optim.Adam computes it,
// with L2 weight decay added to the gradient (not AdamW's decoupled decay;
// none for a Param.NoDecay):
//
//	g ← g + WeightDecay·p
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
//	p ← p − LR/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + Eps)
type Adam struct {
	LR          float32 // learning rate
	Beta1       float32 // decay of the first moment m
	Beta2       float32 // decay of the second moment v
	Eps         float32 // added to √v̂ against division by zero
	WeightDecay float32 // L2 coefficient λ, adding λ·p to the gradient

	// Steps is the number of steps taken, t in the bias corrections.
	Steps int

	m, v []tensor.Tensor // moments, one per param, made by the first Step
}

// NewAdam returns Adam with PyTorch's defaults β₁ = 0.9, β₂ = 0.999,
// ε = 1e-8 and no weight decay.
func NewAdam(lr float32) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Step updates params from their gradients, then zeroes the gradients.
// params must be the same list, in the same order, at every step.
func (o *Adam) Step(params []*Param) { o.StepScaled(params, 1) }

// StepScaled is Step with every gradient multiplied by scale first (see
// SGD.StepScaled and ClipFactor).
func (o *Adam) StepScaled(params []*Param, scale float32) {
	o.ensureState(params)
	o.Steps++
	b1, b2 := float64(o.Beta1), float64(o.Beta2)
	stepSize := float32(float64(o.LR) / (1 - math.Pow(b1, float64(o.Steps))))
	sqrtBC2 := float32(math.Sqrt(1 - math.Pow(b2, float64(o.Steps))))
	for i, p := range params {
		w, g, m, v := p.Value.Data, p.Grad.Data, o.m[i].Data, o.v[i].Data
		m, v = m[:len(w)], v[:len(w)]
		g = g[:len(w)]
		wd := o.WeightDecay
		if p.NoDecay {
			wd = 0
		}
		for j := range w {
			gj := scale*g[j] + wd*w[j]
			m[j] = o.Beta1*m[j] + (1-o.Beta1)*gj
			v[j] = o.Beta2*v[j] + (1-o.Beta2)*gj*gj
			denom := float32(math.Sqrt(float64(v[j])))/sqrtBC2 + o.Eps
			w[j] -= stepSize * m[j] / denom
		}
		// Adam's moments decay everywhere, so it visits every element;
		// the gradient is cleared only where it may be nonzero.
		p.gradRows(false, func(_, g []float32) { clear(g) })
		p.gradZeroed()
	}
}

// ensureState makes the moments on the first step and checks on later ones
// that params still fit them.
func (o *Adam) ensureState(params []*Param) {
	if o.m == nil {
		o.m = make([]tensor.Tensor, len(params))
		o.v = make([]tensor.Tensor, len(params))
		for i, p := range params {
			o.m[i] = tensor.Zeros(p.Value.Shape()...)
			o.v[i] = tensor.Zeros(p.Value.Shape()...)
		}
		return
	}
	if len(o.m) != len(params) {
		panic(fmt.Sprintf("nn.Adam.Step: %d params, the optimiser has state for %d", len(params), len(o.m)))
	}
	for i, p := range params {
		if !tensor.SameShape(&o.m[i], &p.Value) {
			panic(fmt.Sprintf("nn.Adam.Step: param %s has shape %v, its state %v", p.Name, p.Value.Shape(), o.m[i].Shape()))
		}
	}
}

// StateDict returns the moments by name, "exp_avg." and "exp_avg_sq."
// followed by the param's name (torch.optim.Adam's names for them); save
// Steps beside them. The tensors are the optimiser's own, not copies. Before
// the first Step it makes zero moments for params.
func (o *Adam) StateDict(params []*Param) map[string]tensor.Tensor {
	o.ensureState(params)
	d := make(map[string]tensor.Tensor, 2*len(params))
	for i, p := range params {
		d["exp_avg."+p.Name] = o.m[i]
		d["exp_avg_sq."+p.Name] = o.v[i]
	}
	return d
}

// LoadStateDict copies the moments of StateDict's form into the optimiser's
// state for params; it returns an error, and changes nothing, if one is
// missing, unexpected or of the wrong shape. Restore Steps separately.
func (o *Adam) LoadStateDict(params []*Param, dict map[string]tensor.Tensor) error {
	var moments []*Param
	for _, p := range params {
		moments = append(moments,
			&Param{Name: "exp_avg." + p.Name, Var: p.Var},
			&Param{Name: "exp_avg_sq." + p.Name, Var: p.Var})
	}
	if err := checkStateDict(moments, dict); err != nil {
		return fmt.Errorf("nn.Adam.LoadStateDict: %w", err)
	}
	own := o.StateDict(params)
	for name, t := range own {
		copy(t.Data, dict[name].Data)
	}
	return nil
}
