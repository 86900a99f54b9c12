// Package plasticity implements Backpropamine's plastic LSTM layers (Miconi
// et al., ICLR 2019; see ../shared/docs/backpropamine-spec.md): an LSTM whose
// recurrent matrix from h(t−1) to the cell candidate g(t) is plastic,
//
//	p[b, j] = Σ_i h(t−1)[b, i]·(w[i, j] + α_ij·Hebb[b, i, j])
//	g(t)    = tanh(x-part + p)
//
// with a per-sample Hebbian trace Hebb[b][i][j] (i pre-synaptic, j
// post-synaptic) updated after every step by one of three rules (Variant):
//
//	Plastic:   Hebb ← clip(Hebb + η ⊙ h(t−1) ⊗ g(t))
//	Neuromod:  Hebb ← clip(Hebb + M(t) ⊙ h(t−1) ⊗ g(t))
//	Retro:     Hebb ← clip(Hebb + M(t) ⊙ E);  E ← (1−η) ⊙ E + η ⊙ h(t−1) ⊗ g(t)
//
// where M(t) = FanWeight·m + FanBias fans out one tanh modulator neuron
// m = tanh(ModWeight·x + ModBias), x = h(t−1) (default) or h(t), per
// connection (default), per post-synaptic neuron or as the scalar m, and
// clip(·) clamps to [−Clip, Clip]. Retro's η is used clamped to [0, 1], where
// E is a moving average (see Config.Eta).
//
// The package's core works on raw float32 slices: Layer.Forward runs one
// BPTT segment of one layer from input projections that already hold
// x·W_ihᵀ + b_ih + b_hh, and Layer.Backward runs it back, so that a caller
// can wrap a whole layer-segment as one fused autodiff node. The parameters
// (Params) use PyTorch's LSTM layout with w the g block of W_hh, so α = 0 is
// exactly the baseline LSTM. State carries h, c and the traces from segment
// to segment by value; no gradient crosses a segment boundary.
//
// # Use
//
// One layer of a stack, one BPTT segment of T steps over a batch of B:
//
//	cfg := plasticity.Default(plasticity.Neuromod, in, h) // then set options
//	p, _ := plasticity.NewParams(cfg)                      // p.Init(rng, scale)
//	l := plasticity.NewLayer(p)                            // l.Scratch shared across layers
//	st := plasticity.NewState(cfg, B)                      // st.Reset() each epoch / eval pass
//	// xproj [T, B, 4H] = x·W_ihᵀ + b_ih + b_hh (one GEMM for the segment)
//	l.Forward(hOut, xproj, st, T)                          // hOut [T, B, H]; st carried on
//	l.Backward(dxproj, dhOut, grads)                       // grads: a Params accumulating
//
// A language model: NewLM builds an nn.LM whose recurrent stack is an LSTM
// of plastic layers (it implements nn.RNN); Options turns the command
// line's strings into a Config, and MatchHidden picks the hidden size that
// matches the baseline's parameter count:
//
//	pc, err := plasticity.Options{Model: "retro", FanOut: "neuron"}.Config()
//	h, _ := plasticity.MatchHidden(pc, 10000, 2, 4653200) // zaremba-small
//	m, err := plasticity.NewLM(nn.LMConfig{Vocab: 10000, Embed: h, Hidden: h, Layers: 2, …}, pc)
//	// m.Forward, m.Evaluate, nn.StateDict(m), m.CarriedState() as for the baseline
//
// Each layer-segment is one autodiff node: one GEMM for the input
// projections of its T steps, then Layer.Forward; its backward pass runs
// Layer.Backward and then the GEMMs for the input's, W_hh's, W_ih's and the
// biases' gradients (all but the input's as the LM's background jobs,
// beside the rest of the backward pass). The carried
// state (LSTM.CarriedState) is h_lk, c_lk, hebb_lk and, for Retro, elig_lk.
//
// Checkpoint names (Params.Tensors) are PyTorch's weight_ih, weight_hh,
// bias_ih and bias_hh plus alpha, eta, mod_weight, mod_bias, fan_weight and
// fan_bias where the variant has them; Config.NumParams counts them, and
// LanguageModelParams and MatchHidden size a language model against the
// baseline.
//
// # Cost
//
// Per step and sample the layer does the baseline's work (forward, one GEMM
// over the batch for all four gates' h·W_hh and the fused cell; backward, the
// fused cell and one small GEMM per step for a group of Layer.Group samples,
// then one GEMM for W_hh's gradient over the segment) plus O(H²) plastic
// work done by the fused
// kernels of package asm: the read α ⊙ (h·Hebb), never forming w + α⊙Hebb,
// the trace update with its clip in the same pass, and their backward
// counterparts, plus one replayed trace update per step. With one α per
// connection, Forward does the read of step t+1 in the pass that updates
// the trace at step t (asm.HebbUpdateRead, asm.RetroUpdateRead), so the
// trace is streamed from memory once per step, not twice. The per-sample
// work is shared by Layer.Workers goroutines: Forward's steps in equal
// shares of the batch, Backward's groups one at a time to whichever worker
// is free, each group's gradients of the shared parameters summed on their
// own and added in group order, so that no result depends on the number
// of workers or on the scheduling. Each pass over the traces
// takes a block of 32 rows through all of a worker's samples (or a
// Backward group's) before the next, so the shared matrices (α, η, the
// fan-out and their gradients) are read from memory once per block, not
// once per sample. Each of the layer's H×H buffers starts at an address of
// its own modulo 4096: page-aligned, as large allocations come, the
// kernels' lockstep loads from a dozen of them would all fall into one set
// of the L1 cache. At AVX-512 the default shapes
// (one value per connection) have whole-matrix kernels that run the row
// loop in assembly as well.
//
// # Memory
//
// An entry clipped at step t cannot be recovered from Hebb(t+1), so the
// traces cannot be run backwards. Instead Forward keeps the traces entering
// every k-th step (k = Layer.CheckpointEvery) and Backward, which runs the
// samples back through the whole segment in groups of G (Layer.Group),
// replays each sample's steps from its checkpoint with the very same
// floating-point operations —
// so the gradients are bit-identical to keeping every step (tested for
// k = 1 … T). The layer keeps its H×H matrices (traces, checkpoints,
// replay buffers, trace gradients, and copies of α, η and the fan-out) in
// rows padded to Hp = H rounded up to a multiple of 16, with zeros in the
// padding, so that every row starts on a cache line and the kernels have no
// vector tails (25–30 % faster per element at H = 194). The State keeps its
// traces in the same layout, and they are never copied: Forward reads the
// State's traces where they are and writes the final ones into spare
// buffers, which it then hands the State, keeping the State's former
// buffers as its first checkpoint (2.5 ms of a 98 ms training step went
// to copying them in and out, padded, before). Sizes in float32
// values, for a segment of T steps, batch B, hidden size H (write H² for
// H·Hp below) and W workers (Layer.Workers), traces doubled for Retro
// (Hebb and E):
//
//	Forward, per step:     (6H + 1)·B        gate activations 4H, h, c, and m
//	Forward, checkpoints:  ⌈T/k⌉·B·H²
//	Backward (Scratch):    W·G·H²            the running trace gradients of
//	                                         the samples in flight
//	                       W·G·(k−1)·H²      each worker's replay of a group
//	                       (W+1)·P·H²        the groups' gradient sums of
//	                                         the P shared H×H parameters
//	                                         (α, η, the fan-out's weight
//	                                         and bias: 2 to 4)
//
// Layers whose passes do not overlap can share one Scratch (Scratch.Layers
// says how many do: a stack's layers), and the default k minimises
// L·⌈T/k⌉·B + W·G·(k−1) for L layers sharing it: at T = 20, B = 20, W = 2,
// G = 2 and L = 2 it is k = 10, instead of T·B·H² = 400·H² per layer for a
// copy of the trace per step. So a two-layer stack holds its two states'
// traces (2·B·H²), the checkpoints (4·B·H², each layer's first being the
// traces its State held before the segment), the running gradients (4·H²)
// and the replay buffers (W·G·(k−1)·H² = 36·H²): about 8·B·H², 26 MB at
// B = 20, H = 194 (Hp = 208), and as much again for Retro's second trace:
// 46 MB at H = 189. (Between segments the first checkpoints' buffers are
// the next Forward's working traces.)
// The replay costs one extra trace update per step in Backward. Backward's
// fused pass does not read the trace after each step's update: it
// recomputes it from the trace before (a few operations per element rather
// than one more H×H stream per sample and step), and it takes its row
// blocks in alternate directions from step to step. For Retro, whose
// shared matrices (α, η, the fan-out's weights and biases, and their four
// gradients) are most of what that pass streams, a group's two samples go
// through it together (asm.PlasticReadRetroUpdateBackward2), so each
// element of those is loaded and stored once for both. Both save memory
// traffic, which bounds the trace passes: a step's working set in Backward
// (the shared matrices and their gradients, the group's traces and trace
// gradients, W_hh) is about 3 MB per worker at the paper's sizes.
package plasticity
