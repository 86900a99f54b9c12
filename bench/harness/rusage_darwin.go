//go:build darwin || ios

package harness

import (
	"os"
	"syscall"
)

// peakRSS returns the peak resident set size of a finished child in bytes,
// or 0 if the system did not report it. Darwin gives ru_maxrss in bytes.
func peakRSS(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru != nil {
		return int64(ru.Maxrss)
	}
	return 0
}
