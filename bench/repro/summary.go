package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// summary is out/summary.json; writeSummary also renders it as summary.md.
type summary struct {
	Generated  time.Time     `json:"generated"`
	Options    options       `json:"options"`
	LM         string        `json:"lm"`
	Build      string        `json:"build,omitempty"` // git describe of the source lm was built from
	Fixed      string        `json:"fixed"`
	EarlyStop  string        `json:"early_stop"`
	Conditions []condSummary `json:"conditions"`
}

// condSummary is one condition: its runs and, once tuning is complete, the
// best run and its test perplexity.
type condSummary struct {
	Condition
	// Complete: every configuration is finished, stopped or diverged.
	Complete bool `json:"complete"`
	// Best is the ID of the finished run with the lowest final validation
	// perplexity so far (provisional until Complete).
	Best         string       `json:"best,omitempty"`
	BestValidPPL float64      `json:"best_valid_ppl,omitempty"`
	Test         *testResult  `json:"test,omitempty"`
	Runs         []*runStatus `json:"runs"`
}

const fixedSettings = "2-layer LSTM LM, zaremba-small sizes (emb 200, hidden 200 for the baseline), -match-params, " +
	"bptt 20, batch 20, SGD lr 1, gradient-norm clip 5, no dropout, seed 1, validation after every epoch " +
	"(batch 20), test once for the best configuration (batch 1, state carried through the split)"

func earlyStopText() string {
	return fmt.Sprintf("reference = the condition's finished run with the lowest final validation perplexity; after epoch e a run stops "+
		"if its validation perplexity is > %g× the reference's at epoch e, or if e ≥ max(decay starts)+%d and it is > %g%% above the reference's at epoch e",
		hopelessFactor, settledEpochs-1, 100*stopMargin)
}

// writeSummary gathers every run's status (all conditions, the sitting's
// configurations) and writes summary.json and summary.md.
func (p *proc) writeSummary(s *summary) error {
	s.Generated = time.Now().UTC()
	s.Fixed, s.EarlyStop = fixedSettings, earlyStopText()
	s.Conditions = s.Conditions[:0]
	for _, c := range Conditions {
		cs := condSummary{Condition: c}
		for _, h := range Grid[:p.opts.Configs] {
			st, err := p.loadStatus(c.Model, h)
			if err != nil {
				return err
			}
			cs.Runs = append(cs.Runs, st)
		}
		cs.Complete = allFinal(cs.Runs, p.opts.Epochs)
		if best := bestRun(cs.Runs); best != nil {
			cs.Best, cs.BestValidPPL = best.Hyper.ID, best.FinalValidPPL
			if best.Test != nil && best.Test.Epochs == best.EpochsDone && cs.Complete {
				cs.Test = best.Test
			}
		}
		s.Conditions = append(s.Conditions, cs)
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(p.opts.Out, "summary.json"), append(b, '\n')); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(p.opts.Out, "summary.md"), []byte(s.markdown()))
}

