package asm

import "sync"

// The vector plastic-trace kernels are built from row primitives: short
// loops over j (one row segment of the n×n matrices) with the row's
// pre-synaptic value as a scalar, so the assembly stays small and every
// element sees the same operations as in the reference. The drivers below
// walk the rows (and, for the updates, blocks of at most plasticBlock
// columns, whose modulation M they first write to a small buffer, unless a
// fused primitive computes it in the same pass) and call the primitives of
// the active level through a plasticRows table, chosen once per call.
//
// The Go primitives (rowMulAddGo …) are the reference of each primitive; the
// AVX2 and NEON ones run their vector loop on a multiple of the vector width
// and leave the remaining tail to the Go primitive.
//
// A level may also have whole-matrix kernels (plasticMats; AVX-512 does)
// that run a driver's row loop themselves for the default modulation shapes,
// one value per connection: a call per row costs as much as a short row's
// work at H ≈ 200, and the fused update-then-read does the read on the row
// it has just written, in registers, instead of in a second pass.

// plasticBlock is the column block of the update drivers.
const plasticBlock = 256

// plasticScratch holds a driver's block buffers for M, dM, η and dη. They
// come from a pool rather than the stack: passed to primitives through
// function values, stack arrays would escape and be allocated on every call.
type plasticScratch struct{ m, dm, e, de [plasticBlock]float32 }

var plasticScratchPool = sync.Pool{New: func() any { return new(plasticScratch) }}

// plasticRows is one level's set of row primitives; all slices of a call
// have the length of the first.
type plasticRows struct {
	// mulAdd: p[j] += (s*x[j])*y[j].
	mulAdd func(p, x, y []float32, s float32)
	// readBack: dA[j] += (hi*w[j])*da[j]; dW[j] += (hi*a[j])*da[j];
	// returns Σ (a[j]*w[j])*da[j].
	readBack func(dA, dW, a, w, da []float32, hi float32) float32
	// mod: M[j] = scale[j]*m + bias[j].
	mod func(M, scale, bias []float32, m float32)
	// hebb: dst[j] = clip(w[j] + M[j]*(x*post[j])); dst may be w.
	hebb func(dst, w, post, M []float32, x, clip float32)
	// hebbBack: with u = w[j] + M[j]*d, d = x*post[j]: dU = dW[j] if |u| ≤ clip
	// else 0; dW[j] = dU; dM[j] += dU*d; dpost[j] += (dU*M[j])*x; returns
	// Σ (dU*M[j])*post[j].
	hebbBack func(dW, dpost, dM, w, post, M []float32, x, clip float32) float32
	// modBack: dscale[j] += dM[j]*m; dbias[j] += dM[j] (if len(dbias) > 0);
	// returns Σ dM[j]*scale[j].
	modBack func(dscale, dbias, dM, scale []float32, m float32) float32
	// retro: dw[j] = clip(w[j] + M[j]*e[j]); de[j] = (1-eta[j])*e[j] +
	// eta[j]*(x*post[j]); dw and de may be w and e.
	retro func(dw, de, w, e, post, M, eta []float32, x, clip float32)
	// retroBack: the backward of retro (see retroUpdateBackwardGeneric), with
	// dM[j] and deta[j] accumulated per element; returns Σ dD*post[j].
	retroBack func(dW, dE, dpost, dM, deta, w, e, post, M, eta []float32, x, clip float32) float32

	// Optional fusions for a per-connection fan-out with bias (the default
	// neuromodulation), which spare the M and dM passes; nil when a level
	// has none.
	//
	// hebbFan: hebb with M[j] = u[j]*m + beta[j] computed in the same pass.
	hebbFan func(dst, w, post, u, beta []float32, x, m, clip float32)
	// hebbFanBack: hebbBack, then modBack on the same element: dU[j] +=
	// dM*m, dB[j] += dM; returns Σ dD*post[j] and Σ dM*u[j].
	hebbFanBack func(dW, dpost, dU, dB, w, post, u, beta []float32, x, m, clip float32) (s, dm float32)
	// retroFan: retro with M[j] = u[j]*m + beta[j] computed in the pass.
	retroFan func(dw, de, w, e, post, u, beta, eta []float32, x, m, clip float32)
	// retroFanBack: retroBack, then modBack on the same element; returns
	// Σ dD*post[j] and Σ dM*u[j].
	retroFanBack func(dW, dE, dpost, dU, dB, deta, w, e, post, u, beta, eta []float32, x, m, clip float32) (s, dm float32)
	// hebbScaleBack: hebbFanBack without a bias, M[j] = u[j]*m (Hebbian
	// plasticity's per-connection η): dU[j] += dM*m; returns Σ dD*post[j]
	// and Σ dM*u[j]. It spares the dM buffer and the modBack pass.
	hebbScaleBack func(dW, dpost, dU, w, post, u []float32, x, m, clip float32) (s, dm float32)

	// Optional whole-matrix kernels, which run a driver's row loop
	// themselves (sparing a call per row) for the default modulation
	// shapes, one value per connection; nil when a level has none. Each
	// computes what its driver would, element for element.
	mat *plasticMats
}

