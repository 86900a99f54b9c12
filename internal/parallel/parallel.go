// Package parallel runs fork–join work on a process-wide pool of helper
// goroutines that spin briefly before they sleep.
//
// The kernels' callers split work into a few equal shares many times per
// training step: the GEMM driver once or twice per product, the plastic
// layers once per time step. Handing a share to a goroutine blocked on a
// channel costs a futex wake-up, measured at 110–145 µs on the machines
// neuromod is benchmarked on, about as long as the share itself at the
// small model's sizes. So a helper that finished a share keeps polling for
// the next one for SpinFor before it blocks, and the caller never waits for
// a helper to wake up: it claims shares itself, one at a time, until none is
// left, and then waits only for the shares helpers have already started.
// Work can also come from several goroutines at once (the LM's background
// gradients beside its backward pass): a call that finds the helpers busy
// stays open, and a helper that finishes its share of one call joins the
// oldest open one before it goes idle, so no call is left to one thread
// for long because the helpers were busy when it began.
// A share therefore runs on whichever goroutine claims it first; every
// share runs exactly once, and share i is the same work whoever runs it, so
// results never depend on the scheduling.
package parallel

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Job is work split into shares 0…n−1 that may run at the same time.
type Job interface {
	// RunShare does share i. It runs once per share and Run, on the caller
	// or on a helper goroutine.
	RunShare(i int)
}

// SpinFor is how long an idle helper keeps polling for work (yielding its
// thread to any other runnable goroutine in between) before it blocks. It is
// about the cost of waking a blocked goroutine: spinning longer would burn
// more than it saves.
const SpinFor = 100 * time.Microsecond

// Run runs job.RunShare(i) for every i in [0, n), on the calling goroutine
// and on up to n−1 helpers (at most GOMAXPROCS−1 in the process), and
// returns when every share has finished. Run may be called from several
// goroutines at once and from inside a share. A caller that finds too few
// idle helpers starts on its shares itself and leaves the call open: a
// helper that finishes another call's work joins it and takes the shares
// not yet claimed. (Otherwise one Run that came while the helpers were busy
// for a moment, say with a background job's GEMM, would run all its
// shares on one thread, however long they take.)
func Run(n int, job Job) {
	if n <= 1 {
		if n == 1 {
			job.RunShare(0)
		}
		return
	}
	c := getCall(job, n)
	open, woke := acquire(c, n-1)
	if woke {
		// A woken helper is queued to run next on this thread; let it,
		// and continue on another thread as soon as one is free, rather
		// than run every share here while it waits.
		runtime.Gosched()
	}
	c.work()
	if open {
		closeCall(c)
	}
	c.wait()
	c.release()
}

// call is one Run: its shares are claimed through next and counted in done.
// It returns to the free list when the caller and every helper it was
// handed to have let it go (refs), since a helper may wake after the work
// is over.
type call struct {
	job  Job
	n    int32
	next atomic.Int32
	done atomic.Int32
	refs atomic.Int32
}

// work claims and runs shares until none is left.
func (c *call) work() {
	for {
		i := c.next.Add(1) - 1
		if i >= c.n {
			return
		}
		c.job.RunShare(int(i))
		c.done.Add(1)
	}
}

// wait returns when every share has finished. Every share has been
// claimed, so it waits only for shares that helpers are running: it polls
// for SpinFor, then (on a machine busier than its threads, where a helper
// may have lost its CPU) checks in longer naps instead of burning one.
func (c *call) wait() {
	start := time.Now()
	for spins := 0; c.done.Load() < c.n; spins++ {
		if spins%64 == 63 {
			if time.Since(start) > SpinFor {
				time.Sleep(SpinFor / 4)
			} else {
				runtime.Gosched()
			}
		}
	}
}

func (c *call) release() {
	if c.refs.Add(-1) == 0 {
		c.job = nil
		calls.Put(c)
	}
}

// A helper's states.
const (
	idle     int32 = iota // polling for work
	parked                // blocked on wake
	assigned              // call is set
)

type helper struct {
	state atomic.Int32
	call  *call         // written before state becomes assigned
	wake  chan struct{} // a parked helper's wake-up
}

var pool struct {
	mu      sync.Mutex
	free    []*helper // helpers without a call
	started int
	// open are the calls that got fewer helpers than they wanted and may
	// still have shares to claim, oldest first.
	open []*call
}

// calls are the calls free for reuse.
var calls FreeList[call]

