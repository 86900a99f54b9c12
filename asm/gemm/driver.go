package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/neuromod-go/neuromod/internal/parallel"
)

// kernel describes one micro-kernel and the cache blocking tuned for it.
//
// A micro-kernel computes one register tile
//
//	C[i*ldc+j] = alpha·Σ_{p<k} A[i*rsa+p*csa]·B[p*rsb+j] + beta·C[i*ldc+j]
//
// for i < mr and j < nr (beta = 0: C is not read), summing p in order
// 0…k−1. A is addressed through general strides, so one kernel reads packed
// micro-panels (rsa = 1, csa = mr) and row- or column-major A in place.
type kernel struct {
	name   string
	mr, nr int // register tile
	kc     int // depth of a packed block of the big path
	kcs    int // depth of a block on the skinny path (a kcs×nr strip of B stays in L1)
	mc     int // rows of a packed A block (kc×mc in L2)
	nc     int // columns of a packed B panel (kc×nc in L3)

	directA bool // reads A through (rsa, csa); else A must be packed and zero padded to mr rows
	directB bool // reads unpacked rows of B (rsb = ldb) without running past column nr
	packA   bool // the big path packs A blocks (rather than reading A in place)
	edgeM   bool // handles mr < kernel.mr itself
	edgeN   bool // handles nr < kernel.nr itself; else edge tiles go through a scratch tile

	// run computes one tile (the contract above); pf is a byte offset from
	// B whose lines the kernel prefetches along with each row of B (kernels
	// without prefetching ignore it).
	run func(mr, nr, k int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc int, alpha, beta float32, pf int)

	// copyRows packs the other cases: dst[r*ldd+j] = src[r*lds+j] for
	// j < cols and 0 for cols ≤ j < ldd, for r < rows (ldd ≤ 32).
	copyRows func(dst, src []float32, lds, rows, cols, ldd int)

	// transpose packs the transposing cases (A not transposed, B
	// transposed): dst[p*ldd+i] = src[i*lds+p] for i < rows, p < cols.
	transpose func(dst, src []float32, lds, rows, cols, ldd int)
}

// pfAhead is how many rows of B ahead of its loads a kernel prefetches
// while it streams B in.
const pfAhead = 32

// smallBlock is how many nr-wide strips of B the skinny path packs at a time
// when it cannot read B in place (Bᵀ, or kernels without directB): 16 strips
// × kc 256 is 256 KiB at AVX2's 16 columns, 512 KiB at 32, within L2.
const smallBlock = 16

// smallN is the column count up to which Sgemm computes Cᵀ on the skinny
// path instead (see sgemm).
const smallN = 16

// smallM is the row count up to which Sgemm takes the skinny path: A is
// read in place (kernels with directA) and B streamed once per column strip.
const smallM = 32

// minParallelFlops is the work (2·m·n·k) below which Sgemm stays on the
// calling goroutine: waking a worker costs microseconds, more on a loaded
// machine. A variable so that tests can send small problems to the workers.
var minParallelFlops = 1 << 24

var threadsWanted atomic.Int64

// SetThreads sets how many goroutines a large Sgemm may use; n ≤ 0 follows
// runtime.GOMAXPROCS(0), the default. The result does not depend on it.
func SetThreads(n int) {
	if n < 0 {
		n = 0
	}
	threadsWanted.Store(int64(n))
}

