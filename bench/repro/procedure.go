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
	unlock, err := lock(opts.Out)
	if err != nil {
		return err
	}
	defer unlock()

	build := ""
	if p.lm == "" {
		if p.lm, build, err = buildLM(ctx, opts.Out); err != nil {
			return err
		}
	}
	sum := &summary{Options: opts, LM: p.lm, Build: build}
	var failed []string
	for _, cond := range opts.Conditions {
		runs, err := p.condition(ctx, cond)
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
	if len(failed) > 0 {
		return fmt.Errorf("%d run(s) failed and will be retried by the next sitting: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
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
	cmd := exec.CommandContext(ctx, "go", "build", "-o", path, "./cmd/lm")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("go build ./cmd/lm: %w\n%s", err, b)
	}
	git := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty")
	git.Dir = root
	if b, err := git.Output(); err == nil {
		build = strings.TrimSpace(string(b))
	}
	return path, build, nil
}

// lock makes out/repro.lock hold this process's id, refusing when another
// live process holds it: two sittings on one directory would train the same
// runs twice at once.
func lock(out string) (unlock func(), err error) {
	path := filepath.Join(out, "repro.lock")
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
			return nil, fmt.Errorf("%s: process %d is running the procedure in this directory (remove the file if it is not)", path, pid)
		}
		os.Remove(path) // stale: its process is gone
	}
	return nil, fmt.Errorf("%s: cannot take the lock", path)
}
