package tensor

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/neuromod-go/neuromod/asm"
	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/asm/gemm"
	"github.com/neuromod-go/neuromod/internal/cpu"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randTensor returns a tensor of the given shape with elements in [-1, 1).
func randTensor(r *rand.Rand, shape ...int) Tensor {
	t := Zeros(shape...)
	for i := range t.Data {
		t.Data[i] = 2*r.Float32() - 1
	}
	return t
}

func TestConstructors(t *testing.T) {
	x, err := New(2, 3)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3}, x.Shape())
	assert.Equal(t, 6, x.Len())
	assert.Equal(t, 3, x.Dim(-1))
	assert.Equal(t, 2, x.Dim(0))

	_, err = New(2, -1)
	assert.ErrorContains(t, err, "negative")
	_, err = New(1, 2, 3, 4, 5)
	assert.ErrorContains(t, err, "at most 4")

	y, err := FromSlice([]float32{1, 2, 3, 4, 5, 6}, 3, 2)
	require.NoError(t, err)
	assert.Equal(t, float32(4), y.Data[3])
	_, err = FromSlice([]float32{1, 2, 3}, 2, 2)
	assert.ErrorContains(t, err, "3 values do not fill shape [2 2]")

	assert.PanicsWithValue(t, "tensor.Zeros: shape [-3] has a negative dimension", func() { Zeros(-3) })

	s := Zeros()
	assert.Equal(t, 1, s.Len(), "a rank-0 tensor is a scalar")
	r, c := s.Matrix()
	assert.Equal(t, [2]int{1, 1}, [2]int{r, c})
}

func TestViewsShareData(t *testing.T) {
	x := Zeros(2, 3, 4)
	for i := range x.Data {
		x.Data[i] = float32(i)
	}
	m := x.Reshape(-1, 4)
	assert.Equal(t, []int{6, 4}, m.Shape())
	m.Data[5] = -1
	assert.Equal(t, float32(-1), x.Data[5], "Reshape must not copy")

	row := x.Row(1)
	assert.Equal(t, []int{3, 4}, row.Shape())
	assert.Equal(t, float32(12), row.Data[0])

	s := x.Slice(1, 2)
	assert.Equal(t, []int{1, 3, 4}, s.Shape())
	s.Data[0] = 100
	assert.Equal(t, float32(100), x.Data[12], "Slice must not copy")
	assert.Equal(t, 12, cap(s.Data), "a view must not reach past its end")

	r, c := x.Matrix()
	assert.Equal(t, [2]int{6, 4}, [2]int{r, c})

	assert.Panics(t, func() { x.Reshape(5, -1) })
	assert.Panics(t, func() { x.Reshape(2, 2) })
	assert.Panics(t, func() { x.Row(2) })
	assert.Panics(t, func() { x.Slice(1, 3) })
	assert.Panics(t, func() { x.Dim(3) })

	cl := x.Clone()
	cl.Data[0] = 42
	assert.NotEqual(t, float32(42), x.Data[0], "Clone must copy")
	assert.Equal(t, "Tensor[2 3 4][0 1 2 3 4 -1 6 7 …]", x.String())
}

// matAt returns element (i, j) of op(m).
func matAt(m *Tensor, trans bool, i, j int) float32 {
	if trans {
		i, j = j, i
	}
	return m.Data[i*m.Dim(1)+j]
}

func TestMatMulAllTransposes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const m, k, n = 5, 7, 3
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			a := randTensor(r, m, k)
			if ta {
				a = randTensor(r, k, m)
			}
			b := randTensor(r, k, n)
			if tb {
				b = randTensor(r, n, k)
			}
			dst := randTensor(r, m, n)
			old := dst.Clone()
			MatMul(&dst, &a, &b, ta, tb, 2, 0.5)
			for i := range m {
				for j := range n {
					var s float32
					for p := range k {
						s += matAt(&a, ta, i, p) * matAt(&b, tb, p, j)
					}
					assert.InDelta(t, 2*s+0.5*old.Data[i*n+j], dst.Data[i*n+j], 1e-5, "ta=%v tb=%v (%d,%d)", ta, tb, i, j)
				}
			}
		}
	}
	a, b, bad := Zeros(2, 3), Zeros(3, 4), Zeros(2, 5)
	assert.PanicsWithValue(t, "tensor.MatMul: shapes [2 5] = [2 3] · [3 4] do not fit", func() { MatMul(&bad, &a, &b, false, false, 1, 0) })
}

