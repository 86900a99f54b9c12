package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// knownHeader is a header written by hand from the specification: metadata
// first, then the tensors in data order (8-byte I64 before 4-byte F32, as the
// reference writer orders by element size), compact JSON, padded with 6
// spaces from 138 to 144 bytes (a multiple of 8).
const knownHeader = `{"__metadata__":{"format":"pt"},` +
	`"b":{"dtype":"I64","shape":[],"data_offsets":[0,8]},` +
	`"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}` + "      "

// knownFile returns the bytes of a tiny file built by hand: the scalar b = -3
// as I64, then a = [1, -2] as F32.
func knownFile() []byte {
	var b []byte
	b = append(b, 0x90, 0, 0, 0, 0, 0, 0, 0) // header length 144, little-endian
	b = append(b, knownHeader...)
	b = append(b, 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff) // int64 -3
	b = append(b, 0x00, 0x00, 0x80, 0x3f)                         // float32 1.0
	b = append(b, 0x00, 0x00, 0x00, 0xc0)                         // float32 -2.0
	return b
}

func knownTensors() map[string]Tensor {
	return map[string]Tensor{
		"a": F32([]int{2}, []float32{1, -2}),
		"b": I64([]int{}, []int64{-3}),
	}
}

func TestKnownVectorWrite(t *testing.T) {
	require.Len(t, knownHeader, 144)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, knownTensors(), map[string]string{"format": "pt"}))
	assert.Equal(t, knownFile(), buf.Bytes())
}

func TestKnownVectorRead(t *testing.T) {
	f, err := Parse(knownFile())
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"format": "pt"}, f.Metadata)
	assert.Equal(t, []string{"a", "b"}, f.Names())

	a, err := f.Float32s("a", []int{2})
	require.NoError(t, err)
	assert.Equal(t, []float32{1, -2}, a)
	b, err := f.Int64s("b", []int{})
	require.NoError(t, err)
	assert.Equal(t, []int64{-3}, b)
	assert.Equal(t, 1, f.Tensors["b"].NumElements())
}

// TestWriteDeterministic writes the same map many times (Go randomises map
// iteration order) and requires identical bytes.
func TestWriteDeterministic(t *testing.T) {
	tensors := map[string]Tensor{}
	meta := map[string]string{}
	for i := range 20 {
		name := string(rune('a'+i)) + ".weight"
		tensors[name] = F32([]int{i + 1}, make([]float32, i+1))
		meta[name] = strings.Repeat("x", i)
	}
	var first bytes.Buffer
	require.NoError(t, Write(&first, tensors, meta))
	for range 20 {
		var again bytes.Buffer
		require.NoError(t, Write(&again, tensors, meta))
		require.Equal(t, first.Bytes(), again.Bytes())
	}
}

