package nn

import (
	"math/rand/v2"

	"github.com/neuromod-go/neuromod/autodiff"
	"github.com/neuromod-go/neuromod/tensor"
)

// Embedding maps token ids to rows of a table, like torch.nn.Embedding.
//
// Its backward pass records which rows of the table's gradient it wrote,
// and the optimisers, GradNorm and ZeroGrad visit only those rows: a step
// touches a few hundred of the ten thousand rows of a PTB model. The
// gradient must therefore be written only through Forward (or zeroed).
type Embedding struct {
	// Weight is the table, [vocab, dim]; its name is prefix + ".weight".
	Weight *Param

	ops autodiff.OpPool[embeddingOp]
}

// NewEmbedding returns an embedding of vocab tokens into dim dimensions with
// a zeroed table named prefix + ".weight".
func NewEmbedding(prefix string, vocab, dim int) *Embedding {
	w := NewParam(prefix+".weight", vocab, dim)
	w.rows = newRowSet(vocab)
	return &Embedding{Weight: w}
}

// Params returns the table.
func (e *Embedding) Params() []*Param { return []*Param{e.Weight} }

// Forward returns the rows of the table picked by ids, a [len(ids), dim]
// matrix. ids must not change until Backward.
func (e *Embedding) Forward(t *autodiff.Tape, ids []int32) *autodiff.Var {
	w := e.Weight.Var
	y := t.Output(t.Arena().Alloc(len(ids), w.Value.Dim(1)), w)
	tensor.GatherRows(&y.Value, &w.Value, ids) // panics on an id out of range
	if y.RequiresGrad() {
		op := e.ops.Get()
		*op = embeddingOp{pool: &e.ops, w: e.Weight, y: y, ids: ids}
		t.Record(op)
	}
	return y
}

// embeddingOp is the backward pass of Embedding.Forward.
type embeddingOp struct {
	pool *autodiff.OpPool[embeddingOp]
	w    *Param
	y    *autodiff.Var
	ids  []int32
}

func (op *embeddingOp) Backward() {
	tensor.ScatterAddRows(&op.w.Grad, &op.y.Grad, op.ids)
	if op.w.rows != nil {
		op.w.rows.add(op.ids)
	}
	op.pool.Put()
}

// Linear is the affine map y = x·Wᵀ + b, like torch.nn.Linear.
type Linear struct {
	// Weight is [out, in] (PyTorch's layout), named prefix + ".weight".
	Weight *Param
	// Bias is [out], named prefix + ".bias".
	Bias *Param

	ops   autodiff.OpPool[linearOp]
	loss  autodiff.OpPool[linearLossOp]
	async *asyncGroup // where CrossEntropy's backward runs dW; nil: at once
}

// NewLinear returns a zeroed linear map from in to out features whose
// parameters are named prefix + ".weight" and prefix + ".bias".
func NewLinear(prefix string, in, out int) *Linear {
	return &Linear{
		Weight: NewParam(prefix+".weight", out, in),
		Bias:   NewParam(prefix+".bias", out),
	}
}

// Params returns the weight and the bias.
func (l *Linear) Params() []*Param { return []*Param{l.Weight, l.Bias} }

// Forward returns x·Wᵀ + b for a batch x of [N, in], as one fused node.
func (l *Linear) Forward(t *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	w, b := l.Weight.Var, l.Bias.Var
	y := t.Output(t.Arena().Alloc(x.Value.Dim(0), w.Value.Dim(0)), x, w, b)
	tensor.MatMul(&y.Value, &x.Value, &w.Value, false, true, 1, 0)
	tensor.AddRowVector(&y.Value, &y.Value, &b.Value)
	if y.RequiresGrad() {
		op := l.ops.Get()
		*op = linearOp{pool: &l.ops, x: x, w: w, b: b, y: y}
		t.Record(op)
	}
	return y
}

// linearOp is the backward pass of Linear.Forward.
type linearOp struct {
	pool       *autodiff.OpPool[linearOp]
	x, w, b, y *autodiff.Var
}

func (op *linearOp) Backward() {
	linearInputGrad(op.x, op.w, &op.y.Grad, 1)
	linearWeightGrads(op.x, op.w, op.b, &op.y.Grad, 1)
	op.pool.Put()
}

// linearInputGrad adds the gradient of y = x·Wᵀ + b with respect to x,
// given alpha·dy, to x's if it requires one.
func linearInputGrad(x, w *autodiff.Var, dy *tensor.Tensor, alpha float32) {
	if x.RequiresGrad() {
		tensor.MatMul(&x.Grad, dy, &w.Value, false, false, alpha, 1) // dx = dy·W
	}
}

