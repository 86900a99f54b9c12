package asm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/stretchr/testify/require"
)

// The fused update-then-read kernels against their reference (the two
// references in turn), at every level and through the Go row primitives,
// fused and not, in place and not: the updated traces and p are bit-exact
// (the reads and updates are bit-identical at every level, and the fused
// drivers keep the order over i of p's sums).

func TestHebbUpdateRead(t *testing.T) {
	for _, s := range modShapes() {
		t.Run(s.String(), func(t *testing.T) {
			plasticImpls(t, func(t *testing.T, rows *plasticRows) {
				forSizes(t, func(t *testing.T, r *rand.Rand, n, off int) {
					in := newHebbInputs(r, n, off, s)
					dst := in.hebb
					if off%2 == 1 {
						dst = newBuf(r, n*n, (off+5)%8, -1, 1)
					}
					p := newBuf(r, n, (off+6)%8, -1, 1)
					h := newBuf(r, n, (off+7)%8, -1, 1)
					alpha := newBuf(r, n*n, off, -1, 1)
					hebbUpdateReadGeneric(dst.want, in.hebb.want, in.pre.want, in.post.want, in.scale.want, in.bias.want, in.m, in.clip,
						p.want, h.want, alpha.want)
					if rows != nil {
						rowsHebbUpdateRead(rows, dst.g.Data, in.hebb.g.Data, in.pre.g.Data, in.post.g.Data, in.scale.g.Data, in.bias.g.Data,
							in.m, in.clip, p.g.Data, h.g.Data, alpha.g.Data)
					} else {
						HebbUpdateRead(dst.g.Data, in.hebb.g.Data, in.pre.g.Data, in.post.g.Data, in.scale.g.Data, in.bias.g.Data,
							in.m, in.clip, p.g.Data, h.g.Data, alpha.g.Data)
					}
					dst.exact(t, "dst")
					p.exact(t, "p")
					for _, b := range []*buf{in.hebb, in.pre, in.post, in.scale, in.bias, h, alpha} {
						b.exact(t, "input")
					}
				})
			})
		})
	}
}

func TestRetroUpdateRead(t *testing.T) {
	for _, s := range modShapes() {
		for _, etaConn := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v/etaConn=%v", s, etaConn), func(t *testing.T) {
				plasticImpls(t, func(t *testing.T, rows *plasticRows) {
					forSizes(t, func(t *testing.T, r *rand.Rand, n, off int) {
						in := newHebbInputs(r, n, off, s)
						elig, eta := newEligEta(r, n, off, etaConn)
						dh, de := in.hebb, elig
						if off%2 == 1 {
							dh, de = newBuf(r, n*n, (off+1)%8, -1, 1), newBuf(r, n*n, (off+2)%8, -1, 1)
						}
						p := newBuf(r, n, (off+3)%8, -1, 1)
						h := newBuf(r, n, (off+4)%8, -1, 1)
						alpha := newBuf(r, n*n, (off+7)%8, -1, 1)
						retroUpdateReadGeneric(dh.want, de.want, in.hebb.want, elig.want, in.pre.want, in.post.want, in.scale.want,
							in.bias.want, eta.want, in.m, in.clip, p.want, h.want, alpha.want)
						if rows != nil {
							rowsRetroUpdateRead(rows, dh.g.Data, de.g.Data, in.hebb.g.Data, elig.g.Data, in.pre.g.Data, in.post.g.Data,
								in.scale.g.Data, in.bias.g.Data, eta.g.Data, in.m, in.clip, p.g.Data, h.g.Data, alpha.g.Data)
						} else {
							RetroUpdateRead(dh.g.Data, de.g.Data, in.hebb.g.Data, elig.g.Data, in.pre.g.Data, in.post.g.Data,
								in.scale.g.Data, in.bias.g.Data, eta.g.Data, in.m, in.clip, p.g.Data, h.g.Data, alpha.g.Data)
						}
						dh.exact(t, "dstHebb")
						de.exact(t, "dstElig")
						p.exact(t, "p")
						for _, b := range []*buf{in.hebb, elig, in.pre, in.post, in.scale, in.bias, eta, h, alpha} {
							b.exact(t, "input")
						}
					})
				})
			})
		}
	}
}

