//go:build !purego && (amd64 || arm64)

package asm

import (
	"runtime"
	"unsafe"
)

// The plastic kernels' dispatch, shared by amd64 and arm64: one look at the
// active level per call (plasticRowsFor, in plastic_amd64.go and
// plastic_arm64.go) picks the row primitives the drivers use, or the
// generic reference.

func plasticRead(p, h, alpha, hebb []float32) {
	if k := plasticRowsFor(); k != nil {
		rowsPlasticRead(k, p, h, alpha, hebb)
	} else {
		plasticReadGeneric(p, h, alpha, hebb)
	}
}

func plasticReadPerNeuron(p, h, alpha, hebb []float32) {
	if k := plasticRowsFor(); k != nil {
		rowsPlasticReadPerNeuron(k, p, h, alpha, hebb)
	} else {
		plasticReadPerNeuronGeneric(p, h, alpha, hebb)
	}
}

func plasticReadBackward(dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	if k := plasticRowsFor(); k != nil {
		rowsPlasticReadBackward(k, dh, dalpha, dhebb, da, h, alpha, hebb)
	} else {
		plasticReadBackwardGeneric(dh, dalpha, dhebb, da, h, alpha, hebb)
	}
}

func plasticReadPerNeuronBackward(dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	if k := plasticRowsFor(); k != nil {
		rowsPlasticReadPerNeuronBackward(k, dh, dalpha, dhebb, da, h, alpha, hebb)
	} else {
		plasticReadPerNeuronBackwardGeneric(dh, dalpha, dhebb, da, h, alpha, hebb)
	}
}

func hebbUpdate(dst, hebb, pre, post, scale, bias []float32, m, clip float32) {
	if k := plasticRowsFor(); k != nil {
		rowsHebbUpdate(k, dst, hebb, pre, post, scale, bias, m, clip)
	} else {
		hebbUpdateGeneric(dst, hebb, pre, post, scale, bias, m, clip)
	}
}