func TestElementwise(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x, y, z := randTensor(r, 3, 4), randTensor(r, 3, 4), randTensor(r, 3, 4)
	dst := Zeros(3, 4)
	check := func(name string, want func(i int) float32) {
		t.Helper()
		for i := range dst.Data {
			require.InDelta(t, want(i), dst.Data[i], 1e-6, "%s[%d]", name, i)
		}
	}
	Add(&dst, &x, &y)
	check("Add", func(i int) float32 { return x.Data[i] + y.Data[i] })
	Sub(&dst, &x, &y)
	check("Sub", func(i int) float32 { return x.Data[i] - y.Data[i] })
	Mul(&dst, &x, &y)
	check("Mul", func(i int) float32 { return x.Data[i] * y.Data[i] })
	MulAdd(&dst, &x, &y, &z)
	check("MulAdd", func(i int) float32 { return x.Data[i]*y.Data[i] + z.Data[i] })
	Scale(&dst, 3, &x)
	check("Scale", func(i int) float32 { return 3 * x.Data[i] })
	AddScaled(&dst, -2, &y)
	check("AddScaled", func(i int) float32 { return 3*x.Data[i] - 2*y.Data[i] })
	Clamp(&dst, &x, -0.5, 0.25)
	check("Clamp", func(i int) float32 { return min(max(x.Data[i], -0.5), 0.25) })
	Fill(&dst, 7)
	check("Fill", func(int) float32 { return 7 })
	Copy(&dst, &x)
	check("Copy", func(i int) float32 { return x.Data[i] })
	Sigmoid(&dst, &x)
	sig := dst.Clone()
	SigmoidBackward(&dst, &sig, &y)
	check("SigmoidBackward", func(i int) float32 { return y.Data[i] * sig.Data[i] * (1 - sig.Data[i]) })
	Tanh(&dst, &x)
	th := dst.Clone()
	TanhBackward(&dst, &th, &y)
	check("TanhBackward", func(i int) float32 { return y.Data[i] * (1 - th.Data[i]*th.Data[i]) })

	v := randTensor(r, 4)
	AddRowVector(&dst, &x, &v)
	check("AddRowVector", func(i int) float32 { return x.Data[i] + v.Data[i%4] })
	SubRowVector(&dst, &x, &v)
	check("SubRowVector", func(i int) float32 { return x.Data[i] - v.Data[i%4] })
	MulRowVector(&dst, &x, &v)
	check("MulRowVector", func(i int) float32 { return x.Data[i] * v.Data[i%4] })

	sum := Zeros(4)
	Fill(&sum, 1)
	SumRows(&sum, &x, -2, 0.5)
	for j := range 4 {
		assert.InDelta(t, 0.5-2*(x.Data[j]+x.Data[4+j]+x.Data[8+j]), sum.Data[j], 1e-6)
	}

	other := Zeros(4, 3)
	assert.PanicsWithValue(t, "tensor.Add: shapes [3 4] and [4 3] differ", func() { Add(&dst, &x, &other) })
	short := Zeros(3)
	assert.Panics(t, func() { AddRowVector(&dst, &x, &short) })
}

func TestGatherScatter(t *testing.T) {
	table, _ := FromSlice([]float32{0, 1, 10, 11, 20, 21}, 3, 2)
	ids := []int32{2, 0, 2}
	dst := Zeros(3, 2)
	GatherRows(&dst, &table, ids)
	assert.Equal(t, []float32{20, 21, 0, 1, 20, 21}, dst.Data)

	g := Zeros(3, 2)
	ScatterAddRows(&g, &dst, ids)
	assert.Equal(t, []float32{0, 1, 0, 0, 40, 42}, g.Data, "repeated ids accumulate")
	assert.Panics(t, func() { GatherRows(&dst, &table, []int32{0, 3, 1}) })
}