// matElems bounds the work of one whole-matrix kernel call: assembly is not
// preempted by the Go runtime, so the drivers hand the kernels blocks of at
// most matElems elements (whole rows), which take about a tenth of a
// millisecond — a whole trace at the paper's sizes (H ≈ 200), blocks of rows
// at large ones. Sums over i (p, dpost) continue from block to block in
// order, so only the sums over a whole call (dm) change association.
const matElems = 1 << 16

// matRows is the number of rows of n columns in a block of a whole-matrix
// kernel call.
func matRows(n int) int { return max(1, matElems/max(n, 1)) }

// inRowBlocks calls f on consecutive blocks [i0, i1) of the rows of a
// matrix with n columns, each at most matRows(n) rows, and returns the sum
// of its results in block order: how the drivers hand the whole-matrix
// kernels bounded pieces.
func inRowBlocks(rows, n int, f func(i0, i1 int) float32) float32 {
	var s float32
	rb := matRows(n)
	for i0 := 0; i0 < rows; i0 += rb {
		s += f(i0, min(i0+rb, rows))
	}
	return s
}

// plasticMats are a level's whole-matrix kernels: "scale" for M = scale
// (Hebbian plasticity's η: m = 1, no bias), "fan" for M = u*m + beta, and
// the retroactive update with a per-connection η. A Read variant also does
// the read of the updated trace (rowsHebbUpdateRead, rowsRetroUpdateRead).
type plasticMats struct {
	read          func(p, h, alpha, hebb []float32)
	hebb          func(dst, w, post, M, pre []float32, clip float32)
	hebbRead      func(dst, w, post, M, pre, p, h, alpha []float32, clip float32)
	hebbFan       func(dst, w, post, u, beta, pre []float32, m, clip float32)
	hebbFanRead   func(dst, w, post, u, beta, pre, p, h, alpha []float32, m, clip float32)
	hebbScaleBack func(dW, dpre, dpost, dU, w, pre, post, u []float32, m, clip float32) float32
	hebbFanBack   func(dW, dpre, dpost, dU, dB, w, pre, post, u, beta []float32, m, clip float32) float32
	readBack      func(dh, dA, dW, a, w, da, h []float32)
	retroFan      func(dw, de, w, e, post, u, beta, eta, pre []float32, m, clip float32)
	retroFanRead  func(dw, de, w, e, post, u, beta, eta, pre, p, h, alpha []float32, m, clip float32)
	retroFanBack  func(dW, dE, dpre, dpost, dU, dB, deta, w, e, pre, post, u, beta, eta []float32, m, clip float32) float32

	// The read's backward of step t+1, of the trace they recompute from w
	// (and e), fused with the update's backward of step t
	// (PlasticReadHebbUpdateBackward, PlasticReadRetroUpdateBackward).
	readHebbScaleBack func(dh, dalpha, da, h, alpha, dW, dpre, dpost, dU, w, pre, post, u []float32, m, clip float32) float32
	readHebbFanBack   func(dh, dalpha, da, h, alpha, dW, dpre, dpost, dU, dB, w, pre, post, u, beta []float32, m, clip float32) float32
	readRetroFanBack  func(dh, dalpha, da, h, alpha, dW, dE, dpre, dpost, dU, dB, deta, w, e, pre, post, u, beta, eta []float32, m, clip float32) float32
	// readRetroFanBack for two samples at once (PlasticReadRetroUpdateBackward2).
	readRetroFanBack2 func(dh, dalpha, da, h, alpha, dW, dE, dpre, dpost, dU, dB, deta, w, e, pre, post, u, beta, eta, dhB, hB, dpreB, preB []float32, m, mB, clip float32, dTr, dGr, dVec int) (float32, float32)
}