func hebbUpdateBackward(dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias []float32, m, clip float32) float32 {
	if k := plasticRowsFor(); k != nil {
		return rowsHebbUpdateBackward(k, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
	}
	return hebbUpdateBackwardGeneric(dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
}

func retroUpdate(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) {
	if k := plasticRowsFor(); k != nil {
		rowsRetroUpdate(k, dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip)
	} else {
		retroUpdateGeneric(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip)
	}
}

func retroUpdateBackward(dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) float32 {
	if k := plasticRowsFor(); k != nil {
		return rowsRetroUpdateBackward(k, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
	}
	return retroUpdateBackwardGeneric(dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
}

func hebbUpdateRead(dst, hebb, pre, post, scale, bias []float32, m, clip float32, p, h, alpha []float32) {
	if k := plasticRowsFor(); k != nil {
		rowsHebbUpdateRead(k, dst, hebb, pre, post, scale, bias, m, clip, p, h, alpha)
	} else {
		hebbUpdateReadGeneric(dst, hebb, pre, post, scale, bias, m, clip, p, h, alpha)
	}
}

func retroUpdateRead(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32, p, h, alpha []float32) {
	if k := plasticRowsFor(); k != nil {
		rowsRetroUpdateRead(k, dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip, p, h, alpha)
	} else {
		retroUpdateReadGeneric(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip, p, h, alpha)
	}
}

// readHebbUpdateBackward fuses the passes where the level has a
// whole-matrix kernel for the shape, and otherwise recomputes the updated
// trace into a buffer and runs the drivers in turn.
func readHebbUpdateBackward(dh, dalpha, da, h, alpha, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias []float32, m, clip float32) float32 {
	k := plasticRowsFor()
	if k == nil {
		return readHebbUpdateBackwardGeneric(dh, dalpha, da, h, alpha, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
	}
	rows, n := len(pre), len(post)
	if k.mat != nil && perRow(rows, n, len(scale)) {
		if len(bias) > 0 {
			return inRowBlocks(rows, n, func(i0, i1 int) float32 {
				return k.mat.readHebbFanBack(dh[i0:i1], dalpha[i0*n:i1*n], da, h[i0:i1], alpha[i0*n:i1*n], dhebb[i0*n:i1*n], dpre[i0:i1], dpost, dscale[i0*n:i1*n], dbias[i0*n:i1*n], hebb[i0*n:i1*n], pre[i0:i1], post, scale[i0*n:i1*n], bias[i0*n:i1*n], m, clip)
			})
		}
		return inRowBlocks(rows, n, func(i0, i1 int) float32 {
			return k.mat.readHebbScaleBack(dh[i0:i1], dalpha[i0*n:i1*n], da, h[i0:i1], alpha[i0*n:i1*n], dhebb[i0*n:i1*n], dpre[i0:i1], dpost, dscale[i0*n:i1*n], hebb[i0*n:i1*n], pre[i0:i1], post, scale[i0*n:i1*n], m, clip)
		})
	}
	buf := borrowTraces(len(hebb))
	defer traceBufPool.Put(buf)
	next := (*buf)[:len(hebb)]
	rowsHebbUpdate(k, next, hebb, pre, post, scale, bias, m, clip)
	rowsPlasticReadBackward(k, dh, dalpha, dhebb, da, h, alpha, next)
	return rowsHebbUpdateBackward(k, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
}

func readRetroUpdateBackward(dh, dalpha, da, h, alpha, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) float32 {
	k := plasticRowsFor()
	if k == nil {
		return readRetroUpdateBackwardGeneric(dh, dalpha, da, h, alpha, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
	}
	rows, n := len(pre), len(post)
	if k.mat != nil && perRow(rows, n, len(scale)) && len(bias) > 0 && len(eta) == rows*n {
		return inRowBlocks(rows, n, func(i0, i1 int) float32 {
			return k.mat.readRetroFanBack(dh[i0:i1], dalpha[i0*n:i1*n], da, h[i0:i1], alpha[i0*n:i1*n], dhebb[i0*n:i1*n], delig[i0*n:i1*n], dpre[i0:i1], dpost, dscale[i0*n:i1*n], dbias[i0*n:i1*n], deta[i0*n:i1*n], hebb[i0*n:i1*n], elig[i0*n:i1*n], pre[i0:i1], post, scale[i0*n:i1*n], bias[i0*n:i1*n], eta[i0*n:i1*n], m, clip)
		})
	}
	buf := borrowTraces(len(hebb))
	defer traceBufPool.Put(buf)
	next, nextElig := (*buf)[:len(hebb)], (*buf)[len(hebb):]
	rowsRetroUpdate(k, next, nextElig, hebb, elig, pre, post, scale, bias, eta, m, clip)
	rowsPlasticReadBackward(k, dh, dalpha, dhebb, da, h, alpha, next)
	return rowsRetroUpdateBackward(k, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
}

// readRetroUpdateBackward2 runs PlasticReadRetroUpdateBackward2 in the pair
// kernel where there is one for the level and the shapes, and where b's
// operands are at the distances from a's that it takes (one per group,
// see PlasticReadRetroUpdateBackward2); ok is false when the caller must
// make the two calls instead. The row blocks are those of the single
// kernel's driver, so each sample's dm has the same association.
func readRetroUpdateBackward2(a, b *RetroSample, dalpha, alpha, dscale, dbias, deta, scale, bias, eta []float32, clip float32) (dmA, dmB float32, ok bool) {
	k := plasticRowsFor()
	rows, n := len(a.Pre), len(a.Post)
	if k == nil || k.mat == nil || k.mat.readRetroFanBack2 == nil || rows*n == 0 ||
		!perRow(rows, n, len(scale)) || len(bias) == 0 || len(eta) != rows*n {
		return 0, 0, false
	}
	dTr, ok1 := distance(a.Hebb, b.Hebb, a.Elig, b.Elig)
	dGr, ok2 := distance(a.DHebb, b.DHebb, a.DElig, b.DElig)
	dVec, ok3 := distance(a.DA, b.DA, a.Post, b.Post, a.DPost, b.DPost)
	// (Outputs that overlapped would see the samples' updates interleaved.)
	if !ok1 || !ok2 || !ok3 || abs(dGr) < rows*n || abs(dVec) < n {
		return 0, 0, false
	}
	for i0, rb := 0, matRows(n); i0 < rows; i0 += rb {
		i1 := min(i0+rb, rows)
		x, y := k.mat.readRetroFanBack2(a.DH[i0:i1], dalpha[i0*n:i1*n], a.DA, a.H[i0:i1], alpha[i0*n:i1*n],
			a.DHebb[i0*n:i1*n], a.DElig[i0*n:i1*n], a.DPre[i0:i1], a.DPost,
			dscale[i0*n:i1*n], dbias[i0*n:i1*n], deta[i0*n:i1*n], a.Hebb[i0*n:i1*n], a.Elig[i0*n:i1*n], a.Pre[i0:i1], a.Post,
			scale[i0*n:i1*n], bias[i0*n:i1*n], eta[i0*n:i1*n], b.DH[i0:i1], b.H[i0:i1], b.DPre[i0:i1], b.Pre[i0:i1],
			a.M, b.M, clip, dTr, dGr, dVec)
		dmA += x
		dmB += y
	}
	// The kernel reaches b's operands only through a's and the distances.
	runtime.KeepAlive(b)
	return dmA, dmB, true
}

// distance returns the distance in elements from the first of each pair
// of slices (a0, b0, a1, b1, …) to the second, if it is the same for every
// pair.
func distance(pairs ...[]float32) (int, bool) {
	var d int
	for i := 0; i < len(pairs); i += 2 {
		a, b := pairs[i], pairs[i+1]
		di := int(uintptr(unsafe.Pointer(unsafe.SliceData(b)))-uintptr(unsafe.Pointer(unsafe.SliceData(a)))) / 4
		if i > 0 && di != d {
			return 0, false
		}
		d = di
	}
	return d, true
}

func abs(x int) int { return max(x, -x) }
