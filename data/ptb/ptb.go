// Package ptb loads the Penn Treebank language-modelling corpus (Mikolov's
// preprocessed ptb.train.txt, ptb.valid.txt, ptb.test.txt) and any other
// corpus in the same format, turns it into token-id streams, cuts those into
// batches and BPTT segments, and downloads the PTB files into a cache.
//
// # Format and tokenisation
//
// A corpus is three UTF-8 text files, one sentence per line. As in the
// PyTorch word_language_model example, each line is split on white space
// (as unicode.IsSpace defines it) and the word <eos> is appended, so an empty
// line is a lone <eos>. Lines end at '\n' (a '\r' before it is white space);
// a last line without '\n' counts as a line.
//
// # Vocabulary and ids
//
// The vocabulary is built from the training split alone. Word ids are given
// in order of first appearance in the training split, <eos> included when the
// first line ends, exactly as the PyTorch example numbers PTB (whose
// validation and test splits add no word). The ids are therefore a function
// of the training file, and a checkpoint's embedding rows mean the same words
// on every machine. PTB's vocabulary is exactly 10,000 words, <unk> and <eos>
// among them, and its splits hold 929,589 / 73,760 / 82,430 tokens.
//
// In validation and test, a word the vocabulary lacks is an error for the
// verified PTB files (it cannot happen with the right files); for other
// corpora it maps to <unk> if the vocabulary has <unk>, and is an error
// otherwise.
package ptb

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"
)

// Special words.
const (
	// EOS ends every line.
	EOS = "<eos>"
	// Unk stands for rare words in PTB, and for unknown words in the
	// validation and test splits of other corpora that have it.
	Unk = "<unk>"
)

// The PTB file names, which are also the names looked for in any corpus
// directory.
const (
	TrainFile = "ptb.train.txt"
	ValidFile = "ptb.valid.txt"
	TestFile  = "ptb.test.txt"
)

// fileSpec is a file of the corpus and, for verification, its SHA-256 (lower
// case hex) and size in bytes.
type fileSpec struct {
	name   string
	sha256 string
	size   int64
}

// ptbFiles are Mikolov's PTB files as DESIGN.md records them, in the order
// train, valid, test.
var ptbFiles = []fileSpec{
	{TrainFile, "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf", 5_101_618},
	{ValidFile, "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2", 399_782},
	{TestFile, "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0", 449_945},
}

// ErrChecksum is wrapped by the error Load and Download return when a file's
// SHA-256 is not the expected one.
var ErrChecksum = errors.New("SHA-256 mismatch")

// Corpus is a loaded corpus: its vocabulary and its three splits as token-id
// streams.
type Corpus struct {
	// Dir is the directory the corpus was loaded from ("" for Parse).
	Dir string
	// Verified is true if the files were checked against PTB's SHA-256s.
	Verified bool
	// Vocab is built from the training split.
	Vocab *Vocab
	// Train, Valid and Test are the splits' word ids, one <eos> per line.
	Train, Valid, Test []int32
}

// LoadOptions configure LoadWith.
type LoadOptions struct {
	// Verify checks the three files against the SHA-256s of Mikolov's PTB
	// files. Turn it off to load another corpus in the same format.
	Verify bool
}

// Load loads the PTB files ptb.train.txt, ptb.valid.txt and ptb.test.txt
// from dir and checks their SHA-256s. An error names the file that is
// missing or wrong and says what to do about it.
func Load(dir string) (*Corpus, error) {
	return LoadWith(dir, LoadOptions{Verify: true})
}

// LoadUnverified loads a corpus in PTB's format from dir without checking
// checksums. For each split it reads ptb.SPLIT.txt, or SPLIT.txt if that is
// absent (as the PyTorch example names its files), for SPLIT in train, valid,
// test.
func LoadUnverified(dir string) (*Corpus, error) {
	return LoadWith(dir, LoadOptions{Verify: false})
}

// LoadWith loads a corpus from dir as Load (opts.Verify) or LoadUnverified
// (!opts.Verify) do.
func LoadWith(dir string, opts LoadOptions) (*Corpus, error) {
	if opts.Verify {
		return load(dir, ptbFiles)
	}
	return load(dir, nil)
}

