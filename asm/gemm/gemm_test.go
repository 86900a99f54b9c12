package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
)

// problem is one Sgemm call with its operands.
type problem struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	lda, ldb, ldc  int
	a, b           []float32
	c              *asmtest.Guarded
	c0             []float32 // C before the call
}

func (p *problem) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d alpha=%v beta=%v lda=%d ldb=%d ldc=%d",
		p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.beta, p.lda, p.ldb, p.ldc)
}

// newProblem builds a problem with leading dimensions padded by the pad
// values and C starting off floats past a 64-byte boundary. Slices are exactly
// as long as BLAS requires, so an index past them panics in Go code.
func newProblem(r *rand.Rand, transA, transB bool, m, n, k int, alpha, beta float32, padA, padB, padC, off int) *problem {
	p := &problem{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	p.lda, p.ldb, p.ldc = max(ac, 1)+padA, max(bc, 1)+padB, max(n, 1)+padC
	p.a = make([]float32, size(ar, ac, p.lda))
	p.b = make([]float32, size(br, bc, p.ldb))
	asmtest.FillUniform(r, p.a, -1, 1)
	asmtest.FillUniform(r, p.b, -1, 1)
	p.c = asmtest.NewGuarded(size(m, n, p.ldc), off).Fill(r, -1, 1)
	p.c0 = append([]float32(nil), p.c.Data...)
	return p
}

func size(rows, cols, ld int) int {
	if rows == 0 || cols == 0 {
		return 0
	}
	return (rows-1)*ld + cols
}

func (p *problem) run() {
	Sgemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, p.c.Data, p.ldc)
}

func (p *problem) opA(i, l int) float64 {
	if p.transA {
		return float64(p.a[l*p.lda+i])
	}
	return float64(p.a[i*p.lda+l])
}

func (p *problem) opB(l, j int) float64 {
	if p.transB {
		return float64(p.b[j*p.ldb+l])
	}
	return float64(p.b[l*p.ldb+j])
}

// check compares C with a float64 reference. Tolerance: a float32 sum of k
// products has error at most about k·ε·Σ|a·b|, so allow 2(k+2)·ε·(|alpha|·Σ|a·b|
// + |beta·c|) with ε = 2⁻²⁴. Elements between rows (the padding of ldc) must
// be untouched, and guards around C intact.
func (p *problem) check(t *testing.T) {
	t.Helper()
	p.c.Check(t)
	const eps = 1.0 / (1 << 24)
	// op(A) by rows and op(B) by columns, in float64, so that the reference
	// dot products run over contiguous memory.
	a64 := make([]float64, p.m*p.k)
	for i := 0; i < p.m; i++ {
		for l := 0; l < p.k; l++ {
			a64[i*p.k+l] = p.opA(i, l)
		}
	}
	b64 := make([]float64, p.n*p.k)
	for j := 0; j < p.n; j++ {
		for l := 0; l < p.k; l++ {
			b64[j*p.k+l] = p.opB(l, j)
		}
	}
	bad := 0
	for i := 0; i < p.m; i++ {
		for j := 0; j < p.ldc && i*p.ldc+j < len(p.c0); j++ {
			idx := i*p.ldc + j
			got := p.c.Data[idx]
			if j >= p.n {
				if math.Float32bits(got) != math.Float32bits(p.c0[idx]) {
					t.Fatalf("%v: padding C[%d][%d] changed from %v to %v", p, i, j, p.c0[idx], got)
				}
				continue
			}
			var s, mag float64
			ar, bc := a64[i*p.k:(i+1)*p.k], b64[j*p.k:(j+1)*p.k]
			for l, av := range ar {
				x := av * bc[l]
				s += x
				mag += math.Abs(x)
			}
			want := float64(p.alpha) * s
			bound := math.Abs(float64(p.alpha)) * mag
			if p.beta != 0 {
				want += float64(p.beta) * float64(p.c0[idx])
				bound += math.Abs(float64(p.beta) * float64(p.c0[idx]))
			}
			tol := 2*float64(p.k+2)*eps*bound + 1e-30
			if math.IsNaN(float64(got)) || math.Abs(float64(got)-want) > tol {
				bad++
				if bad <= 3 {
					t.Errorf("%v: C[%d][%d] = %v, want %v (tol %g)", p, i, j, got, want, tol)
				}
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%v: %d wrong elements", p, bad)
	}
}

var scalars = []float32{0, 1, -0.75}

// dims are the sizes every dimension is drawn from: 0 and 1, around the
// register tiles of every level (4×8, 6×16, 8×12, 14×32), around smallM and
// the kc blocks.
var dims = []int{0, 1, 2, 3, 5, 7, 8, 12, 13, 14, 15, 16, 17, 20, 28, 31, 32, 33, 45, 64, 97}

func TestSgemmShapes(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(uint64(l) + 1)
		n := 400
		if testing.Short() {
			n = 150
		}
		for it := 0; it < n; it++ {
			tA, tB := it&1 == 1, it&2 == 2
			m, nn, k := dims[r.IntN(len(dims))], dims[r.IntN(len(dims))], dims[r.IntN(len(dims))]
			alpha, beta := scalars[r.IntN(3)], scalars[r.IntN(3)]
			if it%7 == 0 {
				alpha = 1.5
			}
			p := newProblem(r, tA, tB, m, nn, k, alpha, beta, r.IntN(3)*r.IntN(5), r.IntN(3)*r.IntN(5), r.IntN(3)*r.IntN(5), asmtest.Offsets[r.IntN(4)])
			p.run()
			p.check(t)
		}
	})
}

