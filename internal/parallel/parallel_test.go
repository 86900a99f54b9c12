package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countJob counts the runs of each share and records which goroutines ran
// them (by the share's own marker, as goroutines have no ids).
type countJob struct {
	runs  []atomic.Int32
	inner *countJob
	delay time.Duration
}

func newCountJob(n int) *countJob { return &countJob{runs: make([]atomic.Int32, n)} }

func (j *countJob) RunShare(i int) {
	j.runs[i].Add(1)
	if j.delay > 0 {
		time.Sleep(j.delay)
	}
	if j.inner != nil {
		Run(len(j.inner.runs), j.inner)
	}
}

func (j *countJob) requireOnce(t *testing.T, times int) {
	t.Helper()
	for i := range j.runs {
		require.EqualValues(t, times, j.runs[i].Load(), "share %d", i)
	}
}

func TestRunEveryShareOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 8, 100} {
		j := newCountJob(n)
		for range 50 {
			Run(n, j)
		}
		j.requireOnce(t, 50)
	}
}

// Helpers that have gone to sleep (no work for longer than SpinFor) are
// woken for the next Run, and the work still completes when they are slow
// to come.
func TestRunAfterHelpersSleep(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	j := newCountJob(4)
	j.delay = time.Millisecond // long enough for helpers to take shares
	for range 5 {
		Run(4, j)
		time.Sleep(3 * SpinFor)
	}
	j.requireOnce(t, 5)
}

func TestRunConcurrentCallersAndNesting(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	const callers, rounds = 6, 200
	jobs := make([]*countJob, callers)
	var wg sync.WaitGroup
	for c := range callers {
		jobs[c] = newCountJob(3)
		jobs[c].inner = newCountJob(5)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				Run(3, jobs[c])
			}
		}()
	}
	wg.Wait()
	for _, j := range jobs {
		j.requireOnce(t, rounds)
		j.inner.requireOnce(t, 3*rounds)
	}
}

// With one thread the caller runs every share itself.
func TestRunOneThread(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	j := newCountJob(7)
	Run(7, j)
	j.requireOnce(t, 1)
}

// orderJob records the order in which shares start.
type orderJob struct {
	mu    sync.Mutex
	order []int
}

func (j *orderJob) RunShare(i int) {
	j.mu.Lock()
	j.order = append(j.order, i)
	j.mu.Unlock()
}

// Shares are claimed in increasing order, so a caller left alone runs them
// 0, 1, 2, …
func TestRunClaimsInOrder(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	j := &orderJob{}
	Run(5, j)
	assert.Equal(t, []int{0, 1, 2, 3, 4}, j.order)
}

// blockJob's shares wait for release, counting how many have started.
type blockJob struct {
	release chan struct{}
	started atomic.Int32
}

func (j *blockJob) RunShare(int) {
	j.started.Add(1)
	<-j.release
}

// lateJob's share 0 lets the helper go (closing release) and waits for
// share 1 to start elsewhere; whether it did is sawHelper.
type lateJob struct {
	release, joined chan struct{}
	sawHelper       bool
}

func (j *lateJob) RunShare(i int) {
	if i == 1 {
		close(j.joined)
		return
	}
	close(j.release)
	select {
	case <-j.joined:
		j.sawHelper = true
	case <-time.After(5 * time.Second): // not joined: share 1 is left to this goroutine
	}
}

// A Run that finds every helper busy starts alone, and a helper joins it
// when its other call's work is done: the open call's share 1 runs on a
// helper while share 0 still runs on the caller.
func TestRunOpenCallGetsLateHelpers(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	Run(2, nopJob{}) // start a helper
	// Every helper the process has (earlier tests may have started more)
	// free, then all of them busy in one call.
	var helpers int
	waitFor(t, "the helpers to be free", func() bool {
		pool.mu.Lock()
		defer pool.mu.Unlock()
		helpers = pool.started
		return len(pool.free) == helpers
	})
	runtime.GOMAXPROCS(helpers + 1)
	busy := &blockJob{release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		Run(helpers+1, busy) // the caller and every helper, each in a share
		close(done)
	}()
	waitFor(t, "every share to start", func() bool { return int(busy.started.Load()) == helpers+1 })
	late := &lateJob{release: busy.release, joined: make(chan struct{})}
	Run(2, late)
	<-done
	assert.True(t, late.sawHelper, "no helper joined the open call")
	again := newCountJob(3)
	Run(3, again) // the list of open calls is clean: calls still complete
	again.requireOnce(t, 1)
}

// waitFor polls cond, failing the test if it is not true within seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); runtime.Gosched() {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

type nopJob struct{}

func (nopJob) RunShare(int) {}

func TestRunAllocatesNothing(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	Run(2, nopJob{}) // start the helper
	allocs := testing.AllocsPerRun(1000, func() { Run(2, nopJob{}) })
	assert.Zero(t, allocs)
}

// BenchmarkFork times a fork–join of two shares of about 20 µs each, the
// size of a plastic layer's step at the small model: with two threads it
// should take about one share's time.
func BenchmarkFork(b *testing.B) {
	j := spinJob(20 * time.Microsecond)
	for b.Loop() {
		Run(2, j)
	}
}

type spinJob time.Duration

func (d spinJob) RunShare(int) {
	t := time.Now()
	for time.Since(t) < time.Duration(d) {
	}
}

func TestFreeList(t *testing.T) {
	var l FreeList[[4]int]
	a := l.Get()
	require.NotNil(t, a)
	a[0] = 7
	l.Put(a)
	assert.Same(t, a, l.Get(), "a value put back is reused")
	assert.NotSame(t, a, l.Get(), "an empty list makes a new one")
}
