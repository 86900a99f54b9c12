// Package bench holds neuromod's benchmark harness and its go test -bench
// benchmarks: kernels per ISA level, GEMM against the OpenBLAS yardstick, and
// LSTM training steps against PyTorch's.
package bench