// TestSgemmBlocks covers every transpose combination at sizes that span
// several kc slabs, mc blocks, nc panels and the small and big paths.
func TestSgemmBlocks(t *testing.T) {
	shapes := [][3]int{ // m, n, k
		{20, 100, 600}, {33, 65, 513}, {150, 45, 260}, {40, 4200, 3}, {200, 5, 300}, {97, 16, 40},
		{32, 70, 300}, {100, 100, 100}, {530, 40, 20}, {29, 33, 1030}, {20, 600, 600}, {600, 1, 520},
		{60, 70, 700}, {45, 40, 800}, // big path: one slab up to 1.5·kc, then kc slabs
	}
	if testing.Short() {
		shapes = shapes[:6]
	}
	if raceEnabled {
		shapes = shapes[2:4]
	}
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(uint64(l) + 100)
		for _, s := range shapes {
			for tr := 0; tr < 4; tr++ {
				for _, beta := range []float32{0, 0.5} {
					p := newProblem(r, tr&1 == 1, tr&2 == 2, s[0], s[1], s[2], 0.9, beta, 3, 1, 5, 1)
					p.run()
					p.check(t)
				}
			}
		}
	})
}

// TestSgemmBetaZeroIgnoresC fills C with NaN and ±Inf: with beta = 0 none
// may show in the result.
func TestSgemmBetaZeroIgnoresC(t *testing.T) {
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(7)
		for _, s := range [][3]int{{1, 1, 1}, {5, 9, 3}, {20, 33, 40}, {40, 70, 30}, {15, 17, 0}, {3, 4, 5}} {
			for tr := 0; tr < 4; tr++ {
				for _, alpha := range []float32{0, 1, 2} {
					p := newProblem(r, tr&1 == 1, tr&2 == 2, s[0], s[1], s[2], alpha, 0, 2, 0, 3, 0)
					specials := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
					for i := 0; i < p.m; i++ {
						for j := 0; j < p.n; j++ {
							p.c.Data[i*p.ldc+j] = specials[(i+j)%3]
							p.c0[i*p.ldc+j] = specials[(i+j)%3]
						}
					}
					p.run()
					for i := 0; i < p.m; i++ {
						for j := 0; j < p.n; j++ {
							v := p.c.Data[i*p.ldc+j]
							require.False(t, math.IsNaN(float64(v)) || math.IsInf(float64(v), 0), "%v: C[%d][%d] = %v", p, i, j, v)
						}
					}
					p.check(t)
				}
			}
		}
	})
}

