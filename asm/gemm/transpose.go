package gemm

import (
	"fmt"

	"github.com/neuromod-go/neuromod/internal/parallel"
)

// Transpose sets dst, [cols, rows], to the transpose of src, [rows, cols]:
//
//	for i := 0; i < rows; i++ {
//		for j := 0; j < cols; j++ {
//			dst[j*rows+i] = src[i*cols+j]
//		}
//	}
//
// It is the packing transpose of the active ISA level run over square tiles,
// so that both sides move a cache line at a time, on up to Threads()
// goroutines for a large matrix, each writing its own rows of dst. An LSTM
// transposes its recurrent weights once per segment with it, rather than
// have every step's GEMM pack the transposed operand anew. dst and src must
// not overlap.
func Transpose(dst, src []float32, rows, cols int) {
	if rows < 0 || cols < 0 || len(src) < rows*cols || len(dst) < rows*cols {
		panic(fmt.Sprintf("gemm.Transpose: %d×%d with %d source and %d destination elements", rows, cols, len(src), len(dst)))
	}
	if rows == 0 || cols == 0 {
		return
	}
	j := transposeJobs.Get()
	*j = transposeJob{kn: activeKernel(), dst: dst, src: src, rows: rows, cols: cols,
		shares: max(1, min(Threads(), rows*cols/transposeMinShare, (cols+transposeTile-1)/transposeTile))}
	parallel.Run(j.shares, j)
	j.dst, j.src = nil, nil
	transposeJobs.Put(j)
}

const (
	// transposeTile is the side of a tile: 64×64 floats are 16 KiB on each
	// side, within L1 together.
	transposeTile = 64
	// transposeMinShare is the fewest elements worth a share of their own.
	transposeMinShare = 1 << 16
)

type transposeJob struct {
	kn         *kernel
	dst, src   []float32
	rows, cols int
	shares     int
}

// RunShare transposes the tiles of a range of src's columns: dst's rows.
func (j *transposeJob) RunShare(w int) {
	tiles := (j.cols + transposeTile - 1) / transposeTile
	c0, c1 := w*tiles/j.shares*transposeTile, min((w+1)*tiles/j.shares*transposeTile, j.cols)
	for i0 := 0; i0 < j.rows; i0 += transposeTile {
		nr := min(transposeTile, j.rows-i0)
		for p0 := c0; p0 < c1; p0 += transposeTile {
			nc := min(transposeTile, c1-p0)
			// dst[p*rows+i] = src[i*cols+p] for the tile's i and p.
			j.kn.transpose(j.dst[p0*j.rows+i0:], j.src[i0*j.cols+p0:], j.cols, nr, nc, j.rows)
		}
	}
}

var transposeJobs parallel.FreeList[transposeJob]
