//go:build unix

package gemm

import "syscall"

// cpuSeconds is the CPU time this process has used (all threads, user and
// system): on a shared machine, flops per CPU second say more about a
// kernel than flops per wall second.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
