package tensor

import (
	"strconv"

	"github.com/neuromod-go/neuromod/asm"
	"github.com/neuromod-go/neuromod/asm/gemm"
)

// The operations below write into their first argument and never allocate.
// As with the kernels, dst may be the same tensor as an input but must not
// partially overlap one. Shapes that do not fit are programming errors and
// panic.

func mustSameShape(fn string, ts ...*Tensor) {
	for _, t := range ts[1:] {
		if !SameShape(ts[0], t) {
			panic("tensor." + fn + ": shapes " + shapeString(ts[0].Shape()) + " and " + shapeString(t.Shape()) + " differ")
		}
	}
}

// matrixDims returns the rows and columns of a rank-2 tensor.
func matrixDims(fn string, t *Tensor) (rows, cols int) {
	if t.rank != 2 {
		panic("tensor." + fn + ": want a matrix, got shape " + shapeString(t.Shape()))
	}
	return t.shape[0], t.shape[1]
}

// MatMul sets dst = alpha·op(a)·op(b) + beta·dst, where op(x) is x or its
// transpose xᵀ as transA and transB say. All three are matrices (rank 2;
// Reshape others first): op(a) is m×k, op(b) is k×n and dst is m×n. With
// beta = 0 dst is only written; with beta = 1 the product is accumulated.
func MatMul(dst, a, b *Tensor, transA, transB bool, alpha, beta float32) {
	ar, ac := matrixDims("MatMul", a)
	br, bc := matrixDims("MatMul", b)
	m, k := ar, ac
	if transA {
		m, k = ac, ar
	}
	kb, n := br, bc
	if transB {
		kb, n = bc, br
	}
	dm, dn := matrixDims("MatMul", dst)
	if k != kb || dm != m || dn != n {
		panic("tensor.MatMul: shapes " + shapeString(dst.Shape()) + " = " + shapeString(a.Shape()) + transposeMark(transA) +
			" · " + shapeString(b.Shape()) + transposeMark(transB) + " do not fit")
	}
	gemm.Sgemm(transA, transB, m, n, k, alpha, a.Data, max(ac, 1), b.Data, max(bc, 1), beta, dst.Data, max(n, 1))
}

// MatMulTNRows sets rows [r0, r1) of dst to those of alpha·aᵀ·b + beta·dst,
// for a [k, m], b [k, n] and dst [m, n], on the calling goroutine alone.
// It splits a weight gradient dW = dyᵀ·x into blocks of rows that run as
// separate jobs: the blocks RowBlock cuts give exactly the bits of
// MatMul(dst, a, b, true, false, alpha, beta) (see gemm.RowTile).
func MatMulTNRows(dst, a, b *Tensor, r0, r1 int, alpha, beta float32) {
	k, m := matrixDims("MatMulTNRows", a)
	kb, n := matrixDims("MatMulTNRows", b)
	dm, dn := matrixDims("MatMulTNRows", dst)
	if k != kb || dm != m || dn != n {
		panic("tensor.MatMulTNRows: shapes " + shapeString(dst.Shape()) + " = " + shapeString(a.Shape()) + "ᵀ · " +
			shapeString(b.Shape()) + " do not fit")
	}
	checkRange("MatMulTNRows", r0, r1, m)
	if r0 == r1 || n == 0 {
		return
	}
	// With k = 0, a holds nothing and the call only scales dst by beta.
	gemm.SgemmSerial(true, false, r1-r0, n, k, alpha, a.Data[min(r0, len(a.Data)):], m, b.Data, max(n, 1), beta, dst.Data[r0*n:r1*n], n)
}

// Transpose sets dst, [n, m], to the transpose of src, [m, n] (see
// gemm.Transpose).
func Transpose(dst, src *Tensor) {
	m, n := matrixDims("Transpose", src)
	dr, dc := matrixDims("Transpose", dst)
	if dr != n || dc != m {
		panic("tensor.Transpose: shape " + shapeString(dst.Shape()) + " cannot hold the transpose of " + shapeString(src.Shape()))
	}
	gemm.Transpose(dst.Data, src.Data, m, n)
}

