package asm

import "fmt"

// Plastic-trace kernels: the per-sample work of a Backpropamine plastic layer
// (package plasticity), forward and backward. Matrices are r×n, row-major,
// indexed [i*n+j] with i the pre-synaptic neuron (a row) and j the
// post-synaptic one (a column), as in the Hebbian trace Hebb[i][j]; r is the
// length of the vectors indexed by i (h, pre, dh, dpre) and n that of those
// indexed by j (p, post, da, dpost). A trace is square, but a caller may pad
// its rows: the plastic layer keeps its H×H matrices in rows of n = H rounded
// up to a multiple of 16, with zeros in the padding and in the padding of
// the vectors indexed by j, which stay zero, so that every row starts on a
// cache line and has no vector tail.
//
// Modulation M[i][j] = scale·m + bias takes its shape from len(scale): r·n
// (one value per connection), n (one per post-synaptic neuron j, broadcast
// down the columns) or 1 (one per sample). len(bias) is 0 (no bias) or
// len(scale). The plastic layer passes scale = η and m = 1 for Hebbian
// plasticity, and the fan-out weights, the modulator output m and the fan-out
// bias for neuromodulation. The updates write to a destination that may be
// the input trace itself.
//
// Accuracy: the update kernels and the reads are computed with the same
// roundings at every level (no fused multiply-add; vector code runs across j,
// so every element sees the same operations in the same order) and are
// bit-identical to the references. The sums over j (dh in the backward
// reads, dpre and the returned dm in the update backwards, and the scalar
// dscale/dbias/deta) are reassociated by the vector code.

// PlasticRead adds the plastic part of the pre-activation, with one α per
// connection: p[j] += Σ_i h[i]·α[i][j]·Hebb[i][j]. len(p) = n, len(h) = r,
// len(alpha) = len(hebb) = r·n. It never forms w + α⊙Hebb.
//
//	for i := 0; i < r; i++ {
//		for j := 0; j < n; j++ {
//			p[j] += (h[i] * alpha[i*n+j]) * hebb[i*n+j]
//		}
//	}
func PlasticRead(p, h, alpha, hebb []float32) {
	checkRect("PlasticRead", len(h), len(p), len(alpha), len(hebb))
	plasticRead(p, h, alpha, hebb)
}

// PlasticReadPerNeuron is PlasticRead with one α per post-synaptic neuron:
// p[j] += α[j]·Σ_i h[i]·Hebb[i][j], with len(alpha) = n.
//
//	for i := 0; i < r; i++ {
//		for j := 0; j < n; j++ {
//			p[j] += (h[i] * hebb[i*n+j]) * alpha[j]
//		}
//	}
func PlasticReadPerNeuron(p, h, alpha, hebb []float32) {
	checkLen("PlasticReadPerNeuron", len(p), len(alpha))
	checkRect("PlasticReadPerNeuron", len(h), len(p), len(hebb))
	plasticReadPerNeuron(p, h, alpha, hebb)
}

// PlasticReadBackward is the backward pass of PlasticRead: given da, the
// gradient of p, it accumulates the gradients of α, Hebb and h.
//
//	for i := 0; i < r; i++ {
//		var s float32
//		for j := 0; j < n; j++ {
//			dalpha[i*n+j] += (h[i] * hebb[i*n+j]) * da[j]
//			dhebb[i*n+j] += (h[i] * alpha[i*n+j]) * da[j]
//			s += (alpha[i*n+j] * hebb[i*n+j]) * da[j]
//		}
//		dh[i] += s
//	}
func PlasticReadBackward(dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	checkLen("PlasticReadBackward", len(h), len(dh))
	checkRect("PlasticReadBackward", len(h), len(da), len(dalpha), len(dhebb), len(alpha), len(hebb))
	plasticReadBackward(dh, dalpha, dhebb, da, h, alpha, hebb)
}