// FreeList is a stack of reusable values, safe for concurrent use: the
// jobs handed to Run live in one, so that a hot path allocates nothing once
// warm (a sync.Pool may drop its values at any garbage collection).
type FreeList[T any] struct {
	mu   sync.Mutex
	free []*T
}

// Get returns a value from the list, or a new zero one if it is empty.
func (l *FreeList[T]) Get() *T {
	l.mu.Lock()
	defer l.mu.Unlock()
	if k := len(l.free); k > 0 {
		x := l.free[k-1]
		l.free = l.free[:k-1]
		return x
	}
	return new(T)
}

// Put returns x to the list.
func (l *FreeList[T]) Put(x *T) {
	l.mu.Lock()
	l.free = append(l.free, x)
	l.mu.Unlock()
}

func getCall(job Job, n int) *call {
	c := calls.Get()
	c.job, c.n = job, int32(n)
	c.next.Store(0)
	c.done.Store(0)
	c.refs.Store(1) // the caller's
	return c
}

// acquire hands c to up to want idle helpers, starting new ones while the
// process has fewer than GOMAXPROCS−1. It reports whether it left c open
// for helpers that come free later (it found fewer than want; the caller
// must closeCall it) and whether it woke a parked helper.
func acquire(c *call, want int) (open, woke bool) {
	pool.mu.Lock()
	limit := runtime.GOMAXPROCS(0) - 1
	want = min(want, limit)
	for len(pool.free) < want && pool.started < limit {
		h := &helper{wake: make(chan struct{}, 1)}
		pool.started++
		pool.free = append(pool.free, h)
		go h.loop()
	}
	k := min(want, len(pool.free))
	hs := pool.free[len(pool.free)-k:]
	pool.free = pool.free[:len(pool.free)-k]
	// Count the helpers' references before any of them can finish and drop
	// its own.
	c.refs.Add(int32(k))
	for _, h := range hs {
		h.call = c
		if h.state.Swap(assigned) == parked {
			h.wake <- struct{}{}
			woke = true
		}
	}
	if k < want {
		pool.open = append(pool.open, c)
		open = true
	}
	pool.mu.Unlock()
	return open, woke
}

// closeCall takes c, whose shares have all been claimed, off the open list.
func closeCall(c *call) {
	pool.mu.Lock()
	if i := slices.Index(pool.open, c); i >= 0 {
		pool.open = slices.Delete(pool.open, i, i+1) // which clears the freed slot
	}
	pool.mu.Unlock()
}

// joinOpen returns the oldest open call with shares left to claim, counting
// the caller's reference to it, or nil. pool.mu is held: an open call's
// own caller holds its reference until it takes the call off the list,
// which it does under pool.mu, so the call cannot be released meanwhile.
func joinOpen() *call {
	for _, c := range pool.open {
		if c.next.Load() < c.n {
			c.refs.Add(1)
			return c
		}
	}
	return nil
}

// loop is a helper's life: wait for a call, work on it, go back to the free
// list.
func (h *helper) loop() {
	for {
		h.wait()
		c := h.call
		h.call = nil
		for c != nil {
			c.work()
			c.release()
			// Join an open call, if any, before going back to the free
			// list; checking and going back under one lock, so that a
			// call opened meanwhile finds this helper on the list.
			pool.mu.Lock()
			if c = joinOpen(); c == nil {
				h.state.Store(idle)
				pool.free = append(pool.free, h)
			}
			pool.mu.Unlock()
		}
	}
}

// wait returns once the helper is assigned a call: it polls for SpinFor,
// then blocks until acquire wakes it.
func (h *helper) wait() {
	start := time.Now()
	for spins := 0; ; spins++ {
		if h.state.Load() == assigned {
			return
		}
		runtime.Gosched()
		if spins%16 == 15 && time.Since(start) > SpinFor {
			if h.state.CompareAndSwap(idle, parked) {
				<-h.wake
			}
			return // assigned, either way
		}
	}
}

// Receive receives from ch like <-ch, but polls ch for SpinFor (yielding
// the thread to other runnable goroutines in between) before it blocks: a
// goroutine that serves a queue, such as the LM's background gradient
// worker, then stays on a thread of its own while work keeps coming, and is
// not left waiting to be woken behind its sender.
func Receive[T any](ch <-chan T) (v T, ok bool) {
	select {
	case v, ok = <-ch:
		return v, ok
	default:
	}
	start := time.Now()
	for spins := 0; ; spins++ {
		runtime.Gosched()
		select {
		case v, ok = <-ch:
			return v, ok
		default:
		}
		if spins%16 == 15 && time.Since(start) > SpinFor {
			v, ok = <-ch
			return v, ok
		}
	}
}
