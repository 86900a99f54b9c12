// Package safetensors reads and writes the safetensors format, the file format
// of neuromod's checkpoints, so that a PyTorch user can open them with the
// safetensors package (safetensors.torch.load_file) and call load_state_dict.
//
// The format (https://github.com/huggingface/safetensors) is:
//
//   - 8 bytes: N, the length of the header, a little-endian uint64;
//   - N bytes: a UTF-8 JSON object mapping each tensor name to
//     {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, plus an
//     optional "__metadata__" object whose values are all strings; the header
//     starts with '{' and may be padded at the end with spaces (this writer
//     pads it so that the data section starts at a multiple of 8 bytes);
//   - the data section: the tensors' raw bytes, little-endian, row-major.
//     data_offsets are relative to the start of the data section, and the
//     tensors must cover it exactly, without gaps or overlaps.
//
// Write is deterministic: as the reference writer does, it lays tensors out by
// element size, largest first, then by name, which keeps every tensor aligned
// to its element size (the data section starts at a multiple of 8); the same
// input always gives the same bytes. Reading validates
// everything (header length, JSON syntax, duplicate names, dtypes, shapes
// against offsets, coverage of the data section) and reports a damaged file
// with an error that wraps ErrDamaged and says what is wrong.
package safetensors

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// MaxHeaderLen is the largest header this package reads or writes (100 MB,
// the limit of the reference implementation). A larger length field means a
// damaged file, and refusing it keeps a corrupt length from allocating
// gigabytes.
const MaxHeaderLen = 100_000_000

// metadataKey is the reserved header key for the string-to-string metadata.
const metadataKey = "__metadata__"

// Element types. The names are those of the safetensors specification.
const (
	DTypeF64  = "F64"
	DTypeF32  = "F32"
	DTypeF16  = "F16"
	DTypeBF16 = "BF16"
	DTypeI64  = "I64"
	DTypeI32  = "I32"
	DTypeI16  = "I16"
	DTypeI8   = "I8"
	DTypeU64  = "U64"
	DTypeU32  = "U32"
	DTypeU16  = "U16"
	DTypeU8   = "U8"
	DTypeBool = "BOOL"
	// DTypeF8E5M2 and DTypeF8E4M3 are the 8-bit float formats of the
	// specification.
	DTypeF8E5M2 = "F8_E5M2"
	DTypeF8E4M3 = "F8_E4M3"
)

// dtypeSizes gives the size in bytes of one element of each dtype this package
// accepts. The sub-byte types of newer versions of the specification are not
// accepted: a neuromod checkpoint never holds them.
var dtypeSizes = map[string]int{
	DTypeF64: 8, DTypeF32: 4, DTypeF16: 2, DTypeBF16: 2,
	DTypeI64: 8, DTypeI32: 4, DTypeI16: 2, DTypeI8: 1,
	DTypeU64: 8, DTypeU32: 4, DTypeU16: 2, DTypeU8: 1,
	DTypeBool: 1, DTypeF8E5M2: 1, DTypeF8E4M3: 1,
}

// DTypeSize returns the size in bytes of one element of dtype, and false if
// the dtype is not one this package knows.
func DTypeSize(dtype string) (int, bool) {
	n, ok := dtypeSizes[dtype]
	return n, ok
}

// ErrDamaged is wrapped by every error that reports a malformed file, so
// callers can tell a damaged checkpoint from, say, a missing one with
// errors.Is(err, ErrDamaged).
var ErrDamaged = errors.New("damaged safetensors data")

// DamagedError describes what is wrong with a malformed file.
type DamagedError struct {
	// Path is the file's path, or "" when the data did not come from a file.
	Path string
	// Reason says what is wrong, e.g. "tensor \"a\" has shape [2 3] (24
	// bytes of F32) but data_offsets [0, 20] (20 bytes)".
	Reason string
}

func (e *DamagedError) Error() string {
	if e.Path == "" {
		return "safetensors data is damaged: " + e.Reason
	}
	return fmt.Sprintf("checkpoint %s is damaged: %s", e.Path, e.Reason)
}

