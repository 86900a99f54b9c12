//go:build !purego

package asm

// plasticRowsFor returns the row primitives of the active level, or nil for
// the generic references. (NEON primitives: not yet.)
func plasticRowsFor() *plasticRows { return nil }