// RowBlock returns the rows [r0, r1) of block i of m rows cut into n
// nearly equal blocks for MatMulTNRows: every block but the first starts at
// a multiple of the GEMM's register tile, so that the blocks give the bits
// of the whole product as long as each has more than 32 rows (m/n ≥ 64
// rows suffices).
func RowBlock(m, n, i int) (r0, r1 int) {
	tile := gemm.RowTile()
	edge := func(j int) int {
		if j >= n {
			return m
		}
		return m * j / n / tile * tile
	}
	return edge(i), edge(i + 1)
}

// checkRange panics unless 0 ≤ lo ≤ hi ≤ n.
func checkRange(fn string, lo, hi, n int) {
	if lo < 0 || hi < lo || hi > n {
		panic("tensor." + fn + ": range [" + strconv.Itoa(lo) + ", " + strconv.Itoa(hi) + ") is not within [0, " + strconv.Itoa(n) + ")")
	}
}

func transposeMark(t bool) string {
	if t {
		return "ᵀ"
	}
	return ""
}

// Add sets dst = x + y elementwise; all three have the same shape.
func Add(dst, x, y *Tensor) {
	mustSameShape("Add", dst, x, y)
	asm.Add(dst.Data, x.Data, y.Data)
}

// Sub sets dst = x − y elementwise; all three have the same shape.
func Sub(dst, x, y *Tensor) {
	mustSameShape("Sub", dst, x, y)
	asm.Sub(dst.Data, x.Data, y.Data)
}

// Mul sets dst = x ⊙ y elementwise; all three have the same shape.
func Mul(dst, x, y *Tensor) {
	mustSameShape("Mul", dst, x, y)
	asm.Mul(dst.Data, x.Data, y.Data)
}

// MulAdd sets dst = x ⊙ y + z elementwise with one rounding; all four have
// the same shape. With dst = z it accumulates the product into dst.
func MulAdd(dst, x, y, z *Tensor) {
	mustSameShape("MulAdd", dst, x, y, z)
	asm.MulAdd(dst.Data, x.Data, y.Data, z.Data)
}

// AddScaled adds alpha·x to dst; both have the same shape.
func AddScaled(dst *Tensor, alpha float32, x *Tensor) {
	mustSameShape("AddScaled", dst, x)
	asm.Axpy(alpha, x.Data, dst.Data)
}

// Scale sets dst = alpha·x; both have the same shape.
func Scale(dst *Tensor, alpha float32, x *Tensor) {
	mustSameShape("Scale", dst, x)
	if len(x.Data) == 0 {
		return
	}
	if &dst.Data[0] != &x.Data[0] {
		copy(dst.Data, x.Data)
	}
	asm.Scale(alpha, dst.Data)
}

// Fill sets every element of dst to v.
func Fill(dst *Tensor, v float32) {
	if v == 0 {
		clear(dst.Data)
		return
	}
	for i := range dst.Data {
		dst.Data[i] = v
	}
}

// Copy copies the elements of src into dst, which must have as many
// elements; the shapes may differ, as the layout is the same row-major order.
func Copy(dst, src *Tensor) {
	if len(dst.Data) != len(src.Data) {
		panic("tensor.Copy: " + strconv.Itoa(len(src.Data)) + " elements into " + strconv.Itoa(len(dst.Data)))
	}
	copy(dst.Data, src.Data)
}

// rowVector checks that x and dst have the same shape and v as many elements
// as x has columns, and returns x's matrix size.
func rowVector(fn string, dst, x, v *Tensor) (rows, cols int) {
	mustSameShape(fn, dst, x)
	rows, cols = x.Matrix()
	if len(v.Data) != cols {
		panic("tensor." + fn + ": row vector of " + strconv.Itoa(len(v.Data)) + " elements for rows of " + strconv.Itoa(cols))
	}
	return rows, cols
}

// AddRowVector sets each row of dst to the row of x plus v: the broadcast of
// a bias over a batch. A row is the last dimension; len(v) is its size.
func AddRowVector(dst, x, v *Tensor) {
	rows, cols := rowVector("AddRowVector", dst, x, v)
	for r := range rows {
		o := r * cols
		asm.Add(dst.Data[o:o+cols], x.Data[o:o+cols], v.Data)
	}
}

