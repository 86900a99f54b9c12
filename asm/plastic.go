package asm

import "fmt"

// Plastic-trace kernels: the per-sample work of a Backpropamine plastic layer
// (package plasticity), forward and backward. Matrices are n×n, row-major,
// indexed [i*n+j] with i the pre-synaptic neuron (a row) and j the
// post-synaptic one (a column), as in the Hebbian trace Hebb[i][j].
//
// Modulation M[i][j] = scale·m + bias takes its shape from len(scale): n·n
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
// connection: p[j] += Σ_i h[i]·α[i][j]·Hebb[i][j]. len(p) = len(h) = n,
// len(alpha) = len(hebb) = n·n. It never forms w + α⊙Hebb.
//
//	for i := 0; i < n; i++ {
//		for j := 0; j < n; j++ {
//			p[j] += (h[i] * alpha[i*n+j]) * hebb[i*n+j]
//		}
//	}
func PlasticRead(p, h, alpha, hebb []float32) {
	n := len(p)
	checkLen("PlasticRead", n, len(h))
	checkSquare("PlasticRead", n, len(alpha), len(hebb))
	plasticRead(p, h, alpha, hebb)
}

// PlasticReadPerNeuron is PlasticRead with one α per post-synaptic neuron:
// p[j] += α[j]·Σ_i h[i]·Hebb[i][j], with len(alpha) = n.
//
//	for i := 0; i < n; i++ {
//		for j := 0; j < n; j++ {
//			p[j] += (h[i] * hebb[i*n+j]) * alpha[j]
//		}
//	}
func PlasticReadPerNeuron(p, h, alpha, hebb []float32) {
	n := len(p)
	checkLen("PlasticReadPerNeuron", n, len(h), len(alpha))
	checkSquare("PlasticReadPerNeuron", n, len(hebb))
	plasticReadPerNeuron(p, h, alpha, hebb)
}

// PlasticReadBackward is the backward pass of PlasticRead: given da, the
// gradient of p, it accumulates the gradients of α, Hebb and h.
//
//	for i := 0; i < n; i++ {
//		var s float32
//		for j := 0; j < n; j++ {
//			dalpha[i*n+j] += (h[i] * hebb[i*n+j]) * da[j]
//			dhebb[i*n+j] += (h[i] * alpha[i*n+j]) * da[j]
//			s += (alpha[i*n+j] * hebb[i*n+j]) * da[j]
//		}
//		dh[i] += s
//	}
func PlasticReadBackward(dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	n := len(h)
	checkLen("PlasticReadBackward", n, len(dh), len(da))
	checkSquare("PlasticReadBackward", n, len(dalpha), len(dhebb), len(alpha), len(hebb))
	plasticReadBackward(dh, dalpha, dhebb, da, h, alpha, hebb)
}

// PlasticReadPerNeuronBackward is the backward pass of PlasticReadPerNeuron
// (len(alpha) = len(dalpha) = n).
//
//	for i := 0; i < n; i++ {
//		var s float32
//		for j := 0; j < n; j++ {
//			dalpha[j] += (h[i] * hebb[i*n+j]) * da[j]
//			dhebb[i*n+j] += (h[i] * alpha[j]) * da[j]
//			s += (alpha[j] * hebb[i*n+j]) * da[j]
//		}
//		dh[i] += s
//	}
func PlasticReadPerNeuronBackward(dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	n := len(h)
	checkLen("PlasticReadPerNeuronBackward", n, len(dh), len(da), len(dalpha), len(alpha))
	checkSquare("PlasticReadPerNeuronBackward", n, len(dhebb), len(hebb))
	plasticReadPerNeuronBackward(dh, dalpha, dhebb, da, h, alpha, hebb)
}

