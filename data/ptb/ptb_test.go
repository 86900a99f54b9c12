package ptb

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// realPTBDir returns the directory of the real PTB files: $NEUROMOD_PTB_DIR,
// or shared/data/ptb in the working directory or one of its parents (the
// checkout's sibling ../shared/data/ptb, wherever the checkout or worktree
// sits below it). It skips the test when there is none.
func realPTBDir(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("NEUROMOD_PTB_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, TrainFile)); err != nil {
			t.Fatalf("NEUROMOD_PTB_DIR=%s has no PTB files: %v", dir, err)
		}
		return dir
	}
	wd, err := os.Getwd()
	require.NoError(t, err)
	for dir := wd; ; dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, "shared", "data", "ptb")
		if _, err := os.Stat(filepath.Join(cand, TrainFile)); err == nil {
			return cand
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	t.Skipf("PTB files not found: no shared/data/ptb in %s or its parents, and NEUROMOD_PTB_DIR is unset", wd)
	return ""
}

func TestLoadRealPTB(t *testing.T) {
	dir := realPTBDir(t)
	c, err := Load(dir)
	require.NoError(t, err)
	assert.True(t, c.Verified)
	assert.Equal(t, dir, c.Dir)
	assert.Equal(t, 10000, c.Vocab.Len())
	assert.Len(t, c.Train, 929_589)
	assert.Len(t, c.Valid, 73_760)
	assert.Len(t, c.Test, 82_430)

	eos, ok := c.Vocab.ID(EOS)
	require.True(t, ok, "<eos> in the vocabulary")
	_, ok = c.Vocab.ID(Unk)
	require.True(t, ok, "<unk> in the vocabulary")

	// Ids in order of first appearance, as the PyTorch example numbers them:
	// the first line of ptb.train.txt has 24 words, "aer" … "wachter", then
	// <eos>; the second starts with "pierre".
	assert.Equal(t, "aer", c.Vocab.Word(0))
	assert.Equal(t, "wachter", c.Vocab.Word(23))
	assert.Equal(t, int32(24), eos)
	assert.Equal(t, "pierre", c.Vocab.Word(25))
	for i := range int32(30) {
		assert.Equal(t, i, c.Train[i], "ids of the first tokens are 0, 1, 2, …")
	}

	// Every split ends with <eos>, and the lines are as many as the <eos>s.
	for _, split := range [][]int32{c.Train, c.Valid, c.Test} {
		assert.Equal(t, eos, split[len(split)-1])
	}
	assert.Equal(t, 42_068, count(c.Train, eos))
	assert.Equal(t, 3_370, count(c.Valid, eos))
	assert.Equal(t, 3_761, count(c.Test, eos))

	// Loading without verification gives the same corpus.
	u, err := LoadUnverified(dir)
	require.NoError(t, err)
	assert.False(t, u.Verified)
	assert.Equal(t, c.Vocab.Words(), u.Vocab.Words())
	assert.Equal(t, c.Train, u.Train)
	assert.Equal(t, c.Valid, u.Valid)
	assert.Equal(t, c.Test, u.Test)
}

func count(ids []int32, id int32) int {
	n := 0
	for _, x := range ids {
		if x == id {
			n++
		}
	}
	return n
}

// copyPTB copies the real PTB files (those named) into a new temp dir.
func copyPTB(t *testing.T, names ...string) string {
	src := realPTBDir(t)
	dst := t.TempDir()
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(src, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, name), b, 0o644))
	}
	return dst
}

func TestLoadRealPTBMissingFile(t *testing.T) {
	dir := copyPTB(t, TrainFile, ValidFile)
	_, err := Load(dir)
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	msg := err.Error()
	assert.Contains(t, msg, "PTB file "+filepath.Join(dir, TestFile)+" is missing")
	assert.Contains(t, msg, "leave out -data to download them")
	assert.Contains(t, msg, DefaultBaseURL)
}

func TestLoadRealPTBWrongChecksum(t *testing.T) {
	dir := copyPTB(t, TrainFile, ValidFile, TestFile)
	path := filepath.Join(dir, ValidFile)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	b[1000] ^= 1 // one bit: the file still parses, only the checksum tells
	require.NoError(t, os.WriteFile(path, b, 0o644))

	_, err = Load(dir)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrChecksum)
	msg := err.Error()
	assert.Contains(t, msg, "PTB file "+path+" is not the expected file")
	assert.Contains(t, msg, "want c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2 (399782 bytes)")
	assert.Contains(t, msg, "-no-verify")

	// Without verification the altered file loads.
	_, err = LoadUnverified(dir)
	assert.NoError(t, err)
}