// Is reports whether target is ErrDamaged.
func (e *DamagedError) Is(target error) bool { return target == ErrDamaged }

func damaged(format string, args ...any) error {
	return &DamagedError{Reason: fmt.Sprintf(format, args...)}
}

// Tensor is one named array: its dtype, its shape and its raw little-endian,
// row-major bytes. A scalar has an empty shape (one element); a shape with a
// zero dimension has no elements and no bytes.
type Tensor struct {
	DType string
	Shape []int
	Data  []byte
}

// NumElements returns the product of the shape's dimensions (1 for a scalar).
// It panics if the product overflows an int: no tensor that exists can have
// such a shape.
func (t Tensor) NumElements() int {
	n, ok := numElements(t.Shape)
	if !ok {
		panic(fmt.Sprintf("safetensors: shape %v has a negative dimension or too many elements", t.Shape))
	}
	return n
}

// numElements returns the product of shape, and false if a dimension is
// negative or the product (or its size in bytes at 8 bytes per element)
// overflows.
func numElements(shape []int) (int, bool) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d == 0 {
			n = 0
			continue
		}
		if n > math.MaxInt/8/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// check validates a tensor that is about to be written.
func (t Tensor) check(name string) error {
	size, ok := dtypeSizes[t.DType]
	if !ok {
		return fmt.Errorf("safetensors: tensor %q has unknown dtype %q", name, t.DType)
	}
	n, ok := numElements(t.Shape)
	if !ok {
		return fmt.Errorf("safetensors: tensor %q has invalid shape %v", name, t.Shape)
	}
	if len(t.Data) != n*size {
		return fmt.Errorf("safetensors: tensor %q has shape %v of %s (%d bytes) but %d bytes of data",
			name, t.Shape, t.DType, n*size, len(t.Data))
	}
	return nil
}

// mustLen panics unless len == the number of elements of shape; the helpers
// below use it because a mismatch there is a programming error.
func mustLen(fn string, shape []int, n int) {
	want, ok := numElements(shape)
	if !ok || want != n {
		panic(fmt.Sprintf("safetensors.%s: shape %v does not hold %d elements", fn, shape, n))
	}
}

// F32 returns a float32 tensor of the given shape holding a little-endian copy
// of data. It panics if len(data) is not the product of shape.
func F32(shape []int, data []float32) Tensor {
	mustLen("F32", shape, len(data))
	b := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return Tensor{DType: DTypeF32, Shape: slices.Clone(shape), Data: b}
}

// F64 returns a float64 tensor of the given shape holding a copy of data. It
// panics if len(data) is not the product of shape.
func F64(shape []int, data []float64) Tensor {
	mustLen("F64", shape, len(data))
	b := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return Tensor{DType: DTypeF64, Shape: slices.Clone(shape), Data: b}
}

// I64 returns an int64 tensor of the given shape holding a copy of data
// (training state such as step counters, positions and RNG state). It panics
// if len(data) is not the product of shape.
func I64(shape []int, data []int64) Tensor {
	mustLen("I64", shape, len(data))
	b := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(v))
	}
	return Tensor{DType: DTypeI64, Shape: slices.Clone(shape), Data: b}
}

// I32 returns an int32 tensor of the given shape holding a copy of data. It
// panics if len(data) is not the product of shape.
func I32(shape []int, data []int32) Tensor {
	mustLen("I32", shape, len(data))
	b := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
	return Tensor{DType: DTypeI32, Shape: slices.Clone(shape), Data: b}
}

// U8 returns a uint8 tensor of the given shape holding a copy of data (for
// opaque state such as a marshalled RNG). It panics if len(data) is not the
// product of shape.
func U8(shape []int, data []byte) Tensor {
	mustLen("U8", shape, len(data))
	return Tensor{DType: DTypeU8, Shape: slices.Clone(shape), Data: slices.Clone(data)}
}

