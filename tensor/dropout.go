package tensor

import (
	"encoding/binary"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"

	"github.com/neuromod-go/neuromod/internal/parallel"
)

// DropoutMask fills mask with dropout's scale factors: element i is 0 with
// probability p and 1/(1−p) otherwise, decided by the i-th draw of rng,
// exactly as the loop
//
//	r := rand.New(rng)
//	for i := range mask.Data {
//		mask.Data[i] = 1 / (1 - p)
//		if r.Float32() < p {
//			mask.Data[i] = 0
//		}
//	}
//
// decides it, and it leaves rng where that loop would (len(mask.Data) draws
// on). It computes the same bits faster: the generator is stepped inline
// rather than through an interface, and a large mask is cut into shares
// that run in parallel, each starting from rng's state jumped ahead to its
// first element (a PCG is a linear congruential generator underneath, whose
// state k draws on is an affine function of the current one). p must be in
// [0, 1).
func DropoutMask(mask *Tensor, p float32, rng *rand.PCG) {
	if !(p >= 0 && p < 1) {
		panic("tensor.DropoutMask: p must be in [0, 1)")
	}
	var buf [20]byte
	enc, err := rng.AppendBinary(buf[:0]) // "pcg:", then the state, big-endian
	if err != nil || len(enc) != 20 || string(enc[:4]) != "pcg:" {
		// A future encoding: the state cannot be read, so neither jumped.
		panic("tensor.DropoutMask: unknown math/rand/v2 PCG encoding")
	}
	s := pcgState{hi: binary.BigEndian.Uint64(enc[4:]), lo: binary.BigEndian.Uint64(enc[12:])}
	n := len(mask.Data)
	j := dropoutJobs.Get()
	// Float32 is x/2²⁴ for the 24 bits x of Uint64 above bit 32, and
	// x/2²⁴ < p ⇔ x < ⌈p·2²⁴⌉: the comparison needs no conversion.
	*j = dropoutJob{mask: mask.Data, start: s, keep: 1 / (1 - p), thr: uint64(math.Ceil(float64(p) * (1 << 24))),
		shares: max(1, min(runtime.GOMAXPROCS(0), n/dropoutMinShare))}
	parallel.Run(j.shares, j)
	j.mask = nil
	dropoutJobs.Put(j)
	s = s.jump(uint64(n))
	binary.BigEndian.PutUint64(enc[4:], s.hi)
	binary.BigEndian.PutUint64(enc[12:], s.lo)
	if err := rng.UnmarshalBinary(enc); err != nil {
		panic("tensor.DropoutMask: " + err.Error()) // AppendBinary's own encoding
	}
}

// dropoutMinShare is the fewest elements worth a share of their own: a
// jump costs about a microsecond, handing a share over a few.
const dropoutMinShare = 1 << 15

type dropoutJob struct {
	mask   []float32
	start  pcgState
	keep   float32
	thr    uint64
	shares int
}

func (j *dropoutJob) RunShare(w int) {
	n := len(j.mask)
	i0, i1 := w*n/j.shares, (w+1)*n/j.shares
	s := j.start.jump(uint64(i0))
	m := j.mask[i0:i1]
	for i := range m {
		v := j.keep
		if s.uint64()>>32&(1<<24-1) < j.thr {
			v = 0
		}
		m[i] = v
	}
}

var dropoutJobs parallel.FreeList[dropoutJob]

// pcgState is the state of math/rand/v2's PCG, and uint64 its step: a
// 128-bit LCG, state·mul + inc mod 2¹²⁸, with the DXSM output function.
// TestPCGStateMatchesRand checks both against the standard library.
type pcgState struct{ hi, lo uint64 }

const (
	pcgMulHi = 2549297995355413924
	pcgMulLo = 4865540595714422341
	pcgIncHi = 6364136223846793005
	pcgIncLo = 1442695040888963407
)

func (s *pcgState) uint64() uint64 {
	hi, lo := bits.Mul64(s.lo, pcgMulLo)
	hi += s.hi*pcgMulLo + s.lo*pcgMulHi
	lo, c := bits.Add64(lo, pcgIncLo, 0)
	hi, _ = bits.Add64(hi, pcgIncHi, c)
	s.lo, s.hi = lo, hi
	const cheapMul = 0xda942042e4dd58b5
	hi ^= hi >> 32
	hi *= cheapMul
	hi ^= hi >> 48
	hi *= lo | 1
	return hi
}

// mul128 and add128 are arithmetic mod 2¹²⁸.
func mul128(a, b pcgState) pcgState {
	hi, lo := bits.Mul64(a.lo, b.lo)
	return pcgState{hi: hi + a.hi*b.lo + a.lo*b.hi, lo: lo}
}

func add128(a, b pcgState) pcgState {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(a.hi, b.hi, c)
	return pcgState{hi: hi, lo: lo}
}

// jump returns the state k steps after s: k steps of x ↦ mul·x + inc are
// x ↦ A·x + C, composed by squaring as in F. Brown, "Random number
// generation with arbitrary strides" (1994).
func (s pcgState) jump(k uint64) pcgState {
	mul, inc := pcgState{pcgMulHi, pcgMulLo}, pcgState{pcgIncHi, pcgIncLo}
	accMul, accInc := pcgState{0, 1}, pcgState{}
	for ; k > 0; k >>= 1 {
		if k&1 == 1 {
			accMul = mul128(accMul, mul)
			accInc = add128(mul128(accInc, mul), inc)
		}
		inc = mul128(add128(mul, pcgState{0, 1}), inc)
		mul = mul128(mul, mul)
	}
	return add128(mul128(accMul, s), accInc)
}
