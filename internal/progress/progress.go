// Package progress shows how a training run is going: one live line redrawn
// in place when the output is a terminal, or plain lines now and then when it
// is a file or a pipe, so logs stay readable.
package progress

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"time"
)

// IsTerminal reports whether w is a terminal, where a redrawn line makes
// sense. Anything but an *os.File is not.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	if haveTermios {
		return isTerminalFd(f.Fd())
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Stats is what the progress line shows.
type Stats struct {
	// Epoch counts from 1; Epochs is the run's total (0: not shown).
	Epoch, Epochs int
	// Batch counts from 1 within the epoch; Batches is the epoch's total
	// (0: unknown).
	Batch, Batches int
	// Loss is the mean loss per token so far in the epoch, in nats; the
	// line shows it and its perplexity exp(Loss).
	Loss float64
	// TokensPerSec is the training throughput.
	TokensPerSec float64
	// ETA is the time the run still needs; negative means unknown.
	ETA time.Duration
}

// Format renders s as one line, e.g.
//
//	epoch 3/13  batch 1200/2323  52%  loss 4.812  ppl 123.0  12.3k tok/s  ETA 25m10s
func Format(s Stats) string {
	var b strings.Builder
	b.WriteString("epoch ")
	b.WriteString(fraction(s.Epoch, s.Epochs))
	b.WriteString("  batch ")
	b.WriteString(fraction(s.Batch, s.Batches))
	if s.Batches > 0 {
		fmt.Fprintf(&b, " %3.0f%%", 100*float64(s.Batch)/float64(s.Batches))
	}
	fmt.Fprintf(&b, "  loss %.3f  ppl %s  %s", s.Loss, FormatPerplexity(s.Loss), FormatRate(s.TokensPerSec))
	if s.ETA >= 0 {
		b.WriteString("  ETA ")
		b.WriteString(FormatDuration(s.ETA))
	}
	return b.String()
}

func fraction(n, total int) string {
	if total > 0 {
		return fmt.Sprintf("%d/%d", n, total)
	}
	return fmt.Sprint(n)
}

// FormatPerplexity renders exp(loss) with one decimal, or "inf" once the loss
// has diverged.
func FormatPerplexity(loss float64) string {
	p := math.Exp(loss)
	if math.IsInf(p, 0) || math.IsNaN(p) || p >= 1e9 {
		if math.IsNaN(p) {
			return "NaN"
		}
		return "inf"
	}
	return fmt.Sprintf("%.1f", p)
}

// FormatRate renders a throughput in tokens per second with an SI prefix:
// "850 tok/s", "12.3k tok/s", "1.20M tok/s".
func FormatRate(perSec float64) string {
	switch {
	case !(perSec >= 0) || math.IsInf(perSec, 0):
		return "? tok/s"
	case perSec < 1000:
		return fmt.Sprintf("%.0f tok/s", perSec)
	case perSec < 1e6:
		return fmt.Sprintf("%.1fk tok/s", perSec/1e3)
	default:
		return fmt.Sprintf("%.2fM tok/s", perSec/1e6)
	}
}

// FormatDuration renders d compactly to the second: "45s", "3m05s",
// "2h07m" (minutes once it passes an hour), "3d04h".
func FormatDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 0:
		return "?"
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	default:
		return fmt.Sprintf("%dd%02dh", s/86400, s%86400/3600)
	}
}

// Meter writes progress lines to a writer. In live mode it redraws one line
// with a carriage return (at most every Redraw); in plain mode it prints a
// line each time the epoch crosses a Step fraction of its batches, or when
// Interval has passed since the last line, whichever comes first. Its
// methods are safe for concurrent use.
type Meter struct {
	// Redraw is the least time between two redraws of the live line.
	Redraw time.Duration
	// Step is the fraction of an epoch between two plain lines.
	Step float64
	// Interval is the most time between two plain lines.
	Interval time.Duration
	// Now is the clock; tests replace it.
	Now func() time.Time

	mu        sync.Mutex
	w         io.Writer
	live      bool
	shown     bool // a live line is on screen
	last      time.Time
	lastEpoch int
	lastStep  int
}

// NewMeter returns a Meter writing to w, live when live is true, with the
// defaults: redraw every 100 ms, a plain line every 10 % of an epoch or
// every minute.
func NewMeter(w io.Writer, live bool) *Meter {
	return &Meter{Redraw: 100 * time.Millisecond, Step: 0.1, Interval: time.Minute, Now: time.Now, w: w, live: live}
}

// Live reports whether the meter redraws a line in place.
func (m *Meter) Live() bool { return m.live }

// eraseLine returns to the line's start and clears it (ANSI "erase in line").
const eraseLine = "\r\x1b[K"

// Update shows s if it is time to.
func (m *Meter) Update(s Stats) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.Now()
	if m.live {
		final := s.Batches > 0 && s.Batch >= s.Batches
		if m.shown && !final && now.Sub(m.last) < m.Redraw {
			return
		}
		fmt.Fprint(m.w, eraseLine+Format(s))
		m.shown, m.last = true, now
		return
	}
	step := -1
	if s.Batches > 0 && m.Step > 0 {
		step = int(float64(s.Batch) / float64(s.Batches) / m.Step)
	}
	if s.Epoch != m.lastEpoch {
		// A new epoch: its first line comes at its first step or after
		// Interval, not at once.
		m.lastEpoch, m.lastStep = s.Epoch, 0
		if m.last.IsZero() {
			m.last = now
		}
	}
	if (step > m.lastStep) || now.Sub(m.last) >= m.Interval {
		fmt.Fprintln(m.w, Format(s))
		m.last = now
		if step > m.lastStep {
			m.lastStep = step
		}
	}
}

// Printf prints a line of its own, first clearing the live line, which the
// next Update redraws.
func (m *Meter) Printf(format string, args ...any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clear()
	msg := fmt.Sprintf(format, args...)
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	io.WriteString(m.w, msg)
}

// Clear removes the live line, if one is shown, so that other output can
// follow.
func (m *Meter) Clear() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clear()
}

func (m *Meter) clear() {
	if m.shown {
		io.WriteString(m.w, eraseLine)
		m.shown = false
		m.last = time.Time{}
	}
}