// The read's backward fused with the update's backward, against the
// references of what it stands for in turn — the update (whose result the
// fused kernel recomputes rather than reads), the read's backward on its
// result, the update's backward — at every level: the gradients of the
// traces, α, η, the modulation and post are bit-exact (elementwise, or sums
// over i kept in order), the sums over j (dh, dpre, dm, a scalar
// modulation's) near. A recomputed trace that differed from the update's in
// a single bit would show in dalpha, which is exact.
func TestPlasticReadUpdateBackward(t *testing.T) {
	for _, s := range modShapes() {
		for _, retro := range []bool{false, true} {
			for _, etaConn := range []bool{true, false} {
				if !retro && !etaConn {
					continue
				}
				t.Run(fmt.Sprintf("%v/retro=%v/etaConn=%v", s, retro, etaConn), func(t *testing.T) {
					plasticImpls(t, func(t *testing.T, rows *plasticRows) {
						if rows != nil {
							return // the fused kernel has no row-primitive form to test
						}
						forSizes(t, func(t *testing.T, r *rand.Rand, n, off int) {
							testReadUpdateBackward(t, r, n, off, s, retro, etaConn)
						})
					})
				})
			}
		}
	}
}

func testReadUpdateBackward(t *testing.T, r *rand.Rand, n, off int, s modShape, retro, etaConn bool) {
	in := newHebbInputs(r, n, off, s)
	dh := newBuf(r, n, (off+1)%8, -1, 1)
	dalpha := newBuf(r, n*n, (off+2)%8, -1, 1)
	da := newBuf(r, n, (off+3)%8, -1, 1)
	h := newBuf(r, n, (off+4)%8, -1, 1)
	alpha := newBuf(r, n*n, (off+5)%8, -1, 1)
	next := make([]float32, n*n) // the reference's updated trace
	dhebb := newBuf(r, n*n, (off+7)%8, -1, 1)
	dpre := newBuf(r, n, off, -1, 1)
	dpost := newBuf(r, n, (off+1)%8, -1, 1)
	dscale := newBuf(r, len(in.scale.want), (off+2)%8, -1, 1)
	dbias := newBuf(r, len(in.bias.want), (off+3)%8, -1, 1)
	inputs := []*buf{in.hebb, in.pre, in.post, in.scale, in.bias, da, h, alpha}
	var want, got float32
	if !retro {
		hebbUpdateGeneric(next, in.hebb.want, in.pre.want, in.post.want, in.scale.want, in.bias.want, in.m, in.clip)
		plasticReadBackwardGeneric(dh.want, dalpha.want, dhebb.want, da.want, h.want, alpha.want, next)
		want = hebbUpdateBackwardGeneric(dhebb.want, dpre.want, dpost.want, dscale.want, dbias.want, in.hebb.want, in.pre.want, in.post.want,
			in.scale.want, in.bias.want, in.m, in.clip)
		got = PlasticReadHebbUpdateBackward(dh.g.Data, dalpha.g.Data, da.g.Data, h.g.Data, alpha.g.Data, dhebb.g.Data,
			dpre.g.Data, dpost.g.Data, dscale.g.Data, dbias.g.Data, in.hebb.g.Data, in.pre.g.Data, in.post.g.Data, in.scale.g.Data, in.bias.g.Data, in.m, in.clip)
	} else {
		elig, eta := newEligEta(r, n, off, etaConn)
		delig := newBuf(r, n*n, (off+6)%8, -1, 1)
		deta := newBuf(r, len(eta.want), (off+7)%8, -1, 1)
		inputs = append(inputs, elig, eta)
		retroUpdateGeneric(next, make([]float32, n*n), in.hebb.want, elig.want, in.pre.want, in.post.want, in.scale.want, in.bias.want,
			eta.want, in.m, in.clip)
		plasticReadBackwardGeneric(dh.want, dalpha.want, dhebb.want, da.want, h.want, alpha.want, next)
		want = retroUpdateBackwardGeneric(dhebb.want, delig.want, dpre.want, dpost.want, dscale.want, dbias.want, deta.want,
			in.hebb.want, elig.want, in.pre.want, in.post.want, in.scale.want, in.bias.want, eta.want, in.m, in.clip)
		got = PlasticReadRetroUpdateBackward(dh.g.Data, dalpha.g.Data, da.g.Data, h.g.Data, alpha.g.Data, dhebb.g.Data, delig.g.Data,
			dpre.g.Data, dpost.g.Data, dscale.g.Data, dbias.g.Data, deta.g.Data, in.hebb.g.Data, elig.g.Data, in.pre.g.Data, in.post.g.Data,
			in.scale.g.Data, in.bias.g.Data, eta.g.Data, in.m, in.clip)
		delig.exact(t, "delig")
		if etaConn {
			deta.exact(t, "deta")
		} else {
			deta.near(t, "deta", n*n)
		}
	}
	dalpha.exact(t, "dalpha")
	dhebb.exact(t, "dhebb")
	dpost.exact(t, "dpost")
	dh.near(t, "dh", n)
	dpre.near(t, "dpre", n)
	s.checkModGrads(t, dscale, dbias, n)
	nearScalar(t, "dm", got, want, n)
	for _, b := range inputs {
		b.exact(t, "input")
	}
}

