//go:build (!amd64 && !arm64) || purego

package asm

// gerLSTMAsm: see ger_asm_test.go.
const gerLSTMAsm = false
