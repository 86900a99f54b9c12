//go:build (amd64 || arm64) && !purego

package asm

// gerLSTMAsm tells the Ger and LSTM tests whether the non-generic levels run
// assembly (and so the fused, vector-math reference applies) or, with the
// purego tag or on other architectures, the generic code.
const gerLSTMAsm = true
