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

// Tolerances. Elementwise outputs of the plastic kernels are bit-identical
// to the references at every level (same operations per element, no FMA).
// Sums over j (dh, dpre, dm and the scalar dscale/dbias/deta) are
// reassociated by vector code and by the column blocks of the drivers: each
// is within plasticSumTol·n of the reference, relative to max(|want|, 1),
// for the O(1) inputs used here.
const plasticSumTol = 2e-6

// plasticSizes are the matrix orders n tested (the kernels are O(n²), so
// not asmtest.Lengths): every n up to 34 (vector tails of every length for
// 4, 8 and 16 lanes), and around the vector widths and the drivers' column
// block (256) — the last only without -short.
func plasticSizes() []int {
	var ns []int
	for n := 0; n <= 34; n++ {
		ns = append(ns, n)
	}
	ns = append(ns, 63, 64, 65)
	if testing.Short() {
		return ns // the race detector's run in CI: the full run has the rest
	}
	return append(ns, 129, 257, 300)
}

// plasticImpls runs f at every ISA level through the exported kernels, and
// once through the drivers with the Go row primitives (which every build
// compiles, so the drivers are tested under purego too).
func plasticImpls(t *testing.T, f func(t *testing.T, rows *plasticRows)) {
	asmtest.ForEachLevel(t, func(t *testing.T, _ cpu.Level) { f(t, nil) })
	t.Run("gorows", func(t *testing.T) { f(t, &goRows) })
	unfused := goRows
	unfused.hebbFan, unfused.hebbFanBack, unfused.retroFan, unfused.retroFanBack = nil, nil, nil, nil
	unfused.hebbScaleBack = nil
	t.Run("gorows-unfused", func(t *testing.T) { f(t, &unfused) })
}

// buf is a guarded, misaligned buffer with a reference copy.
type buf struct {
	g    *asmtest.Guarded
	want []float32
}

func newBuf(r *rand.Rand, n, off int, lo, hi float32) *buf {
	g := asmtest.NewGuarded(n, off).Fill(r, lo, hi)
	return &buf{g: g, want: append([]float32(nil), g.Data...)}
}

func (b *buf) exact(t *testing.T, what string) {
	t.Helper()
	b.g.Check(t)
	for i, w := range b.want {
		got := b.g.Data[i]
		if got != w && !(got != got && w != w) {
			t.Fatalf("%s[%d] = %v, want %v (bit-exact)", what, i, got, w)
		}
	}
}

func (b *buf) near(t *testing.T, what string, n int) {
	t.Helper()
	b.g.Check(t)
	for i, w := range b.want {
		if !asmtest.RelClose(float64(b.g.Data[i]), float64(w), plasticSumTol*float64(max(n, 1))) {
			t.Fatalf("%s[%d] = %v, want %v (tolerance %g·n)", what, i, b.g.Data[i], w, plasticSumTol)
		}
	}
}

func nearScalar(t *testing.T, what string, got, want float32, n int) {
	t.Helper()
	require.True(t, asmtest.RelClose(float64(got), float64(want), plasticSumTol*float64(max(n*n, 1))),
		"%s = %v, want %v", what, got, want)
}

// modShapes are the modulation shapes: len(scale) and whether there is a
// bias, and m.
type modShape struct {
	scale   func(n int) int
	bias    bool
	m       float32
	scalarM bool // len(scale) == 1: its gradient is a sum
}

func modShapes() []modShape {
	conn := func(n int) int { return n * n }
	neuron := func(n int) int { return n }
	one := func(int) int { return 1 }
	return []modShape{
		{conn, true, 0.7, false}, {conn, false, 1, false}, {conn, false, -0.4, false},
		{neuron, true, -0.3, false}, {neuron, false, 1, false},
		{one, false, 0.6, true}, {one, true, -0.8, true},
	}
}

// checkModGrads checks the modulation's gradients against the reference's:
// bit for bit, except that a scalar's is a sum over the n×n connections.
func (s modShape) checkModGrads(t *testing.T, dscale, dbias *buf, n int) {
	t.Helper()
	if s.scalarM {
		dscale.near(t, "dscale", n*n)
		dbias.near(t, "dbias", n*n)
	} else {
		dscale.exact(t, "dscale")
		dbias.exact(t, "dbias")
	}
}

func (s modShape) String() string {
	return fmt.Sprintf("scale=%d/bias=%v/m=%g", s.scale(10), s.bias, s.m)
}

