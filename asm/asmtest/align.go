package asmtest

import "unsafe"

// uintptrOf returns the address of x[0]; x must be non-empty.
func uintptrOf(x []float32) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(x))) }
