//go:build !linux && !darwin && !dragonfly && !freebsd && !netbsd && !openbsd

package progress

// haveTermios: no termios to ask here, so IsTerminal falls back to the file
// mode (a character device is taken to be a console).
const haveTermios = false

func isTerminalFd(fd uintptr) bool { return false }
