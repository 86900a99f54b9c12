// Package autodiff is neuromod's reverse-mode automatic differentiation: a
// Tape records the operations of a forward pass on Vars, and Backward runs
// their gradients in reverse order.
//
// A training step is
//
//	tape.Reset()                   // reuse the previous step's memory
//	loss := model(tape, batch)     // operations record themselves
//	tape.Backward(loss)            // gradients accumulate into the params
//	optimiser.Step(params)         // then zero the params' gradients
//
// Parameters are leaves made by NewParam; they own their value and gradient
// and outlive the tape. Everything else — the results of operations, Const
// inputs, saved masks and activations, scratch space in Backward — comes from
// the tape's Arena and its pool of Vars and nodes, and is valid until the next
// Reset, so that a step of the same shape allocates nothing after the first.
//
// Higher layers add fused operations of their own with Output and Record (see
// Op). CheckGrad compares the gradients of any function built on a tape with
// finite differences.
package autodiff

import (
	"github.com/neuromod-go/neuromod/tensor"
)

// Var is a value in a computation and, when it takes part in
// differentiation, the gradient of the loss with respect to it. The views
// made by Tape.Reshape and Tape.Slice along axis 0 share both Value and Grad
// with their parent, which is why every backward pass adds to gradients and
// never assigns them.
type Var struct {
	// Value is the variable's value.
	Value tensor.Tensor
	// Grad has Value's shape and accumulates the gradient of the loss when
	// RequiresGrad; otherwise its Data is nil.
	Grad tensor.Tensor

	requiresGrad bool
}

// NewParam returns a leaf that requires a gradient, such as a layer's weight.
// It keeps value (not copied) and gets a zeroed gradient of its own that
// Backward adds to, step after step, until ZeroGrad.
func NewParam(value tensor.Tensor) *Var {
	grad := tensor.Zeros(value.Shape()...)
	return &Var{Value: value, Grad: grad, requiresGrad: true}
}

// RequiresGrad reports whether v has a gradient: it is a param, or the
// result of a recorded operation on one.
func (v *Var) RequiresGrad() bool { return v.requiresGrad }

// ZeroGrad sets v's gradient to zero.
func (v *Var) ZeroGrad() { clear(v.Grad.Data) }

// Op is the backward pass of a fused operation that a higher layer computes
// itself and records with Tape.Record. Backward is called once, in reverse
// order of recording, when the gradients of the op's outputs are complete; it
// must add (never assign) the gradients of its inputs into their Grad, for
// those inputs that RequiresGrad, because other operations may add to the
// same gradient.
//
// To allocate nothing per step, make the Op a pointer to a struct that the
// layer keeps and refills each step; an OpFunc closure allocates.
type Op interface {
	Backward()
}

// OpFunc adapts a function to the Op interface.
type OpFunc func()

// Backward calls f.
func (f OpFunc) Backward() { f() }

// backwardFunc adds the gradients of a node's inputs. Each operation has one,
// a top-level function, so recording a node captures nothing and allocates
// nothing.
type backwardFunc func(t *Tape, n *node)

// node is one recorded operation: its backward function and what that needs.
// The fields are a union; each operation uses the ones it names.
type node struct {
	backward  backwardFunc
	in        []*Var // inputs; the backing array is reused after Reset
	out, out2 *Var   // results (out2: the LSTM cell's c)

	saved          tensor.Tensor // a mask, activations or a precomputed gradient
	ids            []int32       // embedding ids or targets, owned by the caller
	transA, transB bool          // MatMul
	broadcast      bool          // Add, Sub, Mul: b is a row vector
	lo, hi         float32       // Clamp bounds; Scale factor in lo
	axis           int           // Concat
	from           int           // column offset of Slice
	op             Op            // Record
}

// Tape records operations for Backward. The zero Tape is ready to use; it is
// not safe for concurrent use.
type Tape struct {
	arena  tensor.Arena
	nodes  []node
	vars   []*Var // pool; vars[:nvars] are in use
	nvars  int
	noGrad int  // > 0 inside NoGrad
	done   bool // Backward has run since Reset
}

// Arena returns the tape's arena, for custom operations' results and
// scratch space. Its tensors live until Reset.
func (t *Tape) Arena() *tensor.Arena { return &t.arena }

