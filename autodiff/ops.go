package autodiff

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/neuromod-go/neuromod/asm"
	"github.com/neuromod-go/neuromod/tensor"
)

// Every operation computes its result at once and, when the result requires
// a gradient, records a node whose backward function adds to the gradients
// of the inputs that require one. Shapes that do not fit panic, as in
// package tensor.

// MatMul returns op(a)·op(b), where op transposes its operand when the flag
// says so; a and b are matrices.
func (t *Tape) MatMul(a, b *Var, transA, transB bool) *Var {
	m := a.Value.Dim(0)
	if transA {
		m = a.Value.Dim(1)
	}
	n := b.Value.Dim(1)
	if transB {
		n = b.Value.Dim(0)
	}
	out := t.result([]int{m, n}, a, b)
	tensor.MatMul(&out.Value, &a.Value, &b.Value, transA, transB, 1, 0)
	if out.requiresGrad {
		nd := t.record(matMulBackward, out, a, b)
		nd.transA, nd.transB = transA, transB
	}
	return out
}

// matMulBackward: for C = op(A)·op(B), dop(A) = dC·op(B)ᵀ and
// dop(B) = op(A)ᵀ·dC, transposed back where A or B was transposed.
func matMulBackward(_ *Tape, n *node) {
	a, b, dc := n.in[0], n.in[1], &n.out.Grad
	if a.requiresGrad {
		if n.transA {
			tensor.MatMul(&a.Grad, &b.Value, dc, n.transB, true, 1, 1) // dA = op(B)·dCᵀ
		} else {
			tensor.MatMul(&a.Grad, dc, &b.Value, false, !n.transB, 1, 1) // dA = dC·op(B)ᵀ
		}
	}
	if b.requiresGrad {
		if n.transB {
			tensor.MatMul(&b.Grad, dc, &a.Value, true, n.transA, 1, 1) // dB = dCᵀ·op(A)
		} else {
			tensor.MatMul(&b.Grad, &a.Value, dc, !n.transA, false, 1, 1) // dB = op(A)ᵀ·dC
		}
	}
}

// isRowBroadcast reports whether b is a row vector ([N] or [1, N]) to be
// broadcast over the rows of a (whose last dimension is N) rather than a
// tensor of a's shape.
func isRowBroadcast(a, b *Var) bool {
	if tensor.SameShape(&a.Value, &b.Value) {
		return false
	}
	_, cols := a.Value.Matrix()
	r, c := b.Value.Matrix()
	return r == 1 && c == cols && b.Value.Rank() <= 2
}

// Add returns a + b. b has a's shape, or is a row vector broadcast over the
// rows of a: the bias of a batch.
func (t *Tape) Add(a, b *Var) *Var {
	out := t.result(a.Value.Shape(), a, b)
	bc := isRowBroadcast(a, b)
	if bc {
		tensor.AddRowVector(&out.Value, &a.Value, &b.Value)
	} else {
		tensor.Add(&out.Value, &a.Value, &b.Value)
	}
	if out.requiresGrad {
		t.record(addBackward, out, a, b).broadcast = bc
	}
	return out
}

func addBackward(_ *Tape, n *node) { addSubBackward(n, 1) }

// Sub returns a − b, broadcasting b as Add does.
func (t *Tape) Sub(a, b *Var) *Var {
	out := t.result(a.Value.Shape(), a, b)
	bc := isRowBroadcast(a, b)
	if bc {
		tensor.SubRowVector(&out.Value, &a.Value, &b.Value)
	} else {
		tensor.Sub(&out.Value, &a.Value, &b.Value)
	}
	if out.requiresGrad {
		t.record(subBackward, out, a, b).broadcast = bc
	}
	return out
}

func subBackward(_ *Tape, n *node) { addSubBackward(n, -1) }

// addSubBackward adds dy to da and sign·dy (summed over rows if b was
// broadcast) to db.
func addSubBackward(n *node, sign float32) {
	a, b, dy := n.in[0], n.in[1], &n.out.Grad
	if a.requiresGrad {
		tensor.Add(&a.Grad, &a.Grad, dy)
	}
	if b.requiresGrad {
		if n.broadcast {
			tensor.SumRows(&b.Grad, dy, sign, 1)
		} else {
			tensor.AddScaled(&b.Grad, sign, dy)
		}
	}
}

// Mul returns a ⊙ b elementwise, broadcasting b as Add does.
func (t *Tape) Mul(a, b *Var) *Var {
	out := t.result(a.Value.Shape(), a, b)
	bc := isRowBroadcast(a, b)
	if bc {
		tensor.MulRowVector(&out.Value, &a.Value, &b.Value)
	} else {
		tensor.Mul(&out.Value, &a.Value, &b.Value)
	}
	if out.requiresGrad {
		t.record(mulBackward, out, a, b).broadcast = bc
	}
	return out
}

