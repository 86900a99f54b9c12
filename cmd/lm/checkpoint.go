package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/neuromod-go/neuromod/data/ptb"
	"github.com/neuromod-go/neuromod/internal/config"
	"github.com/neuromod-go/neuromod/internal/safetensors"
	"github.com/neuromod-go/neuromod/nn"
	"github.com/neuromod-go/neuromod/tensor"
)

// A checkpoint is two safetensors files written side by side:
//
//   - PATH holds the model's weights under PyTorch's state-dict names and
//     layouts, and in its metadata the run's Config ("config", JSON), the
//     vocabulary ("vocab", a JSON list of words in id order) and an id. A
//     PyTorch user loads it with safetensors.torch.load_file and
//     load_state_dict.
//   - PATH.train (trainState) holds what an exact resume needs beyond the
//     weights: the position in training, the recurrent state carried between
//     segments, the dropout generator and the optimiser's state, with the
//     same id in its metadata.
//
// The training state is written first and the weights last, each atomically
// (temporary file and rename), so a crash leaves either the old pair or a
// new weights file whose id names its training state; a pair whose ids
// differ is refused on resume.

// checkpointFormat names the layout of the metadata, for future changes.
const checkpointFormat = "neuromod-lm/1"

// trainStateSuffix is appended to a checkpoint's path for its training state.
const trainStateSuffix = ".train"

// Metadata keys of the weights file.
const (
	metaFormat = "format"
	metaConfig = "config"
	metaVocab  = "vocab"
	metaID     = "id"
)

// Metadata keys of the training-state file.
const (
	metaEpoch     = "epoch"        // the epoch to continue in, from 1
	metaSegment   = "next_segment" // the first segment of that epoch not yet trained
	metaAdamSteps = "adam_steps"
)

// Tensor-name prefixes of the training-state file.
const (
	statePrefix = "state."      // recurrent state carried between segments
	optimPrefix = "optim."      // optimiser state
	rngName     = "dropout_rng" // the dropout generator, as bytes
)

// position is where training stands: the next segment to train is Segment
// of epoch Epoch (both from the start of the run, Epoch counting from 1).
type position struct {
	Epoch, Segment int
}

// checkpoint is everything saved about a run.
type checkpoint struct {
	Config config.Config
	Vocab  []string
	Model  *nn.LM
	Adam   *nn.Adam // nil for SGD
	Pos    position
}

// saveCheckpoint writes ck to path (and path.train) atomically.
func saveCheckpoint(path string, ck *checkpoint) error {
	id := strconv.FormatInt(time.Now().UnixNano(), 36)

	cfgJSON, err := json.Marshal(ck.Config)
	if err != nil {
		return fmt.Errorf("saving checkpoint: %w", err)
	}
	vocabJSON, err := json.Marshal(ck.Vocab)
	if err != nil {
		return fmt.Errorf("saving checkpoint: %w", err)
	}

	state := map[string]safetensors.Tensor{}
	for name, t := range ck.Model.CarriedState() {
		state[statePrefix+name] = f32Tensor(t)
	}
	rng, err := ck.Model.RNGState()
	if err != nil {
		return fmt.Errorf("saving checkpoint: %w", err)
	}
	state[rngName] = safetensors.U8([]int{len(rng)}, rng)
	stateMeta := map[string]string{
		metaFormat:  checkpointFormat,
		metaID:      id,
		metaEpoch:   strconv.Itoa(ck.Pos.Epoch),
		metaSegment: strconv.Itoa(ck.Pos.Segment),
	}
	if ck.Adam != nil {
		for name, t := range ck.Adam.StateDict(ck.Model.Params()) {
			state[optimPrefix+name] = f32Tensor(t)
		}
		stateMeta[metaAdamSteps] = strconv.Itoa(ck.Adam.Steps)
	}
	if err := safetensors.WriteFile(path+trainStateSuffix, state, stateMeta); err != nil {
		return fmt.Errorf("saving training state: %w", err)
	}

	weights := map[string]safetensors.Tensor{}
	for name, t := range nn.StateDict(ck.Model) {
		weights[name] = f32Tensor(t)
	}
	meta := map[string]string{
		metaFormat: checkpointFormat,
		metaID:     id,
		metaConfig: string(cfgJSON),
		metaVocab:  string(vocabJSON),
	}
	if err := safetensors.WriteFile(path, weights, meta); err != nil {
		return fmt.Errorf("saving checkpoint: %w", err)
	}
	return nil
}

// f32Tensor copies a tensor into a safetensors F32 tensor.
func f32Tensor(t tensor.Tensor) safetensors.Tensor {
	return safetensors.F32(t.Shape(), t.Data)
}

// loadedWeights is a checkpoint's weights file, read and checked.
type loadedWeights struct {
	file   *safetensors.File
	Config config.Config
	Vocab  *ptb.Vocab
	id     string
}

