package plasticity

import (
	"fmt"
	"testing"

	"github.com/neuromod-go/neuromod/asm"
	"github.com/neuromod-go/neuromod/asm/gemm"
)

// BenchmarkSegment times one forward and backward of a layer segment at the
// small model's size (H = 200, B = 20, T = 20, the defaults of each
// variant), next to the same LSTM work without plasticity ("lstm": the
// GEMMs and fused cells only), and reports tokens (B·T) per second.
func BenchmarkSegment(b *testing.B) {
	const H, B, T = 200, 20, 20
	for _, name := range []string{"lstm", "plastic", "neuromod", "retro"} {
		b.Run(fmt.Sprintf("%s/H=%d/B=%d/T=%d", name, H, B, T), func(b *testing.B) {
			v := map[string]Variant{"lstm": Plastic, "plastic": Plastic, "neuromod": Neuromod, "retro": Retro}[name]
			s := newSetup(Default(v, H, H), T, B, 1)
			out := make([]float32, T*B*H)
			dx := make([]float32, len(s.xproj))
			g, _ := NewParams(s.p.Config)
			l := NewLayer(s.p)
			st := s.st.Clone() // carried from segment to segment, as in training
			run := func() {
				l.Forward(out, s.xproj, st, T)
				l.Backward(dx, s.R, g)
			}
			if name == "lstm" {
				run = func() { lstmSegment(s.p, s.xproj, s.R, s.st.H, s.st.C, out, dx, g.WeightHH, T, B) }
			}
			run()
			b.ReportAllocs()
			cpu0 := cpuSeconds()
			b.ResetTimer()
			for b.Loop() {
				run()
			}
			b.ReportMetric(float64(B*T)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
			b.ReportMetric((cpuSeconds()-cpu0)*1e3/float64(b.N), "cpu-ms/op")
		})
	}
}

// lstmSegment is the baseline LSTM's share of a segment, forward and
// backward, for comparison: a GEMM and the fused cell per step forward, the
// fused cell backward and a GEMM per step backward, one GEMM for dW_hh.
func lstmSegment(p *Params, xproj, dhOut, h0, c0, out, dx, dW []float32, T, B int) {
	H := p.Config.Hidden
	bh := B * H
	hs := make([]float32, (T+1)*bh)
	cs := make([]float32, (T+1)*bh)
	acts := make([]float32, T*4*bh)
	copy(hs, h0)
	copy(cs, c0)
	for t := 0; t < T; t++ {
		gates := acts[t*4*bh : (t+1)*4*bh]
		copy(gates, xproj[t*4*bh:])
		gemm.Sgemm(false, true, B, 4*H, H, 1, hs[t*bh:(t+1)*bh], H, p.WeightHH, H, 1, gates, 4*H)
		for s := 0; s < B; s++ {
			asm.LSTMCellForward(gates[s*4*H:(s+1)*4*H], cs[t*bh+s*H:t*bh+(s+1)*H], cs[(t+1)*bh+s*H:(t+1)*bh+(s+1)*H], hs[(t+1)*bh+s*H:(t+1)*bh+(s+1)*H])
		}
	}
	copy(out, hs[bh:])
	dh, dhp, dc, dht := make([]float32, bh), make([]float32, bh), make([]float32, bh), make([]float32, bh)
	for t := T - 1; t >= 0; t-- {
		asm.Add(dht, dhOut[t*bh:(t+1)*bh], dh)
		dG := dx[t*4*bh : (t+1)*4*bh]
		for s := 0; s < B; s++ {
			asm.LSTMCellBackward(dG[s*4*H:(s+1)*4*H], acts[t*4*bh+s*4*H:t*4*bh+(s+1)*4*H], cs[t*bh+s*H:t*bh+(s+1)*H], cs[(t+1)*bh+s*H:(t+1)*bh+(s+1)*H], dht[s*H:(s+1)*H], dc[s*H:(s+1)*H])
		}
		gemm.Sgemm(false, false, B, H, 4*H, 1, dG, 4*H, p.WeightHH, H, 0, dhp, H)
		dh, dhp = dhp, dh
	}
	n := T * B
	dGT := make([]float32, 4*H*n)
	for r := 0; r < n; r++ {
		for q := 0; q < 4*H; q++ {
			dGT[q*n+r] = dx[r*4*H+q]
		}
	}
	gemm.Sgemm(false, false, 4*H, H, n, 1, dGT, n, hs[:T*bh], H, 1, dW, H)
}