// PlasticReadPerNeuronBackward is the backward pass of PlasticReadPerNeuron
// (len(alpha) = len(dalpha) = n).
//
//	for i := 0; i < r; i++ {
//		var s float32
//		for j := 0; j < n; j++ {
//			dalpha[j] += (h[i] * hebb[i*n+j]) * da[j]
//			dhebb[i*n+j] += (h[i] * alpha[j]) * da[j]
//			s += (alpha[j] * hebb[i*n+j]) * da[j]
//		}
//		dh[i] += s
//	}
func PlasticReadPerNeuronBackward(dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	checkLen("PlasticReadPerNeuronBackward", len(h), len(dh))
	checkLen("PlasticReadPerNeuronBackward", len(da), len(dalpha), len(alpha))
	checkRect("PlasticReadPerNeuronBackward", len(h), len(da), len(dhebb), len(hebb))
	plasticReadPerNeuronBackward(dh, dalpha, dhebb, da, h, alpha, hebb)
}

// HebbUpdate applies one step of (neuro)modulated Hebbian plasticity with a
// hard clip, in one pass: dst[i][j] = clamp(Hebb[i][j] + M[i][j]·pre[i]·post[j],
// −clip, clip), with M as described above. len(pre) = r, len(post) = n,
// len(hebb) = len(dst) = r·n; dst may be hebb itself (an update in place) —
// writing elsewhere saves a copy when the old trace must be kept. The clip
// keeps NaN (a NaN never compares).
//
//	for i := 0; i < r; i++ {
//		for j := 0; j < n; j++ {
//			M := scale[k]*m + bias[k]  // k per the shape of scale; bias 0 if absent
//			u := hebb[i*n+j] + M*(pre[i]*post[j])
//			dst[i*n+j] = min(max(u, -clip), clip)
//		}
//	}
func HebbUpdate(dst, hebb, pre, post, scale, bias []float32, m, clip float32) {
	r, n := len(pre), len(post)
	checkRect("HebbUpdate", r, n, len(hebb), len(dst))
	checkMod("HebbUpdate", r, n, len(scale), len(bias))
	hebbUpdate(dst, hebb, pre, post, scale, bias, m, clip)
}

