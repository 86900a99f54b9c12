package main

import (
	"github.com/neuromod-go/neuromod/internal/config"
	"github.com/neuromod-go/neuromod/nn"
	"github.com/neuromod-go/neuromod/plasticity"
)

// lmConfig is the nn configuration of cfg's network over a vocabulary.
func lmConfig(cfg config.Config, vocab int) nn.LMConfig {
	return nn.LMConfig{
		Vocab:     vocab,
		Embed:     cfg.Emb,
		Hidden:    cfg.Hidden,
		Layers:    cfg.Layers,
		Dropout:   float32(cfg.Dropout),
		InitScale: float32(cfg.Init),
		Seed:      cfg.Seed,
	}
}

// buildModel returns the freshly initialised model that cfg describes, and
// the configuration in effect (with -match-params, the hidden size chosen so
// that the variant has as many parameters as the baseline), plus the
// baseline's parameter count when matching (else 0).
//
// A configuration whose BaselineParams is set (a checkpoint's, matched
// already) keeps its Hidden.
func buildModel(cfg config.Config, vocab int) (*nn.LM, config.Config, int, error) {
	if cfg.Model == config.ModelLSTM {
		m, err := nn.NewLM(lmConfig(cfg, vocab))
		if err != nil {
			return nil, cfg, 0, err
		}
		baseline := 0
		if cfg.MatchParams {
			baseline = nn.ParamCount(m)
			cfg.BaselineParams = baseline
		}
		return m, cfg, baseline, nil
	}

	pc, err := plasticOptions(cfg).Config()
	if err != nil {
		return nil, cfg, 0, err
	}
	baseline := 0
	switch {
	case cfg.MatchParams && cfg.BaselineParams > 0:
		baseline = cfg.BaselineParams
	case cfg.MatchParams:
		baseline = baselineParams(cfg, vocab)
		cfg = matchHidden(cfg, pc, vocab, baseline)
		cfg.BaselineParams = baseline
	}
	m, err := plasticity.NewLM(lmConfig(cfg, vocab), pc)
	if err != nil {
		return nil, cfg, 0, err
	}
	if cfg.Plasticity.L2Exempt {
		for _, p := range m.RNN.(*plasticity.LSTM).PlasticityParams() {
			p.NoDecay = true
		}
	}
	return m, cfg, baseline, nil
}

// plasticOptions are the plasticity flags of cfg.
func plasticOptions(cfg config.Config) plasticity.Options {
	p := cfg.Plasticity
	return plasticity.Options{
		Model: cfg.Model, FanOut: p.Fanout, Eta: p.Eta, Alpha: p.Alpha,
		ModInput: p.ModInput, Clip: p.HebbClip, AGDiv: p.AGDiv, FanInit: p.FanInit,
	}
}

// baselineParams counts the baseline LSTM language model of cfg's sizes: an
// embedding and an untied decoder with bias around layers of PyTorch's LSTM
// (two biases per gate).
func baselineParams(cfg config.Config, vocab int) int {
	n := vocab*cfg.Emb + cfg.Hidden*vocab + vocab
	for k := 0; k < cfg.Layers; k++ {
		in := cfg.Hidden
		if k == 0 {
			in = cfg.Emb
		}
		n += 4*cfg.Hidden*(in+cfg.Hidden) + 8*cfg.Hidden
	}
	return n
}

// plasticParams counts the plastic language model of cfg's sizes.
func plasticParams(cfg config.Config, pc plasticity.Config, vocab int) int {
	n := vocab*cfg.Emb + cfg.Hidden*vocab + vocab
	for k := 0; k < cfg.Layers; k++ {
		pc.Input, pc.Hidden = cfg.Hidden, cfg.Hidden
		if k == 0 {
			pc.Input = cfg.Emb
		}
		n += pc.NumParams()
	}
	return n
}

// matchHidden returns cfg with the hidden size (and the embedding size, when
// the baseline ties them) whose plastic model's parameter count is closest
// to target, as the paper matched its conditions.
func matchHidden(cfg config.Config, pc plasticity.Config, vocab, target int) config.Config {
	tied := cfg.Emb == cfg.Hidden
	best, bestDiff := cfg, -1
	for h := 1; h <= cfg.Hidden; h++ {
		c := cfg
		c.Hidden = h
		if tied {
			c.Emb = h
		}
		d := plasticParams(c, pc, vocab) - target
		if d < 0 {
			d = -d
		}
		if bestDiff < 0 || d < bestDiff {
			best, bestDiff = c, d
		}
	}
	return best
}
