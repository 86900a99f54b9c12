package main

import (
	"fmt"
	"strconv"
)

// Hyper is one configuration of the tuning grid: the hyper-parameters the
// paper searched over (spec §3.2). Everything else is fixed by the procedure.
type Hyper struct {
	// ID names the configuration and its run directory.
	ID string `json:"id"`
	// Decay multiplies the learning rate once per epoch from DecayStart on
	// (lm train -decay).
	Decay float64 `json:"decay"`
	// DecayStart is the first epoch, counting from 1, whose learning rate is
	// decayed (lm train -decay-start).
	DecayStart int `json:"decay_start"`
	// Init is the scale of the uniform initialisation U(−Init, Init).
	Init float64 `json:"init"`
	// L2 is the weight-decay coefficient.
	L2 float64 `json:"l2"`
	// Why says what the configuration probes.
	Why string `json:"why"`
}

// Grid is the tuning design: the same six configurations, in this order, for
// every condition. The package documentation explains the choice. The first
// is the centre, run first so that the early-stopping reference exists as
// soon as possible.
var Grid = []Hyper{
	{ID: "c1", Decay: 0.33, DecayStart: 5, Init: 0.10, L2: 1e-4,
		Why: "centre: Zaremba's init and decay start, mid-grid decay, mid-grid L2"},
	{ID: "c2", Decay: 0.33, DecayStart: 5, Init: 0.10, L2: 1e-3,
		Why: "centre with 10× more L2"},
	{ID: "c3", Decay: 0.33, DecayStart: 5, Init: 0.10, L2: 1e-5,
		Why: "centre with 10× less L2"},
	{ID: "c4", Decay: 0.40, DecayStart: 6, Init: 0.10, L2: 1e-4,
		Why: "longest high-LR phase of the grid: late start, gentlest decay"},
	{ID: "c5", Decay: 0.25, DecayStart: 4, Init: 0.10, L2: 1e-4,
		Why: "shortest high-LR phase of the grid: early start, steepest decay"},
	{ID: "c6", Decay: 0.33, DecayStart: 5, Init: 0.12, L2: 1e-4,
		Why: "centre with the grid's largest init scale"},
}

// Conditions are the four models of Table 1, in the paper's order, with
// their published test perplexities (spec §3.5, mean of 16 runs).
var Conditions = []Condition{
	{Model: "lstm", Name: "baseline LSTM", PublishedTest: 104.26},
	{Model: "plastic", Name: "differentiable plasticity", PublishedTest: 103.80},
	{Model: "neuromod", Name: "simple neuromodulation", PublishedTest: 102.65},
	{Model: "retro", Name: "retroactive neuromodulation", PublishedTest: 102.48},
}

// Condition is one row of the paper's Table 1.
type Condition struct {
	Model         string  `json:"model"` // lm train -model
	Name          string  `json:"name"`
	PublishedTest float64 `json:"published_test"`
}

// trainFlags returns the lm train flags that set h.
func (h Hyper) trainFlags() []string {
	return []string{
		"-decay", fmtFloat(h.Decay), "-decay-start", strconv.Itoa(h.DecayStart),
		"-init", fmtFloat(h.Init), "-l2", fmtFloat(h.L2),
	}
}

// String describes h compactly, as in the summary.
func (h Hyper) String() string {
	return fmt.Sprintf("decay %s from epoch %d, init %s, L2 %s", fmtFloat(h.Decay), h.DecayStart, fmtFloat(h.Init),
		strconv.FormatFloat(h.L2, 'e', -1, 64))
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// The early-stopping rule (see the package documentation).
const (
	// stopMargin: a run whose validation perplexity is more than this
	// fraction above the reference's at the same epoch is stopped, once
	// both have decayed their learning rate for settledEpochs epochs.
	stopMargin = 0.01
	// settledEpochs: decayed epochs after which the validation perplexity
	// barely moves any more (the learning rate is then at most 0.40^4 ≈ 2.6 %
	// of the initial one).
	settledEpochs = 4
	// hopelessFactor: a run whose validation perplexity is this many times
	// the reference's at the same epoch is stopped at any epoch.
	hopelessFactor = 1.5
)

// earlyStop decides, after the last epoch in valid (validation perplexities,
// epoch 1 first), whether a run of configuration h should stop, given the
// reference: the finished run of the same condition with the lowest final
// validation perplexity (configuration ref, perplexities refValid). It
// returns the reason when it stops.
func earlyStop(h Hyper, valid []float64, ref Hyper, refValid []float64) (bool, string) {
	e := len(valid)
	if e == 0 || e > len(refValid) {
		return false, ""
	}
	v, r := valid[e-1], refValid[e-1]
	if v > hopelessFactor*r {
		return true, fmt.Sprintf("epoch %d: validation perplexity %.2f is more than %g× the reference %s's %.2f",
			e, v, hopelessFactor, ref.ID, r)
	}
	settled := max(h.DecayStart, ref.DecayStart) + settledEpochs - 1
	if e >= settled && v > r*(1+stopMargin) {
		return true, fmt.Sprintf("epoch %d: validation perplexity %.2f is more than %g%% above the reference %s's %.2f, with both learning rates decayed %d+ times",
			e, v, 100*stopMargin, ref.ID, r, settledEpochs)
	}
	return false, ""
}