func mulBackward(t *Tape, n *node) {
	a, b, dy := n.in[0], n.in[1], &n.out.Grad
	if !n.broadcast {
		if a.requiresGrad {
			tensor.MulAdd(&a.Grad, dy, &b.Value, &a.Grad)
		}
		if b.requiresGrad {
			tensor.MulAdd(&b.Grad, dy, &a.Value, &b.Grad)
		}
		return
	}
	tmp := t.arena.Alloc(dy.Shape()...)
	if a.requiresGrad {
		tensor.MulRowVector(&tmp, dy, &b.Value)
		tensor.Add(&a.Grad, &a.Grad, &tmp)
	}
	if b.requiresGrad {
		tensor.Mul(&tmp, dy, &a.Value)
		tensor.SumRows(&b.Grad, &tmp, 1, 1)
	}
}

// Scale returns alpha·x.
func (t *Tape) Scale(x *Var, alpha float32) *Var {
	out := t.result(x.Value.Shape(), x)
	tensor.Scale(&out.Value, alpha, &x.Value)
	if out.requiresGrad {
		t.record(scaleBackward, out, x).lo = alpha
	}
	return out
}

func scaleBackward(_ *Tape, n *node) {
	tensor.AddScaled(&n.in[0].Grad, n.lo, &n.out.Grad)
}

// Sigmoid returns 1/(1 + e^−x) elementwise.
func (t *Tape) Sigmoid(x *Var) *Var {
	out := t.result(x.Value.Shape(), x)
	tensor.Sigmoid(&out.Value, &x.Value)
	if out.requiresGrad {
		t.record(sigmoidBackward, out, x)
	}
	return out
}

func sigmoidBackward(t *Tape, n *node) {
	tmp := t.arena.Alloc(n.out.Value.Shape()...)
	tensor.SigmoidBackward(&tmp, &n.out.Value, &n.out.Grad)
	tensor.Add(&n.in[0].Grad, &n.in[0].Grad, &tmp)
}

// Tanh returns tanh(x) elementwise.
func (t *Tape) Tanh(x *Var) *Var {
	out := t.result(x.Value.Shape(), x)
	tensor.Tanh(&out.Value, &x.Value)
	if out.requiresGrad {
		t.record(tanhBackward, out, x)
	}
	return out
}

func tanhBackward(t *Tape, n *node) {
	tmp := t.arena.Alloc(n.out.Value.Shape()...)
	tensor.TanhBackward(&tmp, &n.out.Value, &n.out.Grad)
	tensor.Add(&n.in[0].Grad, &n.in[0].Grad, &tmp)
}

// Clamp returns min(max(x, lo), hi) elementwise. The gradient passes where
// lo ≤ x ≤ hi and is zero where x was clamped.
func (t *Tape) Clamp(x *Var, lo, hi float32) *Var {
	out := t.result(x.Value.Shape(), x)
	tensor.Clamp(&out.Value, &x.Value, lo, hi)
	if out.requiresGrad {
		nd := t.record(clampBackward, out, x)
		nd.lo, nd.hi = lo, hi
	}
	return out
}

func clampBackward(_ *Tape, n *node) {
	x, dy, dx := n.in[0].Value.Data, n.out.Grad.Data, n.in[0].Grad.Data
	for i, v := range x {
		if v >= n.lo && v <= n.hi {
			dx[i] += dy[i]
		}
	}
}

// Reshape returns a view of x with a new shape (one dimension may be -1).
// It shares x's value and gradient, so it records nothing.
func (t *Tape) Reshape(x *Var, shape ...int) *Var {
	v := t.newVar(x.Value.Reshape(shape...), false)
	if x.requiresGrad && t.noGrad == 0 {
		v.requiresGrad = true
		v.Grad = x.Grad.Reshape(shape...)
	}
	return v
}

// Sum returns the sum of the elements of x as a scalar.
func (t *Tape) Sum(x *Var) *Var { return t.sum(x, 1) }

// Mean returns the mean of the elements of x as a scalar.
func (t *Tape) Mean(x *Var) *Var { return t.sum(x, 1/float32(x.Value.Len())) }

func (t *Tape) sum(x *Var, scale float32) *Var {
	out := t.result(nil, x)
	var s float64
	for _, v := range x.Value.Data {
		s += float64(v)
	}
	out.Value.Data[0] = float32(s * float64(scale))
	if out.requiresGrad {
		t.record(sumBackward, out, x).lo = scale
	}
	return out
}

func sumBackward(_ *Tape, n *node) {
	g := n.out.Grad.Data[0] * n.lo
	dx := n.in[0].Grad.Data
	for i := range dx {
		dx[i] += g
	}
}

// checkIDs panics unless every id is in [0, n).
func checkIDs(fn string, ids []int32, n int) {
	for _, id := range ids {
		if uint(id) >= uint(n) {
			panic("autodiff." + fn + ": id " + strconv.Itoa(int(id)) + " outside [0, " + strconv.Itoa(n) + ")")
		}
	}
}