func TestSoftmaxNLL(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	logits := randTensor(r, 4, 5)
	targets := []int32{0, 4, 2, 2}
	logp := Zeros(4, 5)
	LogSoftmax(&logp, &logits)
	grad := Zeros(4, 5)
	loss := SoftmaxNLL(&grad, &logits, targets, 0.25)
	var want float64
	for i, tg := range targets {
		want -= float64(logp.Data[i*5+int(tg)])
	}
	assert.InDelta(t, want, loss, 1e-5)
	assert.InDelta(t, 0, Sum(&grad), 1e-6, "softmax rows sum to one, so the gradient sums to zero")
}

// SoftmaxNLL shares its rows out over the threads: every row's gradient is
// the single-row kernel's, and the loss is the same to the bit whatever the
// thread count (the blocks' sums are added in order).
func TestSoftmaxNLLThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const rows, cols = 203, 3000 // up to 4 shares, a partial last block
	logits := randTensor(r, rows, cols)
	targets := make([]int32, rows)
	for i := range targets {
		targets[i] = int32(r.IntN(cols))
	}
	want := Zeros(rows, cols)
	var wantLoss float64
	for i := range rows {
		row := logits.Data[i*cols : (i+1)*cols]
		wantLoss += float64(asm.SoftmaxNLL(want.Data[i*cols:(i+1)*cols], row, int(targets[i]), 0.5))
	}
	var losses []float64
	for _, procs := range []int{1, 2, 3, 8} {
		prev := runtime.GOMAXPROCS(procs)
		grad := Zeros(rows, cols)
		losses = append(losses, SoftmaxNLL(&grad, &logits, targets, 0.5))
		runtime.GOMAXPROCS(prev)
		require.Equal(t, want.Data, grad.Data, "GOMAXPROCS %d", procs)
	}
	for _, l := range losses[1:] {
		assert.Equal(t, losses[0], l)
	}
	assert.InDelta(t, wantLoss, losses[0], 1e-9*wantLoss)
	allocs := testing.AllocsPerRun(20, func() {
		grad := want
		SoftmaxNLL(&grad, &logits, targets, 0.5)
	})
	assert.Zero(t, allocs)
}

// BiasSoftmaxNLL gives the same bits as AddRowVector then SoftmaxNLL, in
// place or not, at any thread count, and leaves logits with the bias added.
func TestBiasSoftmaxNLL(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const rows, cols = 203, 3000
	logits, bias := randTensor(r, rows, cols), randTensor(r, cols)
	targets := make([]int32, rows)
	for i := range targets {
		targets[i] = int32(r.IntN(cols))
	}
	biased := Zeros(rows, cols)
	AddRowVector(&biased, &logits, &bias)
	want := Zeros(rows, cols)
	wantLoss := SoftmaxNLL(&want, &biased, targets, 0.5)
	for _, procs := range []int{1, 2, 3} {
		prev := runtime.GOMAXPROCS(procs)
		x, grad := logits.Clone(), Zeros(rows, cols)
		loss := BiasSoftmaxNLL(&grad, &x, &bias, targets, 0.5)
		inPlace := logits.Clone()
		lossInPlace := BiasSoftmaxNLL(&inPlace, &inPlace, &bias, targets, 0.5)
		runtime.GOMAXPROCS(prev)
		require.Equal(t, wantLoss, loss, "GOMAXPROCS %d", procs)
		require.Equal(t, want.Data, grad.Data, "GOMAXPROCS %d", procs)
		require.Equal(t, biased.Data, x.Data, "GOMAXPROCS %d: logits + bias", procs)
		require.Equal(t, wantLoss, lossInPlace, "GOMAXPROCS %d, in place", procs)
		require.Equal(t, want.Data, inPlace.Data, "GOMAXPROCS %d, in place", procs)
	}
	short := Zeros(cols - 1)
	assert.Panics(t, func() { BiasSoftmaxNLL(&logits, &logits, &short, targets, 0.5) })
	assert.Panics(t, func() { BiasSoftmaxNLL(&logits, &logits, &bias, targets[1:], 0.5) })
}

