//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

// avx512Rows are the AVX-512 row primitives; their loops cover every length
// with masked tails.
var avx512Rows = plasticRows{
	mulAdd: plasticMulAddRowAVX512, readBack: plasticReadBackRowAVX512, mod: plasticModRowAVX512,
	hebb: plasticHebbRowAVX512, hebbBack: plasticHebbBackRowAVX512, modBack: plasticModBackRowAVX512,
	retro: plasticRetroRowAVX512, retroBack: plasticRetroBackRowAVX512,
	hebbFan: plasticHebbFanRowAVX512, hebbFanBack: plasticHebbFanBackRowAVX512,
	retroFan: plasticRetroFanRowAVX512, retroFanBack: plasticRetroFanBackRowAVX512,
	hebbScaleBack: plasticHebbScaleBackRowAVX512,
	mat: &plasticMats{
		read: plasticReadMatAVX512,
		hebb: plasticHebbMatAVX512, hebbRead: plasticHebbReadMatAVX512,
		hebbFan: plasticHebbFanMatAVX512, hebbFanRead: plasticHebbFanReadMatAVX512,
		hebbScaleBack: plasticHebbScaleBackMatAVX512, hebbFanBack: plasticHebbFanBackMatAVX512,
		readBack: plasticReadBackMatAVX512,
		retroFan: plasticRetroFanMatAVX512, retroFanRead: plasticRetroFanReadMatAVX512,
		retroFanBack:      plasticRetroFanBackMatAVX512,
		readHebbScaleBack: plasticReadHebbScaleBackMatAVX512, readHebbFanBack: plasticReadHebbFanBackMatAVX512,
		readRetroFanBack: plasticReadRetroFanBackMatAVX512, readRetroFanBack2: plasticReadRetroFanBack2MatAVX512,
	},
}

// avx2Rows are the AVX2 row primitives; each runs its assembly on the largest
// multiple of 8 columns and the Go primitive on the rest.
var avx2Rows = plasticRows{
	mulAdd: func(p, x, y []float32, s float32) {
		v := len(p) &^ 7
		plasticMulAddRowAVX2(p[:v], x, y, s)
		rowMulAddGo(p[v:], x[v:], y[v:], s)
	},
	readBack: func(dA, dW, a, w, da []float32, hi float32) float32 {
		v := len(dA) &^ 7
		s := plasticReadBackRowAVX2(dA[:v], dW, a, w, da, hi)
		return s + rowReadBackGo(dA[v:], dW[v:], a[v:], w[v:], da[v:], hi)
	},
	mod: func(M, scale, bias []float32, m float32) {
		v := len(M) &^ 7
		plasticModRowAVX2(M[:v], scale, bias, m)
		rowModGo(M[v:], scale[v:], bias[v:], m)
	},
	hebb: func(dst, w, post, M []float32, x, clip float32) {
		v := len(dst) &^ 7
		plasticHebbRowAVX2(dst[:v], w, post, M, x, clip)
		rowHebbGo(dst[v:], w[v:], post[v:], M[v:], x, clip)
	},
	hebbBack: func(dW, dpost, dM, w, post, M []float32, x, clip float32) float32 {
		v := len(dW) &^ 7
		s := plasticHebbBackRowAVX2(dW[:v], dpost, dM, w, post, M, x, clip)
		return s + rowHebbBackGo(dW[v:], dpost[v:], dM[v:], w[v:], post[v:], M[v:], x, clip)
	},
	modBack: func(dscale, dbias, dM, scale []float32, m float32) float32 {
		v := len(dscale) &^ 7
		db := dbias
		if len(db) > 0 {
			db = dbias[v:]
		}
		s := plasticModBackRowAVX2(dscale[:v], dbias, dM, scale, m)
		return s + rowModBackGo(dscale[v:], db, dM[v:], scale[v:], m)
	},
	retro: func(dw, de, w, e, post, M, eta []float32, x, clip float32) {
		v := len(dw) &^ 7
		plasticRetroRowAVX2(dw[:v], de, w, e, post, M, eta, x, clip)
		rowRetroGo(dw[v:], de[v:], w[v:], e[v:], post[v:], M[v:], eta[v:], x, clip)
	},
	retroBack: func(dW, dE, dpost, dM, deta, w, e, post, M, eta []float32, x, clip float32) float32 {
		v := len(dW) &^ 7
		s := plasticRetroBackRowAVX2(dW[:v], dE, dpost, dM, deta, w, e, post, M, eta, x, clip)
		return s + rowRetroBackGo(dW[v:], dE[v:], dpost[v:], dM[v:], deta[v:], w[v:], e[v:], post[v:], M[v:], eta[v:], x, clip)
	},
	hebbFan: func(dst, w, post, u, beta []float32, x, m, clip float32) {
		v := len(dst) &^ 7
		plasticHebbFanRowAVX2(dst[:v], w, post, u, beta, x, m, clip)
		rowHebbFanGo(dst[v:], w[v:], post[v:], u[v:], beta[v:], x, m, clip)
	},
	hebbFanBack: func(dW, dpost, dU, dB, w, post, u, beta []float32, x, m, clip float32) (float32, float32) {
		v := len(dW) &^ 7
		s, dm := plasticHebbFanBackRowAVX2(dW[:v], dpost, dU, dB, w, post, u, beta, x, m, clip)
		s2, dm2 := rowHebbFanBackGo(dW[v:], dpost[v:], dU[v:], dB[v:], w[v:], post[v:], u[v:], beta[v:], x, m, clip)
		return s + s2, dm + dm2
	},
	retroFan: func(dw, de, w, e, post, u, beta, eta []float32, x, m, clip float32) {
		v := len(dw) &^ 7
		plasticRetroFanRowAVX2(dw[:v], de, w, e, post, u, beta, eta, x, m, clip)
		rowRetroFanGo(dw[v:], de[v:], w[v:], e[v:], post[v:], u[v:], beta[v:], eta[v:], x, m, clip)
	},
	retroFanBack: func(dW, dE, dpost, dU, dB, deta, w, e, post, u, beta, eta []float32, x, m, clip float32) (float32, float32) {
		v := len(dW) &^ 7
		s, dm := plasticRetroFanBackRowAVX2(dW[:v], dE, dpost, dU, dB, deta, w, e, post, u, beta, eta, x, m, clip)
		s2, dm2 := rowRetroFanBackGo(dW[v:], dE[v:], dpost[v:], dU[v:], dB[v:], deta[v:], w[v:], e[v:], post[v:], u[v:], beta[v:], eta[v:], x, m, clip)
		return s + s2, dm + dm2
	},
	hebbScaleBack: func(dW, dpost, dU, w, post, u []float32, x, m, clip float32) (float32, float32) {
		v := len(dW) &^ 7
		s, dm := plasticHebbScaleBackRowAVX2(dW[:v], dpost, dU, w, post, u, x, m, clip)
		s2, dm2 := rowHebbScaleBackGo(dW[v:], dpost[v:], dU[v:], w[v:], post[v:], u[v:], x, m, clip)
		return s + s2, dm + dm2
	},
}