// goRows are the Go row primitives: the reference for the vector ones and
// their tails, and a way to test the drivers on every build.
var goRows = plasticRows{rowMulAddGo, rowReadBackGo, rowModGo, rowHebbGo, rowHebbBackGo, rowModBackGo, rowRetroGo, rowRetroBackGo,
	rowHebbFanGo, rowHebbFanBackGo, rowRetroFanGo, rowRetroFanBackGo, rowHebbScaleBackGo, nil}

func rowHebbScaleBackGo(dW, dpost, dU, w, post, u []float32, x, m, clip float32) (s, dm float32) {
	n := len(dW)
	dpost, dU, w, post, u = dpost[:n], dU[:n], w[:n], post[:n], u[:n]
	for j := range dW {
		M := float32(u[j] * m)
		d := float32(x * post[j])
		if !inClip(w[j]+float32(M*d), clip) {
			dW[j] = 0
		}
		g := dW[j]
		dM := float32(g * d)
		dU[j] += float32(dM * m)
		dm += float32(dM * u[j])
		dD := float32(g * M)
		s += float32(dD * post[j])
		dpost[j] += float32(dD * x)
	}
	return s, dm
}

func rowRetroFanGo(dw, de, w, e, post, u, beta, eta []float32, x, m, clip float32) {
	n := len(dw)
	de, w, e, post, u, beta, eta = de[:n], w[:n], e[:n], post[:n], u[:n], beta[:n], eta[:n]
	for j := range dw {
		M := float32(u[j]*m) + beta[j]
		ej := e[j]
		dw[j] = clip32(w[j]+float32(M*ej), clip)
		d := float32(x * post[j])
		de[j] = float32((1-eta[j])*ej) + float32(eta[j]*d)
	}
}

func rowRetroFanBackGo(dW, dE, dpost, dU, dB, deta, w, e, post, u, beta, eta []float32, x, m, clip float32) (s, dm float32) {
	n := len(dW)
	dE, dpost, dU, dB, deta = dE[:n], dpost[:n], dU[:n], dB[:n], deta[:n]
	w, e, post, u, beta, eta = w[:n], e[:n], post[:n], u[:n], beta[:n], eta[:n]
	for j := range dW {
		M := float32(u[j]*m) + beta[j]
		ej, et := e[j], eta[j]
		d := float32(x * post[j])
		if !inClip(w[j]+float32(M*ej), clip) {
			dW[j] = 0
		}
		g, dEj := dW[j], dE[j]
		dM := float32(g * ej)
		dU[j] += float32(dM * m)
		dB[j] += dM
		dm += float32(dM * u[j])
		dE[j] = float32((1-et)*dEj) + float32(M*g)
		deta[j] += float32(dEj * (d - ej))
		dD := float32(et * dEj)
		s += float32(dD * post[j])
		dpost[j] += float32(dD * x)
	}
	return s, dm
}

func rowHebbFanGo(dst, w, post, u, beta []float32, x, m, clip float32) {
	n := len(dst)
	w, post, u, beta = w[:n], post[:n], u[:n], beta[:n]
	for j := range dst {
		M := float32(u[j]*m) + beta[j]
		d := float32(x * post[j])
		dst[j] = clip32(w[j]+float32(M*d), clip)
	}
}