// linearWeightGrads adds the gradients of y = x·Wᵀ + b with respect to W
// and b, given alpha·dy, to those that require them.
func linearWeightGrads(x, w, b *autodiff.Var, dy *tensor.Tensor, alpha float32) {
	if w.RequiresGrad() {
		tensor.MatMul(&w.Grad, dy, &x.Value, true, false, alpha, 1) // dW = dyᵀ·x
	}
	if b.RequiresGrad() {
		tensor.SumRows(&b.Grad, dy, alpha, 1)
	}
}

// CrossEntropy is the decoder and the loss of a language model fused into
// one node: it returns the mean over the N rows of x [N, in] of
// −log softmax(x·Wᵀ + b)[target], the targets one per row. The logits are
// never kept: one buffer holds them and then, in place, the gradient of the
// loss with respect to them, which Backward multiplies into the gradients of
// x, W and b. total is the loss summed over the rows in float64, for
// perplexities that do not lose precision over a whole split.
func (l *Linear) CrossEntropy(t *autodiff.Tape, x *autodiff.Var, targets []int32) (loss *autodiff.Var, total float64) {
	w, b := l.Weight.Var, l.Bias.Var
	n := x.Value.Dim(0)
	if n != len(targets) || n == 0 {
		panic("nn.Linear.CrossEntropy: the rows of x and the targets differ in number, or there are none")
	}
	a := t.Arena()
	logits := a.Alloc(n, w.Value.Dim(0))
	tensor.MatMul(&logits, &x.Value, &w.Value, false, true, 1, 0)
	total = tensor.BiasSoftmaxNLL(&logits, &logits, &b.Value, targets, 1/float32(n)) // logits now hold the gradient
	loss = t.Output(a.Alloc(), x, w, b)
	loss.Value.Data[0] = float32(total / float64(n))
	if loss.RequiresGrad() {
		op := l.loss.Get()
		*op = linearLossOp{pool: &l.loss, async: l.async, x: x, w: w, b: b, loss: loss, dlogits: logits}
		t.Record(op)
	}
	return loss, total
}

// linearLossOp is the backward pass of Linear.CrossEntropy.
type linearLossOp struct {
	pool          *autodiff.OpPool[linearLossOp]
	async         *asyncGroup
	x, w, b, loss *autodiff.Var
	dlogits       tensor.Tensor // gradient of the mean loss w.r.t. the logits
}

// Backward computes the gradient of x, which the backward pass needs next,
// and leaves those of W and b to the background when it can.
func (op *linearLossOp) Backward() {
	linearInputGrad(op.x, op.w, &op.dlogits, op.loss.Grad.Data[0])
	op.async.run(op)
	op.pool.Put() // reused only by the next forward pass, after the join
}

func (op *linearLossOp) Background() {
	linearWeightGrads(op.x, op.w, op.b, &op.dlogits, op.loss.Grad.Data[0])
}

// decoderShards is how many blocks of rows the background splits the
// decoder's dW = dyᵀ·x (and db) into: the step's largest GEMM, which
// otherwise runs on the background goroutine alone after the model's
// goroutine has finished the rest of the backward pass. Each block packs x
// anew, so more blocks cost more; 8 leave the two goroutines at most an
// eighth of the product apart.
const decoderShards = 8

// minShardRows keeps every block above the GEMM's skinny-path limit of 32
// rows, so that the blocks give the bits of the whole product (see
// tensor.RowBlock).
const minShardRows = 64

func (op *linearLossOp) shards() int {
	return max(1, min(decoderShards, op.w.Value.Dim(0)/minShardRows))
}

func (op *linearLossOp) backgroundShard(i int) {
	r0, r1 := tensor.RowBlock(op.w.Value.Dim(0), op.shards(), i)
	alpha := op.loss.Grad.Data[0]
	if op.w.RequiresGrad() {
		tensor.MatMulTNRows(&op.w.Grad, &op.dlogits, &op.x.Value, r0, r1, alpha, 1)
	}
	if op.b.RequiresGrad() {
		tensor.SumRowsRange(&op.b.Grad, &op.dlogits, r0, r1, alpha, 1)
	}
}

// Dropout zeroes each element of its input with probability P while
// training and scales the others by 1/(1−P), so that evaluation, where it
// passes its input through, needs no rescaling.
type Dropout struct {
	// P is the probability of dropping an element, in [0, 1).
	P float32
	// Training switches dropout on; when false Forward returns its input.
	Training bool
	// Rng draws the masks (see tensor.DropoutMask). The model that owns
	// the layer owns the generator, so that its state can go into a
	// checkpoint.
	Rng *rand.PCG
}

// Forward applies dropout to x when training and P > 0, and returns x
// itself otherwise.
func (d *Dropout) Forward(t *autodiff.Tape, x *autodiff.Var) *autodiff.Var {
	if !d.Training || d.P == 0 {
		return x
	}
	return t.Dropout(x, d.P, d.Rng)
}