// plasticRowsFor returns the row primitives of the active level, or nil for
// the generic references.
func plasticRowsFor() *plasticRows {
	switch cpu.Active() {
	case cpu.AVX512:
		return &avx512Rows
	case cpu.AVX2:
		return &avx2Rows
	}
	return nil
}

// Assembly row primitives (plastic_amd64.s); each implements the Go
// primitive named in its comment, the AVX2 ones on a multiple of 8 columns.

// plasticMulAddRowAVX512 is rowMulAddGo.
//
//go:noescape
func plasticMulAddRowAVX512(p, x, y []float32, s float32)

// plasticReadBackRowAVX512 is rowReadBackGo.
//
//go:noescape
func plasticReadBackRowAVX512(dA, dW, a, w, da []float32, hi float32) float32

// plasticModRowAVX512 is rowModGo.
//
//go:noescape
func plasticModRowAVX512(M, scale, bias []float32, m float32)

// plasticHebbRowAVX512 is rowHebbGo.
//
//go:noescape
func plasticHebbRowAVX512(dst, w, post, M []float32, x, clip float32)

// plasticHebbBackRowAVX512 is rowHebbBackGo.
//
//go:noescape
func plasticHebbBackRowAVX512(dW, dpost, dM, w, post, M []float32, x, clip float32) float32

// plasticModBackRowAVX512 is rowModBackGo.
//
//go:noescape
func plasticModBackRowAVX512(dscale, dbias, dM, scale []float32, m float32) float32

// plasticRetroRowAVX512 is rowRetroGo.
//
//go:noescape
func plasticRetroRowAVX512(dw, de, w, e, post, M, eta []float32, x, clip float32)

// plasticRetroBackRowAVX512 is rowRetroBackGo.
//
//go:noescape
func plasticRetroBackRowAVX512(dW, dE, dpost, dM, deta, w, e, post, M, eta []float32, x, clip float32) float32

// plasticMulAddRowAVX2 is rowMulAddGo for len(p) a multiple of 8.
//
//go:noescape
func plasticMulAddRowAVX2(p, x, y []float32, s float32)

// plasticReadBackRowAVX2 is rowReadBackGo for len(dA) a multiple of 8.
//
//go:noescape
func plasticReadBackRowAVX2(dA, dW, a, w, da []float32, hi float32) float32

