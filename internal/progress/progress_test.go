package progress

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormat(t *testing.T) {
	s := Stats{Epoch: 3, Epochs: 13, Batch: 1200, Batches: 2323, Loss: 4.812,
		TokensPerSec: 12345, ETA: 25*time.Minute + 10*time.Second}
	assert.Equal(t, "epoch 3/13  batch 1200/2323  52%  loss 4.812  ppl 123.0  12.3k tok/s  ETA 25m10s", Format(s))

	s = Stats{Epoch: 1, Batch: 7, Loss: 9.21, TokensPerSec: 850, ETA: -1}
	assert.Equal(t, "epoch 1  batch 7  loss 9.210  ppl 9996.6  850 tok/s", Format(s))
}

func TestFormatHelpers(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                             "0s",
		1499 * time.Millisecond:       "1s",
		59 * time.Second:              "59s",
		185 * time.Second:             "3m05s",
		2*time.Hour + 7*time.Minute:   "2h07m",
		76*time.Hour + 30*time.Second: "3d04h",
		-time.Second:                  "?",
	} {
		assert.Equal(t, want, FormatDuration(d), "%v", d)
	}
	for r, want := range map[float64]string{
		0: "0 tok/s", 999.4: "999 tok/s", 1000: "1.0k tok/s", 45678: "45.7k tok/s", 1.2e6: "1.20M tok/s",
		math.NaN(): "? tok/s", math.Inf(1): "? tok/s", -1: "? tok/s",
	} {
		assert.Equal(t, want, FormatRate(r), "%v", r)
	}
	assert.Equal(t, "1.0", FormatPerplexity(0))
	assert.Equal(t, "inf", FormatPerplexity(50))
	assert.Equal(t, "inf", FormatPerplexity(math.Inf(1)))
	assert.Equal(t, "NaN", FormatPerplexity(math.NaN()))
}

// clock is a settable fake time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }
func stats(epoch, batch, batches int) Stats {
	return Stats{Epoch: epoch, Epochs: 2, Batch: batch, Batches: batches, Loss: 5, TokensPerSec: 1000, ETA: time.Minute}
}

func TestPlainMeterPrintsEveryTenthOfAnEpoch(t *testing.T) {
	var buf bytes.Buffer
	c := newClock()
	m := NewMeter(&buf, false)
	m.Now = c.now
	for e := 1; e <= 2; e++ {
		for b := 1; b <= 100; b++ {
			c.advance(100 * time.Millisecond)
			m.Update(stats(e, b, 100))
		}
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 20, buf.String())
	assert.True(t, strings.HasPrefix(lines[0], "epoch 1/2  batch 10/100  10%"), lines[0])
	assert.True(t, strings.HasPrefix(lines[9], "epoch 1/2  batch 100/100 100%"), lines[9])
	assert.True(t, strings.HasPrefix(lines[10], "epoch 2/2  batch 10/100"), lines[10])
	assert.NotContains(t, buf.String(), "\r", "no carriage returns in plain mode")
}

func TestPlainMeterPrintsAfterIntervalInSlowEpochs(t *testing.T) {
	var buf bytes.Buffer
	c := newClock()
	m := NewMeter(&buf, false)
	m.Now = c.now
	// 10,000 batches of 2 s each: a tenth of the epoch takes 2000 s, so the
	// one-minute interval decides.
	for b := 1; b <= 100; b++ {
		c.advance(2 * time.Second)
		m.Update(stats(1, b, 10000))
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	// The clock starts at the first update (2 s), so lines come at 62, 122
	// and 182 s.
	require.Len(t, lines, 3, buf.String())
	assert.True(t, strings.HasPrefix(lines[0], "epoch 1/2  batch 31/10000   0%"), lines[0])
	assert.True(t, strings.HasPrefix(lines[2], "epoch 1/2  batch 91/10000   1%"), lines[2])
}

func TestLiveMeterRedrawsInPlaceAndRateLimits(t *testing.T) {
	var buf bytes.Buffer
	c := newClock()
	m := NewMeter(&buf, true)
	m.Now = c.now
	require.True(t, m.Live())
	for b := 1; b <= 50; b++ {
		c.advance(10 * time.Millisecond) // 100 updates/s, 10 redraws/s
		m.Update(stats(1, b, 50))
	}
	out := buf.String()
	assert.NotContains(t, out, "\n", "the live line never scrolls")
	draws := strings.Count(out, eraseLine)
	assert.Equal(t, 6, draws, "first, then every 100 ms (5), and the final batch")
	assert.True(t, strings.HasSuffix(out, eraseLine+Format(stats(1, 50, 50))), "last batch always drawn")

	// A message clears the line and is printed on its own line; the next
	// update redraws at once.
	buf.Reset()
	m.Printf("epoch %d: valid ppl %.1f", 1, 140.0)
	assert.Equal(t, eraseLine+"epoch 1: valid ppl 140.0\n", buf.String())
	buf.Reset()
	m.Update(stats(2, 1, 50))
	assert.Equal(t, eraseLine+Format(stats(2, 1, 50)), buf.String())
	buf.Reset()
	m.Clear()
	assert.Equal(t, eraseLine, buf.String())
	buf.Reset()
	m.Clear()
	assert.Empty(t, buf.String(), "nothing to clear")
}

func TestPlainPrintf(t *testing.T) {
	var buf bytes.Buffer
	m := NewMeter(&buf, false)
	m.Printf("hello\n")
	m.Printf("world")
	assert.Equal(t, "hello\nworld\n", buf.String())
}

func TestIsTerminal(t *testing.T) {
	assert.False(t, IsTerminal(&bytes.Buffer{}))
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, IsTerminal(f), "a regular file")
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer null.Close()
	if haveTermios {
		assert.False(t, IsTerminal(null), "/dev/null is a character device but not a terminal")
	}
	var nilFile *os.File
	assert.False(t, IsTerminal(nilFile))
}