// MulRowVector sets each row of dst to the row of x times v elementwise.
func MulRowVector(dst, x, v *Tensor) {
	rows, cols := rowVector("MulRowVector", dst, x, v)
	for r := range rows {
		o := r * cols
		asm.Mul(dst.Data[o:o+cols], x.Data[o:o+cols], v.Data)
	}
}

// SubRowVector sets each row of dst to the row of x minus v.
func SubRowVector(dst, x, v *Tensor) {
	rows, cols := rowVector("SubRowVector", dst, x, v)
	for r := range rows {
		o := r * cols
		asm.Sub(dst.Data[o:o+cols], x.Data[o:o+cols], v.Data)
	}
}

// SumRows sets dst = beta·dst + alpha·Σ rows of x, where a row is the last
// dimension of x and dst has that many elements: the gradient of
// AddRowVector's v. alpha = beta = 1 accumulates the sum.
func SumRows(dst, x *Tensor, alpha, beta float32) {
	_, cols := x.Matrix()
	sumRows("SumRows", dst, x, 0, cols, alpha, beta)
}

// SumRowsRange is SumRows for elements [c0, c1) of dst only, the columns
// c0…c1−1 of x: it splits a bias gradient into the same blocks as
// MatMulTNRows splits the weight's, with the same bits as SumRows.
func SumRowsRange(dst, x *Tensor, c0, c1 int, alpha, beta float32) {
	sumRows("SumRowsRange", dst, x, c0, c1, alpha, beta)
}

// sumRows is SumRowsRange, its panics naming fn.
func sumRows(fn string, dst, x *Tensor, c0, c1 int, alpha, beta float32) {
	rows, cols := x.Matrix()
	if len(dst.Data) != cols {
		panic("tensor." + fn + ": " + strconv.Itoa(len(dst.Data)) + " elements for rows of " + strconv.Itoa(cols))
	}
	checkRange(fn, c0, c1, cols)
	d := dst.Data[c0:c1]
	switch beta {
	case 0:
		clear(d)
	case 1:
	default:
		asm.Scale(beta, d)
	}
	for r := range rows {
		asm.Axpy(alpha, x.Data[r*cols+c0:r*cols+c1], d)
	}
}

// Sigmoid sets dst = 1/(1 + e^−x) elementwise.
func Sigmoid(dst, x *Tensor) {
	mustSameShape("Sigmoid", dst, x)
	asm.Sigmoid(dst.Data, x.Data)
}

// Tanh sets dst = tanh(x) elementwise.
func Tanh(dst, x *Tensor) {
	mustSameShape("Tanh", dst, x)
	asm.Tanh(dst.Data, x.Data)
}

// Exp sets dst = e^x elementwise.
func Exp(dst, x *Tensor) {
	mustSameShape("Exp", dst, x)
	asm.Exp(dst.Data, x.Data)
}

// Clamp sets dst = min(max(x, lo), hi) elementwise; lo ≤ hi.
func Clamp(dst, x *Tensor, lo, hi float32) {
	mustSameShape("Clamp", dst, x)
	asm.Clamp(dst.Data, x.Data, lo, hi)
}

// SigmoidBackward sets dst = dy ⊙ y ⊙ (1 − y), the gradient through a
// sigmoid whose output is y.
func SigmoidBackward(dst, y, dy *Tensor) {
	mustSameShape("SigmoidBackward", dst, y, dy)
	asm.SigmoidBackward(dst.Data, y.Data, dy.Data)
}

// TanhBackward sets dst = dy ⊙ (1 − y²), the gradient through a tanh whose
// output is y.
func TanhBackward(dst, y, dy *Tensor) {
	mustSameShape("TanhBackward", dst, y, dy)
	asm.TanhBackward(dst.Data, y.Data, dy.Data)
}

// Sum returns the sum of the elements of x.
func Sum(x *Tensor) float32 { return asm.Sum(x.Data) }

// SumSquares returns the sum of the squares of the elements of x, the
// squared norm that gradient clipping needs.
func SumSquares(x *Tensor) float32 { return asm.SumSquares(x.Data) }

// Dot returns the sum of x ⊙ y over all elements; x and y have the same shape.
func Dot(x, y *Tensor) float32 {
	mustSameShape("Dot", x, y)
	return asm.Dot(x.Data, y.Data)
}