// plasticModRowAVX2 is rowModGo for len(M) a multiple of 8.
//
//go:noescape
func plasticModRowAVX2(M, scale, bias []float32, m float32)

// plasticHebbRowAVX2 is rowHebbGo for len(dst) a multiple of 8.
//
//go:noescape
func plasticHebbRowAVX2(dst, w, post, M []float32, x, clip float32)

// plasticHebbBackRowAVX2 is rowHebbBackGo for len(dW) a multiple of 8.
//
//go:noescape
func plasticHebbBackRowAVX2(dW, dpost, dM, w, post, M []float32, x, clip float32) float32

// plasticModBackRowAVX2 is rowModBackGo for len(dscale) a multiple of 8.
//
//go:noescape
func plasticModBackRowAVX2(dscale, dbias, dM, scale []float32, m float32) float32

// plasticRetroRowAVX2 is rowRetroGo for len(dw) a multiple of 8.
//
//go:noescape
func plasticRetroRowAVX2(dw, de, w, e, post, M, eta []float32, x, clip float32)

// plasticRetroBackRowAVX2 is rowRetroBackGo for len(dW) a multiple of 8.
//
//go:noescape
func plasticRetroBackRowAVX2(dW, dE, dpost, dM, deta, w, e, post, M, eta []float32, x, clip float32) float32

// plasticHebbFanRowAVX512 is rowHebbFanGo.
//
//go:noescape
func plasticHebbFanRowAVX512(dst, w, post, u, beta []float32, x, m, clip float32)

// plasticHebbFanBackRowAVX512 is rowHebbFanBackGo.
//
//go:noescape
func plasticHebbFanBackRowAVX512(dW, dpost, dU, dB, w, post, u, beta []float32, x, m, clip float32) (s, dm float32)

// plasticHebbFanRowAVX2 is rowHebbFanGo for len(dst) a multiple of 8.
//
//go:noescape
func plasticHebbFanRowAVX2(dst, w, post, u, beta []float32, x, m, clip float32)

// plasticHebbFanBackRowAVX2 is rowHebbFanBackGo for len(dW) a multiple of 8.
//
//go:noescape
func plasticHebbFanBackRowAVX2(dW, dpost, dU, dB, w, post, u, beta []float32, x, m, clip float32) (s, dm float32)

// plasticRetroFanRowAVX512 is rowRetroFanGo.
//
//go:noescape
func plasticRetroFanRowAVX512(dw, de, w, e, post, u, beta, eta []float32, x, m, clip float32)

// plasticRetroFanBackRowAVX512 is rowRetroFanBackGo.
//
//go:noescape
func plasticRetroFanBackRowAVX512(dW, dE, dpost, dU, dB, deta, w, e, post, u, beta, eta []float32, x, m, clip float32) (s, dm float32)

// plasticRetroFanRowAVX2 is rowRetroFanGo for len(dw) a multiple of 8.
//
//go:noescape
func plasticRetroFanRowAVX2(dw, de, w, e, post, u, beta, eta []float32, x, m, clip float32)

// plasticRetroFanBackRowAVX2 is rowRetroFanBackGo for len(dW) a multiple of 8.
//
//go:noescape
func plasticRetroFanBackRowAVX2(dW, dE, dpost, dU, dB, deta, w, e, post, u, beta, eta []float32, x, m, clip float32) (s, dm float32)

// plasticHebbScaleBackRowAVX512 is rowHebbScaleBackGo.
//
//go:noescape
func plasticHebbScaleBackRowAVX512(dW, dpost, dU, w, post, u []float32, x, m, clip float32) (s, dm float32)

// plasticHebbScaleBackRowAVX2 is rowHebbScaleBackGo for len(dW) a multiple of 8.
//
//go:noescape
func plasticHebbScaleBackRowAVX2(dW, dpost, dU, w, post, u []float32, x, m, clip float32) (s, dm float32)

// Whole-matrix kernels (plastic_amd64.s): each runs a driver of
// plastic_rows.go, row loop included, for one modulation shape.

// plasticReadMatAVX512 is rowsPlasticRead for a whole matrix.
//
//go:noescape
func plasticReadMatAVX512(p, h, alpha, hebb []float32)

// plasticHebbMatAVX512 is rowsHebbUpdate for a whole matrix whose M is the scale itself (one per connection, m = 1, no bias).
//
//go:noescape
func plasticHebbMatAVX512(dst, w, post, M, pre []float32, clip float32)

// plasticHebbReadMatAVX512 is rowsHebbUpdateRead for a whole matrix whose M is the scale itself.
//
//go:noescape
func plasticHebbReadMatAVX512(dst, w, post, M, pre, p, h, alpha []float32, clip float32)