// Embedding returns the rows of table [V, D] picked by ids: a [len(ids), D]
// matrix. Its backward adds each row's gradient to the row it came from.
// ids must not change until Backward.
func (t *Tape) Embedding(table *Var, ids []int32) *Var {
	out := t.result([]int{len(ids), table.Value.Dim(1)}, table)
	tensor.GatherRows(&out.Value, &table.Value, ids)
	if out.requiresGrad {
		t.record(embeddingBackward, out, table).ids = ids
	}
	return out
}

func embeddingBackward(_ *Tape, n *node) {
	tensor.ScatterAddRows(&n.in[0].Grad, &n.out.Grad, n.ids)
}

// Concat joins xs along axis 0 (the first) or -1 (the last); their other
// dimensions must agree.
func (t *Tape) Concat(axis int, xs ...*Var) *Var {
	if len(xs) == 0 {
		panic("autodiff.Concat: nothing to join")
	}
	first := &xs[0].Value
	rank := first.Rank()
	if axis != 0 && axis != -1 {
		panic("autodiff.Concat: axis must be 0 or -1")
	}
	if rank == 0 {
		panic("autodiff.Concat: cannot join scalars")
	}
	k := 0 // the index of axis
	if axis == -1 {
		k = rank - 1
	}
	var dims [tensor.MaxRank]int
	copy(dims[:], first.Shape())
	for _, x := range xs[1:] {
		s := x.Value.Shape()
		if len(s) != rank || !slices.Equal(s[:k], dims[:k]) || !slices.Equal(s[k+1:], dims[k+1:rank]) {
			panic("autodiff.Concat: shapes " + fmt.Sprint(first.Shape()) + " and " + fmt.Sprint(s) + " disagree off the axis")
		}
		dims[k] += s[k]
	}
	out := t.result(dims[:rank], xs...)
	if axis == 0 {
		off := 0
		for _, x := range xs {
			off += copy(out.Value.Data[off:], x.Value.Data)
		}
	} else {
		rows, cols := out.Value.Matrix()
		for r := range rows {
			off := r * cols
			for _, x := range xs {
				c := x.Value.Dim(-1)
				off += copy(out.Value.Data[off:off+c], x.Value.Data[r*c:(r+1)*c])
			}
		}
	}
	if out.requiresGrad {
		t.record(concatBackward, out, xs...).axis = axis
	}
	return out
}

func concatBackward(_ *Tape, n *node) {
	dy := &n.out.Grad
	if n.axis == 0 {
		off := 0
		for _, x := range n.in {
			k := x.Value.Len()
			if x.requiresGrad {
				asm.Axpy(1, dy.Data[off:off+k], x.Grad.Data)
			}
			off += k
		}
		return
	}
	rows, cols := dy.Matrix()
	for r := range rows {
		off := r * cols
		for _, x := range n.in {
			c := x.Value.Dim(-1)
			if x.requiresGrad {
				asm.Axpy(1, dy.Data[off:off+c], x.Grad.Data[r*c:(r+1)*c])
			}
			off += c
		}
	}
}

// Slice returns the part from ≤ i < to of x along axis 0 (a view sharing x's
// value and gradient, recording nothing) or -1 (a copy).
func (t *Tape) Slice(x *Var, axis, from, to int) *Var {
	switch axis {
	case 0:
		v := t.newVar(x.Value.Slice(from, to), false)
		if x.requiresGrad && t.noGrad == 0 {
			v.requiresGrad = true
			v.Grad = x.Grad.Slice(from, to)
		}
		return v
	case -1:
	default:
		panic("autodiff.Slice: axis must be 0 or -1")
	}
	rows, cols := x.Value.Matrix()
	if x.Value.Rank() == 0 || from < 0 || to < from || to > cols {
		panic("autodiff.Slice: [" + strconv.Itoa(from) + ":" + strconv.Itoa(to) + "] of a last axis of " + strconv.Itoa(cols))
	}
	var dims [tensor.MaxRank]int
	copy(dims[:], x.Value.Shape())
	w := to - from
	dims[x.Value.Rank()-1] = w
	out := t.result(dims[:x.Value.Rank()], x)
	for r := range rows {
		copy(out.Value.Data[r*w:(r+1)*w], x.Value.Data[r*cols+from:r*cols+to])
	}
	if out.requiresGrad {
		t.record(sliceBackward, out, x).from = from
	}
	return out
}

func sliceBackward(_ *Tape, n *node) {
	dx, dy := &n.in[0].Grad, &n.out.Grad
	rows, w := dy.Matrix()
	_, cols := dx.Matrix()
	for r := range rows {
		o := r*cols + n.from
		asm.Axpy(1, dy.Data[r*w:(r+1)*w], dx.Data[o:o+w])
	}
}