// HebbUpdate applies one step of (neuro)modulated Hebbian plasticity with a
// hard clip, in one pass: dst[i][j] = clamp(Hebb[i][j] + M[i][j]·pre[i]·post[j],
// −clip, clip), with M as described above. len(pre) = len(post) = n,
// len(hebb) = len(dst) = n·n; dst may be hebb itself (an update in place) —
// writing elsewhere saves a copy when the old trace must be kept. The clip
// keeps NaN (a NaN never compares).
//
//	for i := 0; i < n; i++ {
//		for j := 0; j < n; j++ {
//			M := scale[k]*m + bias[k]  // k per the shape of scale; bias 0 if absent
//			u := hebb[i*n+j] + M*(pre[i]*post[j])
//			dst[i*n+j] = min(max(u, -clip), clip)
//		}
//	}
func HebbUpdate(dst, hebb, pre, post, scale, bias []float32, m, clip float32) {
	n := len(pre)
	checkLen("HebbUpdate", n, len(post))
	checkSquare("HebbUpdate", n, len(hebb), len(dst))
	checkMod("HebbUpdate", n, len(scale), len(bias))
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
//	for i := 0; i < n; i++ {
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
	n := len(pre)
	checkLen("HebbUpdateBackward", n, len(post), len(dpre), len(dpost))
	checkSquare("HebbUpdateBackward", n, len(hebb), len(dhebb))
	checkMod("HebbUpdateBackward", n, len(scale), len(bias))
	checkLen("HebbUpdateBackward", len(scale), len(dscale))
	checkLen("HebbUpdateBackward", len(bias), len(dbias))
	return hebbUpdateBackward(dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
}

// RetroUpdate is one step of retroactive neuromodulation (spec §1.4, the
// code's order): first Hebb' = clamp(Hebb + M⊙E, −clip, clip) with the old
// eligibility trace E, then E' = (1−η)⊙E + η⊙(pre⊗post), written to dstHebb
// and dstElig (which may be hebb and elig themselves). len(eta) is n·n (one η
// per connection) or 1.
//
//	for i := 0; i < n; i++ {
//		for j := 0; j < n; j++ {
//			M := scale[k]*m + bias[k]
//			e := elig[i*n+j]
//			dstHebb[i*n+j] = min(max(hebb[i*n+j]+M*e, -clip), clip)
//			et := eta[l]  // l = i*n+j, or 0
//			dstElig[i*n+j] = (1-et)*e + et*(pre[i]*post[j])
//		}
//	}
func RetroUpdate(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) {
	n := len(pre)
	checkLen("RetroUpdate", n, len(post))
	checkSquare("RetroUpdate", n, len(hebb), len(elig), len(dstHebb), len(dstElig))
	checkMod("RetroUpdate", n, len(scale), len(bias))
	checkEta("RetroUpdate", n, len(eta))
	retroUpdate(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip)
}

// RetroUpdateBackward is the backward pass of RetroUpdate. hebb and elig are
// the traces before the update; dhebb and delig hold on entry the gradients
// of the updated traces and on return those of the traces before the update
// through this path. It accumulates dpre, dpost, dscale, dbias and deta
// (reduced to the shape of eta) and returns dm.
//
//	for i := 0; i < n; i++ {
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
	n := len(pre)
	checkLen("RetroUpdateBackward", n, len(post), len(dpre), len(dpost))
	checkSquare("RetroUpdateBackward", n, len(hebb), len(elig), len(dhebb), len(delig))
	checkMod("RetroUpdateBackward", n, len(scale), len(bias))
	checkEta("RetroUpdateBackward", n, len(eta))
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
	n := len(pre)
	checkLen("HebbUpdateRead", n, len(post), len(p), len(h))
	checkSquare("HebbUpdateRead", n, len(hebb), len(dst), len(alpha))
	checkMod("HebbUpdateRead", n, len(scale), len(bias))
	hebbUpdateRead(dst, hebb, pre, post, scale, bias, m, clip, p, h, alpha)
}

// RetroUpdateRead is RetroUpdate followed by PlasticRead of the updated
// Hebbian trace (one α per connection), in one pass, as HebbUpdateRead.
// Results are bit-identical to the two calls.
//
//	RetroUpdate(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip)
//	PlasticRead(p, h, alpha, dstHebb)
func RetroUpdateRead(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32, p, h, alpha []float32) {
	n := len(pre)
	checkLen("RetroUpdateRead", n, len(post), len(p), len(h))
	checkSquare("RetroUpdateRead", n, len(hebb), len(elig), len(dstHebb), len(dstElig), len(alpha))
	checkMod("RetroUpdateRead", n, len(scale), len(bias))
	checkEta("RetroUpdateRead", n, len(eta))
	retroUpdateRead(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip, p, h, alpha)
}

