//go:build !amd64 && !arm64

package cpu

// detect: other architectures run the portable Go code only.
func detect() []Level { return []Level{Generic} }