// forSizes runs f over the sizes and a rotation of the offsets (with
// -short, as under the race detector in CI, one offset per size: the full
// run covers them all).
func forSizes(t *testing.T, f func(t *testing.T, r *rand.Rand, n, off int)) {
	r := asmtest.Rand(uint64(len(t.Name())))
	for _, n := range plasticSizes() {
		for k, off := range asmtest.Offsets {
			if (n > 34 || testing.Short()) && k != n%len(asmtest.Offsets) {
				continue // large sizes: one offset each keeps the test fast
			}
			f(t, r, n, off)
		}
	}
}

func TestPlasticRead(t *testing.T) {
	for _, perNeuron := range []bool{false, true} {
		t.Run(fmt.Sprintf("perNeuron=%v", perNeuron), func(t *testing.T) {
			plasticImpls(t, func(t *testing.T, rows *plasticRows) {
				forSizes(t, func(t *testing.T, r *rand.Rand, n, off int) {
					na := n * n
					if perNeuron {
						na = n
					}
					p := newBuf(r, n, off, -1, 1)
					h := newBuf(r, n, (off+1)%8, -1, 1)
					a := newBuf(r, na, (off+3)%8, -1, 1)
					w := newBuf(r, n*n, (off+5)%8, -1, 1)
					switch {
					case perNeuron:
						plasticReadPerNeuronGeneric(p.want, h.want, a.want, w.want)
						if rows != nil {
							rowsPlasticReadPerNeuron(rows, p.g.Data, h.g.Data, a.g.Data, w.g.Data)
						} else {
							PlasticReadPerNeuron(p.g.Data, h.g.Data, a.g.Data, w.g.Data)
						}
					default:
						plasticReadGeneric(p.want, h.want, a.want, w.want)
						if rows != nil {
							rowsPlasticRead(rows, p.g.Data, h.g.Data, a.g.Data, w.g.Data)
						} else {
							PlasticRead(p.g.Data, h.g.Data, a.g.Data, w.g.Data)
						}
					}
					p.exact(t, "p")
					for _, b := range []*buf{h, a, w} {
						b.exact(t, "input")
					}
				})
			})
		})
	}
}

func TestPlasticReadBackward(t *testing.T) {
	for _, perNeuron := range []bool{false, true} {
		t.Run(fmt.Sprintf("perNeuron=%v", perNeuron), func(t *testing.T) {
			plasticImpls(t, func(t *testing.T, rows *plasticRows) {
				forSizes(t, func(t *testing.T, r *rand.Rand, n, off int) {
					na := n * n
					if perNeuron {
						na = n
					}
					dh := newBuf(r, n, off, -1, 1)
					da := newBuf(r, na, (off+1)%8, -1, 1)
					dw := newBuf(r, n*n, (off+2)%8, -1, 1)
					dp := newBuf(r, n, (off+3)%8, -1, 1)
					h := newBuf(r, n, (off+4)%8, -1, 1)
					a := newBuf(r, na, (off+5)%8, -1, 1)
					w := newBuf(r, n*n, (off+6)%8, -1, 1)
					if perNeuron {
						plasticReadPerNeuronBackwardGeneric(dh.want, da.want, dw.want, dp.want, h.want, a.want, w.want)
						if rows != nil {
							rowsPlasticReadPerNeuronBackward(rows, dh.g.Data, da.g.Data, dw.g.Data, dp.g.Data, h.g.Data, a.g.Data, w.g.Data)
						} else {
							PlasticReadPerNeuronBackward(dh.g.Data, da.g.Data, dw.g.Data, dp.g.Data, h.g.Data, a.g.Data, w.g.Data)
						}
					} else {
						plasticReadBackwardGeneric(dh.want, da.want, dw.want, dp.want, h.want, a.want, w.want)
						if rows != nil {
							rowsPlasticReadBackward(rows, dh.g.Data, da.g.Data, dw.g.Data, dp.g.Data, h.g.Data, a.g.Data, w.g.Data)
						} else {
							PlasticReadBackward(dh.g.Data, da.g.Data, dw.g.Data, dp.g.Data, h.g.Data, a.g.Data, w.g.Data)
						}
					}
					dh.near(t, "dh", n)
					da.exact(t, "dalpha")
					dw.exact(t, "dhebb")
					for _, b := range []*buf{dp, h, a, w} {
						b.exact(t, "input")
					}
				})
			})
		})
	}
}

// hebbInputs are the traces (some beyond ±clip after the update), the
// pre/post vectors and a modulation of the given shape.
type hebbInputs struct {
	hebb, pre, post, scale, bias *buf
	m, clip                      float32
}

