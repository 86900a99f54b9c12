//go:build unix

package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCtrlC sends real signals to the test binary acting as lm train.
func TestCtrlC(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)

	start := func(mode string) (*exec.Cmd, *bufio.Reader, *syncBuffer) {
		cmd := exec.Command(exe, "train")
		cmd.Env = append(os.Environ(), childEnv+"="+mode)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		stderr := &syncBuffer{}
		cmd.Stderr = stderr
		require.NoError(t, cmd.Start())
		r := bufio.NewReader(stdout)
		for {
			line, err := r.ReadString('\n')
			require.NoError(t, err, "the child did not get ready; stderr: %s", stderr.String())
			if strings.TrimSpace(line) == "ready" {
				break
			}
		}
		return cmd, r, stderr
	}

	t.Run("first Ctrl-C saves and exits 130", func(t *testing.T) {
		cmd, r, stderr := start("wait-signal")
		require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		rest, _ := io.ReadAll(r)
		err := cmd.Wait()
		var ee *exec.ExitError
		require.True(t, errors.As(err, &ee), "exit error expected, got %v", err)
		assert.Equal(t, exitInterrupted, ee.ExitCode())
		assert.Contains(t, string(rest), "saved saved.safetensors (interrupt")
		assert.Contains(t, stderr.String(), "press Ctrl-C again to quit at once")
		assert.Contains(t, stderr.String(), "lm train: interrupted; continue with: lm train -resume saved.safetensors")
	})

	t.Run("SIGTERM too", func(t *testing.T) {
		cmd, _, _ := start("wait-signal")
		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		err := cmd.Wait()
		var ee *exec.ExitError
		require.True(t, errors.As(err, &ee), "exit error expected, got %v", err)
		assert.Equal(t, exitInterrupted, ee.ExitCode())
	})

	t.Run("second Ctrl-C quits at once", func(t *testing.T) {
		cmd, _, stderr := start("ignore-signal")
		require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		// The notice is printed after the default handling is restored.
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(stderr.String(), "press Ctrl-C again") {
			require.True(t, time.Now().Before(deadline), "no interrupt notice; stderr: %s", stderr.String())
			time.Sleep(10 * time.Millisecond)
		}
		begin := time.Now()
		require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		err := cmd.Wait()
		assert.Less(t, time.Since(begin), 10*time.Second)
		var ee *exec.ExitError
		require.True(t, errors.As(err, &ee), "exit error expected, got %v", err)
		ws, ok := ee.Sys().(syscall.WaitStatus)
		require.True(t, ok)
		assert.True(t, ws.Signaled() && ws.Signal() == syscall.SIGINT, "killed by the second SIGINT: %v", ws)
	})
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