// TestSgemmDeterministic: the same call twice gives the same bits, and so do
// 1, 2 and 3 threads (each element is summed in one fixed order), on the
// small path and the big one, above the parallel threshold.
func TestSgemmDeterministic(t *testing.T) {
	defaultSplit := splitNMin
	defer parallelAlways()()
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(11)
		shapes := [][3]int{{20, 300, 300}, {130, 100, 70}, {70, 150, 90}, {400, 9, 60}}
		if raceEnabled {
			shapes = [][3]int{{20, 100, 100}, {50, 60, 40}}
		}
		for _, s := range shapes {
			for tr := 0; tr < 4; tr++ {
				p := newProblem(r, tr&1 == 1, tr&2 == 2, s[0], s[1], s[2], 1, 0.5, 1, 2, 3, 0)
				var first []float32
				for run, th := range []int{1, 1, 2, 3, 2} {
					SetThreads(th)
					splitNMin = defaultSplit
					if run == 4 {
						splitNMin = 1 // workers split the columns
					}
					copy(p.c.Data, p.c0)
					p.run()
					if first == nil {
						p.check(t)
						first = append([]float32(nil), p.c.Data...)
						continue
					}
					for i := range first {
						if math.Float32bits(first[i]) != math.Float32bits(p.c.Data[i]) {
							t.Fatalf("%v threads=%d: C[%d] = %v, first run gave %v", p, th, i, p.c.Data[i], first[i])
						}
					}
				}
			}
		}
	})
}

// TestSgemmParallelMatchesReference runs the parallel path with more
// workers than cores (the race detector watches the pack buffers).
func TestSgemmParallelMatchesReference(t *testing.T) {
	defer parallelAlways()()
	SetThreads(4)
	require.Equal(t, 4, Threads())
	r := asmtest.Rand(5)
	defer func(old int) { splitNMin = old }(splitNMin)
	for _, split := range []int{1, splitNMin} {
		splitNMin = split // 1: workers split the columns; default: they share B panels
		for _, s := range [][3]int{{300, 70, 100}, {24, 3000, 40}, {45, 400, 90}, {3, 5, 7}, {40, 130, 50}, {300, 7, 100}} {
			for tr := 0; tr < 4; tr++ {
				p := newProblem(r, tr&1 == 1, tr&2 == 2, s[0], s[1], s[2], 1, 1, 0, 0, 0, 0)
				p.run()
				p.check(t)
			}
		}
	}
}

// parallelAlways sends even tiny problems to the workers until the returned
// function is called; it also restores the default thread count.
func parallelAlways() (restore func()) {
	old, oldSplit := minParallelFlops, splitNMin
	minParallelFlops = 0
	return func() {
		minParallelFlops, splitNMin = old, oldSplit
		SetThreads(0)
	}
}

func TestSetThreads(t *testing.T) {
	defer SetThreads(0)
	SetThreads(3)
	assert.Equal(t, 3, Threads())
	SetThreads(-1)
	assert.Positive(t, Threads())
}

// TestSgemmNoAllocs: after a warm-up call, neither path allocates, on one
// thread or several.
func TestSgemmNoAllocs(t *testing.T) {
	defer parallelAlways()()
	for _, th := range []int{1, 2} {
		SetThreads(th)
		for _, s := range [][3]int{{20, 800, 200}, {100, 300, 200}} {
			m, n, k := s[0], s[1], s[2]
			a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
			allocs := testing.AllocsPerRun(20, func() {
				Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
				Sgemm(true, true, m, n, k, 1, a, m, b, k, 1, c, n)
			})
			assert.Zero(t, allocs, "threads=%d shape %v", th, s)
		}
	}
}

func TestSgemmPanics(t *testing.T) {
	a, b, c := make([]float32, 6), make([]float32, 6), make([]float32, 4)
	assert.NotPanics(t, func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2) })
	cases := map[string]func(){
		"negative m":   func() { Sgemm(false, false, -1, 2, 3, 1, a, 3, b, 2, 0, c, 2) },
		"negative k":   func() { Sgemm(false, false, 2, 2, -3, 1, a, 3, b, 2, 0, c, 2) },
		"lda small":    func() { Sgemm(false, false, 2, 2, 3, 1, a, 2, b, 2, 0, c, 2) },
		"ldb small":    func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 1, 0, c, 2) },
		"ldc small":    func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 1) },
		"short A":      func() { Sgemm(false, false, 2, 2, 3, 1, a[:5], 3, b, 2, 0, c, 2) },
		"short B":      func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, b[:5], 2, 0, c, 2) },
		"short C":      func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c[:3], 2) },
		"short Bᵀ":     func() { Sgemm(false, true, 2, 2, 3, 1, a, 3, b, 4, 0, c, 2) },
		"lda small Aᵀ": func() { Sgemm(true, false, 2, 2, 3, 1, a, 1, b, 2, 0, c, 2) },
	}
	for name, f := range cases {
		assert.Panics(t, f, name)
	}
}

