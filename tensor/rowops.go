package tensor

import (
	"runtime"
	"strconv"

	"github.com/neuromod-go/neuromod/asm"
	"github.com/neuromod-go/neuromod/internal/parallel"
)

// Row-wise operations see a tensor as a matrix (see Tensor.Matrix): a row is
// its last dimension, and the rows are everything before it.

// GatherRows sets row i of dst to row ids[i] of table: an embedding lookup.
// table is a matrix [V, D] and dst has len(ids) rows of D elements.
func GatherRows(dst, table *Tensor, ids []int32) {
	v, d := matrixDims("GatherRows", table)
	checkRows("GatherRows", dst, len(ids), d)
	for i, id := range ids {
		if uint(id) >= uint(v) {
			panic("tensor.GatherRows: id " + strconv.Itoa(int(id)) + " outside [0, " + strconv.Itoa(v) + ")")
		}
		copy(dst.Data[i*d:(i+1)*d], table.Data[int(id)*d:int(id+1)*d])
	}
}

// ScatterAddRows adds row i of src to row ids[i] of dst, the gradient of
// GatherRows: repeated ids accumulate.
func ScatterAddRows(dst, src *Tensor, ids []int32) {
	v, d := matrixDims("ScatterAddRows", dst)
	checkRows("ScatterAddRows", src, len(ids), d)
	for i, id := range ids {
		if uint(id) >= uint(v) {
			panic("tensor.ScatterAddRows: id " + strconv.Itoa(int(id)) + " outside [0, " + strconv.Itoa(v) + ")")
		}
		asm.Axpy(1, src.Data[i*d:(i+1)*d], dst.Data[int(id)*d:int(id+1)*d])
	}
}

// checkRows panics unless t is a matrix view of rows×cols.
func checkRows(fn string, t *Tensor, rows, cols int) {
	if r, c := t.Matrix(); r != rows || c != cols {
		panic("tensor." + fn + ": shape " + shapeString(t.Shape()) + ", want " + strconv.Itoa(rows) + " rows of " + strconv.Itoa(cols))
	}
}

// LogSoftmax sets each row of dst to the log-softmax of the row of x.
func LogSoftmax(dst, x *Tensor) {
	mustSameShape("LogSoftmax", dst, x)
	rows, cols := x.Matrix()
	for r := range rows {
		o := r * cols
		asm.LogSoftmax(dst.Data[o:o+cols], x.Data[o:o+cols])
	}
}

// SoftmaxNLL is the fused softmax cross-entropy over the rows of logits, one
// row per target. It returns Σ −log softmax(row i)[targets[i]], summed in
// float64, and sets grad (logits' shape; may be logits itself) to scale ·
// (softmax − onehot(target)) row by row: with scale = 1/len(targets), the
// gradient of the mean loss.
//
// The rows go in blocks of softmaxBlock to internal/parallel's helpers (a
// language model's decoder output is thousands of rows of 10,000 logits,
// milliseconds of work that would otherwise run on one thread); the loss is
// summed block by block and the blocks' sums in order, so the result does
// not depend on the number of threads.
func SoftmaxNLL(grad, logits *Tensor, targets []int32, scale float32) float64 {
	return softmaxNLL("SoftmaxNLL", grad, logits, nil, targets, scale)
}

// BiasSoftmaxNLL is AddRowVector(logits, logits, bias) followed by
// SoftmaxNLL(grad, logits, targets, scale), with the same results to the
// bit: a linear layer's bias and loss. Each row gets its bias just before
// its softmax, on the same thread and while it is in cache, where a
// separate AddRowVector would be one more pass over all the logits on one
// thread.
func BiasSoftmaxNLL(grad, logits, bias *Tensor, targets []int32, scale float32) float64 {
	rowVector("BiasSoftmaxNLL", logits, logits, bias)
	return softmaxNLL("BiasSoftmaxNLL", grad, logits, bias.Data, targets, scale)
}

