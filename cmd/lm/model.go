package main

import (
	"fmt"

	"github.com/neuromod-go/neuromod/internal/config"
	"github.com/neuromod-go/neuromod/nn"
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
func buildModel(cfg config.Config, vocab int) (*nn.LM, config.Config, int, error) {
	switch cfg.Model {
	case config.ModelLSTM:
		m, err := nn.NewLM(lmConfig(cfg, vocab))
		if err != nil {
			return nil, cfg, 0, err
		}
		baseline := 0
		if cfg.MatchParams {
			baseline = nn.ParamCount(m)
		}
		return m, cfg, baseline, nil
	default:
		return nil, cfg, 0, fmt.Errorf("-model %s is not available in this build yet; use -model lstm", cfg.Model)
	}
}
