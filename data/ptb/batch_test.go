package ptb

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func seq(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}

func TestBatchifyExact(t *testing.T) {
	// 10 tokens in 3 streams of 3: the tail token 9 is dropped; stream b is
	// tokens 3b … 3b+2, stored time-major.
	bs := Batchify(seq(10), 3)
	assert.Equal(t, 3, bs.Steps)
	assert.Equal(t, 3, bs.Batch)
	assert.Equal(t, []int32{0, 3, 6, 1, 4, 7, 2, 5, 8}, bs.Data)
	assert.Equal(t, int32(7), bs.At(1, 2))

	require.Equal(t, 2, bs.NumSegments(1))
	s0 := bs.Segment(0, 1)
	assert.Equal(t, Segment{Index: 0, Start: 0, Len: 1, Input: []int32{0, 3, 6}, Target: []int32{1, 4, 7}}, s0)
	s1 := bs.Segment(1, 1)
	assert.Equal(t, Segment{Index: 1, Start: 1, Len: 1, Input: []int32{1, 4, 7}, Target: []int32{2, 5, 8}}, s1)

	// A bptt longer than the data gives one short segment.
	require.Equal(t, 1, bs.NumSegments(35))
	assert.Equal(t, Segment{Index: 0, Start: 0, Len: 2, Input: []int32{0, 3, 6, 1, 4, 7}, Target: []int32{1, 4, 7, 2, 5, 8}},
		bs.Segment(0, 35))
}

func TestBPTTExact(t *testing.T) {
	// 27 tokens, batch 2: streams 0…12 and 13…25 (26 dropped), 13 steps, 12
	// input positions, bptt 5: segments of 5, 5 and 2 steps.
	bs := Batchify(seq(27), 2)
	require.Equal(t, 13, bs.Steps)
	require.Equal(t, 3, bs.NumSegments(5))
	var got []Segment
	for s := range bs.Segments(5, 0) {
		got = append(got, s)
	}
	want := []Segment{
		{Index: 0, Start: 0, Len: 5,
			Input:  []int32{0, 13, 1, 14, 2, 15, 3, 16, 4, 17},
			Target: []int32{1, 14, 2, 15, 3, 16, 4, 17, 5, 18}},
		{Index: 1, Start: 5, Len: 5,
			Input:  []int32{5, 18, 6, 19, 7, 20, 8, 21, 9, 22},
			Target: []int32{6, 19, 7, 20, 8, 21, 9, 22, 10, 23}},
		{Index: 2, Start: 10, Len: 2,
			Input:  []int32{10, 23, 11, 24},
			Target: []int32{11, 24, 12, 25}},
	}
	assert.Equal(t, want, got)

	// Resuming at a segment index yields exactly the rest.
	var resumed []Segment
	for s := range bs.Segments(5, 2) {
		resumed = append(resumed, s)
	}
	assert.Equal(t, want[2:], resumed)
	for range bs.Segments(5, 3) {
		t.Fatal("starting at NumSegments yields nothing")
	}
	// Breaking out of the loop stops the iterator.
	n := 0
	for range bs.Segments(5, 0) {
		n++
		break
	}
	assert.Equal(t, 1, n)

	assert.PanicsWithValue(t, "ptb: start segment 4 out of range [0, 3] for BPTT length 5", func() { bs.Segments(5, 4) })
	assert.PanicsWithValue(t, "ptb: start segment -1 out of range [0, 3] for BPTT length 5", func() { bs.Segments(5, -1) })
	assert.PanicsWithValue(t, "ptb: segment 3 out of range [0, 3) for BPTT length 5", func() { bs.Segment(3, 5) })
	assert.PanicsWithValue(t, "ptb: BPTT length 0 < 1", func() { bs.NumSegments(0) })
	assert.PanicsWithValue(t, "ptb.Batchify: batch size 0 < 1", func() { Batchify(seq(3), 0) })
}

func TestBatchifyTooSmall(t *testing.T) {
	for _, c := range []struct{ tokens, batch int }{{0, 1}, {1, 1}, {3, 2}, {5, 4}} {
		bs := Batchify(seq(c.tokens), c.batch)
		assert.Equal(t, 0, bs.NumSegments(3), "%d tokens, batch %d", c.tokens, c.batch)
		for range bs.Segments(3, 0) {
			t.Fatal("no segments expected")
		}
	}
	// Two tokens per stream give one segment of one step.
	bs := Batchify(seq(4), 2)
	require.Equal(t, 1, bs.NumSegments(20))
	assert.Equal(t, Segment{Len: 1, Input: []int32{0, 2}, Target: []int32{1, 3}}, bs.Segment(0, 20))
}

// TestBPTTCoversStreams checks, for random sizes against the definition,
// that the segments of every stream concatenate to its inputs stream[:-1]
// and targets stream[1:], with full-length segments except the last, and
// that Batchify does not alias its input.
func TestBPTTCoversStreams(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		n, batch, bptt := r.IntN(300), 1+r.IntN(25), 1+r.IntN(40)
		tokens := make([]int32, n)
		for i := range tokens {
			tokens[i] = r.Int32N(50)
		}
		orig := slices.Clone(tokens)
		bs := Batchify(tokens, batch)
		steps := n / batch
		require.Equal(t, steps, bs.Steps)
		inputs := make([][]int32, batch)
		targets := make([][]int32, batch)
		segs := 0
		for s := range bs.Segments(bptt, 0) {
			require.Equal(t, segs, s.Index)
			require.Equal(t, segs*bptt, s.Start)
			if segs < bs.NumSegments(bptt)-1 {
				require.Equal(t, bptt, s.Len)
			}
			require.Len(t, s.Input, s.Len*batch)
			require.Len(t, s.Target, s.Len*batch)
			for tt := range s.Len {
				for b := range batch {
					inputs[b] = append(inputs[b], s.Input[tt*batch+b])
					targets[b] = append(targets[b], s.Target[tt*batch+b])
				}
			}
			segs++
		}
		require.Equal(t, bs.NumSegments(bptt), segs)
		for b := range batch {
			stream := orig[b*steps : (b+1)*steps]
			if steps < 2 {
				require.Empty(t, inputs[b])
				continue
			}
			require.Equal(t, stream[:steps-1], inputs[b], "n=%d batch=%d bptt=%d stream %d", n, batch, bptt, b)
			require.Equal(t, stream[1:], targets[b])
		}
		for i := range tokens {
			tokens[i] = -1
		}
		for _, id := range bs.Data {
			require.GreaterOrEqual(t, id, int32(0), "Batchify copies")
		}
	}
}

func TestBatchifyRealPTB(t *testing.T) {
	c, err := Load(realPTBDir(t))
	require.NoError(t, err)
	// zaremba-small: batch 20, bptt 20 → 46,479 steps per stream, 2,324
	// segments (the PyTorch example's count for the same settings).
	bs := Batchify(c.Train, 20)
	assert.Equal(t, 929_589/20, bs.Steps)
	assert.Equal(t, 2324, bs.NumSegments(20))
	// Evaluation at batch 1 keeps every token but the last as an input.
	v := Batchify(c.Valid, 1)
	assert.Equal(t, 73_760, v.Steps)
	total := 0
	for s := range v.Segments(35, 0) {
		total += s.Len
	}
	assert.Equal(t, 73_759, total)
}