func softmaxNLL(fn string, grad, logits *Tensor, bias []float32, targets []int32, scale float32) float64 {
	mustSameShape(fn, grad, logits)
	rows, cols := logits.Matrix()
	checkRows(fn, logits, len(targets), cols)
	blocks := (rows + softmaxBlock - 1) / softmaxBlock
	j := softmaxJobs.Get()
	*j = softmaxJob{grad: grad.Data, logits: logits.Data, bias: bias, targets: targets, scale: scale, cols: cols,
		blocks: blocks, shares: max(1, min(runtime.GOMAXPROCS(0), blocks, rows*cols/softmaxMinShare)),
		sums: j.sums}
	if cap(j.sums) < blocks {
		j.sums = make([]float64, blocks)
	}
	j.sums = j.sums[:blocks] // every block's sum is set
	parallel.Run(j.shares, j)
	var loss float64
	for _, v := range j.sums {
		loss += v
	}
	j.grad, j.logits, j.bias, j.targets = nil, nil, nil, nil
	softmaxJobs.Put(j)
	return loss
}

// softmaxBlock is the number of rows SoftmaxNLL sums together;
// softmaxMinShare the fewest elements worth a share of their own.
const (
	softmaxBlock    = 16
	softmaxMinShare = 1 << 17
)

// softmaxJob is one SoftmaxNLL call, split into shares of whole blocks.
type softmaxJob struct {
	grad, logits   []float32
	bias           []float32 // added to each row of logits first, unless nil
	targets        []int32
	scale          float32
	cols           int
	blocks, shares int
	sums           []float64 // per block
}

func (j *softmaxJob) RunShare(w int) {
	b0, b1 := w*j.blocks/j.shares, (w+1)*j.blocks/j.shares
	for blk := b0; blk < b1; blk++ {
		r0, r1 := blk*softmaxBlock, min((blk+1)*softmaxBlock, len(j.targets))
		var sum float64
		for r := r0; r < r1; r++ {
			o := r * j.cols
			if j.bias != nil {
				asm.Add(j.logits[o:o+j.cols], j.logits[o:o+j.cols], j.bias)
			}
			sum += float64(asm.SoftmaxNLL(j.grad[o:o+j.cols], j.logits[o:o+j.cols], int(j.targets[r]), j.scale))
		}
		j.sums[blk] = sum
	}
}

// softmaxJobs are reused, so that a call allocates nothing once warm.
var softmaxJobs parallel.FreeList[softmaxJob]

// LSTMCellForward runs the pointwise part of an LSTM step for a batch: gates
// is [B, 4H] (pre-activations in the order i, f, g, o, replaced by their
// activations), cPrev, c and h are [B, H]. See asm.LSTMCellForward.
func LSTMCellForward(gates, cPrev, c, h *Tensor) {
	mustSameShape("LSTMCellForward", c, cPrev, h)
	b, n := c.Matrix()
	checkRows("LSTMCellForward", gates, b, 4*n)
	for r := range b {
		asm.LSTMCellForward(gates.Data[4*n*r:4*n*(r+1)], cPrev.Data[n*r:n*(r+1)], c.Data[n*r:n*(r+1)], h.Data[n*r:n*(r+1)])
	}
}

// LSTMCellBackward is the batch backward pass of LSTMCellForward: it sets
// dGates [B, 4H] from the saved activations gates, the states cPrev and c,
// the output gradient dh, and dc, which on return holds the gradient of
// cPrev. See asm.LSTMCellBackward.
func LSTMCellBackward(dGates, gates, cPrev, c, dh, dc *Tensor) {
	mustSameShape("LSTMCellBackward", c, cPrev, dh, dc)
	mustSameShape("LSTMCellBackward", dGates, gates)
	b, n := c.Matrix()
	checkRows("LSTMCellBackward", gates, b, 4*n)
	for r := range b {
		g := 4 * n * r
		s := n * r
		asm.LSTMCellBackward(dGates.Data[g:g+4*n], gates.Data[g:g+4*n], cPrev.Data[s:s+n], c.Data[s:s+n], dh.Data[s:s+n], dc.Data[s:s+n])
	}
}
