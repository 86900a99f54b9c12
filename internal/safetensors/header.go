package safetensors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// parseHeader parses the JSON header token by token rather than with
// json.Unmarshal, because Unmarshal silently keeps the last of duplicate keys
// and a duplicate tensor name must be refused.
func parseHeader(header []byte) ([]tensorInfo, map[string]string, error) {
	if header[0] != '{' {
		return nil, nil, damaged("header does not start with '{' (starts with %q)", header[:min(len(header), 16)])
	}
	if !utf8.Valid(header) {
		return nil, nil, damaged("header is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // the '{' checked above
		return nil, nil, badJSON(err)
	}
	var infos []tensorInfo
	meta := map[string]string{}
	seen := map[string]bool{}
	for dec.More() {
		key, err := stringToken(dec, "tensor name")
		if err != nil {
			return nil, nil, err
		}
		if seen[key] {
			if key == metadataKey {
				return nil, nil, damaged("header has two %q entries", metadataKey)
			}
			return nil, nil, damaged("header names tensor %q twice", key)
		}
		seen[key] = true
		if key == metadataKey {
			if meta, err = parseMetadata(dec); err != nil {
				return nil, nil, err
			}
			continue
		}
		ti, err := parseTensorInfo(dec, key)
		if err != nil {
			return nil, nil, err
		}
		infos = append(infos, ti)
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, nil, badJSON(err)
	}
	for i := dec.InputOffset(); i < int64(len(header)); i++ {
		if header[i] != ' ' {
			return nil, nil, damaged("header has %q after its JSON object (only space padding is allowed)",
				header[i:min(int64(len(header)), i+16)])
		}
	}
	return infos, meta, nil
}

func badJSON(err error) error {
	return damaged("header is not valid JSON: %v", err)
}

// stringToken reads the next token and requires a string.
func stringToken(dec *json.Decoder, what string) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", badJSON(err)
	}
	s, ok := tok.(string)
	if !ok {
		return "", damaged("header has %v where a %s (a string) belongs", tokenString(tok), what)
	}
	return s, nil
}

// delim reads the next token and requires the delimiter want.
func delim(dec *json.Decoder, want json.Delim, context string) error {
	tok, err := dec.Token()
	if err != nil {
		return badJSON(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return damaged("%s: expected %q, found %v", context, want, tokenString(tok))
	}
	return nil
}

// tokenString describes a token for an error message.
func tokenString(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return strconv.Quote(t.String())
	case string:
		return "the string " + strconv.Quote(t)
	case json.Number:
		return "the number " + t.String()
	case nil:
		return "null"
	default:
		return fmt.Sprint(t)
	}
}

// parseMetadata parses the "__metadata__" value: an object of strings, or
// null.
func parseMetadata(dec *json.Decoder) (map[string]string, error) {
	meta := map[string]string{}
	tok, err := dec.Token()
	if err != nil {
		return nil, badJSON(err)
	}
	if tok == nil {
		return meta, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, damaged("%q must be an object of strings, found %v", metadataKey, tokenString(tok))
	}
	for dec.More() {
		key, err := stringToken(dec, "metadata key")
		if err != nil {
			return nil, err
		}
		if _, dup := meta[key]; dup {
			return nil, damaged("metadata key %q appears twice", key)
		}
		val, err := stringToken(dec, "metadata value for "+strconv.Quote(key))
		if err != nil {
			return nil, err
		}
		meta[key] = val
	}
	if err := delim(dec, '}', "metadata"); err != nil {
		return nil, err
	}
	return meta, nil
}

// parseTensorInfo parses {"dtype": ..., "shape": [...], "data_offsets": [b, e]}.
// All three keys are required, each once, and no other key is allowed.
func parseTensorInfo(dec *json.Decoder, name string) (tensorInfo, error) {
	ti := tensorInfo{name: name}
	where := fmt.Sprintf("tensor %q", name)
	if err := delim(dec, '{', where); err != nil {
		return ti, err
	}
	var haveDType, haveShape, haveOffsets bool
	for dec.More() {
		key, err := stringToken(dec, where+" field name")
		if err != nil {
			return ti, err
		}
		switch key {
		case "dtype":
			if haveDType {
				return ti, damaged("%s has two dtype fields", where)
			}
			haveDType = true
			if ti.dtype, err = stringToken(dec, where+" dtype"); err != nil {
				return ti, err
			}
			if _, ok := dtypeSizes[ti.dtype]; !ok {
				return ti, damaged("%s has unknown dtype %q", where, ti.dtype)
			}
		case "shape":
			if haveShape {
				return ti, damaged("%s has two shape fields", where)
			}
			haveShape = true
			dims, err := uintArray(dec, where+" shape")
			if err != nil {
				return ti, err
			}
			ti.shape = make([]int, len(dims))
			for i, d := range dims {
				if d > math.MaxInt {
					return ti, damaged("%s has shape dimension %d, too large", where, d)
				}
				ti.shape[i] = int(d)
			}
		case "data_offsets":
			if haveOffsets {
				return ti, damaged("%s has two data_offsets fields", where)
			}
			haveOffsets = true
			offs, err := uintArray(dec, where+" data_offsets")
			if err != nil {
				return ti, err
			}
			if len(offs) != 2 {
				return ti, damaged("%s has %d data_offsets, want 2 ([begin, end])", where, len(offs))
			}
			ti.begin, ti.end = offs[0], offs[1]
		default:
			return ti, damaged("%s has unknown field %q", where, key)
		}
	}
	if err := delim(dec, '}', where); err != nil {
		return ti, err
	}
	switch {
	case !haveDType:
		return ti, damaged("%s has no dtype", where)
	case !haveShape:
		return ti, damaged("%s has no shape", where)
	case !haveOffsets:
		return ti, damaged("%s has no data_offsets", where)
	}
	return ti, nil
}

// uintArray parses a JSON array of non-negative integers.
func uintArray(dec *json.Decoder, what string) ([]uint64, error) {
	if err := delim(dec, '[', what); err != nil {
		return nil, err
	}
	var out []uint64
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, badJSON(err)
		}
		num, ok := tok.(json.Number)
		if !ok {
			return nil, damaged("%s holds %v, want non-negative integers", what, tokenString(tok))
		}
		v, err := strconv.ParseUint(string(num), 10, 64)
		if err != nil {
			return nil, damaged("%s holds %s, want non-negative integers", what, num)
		}
		out = append(out, v)
	}
	if err := delim(dec, ']', what); err != nil {
		return nil, err
	}
	return out, nil
}
