package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// procedure carries out (or continues) the whole procedure for opts.
func procedure(ctx context.Context, opts options, stdout, stderr io.Writer) error {
	p := &proc{opts: opts, lm: opts.LM, stdout: stdout, stderr: stderr}
	if opts.DryRun {
		return p.dryRun()
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return err
	}
	build := ""
	var err error
	if p.lm == "" {
		if p.lm, build, err = buildLM(ctx, opts.Out); err != nil {
			return err
		}
	}
	p.sum = &summary{Options: opts, LM: p.lm, Build: build}
	sum := p.sum
	var failed []string
	var busy []string
	for _, cond := range opts.Conditions {
		if err := os.MkdirAll(filepath.Join(opts.Out, cond), 0o755); err != nil {
			return err
		}
		unlock, err := lock(filepath.Join(opts.Out, cond))
		if errors.Is(err, errLocked) {
			fmt.Fprintf(stderr, "repro: %v: skipping %s\n", err, cond)
			busy = append(busy, cond)
			continue
		}
		if err != nil {
			return err
		}
		runs, err := p.condition(ctx, cond)
		unlock()
		if ctx.Err() != nil || err != nil {
			// Record what there is before leaving.
			_ = p.writeSummary(sum)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		for _, st := range runs {
			if st.State == stateFailed {
				failed = append(failed, cond+"/"+st.Hyper.ID)
			}
		}
		if err := p.writeSummary(sum); err != nil {
			return err
		}
	}
	if err := p.writeSummary(sum); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "summary: %s\n", filepath.Join(opts.Out, "summary.md"))
	var errs []error
	if len(failed) > 0 {
		errs = append(errs, fmt.Errorf("%d run(s) failed and will be retried by the next sitting: %s", len(failed), strings.Join(failed, ", ")))
	}
	if len(busy) > 0 {
		errs = append(errs, fmt.Errorf("skipped, being run by another sitting: %s", strings.Join(busy, ", ")))
	}
	return errors.Join(errs...)
}

// dryRun prints each run's state and the lm command its next step would run,
// and changes nothing.
func (p *proc) dryRun() error {
	if p.lm == "" {
		p.lm = filepath.Join(p.opts.Out, "lm")
	}
	for _, cond := range p.opts.Conditions {
		for _, h := range Grid[:p.opts.Configs] {
			st, err := p.loadStatus(cond, h)
			if err != nil {
				return err
			}
			if _, err := p.refresh(st); err != nil {
				return err
			}
			fmt.Fprintf(p.stdout, "%s/%s  %-11s %d/%d epochs  %s\n", cond, h.ID, st.State, st.EpochsDone, p.opts.Epochs, h)
			if !st.final(p.opts.Epochs) {
				args, _ := p.trainArgs(st)
				fmt.Fprintf(p.stdout, "    next: %s %s\n", p.lm, strings.Join(args, " "))
			}
		}
	}
	return nil
}

// buildLM builds cmd/lm into out/lm from the module root of the working
// directory and returns its path and the source revision (git describe).
func buildLM(ctx context.Context, out string) (path, build string, err error) {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env GOMOD: %w (pass -lm to use a built lm)", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if strings.TrimSpace(string(gomod)) == "" || strings.TrimSpace(string(gomod)) == os.DevNull {
		return "", "", errors.New("not inside the neuromod module: run from its checkout or pass -lm")
	}
	path, err = filepath.Abs(filepath.Join(out, "lm"))
	if err != nil {
		return "", "", err
	}
	// Build beside the binary and rename over it: a sitting on another
	// condition may be running the old one, which keeps its inode.
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	cmd := exec.CommandContext(ctx, "go", "build", "-o", tmp, "./cmd/lm")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return "", "", fmt.Errorf("go build ./cmd/lm: %w\n%s", err, b)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", "", err
	}
	git := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty")
	git.Dir = root
	if b, err := git.Output(); err == nil {
		build = strings.TrimSpace(string(b))
	}
	return path, build, nil
}

// errLocked: another live sitting holds the lock.
var errLocked = errors.New("locked by another sitting")

// lock makes dir/repro.lock (dir is a condition's directory) hold this
// process's id, refusing with errLocked when another live process holds it:
// two sittings on one condition would train the same runs twice at once.
// Sittings on different conditions may run side by side.
func lock(dir string) (unlock func(), err error) {
	path := filepath.Join(dir, "repro.lock")
	for range 2 {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		b, _ := os.ReadFile(path)
		pid, perr := strconv.Atoi(strings.TrimSpace(string(b)))
		if perr == nil && pid > 0 && pid != os.Getpid() && processAlive(pid) {
			return nil, fmt.Errorf("%w: %s holds pid %d (remove the file if that process is not a sitting)", errLocked, path, pid)
		}
		os.Remove(path) // stale: its process is gone
	}
	return nil, fmt.Errorf("%s: cannot take the lock", path)
}
