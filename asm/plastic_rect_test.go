package asm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neuromod-go/neuromod/asm/asmtest"
	"github.com/neuromod-go/neuromod/internal/cpu"
)

// The kernels on r×n matrices (r rows, the length of h and pre; n columns,
// that of p, post and da), as the plastic layer calls them with its rows
// padded to a multiple of 16 columns: against the references, at every
// level, including the whole-matrix kernels. Elementwise outputs and sums
// over i are bit-exact, sums over j near.

// rectShapes are (r, n) pairs: padded rows as the layer makes them, and a
// few others.
var rectShapes = [][2]int{{1, 16}, {3, 16}, {5, 32}, {17, 32}, {33, 48}, {31, 17}, {70, 80}, {194, 208}}

// rectProblem is one random problem of every kernel's inputs.
type rectProblem struct {
	r, n                                int
	hebb, elig, alpha, eta              []float32
	pre, post, h, da                    []float32
	scale, bias                         []float32
	dhebb, delig, dalpha, dscale, dbias []float32
	deta, p, dh, dpre, dpost            []float32
	m, clip                             float32
}

func newRectProblem(rnd *rand.Rand, r, n int, s modShape) *rectProblem {
	v := func(k int, lo, hi float32) []float32 {
		x := make([]float32, k)
		asmtest.FillUniform(rnd, x, lo, hi)
		return x
	}
	ls := s.scale(n)
	if ls == n*n {
		ls = r * n
	}
	q := &rectProblem{
		r: r, n: n, hebb: v(r*n, -1.2, 1.2), elig: v(r*n, -1, 1), alpha: v(r*n, -1, 1), eta: v(r*n, 0, 1),
		pre: v(r, -1, 1), post: v(n, -1, 1), h: v(r, -1, 1), da: v(n, -1, 1),
		scale: v(ls, -1.5, 1.5), dhebb: v(r*n, -1, 1), delig: v(r*n, -1, 1), dalpha: v(r*n, -1, 1),
		dscale: v(ls, -1, 1), deta: v(r*n, -1, 1), p: v(n, -1, 1), dh: v(r, -1, 1), dpre: v(r, -1, 1),
		dpost: v(n, -1, 1), m: s.m, clip: 1,
	}
	if s.bias {
		q.bias, q.dbias = v(ls, -0.5, 0.5), v(ls, -1, 1)
	}
	return q
}

func (q *rectProblem) clone() *rectProblem {
	c := *q
	for _, f := range []*[]float32{&c.hebb, &c.elig, &c.alpha, &c.eta, &c.pre, &c.post, &c.h, &c.da,
		&c.scale, &c.bias, &c.dhebb, &c.delig, &c.dalpha, &c.dscale, &c.dbias, &c.deta, &c.p, &c.dh, &c.dpre, &c.dpost} {
		*f = slices.Clone(*f)
	}
	return &c
}

func requireBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s[%d] = %v, want %v (bit-exact)", what, i, got[i], want[i])
		}
	}
}