func rowHebbFanBackGo(dW, dpost, dU, dB, w, post, u, beta []float32, x, m, clip float32) (s, dm float32) {
	n := len(dW)
	dpost, dU, dB, w, post, u, beta = dpost[:n], dU[:n], dB[:n], w[:n], post[:n], u[:n], beta[:n]
	for j := range dW {
		M := float32(u[j]*m) + beta[j]
		d := float32(x * post[j])
		if !inClip(w[j]+float32(M*d), clip) {
			dW[j] = 0
		}
		g := dW[j]
		dM := float32(g * d)
		dU[j] += float32(dM * m)
		dB[j] += dM
		dm += float32(dM * u[j])
		dD := float32(g * M)
		s += float32(dD * post[j])
		dpost[j] += float32(dD * x)
	}
	return s, dm
}

func rowMulAddGo(p, x, y []float32, s float32) {
	x, y = x[:len(p)], y[:len(p)]
	for j := range p {
		p[j] += float32(float32(s*x[j]) * y[j])
	}
}

func rowReadBackGo(dA, dW, a, w, da []float32, hi float32) float32 {
	n := len(dA)
	dW, a, w, da = dW[:n], a[:n], w[:n], da[:n]
	var s float32
	for j := range dA {
		dA[j] += float32(float32(hi*w[j]) * da[j])
		dW[j] += float32(float32(hi*a[j]) * da[j])
		s += float32(float32(a[j]*w[j]) * da[j])
	}
	return s
}

func rowModGo(M, scale, bias []float32, m float32) {
	scale, bias = scale[:len(M)], bias[:len(M)]
	for j := range M {
		M[j] = float32(scale[j]*m) + bias[j]
	}
}

func rowHebbGo(dst, w, post, M []float32, x, clip float32) {
	w, post, M = w[:len(dst)], post[:len(dst)], M[:len(dst)]
	for j := range dst {
		d := float32(x * post[j])
		dst[j] = clip32(w[j]+float32(M[j]*d), clip)
	}
}

func rowHebbBackGo(dW, dpost, dM, w, post, M []float32, x, clip float32) float32 {
	n := len(dW)
	dpost, dM, w, post, M = dpost[:n], dM[:n], w[:n], post[:n], M[:n]
	var s float32
	for j := range dW {
		d := float32(x * post[j])
		if !inClip(w[j]+float32(M[j]*d), clip) {
			dW[j] = 0
		}
		dU := dW[j]
		dM[j] += float32(dU * d)
		dD := float32(dU * M[j])
		s += float32(dD * post[j])
		dpost[j] += float32(dD * x)
	}
	return s
}

func rowModBackGo(dscale, dbias, dM, scale []float32, m float32) float32 {
	n := len(dscale)
	dM, scale = dM[:n], scale[:n]
	var s float32
	for j := range dscale {
		dscale[j] += float32(dM[j] * m)
		s += float32(dM[j] * scale[j])
	}
	if len(dbias) > 0 {
		dbias = dbias[:n]
		for j := range dbias {
			dbias[j] += dM[j]
		}
	}
	return s
}

func rowRetroGo(dw, de, w, e, post, M, eta []float32, x, clip float32) {
	n := len(dw)
	de, w, e, post, M, eta = de[:n], w[:n], e[:n], post[:n], M[:n], eta[:n]
	for j := range dw {
		ej := e[j]
		dw[j] = clip32(w[j]+float32(M[j]*ej), clip)
		d := float32(x * post[j])
		de[j] = float32((1-eta[j])*ej) + float32(eta[j]*d)
	}
}

func rowRetroBackGo(dW, dE, dpost, dM, deta, w, e, post, M, eta []float32, x, clip float32) float32 {
	n := len(dW)
	dE, dpost, dM, deta = dE[:n], dpost[:n], dM[:n], deta[:n]
	w, e, post, M, eta = w[:n], e[:n], post[:n], M[:n], eta[:n]
	var s float32
	for j := range dW {
		ej, et := e[j], eta[j]
		d := float32(x * post[j])
		if !inClip(w[j]+float32(M[j]*ej), clip) {
			dW[j] = 0
		}
		dU, dEj := dW[j], dE[j]
		dM[j] += float32(dU * ej)
		dE[j] = float32((1-et)*dEj) + float32(M[j]*dU)
		deta[j] += float32(dEj * (d - ej))
		dD := float32(et * dEj)
		s += float32(dD * post[j])
		dpost[j] += float32(dD * x)
	}
	return s
}

