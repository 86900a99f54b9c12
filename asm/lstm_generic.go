package asm

import "math"

func sigmoid64(v float32) float32 { return float32(1 / (1 + math.Exp(-float64(v)))) }
func tanh64(v float32) float32    { return float32(math.Tanh(float64(v))) }

func lstmCellForwardGeneric(gates, cPrev, c, h []float32) {
	n := len(c)
	gi, gf, gg, go_ := gates[:n], gates[n:2*n], gates[2*n:3*n], gates[3*n:4*n]
	cPrev, h = cPrev[:n], h[:n]
	for j := range c {
		i, f := sigmoid64(gi[j]), sigmoid64(gf[j])
		g, o := tanh64(gg[j]), sigmoid64(go_[j])
		gi[j], gf[j], gg[j], go_[j] = i, f, g, o
		c[j] = f*cPrev[j] + i*g
		h[j] = o * tanh64(c[j])
	}
}

func lstmCellBackwardGeneric(dGates, gates, cPrev, c, dh, dc []float32) {
	n := len(c)
	gi, gf, gg, go_ := gates[:n], gates[n:2*n], gates[2*n:3*n], gates[3*n:4*n]
	di, df, dg, do := dGates[:n], dGates[n:2*n], dGates[2*n:3*n], dGates[3*n:4*n]
	cPrev, dh, dc = cPrev[:n], dh[:n], dc[:n]
	for j := range c {
		i, f, g, o := gi[j], gf[j], gg[j], go_[j]
		tc := tanh64(c[j])
		dct := dc[j] + dh[j]*o*(1-tc*tc)
		di[j] = dct * g * i * (1 - i)
		df[j] = dct * cPrev[j] * f * (1 - f)
		dg[j] = dct * i * (1 - g*g)
		do[j] = dh[j] * tc * o * (1 - o)
		dc[j] = dct * f
	}
}
