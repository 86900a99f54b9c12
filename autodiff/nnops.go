package autodiff

import (
	"math/rand/v2"
	"strconv"

	"github.com/neuromod-go/neuromod/asm"
	"github.com/neuromod-go/neuromod/tensor"
)

// Dropout returns x with each element zeroed with probability p and the
// others scaled by 1/(1−p) (inverted dropout, so evaluation needs no
// rescaling). rng draws the mask, which is kept for the backward pass. With
// p = 0 it returns x itself. It applies whether or not the tape records:
// switching dropout off for evaluation is the layer's decision.
func (t *Tape) Dropout(x *Var, p float32, rng *rand.PCG) *Var {
	if !(p >= 0 && p < 1) {
		panic("autodiff.Dropout: p must be in [0, 1)")
	}
	if p == 0 {
		return x
	}
	mask := t.arena.Alloc(x.Value.Shape()...)
	tensor.DropoutMask(&mask, p, rng)
	out := t.result(x.Value.Shape(), x)
	tensor.Mul(&out.Value, &x.Value, &mask)
	if out.requiresGrad {
		t.record(dropoutBackward, out, x).saved = mask
	}
	return out
}

func dropoutBackward(_ *Tape, n *node) {
	x := n.in[0]
	tensor.MulAdd(&x.Grad, &n.out.Grad, &n.saved, &x.Grad)
}

// LogSoftmax returns the log-softmax of each row (last dimension) of x.
func (t *Tape) LogSoftmax(x *Var) *Var {
	out := t.result(x.Value.Shape(), x)
	tensor.LogSoftmax(&out.Value, &x.Value)
	if out.requiresGrad {
		t.record(logSoftmaxBackward, out, x)
	}
	return out
}

// logSoftmaxBackward: for y = log softmax(x) per row, dx = dy − softmax(x)·Σdy
// with softmax(x) = e^y.
func logSoftmaxBackward(t *Tape, n *node) {
	y, dy, dx := &n.out.Value, &n.out.Grad, &n.in[0].Grad
	rows, cols := y.Matrix()
	p := t.arena.Alloc(cols)
	for r := range rows {
		o := r * cols
		asm.Exp(p.Data, y.Data[o:o+cols])
		asm.Axpy(-asm.Sum(dy.Data[o:o+cols]), p.Data, dx.Data[o:o+cols])
		asm.Axpy(1, dy.Data[o:o+cols], dx.Data[o:o+cols])
	}
}

// checkTargets panics unless logits has one row per target and every target
// is a column.
func checkTargets(fn string, logits *tensor.Tensor, targets []int32) (rows, cols int) {
	rows, cols = logits.Matrix()
	if rows != len(targets) || rows == 0 {
		panic("autodiff." + fn + ": " + strconv.Itoa(rows) + " rows for " + strconv.Itoa(len(targets)) + " targets")
	}
	checkIDs(fn, targets, cols)
	return rows, cols
}

// NLL returns the mean negative log-likelihood −(1/N) Σ logp[i, targets[i]]
// of N rows of log-probabilities. targets must not change until Backward.
func (t *Tape) NLL(logp *Var, targets []int32) *Var {
	rows, cols := checkTargets("NLL", &logp.Value, targets)
	var s float64
	for r, c := range targets {
		s -= float64(logp.Value.Data[r*cols+int(c)])
	}
	out := t.result(nil, logp)
	out.Value.Data[0] = float32(s / float64(rows))
	if out.requiresGrad {
		t.record(nllBackward, out, logp).ids = targets
	}
	return out
}

func nllBackward(_ *Tape, n *node) {
	dx := &n.in[0].Grad
	_, cols := dx.Matrix()
	g := n.out.Grad.Data[0] / float32(len(n.ids))
	for r, c := range n.ids {
		dx.Data[r*cols+int(c)] -= g
	}
}

// SoftmaxCrossEntropy returns the mean over rows of −log softmax(row)[target],
// the language model's loss, fused: one pass over the logits computes the
// loss (summed in float64) and its gradient, which is saved for Backward.
// It equals NLL(LogSoftmax(logits), targets). targets must not change until
// Backward.
func (t *Tape) SoftmaxCrossEntropy(logits *Var, targets []int32) *Var {
	rows, _ := checkTargets("SoftmaxCrossEntropy", &logits.Value, targets)
	out := t.result(nil, logits)
	// In NoGrad the gradient is computed and dropped: the arena makes that
	// buffer free, and the kernel is the same.
	grad := t.arena.Alloc(logits.Value.Shape()...)
	loss := tensor.SoftmaxNLL(&grad, &logits.Value, targets, 1/float32(rows))
	out.Value.Data[0] = float32(loss / float64(rows))
	if out.requiresGrad {
		t.record(softmaxCrossEntropyBackward, out, logits).saved = grad
	}
	return out
}

func softmaxCrossEntropyBackward(_ *Tape, n *node) {
	tensor.AddScaled(&n.in[0].Grad, n.out.Grad.Data[0], &n.saved)
}

// LSTMCell is the fused pointwise part of an LSTM step: from the gate
// pre-activations gates [B, 4H] (order i, f, g, o, as in PyTorch) and the
// previous cell state cPrev [B, H] it returns the output h = o ⊙ tanh(c) and
// the cell state c = f ⊙ cPrev + i ⊙ g, with i, f, o = σ(·) and g = tanh(·).
// The activations are saved for the backward pass, which runs
// asm.LSTMCellBackward.
func (t *Tape) LSTMCell(gates, cPrev *Var) (h, c *Var) {
	shape := cPrev.Value.Shape()
	h = t.result(shape, gates, cPrev)
	c = t.result(shape, gates, cPrev)
	act := t.arena.Alloc(gates.Value.Shape()...)
	tensor.Copy(&act, &gates.Value)
	tensor.LSTMCellForward(&act, &cPrev.Value, &c.Value, &h.Value)
	if h.requiresGrad {
		nd := t.record(lstmCellBackward, h, gates, cPrev)
		nd.out2, nd.saved = c, act
	}
	return h, c
}

func lstmCellBackward(t *Tape, n *node) {
	gates, cPrev, h, c := n.in[0], n.in[1], n.out, n.out2
	dGates := t.arena.Alloc(gates.Value.Shape()...)
	dc := t.arena.Alloc(c.Value.Shape()...)
	tensor.Copy(&dc, &c.Grad) // the kernel overwrites it with the gradient of cPrev
	tensor.LSTMCellBackward(&dGates, &n.saved, &cPrev.Value, &c.Value, &h.Grad, &dc)
	if gates.requiresGrad {
		tensor.Add(&gates.Grad, &gates.Grad, &dGates)
	}
	if cPrev.requiresGrad {
		tensor.Add(&cPrev.Grad, &cPrev.Grad, &dc)
	}
}
