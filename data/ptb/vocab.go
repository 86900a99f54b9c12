package ptb

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Vocab maps words to ids and back. Ids are dense, 0 … Len()-1.
type Vocab struct {
	words []string
	ids   map[string]int32
}

// NewVocab returns the vocabulary whose word with id i is words[i], for
// example to rebuild the vocabulary saved in a checkpoint. Every word must be
// non-empty valid UTF-8 without white space, and no word may appear twice.
func NewVocab(words []string) (*Vocab, error) {
	v := &Vocab{ids: make(map[string]int32, len(words))}
	for i, w := range words {
		if err := checkWord(w); err != nil {
			return nil, fmt.Errorf("vocabulary word %d: %w", i, err)
		}
		if _, dup := v.ids[w]; dup {
			return nil, fmt.Errorf("vocabulary word %d: %q appears twice", i, w)
		}
		v.add(w)
	}
	return v, nil
}

func checkWord(w string) error {
	switch {
	case w == "":
		return fmt.Errorf("empty word")
	case !utf8.ValidString(w):
		return fmt.Errorf("%q is not valid UTF-8", w)
	case strings.IndexFunc(w, unicode.IsSpace) >= 0:
		return fmt.Errorf("%q contains white space", w)
	}
	return nil
}

func newVocab() *Vocab { return &Vocab{ids: map[string]int32{}} }

// add appends w, which must not be present, and returns its id.
func (v *Vocab) add(w string) int32 {
	id := int32(len(v.words))
	v.words = append(v.words, w)
	v.ids[w] = id
	return id
}

// Len returns the number of words.
func (v *Vocab) Len() int { return len(v.words) }

// Word returns the word with the given id. It panics if id is out of range,
// which is a programming error: ids come from this vocabulary.
func (v *Vocab) Word(id int32) string {
	if id < 0 || int(id) >= len(v.words) {
		panic(fmt.Sprintf("ptb: word id %d out of range [0, %d)", id, len(v.words)))
	}
	return v.words[id]
}

// ID returns the id of word, and false if the vocabulary does not have it.
func (v *Vocab) ID(word string) (int32, bool) {
	id, ok := v.ids[word]
	return id, ok
}

// Words returns a copy of the words in id order; NewVocab(v.Words()) rebuilds
// v.
func (v *Vocab) Words() []string {
	return append([]string(nil), v.words...)
}

// Encode splits text on white space and returns the words' ids (no <eos> is
// added). A word not in the vocabulary maps to <unk> if the vocabulary has
// it, and is an error otherwise.
func (v *Vocab) Encode(text string) ([]int32, error) {
	var ids []int32
	for _, w := range strings.Fields(text) {
		id, err := v.lookup(w)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// lookup returns the id of w, or of <unk> when w is unknown and the
// vocabulary has <unk>.
func (v *Vocab) lookup(w string) (int32, error) {
	if id, ok := v.ids[w]; ok {
		return id, nil
	}
	if id, ok := v.ids[Unk]; ok {
		return id, nil
	}
	return 0, fmt.Errorf("word %q is not in the vocabulary, which has no %s to stand for unknown words", w, Unk)
}
