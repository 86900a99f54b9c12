//go:build (!amd64 && !arm64) || purego

package asm

func plasticRead(p, h, alpha, hebb []float32) { plasticReadGeneric(p, h, alpha, hebb) }
func plasticReadPerNeuron(p, h, alpha, hebb []float32) {
	plasticReadPerNeuronGeneric(p, h, alpha, hebb)
}
func plasticReadBackward(dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	plasticReadBackwardGeneric(dh, dalpha, dhebb, da, h, alpha, hebb)
}
func plasticReadPerNeuronBackward(dh, dalpha, dhebb, da, h, alpha, hebb []float32) {
	plasticReadPerNeuronBackwardGeneric(dh, dalpha, dhebb, da, h, alpha, hebb)
}
func hebbUpdate(dst, hebb, pre, post, scale, bias []float32, m, clip float32) {
	hebbUpdateGeneric(dst, hebb, pre, post, scale, bias, m, clip)
}
func hebbUpdateBackward(dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias []float32, m, clip float32) float32 {
	return hebbUpdateBackwardGeneric(dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
}
func retroUpdate(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) {
	retroUpdateGeneric(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip)
}
func retroUpdateBackward(dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) float32 {
	return retroUpdateBackwardGeneric(dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
}
func hebbUpdateRead(dst, hebb, pre, post, scale, bias []float32, m, clip float32, p, h, alpha []float32) {
	hebbUpdateReadGeneric(dst, hebb, pre, post, scale, bias, m, clip, p, h, alpha)
}
func retroUpdateRead(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32, p, h, alpha []float32) {
	retroUpdateReadGeneric(dstHebb, dstElig, hebb, elig, pre, post, scale, bias, eta, m, clip, p, h, alpha)
}
func readHebbUpdateBackward(dh, dalpha, da, h, alpha, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias []float32, m, clip float32) float32 {
	return readHebbUpdateBackwardGeneric(dh, dalpha, da, h, alpha, dhebb, dpre, dpost, dscale, dbias, hebb, pre, post, scale, bias, m, clip)
}
func readRetroUpdateBackward(dh, dalpha, da, h, alpha, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta []float32, m, clip float32) float32 {
	return readRetroUpdateBackwardGeneric(dh, dalpha, da, h, alpha, dhebb, delig, dpre, dpost, dscale, dbias, deta, hebb, elig, pre, post, scale, bias, eta, m, clip)
}

// readRetroUpdateBackward2 has no pair kernel here: the caller makes two calls.
func readRetroUpdateBackward2(a, b *RetroSample, dalpha, alpha, dscale, dbias, deta, scale, bias, eta []float32, clip float32) (float32, float32, bool) {
	return 0, 0, false
}
