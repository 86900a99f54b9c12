//go:build !purego

package asm

// Temporary: forwards to the generic reference until the assembly lands.

func dot(x, y []float32) float32         { return dotGeneric(x, y) }
func axpy(alpha float32, x, y []float32) { axpyGeneric(alpha, x, y) }
func scale(alpha float32, x []float32)   { scaleGeneric(alpha, x) }
func sum(x []float32) float32            { return sumGeneric(x) }
func sumSquares(x []float32) float32     { return sumSquaresGeneric(x) }
func max32(x []float32) float32          { return maxGeneric(x) }
func maxIndex(x []float32) int           { return maxIndexGeneric(x) }