// The two-sample fused backward against the one-sample kernel run for a and
// then for b at the same level: every output bit for bit, the sums too (the
// pair kernel gives each sample the single kernel's operations and sums).
// Three layouts of b's operands against a's: rows of the same buffers
// (three groups at three distances, as the pair kernel takes them); in
// buffers of their own (the kernel too, if the allocations happen to keep
// each group's distance, which it does not rely on); and with the
// eligibility traces' rows swapped, so that the traces' two distances
// differ and the two calls are made. The shapes that the pair kernel does
// not take (all but one value per connection everywhere) take the two
// calls in any layout, so they run in one.
func TestPlasticReadRetroUpdateBackward2(t *testing.T) {
	for _, s := range modShapes() {
		for _, etaConn := range []bool{true, false} {
			for _, layout := range []pairLayout{together, apart, swapped} {
				kernel := s.scale(2) == 4 && s.bias && etaConn
				if !kernel && layout != together {
					continue
				}
				t.Run(fmt.Sprintf("%v/etaConn=%v/%v", s, etaConn, layout), func(t *testing.T) {
					asmtest.ForEachLevel(t, func(t *testing.T, _ cpu.Level) {
						forSizes(t, func(t *testing.T, r *rand.Rand, n, off int) {
							testReadRetroUpdateBackward2(t, r, n, off, s, etaConn, layout)
						})
					})
				})
			}
		}
	}
}

type pairLayout int

const (
	together pairLayout = iota // a's and b's values rows of one buffer
	apart                      // in two buffers
	swapped                    // rows of one buffer, b's first
)

func (l pairLayout) String() string { return [...]string{"together", "apart", "swapped"}[l] }

// pairOf is one operand of two samples: a's and b's values, laid out as l
// says (gap elements apart in one buffer), with the reference's copies.
type pairOf struct {
	bufs         []*buf
	a, b, wa, wb []float32
}

func newPair(r *rand.Rand, l, off, gap int, lo, hi float32, layout pairLayout) *pairOf {
	switch layout {
	case together:
		x := newBuf(r, 2*l+gap, off, lo, hi)
		return &pairOf{[]*buf{x}, x.g.Data[:l], x.g.Data[l+gap:], x.want[:l], x.want[l+gap:]}
	case swapped:
		x := newBuf(r, 2*l+gap, off, lo, hi)
		return &pairOf{[]*buf{x}, x.g.Data[l+gap:], x.g.Data[:l], x.want[l+gap:], x.want[:l]}
	}
	x, y := newBuf(r, l, off, lo, hi), newBuf(r, l, (off+3)%8, lo, hi)
	return &pairOf{[]*buf{x, y}, x.g.Data, y.g.Data, x.want, y.want}
}

