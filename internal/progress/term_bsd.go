//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package progress

import "golang.org/x/sys/unix"

// haveTermios: the terminal check asks the tty driver.
const haveTermios = true

const ioctlReadTermios = unix.TIOCGETA

func isTerminalFd(fd uintptr) bool {
	_, err := unix.IoctlGetTermios(int(fd), ioctlReadTermios)
	return err == nil
}
