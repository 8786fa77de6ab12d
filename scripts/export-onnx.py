#!/usr/bin/python3
"""Exports a model file to ONNX for in-browser decoding with onnxruntime-web (the decode loop lives in JavaScript,
as in Transformers.js).

  export-onnx.py MODEL OUT_DIR

writes
  encoder.onnx       source_ids [1, S] int64 → annotations [1, S, 2H], keys [1, S, A] (= U a + b),
                     initial_state [1, H]
  decoder_step.onnx  previous_tokens [K] int64, previous_states [K, H], annotations [1, S, 2H], keys [1, S, A]
                     → states [K, H], attention [K, S], log_probs [K, Vt]
  config.json        the model file's metadata (dimensions, tokenizers, languages) and the special token ids

Weights are float32 (int8 files are dequantized). The network is scripts/reference.py's, so the export computes
exactly what the oracle computes; scripts/check-onnx.py verifies the exported graphs against it.
Run with Debian's interpreter: /usr/bin/python3 (torch 1.13, onnx).
"""

import json
import os
import sys
import warnings

import onnx
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402  (the oracle's loader and network)

OPSET = 13


class Encoder(nn.Module):
    """One sentence, so no padding: the bidirectional GRU runs over the whole input."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, source_ids):
        m = self.model
        annotations, final = m.encoder(m.src_embed(source_ids))
        initial_state = torch.tanh(m.dec_init(final[1]))
        keys = m.att_U(annotations) + m.att_b
        return annotations, keys, initial_state


class DecoderStep(nn.Module):
    """K hypotheses of one sentence; annotations and keys broadcast over K."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, previous_tokens, previous_states, annotations, keys):
        states, attention, logits = self.model.decode_step(previous_tokens, previous_states, annotations, keys, None)
        return states, attention, torch.log_softmax(logits, dim=1)


def export(module, example_inputs, input_names, output_names, dynamic_axes, path):
    with warnings.catch_warnings():
        # The GRU export warns that batch_first/initial state handling differ from ONNX defaults; both are handled.
        warnings.simplefilter("ignore")
        torch.onnx.export(module, example_inputs, path, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))


def export_model(model_path, out_dir):
    metadata, _ = reference.read_safetensors(model_path)
    model = reference.load_model(model_path).float().eval()
    c = model.config
    os.makedirs(out_dir, exist_ok=True)

    source_example = torch.tensor([[reference.EOS] * 3])
    with torch.no_grad():
        annotations, keys, initial_state = Encoder(model)(source_example)
        export(Encoder(model), (source_example,), ["source_ids"], ["annotations", "keys", "initial_state"],
               {"source_ids": {1: "S"}, "annotations": {1: "S"}, "keys": {1: "S"}},
               os.path.join(out_dir, "encoder.onnx"))
        tokens_example = torch.tensor([reference.BOS, reference.BOS])
        states_example = initial_state.expand(2, c["H"]).contiguous()
        export(DecoderStep(model), (tokens_example, states_example, annotations, keys),
               ["previous_tokens", "previous_states", "annotations", "keys"], ["states", "attention", "log_probs"],
               {"previous_tokens": {0: "K"}, "previous_states": {0: "K"}, "annotations": {1: "S"}, "keys": {1: "S"},
                "states": {0: "K"}, "attention": {0: "K", 1: "S"}, "log_probs": {0: "K"}},
               os.path.join(out_dir, "decoder_step.onnx"))

    config = {"metadata": metadata, "pad_id": reference.PAD, "bos_id": reference.BOS, "eos_id": reference.EOS,
              "opset": OPSET}
    with open(os.path.join(out_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=1)


def main():
    parser = reference.Parser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="model file (.safetensors, F32 or I8)")
    parser.add_argument("out_dir", help="directory for encoder.onnx, decoder_step.onnx and config.json")
    args = parser.parse_args()
    torch.set_num_threads(1)
    try:
        export_model(args.model, args.out_dir)
    except reference.InputError as e:
        print(f"export-onnx.py: {e}", file=sys.stderr)
        sys.exit(1)
    except OSError as e:
        print(f"export-onnx.py: cannot write to {args.out_dir}: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