// load reads the corpus in dir, verifying the files against specs unless
// specs is nil.
func load(dir string, specs []fileSpec) (*Corpus, error) {
	var contents [3][]byte
	var names [3]string
	for i, split := range [3]string{"train", "valid", "test"} {
		var err error
		if specs != nil {
			names[i] = specs[i].name
			contents[i], err = readVerified(dir, specs[i])
		} else {
			names[i], contents[i], err = readSplit(dir, split)
		}
		if err != nil {
			return nil, err
		}
	}
	c, err := parse(names, contents, specs != nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	c.Dir, c.Verified = dir, specs != nil
	return c, nil
}

// readVerified reads the file of spec from dir and checks its checksum.
func readVerified(dir string, spec fileSpec) ([]byte, error) {
	path := filepath.Join(dir, spec.name)
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("PTB file %s is missing (%w). Put Mikolov's %s, %s and %s (from %s) in %s, "+
				"or leave out -data to download them; for another corpus pass -no-verify",
				path, err, TrainFile, ValidFile, TestFile, DefaultBaseURL, dir)
		}
		return nil, fmt.Errorf("read PTB file: %w", err)
	}
	if err := verify(b, spec); err != nil {
		return nil, fmt.Errorf("PTB file %s is not the expected file: %w. It is damaged or a different "+
			"version: download it again (from %s), or pass -no-verify to train on a different corpus",
			path, err, DefaultBaseURL)
	}
	return b, nil
}

// verify checks b against spec's checksum and size.
func verify(b []byte, spec fileSpec) error {
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != spec.sha256 {
		return fmt.Errorf("%w: got %s (%d bytes), want %s (%d bytes)", ErrChecksum, got, len(b), spec.sha256, spec.size)
	}
	return nil
}

// readSplit reads split's file from dir: ptb.SPLIT.txt or else SPLIT.txt.
func readSplit(dir, split string) (name string, b []byte, err error) {
	for _, name := range []string{"ptb." + split + ".txt", split + ".txt"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			return name, b, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", nil, fmt.Errorf("read corpus file: %w", err)
		}
	}
	return "", nil, fmt.Errorf("corpus directory %s has no %s split: neither ptb.%s.txt nor %s.txt exists (%w)",
		dir, split, split, split, os.ErrNotExist)
}

// Parse builds a corpus from the contents of its three splits, without
// checksums, as LoadUnverified does; for tests and in-memory corpora.
func Parse(train, valid, test []byte) (*Corpus, error) {
	return parse([3]string{"train", "valid", "test"}, [3][]byte{train, valid, test}, false)
}

// parse tokenises the three splits. In strict mode (verified PTB) an unknown
// word in valid or test is an error even if the vocabulary has <unk>.
func parse(names [3]string, contents [3][]byte, strict bool) (*Corpus, error) {
	c := &Corpus{Vocab: newVocab()}
	var err error
	if c.Train, err = tokenize(names[0], contents[0], c.Vocab, modeBuild); err != nil {
		return nil, err
	}
	mode := modeUnk
	if strict {
		mode = modeStrict
	}
	if c.Valid, err = tokenize(names[1], contents[1], c.Vocab, mode); err != nil {
		return nil, err
	}
	if c.Test, err = tokenize(names[2], contents[2], c.Vocab, mode); err != nil {
		return nil, err
	}
	return c, nil
}

// tokenizeMode says what tokenize does with a word the vocabulary lacks.
type tokenizeMode int

const (
	modeBuild  tokenizeMode = iota // add it (the training split)
	modeUnk                        // map it to <unk>, or fail if there is none
	modeStrict                     // fail
)

// tokenize turns one split into ids.
func tokenize(name string, data []byte, v *Vocab, mode tokenizeMode) ([]int32, error) {
	// About 5.5 bytes per token in PTB; a generous guess saves regrowing.
	ids := make([]int32, 0, len(data)/5+1)
	line := 0
	for len(data) > 0 {
		line++
		var text []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			text, data = data[:i], data[i+1:]
		} else {
			text, data = data, nil
		}
		if !utf8.Valid(text) {
			return nil, fmt.Errorf("%s line %d is not valid UTF-8", name, line)
		}
		for _, w := range bytes.Fields(text) {
			id, ok := v.ids[string(w)] // no allocation: the compiler sees the map index
			if !ok {
				switch mode {
				case modeBuild:
					id = v.add(string(w))
				case modeStrict:
					return nil, fmt.Errorf("%s line %d: word %q is not in the vocabulary of the training split", name, line, w)
				default:
					var err error
					if id, err = v.lookup(string(w)); err != nil {
						return nil, fmt.Errorf("%s line %d: %w", name, line, err)
					}
				}
			}
			ids = append(ids, id)
		}
		id, ok := v.ids[EOS]
		if !ok {
			id = v.add(EOS) // only while building: every split's first line adds it to train first
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s is empty: every split needs at least one line", name)
	}
	if len(ids) > maxTokens {
		return nil, fmt.Errorf("%s has more than %d tokens", name, maxTokens)
	}
	return ids, nil
}

// maxTokens bounds a split so that positions fit an int32 on every platform.
const maxTokens = 1<<31 - 1