func TestRoundTrip(t *testing.T) {
	tensors := map[string]Tensor{
		"encoder.weight":    F32([]int{3, 4}, []float32{0, 1, -1, 0.5, float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32, math.SmallestNonzeroFloat32, float32(math.Copysign(0, -1)), 3, 4, 5}),
		"rnn.weight_ih_l0":  F32([]int{2, 1, 3}, []float32{1, 2, 3, 4, 5, 6}),
		"empty":             F32([]int{0, 7}, nil),
		"also.empty":        I32([]int{0}, nil),
		"state.step":        I64([]int{}, []int64{math.MinInt64}),
		"state.positions":   I32([]int{3}, []int32{-1, 0, math.MaxInt32}),
		"state.rng":         U8([]int{5}, []byte{1, 2, 3, 4, 5}),
		"state.loss_sum":    F64([]int{2}, []float64{math.Pi, -1e300}),
		`odd "name" <eos>`:  F32([]int{1}, []float32{7}),
		"unicode.ñame.\x01": F32([]int{1}, []float32{8}),
	}
	meta := map[string]string{"format": "pt", "config": `{"layers": 2, "vocab": ["<eos>", "a\"b"]}`, "nl": "a\nb\tc"}
	path := filepath.Join(t.TempDir(), "model.safetensors")
	require.NoError(t, WriteFile(path, tensors, meta))

	f, err := ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, path, f.Path)
	assert.Equal(t, meta, f.Metadata)
	require.Len(t, f.Tensors, len(tensors))
	for name, want := range tensors {
		got, ok := f.Tensors[name]
		require.True(t, ok, name)
		assert.Equal(t, want.DType, got.DType, name)
		assert.Equal(t, want.Shape, got.Shape, name)
		assert.Equal(t, len(want.Data), len(got.Data), name)
		if len(want.Data) > 0 {
			assert.Equal(t, want.Data, got.Data, name)
		}
	}
	w, err := f.Float32s("encoder.weight", []int{3, 4})
	require.NoError(t, err)
	assert.Equal(t, float32(math.Inf(-1)), w[5])
	assert.True(t, math.Signbit(float64(w[8])), "-0 keeps its sign")
	pos, err := f.Tensors["state.positions"].Int32s()
	require.NoError(t, err)
	assert.Equal(t, []int32{-1, 0, math.MaxInt32}, pos)
	rng, err := f.Tensors["state.rng"].Uint8s()
	require.NoError(t, err)
	assert.Equal(t, []byte{1, 2, 3, 4, 5}, rng)
	ls, err := f.Tensors["state.loss_sum"].Float64s()
	require.NoError(t, err)
	assert.Equal(t, []float64{math.Pi, -1e300}, ls)

	// The data section starts at a multiple of 8 bytes, and every tensor
	// starts at a multiple of its element size.
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	n := binary.LittleEndian.Uint64(raw)
	assert.Zero(t, n%8)
	var header map[string]struct {
		DType       string   `json:"dtype"`
		DataOffsets []uint64 `json:"data_offsets"`
	}
	require.NoError(t, json.Unmarshal(raw[8:8+n], &header))
	delete(header, "__metadata__")
	require.Len(t, header, len(tensors))
	for name, info := range header {
		size, _ := DTypeSize(info.DType)
		assert.Zero(t, (8+n+info.DataOffsets[0])%uint64(size), "tensor %q is aligned", name)
	}

	// WriteFile leaves no temporary file behind.
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "model.safetensors", entries[0].Name())
}

func TestEmptyFile(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, nil, nil))
	assert.Equal(t, append([]byte{8, 0, 0, 0, 0, 0, 0, 0}, "{}      "...), buf.Bytes())
	f, err := Parse(buf.Bytes())
	require.NoError(t, err)
	assert.Empty(t, f.Tensors)
	assert.Empty(t, f.Metadata)
}

func TestWriteFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	require.NoError(t, WriteFile(path, map[string]Tensor{"x": F32([]int{1}, []float32{1})}, nil))
	require.NoError(t, WriteFile(path, map[string]Tensor{"x": F32([]int{1}, []float32{2})}, nil))
	f, err := ReadFile(path)
	require.NoError(t, err)
	x, err := f.Float32s("x", []int{1})
	require.NoError(t, err)
	assert.Equal(t, []float32{2}, x)

	// A bad tensor is refused before anything is written: the old file stays.
	err = WriteFile(path, map[string]Tensor{"x": {DType: DTypeF32, Shape: []int{2}, Data: make([]byte, 4)}}, nil)
	require.ErrorContains(t, err, `tensor "x" has shape [2] of F32 (8 bytes) but 4 bytes of data`)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	f, err = ReadFile(path)
	require.NoError(t, err)
	x, err = f.Float32s("x", []int{1})
	require.NoError(t, err)
	assert.Equal(t, []float32{2}, x)

	// An unwritable destination is an error and leaves no temporary file.
	err = WriteFile(filepath.Join(dir, "no-such-dir", "c.safetensors"), map[string]Tensor{}, nil)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrDamaged)
}