// Reset forgets every recorded operation and takes back all the memory of
// the last step: Vars made by the tape and tensors from its arena become
// invalid. Params are not affected.
func (t *Tape) Reset() {
	t.arena.Reset()
	for i := range t.nodes {
		n := &t.nodes[i]
		in := n.in[:0]
		clear(n.in) // let the GC have the old vars
		*n = node{in: in}
	}
	t.nodes = t.nodes[:0]
	t.nvars = 0
	t.done = false
}

// NoGrad runs f without recording: the operations inside compute values
// only, and their results do not require gradients. Use it for evaluation.
func (t *Tape) NoGrad(f func()) {
	t.noGrad++
	defer func() { t.noGrad-- }()
	f()
}

// Recording reports whether operations are being recorded, that is whether
// the tape is outside NoGrad.
func (t *Tape) Recording() bool { return t.noGrad == 0 }

// newVar returns a pooled Var holding value, with a zeroed gradient if
// requiresGrad.
func (t *Tape) newVar(value tensor.Tensor, requiresGrad bool) *Var {
	if t.nvars == len(t.vars) {
		t.vars = append(t.vars, new(Var))
	}
	v := t.vars[t.nvars]
	t.nvars++
	*v = Var{Value: value, requiresGrad: requiresGrad}
	if requiresGrad {
		v.Grad = t.arena.Like(&value)
	}
	return v
}

// Const returns a Var for value that requires no gradient: an input, a
// target, a state carried over from the previous segment.
func (t *Tape) Const(value tensor.Tensor) *Var { return t.newVar(value, false) }

// needsGrad reports whether a result computed from inputs requires a
// gradient: the tape is recording and some input requires one.
func (t *Tape) needsGrad(inputs ...*Var) bool {
	if t.noGrad > 0 {
		return false
	}
	for _, v := range inputs {
		if v.requiresGrad {
			return true
		}
	}
	return false
}

// Output returns a Var for the value of an operation computed from inputs.
// It requires a gradient (zeroed, from the arena) when the tape is recording
// and some input requires one. Custom operations use it for their results,
// then Record their Op if any result RequiresGrad.
func (t *Tape) Output(value tensor.Tensor, inputs ...*Var) *Var {
	return t.newVar(value, t.needsGrad(inputs...))
}

// result allocates the value of an operation's result from the arena. Its
// elements are undefined: the operation writes them all.
func (t *Tape) result(shape []int, inputs ...*Var) *Var {
	return t.Output(t.arena.Alloc(shape...), inputs...)
}

// Record appends a custom operation to the tape; its Backward runs during
// Backward after those of every operation recorded later. Outside recording
// (in NoGrad) it does nothing.
func (t *Tape) Record(op Op) {
	if t.noGrad > 0 {
		return
	}
	t.record(runOp, nil).op = op
}

func runOp(_ *Tape, n *node) { n.op.Backward() }

// record appends a node and returns it for the caller to fill in. The
// pointer is valid until the next record.
func (t *Tape) record(backward backwardFunc, out *Var, inputs ...*Var) *node {
	if len(t.nodes) < cap(t.nodes) {
		t.nodes = t.nodes[:len(t.nodes)+1]
	} else {
		t.nodes = append(t.nodes, node{})
	}
	n := &t.nodes[len(t.nodes)-1]
	n.backward = backward
	n.out = out
	n.in = append(n.in[:0], inputs...)
	return n
}

// Backward computes the gradient of the scalar loss with respect to every
// Var that requires one, running the recorded operations in reverse. Params'
// gradients accumulate across calls; call Backward once per Reset.
func (t *Tape) Backward(loss *Var) {
	if loss.Value.Len() != 1 {
		panic("autodiff.Backward: the loss must be a scalar; use BackwardFrom for a tensor")
	}
	t.seed("Backward", loss)
	loss.Grad.Data[0]++
	t.backward()
}

// BackwardFrom is Backward for a non-scalar out whose gradient is given:
// it adds grad (out's shape) to out.Grad and runs the recorded operations in
// reverse.
func (t *Tape) BackwardFrom(out *Var, grad *tensor.Tensor) {
	t.seed("BackwardFrom", out)
	tensor.Add(&out.Grad, &out.Grad, grad)
	t.backward()
}

func (t *Tape) seed(fn string, out *Var) {
	if !out.requiresGrad {
		panic("autodiff." + fn + ": the output requires no gradient (no params, or computed in NoGrad)")
	}
	if t.done {
		panic("autodiff." + fn + ": called twice without Reset")
	}
	t.done = true
}

func (t *Tape) backward() {
	for i := len(t.nodes) - 1; i >= 0; i-- {
		n := &t.nodes[i]
		n.backward(t, n)
	}
}
