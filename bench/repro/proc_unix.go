//go:build linux || darwin

package main

import (
	"os/exec"
	"syscall"
)

// detach puts cmd in its own process group, so that a Ctrl-C at the terminal
// reaches only this process, which forwards one SIGINT (cmd.Cancel): a second
// SIGINT would make lm quit without its interrupt checkpoint.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// processAlive reports whether a process with this id exists.
func processAlive(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}