func requireNearSums(t *testing.T, what string, got, want []float32, terms int) {
	t.Helper()
	for i := range want {
		if !asmtest.RelClose(float64(got[i]), float64(want[i]), plasticSumTol*float64(max(terms, 1))) {
			t.Fatalf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

func TestPlasticRect(t *testing.T) {
	for _, s := range modShapes() {
		t.Run(s.String(), func(t *testing.T) {
			asmtest.ForEachLevel(t, func(t *testing.T, _ cpu.Level) {
				rnd := asmtest.Rand(11)
				for _, rn := range rectShapes {
					t.Run(fmt.Sprintf("%dx%d", rn[0], rn[1]), func(t *testing.T) {
						testRect(t, newRectProblem(rnd, rn[0], rn[1], s), s)
					})
				}
			})
		})
	}
}

func testRect(t *testing.T, q *rectProblem, s modShape) {
	r, n := q.r, q.n
	sums := func(what string, got, want []float32) {
		if s.scalarM {
			requireNearSums(t, what, got, want, r*n)
		} else {
			requireBits(t, what, got, want)
		}
	}
	w, g := q.clone(), q.clone()
	plasticReadGeneric(w.p, w.h, w.alpha, w.hebb)
	PlasticRead(g.p, g.h, g.alpha, g.hebb)
	requireBits(t, "PlasticRead p", g.p, w.p)

	dw, dg := make([]float32, r*n), make([]float32, r*n)
	hebbUpdateReadGeneric(dw, w.hebb, w.pre, w.post, w.scale, w.bias, w.m, w.clip, w.p, w.h, w.alpha)
	HebbUpdateRead(dg, g.hebb, g.pre, g.post, g.scale, g.bias, g.m, g.clip, g.p, g.h, g.alpha)
	requireBits(t, "HebbUpdateRead dst", dg, dw)
	requireBits(t, "HebbUpdateRead p", g.p, w.p)
	hebbUpdateGeneric(dw, w.hebb, w.pre, w.post, w.scale, w.bias, w.m, w.clip)
	HebbUpdate(dg, g.hebb, g.pre, g.post, g.scale, g.bias, g.m, g.clip)
	requireBits(t, "HebbUpdate dst", dg, dw)

	ew, eg := make([]float32, r*n), make([]float32, r*n)
	retroUpdateReadGeneric(dw, ew, w.hebb, w.elig, w.pre, w.post, w.scale, w.bias, w.eta, w.m, w.clip, w.p, w.h, w.alpha)
	RetroUpdateRead(dg, eg, g.hebb, g.elig, g.pre, g.post, g.scale, g.bias, g.eta, g.m, g.clip, g.p, g.h, g.alpha)
	requireBits(t, "RetroUpdateRead hebb", dg, dw)
	requireBits(t, "RetroUpdateRead elig", eg, ew)
	requireBits(t, "RetroUpdateRead p", g.p, w.p)

	plasticReadBackwardGeneric(w.dh, w.dalpha, w.dhebb, w.da, w.h, w.alpha, w.hebb)
	PlasticReadBackward(g.dh, g.dalpha, g.dhebb, g.da, g.h, g.alpha, g.hebb)
	requireBits(t, "PlasticReadBackward dalpha", g.dalpha, w.dalpha)
	requireBits(t, "PlasticReadBackward dhebb", g.dhebb, w.dhebb)
	requireNearSums(t, "PlasticReadBackward dh", g.dh, w.dh, n)

	dmw := hebbUpdateBackwardGeneric(w.dhebb, w.dpre, w.dpost, w.dscale, w.dbias, w.hebb, w.pre, w.post, w.scale, w.bias, w.m, w.clip)
	dmg := HebbUpdateBackward(g.dhebb, g.dpre, g.dpost, g.dscale, g.dbias, g.hebb, g.pre, g.post, g.scale, g.bias, g.m, g.clip)
	requireBits(t, "HebbUpdateBackward dhebb", g.dhebb, w.dhebb)
	requireBits(t, "HebbUpdateBackward dpost", g.dpost, w.dpost)
	requireNearSums(t, "HebbUpdateBackward dpre", g.dpre, w.dpre, n)
	sums("HebbUpdateBackward dscale", g.dscale, w.dscale)
	sums("HebbUpdateBackward dbias", g.dbias, w.dbias)
	nearScalar(t, "HebbUpdateBackward dm", dmg, dmw, max(r, n))

	dmw = readHebbUpdateBackwardGeneric(w.dh, w.dalpha, w.da, w.h, w.alpha, w.dhebb, w.dpre, w.dpost, w.dscale, w.dbias,
		w.hebb, w.pre, w.post, w.scale, w.bias, w.m, w.clip)
	dmg = PlasticReadHebbUpdateBackward(g.dh, g.dalpha, g.da, g.h, g.alpha, g.dhebb, g.dpre, g.dpost, g.dscale, g.dbias,
		g.hebb, g.pre, g.post, g.scale, g.bias, g.m, g.clip)
	requireBits(t, "PlasticReadHebbUpdateBackward dalpha", g.dalpha, w.dalpha)
	requireBits(t, "PlasticReadHebbUpdateBackward dhebb", g.dhebb, w.dhebb)
	requireBits(t, "PlasticReadHebbUpdateBackward dpost", g.dpost, w.dpost)
	requireNearSums(t, "PlasticReadHebbUpdateBackward dh", g.dh, w.dh, n)
	requireNearSums(t, "PlasticReadHebbUpdateBackward dpre", g.dpre, w.dpre, n)
	sums("PlasticReadHebbUpdateBackward dscale", g.dscale, w.dscale)
	nearScalar(t, "PlasticReadHebbUpdateBackward dm", dmg, dmw, max(r, n))

	dmw = readRetroUpdateBackwardGeneric(w.dh, w.dalpha, w.da, w.h, w.alpha, w.dhebb, w.delig, w.dpre, w.dpost, w.dscale,
		w.dbias, w.deta, w.hebb, w.elig, w.pre, w.post, w.scale, w.bias, w.eta, w.m, w.clip)
	dmg = PlasticReadRetroUpdateBackward(g.dh, g.dalpha, g.da, g.h, g.alpha, g.dhebb, g.delig, g.dpre, g.dpost, g.dscale,
		g.dbias, g.deta, g.hebb, g.elig, g.pre, g.post, g.scale, g.bias, g.eta, g.m, g.clip)
	requireBits(t, "PlasticReadRetroUpdateBackward dalpha", g.dalpha, w.dalpha)
	requireBits(t, "PlasticReadRetroUpdateBackward dhebb", g.dhebb, w.dhebb)
	requireBits(t, "PlasticReadRetroUpdateBackward delig", g.delig, w.delig)
	requireBits(t, "PlasticReadRetroUpdateBackward deta", g.deta, w.deta)
	requireBits(t, "PlasticReadRetroUpdateBackward dpost", g.dpost, w.dpost)
	requireNearSums(t, "PlasticReadRetroUpdateBackward dpre", g.dpre, w.dpre, n)
	sums("PlasticReadRetroUpdateBackward dscale", g.dscale, w.dscale)
	sums("PlasticReadRetroUpdateBackward dbias", g.dbias, w.dbias)
	nearScalar(t, "PlasticReadRetroUpdateBackward dm", dmg, dmw, max(r, n))
}
