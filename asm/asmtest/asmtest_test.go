package asmtest

import (
	"math"
	"testing"
	"unsafe"

	"github.com/neuromod-go/neuromod/internal/cpu"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestForEachLevelVisitsEverySupportedLevel(t *testing.T) {
	var seen []cpu.Level
	ForEachLevel(t, func(t *testing.T, l cpu.Level) {
		assert.Equal(t, l, cpu.Active())
		seen = append(seen, l)
	})
	assert.Equal(t, cpu.Supported(), seen)
}

func TestGuardedAlignmentAndDetection(t *testing.T) {
	for _, off := range []int{0, 1, 5, 15} {
		g := NewGuarded(37, off)
		require.Len(t, g.Data, 37)
		addr := uintptr(unsafe.Pointer(&g.Data[0]))
		assert.Equal(t, uintptr(off*4), addr%64, "offset %d", off)
		g.Fill(Rand(1), -1, 1)
		g.Check(t) // untouched guards pass

		ft := &fakeTB{TB: t}
		g.buf[g.off+len(g.Data)] = 0 // one past the end
		func() {
			defer func() { _ = recover() }()
			g.Check(ft)
		}()
		assert.True(t, ft.failed, "an overwritten guard must fail the check")
	}
}

func TestULPDiff(t *testing.T) {
	assert.Equal(t, uint32(0), ULPDiff(1, 1))
	assert.Equal(t, uint32(1), ULPDiff(1, math.Nextafter32(1, 2)))
	assert.Equal(t, uint32(2), ULPDiff(math.Nextafter32(0, 1), math.Nextafter32(0, -1)))
	assert.Equal(t, uint32(0), ULPDiff(float32(math.NaN()), float32(math.NaN())))
	assert.Equal(t, uint32(math.MaxUint32), ULPDiff(float32(math.NaN()), 1))
}

// fakeTB records a failure instead of failing the real test.
type fakeTB struct {
	testing.TB
	failed bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(string, ...any) {
	f.failed = true
	panic("fatal")
}