func (s *summary) markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# PTB Table 1 (small model): reproduction summary\n\n")
	w("Generated %s by `bench/repro`", s.Generated.Format(time.RFC3339))
	if s.Build != "" {
		w(" with lm built from `%s`", s.Build)
	}
	w(". Data `%s`, %d epochs, %d threads, %d configurations per condition", s.Options.Data, s.Options.Epochs, s.Options.Threads, s.Options.Configs)
	if len(s.Options.First) > 0 {
		w(", this sitting ran %s first", strings.Join(s.Options.First, ", "))
	}
	if len(s.Options.Extra) > 0 {
		w(", extra lm flags `%s`", strings.Join(s.Options.Extra, " "))
	}
	w(".\n\nFixed: %s.\n\nEarly stopping: %s.\n\n", s.Fixed, s.EarlyStop)

	w("## Best configuration per condition\n\n")
	w("| condition | published test | test (ours) | ours − published | best config | hyper-parameters | final valid | params | hidden | wall time | tuning |\n")
	w("|---|---:|---:|---:|---|---|---:|---:|---:|---:|---|\n")
	for _, c := range s.Conditions {
		test, diff, cfg, hyper, valid, params, hidden, wall := "–", "–", "–", "–", "–", "–", "–", "–"
		for _, st := range c.Runs {
			if st.Hyper.ID != c.Best {
				continue
			}
			cfg, hyper, valid = st.Hyper.ID, st.Hyper.String(), fmt.Sprintf("%.2f", st.FinalValidPPL)
			params, hidden, wall = count(st.Params), count(st.Hidden), duration(st.WallSec)
		}
		if c.Test != nil {
			test, diff = fmt.Sprintf("%.2f", c.Test.PPL), fmt.Sprintf("%+.2f", c.Test.PPL-c.PublishedTest)
		}
		tuning := "complete"
		if !c.Complete {
			tuning = "not started"
			if slices.ContainsFunc(c.Runs, func(st *runStatus) bool { return st.State != statePending }) {
				tuning = "in progress (best so far)"
			}
		}
		w("| %s (`%s`) | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			c.Name, c.Model, c.PublishedTest, test, diff, cfg, hyper, valid, params, hidden, wall, tuning)
	}
	w("\nPublished: test perplexity, mean of 16 runs (Miconi et al. 2019, Table 1). Ours: one run (seed 1) of the configuration with the best final validation perplexity.\n\n")

	w("## All runs\n\n")
	w("| condition | config | hyper-parameters | params | valid ppl per epoch | final valid | test | state | wall time |\n")
	w("|---|---|---|---:|---|---:|---:|---|---:|\n")
	var notes []string
	for _, c := range s.Conditions {
		for _, st := range c.Runs {
			epochs := make([]string, len(st.ValidPPL))
			for i, v := range st.ValidPPL {
				epochs[i] = fmt.Sprintf("%.1f", v)
			}
			final, test := "–", "–"
			if st.FinalValidPPL > 0 {
				final = fmt.Sprintf("%.2f", st.FinalValidPPL)
			}
			if c.Test != nil && st.Hyper.ID == c.Best {
				test = fmt.Sprintf("%.2f", c.Test.PPL)
			} else if st.Test != nil {
				notes = append(notes, fmt.Sprintf("%s/%s was evaluated on test when it was the best of an earlier sitting (%.2f, after %d epochs); it is not the reported number.",
					c.Model, st.Hyper.ID, st.Test.PPL, st.Test.Epochs))
			}
			w("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", c.Model, st.Hyper.ID, st.Hyper.String(), count(st.Params),
				strings.Join(epochs, " "), final, test, st.State, duration(st.WallSec))
			if st.ForkedFrom != "" {
				notes = append(notes, fmt.Sprintf("%s/%s started from %s's checkpoint (its epochs up to then are identical: same init and L2, learning rate not yet decayed); its wall time includes those epochs.",
					c.Model, st.Hyper.ID, st.ForkedFrom))
			}
			switch {
			case st.StopReason != "":
				notes = append(notes, fmt.Sprintf("%s/%s stopped early: %s.", c.Model, st.Hyper.ID, st.StopReason))
			case st.Error != "":
				notes = append(notes, fmt.Sprintf("%s/%s %s: %s", c.Model, st.Hyper.ID, st.State, firstLine(st.Error)))
			}
		}
	}
	if len(notes) > 0 {
		w("\nNotes:\n\n")
		for _, n := range notes {
			w("- %s\n", n)
		}
	}
	w("\nLogs: `<condition>/<config>/train.jsonl` (lm train, one process per epoch), `test.jsonl` (lm eval of the best), `console.txt` (commands and output), `status.json`.\n")
	return b.String()
}

func count(n int) string {
	if n <= 0 {
		return "–"
	}
	s := fmt.Sprint(n)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func duration(sec float64) string {
	if sec <= 0 {
		return "–"
	}
	return time.Duration(sec * float64(time.Second)).Round(time.Second).String()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
