package runlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/neuromod-go/neuromod/internal/config"
)

var t0 = time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC)

func TestWriterOneLinePerEventAndOmitsUnusedFields(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.SetClock(func() time.Time { return t0 })
	cfg := config.Default()
	require.NoError(t, w.Write(Event{Type: TypeStart, Version: Version, Command: "train", ISA: "avx512",
		Threads: 2, GOMAXPROCS: 2, Params: 4653200, Config: &cfg}))
	require.NoError(t, w.Write(Event{Type: TypeBatch, Epoch: 1, Batch: 3, Batches: 2323, Loss: 6.5,
		Tokens: 400, Sec: 0.04, LR: 1}))
	require.NoError(t, w.Write(Event{Type: TypeEnd, Status: StatusOK, Sec: 12.5,
		Time: t0.Add(time.Second)}))

	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 3)
	assert.Equal(t, `{"type":"batch","time":"2026-11-27T23:00:00Z","epoch":1,"batch":3,"batches":2323,`+
		`"loss":6.5,"tokens":400,"sec":0.04,"lr":1}`, lines[1])
	assert.Equal(t, `{"type":"end","time":"2026-11-27T23:00:01Z","sec":12.5,"status":"ok"}`, lines[2],
		"an explicit Time is kept")
	for _, l := range lines {
		assert.True(t, json.Valid([]byte(l)), l)
	}
	assert.Contains(t, lines[0], `"config":{"model":"lstm"`)
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.jsonl")
	w, err := Create(path)
	require.NoError(t, err)
	cfg := config.Presets["zaremba-medium"]
	want := []Event{
		{Type: TypeStart, Time: t0, Version: Version, Command: "train", ISA: "generic", Threads: 1,
			GOMAXPROCS: 1, Params: 19775200, Config: &cfg},
		{Type: TypeBatch, Time: t0, Epoch: 1, Batch: 1, Batches: 10, Loss: 9.2, Tokens: 700, Sec: 0.5, LR: 1, GradNorm: 3.5},
		{Type: TypeEpoch, Time: t0, Epoch: 1, Loss: 6, PPL: math.Exp(6), Tokens: 7000, Sec: 5, LR: 1},
		{Type: TypeEval, Time: t0, Epoch: 1, Split: "valid", Loss: 5, PPL: math.Exp(5), Tokens: 100, Sec: 0.1,
			TokPerS: 1000, EvalBatch: 20, BPTT: 35},
		{Type: TypeCheckpoint, Time: t0, Epoch: 1, Path: "lstm.safetensors", Reason: "epoch"},
		{Type: TypeMessage, Time: t0, Msg: "hello"},
		{Type: TypeEnd, Time: t0, Status: StatusError, Error: "boom", Sec: 6},
	}
	for _, ev := range want {
		require.NoError(t, w.Write(ev))
	}
	require.NoError(t, w.Close())

	// A second writer appends (a resumed run continues the log).
	w, err = Create(path)
	require.NoError(t, err)
	require.NoError(t, w.Write(Event{Type: TypeMessage, Time: t0, Msg: "resumed"}))
	require.NoError(t, w.Close())

	got, err := ReadFile(path)
	require.NoError(t, err)
	want = append(want, Event{Type: TypeMessage, Time: t0, Msg: "resumed"})
	assert.Equal(t, want, got)
}

func TestNonFiniteValuesStillWriteValidJSON(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	require.NoError(t, w.Write(Event{Type: TypeBatch, Loss: math.NaN(), PPL: math.Inf(1), GradNorm: math.Inf(-1)}))
	got, err := Read(&buf)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, math.MaxFloat64, got[0].Loss)
	assert.Equal(t, math.MaxFloat64, got[0].PPL)
	assert.Equal(t, -math.MaxFloat64, got[0].GradNorm)
}

func TestNilWriterDiscards(t *testing.T) {
	var w *Writer
	assert.NoError(t, w.Write(Event{Type: TypeMessage}))
	assert.NoError(t, w.Close())
	w.SetClock(time.Now)
}

type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	f.n++
	return 0, errors.New("disk full")
}

func TestWriteErrorIsSticky(t *testing.T) {
	fw := &failingWriter{}
	w := NewWriter(fw)
	err := w.Write(Event{Type: TypeMessage})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk full")
	require.Error(t, w.Write(Event{Type: TypeMessage}))
	assert.Equal(t, 1, fw.n, "no writes after the first failure")
}

func TestReadSkipsTruncatedLastLine(t *testing.T) {
	log := `{"type":"start","time":"2026-11-27T23:00:00Z"}` + "\n\n" +
		`{"type":"batch","time":"2026-11-27T23:00:00Z","loss":5}` + "\n" +
		`{"type":"batch","time":"2026-11-27T23:00:00Z","lo`
	got, err := Read(strings.NewReader(log))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, 5.0, got[1].Loss)

	// A bad line in the middle is an error naming the line.
	_, err = Read(strings.NewReader(`{"type":"start"}` + "\n" + "garbage\n" + `{"type":"end"}` + "\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2")
	_, err = Read(strings.NewReader(`{"loss":1}` + "\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 1: no event type")
}

func TestCreateErrorIsClear(t *testing.T) {
	_, err := Create(filepath.Join(t.TempDir(), "missing", "run.jsonl"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "opening the run log")
	_, err = ReadFile(filepath.Join(t.TempDir(), "none.jsonl"))
	assert.True(t, errors.Is(err, os.ErrNotExist))
}

// FuzzRead checks that no input makes Read panic and that whatever it
// accepts survives a write and a second read unchanged.
func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"type":"start","time":"2026-11-27T23:00:00Z","config":{"model":"lstm"}}` + "\n"))
	f.Add([]byte(`{"type":"batch","loss":1e308,"tokens":-1}` + "\n" + `{"type":"end"`))
	f.Add([]byte("\n\n{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		events, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		w := NewWriter(&buf)
		for _, ev := range events {
			if ev.Time.IsZero() {
				ev.Time = t0
			}
			if err := w.Write(ev); err != nil {
				return // e.g. a time outside JSON's year range
			}
		}
		again, err := Read(&buf)
		require.NoError(t, err)
		require.Len(t, again, len(events))
	})
}