// decodeCheck checks that t has dtype and that its data length agrees with its
// shape, and returns the number of elements.
func (t Tensor) decodeCheck(dtype string) (int, error) {
	if t.DType != dtype {
		return 0, fmt.Errorf("safetensors: tensor has dtype %s, want %s", t.DType, dtype)
	}
	n, ok := numElements(t.Shape)
	if !ok || n*dtypeSizes[dtype] != len(t.Data) {
		return 0, fmt.Errorf("safetensors: %s tensor of shape %v has %d bytes of data", dtype, t.Shape, len(t.Data))
	}
	return n, nil
}

// Float32s decodes an F32 tensor's data into a new slice.
func (t Tensor) Float32s() ([]float32, error) {
	n, err := t.decodeCheck(DTypeF32)
	if err != nil {
		return nil, err
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
	}
	return out, nil
}

// Float64s decodes an F64 tensor's data into a new slice.
func (t Tensor) Float64s() ([]float64, error) {
	n, err := t.decodeCheck(DTypeF64)
	if err != nil {
		return nil, err
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(t.Data[8*i:]))
	}
	return out, nil
}

// Int64s decodes an I64 tensor's data into a new slice.
func (t Tensor) Int64s() ([]int64, error) {
	n, err := t.decodeCheck(DTypeI64)
	if err != nil {
		return nil, err
	}
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(binary.LittleEndian.Uint64(t.Data[8*i:]))
	}
	return out, nil
}

// Int32s decodes an I32 tensor's data into a new slice.
func (t Tensor) Int32s() ([]int32, error) {
	n, err := t.decodeCheck(DTypeI32)
	if err != nil {
		return nil, err
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(t.Data[4*i:]))
	}
	return out, nil
}

// Uint8s returns a copy of a U8 tensor's data.
func (t Tensor) Uint8s() ([]byte, error) {
	if _, err := t.decodeCheck(DTypeU8); err != nil {
		return nil, err
	}
	return slices.Clone(t.Data), nil
}

// File is the content of a safetensors file.
type File struct {
	// Path is the file the content was read from ("" if not from a file). It
	// names the file in the errors of the lookup methods.
	Path string
	// Tensors maps each name to its tensor. The tensors' Data alias the buffer
	// the file was read into.
	Tensors map[string]Tensor
	// Metadata is the header's "__metadata__" object (empty if absent).
	Metadata map[string]string
}

