package asm

import "sync"

// The references for the plastic-trace kernels. Products that feed a sum
// are wrapped in float32(…) because Go may otherwise fuse a*b+c into one FMA
// on some architectures (arm64); the conversion forces the rounding, so the
// references and the vector code (which uses separate multiplies and adds)
// agree bit for bit.

// modStrides returns the row and column strides that map connection (i, j)
// of an r×n matrix to the index k = i*rs + j*cs of its modulation scale:
// per connection, per post-synaptic neuron, or one scalar.
func modStrides(r, n, ls int) (rs, cs int) {
	switch ls {
	case r * n:
		return n, 1
	case n:
		return 0, 1
	default:
		return 0, 0
	}
}

// modAt is M = scale[k]·m + bias[k] (bias 0 when absent).
func modAt(scale, bias []float32, k int, m float32) float32 {
	M := float32(scale[k] * m)
	if len(bias) != 0 {
		M += bias[k]
	}
	return M
}

// clip32 clamps u to [−c, c]; a NaN passes through.
func clip32(u, c float32) float32 {
	if u > c {
		return c
	}
	if u < -c {
		return -c
	}
	return u
}

// inClip reports whether u lies in [−c, c] (the gradient mask of clip32;
// torch.clamp passes the gradient at the bounds too).
func inClip(u, c float32) bool { return -c <= u && u <= c }

func plasticReadGeneric(p, h, alpha, hebb []float32) {
	n := len(p)
	for i := range h {
		hi := h[i]
		a, w := alpha[i*n:(i+1)*n], hebb[i*n:(i+1)*n]
		for j := range p {
			p[j] += float32(float32(hi*a[j]) * w[j])
		}
	}
}

func plasticReadPerNeuronGeneric(p, h, alpha, hebb []float32) {
	n := len(p)
	alpha = alpha[:n]
	for i := range h {
		hi := h[i]
		w := hebb[i*n : (i+1)*n]
		for j := range p {
			p[j] += float32(float32(hi*w[j]) * alpha[j])
		}
	}
}

func plasticReadBackwardGeneric(dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	n := len(da)
	for i := range h {
		hi := h[i]
		r := i * n
		a, w := alpha[r:r+n], hebb[r:r+n]
		dA, dW := dalpha[r:r+n], dhebb[r:r+n]
		var s float32
		for j := range da {
			dA[j] += float32(float32(hi*w[j]) * da[j])
			dW[j] += float32(float32(hi*a[j]) * da[j])
			s += float32(float32(a[j]*w[j]) * da[j])
		}
		dh[i] += s
	}
}

func plasticReadPerNeuronBackwardGeneric(dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	n := len(da)
	alpha, dalpha = alpha[:n], dalpha[:n]
	for i := range h {
		hi := h[i]
		r := i * n
		w, dW := hebb[r:r+n], dhebb[r:r+n]
		var s float32
		for j := range da {
			dalpha[j] += float32(float32(hi*w[j]) * da[j])
			dW[j] += float32(float32(hi*alpha[j]) * da[j])
			s += float32(float32(alpha[j]*w[j]) * da[j])
		}
		dh[i] += s
	}
}

func hebbUpdateGeneric(dst, hebb, pre, post, scale, bias []float32, m, clip float32) {
	r, n := len(pre), len(post)
	rs, cs := modStrides(r, n, len(scale))
	for i := 0; i < r; i++ {
		x := pre[i]
		row, out := hebb[i*n:(i+1)*n], dst[i*n:(i+1)*n]
		for j := range row {
			M := modAt(scale, bias, i*rs+j*cs, m)
			d := float32(x * post[j])
			out[j] = clip32(row[j]+float32(M*d), clip)
		}
	}
}

func hebbUpdateBackwardGeneric(dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias []float32, m, clip float32) float32 {
	r, n := len(pre), len(post)
	rs, cs := modStrides(r, n, len(scale))
	var dm float32
	for i := 0; i < r; i++ {
		x := pre[i]
		o := i * n
		var s float32
		for j := 0; j < n; j++ {
			k := i*rs + j*cs
			M := modAt(scale, bias, k, m)
			d := float32(x * post[j])
			if !inClip(hebb[o+j]+float32(M*d), clip) {
				dhebb[o+j] = 0
			}
			dU := dhebb[o+j]
			dM, dD := float32(dU*d), float32(dU*M)
			s += float32(dD * post[j])
			dpost[j] += float32(dD * x)
			dscale[k] += float32(dM * m)
			if len(bias) != 0 {
				dbias[k] += dM
			}
			dm += float32(dM * scale[k])
		}
		dpre[i] += s
	}
	return dm
}

