//go:build !purego

package asm

// Temporary: forwards to the generic reference until the assembly lands.

func add(dst, x, y []float32)                { addGeneric(dst, x, y) }
func sub(dst, x, y []float32)                { subGeneric(dst, x, y) }
func mul(dst, x, y []float32)                { mulGeneric(dst, x, y) }
func mulAdd(dst, x, y, z []float32)          { mulAddGeneric(dst, x, y, z) }
func clamp(dst, x []float32, lo, hi float32) { clampGeneric(dst, x, lo, hi) }