// fakeCorpus writes a tiny corpus into a temp dir under the PTB names and
// returns the dir and the specs that verify it.
func fakeCorpus(t *testing.T) (string, []fileSpec) {
	dir := t.TempDir()
	contents := map[string]string{
		TrainFile: " the cat sat \n the dog <unk> ran\n",
		ValidFile: " the cat ran \n",
		TestFile:  " a dog sat\n",
	}
	var specs []fileSpec
	for _, name := range []string{TrainFile, ValidFile, TestFile} {
		b := []byte(contents[name])
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
		specs = append(specs, specFor(name, b))
	}
	return dir, specs
}

func specFor(name string, b []byte) fileSpec {
	sum := sha256.Sum256(b)
	return fileSpec{name: name, sha256: hex.EncodeToString(sum[:]), size: int64(len(b))}
}

func TestLoadVerifiedFake(t *testing.T) {
	dir, specs := fakeCorpus(t)

	// The test split has "a", which train lacks: an error when verifying
	// (PTB must be self-contained), <unk> when not.
	_, err := load(dir, specs)
	require.EqualError(t, err, dir+`: ptb.test.txt line 1: word "a" is not in the vocabulary of the training split`)

	require.NoError(t, os.WriteFile(filepath.Join(dir, TestFile), []byte("dog sat\n"), 0o644))
	specs[2] = specFor(TestFile, []byte("dog sat\n"))
	c, err := load(dir, specs)
	require.NoError(t, err)
	assert.True(t, c.Verified)
	assert.Equal(t, []string{"the", "cat", "sat", EOS, "dog", Unk, "ran"}, c.Vocab.Words())
	assert.Equal(t, []int32{0, 1, 2, 3, 0, 4, 5, 6, 3}, c.Train)
	assert.Equal(t, []int32{0, 1, 6, 3}, c.Valid)
	assert.Equal(t, []int32{4, 2, 3}, c.Test)

	// A missing file and a wrong checksum are named.
	specs[1].sha256 = strings.Repeat("0", 64)
	_, err = load(dir, specs)
	assert.ErrorIs(t, err, ErrChecksum)
	assert.ErrorContains(t, err, "PTB file "+filepath.Join(dir, ValidFile)+" is not the expected file: SHA-256 mismatch: got ")
	require.NoError(t, os.Remove(filepath.Join(dir, TrainFile)))
	_, err = load(dir, specs)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.ErrorContains(t, err, "PTB file "+filepath.Join(dir, TrainFile)+" is missing")
}

func TestLoadUnverified(t *testing.T) {
	dir, _ := fakeCorpus(t)
	c, err := LoadUnverified(dir)
	require.NoError(t, err)
	assert.False(t, c.Verified)
	unk, _ := c.Vocab.ID(Unk)
	assert.Equal(t, []int32{unk, 4, 2, 3}, c.Test, `"a" maps to <unk>`)

	// The PyTorch example's names train.txt, valid.txt, test.txt work too.
	other := t.TempDir()
	for name, text := range map[string]string{"train.txt": "x y\n", "valid.txt": "y x\n", "test.txt": "x\n"} {
		require.NoError(t, os.WriteFile(filepath.Join(other, name), []byte(text), 0o644))
	}
	c, err = LoadUnverified(other)
	require.NoError(t, err)
	assert.Equal(t, []int32{0, 1, 2}, c.Train)
	assert.Equal(t, []int32{1, 0, 2}, c.Valid)

	// Without <unk>, an unknown word is an error naming file and line.
	require.NoError(t, os.WriteFile(filepath.Join(other, "test.txt"), []byte("x\nx z\n"), 0o644))
	_, err = LoadUnverified(other)
	assert.EqualError(t, err, other+`: test.txt line 2: word "z" is not in the vocabulary, which has no <unk> to stand for unknown words`)

	// A missing split.
	require.NoError(t, os.Remove(filepath.Join(other, "valid.txt")))
	_, err = LoadUnverified(other)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.ErrorContains(t, err, "corpus directory "+other+" has no valid split: neither ptb.valid.txt nor valid.txt exists")
}

func TestParseTokenization(t *testing.T) {
	c, err := Parse(
		[]byte("a  b\t c\r\n\n   \nb\u00a0d\u3000a"), // no final newline; NBSP and ideographic space separate words
		[]byte("d\n"),
		[]byte("\n"),
	)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c", EOS, "d"}, c.Vocab.Words())
	assert.Equal(t, []int32{0, 1, 2, 3, 3, 3, 1, 4, 0, 3}, c.Train)
	assert.Equal(t, []int32{4, 3}, c.Valid)
	assert.Equal(t, []int32{3}, c.Test)
}

