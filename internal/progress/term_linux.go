//go:build linux

package progress

import "golang.org/x/sys/unix"

// haveTermios: the terminal check asks the tty driver.
const haveTermios = true

const ioctlReadTermios = unix.TCGETS

func isTerminalFd(fd uintptr) bool {
	_, err := unix.IoctlGetTermios(int(fd), ioctlReadTermios)
	return err == nil
}