// Names returns the tensor names in sorted order.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Tensors))
	for name := range f.Tensors {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func (f *File) where() string {
	if f.Path == "" {
		return "safetensors data"
	}
	return "checkpoint " + f.Path
}

// Tensor returns the named tensor, checking its dtype and, unless shape is
// nil, its shape, with errors that name the file, the tensor, and what was
// expected. A loader uses it to check a checkpoint against the model it is
// loading into.
func (f *File) Tensor(name, dtype string, shape []int) (Tensor, error) {
	t, ok := f.Tensors[name]
	if !ok {
		return Tensor{}, fmt.Errorf("%s has no tensor %q", f.where(), name)
	}
	if t.DType != dtype {
		return Tensor{}, fmt.Errorf("%s: tensor %q has dtype %s, want %s", f.where(), name, t.DType, dtype)
	}
	if shape != nil && !slices.Equal(t.Shape, shape) {
		return Tensor{}, fmt.Errorf("%s: tensor %q has shape %v, want %v", f.where(), name, t.Shape, shape)
	}
	return t, nil
}

// Float32s returns the named F32 tensor's values, checking its shape unless
// shape is nil.
func (f *File) Float32s(name string, shape []int) ([]float32, error) {
	t, err := f.Tensor(name, DTypeF32, shape)
	if err != nil {
		return nil, err
	}
	return t.Float32s()
}

// Int64s returns the named I64 tensor's values, checking its shape unless
// shape is nil.
func (f *File) Int64s(name string, shape []int) ([]int64, error) {
	t, err := f.Tensor(name, DTypeI64, shape)
	if err != nil {
		return nil, err
	}
	return t.Int64s()
}

// Write writes tensors and metadata in the safetensors format to w. Tensors
// are laid out by element size, largest first, then by name, and the header
// is padded with spaces to a multiple of 8 bytes, so every tensor is aligned
// to its element size and the output is a function of the input alone. Metadata may be nil; if it is empty no "__metadata__" key is
// written. A tensor whose data length does not match its shape and dtype, an
// empty name, or the reserved name "__metadata__" is an error and nothing is
// written.
func Write(w io.Writer, tensors map[string]Tensor, metadata map[string]string) error {
	header, names, err := encodeHeader(tensors, metadata)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var lenField [8]byte
	binary.LittleEndian.PutUint64(lenField[:], uint64(len(header)))
	bw.Write(lenField[:])
	bw.Write(header)
	for _, name := range names {
		bw.Write(tensors[name].Data)
	}
	return bw.Flush() // bufio.Writer keeps the first error; Flush reports it
}

// encodeHeader builds the padded JSON header and returns it with the tensor
// names in data-section order.
func encodeHeader(tensors map[string]Tensor, metadata map[string]string) ([]byte, []string, error) {
	names := make([]string, 0, len(tensors))
	for name, t := range tensors {
		if name == "" || name == metadataKey {
			return nil, nil, fmt.Errorf("safetensors: invalid tensor name %q", name)
		}
		if err := t.check(name); err != nil {
			return nil, nil, err
		}
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		if sa, sb := dtypeSizes[tensors[a].DType], dtypeSizes[tensors[b].DType]; sa != sb {
			return sb - sa
		}
		return strings.Compare(a, b)
	})

	var h bytes.Buffer
	h.WriteByte('{')
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		h.WriteString(`"__metadata__":{`)
		for i, k := range keys {
			if i > 0 {
				h.WriteByte(',')
			}
			writeJSONString(&h, k)
			h.WriteByte(':')
			writeJSONString(&h, metadata[k])
		}
		h.WriteByte('}')
	}
	var off uint64
	for i, name := range names {
		t := tensors[name]
		if i > 0 || len(metadata) > 0 {
			h.WriteByte(',')
		}
		writeJSONString(&h, name)
		h.WriteString(`:{"dtype":`)
		writeJSONString(&h, t.DType)
		h.WriteString(`,"shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				h.WriteByte(',')
			}
			h.WriteString(strconv.Itoa(d))
		}
		end := off + uint64(len(t.Data))
		fmt.Fprintf(&h, `],"data_offsets":[%d,%d]}`, off, end)
		off = end
	}
	h.WriteByte('}')
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	if h.Len() > MaxHeaderLen {
		return nil, nil, fmt.Errorf("safetensors: header of %d bytes exceeds the limit of %d", h.Len(), MaxHeaderLen)
	}
	return h.Bytes(), names, nil
}

// writeJSONString writes s as a JSON string. Unlike encoding/json it does not
// escape <, > and &, which keeps names such as "<eos>" readable in the header;
// invalid UTF-8 is replaced by U+FFFD as encoding/json does.
func writeJSONString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == '\u2028' || r == '\u2029':
			b.WriteString(`\u`)
			b.WriteByte(hex[r>>12&0xF])
			b.WriteByte(hex[r>>8&0xF])
			b.WriteByte(hex[r>>4&0xF])
			b.WriteByte(hex[r&0xF])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// WriteFile writes tensors and metadata to path atomically: it writes a
// temporary file in the same directory, syncs it to disk and renames it over
// path, so a crash or a full disk leaves either the old file or the new one,
// never a torn one. The file gets mode 0644.
func WriteFile(path string, tensors map[string]Tensor, metadata map[string]string) (err error) {
	// Validate before creating anything, so a bad tensor leaves no litter.
	if _, _, err := encodeHeader(tensors, metadata); err != nil {
		return fmt.Errorf("write checkpoint %s: %w", path, err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write checkpoint %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("write checkpoint %s: %w", path, err)
		}
	}()
	if err = Write(tmp, tensors, metadata); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable. Not every platform can sync a
	// directory, and the data is safe either way, so a failure is ignored.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// ReadFile reads and validates the safetensors file at path. A malformed file
// gives a *DamagedError ("checkpoint PATH is damaged: ...") that wraps
// ErrDamaged; a file that cannot be read gives the underlying error, wrapped.
func ReadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	f, err := Parse(b)
	if err != nil {
		var de *DamagedError
		if errors.As(err, &de) {
			de.Path = path
		}
		return nil, err
	}
	f.Path = path
	return f, nil
}

// Read reads all of r and parses it with Parse.
func Read(r io.Reader) (*File, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read safetensors data: %w", err)
	}
	return Parse(b)
}

// Parse parses and validates a complete safetensors file held in b. The
// returned tensors' Data alias b. Every malformation gives a *DamagedError.
func Parse(b []byte) (*File, error) {
	if len(b) < 8 {
		return nil, damaged("it is %d bytes long, shorter than the 8-byte header length field (truncated?)", len(b))
	}
	n := binary.LittleEndian.Uint64(b[:8])
	rest := uint64(len(b) - 8)
	switch {
	case n > MaxHeaderLen:
		return nil, damaged("header length field is %d, more than the limit of %d bytes", n, MaxHeaderLen)
	case n > rest:
		return nil, damaged("header length field is %d but only %d bytes follow it (truncated?)", n, rest)
	case n < 2:
		return nil, damaged("header length field is %d, too short for a JSON object", n)
	}
	header, data := b[8:8+n], b[8+n:]
	infos, meta, err := parseHeader(header)
	if err != nil {
		return nil, err
	}
	f := &File{Tensors: make(map[string]Tensor, len(infos)), Metadata: meta}
	if err := checkLayout(infos, uint64(len(data))); err != nil {
		return nil, err
	}
	for _, ti := range infos {
		f.Tensors[ti.name] = Tensor{DType: ti.dtype, Shape: ti.shape, Data: data[ti.begin:ti.end:ti.end]}
	}
	return f, nil
}

// tensorInfo is one tensor's entry in the header.
type tensorInfo struct {
	name       string
	dtype      string
	shape      []int
	begin, end uint64
}

// checkLayout checks each tensor's byte length against its shape and dtype,
// and that the tensors tile the data section exactly.
func checkLayout(infos []tensorInfo, dataLen uint64) error {
	for _, ti := range infos {
		if ti.begin > ti.end {
			return damaged("tensor %q has data_offsets [%d, %d]: begin after end", ti.name, ti.begin, ti.end)
		}
		if ti.end > dataLen {
			return damaged("tensor %q has data_offsets [%d, %d] past the end of the %d-byte data section (truncated?)",
				ti.name, ti.begin, ti.end, dataLen)
		}
		elems, ok := numElements(ti.shape)
		if !ok {
			return damaged("tensor %q has shape %v: too many elements", ti.name, ti.shape)
		}
		want := uint64(elems) * uint64(dtypeSizes[ti.dtype])
		if got := ti.end - ti.begin; got != want {
			return damaged("tensor %q has shape %v of %s (%d bytes) but data_offsets [%d, %d] (%d bytes)",
				ti.name, ti.shape, ti.dtype, want, ti.begin, ti.end, got)
		}
	}
	sorted := slices.Clone(infos)
	slices.SortStableFunc(sorted, func(a, b tensorInfo) int {
		if a.begin != b.begin {
			if a.begin < b.begin {
				return -1
			}
			return 1
		}
		// Empty tensors first at a shared offset, so they do not count as
		// overlapping the tensor that starts there.
		if a.end != b.end {
			if a.end < b.end {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	var pos uint64
	prev := ""
	for _, ti := range sorted {
		switch {
		case ti.begin < pos:
			return damaged("tensor %q at data_offsets [%d, %d] overlaps tensor %q, which ends at %d",
				ti.name, ti.begin, ti.end, prev, pos)
		case ti.begin > pos:
			return damaged("bytes [%d, %d) of the data section belong to no tensor (a gap before tensor %q)",
				pos, ti.begin, ti.name)
		}
		pos, prev = ti.end, ti.name
	}
	if pos != dataLen {
		return damaged("the data section is %d bytes but the tensors cover only %d (%d trailing bytes)",
			dataLen, pos, dataLen-pos)
	}
	return nil
}
