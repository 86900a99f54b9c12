#!/usr/bin/env python3
"""Load an `lm train` checkpoint into a PyTorch model and measure its test perplexity.

The checkpoint holds PyTorch's state-dict names and layouts, so load_state_dict(strict=True)
takes it as it is. This script reads the safetensors file with json/struct/numpy only (no
safetensors package needed), rebuilds Embedding -> nn.LSTM -> Linear from the config in its
metadata, and evaluates the test split at batch 1 with the state carried through, as
`lm eval` does; the two perplexities agree.

usage: load_checkpoint.py CHECKPOINT PTB_DIR
"""
import json
import os
import struct
import sys

import numpy as np
import torch


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", name
        begin, end = t["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(data[begin:end], dtype=np.float32).reshape(t["shape"]).copy())
    return tensors, meta


class LM(torch.nn.Module):
    def __init__(self, vocab, emb, hidden, layers):
        super().__init__()
        self.encoder = torch.nn.Embedding(vocab, emb)
        self.rnn = torch.nn.LSTM(emb, hidden, layers)
        self.decoder = torch.nn.Linear(hidden, vocab)

    def forward(self, x, state):
        out, state = self.rnn(self.encoder(x), state)
        return self.decoder(out), state


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    tensors, meta = read_safetensors(sys.argv[1])
    cfg, vocab = json.loads(meta["config"]), json.loads(meta["vocab"])
    if cfg["model"] != "lstm":
        sys.exit("this script rebuilds the baseline LSTM; the plastic variants have no PyTorch module here")
    model = LM(len(vocab), cfg["emb"], cfg["hidden"], cfg["layers"])
    model.load_state_dict(tensors, strict=True)
    ids = {w: i for i, w in enumerate(vocab)}
    tokens = []
    for line in open(os.path.join(sys.argv[2], "ptb.test.txt")):
        tokens += [ids[w] for w in line.split()] + [ids["<eos>"]]
    tokens = torch.tensor(tokens).view(-1, 1)
    total, state, bptt = 0.0, None, cfg["bptt"]
    with torch.no_grad():
        for i in range(0, len(tokens) - 1, bptt):
            y = tokens[i + 1:i + 1 + bptt]
            logits, state = model(tokens[i:i + len(y)], state)
            total += torch.nn.functional.cross_entropy(logits.view(-1, len(vocab)), y.view(-1), reduction="sum").item()
    print(f"test perplexity (batch 1): {np.exp(total / (len(tokens) - 1)):.2f}")


if __name__ == "__main__":
    main()
