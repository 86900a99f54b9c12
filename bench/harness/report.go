package harness

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"unicode/utf8"
)

// baseline returns the result ratios are taken against: the lstm variant,
// if it ran successfully.
func (rep *Report) baseline() *Result {
	for i := range rep.Results {
		if r := &rep.Results[i]; r.Model == "lstm" && r.Err == nil {
			return r
		}
	}
	return nil
}

// table returns the comparison as a header and rows of cells; align[i] is
// true for right-aligned (numeric) columns.
func (rep *Report) table() (header []string, rows [][]string, align []bool) {
	base := rep.baseline()
	header = []string{"variant", "hidden", "parameters", "train tok/s"}
	align = []bool{false, true, true, true}
	if base != nil {
		header, align = append(header, "× lstm"), append(align, true)
	}
	header, align = append(header, "eval tok/s"), append(align, true)
	if base != nil {
		header, align = append(header, "× lstm"), append(align, true)
	}
	header, align = append(header, "peak RSS MiB"), append(align, true)
	if base != nil {
		header, align = append(header, "× lstm"), append(align, true)
	}
	header = append(header, fmt.Sprintf("loss after %d batches", rep.Options.Batches))
	align = append(align, true)

	for _, r := range rep.Results {
		if r.Err != nil {
			row := []string{r.Model, "failed: " + firstLine(r.Err.Error())}
			for len(row) < len(header) {
				row = append(row, "")
			}
			rows = append(rows, row)
			continue
		}
		row := []string{r.Model, fmt.Sprint(r.Hidden), groupDigits(r.Params), formatRate(r.TrainTokensPerSec)}
		if base != nil {
			row = append(row, roundRatio(r.RoundTrain, base.RoundTrain, r.TrainTokensPerSec, base.TrainTokensPerSec))
		}
		row = append(row, formatRate(r.EvalTokensPerSec))
		if base != nil {
			row = append(row, roundRatio(r.RoundEval, base.RoundEval, r.EvalTokensPerSec, base.EvalTokensPerSec))
		}
		row = append(row, formatMiB(r.PeakRSS))
		if base != nil {
			row = append(row, ratio(float64(r.PeakRSS), float64(base.PeakRSS)))
		}
		row = append(row, fmt.Sprintf("%.3f", r.LossAfter()))
		rows = append(rows, row)
	}
	return header, rows, align
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func formatRate(v float64) string {
	if !(v > 0) {
		return "n/a"
	}
	return groupDigits(int(math.Round(v)))
}

func formatMiB(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", float64(b)/(1<<20))
}

// roundRatio is the ratio of a variant's rate to the baseline's: with
// several rounds the median of the rounds' ratios (each round's runs were
// close in time, so the machine's drift cancels) and their range, else
// v/base.
func roundRatio(vs, bases []float64, v, base float64) string {
	if len(vs) < 2 || len(vs) != len(bases) {
		return ratio(v, base)
	}
	var rs []float64
	for i := range vs {
		if !(vs[i] > 0) || !(bases[i] > 0) {
			return "n/a"
		}
		rs = append(rs, vs[i]/bases[i])
	}
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", median(rs), slices.Min(rs), slices.Max(rs))
}

func ratio(v, base float64) string {
	if !(v > 0) || !(base > 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", v/base)
}

// groupDigits renders n with thousands separators: 4653200 → "4,653,200".
func groupDigits(n int) string {
	if n < 0 {
		return "-" + groupDigits(-n)
	}
	s := fmt.Sprint(n)
	var b strings.Builder
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// context returns one line saying how the numbers were obtained.
func (rep *Report) context() string {
	var isa string
	procs := 0
	for _, r := range rep.Results {
		if r.Err == nil {
			isa, procs = r.ISA, r.GOMAXPROCS
			break
		}
	}
	parts := []string{fmt.Sprintf("%d training batches per variant, each in its own process", rep.Options.Batches)}
	if rep.Options.Rounds > 1 {
		parts = append(parts, fmt.Sprintf("%d rounds in rotation, medians (ratios to lstm taken round by round)", rep.Options.Rounds))
	}
	if rep.Options.MatchParams {
		parts = append(parts, "parameters matched to the baseline")
	}
	if isa != "" {
		parts = append(parts, "ISA "+isa, fmt.Sprintf("GOMAXPROCS %d", procs))
	}
	parts = append(parts, fmt.Sprintf("%s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH),
		rep.Started.UTC().Format("2006-01-02 15:04 MST"))
	return strings.Join(parts, " · ")
}

// notes explains the columns.
func (rep *Report) notes() string {
	k := FinalLossWindow(rep.Options.Batches)
	return fmt.Sprintf("Train tok/s leaves out the first batch (warm-up); eval tok/s is the validation pass "+
		"after training. Peak RSS is the child's maximum resident set size. The loss is the mean "+
		"training loss per token (nats) of the last %d batches.", k)
}

// WriteText writes the comparison as an aligned plain-text table, failures
// after it.
func (rep *Report) WriteText(w io.Writer) error {
	header, rows, align := rep.table()
	var ok [][]string
	for _, row := range rows {
		// A failure message would stretch the columns: it goes below.
		if !strings.HasPrefix(row[1], "failed: ") {
			ok = append(ok, row)
		}
	}
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, ok...) {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, row := range append([][]string{header}, ok...) {
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if align[i] {
				b.WriteString(pad + c)
			} else if i < len(row)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		b.WriteString("\n")
	}
	for _, r := range rep.Results {
		if r.Err != nil {
			fmt.Fprintf(&b, "%s failed: %v\n", r.Model, r.Err)
		}
	}
	fmt.Fprintf(&b, "\n%s\n%s\n", rep.context(), rep.notes())
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the comparison as a markdown section: the context,
// the table, the notes and, if svg is not empty, an image link to it.
func (rep *Report) WriteMarkdown(w io.Writer, svg string) error {
	header, rows, align := rep.table()
	var b strings.Builder
	b.WriteString("## lm bench\n\n")
	b.WriteString(rep.context())
	b.WriteString("\n\n")
	if cmd := rep.command(); cmd != "" {
		fmt.Fprintf(&b, "```\n%s\n```\n\n", cmd)
	}
	cells := func(row []string) {
		b.WriteString("|")
		for _, c := range row {
			b.WriteString(" ")
			b.WriteString(strings.ReplaceAll(c, "|", `\|`))
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	cells(header)
	b.WriteString("|")
	for _, right := range align {
		if right {
			b.WriteString("---:|")
		} else {
			b.WriteString(":---|")
		}
	}
	b.WriteString("\n")
	for _, row := range rows {
		cells(row)
	}
	b.WriteString("\n")
	b.WriteString(rep.notes())
	b.WriteString("\n")
	if svg != "" {
		fmt.Fprintf(&b, "\n![Training loss per batch](%s)\n", svg)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// command returns the child command line of the first variant, with the
// model and log left generic, for the record.
func (rep *Report) command() string {
	if len(rep.Options.Models) == 0 {
		return ""
	}
	args := ChildArgs(rep.Options, "MODEL", filepath.Join(rep.Options.Dir, "MODEL.jsonl"))
	return "lm " + strings.Join(args, " ")
}

// WriteFiles writes bench.md and loss.svg into the options' Dir and returns
// their paths.
func (rep *Report) WriteFiles() (markdown, svg string, err error) {
	dir := rep.Options.Dir
	svg = filepath.Join(dir, "loss.svg")
	var sb strings.Builder
	if err := rep.WriteSVG(&sb); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(svg, []byte(sb.String()), 0o644); err != nil {
		return "", "", err
	}
	markdown = filepath.Join(dir, "bench.md")
	var mb strings.Builder
	if err := rep.WriteMarkdown(&mb, "loss.svg"); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(markdown, []byte(mb.String()), 0o644); err != nil {
		return "", "", err
	}
	return markdown, svg, nil
}