// FuzzSgemm compares the active level with a float64 reference over shapes,
// strides, transposes and scalars.
func FuzzSgemm(f *testing.F) {
	f.Add(uint8(20), uint8(33), uint8(17), uint8(0), uint8(1), uint8(2), uint8(3), uint8(5), uint64(1))
	f.Add(uint8(1), uint8(1), uint8(1), uint8(3), uint8(0), uint8(0), uint8(0), uint8(0), uint64(2))
	f.Add(uint8(40), uint8(70), uint8(200), uint8(1), uint8(0), uint8(0), uint8(2), uint8(9), uint64(3))
	f.Fuzz(func(t *testing.T, m, n, k, flags, padA, padB, padC, ab uint8, seed uint64) {
		r := asmtest.Rand(seed)
		p := newProblem(r, flags&1 == 1, flags&2 == 2, int(m)%80, int(n), int(k), scalars[ab%3], scalars[(ab/3)%3],
			int(padA%8), int(padB%8), int(padC%8), asmtest.Offsets[(flags>>2)%4])
		p.run()
		p.check(t)
	})
}

// TestSgemmConcurrentCalls runs parallel Sgemm calls from several goroutines
// at once: they share the worker pool and the job free list.
func TestSgemmConcurrentCalls(t *testing.T) {
	defer parallelAlways()()
	SetThreads(2)
	shapes := [][3]int{{40, 90, 30}, {20, 200, 50}, {70, 33, 65}, {5, 300, 10}}
	probs := make([]*problem, len(shapes))
	for i, s := range shapes {
		probs[i] = newProblem(asmtest.Rand(uint64(i)), i%2 == 1, i/2 == 1, s[0], s[1], s[2], 1, 0, 1, 1, 1, 0)
	}
	done := make(chan struct{})
	for _, p := range probs {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 5 {
				p.run()
			}
		}()
	}
	for range probs {
		<-done
	}
	for _, p := range probs {
		p.check(t)
	}
}

// TestSgemmSerial: SgemmSerial gives the bits of a parallel Sgemm, and so
// does a product computed by blocks of more than 32 rows starting at
// multiples of RowTile, each its own SgemmSerial call, which is how the LM
// splits its decoder's weight gradient.
func TestSgemmSerial(t *testing.T) {
	defer parallelAlways()()
	SetThreads(3)
	asmtest.ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		r := asmtest.Rand(13)
		for _, s := range [][3]int{{300, 70, 100}, {130, 100, 70}, {20, 300, 300}} {
			for tr := 0; tr < 4; tr++ {
				p := newProblem(r, tr&1 == 1, tr&2 == 2, s[0], s[1], s[2], 0.8, 0.5, 1, 2, 3, 0)
				p.run()
				want := append([]float32(nil), p.c.Data...)
				copy(p.c.Data, p.c0)
				SgemmSerial(p.transA, p.transB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, p.c.Data, p.ldc)
				require.Equal(t, want, p.c.Data, "%v", p)
				if !p.transA || p.m <= 2*smallM {
					continue
				}
				// Aᵀ's rows r0…r1−1 are its columns: start A at column r0.
				copy(p.c.Data, p.c0)
				half := p.m / 2 / RowTile() * RowTile()
				for _, blk := range [][2]int{{0, half}, {half, p.m}} {
					r0, r1 := blk[0], blk[1]
					SgemmSerial(true, p.transB, r1-r0, p.n, p.k, p.alpha, p.a[r0:], p.lda, p.b, p.ldb, p.beta, p.c.Data[r0*p.ldc:], p.ldc)
				}
				require.Equal(t, want, p.c.Data, "%v by blocks of rows", p)
			}
		}
	})
}