// HebbUpdateBackward is the backward pass of HebbUpdate. hebb is the trace
// before the update (the forward's input), so the clip mask κ is recomputed
// exactly; dhebb holds on entry the gradient of the updated trace and on
// return κ⊙dhebb, the gradient of the trace before the update through this
// path. It accumulates dpre, dpost, dscale (Σ dM·m reduced to the shape of
// scale) and dbias (Σ dM reduced likewise; ignored when bias is empty) and
// returns dm = Σ dM·scale.
//
//	for i := 0; i < r; i++ {
//		var s float32
//		for j := 0; j < n; j++ {
//			d := pre[i] * post[j]
//			M := scale[k]*m + bias[k]
//			u := hebb[i*n+j] + M*d
//			if !(-clip <= u && u <= clip) { dhebb[i*n+j] = 0 }
//			dU := dhebb[i*n+j]
//			dM, dD := dU*d, dU*M
//			s += dD * post[j]
//			dpost[j] += dD * pre[i]
//			dscale[k] += dM * m; dbias[k] += dM; dm += dM * scale[k]
//		}
//		dpre[i] += s
//	}
func HebbUpdateBackward(dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias []float32, m, clip float32) (dm float32) {
	r, n := len(pre), len(post)
	checkLen("HebbUpdateBackward", r, len(dpre))
	checkLen("HebbUpdateBackward", n, len(dpost))
	checkRect("HebbUpdateBackward", r, n, len(hebb), len(dhebb))
	checkMod("HebbUpdateBackward", r, n, len(scale), len(bias))
	checkLen("HebbUpdateBackward", len(scale), len(dscale))
	checkLen("HebbUpdateBackward", len(bias), len(dbias))
	return hebbUpdateBackward(dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
}

// RetroUpdate is one step of retroactive neuromodulation (spec §1.4, the
// code's order): first Hebb' = clamp(Hebb + M⊙E, −clip, clip) with the old
// eligibility trace E, then E' = (1−η)⊙E + η⊙(pre⊗post), written to dstHebb
// and dstElig (which may be hebb and elig themselves). len(eta) is r·n (one η
// per connection) or 1.
//
//	for i := 0; i < r; i++ {
//		for j := 0; j < n; j++ {
//			M := scale[k]*m + bias[k]
//			e := elig[i*n+j]
//			dstHebb[i*n+j] = min(max(hebb[i*n+j]+M*e, -clip), clip)
//			et := eta[l]  // l = i*n+j, or 0
//			dstElig[i*n+j] = (1-et)*e + et*(pre[i]*post[j])
//		}
//	}
func RetroUpdate(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) {
	r, n := len(pre), len(post)
	checkRect("RetroUpdate", r, n, len(hebb), len(elig), len(dstHebb), len(dstElig))
	checkMod("RetroUpdate", r, n, len(scale), len(bias))
	checkEta("RetroUpdate", r, n, len(eta))
	retroUpdate(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip)
}

// RetroUpdateBackward is the backward pass of RetroUpdate. hebb and elig are
// the traces before the update; dhebb and delig hold on entry the gradients
// of the updated traces and on return those of the traces before the update
// through this path. It accumulates dpre, dpost, dscale, dbias and deta
// (reduced to the shape of eta) and returns dm.
//
//	for i := 0; i < r; i++ {
//		var s float32
//		for j := 0; j < n; j++ {
//			M := scale[k]*m + bias[k]
//			e, et, d := elig[i*n+j], eta[l], pre[i]*post[j]
//			u := hebb[i*n+j] + M*e
//			if !(-clip <= u && u <= clip) { dhebb[i*n+j] = 0 }
//			dU, dE := dhebb[i*n+j], delig[i*n+j]
//			dM := dU * e
//			delig[i*n+j] = (1-et)*dE + M*dU
//			deta[l] += dE * (d - e)
//			dD := et * dE
//			s += dD * post[j]
//			dpost[j] += dD * pre[i]
//			dscale[k] += dM * m; dbias[k] += dM; dm += dM * scale[k]
//		}
//		dpre[i] += s
//	}
func RetroUpdateBackward(dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) (dm float32) {
	r, n := len(pre), len(post)
	checkLen("RetroUpdateBackward", r, len(dpre))
	checkLen("RetroUpdateBackward", n, len(dpost))
	checkRect("RetroUpdateBackward", r, n, len(hebb), len(elig), len(dhebb), len(delig))
	checkMod("RetroUpdateBackward", r, n, len(scale), len(bias))
	checkEta("RetroUpdateBackward", r, n, len(eta))
	checkLen("RetroUpdateBackward", len(scale), len(dscale))
	checkLen("RetroUpdateBackward", len(bias), len(dbias))
	checkLen("RetroUpdateBackward", len(eta), len(deta))
	return retroUpdateBackward(dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
}

// HebbUpdateRead is HebbUpdate followed by PlasticRead of the updated trace
// (one α per connection), in one pass over the trace: each row is read for
// p right after its update, while it is still in cache, where the two calls
// would stream the trace from memory twice. The plastic layer reads the
// trace entering step t+1 as it updates it at step t. Results are
// bit-identical to the two calls. dst must not overlap p, h or alpha.
//
//	HebbUpdate(dst, hebb, pre, post, scale, bias, m, clip)
//	PlasticRead(p, h, alpha, dst)
func HebbUpdateRead(dst, hebb, pre, post, scale, bias []float32, m, clip float32, p, h, alpha []float32) {
	r, n := len(pre), len(post)
	checkLen("HebbUpdateRead", r, len(h))
	checkLen("HebbUpdateRead", n, len(p))
	checkRect("HebbUpdateRead", r, n, len(hebb), len(dst), len(alpha))
	checkMod("HebbUpdateRead", r, n, len(scale), len(bias))
	hebbUpdateRead(dst, hebb, pre, post, scale, bias, m, clip, p, h, alpha)
}

// RetroUpdateRead is RetroUpdate followed by PlasticRead of the updated
// Hebbian trace (one α per connection), in one pass, as HebbUpdateRead.
// Results are bit-identical to the two calls.
//
//	RetroUpdate(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip)
//	PlasticRead(p, h, alpha, dstHebb)
func RetroUpdateRead(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32, p, h, alpha []float32) {
	r, n := len(pre), len(post)
	checkLen("RetroUpdateRead", r, len(h))
	checkLen("RetroUpdateRead", n, len(p))
	checkRect("RetroUpdateRead", r, n, len(hebb), len(elig), len(dstHebb), len(dstElig), len(alpha))
	checkMod("RetroUpdateRead", r, n, len(scale), len(bias))
	checkEta("RetroUpdateRead", r, n, len(eta))
	retroUpdateRead(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip, p, h, alpha)
}

// PlasticReadHebbUpdateBackward is the backward pass of one step's plastic
// read followed by that of the previous step's trace update, in one pass
// over the trace gradient they share: the plastic layer's backward runs the
// read of step t+1 (of Hebb(t+1), with h = h(t) and da the gradient of step
// t+1's read) and then the update Hebb(t) → Hebb(t+1) of step t (hebb, pre =
// h(t−1), post = g(t), …), and the second needs just the gradient the first
// completes, row by row. dhebb holds on entry the gradient of Hebb(t+1)
// from later steps, and on return that of Hebb(t) through the update. One α
// per connection.
//
// Hebb(t+1) is not an argument: the kernel recomputes it from hebb as the
// update does, with the same operations (HebbUpdate's and HebbUpdateRead's
// at the same level give the same bits), in the pass that needs it. That
// costs a few operations per element and saves streaming a whole trace per
// sample and step, which matters because the backward's working set (the
// traces, their gradients and the shared matrices with theirs) outgrows the
// core's L2 cache at the paper's sizes. Elementwise results are
// bit-identical to the three calls below; the sums are reassociated as
// theirs are.
//
//	HebbUpdate(next, hebb, pre, post, scale, bias, m, clip)
//	PlasticReadBackward(dh, dalpha, dhebb, da, h, alpha, next)
//	return HebbUpdateBackward(dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
func PlasticReadHebbUpdateBackward(dh, dalpha, da, h, alpha, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias []float32, m, clip float32) (dm float32) {
	r, n := len(pre), len(post)
	checkLen("PlasticReadHebbUpdateBackward", r, len(dh), len(h), len(dpre))
	checkLen("PlasticReadHebbUpdateBackward", n, len(da), len(dpost))
	checkRect("PlasticReadHebbUpdateBackward", r, n, len(dalpha), len(alpha), len(dhebb), len(hebb))
	checkMod("PlasticReadHebbUpdateBackward", r, n, len(scale), len(bias))
	checkLen("PlasticReadHebbUpdateBackward", len(scale), len(dscale))
	checkLen("PlasticReadHebbUpdateBackward", len(bias), len(dbias))
	return readHebbUpdateBackward(dh, dalpha, da, h, alpha, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
}

// PlasticReadRetroUpdateBackward is PlasticReadHebbUpdateBackward for
// retroactive neuromodulation: the read's backward of step t+1, of
// Hebb(t+1) recomputed from hebb and elig as RetroUpdate computes it, then
// RetroUpdateBackward of step t.
//
//	RetroUpdate(next, nextElig, hebb, elig, pre, post, scale, bias, eta, m, clip)
//	PlasticReadBackward(dh, dalpha, dhebb, da, h, alpha, next)
//	return RetroUpdateBackward(dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
func PlasticReadRetroUpdateBackward(dh, dalpha, da, h, alpha, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) (dm float32) {
	r, n := len(pre), len(post)
	checkLen("PlasticReadRetroUpdateBackward", r, len(dh), len(h), len(dpre))
	checkLen("PlasticReadRetroUpdateBackward", n, len(da), len(dpost))
	checkRect("PlasticReadRetroUpdateBackward", r, n, len(dalpha), len(alpha), len(dhebb), len(delig), len(hebb), len(elig))
	checkMod("PlasticReadRetroUpdateBackward", r, n, len(scale), len(bias))
	checkEta("PlasticReadRetroUpdateBackward", r, n, len(eta))
	checkLen("PlasticReadRetroUpdateBackward", len(scale), len(dscale))
	checkLen("PlasticReadRetroUpdateBackward", len(bias), len(dbias))
	checkLen("PlasticReadRetroUpdateBackward", len(eta), len(deta))
	return readRetroUpdateBackward(dh, dalpha, da, h, alpha, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
}

// RetroSample holds one sample's operands of PlasticReadRetroUpdateBackward,
// all but the parameters that samples share (α, the modulation's scale and
// bias, η) and their gradients.
type RetroSample struct {
	DH, DA, H, DHebb, DElig, DPre, DPost, Hebb, Elig, Pre, Post []float32
	M                                                           float32
}

// PlasticReadRetroUpdateBackward2 is PlasticReadRetroUpdateBackward for two
// samples, a and then b, that share alpha, scale, bias and eta and add into
// the same dalpha, dscale, dbias and deta: every result has the bits of
// the two calls
//
//	dmA = PlasticReadRetroUpdateBackward(a.DH, dalpha, a.DA, a.H, alpha, a.DHebb, a.DElig, a.DPre, a.DPost,
//		dscale, dbias, deta, a.Hebb, a.Elig, a.Pre, a.Post, scale, bias, eta, a.M, clip)
//	dmB = the same with b
//
// The samples' outputs must not overlap. Where the kernel can, it takes
// both samples through each element in one pass, so the shared matrices
// and their gradients, which the backward pass otherwise streams once per
// sample, are loaded and stored once for the two: at AVX-512, with one
// value per connection for all four, and with each of the groups (Hebb,
// Elig), (DHebb, DElig) and (DA, Post, DPost) of b's operands at one
// distance in memory from a's, as when each group's samples are rows of
// one buffer. Otherwise it makes the two calls.
func PlasticReadRetroUpdateBackward2(a, b *RetroSample, dalpha, alpha, dscale, dbias, deta, scale, bias, eta []float32, clip float32) (dmA, dmB float32) {
	for _, x := range []*RetroSample{a, b} {
		r, n := len(x.Pre), len(x.Post)
		checkLen("PlasticReadRetroUpdateBackward2", r, len(x.DH), len(x.H), len(x.DPre))
		checkLen("PlasticReadRetroUpdateBackward2", n, len(x.DA), len(x.DPost))
		checkRect("PlasticReadRetroUpdateBackward2", r, n, len(dalpha), len(alpha), len(x.DHebb), len(x.DElig), len(x.Hebb), len(x.Elig))
		checkMod("PlasticReadRetroUpdateBackward2", r, n, len(scale), len(bias))
		checkEta("PlasticReadRetroUpdateBackward2", r, n, len(eta))
	}
	checkLen("PlasticReadRetroUpdateBackward2", len(scale), len(dscale))
	checkLen("PlasticReadRetroUpdateBackward2", len(bias), len(dbias))
	checkLen("PlasticReadRetroUpdateBackward2", len(eta), len(deta))
	if dmA, dmB, ok := readRetroUpdateBackward2(a, b, dalpha, alpha, dscale, dbias, deta, scale, bias, eta, clip); ok {
		return dmA, dmB
	}
	dmA = readRetroUpdateBackward(a.DH, dalpha, a.DA, a.H, alpha, a.DHebb, a.DElig, a.DPre, a.DPost, dscale, dbias, deta,
		a.Hebb, a.Elig, a.Pre, a.Post, scale, bias, eta, a.M, clip)
	dmB = readRetroUpdateBackward(b.DH, dalpha, b.DA, b.H, alpha, b.DHebb, b.DElig, b.DPre, b.DPost, dscale, dbias, deta,
		b.Hebb, b.Elig, b.Pre, b.Post, scale, bias, eta, b.M, clip)
	return dmA, dmB
}

// checkRect panics unless every length is r·n.
func checkRect(kernel string, r, n int, lens ...int) {
	for _, l := range lens {
		if l != r*n {
			panic(fmt.Sprintf("asm.%s: matrix length %d, want %d·%d", kernel, l, r, n))
		}
	}
}

// checkMod panics unless scale has a modulation shape (r·n, n or 1) and bias
// is empty or as long as scale.
func checkMod(kernel string, r, n, ls, lb int) {
	if ls != r*n && ls != n && ls != 1 {
		panic(fmt.Sprintf("asm.%s: len(scale)=%d, want %d, %d or 1", kernel, ls, r*n, n))
	}
	if lb != 0 && lb != ls {
		panic(fmt.Sprintf("asm.%s: len(bias)=%d, want 0 or len(scale)=%d", kernel, lb, ls))
	}
}

// checkEta panics unless eta has one value per connection or one in all.
func checkEta(kernel string, r, n, le int) {
	if le != r*n && le != 1 {
		panic(fmt.Sprintf("asm.%s: len(eta)=%d, want %d or 1", kernel, le, r*n))
	}
}