// readWeights reads and checks the weights file of a checkpoint and its
// metadata, without building a model.
func readWeights(path string) (*loadedWeights, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("checkpoint %s does not exist: give the path of a .safetensors file written by lm train", path)
		}
		return nil, err
	}
	damaged := func(format string, args ...any) error {
		return fmt.Errorf("checkpoint %s is not a neuromod checkpoint or is damaged: %s", path, fmt.Sprintf(format, args...))
	}
	if got := f.Metadata[metaFormat]; got != checkpointFormat {
		return nil, damaged("metadata format is %q, want %q", got, checkpointFormat)
	}
	lw := &loadedWeights{file: f, id: f.Metadata[metaID]}
	if err := json.Unmarshal([]byte(f.Metadata[metaConfig]), &lw.Config); err != nil {
		return nil, damaged("its config does not parse: %v", err)
	}
	if err := lw.Config.Validate(); err != nil {
		return nil, damaged("its config is invalid: %v", err)
	}
	if lw.Config.MatchParams && lw.Config.BaselineParams == 0 {
		// From before configs recorded the matched baseline: the saved
		// Hidden is the matched one, which building the model must keep
		// rather than match again.
		lw.Config.MatchParams = false
	}
	var words []string
	if err := json.Unmarshal([]byte(f.Metadata[metaVocab]), &words); err != nil {
		return nil, damaged("its vocabulary does not parse: %v", err)
	}
	if lw.Vocab, err = ptb.NewVocab(words); err != nil {
		return nil, damaged("its vocabulary is invalid: %v", err)
	}
	return lw, nil
}

// loadInto copies the weights into m, which must have the checkpoint's
// architecture.
func (lw *loadedWeights) loadInto(m *nn.LM) error {
	dict := map[string]tensor.Tensor{}
	for _, name := range lw.file.Names() {
		t := lw.file.Tensors[name]
		data, err := lw.file.Float32s(name, t.Shape)
		if err != nil {
			return err
		}
		tt, err := tensor.FromSlice(data, t.Shape...)
		if err != nil {
			return fmt.Errorf("checkpoint %s: tensor %s: %w", lw.file.Path, name, err)
		}
		dict[name] = tt
	}
	if err := nn.LoadStateDict(m, dict); err != nil {
		return fmt.Errorf("checkpoint %s does not fit its own config: %w", lw.file.Path, err)
	}
	return nil
}

// loadTrainState reads path.train into the model and optimiser of ck and
// sets ck.Pos. The file must carry the weights' id.
func (lw *loadedWeights) loadTrainState(ck *checkpoint) error {
	path := lw.file.Path + trainStateSuffix
	f, err := safetensors.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("training state %s is missing: a run can resume only from a checkpoint written by lm train together with it (use lm eval or lm sample for the weights alone)", path)
		}
		return err
	}
	damaged := func(format string, args ...any) error {
		return fmt.Errorf("training state %s is damaged: %s", path, fmt.Sprintf(format, args...))
	}
	if f.Metadata[metaID] != lw.id || lw.id == "" {
		return fmt.Errorf("training state %s belongs to another checkpoint than %s (ids %q and %q): the pair was not written together", path, lw.file.Path, f.Metadata[metaID], lw.id)
	}
	atoi := func(key string) (int, error) {
		v, err := strconv.Atoi(f.Metadata[key])
		if err != nil || v < 0 {
			return 0, damaged("metadata %s = %q", key, f.Metadata[key])
		}
		return v, nil
	}
	if ck.Pos.Epoch, err = atoi(metaEpoch); err != nil {
		return err
	}
	if ck.Pos.Segment, err = atoi(metaSegment); err != nil {
		return err
	}
	if ck.Pos.Epoch < 1 {
		return damaged("epoch %d", ck.Pos.Epoch)
	}

	state := map[string]tensor.Tensor{}
	optim := map[string]tensor.Tensor{}
	for _, name := range f.Names() {
		if name == rngName {
			continue
		}
		t := f.Tensors[name]
		data, err := f.Float32s(name, t.Shape)
		if err != nil {
			return err
		}
		tt, err := tensor.FromSlice(data, t.Shape...)
		if err != nil {
			return damaged("tensor %s: %v", name, err)
		}
		switch {
		case strings.HasPrefix(name, statePrefix):
			state[strings.TrimPrefix(name, statePrefix)] = tt
		case strings.HasPrefix(name, optimPrefix):
			optim[strings.TrimPrefix(name, optimPrefix)] = tt
		default:
			return damaged("unexpected tensor %s", name)
		}
	}
	if err := ck.Model.SetCarriedState(state); err != nil {
		return damaged("%v", err)
	}
	rng, ok := f.Tensors[rngName]
	if !ok {
		return damaged("no %s tensor", rngName)
	}
	rngBytes, err := rng.Uint8s()
	if err != nil {
		return damaged("%v", err)
	}
	if err := ck.Model.SetRNGState(rngBytes); err != nil {
		return damaged("%v", err)
	}
	if ck.Adam != nil {
		if ck.Adam.Steps, err = atoi(metaAdamSteps); err != nil {
			return err
		}
		if err := ck.Adam.LoadStateDict(ck.Model.Params(), optim); err != nil {
			return damaged("%v", err)
		}
	} else if len(optim) > 0 {
		return damaged("it holds Adam's state but the run uses SGD")
	}
	return nil
}
