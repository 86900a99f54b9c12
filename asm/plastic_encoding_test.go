package asm

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPlasticNEONEncodings re-assembles every WORD-encoded instruction of
// plastic_arm64.s with GNU binutils for aarch64 and checks that the word is
// what the comment says. It is skipped where aarch64-linux-gnu-as and
// aarch64-linux-gnu-objdump are not installed (Debian: binutils-aarch64-linux-gnu).
func TestPlasticNEONEncodings(t *testing.T) {
	as, err1 := exec.LookPath("aarch64-linux-gnu-as")
	objdump, err2 := exec.LookPath("aarch64-linux-gnu-objdump")
	if err1 != nil || err2 != nil {
		t.Skip("aarch64 binutils not installed")
	}
	f, err := os.Open("plastic_arm64.s")
	require.NoError(t, err)
	defer f.Close()
	word := regexp.MustCompile(`^\s*WORD \$0x([0-9a-f]{8}) // (.+)$`)
	var words, instrs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := word.FindStringSubmatch(sc.Text()); m != nil {
			words = append(words, m[1])
			instrs = append(instrs, m[2])
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, words)

	dir := t.TempDir()
	src, obj := filepath.Join(dir, "w.s"), filepath.Join(dir, "w.o")
	require.NoError(t, os.WriteFile(src, []byte(strings.Join(instrs, "\n")+"\n"), 0o644))
	out, err := exec.Command(as, "-o", obj, src).CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(objdump, "-d", obj).Output()
	require.NoError(t, err)
	line := regexp.MustCompile(`^\s+[0-9a-f]+:\s+([0-9a-f]{8})\s`)
	var got []string
	for _, l := range strings.Split(string(out), "\n") {
		if m := line.FindStringSubmatch(l); m != nil {
			got = append(got, m[1])
		}
	}
	require.Len(t, got, len(words))
	for i := range words {
		require.Equal(t, got[i], words[i], "WORD for %q", instrs[i])
	}
}
