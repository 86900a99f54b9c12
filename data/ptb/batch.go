package ptb

import (
	"fmt"
	"iter"
)

// Batches is a token stream cut into Batch parallel streams, laid out
// time-major as the PyTorch example's batchify does: the stream of token
// positions is cut into Batch contiguous chunks of Steps tokens each (the
// tail that does not fill a chunk is dropped), and Data[t*Batch+b] is token t
// of chunk b. A row of Batch ids is thus one time step of every stream.
type Batches struct {
	// Data holds Steps*Batch ids, time-major.
	Data []int32
	// Steps is the number of tokens in each stream.
	Steps int
	// Batch is the number of streams.
	Batch int
}

// Batchify cuts tokens into batch streams. It copies tokens. It panics if
// batch < 1. A stream needs at least two tokens (an input and its target) to
// yield a segment; with fewer tokens than 2*batch, NumSegments is 0, which
// callers should report as "corpus too small for this batch size".
func Batchify(tokens []int32, batch int) *Batches {
	if batch < 1 {
		panic(fmt.Sprintf("ptb.Batchify: batch size %d < 1", batch))
	}
	steps := len(tokens) / batch
	data := make([]int32, steps*batch)
	for b := range batch {
		chunk := tokens[b*steps : (b+1)*steps]
		for t, id := range chunk {
			data[t*batch+b] = id
		}
	}
	return &Batches{Data: data, Steps: steps, Batch: batch}
}

// At returns token t of stream b.
func (bs *Batches) At(t, b int) int32 { return bs.Data[t*bs.Batch+b] }

// Segment is one BPTT segment: Len time steps of every stream, with the next
// token of each as target.
type Segment struct {
	// Index is the segment's number, 0 … NumSegments-1; start an iterator at
	// Index+1 to resume after this segment.
	Index int
	// Start is the time step of the segment's first input token.
	Start int
	// Len is the number of time steps: bptt, or fewer for the last segment.
	Len int
	// Input and Target hold Len*Batch ids, time-major (Input[t*Batch+b] is
	// the input of stream b at step Start+t, and Target[t*Batch+b] the token
	// that follows it, At(Start+t+1, b)). They alias the Batches' Data: do not
	// modify them.
	Input, Target []int32
}

// NumSegments returns the number of BPTT segments of length bptt: the last
// input position is Steps-2 (its target is the last token), so there are
// ceil((Steps-1)/bptt) segments, the last one possibly shorter. It panics if
// bptt < 1.
func (bs *Batches) NumSegments(bptt int) int {
	if bptt < 1 {
		panic(fmt.Sprintf("ptb: BPTT length %d < 1", bptt))
	}
	if bs.Steps < 2 {
		return 0
	}
	return (bs.Steps - 1 + bptt - 1) / bptt
}

// Segment returns segment i of length bptt, as the PyTorch example's
// get_batch(source, i*bptt) does. It panics if i is not in
// [0, NumSegments(bptt)).
func (bs *Batches) Segment(i, bptt int) Segment {
	n := bs.NumSegments(bptt)
	if i < 0 || i >= n {
		panic(fmt.Sprintf("ptb: segment %d out of range [0, %d) for BPTT length %d", i, n, bptt))
	}
	start := i * bptt
	length := min(bptt, bs.Steps-1-start)
	B := bs.Batch
	return Segment{
		Index:  i,
		Start:  start,
		Len:    length,
		Input:  bs.Data[start*B : (start+length)*B : (start+length)*B],
		Target: bs.Data[(start+1)*B : (start+1+length)*B : (start+1+length)*B],
	}
}

// Segments returns the segments of length bptt in order, starting at segment
// index from (0 for a full pass; a saved Index+1 to resume exactly). from may
// equal NumSegments, which yields nothing; any other value outside
// [0, NumSegments] panics.
//
//	for seg := range batches.Segments(35, 0) { ... }
func (bs *Batches) Segments(bptt, from int) iter.Seq[Segment] {
	n := bs.NumSegments(bptt)
	if from < 0 || from > n {
		panic(fmt.Sprintf("ptb: start segment %d out of range [0, %d] for BPTT length %d", from, n, bptt))
	}
	return func(yield func(Segment) bool) {
		for i := from; i < n; i++ {
			if !yield(bs.Segment(i, bptt)) {
				return
			}
		}
	}
}
