//go:build !linux

package main

import "os/exec"

// runDetached runs cmd. Outside Linux the child shares the process group, so
// a Ctrl-C at the terminal reaches lm directly as well as through
// cmd.Cancel; lm may then quit without its interrupt checkpoint and the run
// resumes from its last epoch checkpoint instead.
func runDetached(cmd *exec.Cmd) error { return cmd.Run() }

// processAlive cannot tell outside Linux and assumes the process lives.
func processAlive(pid int) bool { return true }