func TestWriteRejects(t *testing.T) {
	for name, tensors := range map[string]map[string]Tensor{
		`invalid tensor name ""`:               {"": F32([]int{1}, []float32{1})},
		`invalid tensor name "__metadata__"`:   {"__metadata__": F32([]int{1}, []float32{1})},
		`unknown dtype "F17"`:                  {"x": {DType: "F17", Shape: []int{1}, Data: make([]byte, 4)}},
		`invalid shape [-1]`:                   {"x": {DType: DTypeF32, Shape: []int{-1}}},
		`has shape [] of I64 (8 bytes) but 7`:  {"x": {DType: DTypeI64, Shape: []int{}, Data: make([]byte, 7)}},
		`shape [3] of U8 (3 bytes) but 0 byte`: {"x": {DType: DTypeU8, Shape: []int{3}}},
	} {
		err := Write(&bytes.Buffer{}, tensors, nil)
		assert.ErrorContains(t, err, name)
	}
	assert.PanicsWithValue(t, "safetensors.F32: shape [2 2] does not hold 3 elements", func() {
		F32([]int{2, 2}, []float32{1, 2, 3})
	})
}

func TestLookupErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	require.NoError(t, WriteFile(path, knownTensors(), nil))
	f, err := ReadFile(path)
	require.NoError(t, err)

	_, err = f.Float32s("decoder.bias", nil)
	assert.EqualError(t, err, "checkpoint "+path+` has no tensor "decoder.bias"`)
	_, err = f.Float32s("a", []int{3})
	assert.EqualError(t, err, "checkpoint "+path+`: tensor "a" has shape [2], want [3]`)
	_, err = f.Float32s("b", nil)
	assert.EqualError(t, err, "checkpoint "+path+`: tensor "b" has dtype I64, want F32`)
	_, err = f.Tensors["a"].Int64s()
	assert.EqualError(t, err, "safetensors: tensor has dtype F32, want I64")
	_, err = Tensor{DType: DTypeF32, Shape: []int{2}, Data: make([]byte, 5)}.Float32s()
	assert.EqualError(t, err, "safetensors: F32 tensor of shape [2] has 5 bytes of data")
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadFile(filepath.Join(t.TempDir(), "nope.safetensors"))
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.NotErrorIs(t, err, ErrDamaged)
}

