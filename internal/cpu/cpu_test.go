package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseLevel(t *testing.T) {
	for _, l := range []Level{Generic, AVX2, AVX512, NEON} {
		got, err := ParseLevel(l.String())
		require.NoError(t, err)
		assert.Equal(t, l, got)
	}
	got, err := ParseLevel(" AVX2 ")
	require.NoError(t, err)
	assert.Equal(t, AVX2, got)
	_, err = ParseLevel("sse9")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "generic, avx2, avx512, neon")
	assert.Equal(t, "Level(9)", Level(9).String())
}

func TestSupportedIsOrderedAndStartsGeneric(t *testing.T) {
	s := Supported()
	require.NotEmpty(t, s)
	assert.Equal(t, Generic, s[0])
	for i := 1; i < len(s); i++ {
		assert.Less(t, s[i-1], s[i])
	}
	assert.Equal(t, s[len(s)-1], Best())
	assert.True(t, Supports(Generic))
}

func TestCapFromEnv(t *testing.T) {
	l, warn := capFromEnv("")
	assert.Equal(t, Best(), l)
	assert.Empty(t, warn)

	l, warn = capFromEnv("generic")
	assert.Equal(t, Generic, l)
	assert.Empty(t, warn)

	l, warn = capFromEnv("bogus")
	assert.Equal(t, Best(), l)
	assert.Contains(t, warn, "unknown ISA level")

	// A level of the other architecture is never supported here.
	foreign := NEON
	if Supports(NEON) {
		foreign = AVX512
	}
	l, warn = capFromEnv(foreign.String())
	assert.Equal(t, Best(), l)
	assert.Contains(t, warn, "does not support")
}

func TestSetLevelRestores(t *testing.T) {
	before := Active()
	for _, l := range Supported() {
		restore := SetLevel(l)
		assert.Equal(t, l, Active())
		restore()
		assert.Equal(t, before, Active())
	}
	unsupported := NEON
	if Supports(NEON) {
		unsupported = AVX512
	}
	assert.Panics(t, func() { SetLevel(unsupported) })
}