func newHebbInputs(r *rand.Rand, n, off int, s modShape) *hebbInputs {
	in := &hebbInputs{
		hebb:  newBuf(r, n*n, off, -1.2, 1.2),
		pre:   newBuf(r, n, (off+1)%8, -1, 1),
		post:  newBuf(r, n, (off+2)%8, -1, 1),
		scale: newBuf(r, s.scale(n), (off+3)%8, -1.5, 1.5),
		bias:  newBuf(r, 0, 0, 0, 0),
		m:     s.m, clip: 1,
	}
	if s.bias {
		in.bias = newBuf(r, s.scale(n), (off+4)%8, -0.5, 0.5)
	}
	return in
}

// newEligEta returns an eligibility trace (n×n) and η, one per connection
// or a scalar, for the retroactive kernels' tests.
func newEligEta(r *rand.Rand, n, off int, etaConn bool) (elig, eta *buf) {
	ne := 1
	if etaConn {
		ne = n * n
	}
	return newBuf(r, n*n, (off+5)%8, -1, 1), newBuf(r, ne, (off+6)%8, 0, 1)
}

func TestHebbUpdate(t *testing.T) {
	for _, s := range modShapes() {
		t.Run(s.String(), func(t *testing.T) {
			plasticImpls(t, func(t *testing.T, rows *plasticRows) {
				forSizes(t, func(t *testing.T, r *rand.Rand, n, off int) {
					in := newHebbInputs(r, n, off, s)
					// In place at even offsets, into another buffer at odd ones.
					dst, inputs := in.hebb, []*buf{in.pre, in.post, in.scale, in.bias}
					if off%2 == 1 {
						dst = newBuf(r, n*n, (off+5)%8, 0, 0)
						inputs = append(inputs, in.hebb)
					}
					hebbUpdateGeneric(dst.want, in.hebb.want, in.pre.want, in.post.want, in.scale.want, in.bias.want, in.m, in.clip)
					if rows != nil {
						rowsHebbUpdate(rows, dst.g.Data, in.hebb.g.Data, in.pre.g.Data, in.post.g.Data, in.scale.g.Data, in.bias.g.Data, in.m, in.clip)
					} else {
						HebbUpdate(dst.g.Data, in.hebb.g.Data, in.pre.g.Data, in.post.g.Data, in.scale.g.Data, in.bias.g.Data, in.m, in.clip)
					}
					dst.exact(t, "hebb")
					for _, b := range inputs {
						b.exact(t, "input")
					}
				})
			})
		})
	}
}

func TestHebbUpdateBackward(t *testing.T) {
	for _, s := range modShapes() {
		t.Run(s.String(), func(t *testing.T) {
			plasticImpls(t, func(t *testing.T, rows *plasticRows) {
				forSizes(t, func(t *testing.T, r *rand.Rand, n, off int) {
					in := newHebbInputs(r, n, off, s)
					dhebb := newBuf(r, n*n, (off+5)%8, -1, 1)
					dpre := newBuf(r, n, (off+6)%8, -1, 1)
					dpost := newBuf(r, n, (off+7)%8, -1, 1)
					dscale := newBuf(r, len(in.scale.want), off, -1, 1)
					dbias := newBuf(r, len(in.bias.want), (off+1)%8, -1, 1)
					want := hebbUpdateBackwardGeneric(dhebb.want, dpre.want, dpost.want, dscale.want, dbias.want,
						in.hebb.want, in.pre.want, in.post.want, in.scale.want, in.bias.want, in.m, in.clip)
					var got float32
					if rows != nil {
						got = rowsHebbUpdateBackward(rows, dhebb.g.Data, dpre.g.Data, dpost.g.Data, dscale.g.Data, dbias.g.Data,
							in.hebb.g.Data, in.pre.g.Data, in.post.g.Data, in.scale.g.Data, in.bias.g.Data, in.m, in.clip)
					} else {
						got = HebbUpdateBackward(dhebb.g.Data, dpre.g.Data, dpost.g.Data, dscale.g.Data, dbias.g.Data,
							in.hebb.g.Data, in.pre.g.Data, in.post.g.Data, in.scale.g.Data, in.bias.g.Data, in.m, in.clip)
					}
					dhebb.exact(t, "dhebb")
					dpost.exact(t, "dpost")
					dpre.near(t, "dpre", n)
					s.checkModGrads(t, dscale, dbias, n)
					nearScalar(t, "dm", got, want, n)
					for _, b := range []*buf{in.hebb, in.pre, in.post, in.scale, in.bias} {
						b.exact(t, "input")
					}
				})
			})
		})
	}
}