// Drivers. Each takes the checked arguments of the exported kernel.

func rowsPlasticRead(k *plasticRows, p, h, alpha, hebb []float32) {
	n := len(p)
	if k.mat != nil {
		inRowBlocks(len(h), n, func(i0, i1 int) float32 {
			k.mat.read(p, h[i0:i1], alpha[i0*n:i1*n], hebb[i0*n:i1*n])
			return 0
		})
		return
	}
	for i := range h {
		k.mulAdd(p, alpha[i*n:(i+1)*n], hebb[i*n:(i+1)*n], h[i])
	}
}

func rowsPlasticReadPerNeuron(k *plasticRows, p, h, alpha, hebb []float32) {
	n := len(p)
	for i := range h {
		k.mulAdd(p, hebb[i*n:(i+1)*n], alpha, h[i])
	}
}

func rowsPlasticReadBackward(k *plasticRows, dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	n := len(da)
	if k.mat != nil {
		inRowBlocks(len(h), n, func(i0, i1 int) float32 {
			k.mat.readBack(dh[i0:i1], dalpha[i0*n:i1*n], dhebb[i0*n:i1*n], alpha[i0*n:i1*n], hebb[i0*n:i1*n], da, h[i0:i1])
			return 0
		})
		return
	}
	for i := range h {
		r := i * n
		dh[i] += k.readBack(dalpha[r:r+n], dhebb[r:r+n], alpha[r:r+n], hebb[r:r+n], da, h[i])
	}
}

func rowsPlasticReadPerNeuronBackward(k *plasticRows, dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	n := len(da)
	for i := range h {
		r := i * n
		dh[i] += k.readBack(dalpha, dhebb[r:r+n], alpha, hebb[r:r+n], da, h[i])
	}
}

// modBlock sets M to the modulation of row i of an r×n matrix, columns
// j0…j0+len(M)−1, and returns it — or returns scale's own segment when
// M = scale·1 needs no arithmetic (Hebbian plasticity's η with m = 1 and no
// bias).
func modBlock(k *plasticRows, M, scale, bias []float32, r, n, i, j0 int, m float32) []float32 {
	nb := len(M)
	switch len(scale) {
	case r * n:
		if r*n > 1 {
			scale = scale[i*n:]
			if len(bias) > 0 {
				bias = bias[i*n:]
			}
		}
	case n:
	default: // scalar: same M everywhere
		M0 := modAt(scale, bias, 0, m)
		for j := range M {
			M[j] = M0
		}
		return M
	}
	if len(bias) == 0 {
		if m == 1 {
			return scale[j0 : j0+nb]
		}
		for j := range M {
			M[j] = float32(scale[j0+j] * m)
		}
		return M
	}
	k.mod(M, scale[j0:j0+nb], bias[j0:j0+nb], m)
	return M
}

// perRow reports whether the modulation of an r×n matrix differs from row
// to row (one value per connection; with one row that is one per column,
// which the drivers treat as such).
func perRow(r, n, ls int) bool { return ls == r*n && ls != n && ls > 1 }

func rowsHebbUpdate(k *plasticRows, dst, hebb, pre, post, scale, bias []float32, m, clip float32) {
	rowsHebbUpdateRead(k, dst, hebb, pre, post, scale, bias, m, clip, nil, nil, nil)
}

