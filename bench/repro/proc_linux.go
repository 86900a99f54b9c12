//go:build linux

package main

import (
	"os/exec"
	"runtime"
	"syscall"
)

// runDetached runs cmd in its own process group, so that a Ctrl-C at the
// terminal reaches only this process, which forwards one SIGINT (cmd.Cancel).
// If this process dies, the kernel sends the child SIGINT (Pdeathsig) and lm
// saves a checkpoint instead of training on unsupervised. Pdeathsig fires
// when the thread that started the child exits, hence the locked thread.
func runDetached(cmd *exec.Cmd) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGINT}
	return cmd.Run()
}

// processAlive reports whether a process with this id exists.
func processAlive(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}
