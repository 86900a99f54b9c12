package asm

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// neonWordFiles are the arm64 sources whose WORD-encoded instructions
// TestNEONWordEncodings checks; add a kernel family's files here.
var neonWordFiles = []string{"vexp_arm64.h", "activation_arm64.s", "softmax_arm64.s", "lstm_arm64.s", "ger_arm64.s", "blas1_arm64.s", "elementwise_arm64.s", "plastic_arm64.s", "gemm/gemm_arm64.s"}

// neonWord matches `WORD $0x4e20cc23 // fmla v3.4s, v1.4s, v0.4s` and the
// macro form `WORD $0x4e20cc23; /* fmla v3.4s, v1.4s, v0.4s */ \`.
var neonWord = regexp.MustCompile(`WORD\s+\$0x([0-9a-fA-F]{8});?\s*(?://|/\*)\s*([^*\n]*?)\s*(?:\*/.*)?$`)

// TestNEONWordEncodings assembles the instruction in the comment of every
// WORD in neonWordFiles with binutils and requires the same encoding. It
// needs aarch64-linux-gnu-as and -objdump (Debian binutils-aarch64-linux-gnu)
// and is skipped without them.
func TestNEONWordEncodings(t *testing.T) {
	as, errAs := exec.LookPath("aarch64-linux-gnu-as")
	objdump, errOd := exec.LookPath("aarch64-linux-gnu-objdump")
	if errAs != nil || errOd != nil {
		t.Skip("aarch64-linux-gnu-as/objdump not installed (apt-get install binutils-aarch64-linux-gnu)")
	}
	type word struct{ at, hex, insn string }
	var words []word
	for _, name := range neonWordFiles {
		f, err := os.Open(name)
		require.NoError(t, err)
		sc := bufio.NewScanner(f)
		for line := 1; sc.Scan(); line++ {
			if strings.HasPrefix(strings.TrimSpace(sc.Text()), "WORD") {
				m := neonWord.FindStringSubmatch(sc.Text())
				require.NotNil(t, m, "%s:%d: WORD without the instruction in a comment", name, line)
				words = append(words, word{name + ":" + strconv.Itoa(line), strings.ToLower(m[1]), m[2]})
			}
		}
		require.NoError(t, sc.Err())
		f.Close()
	}
	require.NotEmpty(t, words)

	dir := t.TempDir()
	var src strings.Builder
	for _, w := range words {
		src.WriteString("\t" + w.insn + "\n")
	}
	sFile, oFile := filepath.Join(dir, "w.s"), filepath.Join(dir, "w.o")
	require.NoError(t, os.WriteFile(sFile, []byte(src.String()), 0o644))
	out, err := exec.Command(as, "-o", oFile, sFile).CombinedOutput()
	require.NoError(t, err, "%s", out)
	out, err = exec.Command(objdump, "-d", oFile).Output()
	require.NoError(t, err)
	got := regexp.MustCompile(`(?m)^\s*[0-9a-f]+:\s+([0-9a-f]{8})\s`).FindAllStringSubmatch(string(out), -1)
	require.Len(t, got, len(words))
	for i, w := range words {
		require.Equal(t, got[i][1], w.hex, "%s: %q assembles to %s", w.at, w.insn, got[i][1])
	}
}