// rowsHebbUpdateRead is rowsHebbUpdate, then, unless p is nil, the read
// p[j] += (h[i]*alpha[i][j])*dst[i][j] of each row segment right after its
// update, while it is in cache: per element the operations, and the order
// over i of p's sums, of rowsPlasticRead on the updated trace.
func rowsHebbUpdateRead(k *plasticRows, dst, hebb, pre, post, scale, bias []float32, m, clip float32, p, h, alpha []float32) {
	rows, n := len(pre), len(post)
	if k.mat != nil && perRow(rows, n, len(scale)) {
		switch {
		case len(bias) > 0 && p != nil:
			inRowBlocks(rows, n, func(i0, i1 int) float32 {
				k.mat.hebbFanRead(dst[i0*n:i1*n], hebb[i0*n:i1*n], post, scale[i0*n:i1*n], bias[i0*n:i1*n], pre[i0:i1], p, h[i0:i1], alpha[i0*n:i1*n], m, clip)
				return 0
			})
			return
		case len(bias) > 0:
			inRowBlocks(rows, n, func(i0, i1 int) float32 {
				k.mat.hebbFan(dst[i0*n:i1*n], hebb[i0*n:i1*n], post, scale[i0*n:i1*n], bias[i0*n:i1*n], pre[i0:i1], m, clip)
				return 0
			})
			return
		case m == 1 && p != nil:
			inRowBlocks(rows, n, func(i0, i1 int) float32 {
				k.mat.hebbRead(dst[i0*n:i1*n], hebb[i0*n:i1*n], post, scale[i0*n:i1*n], pre[i0:i1], p, h[i0:i1], alpha[i0*n:i1*n], clip)
				return 0
			})
			return
		case m == 1:
			inRowBlocks(rows, n, func(i0, i1 int) float32 {
				k.mat.hebb(dst[i0*n:i1*n], hebb[i0*n:i1*n], post, scale[i0*n:i1*n], pre[i0:i1], clip)
				return 0
			})
			return
		}
	}
	sc := plasticScratchPool.Get().(*plasticScratch)
	defer plasticScratchPool.Put(sc)
	mbuf := &sc.m
	for j0 := 0; j0 < n; j0 += plasticBlock {
		nb := min(plasticBlock, n-j0)
		var M []float32
		for i := 0; i < rows; i++ {
			r := i*n + j0
			if k.hebbFan != nil && perRow(rows, n, len(scale)) && len(bias) > 0 {
				k.hebbFan(dst[r:r+nb], hebb[r:r+nb], post[j0:j0+nb], scale[r:r+nb], bias[r:r+nb], pre[i], m, clip)
				if p != nil {
					k.mulAdd(p[j0:j0+nb], alpha[r:r+nb], dst[r:r+nb], h[i])
				}
				continue
			}
			if i == 0 || perRow(rows, n, len(scale)) {
				M = modBlock(k, mbuf[:nb], scale, bias, rows, n, i, j0, m)
			}
			k.hebb(dst[r:r+nb], hebb[r:r+nb], post[j0:j0+nb], M, pre[i], clip)
			if p != nil {
				k.mulAdd(p[j0:j0+nb], alpha[r:r+nb], dst[r:r+nb], h[i])
			}
		}
	}
}

// modGrad accumulates the gradients of the modulation of a block from dM:
// into dscale and dbias (per the shape of scale) and the returned Σ dM·scale.
func modGrad(k *plasticRows, dM, dscale, dbias, scale []float32, rows, n, i, j0 int, m float32) float32 {
	nb := len(dM)
	switch len(scale) {
	case rows * n:
		if rows*n > 1 {
			r := i*n + j0
			var db []float32
			if len(dbias) > 0 {
				db = dbias[r : r+nb]
			}
			return k.modBack(dscale[r:r+nb], db, dM, scale[r:r+nb], m)
		}
	case n:
		var db []float32
		if len(dbias) > 0 {
			db = dbias[j0 : j0+nb]
		}
		return k.modBack(dscale[j0:j0+nb], db, dM, scale[j0:j0+nb], m)
	}
	var s float32
	for _, v := range dM {
		s += v
	}
	dscale[0] += float32(s * m)
	if len(dbias) > 0 {
		dbias[0] += s
	}
	return float32(s * scale[0])
}

