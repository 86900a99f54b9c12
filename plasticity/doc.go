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
// clip(·) clamps to [−Clip, Clip].
//
// The package's core works on raw float32 slices: Layer.Forward runs one
// BPTT segment of one layer from input projections that already hold
// x·W_ihᵀ + b_ih + b_hh, and Layer.Backward runs it back, so that a caller
// can wrap a whole layer-segment as one fused autodiff node. The parameters
// (Params) use PyTorch's LSTM layout with w the g block of W_hh, so α = 0 is
// exactly the baseline LSTM. State carries h, c and the traces from segment
// to segment by value; no gradient crosses a segment boundary.
//
// # Cost
//
// Per step and sample the layer does the baseline's work (one GEMM for all
// four gates' h·W_hh over the batch, the fused cell) plus O(H²) plastic work
// done by the fused kernels of package asm: the read α ⊙ (h·Hebb), never
// forming w + α⊙Hebb, and the trace update with its clip in the same pass
// (forward), and their backward counterparts.
//
// # Memory
//
// An entry clipped at step t cannot be recovered from Hebb(t+1), so the
// traces cannot be run backwards. Instead Forward keeps the traces entering
// every k-th step (k = Layer.CheckpointEvery, default ⌈√T⌉) and Backward
// replays the steps in between from the checkpoint with the very same
// floating-point operations, so the gradients are bit-identical to keeping
// every step (tested for k = 1 … T). For a segment of T steps, batch B and
// hidden size H, in float32 values, Forward records
//
//	per step:   (6H + 1)·B        gate activations 4H, h, c, and m
//	traces:     ⌈T/k⌉·B·H²        checkpoints (twice that for Retro: Hebb and E)
//
// and Backward adds a replay buffer of (k−1)·B·H² and the running trace
// gradient B·H² (each doubled for Retro), in a Scratch that the layers of a
// stack can share, since their backward passes do not overlap. That is about
// (⌈T/k⌉ + k)·B·H² instead of T·B·H² for a copy per step: at T = 20, k = 5,
// 9·B·H² instead of 20·B·H² — at B = 20, H = 200 (3.2 MB per B·H²), 29 MB
// instead of 64 MB — for one extra trace update per step in backward. With
// the state's own trace, a two-layer stack sharing one Scratch holds
// 2·(1 + ⌈T/k⌉) + k = 15 trace-sized buffers at T = 20 (48 MB at B = 20,
// H = 200; 96 MB for Retro, which also keeps E).
package plasticity
