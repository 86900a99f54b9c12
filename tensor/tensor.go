// Package tensor is neuromod's float32 n-dimensional array: a shape and a
// contiguous row-major slice of data, views that share that data, operations
// that write into a destination given first and call the asm kernels and
// asm/gemm, and an Arena that recycles per-batch temporaries so a training
// step allocates nothing once it has run once.
//
// Errors: a shape that comes from outside the program (a flag, a file) is
// checked by New and FromSlice, which return errors. Everything else —
// operations on tensors whose shapes do not fit, a view out of range, Zeros
// with a negative size — is a programming error and panics with a message
// naming the function, as the kernels do.
package tensor

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxRank is the largest number of dimensions a Tensor can have. The shape is
// stored inline, not in a slice, so that views, reshapes and arena tensors
// never allocate; four dimensions cover every layer neuromod has.
const MaxRank = 4

// Tensor is a float32 array of up to MaxRank dimensions whose elements lie in
// Data in row-major order. A Tensor value is a view, like a slice header:
// copying it copies the description, not the elements, and views made by
// Reshape, Row and Slice share Data with their parent.
//
// The zero Tensor is a scalar-shaped view of no data; test for an absent
// tensor with Data == nil.
type Tensor struct {
	// Data holds the elements, len(Data) = the product of the shape.
	Data  []float32
	shape [MaxRank]int
	rank  int
}

// checkShape validates shape and returns it inline with its element count.
func checkShape(shape []int) (dims [MaxRank]int, n int, err error) {
	if len(shape) > MaxRank {
		return dims, 0, fmt.Errorf("tensor: shape %s has %d dimensions, at most %d are supported", shapeString(shape), len(shape), MaxRank)
	}
	n = 1
	for i, d := range shape {
		if d < 0 {
			return dims, 0, fmt.Errorf("tensor: shape %s has a negative dimension", shapeString(shape))
		}
		dims[i] = d
		n *= d
	}
	return dims, n, nil
}

// mustShape is checkShape for shapes that come from the program itself.
func mustShape(fn string, shape []int) ([MaxRank]int, int) {
	dims, n, err := checkShape(shape)
	if err != nil {
		panic(fn + ": " + strings.TrimPrefix(err.Error(), "tensor: "))
	}
	return dims, n
}

// New returns a zeroed tensor of the given shape, or an error if the shape
// has a negative dimension or more than MaxRank dimensions. Use it for shapes
// that come from outside the program; Zeros panics instead.
func New(shape ...int) (Tensor, error) {
	dims, n, err := checkShape(shape)
	if err != nil {
		return Tensor{}, err
	}
	return Tensor{Data: make([]float32, n), shape: dims, rank: len(shape)}, nil
}

// Zeros returns a zeroed tensor of the given shape. An invalid shape is a
// programming error and panics.
func Zeros(shape ...int) Tensor {
	dims, n := mustShape("tensor.Zeros", shape)
	return Tensor{Data: make([]float32, n), shape: dims, rank: len(shape)}
}

// FromSlice returns a tensor of the given shape that uses data as its
// elements, without copying. It returns an error if the shape is invalid or
// len(data) is not the product of the shape.
func FromSlice(data []float32, shape ...int) (Tensor, error) {
	dims, n, err := checkShape(shape)
	if err != nil {
		return Tensor{}, err
	}
	if len(data) != n {
		return Tensor{}, fmt.Errorf("tensor: %d values do not fill shape %s (%d elements)", len(data), shapeString(shape), n)
	}
	return Tensor{Data: data, shape: dims, rank: len(shape)}, nil
}

// Shape returns the dimensions of t. The slice aliases t: do not modify it.
func (t *Tensor) Shape() []int { return t.shape[:t.rank] }

// Rank returns the number of dimensions of t.
func (t *Tensor) Rank() int { return t.rank }