func rowsHebbUpdateBackward(k *plasticRows, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias []float32, m, clip float32) float32 {
	rows, n := len(pre), len(post)
	if k.mat != nil && perRow(rows, n, len(scale)) {
		if len(bias) > 0 {
			return inRowBlocks(rows, n, func(i0, i1 int) float32 {
				return k.mat.hebbFanBack(dhebb[i0*n:i1*n], dpre[i0:i1], dpost, dscale[i0*n:i1*n], dbias[i0*n:i1*n], hebb[i0*n:i1*n], pre[i0:i1], post, scale[i0*n:i1*n], bias[i0*n:i1*n], m, clip)
			})
		}
		return inRowBlocks(rows, n, func(i0, i1 int) float32 {
			return k.mat.hebbScaleBack(dhebb[i0*n:i1*n], dpre[i0:i1], dpost, dscale[i0*n:i1*n], hebb[i0*n:i1*n], pre[i0:i1], post, scale[i0*n:i1*n], m, clip)
		})
	}
	sc := plasticScratchPool.Get().(*plasticScratch)
	defer plasticScratchPool.Put(sc)
	mbuf, dmbuf := &sc.m, &sc.dm
	var dm float32
	for j0 := 0; j0 < n; j0 += plasticBlock {
		nb := min(plasticBlock, n-j0)
		var M []float32
		for i := 0; i < rows; i++ {
			r := i*n + j0
			if k.hebbFanBack != nil && perRow(rows, n, len(scale)) && len(bias) > 0 {
				s, d := k.hebbFanBack(dhebb[r:r+nb], dpost[j0:j0+nb], dscale[r:r+nb], dbias[r:r+nb],
					hebb[r:r+nb], post[j0:j0+nb], scale[r:r+nb], bias[r:r+nb], pre[i], m, clip)
				dpre[i] += s
				dm += d
				continue
			}
			if k.hebbScaleBack != nil && perRow(rows, n, len(scale)) && len(bias) == 0 {
				s, d := k.hebbScaleBack(dhebb[r:r+nb], dpost[j0:j0+nb], dscale[r:r+nb],
					hebb[r:r+nb], post[j0:j0+nb], scale[r:r+nb], pre[i], m, clip)
				dpre[i] += s
				dm += d
				continue
			}
			if i == 0 || perRow(rows, n, len(scale)) {
				M = modBlock(k, mbuf[:nb], scale, bias, rows, n, i, j0, m)
			}
			dM := dmbuf[:nb]
			clear(dM)
			dpre[i] += k.hebbBack(dhebb[r:r+nb], dpost[j0:j0+nb], dM, hebb[r:r+nb], post[j0:j0+nb], M, pre[i], clip)
			dm += modGrad(k, dM, dscale, dbias, scale, rows, n, i, j0, m)
		}
	}
	return dm
}

func rowsRetroUpdate(k *plasticRows, dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) {
	rowsRetroUpdateRead(k, dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip, nil, nil, nil)
}

// rowsRetroUpdateRead is rowsRetroUpdate, then, unless p is nil, the read
// of each updated row segment of dstHebb, as in rowsHebbUpdateRead.
func rowsRetroUpdateRead(k *plasticRows, dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32, p, h, alpha []float32) {
	rows, n := len(pre), len(post)
	if k.mat != nil && perRow(rows, n, len(scale)) && len(bias) > 0 && len(eta) == rows*n {
		if p != nil {
			inRowBlocks(rows, n, func(i0, i1 int) float32 {
				k.mat.retroFanRead(dstHebb[i0*n:i1*n], dstElig[i0*n:i1*n], hebb[i0*n:i1*n], elig[i0*n:i1*n], post, scale[i0*n:i1*n], bias[i0*n:i1*n], eta[i0*n:i1*n], pre[i0:i1], p, h[i0:i1], alpha[i0*n:i1*n], m, clip)
				return 0
			})
		} else {
			inRowBlocks(rows, n, func(i0, i1 int) float32 {
				k.mat.retroFan(dstHebb[i0*n:i1*n], dstElig[i0*n:i1*n], hebb[i0*n:i1*n], elig[i0*n:i1*n], post, scale[i0*n:i1*n], bias[i0*n:i1*n], eta[i0*n:i1*n], pre[i0:i1], m, clip)
				return 0
			})
		}
		return
	}
	sc := plasticScratchPool.Get().(*plasticScratch)
	defer plasticScratchPool.Put(sc)
	mbuf, ebuf := &sc.m, &sc.e
	for j0 := 0; j0 < n; j0 += plasticBlock {
		nb := min(plasticBlock, n-j0)
		var M []float32
		fused := k.retroFan != nil && perRow(rows, n, len(scale)) && len(bias) > 0
		et := etaBlock(ebuf[:nb], eta)
		for i := 0; i < rows; i++ {
			if !fused && (i == 0 || perRow(rows, n, len(scale))) {
				M = modBlock(k, mbuf[:nb], scale, bias, rows, n, i, j0, m)
			}
			r := i*n + j0
			if len(eta) > 1 {
				et = eta[r : r+nb]
			}
			if k.retroFan != nil && perRow(rows, n, len(scale)) && len(bias) > 0 {
				k.retroFan(dstHebb[r:r+nb], dstElig[r:r+nb], hebb[r:r+nb], elig[r:r+nb], post[j0:j0+nb],
					scale[r:r+nb], bias[r:r+nb], et, pre[i], m, clip)
				if p != nil {
					k.mulAdd(p[j0:j0+nb], alpha[r:r+nb], dstHebb[r:r+nb], h[i])
				}
				continue
			}
			k.retro(dstHebb[r:r+nb], dstElig[r:r+nb], hebb[r:r+nb], elig[r:r+nb], post[j0:j0+nb], M, et, pre[i], clip)
			if p != nil {
				k.mulAdd(p[j0:j0+nb], alpha[r:r+nb], dstHebb[r:r+nb], h[i])
			}
		}
	}
}

