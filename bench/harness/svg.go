package harness

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Chart geometry, in SVG user units (pixels at 100 %).
const (
	chartW     = 860
	chartH     = 500
	plotLeft   = 76
	plotRight  = chartW - 170 // room for the legend
	plotTop    = 64
	plotBottom = chartH - 60
)

// palette holds colour-blind-friendly line colours (Okabe–Ito), one per
// variant in order.
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"}

// smoothWindow returns the width of the moving average drawn over n raw
// batch losses: about a fortieth of the run, odd, at least 1.
func smoothWindow(n int) int {
	w := n / 40
	if w%2 == 0 {
		w++
	}
	return max(w, 1)
}

// movingAverage returns the centred moving average of xs over w points,
// shrinking the window at the ends.
func movingAverage(xs []float64, w int) []float64 {
	out := make([]float64, len(xs))
	h := w / 2
	for i := range xs {
		lo, hi := max(i-h, 0), min(i+h+1, len(xs))
		sum := 0.0
		for _, x := range xs[lo:hi] {
			sum += x
		}
		out[i] = sum / float64(hi-lo)
	}
	return out
}

// niceTicks returns round tick values covering [lo, hi] with about n steps,
// the step being 1, 2, 2.5 or 5 times a power of ten.
func niceTicks(lo, hi float64, n int) (ticks []float64, step float64) {
	if !(hi > lo) {
		lo, hi = lo-1, lo+1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	end := math.Ceil(hi/step) * step
	for i := 0; ; i++ {
		v := start + float64(i)*step
		if v > end+step/1e6 {
			break
		}
		// Snap away float noise such as 0.30000000000000004.
		ticks = append(ticks, math.Round(v/step)*step)
	}
	return ticks, step
}

// formatTick renders a tick value with no more decimals than step needs.
func formatTick(v, step float64) string {
	decimals := 0
	for s := step; decimals < 6 && math.Abs(s-math.Round(s)) > 1e-9; s *= 10 {
		decimals++
	}
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// WriteSVG draws the training-loss curves of every successful variant as a
// self-contained SVG: a faint line per raw batch loss, a bold moving average
// over it, axes with round ticks, grid lines and a legend.
func (rep *Report) WriteSVG(w io.Writer) error {
	type series struct {
		name   string
		color  string
		raw    []float64
		smooth []float64
	}
	var ss []series
	maxN := 0
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, r := range rep.Results {
		if r.Err != nil || len(r.Losses) == 0 {
			continue
		}
		s := series{name: r.Model, color: palette[i%len(palette)], raw: r.Losses,
			smooth: movingAverage(r.Losses, smoothWindow(len(r.Losses)))}
		for _, v := range r.Losses {
			if !math.IsNaN(v) && !math.IsInf(v, 0) && v < 1e30 {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		maxN = max(maxN, len(r.Losses))
		ss = append(ss, s)
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" `+
		`font-family="Helvetica, Arial, sans-serif" font-size="13">`+"\n", chartW, chartH, chartW, chartH)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", chartW, chartH)
	title := "Training loss per batch"
	fmt.Fprintf(&b, `<text x="%d" y="28" font-size="17" font-weight="bold" fill="#222">%s</text>`+"\n", plotLeft, esc(title))
	sub := fmt.Sprintf("%d batches per variant", rep.Options.Batches)
	if rep.Options.MatchParams {
		sub += ", parameters matched"
	}
	if len(ss) > 0 {
		if sw := smoothWindow(maxN); sw > 1 {
			sub += fmt.Sprintf(" · bold: moving average over %d batches, faint: each batch", sw)
		}
	}
	fmt.Fprintf(&b, `<text x="%d" y="48" fill="#555">%s</text>`+"\n", plotLeft, esc(sub))

	if len(ss) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#888">no successful runs to plot</text>`+"\n",
			(plotLeft+plotRight)/2, (plotTop+plotBottom)/2)
		b.WriteString("</svg>\n")
		_, err := io.WriteString(w, b.String())
		return err
	}

	yTicks, yStep := niceTicks(lo, hi, 6)
	yMin, yMax := yTicks[0], yTicks[len(yTicks)-1]
	xTicks, xStep := niceTicks(1, float64(max(maxN, 2)), 8)
	xMin, xMax := 0.0, xTicks[len(xTicks)-1]
	if xTicks[0] > 0 {
		xMin = xTicks[0]
	}
	px := func(x float64) float64 { return plotLeft + (x-xMin)/(xMax-xMin)*(plotRight-plotLeft) }
	py := func(y float64) float64 { return plotBottom - (y-yMin)/(yMax-yMin)*(plotBottom-plotTop) }

	// Grid and ticks.
	b.WriteString(`<g stroke="#e6e6e6" stroke-width="1">` + "\n")
	for _, t := range yTicks {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`+"\n", plotLeft, py(t), plotRight, py(t))
	}
	for _, t := range xTicks {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>`+"\n", px(t), plotTop, px(t), plotBottom)
	}
	b.WriteString("</g>\n")
	b.WriteString(`<g fill="#444" font-size="12">` + "\n")
	for _, t := range yTicks {
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n",
			plotLeft-8, py(t), formatTick(t, yStep))
	}
	for _, t := range xTicks {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n",
			px(t), plotBottom+20, formatTick(t, xStep))
	}
	b.WriteString("</g>\n")
	// Axes and their labels.
	fmt.Fprintf(&b, `<path d="M%d %d V%d H%d" fill="none" stroke="#333" stroke-width="1.2"/>`+"\n",
		plotLeft, plotTop, plotBottom, plotRight)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#222">batch</text>`+"\n",
		(plotLeft+plotRight)/2, plotBottom+44)
	fmt.Fprintf(&b, `<text transform="translate(22 %d) rotate(-90)" text-anchor="middle" fill="#222">loss (nats per token)</text>`+"\n",
		(plotTop+plotBottom)/2)

	// The curves, clipped to the plot area.
	fmt.Fprintf(&b, `<clipPath id="plot"><rect x="%d" y="%d" width="%d" height="%d"/></clipPath>`+"\n",
		plotLeft, plotTop, plotRight-plotLeft, plotBottom-plotTop)
	b.WriteString(`<g clip-path="url(#plot)" fill="none" stroke-linejoin="round" stroke-linecap="round">` + "\n")
	polyline := func(ys []float64, color string, width, opacity float64) {
		fmt.Fprintf(&b, `<polyline stroke="%s" stroke-width="%g" stroke-opacity="%g" points="`, color, width, opacity)
		for i, y := range ys {
			if math.IsNaN(y) || math.IsInf(y, 0) || y > 1e30 {
				y = yMax
			}
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%.1f,%.1f", px(float64(i+1)), py(y))
		}
		b.WriteString(`"/>` + "\n")
	}
	for _, s := range ss {
		polyline(s.raw, s.color, 1, 0.25)
	}
	for _, s := range ss {
		polyline(s.smooth, s.color, 2.4, 1)
	}
	b.WriteString("</g>\n")

	// Legend: colour, name and final loss.
	lx, ly := plotRight+22, plotTop+6
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#555" font-size="12">loss after %d</text>`+"\n",
		lx, ly, rep.Options.Batches)
	for i, s := range ss {
		y := ly + 26 + 24*i
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3" stroke-linecap="round"/>`+"\n",
			lx, y, lx+24, y, s.color)
		final := rep.resultFor(s.name).LossAfter()
		fmt.Fprintf(&b, `<text x="%d" y="%d" dominant-baseline="middle" fill="#222">%s <tspan fill="#666">%.3f</tspan></text>`+"\n",
			lx+32, y, esc(s.name), final)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func (rep *Report) resultFor(model string) *Result {
	for i := range rep.Results {
		if rep.Results[i].Model == model {
			return &rep.Results[i]
		}
	}
	return &Result{}
}