// withHeader builds a file from a header string (padded to a multiple of 8)
// and a data section.
func withHeader(header string, data []byte) []byte {
	for len(header)%8 != 0 {
		header += " "
	}
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

func TestCorruption(t *testing.T) {
	good := knownFile()
	setLen := func(n uint64) []byte {
		b := bytes.Clone(good)
		binary.LittleEndian.PutUint64(b, n)
		return b
	}
	flip := func(at int, v byte) []byte {
		b := bytes.Clone(good)
		b[at] = v
		return b
	}
	one := func(info string) string { return `{"x":` + info + `}` }
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "it is 0 bytes long, shorter than the 8-byte header length field"},
		{"truncated length", good[:5], "it is 5 bytes long"},
		{"truncated header", good[:100], "header length field is 144 but only 92 bytes follow it (truncated?)"},
		{"truncated data", good[:len(good)-1], `tensor "a" has data_offsets [8, 16] past the end of the 15-byte data section (truncated?)`},
		{"truncated mid tensor", good[:8+144+6], `tensor "b" has data_offsets [0, 8] past the end of the 6-byte data section`},
		{"huge header length", setLen(1 << 40), "header length field is 1099511627776, more than the limit of 100000000 bytes"},
		{"max uint64 header length", setLen(math.MaxUint64), "more than the limit"},
		{"header length past end", setLen(200), "header length field is 200 but only 160 bytes follow it"},
		{"header length too short", setLen(1), "header length field is 1, too short"},
		{"header length cuts JSON", setLen(100), "header is not valid JSON"},
		{"header length shifted", setLen(152), "header is not valid UTF-8"},
		{"header length shifted into ASCII", withHeader(`{}`+"      "+`xy`, nil), `header has "xy      " after its JSON object (only space padding is allowed)`},
		{"not an object", withHeader(`[1,2]`, nil), `header does not start with '{'`},
		{"leading space", withHeader(` {}`, nil), `header does not start with '{'`},
		{"bad JSON", flip(8+15, '!'), "header is not valid JSON"},
		{"unterminated", withHeader(`{"a":{"dtype":"F32"`, nil), "header is not valid JSON"},
		{"garbage after object", withHeader(`{} x`, nil), `header has "x    " after its JSON object`},
		{"tab padding", withHeader("{}\t", nil), `header has "\t     " after its JSON object`},
		{"invalid UTF-8", withHeader("{\"\xff\":1}", nil), "header is not valid UTF-8"},
		{"duplicate tensor", withHeader(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, []byte{1, 2}), `header names tensor "a" twice`},
		{"duplicate metadata", withHeader(`{"__metadata__":{},"__metadata__":{}}`, nil), `header has two "__metadata__" entries`},
		{"duplicate metadata key", withHeader(`{"__metadata__":{"k":"1","k":"2"}}`, nil), `metadata key "k" appears twice`},
		{"metadata not strings", withHeader(`{"__metadata__":{"k":1}}`, nil), `header has the number 1 where a metadata value for "k" (a string) belongs`},
		{"metadata not object", withHeader(`{"__metadata__":"x"}`, nil), `"__metadata__" must be an object of strings, found the string "x"`},
		{"tensor not object", withHeader(one(`[1]`), nil), `tensor "x": expected "{", found "["`},
		{"unknown dtype", withHeader(one(`{"dtype":"F33","shape":[1],"data_offsets":[0,4]}`), make([]byte, 4)), `tensor "x" has unknown dtype "F33"`},
		{"dtype not string", withHeader(one(`{"dtype":4,"shape":[1],"data_offsets":[0,4]}`), make([]byte, 4)), `header has the number 4 where a tensor "x" dtype (a string) belongs`},
		{"missing dtype", withHeader(one(`{"shape":[1],"data_offsets":[0,4]}`), make([]byte, 4)), `tensor "x" has no dtype`},
		{"missing shape", withHeader(one(`{"dtype":"F32","data_offsets":[0,4]}`), make([]byte, 4)), `tensor "x" has no shape`},
		{"missing offsets", withHeader(one(`{"dtype":"F32","shape":[1]}`), make([]byte, 4)), `tensor "x" has no data_offsets`},
		{"unknown field", withHeader(one(`{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}`), make([]byte, 4)), `tensor "x" has unknown field "x"`},
		{"two dtypes", withHeader(one(`{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}`), make([]byte, 4)), `tensor "x" has two dtype fields`},
		{"negative dim", withHeader(one(`{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}`), make([]byte, 4)), `tensor "x" shape holds -1, want non-negative integers`},
		{"fractional dim", withHeader(one(`{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}`), make([]byte, 4)), `shape holds 1.5`},
		{"string dim", withHeader(one(`{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}`), make([]byte, 4)), `shape holds the string "1"`},
		{"shape not array", withHeader(one(`{"dtype":"F32","shape":1,"data_offsets":[0,4]}`), make([]byte, 4)), `tensor "x" shape: expected "[", found the number 1`},
		{"one offset", withHeader(one(`{"dtype":"F32","shape":[1],"data_offsets":[4]}`), make([]byte, 4)), `tensor "x" has 1 data_offsets, want 2`},
		{"offsets reversed", withHeader(one(`{"dtype":"F32","shape":[0],"data_offsets":[4,0]}`), make([]byte, 4)), `data_offsets [4, 0]: begin after end`},
		{"huge shape", withHeader(one(`{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}`), make([]byte, 4)), `shape [4294967296 4294967296]: too many elements`},
		{"wrong shape", withHeader(one(`{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}`), make([]byte, 20)), `tensor "x" has shape [2 3] of F32 (24 bytes) but data_offsets [0, 20] (20 bytes)`},
		{"wrong dtype size", withHeader(one(`{"dtype":"F64","shape":[1],"data_offsets":[0,4]}`), make([]byte, 4)), `shape [1] of F64 (8 bytes) but data_offsets [0, 4] (4 bytes)`},
		{"offset overlap", withHeader(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, make([]byte, 12)), `tensor "b" at data_offsets [4, 12] overlaps tensor "a", which ends at 8`},
		{"same offsets", withHeader(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), `overlaps tensor "a", which ends at 4`},
		{"gap", withHeader(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, make([]byte, 12)), `bytes [4, 8) of the data section belong to no tensor (a gap before tensor "b")`},
		{"gap at start", withHeader(one(`{"dtype":"F32","shape":[1],"data_offsets":[4,8]}`), make([]byte, 8)), `bytes [0, 4) of the data section belong to no tensor`},
		{"trailing bytes", append(bytes.Clone(good), 0), "the data section is 17 bytes but the tensors cover only 16 (1 trailing bytes)"},
		{"data without tensors", withHeader(`{}`, []byte{1}), "the data section is 1 bytes but the tensors cover only 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.data)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrDamaged)
			assert.Contains(t, err.Error(), c.want)
			assert.True(t, strings.HasPrefix(err.Error(), "safetensors data is damaged: "), err.Error())

			// Through ReadFile the error names the file.
			path := filepath.Join(t.TempDir(), "bad.safetensors")
			require.NoError(t, os.WriteFile(path, c.data, 0o644))
			_, err = ReadFile(path)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrDamaged)
			var de *DamagedError
			require.True(t, errors.As(err, &de))
			assert.Equal(t, path, de.Path)
			assert.True(t, strings.HasPrefix(err.Error(), "checkpoint "+path+" is damaged: "), err.Error())

			// And through Read.
			_, err = Read(bytes.NewReader(c.data))
			assert.ErrorIs(t, err, ErrDamaged)
		})
	}
}

