//go:build !purego

package asm

import "github.com/neuromod-go/neuromod/internal/cpu"

// neonRows are the NEON row primitives; each runs its assembly on the
// largest multiple of 4 columns and the Go primitive on the rest.
var neonRows = plasticRows{
	mulAdd: func(p, x, y []float32, s float32) {
		v := len(p) &^ 3
		plasticMulAddRowNEON(p[:v], x, y, s)
		rowMulAddGo(p[v:], x[v:], y[v:], s)
	},
	readBack: func(dA, dW, a, w, da []float32, hi float32) float32 {
		v := len(dA) &^ 3
		s := plasticReadBackRowNEON(dA[:v], dW, a, w, da, hi)
		return s + rowReadBackGo(dA[v:], dW[v:], a[v:], w[v:], da[v:], hi)
	},
	mod: func(M, scale, bias []float32, m float32) {
		v := len(M) &^ 3
		plasticModRowNEON(M[:v], scale, bias, m)
		rowModGo(M[v:], scale[v:], bias[v:], m)
	},
	hebb: func(dst, w, post, M []float32, x, clip float32) {
		v := len(dst) &^ 3
		plasticHebbRowNEON(dst[:v], w, post, M, x, clip)
		rowHebbGo(dst[v:], w[v:], post[v:], M[v:], x, clip)
	},
	hebbBack: func(dW, dpost, dM, w, post, M []float32, x, clip float32) float32 {
		v := len(dW) &^ 3
		s := plasticHebbBackRowNEON(dW[:v], dpost, dM, w, post, M, x, clip)
		return s + rowHebbBackGo(dW[v:], dpost[v:], dM[v:], w[v:], post[v:], M[v:], x, clip)
	},
	modBack: func(dscale, dbias, dM, scale []float32, m float32) float32 {
		v := len(dscale) &^ 3
		db := dbias
		if len(db) > 0 {
			db = dbias[v:]
		}
		s := plasticModBackRowNEON(dscale[:v], dbias, dM, scale, m)
		return s + rowModBackGo(dscale[v:], db, dM[v:], scale[v:], m)
	},
	retro: func(dw, de, w, e, post, M, eta []float32, x, clip float32) {
		v := len(dw) &^ 3
		plasticRetroRowNEON(dw[:v], de, w, e, post, M, eta, x, clip)
		rowRetroGo(dw[v:], de[v:], w[v:], e[v:], post[v:], M[v:], eta[v:], x, clip)
	},
	retroBack: func(dW, dE, dpost, dM, deta, w, e, post, M, eta []float32, x, clip float32) float32 {
		v := len(dW) &^ 3
		s := plasticRetroBackRowNEON(dW[:v], dE, dpost, dM, deta, w, e, post, M, eta, x, clip)
		return s + rowRetroBackGo(dW[v:], dE[v:], dpost[v:], dM[v:], deta[v:], w[v:], e[v:], post[v:], M[v:], eta[v:], x, clip)
	},
	hebbFan: func(dst, w, post, u, beta []float32, x, m, clip float32) {
		v := len(dst) &^ 3
		plasticHebbFanRowNEON(dst[:v], w, post, u, beta, x, m, clip)
		rowHebbFanGo(dst[v:], w[v:], post[v:], u[v:], beta[v:], x, m, clip)
	},
	hebbFanBack: func(dW, dpost, dU, dB, w, post, u, beta []float32, x, m, clip float32) (float32, float32) {
		v := len(dW) &^ 3
		s, dm := plasticHebbFanBackRowNEON(dW[:v], dpost, dU, dB, w, post, u, beta, x, m, clip)
		s2, dm2 := rowHebbFanBackGo(dW[v:], dpost[v:], dU[v:], dB[v:], w[v:], post[v:], u[v:], beta[v:], x, m, clip)
		return s + s2, dm + dm2
	},
	retroFan: func(dw, de, w, e, post, u, beta, eta []float32, x, m, clip float32) {
		v := len(dw) &^ 3
		plasticRetroFanRowNEON(dw[:v], de, w, e, post, u, beta, eta, x, m, clip)
		rowRetroFanGo(dw[v:], de[v:], w[v:], e[v:], post[v:], u[v:], beta[v:], eta[v:], x, m, clip)
	},
	retroFanBack: func(dW, dE, dpost, dU, dB, deta, w, e, post, u, beta, eta []float32, x, m, clip float32) (float32, float32) {
		v := len(dW) &^ 3
		s, dm := plasticRetroFanBackRowNEON(dW[:v], dE, dpost, dU, dB, deta, w, e, post, u, beta, eta, x, m, clip)
		s2, dm2 := rowRetroFanBackGo(dW[v:], dE[v:], dpost[v:], dU[v:], dB[v:], deta[v:], w[v:], e[v:], post[v:], u[v:], beta[v:], eta[v:], x, m, clip)
		return s + s2, dm + dm2
	},
}

// plasticRowsFor returns the row primitives of the active level, or nil for
// the generic references.
func plasticRowsFor() *plasticRows {
	if cpu.Active() == cpu.NEON {
		return &neonRows
	}
	return nil
}

// Assembly row primitives (plastic_arm64.s); each implements the Go
// primitive named in its comment on a multiple of 4 columns.

// plasticMulAddRowNEON is rowMulAddGo.
//
//go:noescape
func plasticMulAddRowNEON(p, x, y []float32, s float32)

// plasticReadBackRowNEON is rowReadBackGo.
//
//go:noescape
func plasticReadBackRowNEON(dA, dW, a, w, da []float32, hi float32) float32

// plasticModRowNEON is rowModGo.
//
//go:noescape
func plasticModRowNEON(M, scale, bias []float32, m float32)

// plasticHebbRowNEON is rowHebbGo.
//
//go:noescape
func plasticHebbRowNEON(dst, w, post, M []float32, x, clip float32)

// plasticHebbBackRowNEON is rowHebbBackGo.
//
//go:noescape
func plasticHebbBackRowNEON(dW, dpost, dM, w, post, M []float32, x, clip float32) float32

// plasticModBackRowNEON is rowModBackGo.
//
//go:noescape
func plasticModBackRowNEON(dscale, dbias, dM, scale []float32, m float32) float32

// plasticRetroRowNEON is rowRetroGo.
//
//go:noescape
func plasticRetroRowNEON(dw, de, w, e, post, M, eta []float32, x, clip float32)

// plasticRetroBackRowNEON is rowRetroBackGo.
//
//go:noescape
func plasticRetroBackRowNEON(dW, dE, dpost, dM, deta, w, e, post, M, eta []float32, x, clip float32) float32

// plasticHebbFanRowNEON is rowHebbFanGo.
//
//go:noescape
func plasticHebbFanRowNEON(dst, w, post, u, beta []float32, x, m, clip float32)

// plasticHebbFanBackRowNEON is rowHebbFanBackGo.
//
//go:noescape
func plasticHebbFanBackRowNEON(dW, dpost, dU, dB, w, post, u, beta []float32, x, m, clip float32) (s, dm float32)

// plasticRetroFanRowNEON is rowRetroFanGo.
//
//go:noescape
func plasticRetroFanRowNEON(dw, de, w, e, post, u, beta, eta []float32, x, m, clip float32)

// plasticRetroFanBackRowNEON is rowRetroFanBackGo.
//
//go:noescape
func plasticRetroFanBackRowNEON(dW, dE, dpost, dU, dB, deta, w, e, post, u, beta, eta []float32, x, m, clip float32) (s, dm float32)