// etaBlock fills buf with a scalar η (len(eta) == 1) and returns it.
func etaBlock(buf, eta []float32) []float32 {
	if len(eta) == 1 {
		for j := range buf {
			buf[j] = eta[0]
		}
	}
	return buf
}

func rowsRetroUpdateBackward(k *plasticRows, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) float32 {
	rows, n := len(pre), len(post)
	if k.mat != nil && perRow(rows, n, len(scale)) && len(bias) > 0 && len(eta) == rows*n {
		return inRowBlocks(rows, n, func(i0, i1 int) float32 {
			return k.mat.retroFanBack(dhebb[i0*n:i1*n], delig[i0*n:i1*n], dpre[i0:i1], dpost, dscale[i0*n:i1*n], dbias[i0*n:i1*n], deta[i0*n:i1*n], hebb[i0*n:i1*n], elig[i0*n:i1*n], pre[i0:i1], post, scale[i0*n:i1*n], bias[i0*n:i1*n], eta[i0*n:i1*n], m, clip)
		})
	}
	sc := plasticScratchPool.Get().(*plasticScratch)
	defer plasticScratchPool.Put(sc)
	mbuf, dmbuf, ebuf, debuf := &sc.m, &sc.dm, &sc.e, &sc.de
	var dm float32
	for j0 := 0; j0 < n; j0 += plasticBlock {
		nb := min(plasticBlock, n-j0)
		var M []float32
		fused := k.retroFanBack != nil && perRow(rows, n, len(scale)) && len(bias) > 0
		et := etaBlock(ebuf[:nb], eta)
		for i := 0; i < rows; i++ {
			if !fused && (i == 0 || perRow(rows, n, len(scale))) {
				M = modBlock(k, mbuf[:nb], scale, bias, rows, n, i, j0, m)
			}
			r := i*n + j0
			det := debuf[:nb]
			if len(eta) > 1 {
				et, det = eta[r:r+nb], deta[r:r+nb]
			} else {
				clear(det)
			}
			if fused {
				s, d := k.retroFanBack(dhebb[r:r+nb], delig[r:r+nb], dpost[j0:j0+nb], dscale[r:r+nb], dbias[r:r+nb], det,
					hebb[r:r+nb], elig[r:r+nb], post[j0:j0+nb], scale[r:r+nb], bias[r:r+nb], et, pre[i], m, clip)
				dpre[i] += s
				dm += d
			} else {
				dM := dmbuf[:nb]
				clear(dM)
				dpre[i] += k.retroBack(dhebb[r:r+nb], delig[r:r+nb], dpost[j0:j0+nb], dM, det,
					hebb[r:r+nb], elig[r:r+nb], post[j0:j0+nb], M, et, pre[i], clip)
				dm += modGrad(k, dM, dscale, dbias, scale, rows, n, i, j0, m)
			}
			if len(eta) == 1 {
				var s float32
				for _, v := range det {
					s += v
				}
				deta[0] += s
			}
		}
	}
	return dm
}