// PlasticReadHebbUpdateBackward is the backward pass of one step's plastic
// read followed by that of the previous step's trace update, in one pass
// over the trace gradient they share: the plastic layer's backward runs the
// read of step t+1 (hebbNext = Hebb(t+1), h = h(t), da the gradient of step
// t+1's read) and then the update Hebb(t) → Hebb(t+1) of step t (hebb, pre =
// h(t−1), post = g(t), …), and the second needs just the gradient the first
// completes, row by row. dhebb holds on entry the gradient of Hebb(t+1)
// from later steps, and on return that of Hebb(t) through the update. One α
// per connection. Elementwise results are bit-identical to the two calls;
// the sums are reassociated as theirs are.
//
//	PlasticReadBackward(dh, dalpha, dhebb, da, h, alpha, hebbNext)
//	return HebbUpdateBackward(dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
func PlasticReadHebbUpdateBackward(dh, dalpha, da, h, alpha, hebbNext, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias []float32, m, clip float32) (dm float32) {
	n := len(pre)
	checkLen("PlasticReadHebbUpdateBackward", n, len(dh), len(da), len(h), len(post), len(dpre), len(dpost))
	checkSquare("PlasticReadHebbUpdateBackward", n, len(dalpha), len(alpha), len(hebbNext), len(dhebb), len(hebb))
	checkMod("PlasticReadHebbUpdateBackward", n, len(scale), len(bias))
	checkLen("PlasticReadHebbUpdateBackward", len(scale), len(dscale))
	checkLen("PlasticReadHebbUpdateBackward", len(bias), len(dbias))
	return readHebbUpdateBackward(dh, dalpha, da, h, alpha, hebbNext, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
}

// PlasticReadRetroUpdateBackward is PlasticReadHebbUpdateBackward for
// retroactive neuromodulation: the read's backward of step t+1, then
// RetroUpdateBackward of step t.
//
//	PlasticReadBackward(dh, dalpha, dhebb, da, h, alpha, hebbNext)
//	return RetroUpdateBackward(dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
func PlasticReadRetroUpdateBackward(dh, dalpha, da, h, alpha, hebbNext, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) (dm float32) {
	n := len(pre)
	checkLen("PlasticReadRetroUpdateBackward", n, len(dh), len(da), len(h), len(post), len(dpre), len(dpost))
	checkSquare("PlasticReadRetroUpdateBackward", n, len(dalpha), len(alpha), len(hebbNext), len(dhebb), len(delig), len(hebb), len(elig))
	checkMod("PlasticReadRetroUpdateBackward", n, len(scale), len(bias))
	checkEta("PlasticReadRetroUpdateBackward", n, len(eta))
	checkLen("PlasticReadRetroUpdateBackward", len(scale), len(dscale))
	checkLen("PlasticReadRetroUpdateBackward", len(bias), len(dbias))
	checkLen("PlasticReadRetroUpdateBackward", len(eta), len(deta))
	return readRetroUpdateBackward(dh, dalpha, da, h, alpha, hebbNext, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
}

// checkSquare panics unless every length is n·n.
func checkSquare(kernel string, n int, lens ...int) {
	for _, l := range lens {
		if l != n*n {
			panic(fmt.Sprintf("asm.%s: matrix length %d, want %d·%d", kernel, l, n, n))
		}
	}
}

// checkMod panics unless scale has a modulation shape (n·n, n or 1) and bias
// is empty or as long as scale.
func checkMod(kernel string, n, ls, lb int) {
	if ls != n*n && ls != n && ls != 1 {
		panic(fmt.Sprintf("asm.%s: len(scale)=%d, want %d, %d or 1", kernel, ls, n*n, n))
	}
	if lb != 0 && lb != ls {
		panic(fmt.Sprintf("asm.%s: len(bias)=%d, want 0 or len(scale)=%d", kernel, lb, ls))
	}
}

// checkEta panics unless eta has one value per connection or one in all.
func checkEta(kernel string, n, le int) {
	if le != n*n && le != 1 {
		panic(fmt.Sprintf("asm.%s: len(eta)=%d, want %d or 1", kernel, le, n*n))
	}
}
