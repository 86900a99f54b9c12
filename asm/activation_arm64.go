//go:build !purego

package asm

// Temporary: forwards to the generic reference until the assembly lands.

func sigmoid(dst, x []float32)             { sigmoidGeneric(dst, x) }
func tanh(dst, x []float32)                { tanhGeneric(dst, x) }
func exp(dst, x []float32)                 { expGeneric(dst, x) }
func sigmoidBackward(dst, y, dy []float32) { sigmoidBackwardGeneric(dst, y, dy) }
func tanhBackward(dst, y, dy []float32)    { tanhBackwardGeneric(dst, y, dy) }