func TestParseErrors(t *testing.T) {
	_, err := Parse(nil, []byte("a\n"), []byte("a\n"))
	assert.EqualError(t, err, "train is empty: every split needs at least one line")
	_, err = Parse([]byte("a\n"), []byte{}, []byte("a\n"))
	assert.EqualError(t, err, "valid is empty: every split needs at least one line")
	_, err = Parse([]byte("a\nb \xff\n"), []byte("a\n"), []byte("a\n"))
	assert.EqualError(t, err, "train line 2 is not valid UTF-8")
	_, err = Parse([]byte("a\n"), []byte("a\n"), []byte("a b\n"))
	assert.EqualError(t, err, `test line 1: word "b" is not in the vocabulary, which has no <unk> to stand for unknown words`)
}

func TestVocab(t *testing.T) {
	v, err := NewVocab([]string{"x", EOS, Unk, "é"})
	require.NoError(t, err)
	assert.Equal(t, 4, v.Len())
	assert.Equal(t, "é", v.Word(3))
	id, ok := v.ID(EOS)
	assert.True(t, ok)
	assert.Equal(t, int32(1), id)
	_, ok = v.ID("y")
	assert.False(t, ok)
	assert.Equal(t, []string{"x", EOS, Unk, "é"}, v.Words())
	ids, err := v.Encode(" x y\té ")
	require.NoError(t, err)
	assert.Equal(t, []int32{0, 2, 3}, ids)
	assert.PanicsWithValue(t, "ptb: word id 4 out of range [0, 4)", func() { v.Word(4) })
	assert.PanicsWithValue(t, "ptb: word id -1 out of range [0, 4)", func() { v.Word(-1) })

	words := v.Words()
	words[0] = "changed"
	assert.Equal(t, "x", v.Word(0), "Words returns a copy")

	noUnk, err := NewVocab([]string{"x"})
	require.NoError(t, err)
	_, err = noUnk.Encode("x y")
	assert.EqualError(t, err, `word "y" is not in the vocabulary, which has no <unk> to stand for unknown words`)

	for words, want := range map[string]string{
		"a,a":    `vocabulary word 1: "a" appears twice`,
		"a,":     "vocabulary word 1: empty word",
		"a b":    `vocabulary word 0: "a b" contains white space`,
		"\xff,b": `vocabulary word 0: "\xff" is not valid UTF-8`,
	} {
		_, err := NewVocab(strings.Split(words, ","))
		assert.EqualError(t, err, want)
	}
}

// FuzzParse feeds arbitrary bytes to the corpus parser as training and
// validation text and checks, when it accepts them, that the ids decode back
// to the words of each line with <eos> after every line.
func FuzzParse(f *testing.F) {
	f.Add([]byte(" the cat sat \n the dog <unk> ran\n"), []byte("the cat\n"))
	f.Add([]byte("a\r\n\n\u00a0b"), []byte("zz\n"))
	f.Add([]byte("\xff\n"), []byte(""))
	f.Add([]byte("<eos> <eos>\n<unk>"), []byte("nope <eos>"))
	f.Fuzz(func(t *testing.T, train, valid []byte) {
		c, err := Parse(train, valid, valid)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, w := range c.Vocab.Words() {
			if w == "" || seen[w] || strings.ContainsFunc(w, unicode.IsSpace) {
				t.Fatalf("bad vocabulary word %q", w)
			}
			seen[w] = true
		}
		if _, err := NewVocab(c.Vocab.Words()); err != nil {
			t.Fatalf("vocabulary does not rebuild: %v", err)
		}
		if got, want := decode(c.Vocab, c.Train), expect(train, nil); got != want {
			t.Fatalf("train decodes to %q, want %q", got, want)
		}
		if got, want := decode(c.Vocab, c.Valid), expect(valid, c.Vocab); got != want {
			t.Fatalf("valid decodes to %q, want %q", got, want)
		}
	})
}

// decode joins the words of ids with spaces.
func decode(v *Vocab, ids []int32) string {
	var sb strings.Builder
	for _, id := range ids {
		sb.WriteString(v.Word(id))
		sb.WriteByte(' ')
	}
	return sb.String()
}

// expect is the reference tokenisation: lines split on '\n' (no empty last
// line), words by strings.Fields, <eos> after each line; with v, unknown
// words become <unk>.
func expect(text []byte, v *Vocab) string {
	s := string(text)
	s = strings.TrimSuffix(s, "\n")
	if len(text) == 0 {
		return ""
	}
	var sb strings.Builder
	for _, line := range strings.Split(s, "\n") {
		for _, w := range strings.Fields(line) {
			if v != nil {
				if _, ok := v.ID(w); !ok {
					w = Unk
				}
			}
			sb.WriteString(w)
			sb.WriteByte(' ')
		}
		sb.WriteString(EOS + " ")
	}
	return sb.String()
}
