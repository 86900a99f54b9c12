package nn

import (
	"runtime"
	"sync"

	"github.com/neuromod-go/neuromod/internal/parallel"
)

// The backward pass of the LM has a critical path — the decoder's input
// gradient, then the LSTM layers' recurrences from the top layer down — and
// weight gradients that nothing reads until the optimiser: the decoder's
// dW = dyᵀ·x, the largest GEMM of the step, and each LSTM layer's dW_ih,
// dW_hh and biases. With more than one thread, the ops hand those to a
// background goroutine, where they run beside the rest of the backward
// pass. At its end the LM's goroutine runs the queued jobs that have not
// started, then waits for the rest; the decoder's dW is queued in blocks of
// rows so that there is something left to share. The results are the same
// GEMMs on the same operands, so they do not depend on the overlap.

// BackgroundJob is the part of a fused op's backward pass that may run in
// the background: it writes only parameter gradients that no later backward
// op reads or writes.
type BackgroundJob interface {
	Background()
}

// Async hands the BackgroundJobs of a model's backward pass to the model's
// background goroutine, when the coming pass overlaps them (with more than
// one thread), and runs them at once on the caller's goroutine otherwise.
// The LM gives one to a recurrent stack that has a SetAsync(Async) method;
// the zero Async runs every job at once.
type Async struct{ g *asyncGroup }

// Run runs job in the background or at once (see Async). The job's
// gradients are complete when the model's Tape.Backward returns.
func (a Async) Run(job BackgroundJob) { a.g.run(job) }

// asyncGroup tracks the background jobs of one model's backward pass. A nil
// group, or one that is off, runs jobs at once on the caller's goroutine.
type asyncGroup struct {
	on bool // decided per forward pass
	wg sync.WaitGroup
}

// shardedJob is a BackgroundJob that also splits into shards, each queued
// as a job of its own, so that the goroutine waiting at the end of the
// backward pass can take a share of them (see joinOp). Background must do
// what all the shards together do, with the same bits.
type shardedJob interface {
	BackgroundJob
	shards() int
	backgroundShard(i int)
}

// bgItem is one queued job, or shard ≥ 0 of one.
type bgItem struct {
	job   BackgroundJob
	shard int
	wg    *sync.WaitGroup
}

func (it bgItem) do() {
	if it.shard < 0 {
		it.job.Background()
	} else {
		it.job.(shardedJob).backgroundShard(it.shard)
	}
	it.wg.Done()
}

var (
	bgOnce  sync.Once
	bgQueue chan bgItem
)

// bgWorker runs background jobs in the order they come, for every model of
// the process: one goroutine, started on first use, that lives as long as
// the process.
func bgWorker() {
	for {
		it, ok := parallel.Receive(bgQueue)
		if !ok {
			return
		}
		it.do()
	}
}

// run runs job in the background if the group is on, else at once.
func (g *asyncGroup) run(job BackgroundJob) {
	if g == nil || !g.on {
		job.Background()
		return
	}
	bgOnce.Do(func() {
		bgQueue = make(chan bgItem, 64)
		go bgWorker()
	})
	if sj, ok := job.(shardedJob); ok {
		n := sj.shards()
		g.wg.Add(n)
		for i := range n {
			bgQueue <- bgItem{job, i, &g.wg}
		}
		return
	}
	g.wg.Add(1)
	bgQueue <- bgItem{job, -1, &g.wg}
}

// start decides whether the coming backward pass overlaps its jobs: only
// when there is a second thread to run them on.
func (g *asyncGroup) start() { g.on = runtime.GOMAXPROCS(0) > 1 }

// joinOp is recorded first, so that its Backward runs last and waits for
// the background jobs of the pass: after Tape.Backward, every gradient is
// complete. Rather than sit idle while the background goroutine works
// through its queue, it runs the queued jobs nobody has started yet (the
// queue is the process's, so they may be another model's: that job's own
// wait group still counts it).
type joinOp struct{ g *asyncGroup }

func (op *joinOp) Backward() {
	g := op.g
	for {
		select {
		case it := <-bgQueue:
			it.do()
		default:
			g.wg.Wait()
			return
		}
	}
}