// plasticHebbFanMatAVX512 is rowsHebbUpdate for a whole matrix with a per-connection fan-out and bias.
//
//go:noescape
func plasticHebbFanMatAVX512(dst, w, post, u, beta, pre []float32, m, clip float32)

// plasticHebbFanReadMatAVX512 is rowsHebbUpdateRead for a whole matrix with a per-connection fan-out and bias.
//
//go:noescape
func plasticHebbFanReadMatAVX512(dst, w, post, u, beta, pre, p, h, alpha []float32, m, clip float32)

// plasticHebbScaleBackMatAVX512 is rowsHebbUpdateBackward for a whole matrix with M = u*m, per connection, no bias.
//
//go:noescape
func plasticHebbScaleBackMatAVX512(dW, dpre, dpost, dU, w, pre, post, u []float32, m, clip float32) (dm float32)

// plasticHebbFanBackMatAVX512 is rowsHebbUpdateBackward for a whole matrix with a per-connection fan-out and bias.
//
//go:noescape
func plasticHebbFanBackMatAVX512(dW, dpre, dpost, dU, dB, w, pre, post, u, beta []float32, m, clip float32) (dm float32)

// plasticReadBackMatAVX512 is rowsPlasticReadBackward for a whole matrix.
//
//go:noescape
func plasticReadBackMatAVX512(dh, dA, dW, a, w, da, h []float32)

// plasticRetroFanMatAVX512 is rowsRetroUpdate for a whole matrix with a per-connection fan-out, bias and η.
//
//go:noescape
func plasticRetroFanMatAVX512(dw, de, w, e, post, u, beta, eta, pre []float32, m, clip float32)

// plasticRetroFanReadMatAVX512 is rowsRetroUpdateRead for a whole matrix with a per-connection fan-out, bias and η.
//
//go:noescape
func plasticRetroFanReadMatAVX512(dw, de, w, e, post, u, beta, eta, pre, p, h, alpha []float32, m, clip float32)

// plasticRetroFanBackMatAVX512 is rowsRetroUpdateBackward for a whole matrix with a per-connection fan-out, bias and η.
//
//go:noescape
func plasticRetroFanBackMatAVX512(dW, dE, dpre, dpost, dU, dB, deta, w, e, pre, post, u, beta, eta []float32, m, clip float32) (dm float32)

// plasticReadHebbScaleBackMatAVX512 is readHebbUpdateBackward for a whole
// matrix with M = u*m, per connection, no bias: per element, in one pass,
// rowHebbGo's update with M = u*m, rowReadBackGo on its result and
// rowHebbScaleBackGo, with their operations in their order.
//
//go:noescape
func plasticReadHebbScaleBackMatAVX512(dh, dalpha, da, h, alpha, dW, dpre, dpost, dU, w, pre, post, u []float32, m, clip float32) (dm float32)

// plasticReadHebbFanBackMatAVX512 is plasticReadHebbScaleBackMatAVX512 with
// a per-connection fan-out and bias, M = u*m + beta (rowHebbFanGo,
// rowReadBackGo, rowHebbFanBackGo).
//
//go:noescape
func plasticReadHebbFanBackMatAVX512(dh, dalpha, da, h, alpha, dW, dpre, dpost, dU, dB, w, pre, post, u, beta []float32, m, clip float32) (dm float32)

// plasticReadRetroFanBackMatAVX512 is readRetroUpdateBackward for a whole
// matrix with a per-connection fan-out, bias and η: per element, in one
// pass, rowRetroFanGo's update of the Hebbian trace, rowReadBackGo on it
// and rowRetroFanBackGo.
//
//go:noescape
func plasticReadRetroFanBackMatAVX512(dh, dalpha, da, h, alpha, dW, dE, dpre, dpost, dU, dB, deta, w, e, pre, post, u, beta, eta []float32, m, clip float32) (dm float32)

// plasticReadRetroFanBack2MatAVX512 is plasticReadRetroFanBackMatAVX512 for
// two samples in one pass, the first's operands and then the second's per
// element (readRetroUpdateBackward2): the second sample's dh, h, dpre and pre
// are dhB, hB, dpreB and preB, and its other operands are at dTr (w, e),
// dGr (dW, dE) and dVec (da, post, dpost) elements from the first's. It
// loads α, η and the fan-out and loads and stores their gradients once per
// element for both samples.
//
//go:noescape
func plasticReadRetroFanBack2MatAVX512(dh, dalpha, da, h, alpha, dW, dE, dpre, dpost, dU, dB, deta, w, e, pre, post, u, beta, eta, dhB, hB, dpreB, preB []float32, m, mB, clip float32, dTr, dGr, dVec int) (dm, dmB float32)
