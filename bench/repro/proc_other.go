//go:build !linux && !darwin

package main

import "os/exec"

// detach does nothing here: the child shares the process group, so a Ctrl-C
// at the terminal reaches lm directly as well as through cmd.Cancel; lm may
// then quit without its interrupt checkpoint and the run resumes from its
// last epoch checkpoint instead.
func detach(cmd *exec.Cmd) {}

// processAlive cannot tell here and assumes the process lives.
func processAlive(pid int) bool { return true }