func retroUpdateGeneric(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) {
	r, n := len(pre), len(post)
	rs, cs := modStrides(r, n, len(scale))
	es := 0 // η stride: one per connection, or one in all
	if len(eta) != 1 {
		es = 1
	}
	for i := 0; i < r; i++ {
		x := pre[i]
		o := i * n
		for j := 0; j < n; j++ {
			M := modAt(scale, bias, i*rs+j*cs, m)
			e := elig[o+j]
			dstHebb[o+j] = clip32(hebb[o+j]+float32(M*e), clip)
			et := eta[(o+j)*es]
			d := float32(x * post[j])
			dstElig[o+j] = float32((1-et)*e) + float32(et*d)
		}
	}
}

func retroUpdateBackwardGeneric(dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) float32 {
	r, n := len(pre), len(post)
	rs, cs := modStrides(r, n, len(scale))
	es := 0
	if len(eta) != 1 {
		es = 1
	}
	var dm float32
	for i := 0; i < r; i++ {
		x := pre[i]
		o := i * n
		var s float32
		for j := 0; j < n; j++ {
			k := i*rs + j*cs
			M := modAt(scale, bias, k, m)
			e, et := elig[o+j], eta[(o+j)*es]
			d := float32(x * post[j])
			if !inClip(hebb[o+j]+float32(M*e), clip) {
				dhebb[o+j] = 0
			}
			dU, dE := dhebb[o+j], delig[o+j]
			dM := float32(dU * e)
			delig[o+j] = float32((1-et)*dE) + float32(M*dU)
			deta[(o+j)*es] += float32(dE * (d - e))
			dD := float32(et * dE)
			s += float32(dD * post[j])
			dpost[j] += float32(dD * x)
			dscale[k] += float32(dM * m)
			if len(bias) != 0 {
				dbias[k] += dM
			}
			dm += float32(dM * scale[k])
		}
		dpre[i] += s
	}
	return dm
}

func hebbUpdateReadGeneric(dst, hebb, pre, post, scale, bias []float32, m, clip float32, p, h, alpha []float32) {
	hebbUpdateGeneric(dst, hebb, pre, post, scale, bias, m, clip)
	plasticReadGeneric(p, h, alpha, dst)
}

func retroUpdateReadGeneric(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32, p, h, alpha []float32) {
	retroUpdateGeneric(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip)
	plasticReadGeneric(p, h, alpha, dstHebb)
}

func readHebbUpdateBackwardGeneric(dh, dalpha, da, h, alpha, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias []float32, m, clip float32) float32 {
	buf := borrowTraces(len(hebb))
	defer traceBufPool.Put(buf)
	next := (*buf)[:len(hebb)]
	hebbUpdateGeneric(next, hebb, pre, post, scale, bias, m, clip)
	plasticReadBackwardGeneric(dh, dalpha, dhebb, da, h, alpha, next)
	return hebbUpdateBackwardGeneric(dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
}

func readRetroUpdateBackwardGeneric(dh, dalpha, da, h, alpha, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) float32 {
	buf := borrowTraces(len(hebb))
	defer traceBufPool.Put(buf)
	next, nextElig := (*buf)[:len(hebb)], (*buf)[len(hebb):]
	retroUpdateGeneric(next, nextElig, hebb, elig, pre, post, scale, bias, eta, m, clip)
	plasticReadBackwardGeneric(dh, dalpha, dhebb, da, h, alpha, next)
	return retroUpdateBackwardGeneric(dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
}

// traceBufPool lends the fused backward's reference and drivers room for the
// trace after the update (and its eligibility trace), which they recompute
// rather than take as an argument (see PlasticReadHebbUpdateBackward).
var traceBufPool = sync.Pool{New: func() any { return new([]float32) }}

// borrowTraces returns a buffer of 2n values from traceBufPool; give it
// back with traceBufPool.Put.
func borrowTraces(n int) *[]float32 {
	buf := traceBufPool.Get().(*[]float32)
	if cap(*buf) < 2*n {
		*buf = make([]float32, 2*n)
	}
	*buf = (*buf)[:2*n]
	return buf
}