func testReadRetroUpdateBackward2(t *testing.T, r *rand.Rand, n, off int, s modShape, etaConn bool, layout pairLayout) {
	nn := n * n
	// Per group of b's operands, one distance: the traces, their gradients,
	// the vectors over j.
	eligLayout := layout
	if layout == swapped {
		layout = together
	}
	hebb, elig := newPair(r, nn, off, 5, -1.2, 1.2, layout), newPair(r, nn, (off+1)%8, 5, -1, 1, eligLayout)
	dhebb, delig := newPair(r, nn, (off+2)%8, 3, -1, 1, layout), newPair(r, nn, (off+3)%8, 3, -1, 1, layout)
	da, post := newPair(r, n, (off+4)%8, 7, -1, 1, layout), newPair(r, n, (off+5)%8, 7, -1, 1, layout)
	dpost := newPair(r, n, (off+6)%8, 7, -1, 1, layout)
	dh, h := newPair(r, n, (off+7)%8, 1, -1, 1, apart), newPair(r, n, off, 1, -1, 1, apart)
	dpre, pre := newPair(r, n, (off+1)%8, 1, -1, 1, apart), newPair(r, n, (off+2)%8, 1, -1, 1, apart)
	in := newHebbInputs(r, n, off, s)
	_, eta := newEligEta(r, n, off, etaConn)
	alpha := newBuf(r, nn, (off+3)%8, -1, 1)
	dalpha := newBuf(r, nn, (off+4)%8, -1, 1)
	dscale := newBuf(r, len(in.scale.want), (off+5)%8, -1, 1)
	dbias := newBuf(r, len(in.bias.want), (off+6)%8, -1, 1)
	deta := newBuf(r, len(eta.want), (off+7)%8, -1, 1)
	mB := float32(-0.55)

	single := func(x func(*pairOf) []float32, m float32) float32 {
		return PlasticReadRetroUpdateBackward(x(dh), dalpha.want, x(da), x(h), alpha.want, x(dhebb), x(delig), x(dpre), x(dpost),
			dscale.want, dbias.want, deta.want, x(hebb), x(elig), x(pre), x(post), in.scale.want, in.bias.want, eta.want, m, in.clip)
	}
	wantA := single(func(p *pairOf) []float32 { return p.wa }, in.m)
	wantB := single(func(p *pairOf) []float32 { return p.wb }, mB)

	sample := func(x func(*pairOf) []float32, m float32) *RetroSample {
		return &RetroSample{DH: x(dh), DA: x(da), H: x(h), DHebb: x(dhebb), DElig: x(delig), DPre: x(dpre), DPost: x(dpost),
			Hebb: x(hebb), Elig: x(elig), Pre: x(pre), Post: x(post), M: m}
	}
	gotA, gotB := PlasticReadRetroUpdateBackward2(sample(func(p *pairOf) []float32 { return p.a }, in.m),
		sample(func(p *pairOf) []float32 { return p.b }, mB),
		dalpha.g.Data, alpha.g.Data, dscale.g.Data, dbias.g.Data, deta.g.Data, in.scale.g.Data, in.bias.g.Data, eta.g.Data, in.clip)

	require.Equal(t, math.Float32bits(wantA), math.Float32bits(gotA), "dm of a: %v, want %v", gotA, wantA)
	require.Equal(t, math.Float32bits(wantB), math.Float32bits(gotB), "dm of b: %v, want %v", gotB, wantB)
	for _, p := range []*pairOf{hebb, elig, dhebb, delig, da, post, dpost, dh, h, dpre, pre} {
		for _, b := range p.bufs {
			b.exact(t, "a sample's operand")
		}
	}
	for _, b := range []*buf{alpha, dalpha, dscale, dbias, deta, in.scale, in.bias, eta} {
		b.exact(t, "a shared operand")
	}
}