// TestAcceptsSpecVariants checks inputs that the specification allows but
// this writer does not produce: keys in any order, whitespace inside the JSON,
// tensors laid out in an order other than their names', null metadata, and
// empty tensors sharing an offset.
func TestAcceptsSpecVariants(t *testing.T) {
	h := `{ "b" : {"data_offsets": [0, 4], "shape": [1], "dtype": "F32"},
	 "__metadata__": null, "a": {"dtype": "U8", "shape": [2], "data_offsets": [4, 6]},
	 "e1": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]},
	 "e2": {"dtype": "F32", "shape": [3, 0], "data_offsets": [4, 4]} }`
	f, err := Parse(withHeader(h, []byte{0, 0, 0x80, 0x3f, 7, 8}))
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "e1", "e2"}, f.Names())
	b, err := f.Float32s("b", []int{1})
	require.NoError(t, err)
	assert.Equal(t, []float32{1}, b)
	assert.Equal(t, []byte{7, 8}, f.Tensors["a"].Data)
	assert.Empty(t, f.Metadata)
}

// FuzzRead checks that Parse never panics and that whatever it accepts
// survives a Write/Parse round trip unchanged.
func FuzzRead(f *testing.F) {
	f.Add(knownFile())
	f.Add(withHeader(`{}`, nil))
	f.Add(withHeader(`{"__metadata__":{"a":"b"},"x":{"dtype":"U8","shape":[2,1],"data_offsets":[0,2]}}`, []byte{1, 2}))
	f.Add(withHeader(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, make([]byte, 12)))
	f.Add(withHeader(`{"e":{"dtype":"BOOL","shape":[0],"data_offsets":[0,0]}}`, nil))
	var buf bytes.Buffer
	if err := Write(&buf, map[string]Tensor{"w": F32([]int{2, 2}, []float32{1, 2, 3, 4}), "s": I64(nil, []int64{5})}, map[string]string{"k": "v"}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("error does not wrap ErrDamaged: %v", err)
			}
			return
		}
		var out bytes.Buffer
		if err := Write(&out, file.Tensors, file.Metadata); err != nil {
			t.Fatalf("accepted file does not write back: %v", err)
		}
		again, err := Parse(out.Bytes())
		if err != nil {
			t.Fatalf("rewritten file does not parse: %v", err)
		}
		if len(again.Tensors) != len(file.Tensors) || len(again.Metadata) != len(file.Metadata) {
			t.Fatalf("round trip changed the content")
		}
		for k, v := range file.Metadata {
			if again.Metadata[k] != v {
				t.Fatalf("metadata %q changed: %q → %q", k, v, again.Metadata[k])
			}
		}
		for name, want := range file.Tensors {
			got := again.Tensors[name]
			if got.DType != want.DType || !equalInts(got.Shape, want.Shape) || !bytes.Equal(got.Data, want.Data) {
				t.Fatalf("tensor %q changed in the round trip", name)
			}
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