// Dim returns the size of dimension i; a negative i counts from the end, so
// Dim(-1) is the last dimension.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += t.rank
	}
	if i < 0 || i >= t.rank {
		panic("tensor.Dim: dimension " + strconv.Itoa(i) + " of a rank-" + strconv.Itoa(t.rank) + " tensor")
	}
	return t.shape[i]
}

// Len returns the number of elements of t.
func (t *Tensor) Len() int { return len(t.Data) }

// Matrix returns t's size as a matrix whose columns are its last dimension
// and whose rows are all the others together: (2·3, 4) for a [2, 3, 4]
// tensor, (1, n) for a vector and (1, 1) for a scalar. Row-wise operations
// use this view.
func (t *Tensor) Matrix() (rows, cols int) {
	if t.rank == 0 {
		return 1, 1
	}
	cols = t.shape[t.rank-1]
	if cols == 0 {
		return 0, 0
	}
	return len(t.Data) / cols, cols
}

// SameShape reports whether a and b have identical shapes.
func SameShape(a, b *Tensor) bool {
	return a.rank == b.rank && a.shape == b.shape
}

// Reshape returns a view of t with a new shape of the same number of
// elements. One dimension may be -1 and is then inferred.
func (t *Tensor) Reshape(shape ...int) Tensor {
	if len(shape) > MaxRank {
		panic("tensor.Reshape: more than MaxRank dimensions in " + shapeString(shape))
	}
	r := Tensor{Data: t.Data, rank: len(shape)}
	copy(r.shape[:], shape)
	infer, n := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			n = -1
		default:
			n *= d
		}
	}
	if infer >= 0 && n > 0 {
		r.shape[infer] = len(t.Data) / n
		n *= r.shape[infer]
	}
	if n != len(t.Data) {
		panic("tensor.Reshape: cannot view " + shapeString(t.Shape()) + " as " + shapeString(shape))
	}
	return r
}

// Row returns the i-th sub-tensor along the first axis, without copying: a
// row of a matrix, a matrix of a [T, B, H] tensor.
func (t *Tensor) Row(i int) Tensor {
	if t.rank == 0 || i < 0 || i >= t.shape[0] {
		panic("tensor.Row: index " + strconv.Itoa(i) + " of shape " + shapeString(t.Shape()))
	}
	stride := t.stride()
	var dims [MaxRank]int
	copy(dims[:], t.shape[1:t.rank])
	return Tensor{Data: t.Data[i*stride : (i+1)*stride : (i+1)*stride], shape: dims, rank: t.rank - 1}
}

// Slice returns the sub-tensors i ≤ k < j along the first axis as one
// tensor, without copying.
func (t *Tensor) Slice(i, j int) Tensor {
	if t.rank == 0 || i < 0 || j < i || j > t.shape[0] {
		panic("tensor.Slice: [" + strconv.Itoa(i) + ":" + strconv.Itoa(j) + "] of shape " + shapeString(t.Shape()))
	}
	stride := t.stride()
	s := *t
	s.Data = t.Data[i*stride : j*stride : j*stride]
	s.shape[0] = j - i
	return s
}

// stride returns the number of elements per index of the first axis.
func (t *Tensor) stride() int {
	s := 1
	for _, d := range t.shape[1:t.rank] {
		s *= d
	}
	return s
}

// Clone returns a copy of t with its own data.
func (t *Tensor) Clone() Tensor {
	c := *t
	c.Data = append([]float32(nil), t.Data...)
	return c
}

// String formats t's shape and up to its first eight elements, for
// debugging and error messages.
func (t *Tensor) String() string {
	var b strings.Builder
	b.WriteString("Tensor" + shapeString(t.Shape()) + "[")
	for i, v := range t.Data {
		if i == 8 {
			b.WriteString(" …")
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%g", v)
	}
	b.WriteByte(']')
	return b.String()
}

// shapeString formats a shape as [2 3 4]. Unlike fmt it does not make its
// argument escape, so the panic paths that use it cost no allocation on the
// paths that do not panic.
func shapeString(shape []int) string {
	b := []byte{'['}
	for i, d := range shape {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(d), 10)
	}
	return string(append(b, ']'))
}