func TestRetroUpdate(t *testing.T) {
	for _, s := range modShapes() {
		for _, etaConn := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v/etaConn=%v", s, etaConn), func(t *testing.T) {
				plasticImpls(t, func(t *testing.T, rows *plasticRows) {
					forSizes(t, func(t *testing.T, r *rand.Rand, n, off int) {
						in := newHebbInputs(r, n, off, s)
						elig, eta := newEligEta(r, n, off, etaConn)
						// In place at even offsets, into other buffers at odd ones.
						dh, de, inputs := in.hebb, elig, []*buf{in.pre, in.post, in.scale, in.bias, eta}
						if off%2 == 1 {
							dh, de = newBuf(r, n*n, (off+7)%8, 0, 0), newBuf(r, n*n, off, 0, 0)
							inputs = append(inputs, in.hebb, elig)
						}
						retroUpdateGeneric(dh.want, de.want, in.hebb.want, elig.want, in.pre.want, in.post.want, in.scale.want, in.bias.want, eta.want, in.m, in.clip)
						if rows != nil {
							rowsRetroUpdate(rows, dh.g.Data, de.g.Data, in.hebb.g.Data, elig.g.Data, in.pre.g.Data, in.post.g.Data, in.scale.g.Data, in.bias.g.Data, eta.g.Data, in.m, in.clip)
						} else {
							RetroUpdate(dh.g.Data, de.g.Data, in.hebb.g.Data, elig.g.Data, in.pre.g.Data, in.post.g.Data, in.scale.g.Data, in.bias.g.Data, eta.g.Data, in.m, in.clip)
						}
						dh.exact(t, "hebb")
						de.exact(t, "elig")
						for _, b := range inputs {
							b.exact(t, "input")
						}
					})
				})
			})
		}
	}
}

func TestRetroUpdateBackward(t *testing.T) {
	for _, s := range modShapes() {
		for _, etaConn := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v/etaConn=%v", s, etaConn), func(t *testing.T) {
				plasticImpls(t, func(t *testing.T, rows *plasticRows) {
					forSizes(t, func(t *testing.T, r *rand.Rand, n, off int) {
						in := newHebbInputs(r, n, off, s)
						elig, eta := newEligEta(r, n, off, etaConn)
						dhebb := newBuf(r, n*n, (off+7)%8, -1, 1)
						delig := newBuf(r, n*n, off, -1, 1)
						dpre := newBuf(r, n, (off+1)%8, -1, 1)
						dpost := newBuf(r, n, (off+2)%8, -1, 1)
						dscale := newBuf(r, len(in.scale.want), (off+3)%8, -1, 1)
						dbias := newBuf(r, len(in.bias.want), (off+4)%8, -1, 1)
						deta := newBuf(r, len(eta.want), (off+5)%8, -1, 1)
						want := retroUpdateBackwardGeneric(dhebb.want, delig.want, dpre.want, dpost.want, dscale.want, dbias.want, deta.want,
							in.hebb.want, elig.want, in.pre.want, in.post.want, in.scale.want, in.bias.want, eta.want, in.m, in.clip)
						var got float32
						if rows != nil {
							got = rowsRetroUpdateBackward(rows, dhebb.g.Data, delig.g.Data, dpre.g.Data, dpost.g.Data, dscale.g.Data, dbias.g.Data, deta.g.Data,
								in.hebb.g.Data, elig.g.Data, in.pre.g.Data, in.post.g.Data, in.scale.g.Data, in.bias.g.Data, eta.g.Data, in.m, in.clip)
						} else {
							got = RetroUpdateBackward(dhebb.g.Data, delig.g.Data, dpre.g.Data, dpost.g.Data, dscale.g.Data, dbias.g.Data, deta.g.Data,
								in.hebb.g.Data, elig.g.Data, in.pre.g.Data, in.post.g.Data, in.scale.g.Data, in.bias.g.Data, eta.g.Data, in.m, in.clip)
						}
						dhebb.exact(t, "dhebb")
						delig.exact(t, "delig")
						dpost.exact(t, "dpost")
						dpre.near(t, "dpre", n)
						s.checkModGrads(t, dscale, dbias, n)
						if etaConn {
							deta.exact(t, "deta")
						} else {
							deta.near(t, "deta", n*n)
						}
						nearScalar(t, "dm", got, want, n)
						for _, b := range []*buf{in.hebb, elig, in.pre, in.post, in.scale, in.bias, eta} {
							b.exact(t, "input")
						}
					})
				})
			})
		}
	}
}

