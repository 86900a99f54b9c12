// Package runlog writes and reads the JSON-lines event log of an lm run.
//
// Each line is one JSON object, an Event, whose "type" says which fields it
// carries. A run writes, in order: one "start"; then "batch" events, one per
// training batch, with an "epoch" summary at the end of each epoch; "eval"
// events for every evaluation (validation after each epoch, test at the end,
// or lm eval's split); "checkpoint" events for each file saved; "message"
// events for anything else worth keeping; and one "end". Fields that do not
// apply to an event type are omitted.
//
// The file is opened for appending and every event is written with a single
// write, so a resumed run adds to the log of the run it continues, and a
// crash loses at most the line being written. Readers skip a truncated last
// line.
package runlog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"time"

	"github.com/neuromod-go/neuromod/internal/config"
)

// Version is the schema version written in start events.
const Version = 1

// The event types.
const (
	TypeStart      = "start"
	TypeBatch      = "batch"
	TypeEpoch      = "epoch"
	TypeEval       = "eval"
	TypeCheckpoint = "checkpoint"
	TypeMessage    = "message"
	TypeEnd        = "end"
)

// The statuses of an end event.
const (
	StatusOK          = "ok"
	StatusInterrupted = "interrupted"
	StatusError       = "error"
)

// Event is one line of the log. Losses are mean negative log-likelihoods per
// token in nats; perplexity is exp(loss). Durations are in seconds.
type Event struct {
	// Type is one of the Type constants; Time is when the event was written.
	Type string    `json:"type"`
	Time time.Time `json:"time"`

	// start: Version is the schema version; Command is "train" or "eval";
	// ISA is the kernel level in force (cpu.Active().String()); Threads is
	// the configured thread count and GOMAXPROCS the runtime's; Params is the
	// model's trainable parameter count and BaselineParams, with
	// -match-params, the baseline LSTM's count it was matched to.
	Version        int            `json:"v,omitempty"`
	Command        string         `json:"command,omitempty"`
	ISA            string         `json:"isa,omitempty"`
	Threads        int            `json:"threads,omitempty"`
	GOMAXPROCS     int            `json:"gomaxprocs,omitempty"`
	GoVersion      string         `json:"go,omitempty"`
	GOOS           string         `json:"goos,omitempty"`
	GOARCH         string         `json:"goarch,omitempty"`
	Params         int            `json:"params,omitempty"`
	BaselineParams int            `json:"baseline_params,omitempty"`
	Config         *config.Config `json:"config,omitempty"`

	// batch, epoch, eval, checkpoint: Epoch counts from 1 (0: not in an
	// epoch, e.g. the final test); Batch counts from 1 within the epoch and
	// Batches is the epoch's total.
	Epoch   int `json:"epoch,omitempty"`
	Batch   int `json:"batch,omitempty"`
	Batches int `json:"batches,omitempty"`

	// batch: Loss is the batch's mean loss, Tokens the tokens it held, Sec its
	// wall time; LR the learning rate applied; GradNorm the gradient norm
	// before clipping, when the trainer reports it.
	// epoch: Loss, Tokens and Sec summarise the epoch's training.
	// eval: Loss, Tokens and Sec are the evaluation's.
	Loss     float64 `json:"loss,omitempty"`
	PPL      float64 `json:"ppl,omitempty"`
	Tokens   int     `json:"tokens,omitempty"`
	Sec      float64 `json:"sec,omitempty"`
	TokPerS  float64 `json:"tok_per_s,omitempty"`
	LR       float64 `json:"lr,omitempty"`
	GradNorm float64 `json:"grad_norm,omitempty"`

	// eval: Split is "valid" or "test"; EvalBatch and BPTT are the batch
	// size and segment length the evaluation used.
	Split     string `json:"split,omitempty"`
	EvalBatch int    `json:"eval_batch,omitempty"`
	BPTT      int    `json:"bptt,omitempty"`

	// checkpoint: Path is the file written; Reason is "epoch", "interrupt"
	// or "final".
	Path   string `json:"path,omitempty"`
	Reason string `json:"reason,omitempty"`

	// message: Msg is the text. end: Status is one of the Status constants,
	// Error the error text when Status is "error", Sec the run's wall time.
	Msg    string `json:"msg,omitempty"`
	Status string `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Writer appends events to a log. Its methods are safe for concurrent use.
// A nil *Writer discards events, so callers need not check whether logging
// is on.
type Writer struct {
	mu     sync.Mutex
	w      io.Writer
	closer io.Closer
	now    func() time.Time
	err    error
}

// NewWriter returns a Writer that writes one line per event to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w, now: time.Now}
}

// Create opens (creating it if needed) the log at path for appending.
func Create(path string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the run log: %w", err)
	}
	w := NewWriter(f)
	w.closer = f
	return w, nil
}

// SetClock replaces the clock that stamps events whose Time is zero; for tests.
func (w *Writer) SetClock(now func() time.Time) {
	if w != nil {
		w.now = now
	}
}

// Write stamps ev with the time if its Time is zero and appends it as one
// line in a single write. After the first error every Write returns it.
func (w *Writer) Write(ev Event) error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if ev.Time.IsZero() {
		ev.Time = w.now()
	}
	sanitize(&ev)
	b, err := json.Marshal(ev)
	if err != nil {
		w.err = fmt.Errorf("run log: %w", err)
		return w.err
	}
	if _, err := w.w.Write(append(b, '\n')); err != nil {
		w.err = fmt.Errorf("writing the run log: %w", err)
	}
	return w.err
}

// sanitize replaces values JSON cannot carry by the largest float64 of their
// sign, so the line is still written: a diverged loss (NaN or +Inf) shows as
// 1.7976931348623157e+308.
func sanitize(ev *Event) {
	for _, p := range []*float64{&ev.Loss, &ev.PPL, &ev.Sec, &ev.TokPerS, &ev.LR, &ev.GradNorm} {
		switch {
		case math.IsNaN(*p), math.IsInf(*p, 1):
			*p = math.MaxFloat64
		case math.IsInf(*p, -1):
			*p = -math.MaxFloat64
		}
	}
}

// Close closes the file Create opened; it returns the first write error, if
// any.
func (w *Writer) Close() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closer != nil {
		if err := w.closer.Close(); err != nil && w.err == nil {
			w.err = err
		}
		w.closer = nil
	}
	return w.err
}

// Read parses a log. A last line without its newline that does not parse is
// taken to be cut off by a crash and skipped; any other bad line is an error
// that names its line number.
func Read(r io.Reader) ([]Event, error) {
	var events []Event
	br := bufio.NewReader(r)
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return events, err
		}
		complete := err == nil
		if b = bytes.TrimSpace(b); len(b) > 0 {
			var ev Event
			if jerr := json.Unmarshal(b, &ev); jerr != nil {
				if !complete {
					return events, nil
				}
				return events, fmt.Errorf("run log line %d: %v", line, jerr)
			}
			if ev.Type == "" {
				return events, fmt.Errorf("run log line %d: no event type", line)
			}
			events = append(events, ev)
		}
		if !complete {
			return events, nil
		}
	}
}

// ReadFile parses the log at path.
func ReadFile(path string) ([]Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	events, err := Read(f)
	if err != nil {
		return events, fmt.Errorf("%s: %w", path, err)
	}
	return events, nil
}
