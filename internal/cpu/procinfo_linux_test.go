//go:build linux && (amd64 || arm64)

package cpu

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestDetectionAgreesWithKernel cross-checks cpuid against the flags the Linux
// kernel reports, so a detection bug cannot silently skip a level in the
// kernel tests (a level the CPU has but no test ran is a failure).
func TestDetectionAgreesWithKernel(t *testing.T) {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skipf("no /proc/cpuinfo: %v", err)
	}
	// Under qemu-user the file is the host's: read only the key that this
	// architecture's kernel writes ("flags" on x86, "Features" on arm64).
	key := map[string]string{"amd64": "flags", "arm64": "Features"}[runtime.GOARCH]
	flags := map[string]bool{}
	for _, line := range strings.Split(string(raw), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if k == key {
			for _, f := range strings.Fields(v) {
				flags[f] = true
			}
		}
	}
	switch runtime.GOARCH {
	case "amd64":
		if !flags["avx"] { // e.g. qemu without the flag list: nothing to compare
			t.Skip("kernel reports no avx flag list")
		}
		assert.Equal(t, flags["avx2"] && flags["fma"], Supports(AVX2), "AVX2+FMA per /proc/cpuinfo")
		want512 := flags["avx2"] && flags["fma"] && flags["avx512f"] && flags["avx512bw"] && flags["avx512vl"] && flags["avx512dq"]
		assert.Equal(t, want512, Supports(AVX512), "AVX-512 F/BW/VL/DQ per /proc/cpuinfo")
	case "arm64":
		if len(flags) == 0 {
			t.Skip("kernel reports no Features line")
		}
		assert.Equal(t, flags["asimd"], Supports(NEON), "asimd per /proc/cpuinfo")
	}
}