// Special values: NaN and ±Inf in the trace pass the clip as NaN / ±clip,
// entries exactly at ±clip stay there under an outward push, and the
// backward mask treats NaN as outside (zero gradient) at every level.
func TestHebbUpdateSpecial(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	plasticImpls(t, func(t *testing.T, rows *plasticRows) {
		for _, n := range []int{1, 5, 16, 17, 33} {
			r := asmtest.Rand(uint64(n))
			hebb := make([]float32, n*n)
			asmtest.FillUniform(r, hebb, -1, 1)
			specials := []float32{nan, inf, -inf, 1, -1, 0, float32(math.Copysign(0, -1)), 1e-40, 3e38}
			for i := range hebb {
				if i%3 == 0 {
					hebb[i] = specials[i%len(specials)]
				}
			}
			pre, post := make([]float32, n), make([]float32, n)
			asmtest.FillUniform(r, pre, -1, 1)
			asmtest.FillUniform(r, post, 0.5, 1)
			scale := []float32{5}
			want := append([]float32(nil), hebb...)
			hebbUpdateGeneric(want, want, pre, post, scale, nil, 1, 1)
			got := append([]float32(nil), hebb...)
			if rows != nil {
				rowsHebbUpdate(rows, got, got, pre, post, scale, nil, 1, 1)
			} else {
				HebbUpdate(got, got, pre, post, scale, nil, 1, 1)
			}
			for i := range want {
				require.Equal(t, math.Float32bits(want[i]), math.Float32bits(got[i]), "n=%d i=%d: %v vs %v", n, i, got[i], want[i])
				if hebb[i] != hebb[i] {
					require.True(t, got[i] != got[i], "NaN lost")
				} else {
					require.LessOrEqual(t, math.Abs(float64(got[i])), 1.0)
				}
			}
			dw := make([]float32, n*n)
			for i := range dw {
				dw[i] = 1
			}
			dwant := append([]float32(nil), dw...)
			dpre, dpost, ds := make([]float32, n), make([]float32, n), make([]float32, 1)
			hebbUpdateBackwardGeneric(dwant, make([]float32, n), make([]float32, n), make([]float32, 1), nil, hebb, pre, post, scale, nil, 1, 1)
			if rows != nil {
				rowsHebbUpdateBackward(rows, dw, dpre, dpost, ds, nil, hebb, pre, post, scale, nil, 1, 1)
			} else {
				HebbUpdateBackward(dw, dpre, dpost, ds, nil, hebb, pre, post, scale, nil, 1, 1)
			}
			require.Equal(t, dwant, dw)
			for i, v := range hebb {
				if v != v {
					require.Zero(t, dw[i])
				}
			}
		}
	})
}

// The exported kernels panic on inconsistent lengths.
func TestPlasticPanics(t *testing.T) {
	x := make([]float32, 9)
	v := make([]float32, 3)
	require.Panics(t, func() { PlasticRead(v, v, x, x[:8]) })
	require.Panics(t, func() { PlasticReadPerNeuron(v, v, x, x) })
	require.Panics(t, func() { HebbUpdate(x, x, v, v, make([]float32, 2), nil, 1, 1) })
	require.Panics(t, func() { HebbUpdate(x, x, v, v, v, x, 1, 1) })
	require.Panics(t, func() { HebbUpdate(x[:8], x, v, v, v, nil, 1, 1) })
	require.Panics(t, func() { RetroUpdate(x, x, x, x, v, v, v, v, v, 1, 1) })
	require.NotPanics(t, func() { RetroUpdate(x, x, x, x, v, v, v, v, x, 1, 1) })
}

// FuzzHebbUpdate compares the active level's trace update and its backward
// with the references on fuzzed traces and scalars.
func FuzzHebbUpdate(f *testing.F) {
	f.Add(uint64(1), uint8(5), float32(0.5), float32(1), float32(1))
	f.Add(uint64(2), uint8(17), float32(-3), float32(2), float32(0.25))
	f.Fuzz(func(t *testing.T, seed uint64, nn uint8, m, clip, spread float32) {
		n := int(nn % 40)
		if !(clip > 0) || math.IsInf(float64(m), 0) || m != m || spread != spread || math.Abs(float64(spread)) > 1e6 {
			t.Skip()
		}
		r := asmtest.Rand(seed)
		hebb, pre, post := make([]float32, n*n), make([]float32, n), make([]float32, n)
		scale, bias := make([]float32, n*n), make([]float32, n*n)
		for _, x := range [][]float32{hebb, pre, post, scale, bias} {
			asmtest.FillUniform(r, x, -spread, spread)
		}
		want := make([]float32, n*n)
		hebbUpdateGeneric(want, hebb, pre, post, scale, bias, m, clip)
		got := make([]float32, n*n)
		HebbUpdate(got, hebb, pre, post, scale, bias, m, clip)
		for i := range want {
			if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
				t.Fatalf("hebb[%d] = %v, want %v", i, got[i], want[i])
			}
		}
	})
}