func TestLSTMCellShapes(t *testing.T) {
	gates, cPrev, c, h := Zeros(2, 12), Zeros(2, 3), Zeros(2, 3), Zeros(2, 3)
	LSTMCellForward(&gates, &cPrev, &c, &h)
	assert.InDelta(t, 0.5, gates.Data[0], 1e-7, "σ(0) replaces the pre-activation")
	bad := Zeros(2, 8)
	assert.Panics(t, func() { LSTMCellForward(&bad, &cPrev, &c, &h) })
}

// TestMatMulTNRowsBlocks: a weight gradient computed in RowBlock's blocks
// of rows, and its bias gradient in the same blocks, has exactly the bits
// of the whole MatMul and SumRows, at every ISA level.
func TestMatMulTNRowsBlocks(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, _ cpu.Level) {
		r := rand.New(rand.NewPCG(7, 8))
		const k, m, n = 70, 300, 40
		dy, x := randTensor(r, k, m), randTensor(r, k, n)
		dw0, db0 := randTensor(r, m, n), randTensor(r, m)
		want, wantB := dw0.Clone(), db0.Clone()
		MatMul(&want, &dy, &x, true, false, 0.7, 1)
		SumRows(&wantB, &dy, 0.7, 1)
		for _, beta := range []float32{1, 0} {
			if beta == 0 {
				MatMul(&want, &dy, &x, true, false, 0.7, 0)
				SumRows(&wantB, &dy, 0.7, 0)
			}
			got, gotB := dw0.Clone(), db0.Clone()
			for _, i := range []int{2, 0, 1} {
				r0, r1 := RowBlock(m, 3, i)
				require.Zero(t, r0%gemm.RowTile())
				require.Greater(t, r1-r0, 32)
				MatMulTNRows(&got, &dy, &x, r0, r1, 0.7, beta)
				SumRowsRange(&gotB, &dy, r0, r1, 0.7, beta)
			}
			MatMulTNRows(&got, &dy, &x, 5, 5, 0.7, beta) // empty
			require.Equal(t, want.Data, got.Data, "beta %v", beta)
			require.Equal(t, wantB.Data, gotB.Data, "beta %v", beta)
		}
	})
	a, b, dst := Zeros(4, 6), Zeros(4, 3), Zeros(6, 3)
	assert.PanicsWithValue(t, "tensor.MatMulTNRows: range [2, 7) is not within [0, 6)", func() { MatMulTNRows(&dst, &a, &b, 2, 7, 1, 0) })
	assert.PanicsWithValue(t, "tensor.MatMulTNRows: range [3, 2) is not within [0, 6)", func() { MatMulTNRows(&dst, &a, &b, 3, 2, 1, 0) })
	bad := Zeros(5, 3)
	assert.PanicsWithValue(t, "tensor.MatMulTNRows: shapes [5 3] = [4 6]ᵀ · [4 3] do not fit", func() { MatMulTNRows(&bad, &a, &b, 0, 1, 1, 0) })
	bias := Zeros(6)
	assert.PanicsWithValue(t, "tensor.SumRowsRange: range [-1, 2) is not within [0, 6)", func() { SumRowsRange(&bias, &a, -1, 2, 1, 0) })
	// k = 0: nothing to sum, the rows in range are only scaled by beta.
	a0, b0, d0 := Zeros(0, 6), Zeros(0, 3), Zeros(6, 3)
	Fill(&d0, 2)
	MatMulTNRows(&d0, &a0, &b0, 2, 5, 1, 0.5)
	assert.Equal(t, []float32{2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2}, d0.Data)
}

func TestTranspose(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	src, dst := randTensor(r, 3, 70), Zeros(70, 3)
	Transpose(&dst, &src)
	for i := range 3 {
		for j := range 70 {
			require.Equal(t, src.Data[i*70+j], dst.Data[j*3+i])
		}
	}
	bad := Zeros(3, 70)
	assert.PanicsWithValue(t, "tensor.Transpose: shape [3 70] cannot hold the transpose of [3 70]", func() { Transpose(&bad, &src) })
}
