//go:build unix

package plasticity

import "syscall"

// cpuSeconds is the CPU time (user and system) the process has used: on a
// shared machine, where wall-clock times swing with other loads, CPU time
// per operation is the steadier measure of the work done.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