// Threads reports how many goroutines a large Sgemm uses.
func Threads() int {
	if n := int(threadsWanted.Load()); n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// sgemm multiplies with kernel kn on up to t goroutines; the arguments have
// been checked and m, n > 0.
func sgemm(kn *kernel, t int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	if 2*m*n*k < minParallelFlops {
		t = 1
	}
	j := getJob(kn, t)
	j.transA, j.transB = transA, transB
	j.m, j.n, j.k = m, n, k
	j.alpha, j.beta = alpha, beta
	j.a, j.lda, j.b, j.ldb, j.c, j.ldc = a, lda, b, ldb, c, ldc
	j.transC = false
	switch {
	case m <= smallM:
		j.small()
	case n <= smallN:
		// Few columns: compute Cᵀ = op(B)ᵀ·op(A)ᵀ on the skinny path, so
		// that the n columns become the rows of the register tile instead
		// of filling a 32-wide one with mostly masked-off lanes.
		j.transA, j.transB = !transB, !transA
		j.m, j.n = n, m
		j.a, j.lda, j.b, j.ldb = b, ldb, a, lda
		j.transC = true
		j.small()
	default:
		j.big()
	}
	j.a, j.b, j.c = nil, nil, nil
	putJob(j)
}

// scaleC sets C = beta·C, without reading C when beta = 0.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// split returns the start of part w of total items cut into t nearly equal
// contiguous parts.
func split(total, t, w int) int { return total * w / t }

// balance cuts total into ceil(total/limit) nearly equal blocks and returns
// the block size rounded up to a multiple of unit.
func balance(total, limit, unit int) int {
	nb := (total + limit - 1) / limit
	s := (total + nb - 1) / nb
	return (s + unit - 1) / unit * unit
}

// job holds one Sgemm call and its workspaces; jobs are reused so a call in
// steady state allocates nothing.
type job struct {
	kn      *kernel
	threads int

	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int

	// Big path state of the current (jc, pc) block.
	kc, mc         int
	jc, nc, pc, kk int
	icBlocks       int
	jrSplit        int
	splitN         bool      // big path: workers take column ranges, not row blocks
	transC         bool      // the job computes Cᵀ (m, n, A and B swapped): tiles go through scratch
	bpack          []float32 // the packed kc×nc panel of B, shared by the workers
	apackAll       []float32 // small path, kernels without directA: all of A packed

	phase int
	ws    []workspace
}

// workspace is one worker's private buffers.
type workspace struct {
	apack  []float32 // a packed mc×kc block of A
	bpack  []float32 // small path: packed kc×nr strips of B
	bpanel []float32 // big path split by columns: this worker's packed B panel
	tmp    []float32 // scratch tile for edges the kernel cannot store itself
}

const (
	phasePackB = iota
	phaseBig
	phaseSmall
	phaseSplitN
)

var jobPool struct {
	mu   sync.Mutex
	free []*job
}

func getJob(kn *kernel, t int) *job {
	jobPool.mu.Lock()
	// Take the free job with the largest buffers: concurrent callers (a
	// training step's background weight gradients) otherwise swap jobs at
	// random, and a large product landing on a job that has only served
	// small ones grows its buffers long after warm-up.
	var j *job
	if n := len(jobPool.free); n > 0 {
		best := n - 1
		for i := n - 2; i >= 0; i-- {
			if jobPool.free[i].footprint() > jobPool.free[best].footprint() {
				best = i
			}
		}
		j = jobPool.free[best]
		jobPool.free[best] = jobPool.free[n-1]
		jobPool.free = jobPool.free[:n-1]
	}
	jobPool.mu.Unlock()
	if j == nil {
		j = new(job)
	}
	j.kn, j.threads = kn, t
	for len(j.ws) < t {
		j.ws = append(j.ws, workspace{})
	}
	return j
}

// footprint is the number of floats j's buffers hold.
func (j *job) footprint() int {
	n := cap(j.bpack) + cap(j.apackAll)
	for i := range j.ws {
		w := &j.ws[i]
		n += cap(w.apack) + cap(w.bpack) + cap(w.bpanel) + cap(w.tmp)
	}
	return n
}

func putJob(j *job) {
	jobPool.mu.Lock()
	// Bounded: concurrent callers beyond this just let their jobs go.
	if len(jobPool.free) < 4*runtime.GOMAXPROCS(0) {
		jobPool.free = append(jobPool.free, j)
	}
	jobPool.mu.Unlock()
}

// grow returns buf if it holds n floats, else a new 64-byte aligned buffer.
func grow(buf []float32, n int) []float32 {
	if cap(buf) >= n {
		return buf[:n]
	}
	raw := make([]float32, n+16)
	off := int((64 - uintptr(unsafe.Pointer(&raw[0]))%64) % 64 / 4)
	return raw[off : off+n : off+n]
}

// parallel runs phase on j.threads workers (internal/parallel's helpers and
// the caller), worker w doing share w of it.
func (j *job) parallel(phase int) {
	j.phase = phase
	parallel.Run(j.threads, j)
}

// RunShare does worker w's share of the current phase (parallel.Job).
func (j *job) RunShare(w int) { j.runPhase(w) }

func (j *job) runPhase(w int) {
	switch j.phase {
	case phasePackB:
		j.packBPanel(w)
	case phaseBig:
		j.computeBig(w)
	case phaseSmall:
		j.computeSmall(w)
	case phaseSplitN:
		j.computeSplitN(w)
	}
}

// big is the GotoBLAS/BLIS loop nest: for each nc-wide panel of C and each
// kc-deep slab of K, pack B once (shared by the workers), then each worker
// takes whole mc-row blocks (packing its own A block), and sweeps nr-wide
// micro-panels of B against mr-tall micro-panels of A. Every element of C is
// accumulated over the K slabs in order, whatever the thread count.
func (j *job) big() {
	kn := j.kn
	j.kc = slabDepth(j.k, kn.kc)
	// Wide products split the columns: each worker runs the whole loop nest
	// on its own columns with its own buffers, with no synchronisation
	// until the end (A is packed by every worker, a small price when each
	// has many columns). Otherwise the workers share each packed B panel
	// and split its rows.
	j.splitN = j.threads > 1 && j.n >= j.threads*splitNMin
	rowWorkers := j.threads
	if j.splitN {
		rowWorkers = 1
	}
	// A whole number of row blocks per worker when the rows allow.
	nb := (j.m + kn.mc - 1) / kn.mc
	nb = (nb + rowWorkers - 1) / rowWorkers * rowWorkers
	j.mc = balance(j.m, (j.m+nb-1)/nb, kn.mr)
	j.icBlocks = (j.m + j.mc - 1) / j.mc
	j.jrSplit = 1
	if j.icBlocks < rowWorkers {
		j.jrSplit = (rowWorkers + j.icBlocks - 1) / j.icBlocks
	}
	ncMax := min(kn.nc, (j.n+kn.nr-1)/kn.nr*kn.nr)
	for w := range j.ws[:j.threads] {
		ws := &j.ws[w]
		if kn.packA || !kn.directA {
			ws.apack = grow(ws.apack, j.mc*j.kc)
		}
		ws.tmp = grow(ws.tmp, kn.mr*kn.nr)
		if j.splitN {
			ws.bpanel = grow(ws.bpanel, j.kc*ncMax)
		}
	}
	if j.splitN {
		j.parallel(phaseSplitN)
		return
	}
	j.bpack = grow(j.bpack, j.kc*ncMax)
	for jc := 0; jc < j.n; jc += kn.nc {
		j.jc, j.nc = jc, min(kn.nc, j.n-jc)
		for pc := 0; pc < j.k; pc += j.kc {
			j.pc, j.kk = pc, min(j.kc, j.k-pc)
			j.parallel(phasePackB)
			j.parallel(phaseBig)
		}
	}
}

// slabDepth is the depth of the K slabs of the big path: kc-deep slabs cut
// evenly, except that a product at most half as deep again as kc runs as
// one slab. Every slab after the first reads and writes all of C once more,
// which for wide products (a language model's 700×10000 logits at k = 650,
// its dW at k = 700) costs more than the longer micro-panels leaving L1:
// one slab measured 5–10% faster there with AVX-512, and no slower for
// deeper products, which keep kc.
func slabDepth(k, kc int) int {
	if k <= kc+kc/2 {
		return (k + 3) / 4 * 4
	}
	return balance(k, kc, 4)
}

// splitNMin is the number of columns per worker from which the big path
// splits the columns between workers rather than sharing B panels (a
// variable so that tests can take either way).
var splitNMin = 2048

// computeSplitN runs the whole loop nest on worker w's share of the columns.
func (j *job) computeSplitN(w int) {
	kn := j.kn
	ws := &j.ws[w]
	strips := (j.n + kn.nr - 1) / kn.nr
	c0 := split(strips, j.threads, w) * kn.nr
	c1 := min(split(strips, j.threads, w+1)*kn.nr, j.n)
	for jc := c0; jc < c1; jc += kn.nc {
		nc := min(kn.nc, c1-jc)
		for pc := 0; pc < j.k; pc += j.kc {
			kk := min(j.kc, j.k-pc)
			for p := 0; p*kn.nr < nc; p++ {
				j0 := p * kn.nr
				packB(kn.copyRows, kn.transpose, ws.bpanel[p*kn.nr*kk:(p+1)*kn.nr*kk], j.transB, j.b, j.ldb, pc, kk, jc+j0, min(kn.nr, nc-j0), kn.nr)
			}
			j.computeBlock(ws, jc, nc, pc, kk, ws.bpanel, 0, 1)
		}
	}
}

// packBPanel packs worker w's share of the micro-panels of the current
// kk×nc panel of op(B).
func (j *job) packBPanel(w int) {
	nr := j.kn.nr
	panels := (j.nc + nr - 1) / nr
	p0, p1 := split(panels, j.threads, w), split(panels, j.threads, w+1)
	for p := p0; p < p1; p++ {
		j0 := p * nr
		packB(j.kn.copyRows, j.kn.transpose, j.bpack[p*nr*j.kk:(p+1)*nr*j.kk], j.transB, j.b, j.ldb, j.pc, j.kk, j.jc+j0, min(nr, j.nc-j0), nr)
	}
}

// computeBig does worker w's share of the current (jc, pc) block.
func (j *job) computeBig(w int) {
	j.computeBlock(&j.ws[w], j.jc, j.nc, j.pc, j.kk, j.bpack, w, j.threads)
}

// computeBlock multiplies rows of op(A) by the packed kk×nc panel bp of op(B)
// (columns jc…, depth pc…). The work is cut into units, (mc block, range of
// nr micro-panels) pairs; this worker does units u0, u0+step, ….
func (j *job) computeBlock(ws *workspace, jc, nc, pc, kk int, bpanel []float32, u0, step int) {
	kn := j.kn
	beta := j.beta
	if pc > 0 {
		beta = 1
	}
	panels := (nc + kn.nr - 1) / kn.nr
	units := j.icBlocks * j.jrSplit
	for u := u0; u < units; u += step {
		ib, part := u/j.jrSplit, u%j.jrSplit
		i0 := ib * j.mc
		mc := min(j.mc, j.m-i0)
		jr0, jr1 := split(panels, j.jrSplit, part), split(panels, j.jrSplit, part+1)
		if jr0 == jr1 {
			continue
		}
		var ap []float32
		var rsa, csa int
		if kn.packA || !kn.directA {
			packA(kn.copyRows, kn.transpose, ws.apack, j.transA, j.a, j.lda, i0, mc, pc, kk, kn.mr)
			ap, rsa, csa = ws.apack, 1, kn.mr
		}
		for jr := jr0; jr < jr1; jr++ {
			j0 := jr * kn.nr
			nr := min(kn.nr, nc-j0)
			bp := bpanel[jr*kn.nr*kk:]
			for ir := 0; ir < mc; ir += kn.mr {
				mr := min(kn.mr, mc-ir)
				var a []float32
				ra, ca := rsa, csa
				if ap != nil {
					a = ap[ir*kk:]
				} else {
					a, ra, ca = j.aAt(i0+ir, pc)
				}
				j.tile(ws, kk, mr, nr, a, ra, ca, bp, kn.nr, i0+ir, jc+j0, beta, pfAhead*kn.nr*4)
			}
		}
	}
}

// aAt returns op(A) from element (i, p) on, with its row and column strides.
func (j *job) aAt(i, p int) ([]float32, int, int) {
	if j.transA {
		return j.a[p*j.lda+i:], 1, j.lda
	}
	return j.a[i*j.lda+p:], j.lda, 1
}

// small is the skinny path (m ≤ smallM): A is small and read in place (or
// packed whole once per call for kernels that need packed A). Each worker
// takes a contiguous range of nr-wide column strips; per strip and kc slab it
// uses B in place (directB) or packs that strip alone into an L1-sized
// buffer, then runs every row tile over it.
func (j *job) small() {
	kn := j.kn
	j.kc = balance(j.k, kn.kcs, 4)
	j.kk = 0
	strips := (j.n + kn.nr - 1) / kn.nr
	j.threads = max(1, min(j.threads, strips/2))
	if !kn.directA {
		tiles := (j.m + kn.mr - 1) / kn.mr
		j.apackAll = grow(j.apackAll, tiles*kn.mr*j.k)
		packA(kn.copyRows, kn.transpose, j.apackAll, j.transA, j.a, j.lda, 0, j.m, 0, j.k, kn.mr)
	}
	for w := range j.ws[:j.threads] {
		ws := &j.ws[w]
		ws.bpack = grow(ws.bpack, smallBlock*j.kc*kn.nr)
		ws.tmp = grow(ws.tmp, kn.mr*kn.nr)
	}
	j.parallel(phaseSmall)
}

func (j *job) computeSmall(w int) {
	kn := j.kn
	ws := &j.ws[w]
	strips := (j.n + kn.nr - 1) / kn.nr
	s0, s1 := split(strips, j.threads, w), split(strips, j.threads, w+1)
	// Row tiles: balanced when A is read in place (M = 20 → 10 + 10 rows),
	// whole mr-row panels when A is packed.
	tiles := (j.m + kn.mr - 1) / kn.mr
	// Reading B in place (with the kernel prefetching ahead) measured faster
	// than copying it, even when B comes from memory.
	directB := kn.directB && !j.transB
	for sb := s0; sb < s1; sb += smallBlock {
		se := min(sb+smallBlock, s1)
		for pc := 0; pc < j.k; pc += j.kc {
			kk := min(j.kc, j.k-pc)
			if !directB {
				j.packBStrips(ws.bpack, sb, se, pc, kk)
			}
			beta := j.beta
			if pc > 0 {
				beta = 1
			}
			for s := sb; s < se; s++ {
				j0 := s * kn.nr
				nr := min(kn.nr, j.n-j0)
				bp, rsb := ws.bpack[(s-sb)*kk*kn.nr:], kn.nr
				switch {
				case directB && (nr == kn.nr || kn.edgeN):
					bp, rsb = j.b[pc*j.ldb+j0:], j.ldb
				case directB:
					// A last strip narrower than the kernel can load.
					packB(kn.copyRows, kn.transpose, ws.bpack[:kk*kn.nr], false, j.b, j.ldb, pc, kk, j0, nr, kn.nr)
					bp = ws.bpack
				}
				for t := 0; t < tiles; t++ {
					var i0, mr int
					var a []float32
					var rsa, csa int
					if kn.directA {
						i0 = split(j.m, tiles, t)
						mr = split(j.m, tiles, t+1) - i0
						if j.transA {
							a, rsa, csa = j.a[pc*j.lda+i0:], 1, j.lda
						} else {
							a, rsa, csa = j.a[i0*j.lda+pc:], j.lda, 1
						}
					} else {
						i0 = t * kn.mr
						mr = min(kn.mr, j.m-i0)
						a, rsa, csa = j.apackAll[t*kn.mr*j.k+pc*kn.mr:], 1, kn.mr
					}
					// B is streamed from memory by the first row tile; the
					// last one, which finds it in L1, prefetches the next strip.
					pf := pfAhead * rsb * 4
					if t == tiles-1 {
						pf = kn.nr * 4
						if !directB {
							pf = kk * kn.nr * 4
						}
					}
					j.tile(ws, kk, mr, nr, a, rsa, csa, bp, rsb, i0, j0, beta, pf)
				}
			}
		}
	}
}

// packBStrips packs the nr-wide strips sb…se−1 of rows pc…pc+kk−1 of op(B)
// into consecutive micro-panels. Without a transpose it copies whole rows of
// the block, so B streams through memory in order.
func (j *job) packBStrips(dst []float32, sb, se, pc, kk int) {
	nr := j.kn.nr
	if j.transB {
		for s := sb; s < se; s++ {
			j0 := s * nr
			packB(j.kn.copyRows, j.kn.transpose, dst[(s-sb)*kk*nr:(s-sb+1)*kk*nr], true, j.b, j.ldb, pc, kk, j0, min(nr, j.n-j0), nr)
		}
		return
	}
	j0 := sb * nr
	width := min(se*nr, j.n) - j0
	for p := 0; p < kk; p++ {
		row := j.b[(pc+p)*j.ldb+j0 : (pc+p)*j.ldb+j0+width]
		for s := 0; s*nr < width; s++ {
			d := dst[s*kk*nr+p*nr : s*kk*nr+p*nr+nr]
			n := copy(d, row[s*nr:])
			clear(d[n:])
		}
	}
}

// tile runs the micro-kernel on the mr×nr tile of C at (i0, j0) with depth
// kk, through the scratch tile when the kernel cannot store a tile that small
// (B, and A without edgeM, are then packed and zero padded, so the full tile
// can be computed) or when the job computes Cᵀ.
func (j *job) tile(ws *workspace, kk, mr, nr int, a []float32, rsa, csa int, b []float32, rsb int, i0, j0 int, beta float32, pf int) {
	kn := j.kn
	fits := (nr == kn.nr || kn.edgeN) && (mr == kn.mr || kn.edgeM)
	if fits && !j.transC {
		kn.run(mr, nr, kk, a, rsa, csa, b, rsb, j.c[i0*j.ldc+j0:], j.ldc, j.alpha, beta, pf)
		return
	}
	kmr, knr := mr, nr
	if !kn.edgeM {
		kmr = kn.mr
	}
	if !kn.edgeN {
		knr = kn.nr
	}
	kn.run(kmr, knr, kk, a, rsa, csa, b, rsb, ws.tmp, kn.nr, 1, 0, pf)
	if j.transC {
		storeTileT(j.c[j0*j.ldc+i0:], j.ldc, ws.tmp, kn.nr, mr, nr, j.alpha, beta)
		return
	}
	storeTile(j.c[i0*j.ldc+j0:], j.ldc, ws.tmp, kn.nr, mr, nr, j.alpha, beta)
}

// storeTileT is storeTile into Cᵀ: C[x*ldc+i] = alpha·T[i*ldt+x] + beta·C[x*ldc+i]
// for i < mr, x < nr.
func storeTileT(c []float32, ldc int, t []float32, ldt, mr, nr int, alpha, beta float32) {
	for x := 0; x < nr; x++ {
		row := c[x*ldc : x*ldc+mr]
		for i := range row {
			if beta == 0 {
				row[i] = alpha * t[i*ldt+x]
			} else {
				row[i] = alpha*t[i*ldt+x] + beta*row[i]
			}
		}
	}
}

// storeTile sets C = alpha·T + beta·C on an mr×nr tile (beta = 0: C not read).
func storeTile(c []float32, ldc int, t []float32, ldt, mr, nr int, alpha, beta float32) {
	for i := 0; i < mr; i++ {
		row := c[i*ldc : i*ldc+nr]
		tr := t[i*ldt : i*ldt+nr]
		if beta == 0 {
			for x := range row {
				row[x] = alpha * tr[x]
			}
		} else {
			for x := range row {
				row[x] = alpha*tr[x] + beta*row[x]
			}
		}
	}
}

// packA packs rows i0…i0+mc−1 and columns p0…p0+kc−1 of op(A) into
// mr-tall micro-panels: element (i, p) of panel q goes to dst[q*mr*kc+p*mr+i].
// Rows past mc in the last panel are zero.
func packA(cp, tr func(dst, src []float32, lds, rows, cols, ldd int), dst []float32, transA bool, a []float32, lda, i0, mc, p0, kc, mr int) {
	for q := 0; q*mr < mc; q++ {
		rows := min(mr, mc-q*mr)
		d := dst[q*mr*kc : (q+1)*mr*kc]
		r0 := i0 + q*mr
		if transA {
			// op(A)(i, p) = a[p*lda+i]: a run of rows per p.
			cp(d, a[p0*lda+r0:], lda, kc, rows, mr)
			continue
		}
		// op(A)(i, p) = a[i*lda+p]: a transpose.
		tr(d, a[r0*lda+p0:], lda, rows, kc, mr)
		if rows < mr {
			for p := 0; p < kc; p++ {
				clear(d[p*mr+rows : p*mr+mr])
			}
		}
	}
}

// packB packs rows p0…p0+kc−1 and columns j0…j0+nr−1 of op(B) into one
// micro-panel of width w (zero padded): element (p, j) goes to dst[p*w+j].
func packB(cp, tr func(dst, src []float32, lds, rows, cols, ldd int), dst []float32, transB bool, b []float32, ldb, p0, kc, j0, nr, w int) {
	if !transB {
		cp(dst, b[p0*ldb+j0:], ldb, kc, nr, w)
		return
	}
	// op(B)(p, j) = b[j*ldb+p]: a transpose.
	tr(dst, b[j0*ldb+p0:], ldb, nr, kc, w)
	if nr < w {
		for p := 0; p < kc; p++ {
			clear(dst[p*w+nr : p*w+w])
		}
	}
}

// transposeGeneric is the portable transpose for packing:
// dst[p*ldd+i] = src[i*lds+p] for i < rows, p < cols.
func transposeGeneric(dst, src []float32, lds, rows, cols, ldd int) {
	for i := 0; i < rows; i++ {
		row := src[i*lds : i*lds+cols]
		for p, v := range row {
			dst[p*ldd+i] = v
		}
	}
}

// copyRowsGeneric is the portable copy for packing: dst[r*ldd+j] =
// src[r*lds+j] for j < cols, zero for cols ≤ j < ldd, r < rows.
func copyRowsGeneric(dst, src []float32, lds, rows, cols, ldd int) {
	for r := 0; r < rows; r++ {
		d := dst[r*ldd : r*ldd+ldd]
		copy(d, src[r*lds:r*lds+cols])
		clear(d[cols:])
	}
}
