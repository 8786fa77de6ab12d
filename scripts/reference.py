#!/usr/bin/python3
"""Independent PyTorch oracle for the attention translator (Bahdanau, Cho & Bengio 2014).

Reads a model file (safetensors, see models/FORMAT.md) without the C++ code, rebuilds the network from
torch.nn.GRU / torch.nn.GRUCell, and answers on stdout in JSON:

  reference.py forward MODEL --src "ids" --tgt "ids"   teacher-forced logits [T, Vt] and attention [T, S]
  reference.py greedy MODEL --src "ids" --max-len N    greedy decoding: {"tokens": [...]}
  reference.py grad MODEL BATCH_JSON                   loss and gradients of a batch (float64 autograd)
  reference.py multi MODEL REQUESTS_JSON               many forward/greedy requests: {"results": [...]}

Computation is in float64 so the oracle's own rounding is negligible next to the C++ float32 engine.

Two more commands serve the cross-engine benchmark (issue #7) and run the network in float32 instead:

  reference.py bench MODEL WORKLOAD_JSONL --beam N [--runs 3] [--warmup 1] [--load-repeats 5] [--limit N]
      [--result FILE] [--outputs FILE]
      engine "pytorch": translates the source ids of a workload written by `attn bench --write-workload` one
      sentence at a time on one thread, greedy (beam 1) or beam search mirroring src/search/beam_search.cpp;
      prints (or writes) one result object as the native `attn bench` does, and the last run's ids as JSONL
  reference.py train-bench MODEL WORKLOAD_JSONL [--threads 2] [--steps 50] [--warmup-steps 5]
      [--batch-tokens 3000] [--result FILE]
      training throughput of the model file's architecture on the pairs of a workload written with
      `attn bench --data train.tsv --target-column 1 --runs 0 --write-workload FILE`

Run with Debian's interpreter: /usr/bin/python3 (torch 1.13, numpy). For the benchmarks run it through
scripts/torch-openblas.sh, which makes torch's matrix products use OpenBLAS (Debian's torch otherwise may get the
reference BLAS, ~20x slower) and sets OPENBLAS_NUM_THREADS (default 1; give it the --threads of train-bench).
"""

import argparse
import json
import os
import random
import resource
import struct
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, BOS, EOS = 0, 1, 2
FORMAT_NAME = "attention-translator"
FORMAT_VERSION = "1"
DTYPES = {"F32": np.dtype("<f4"), "I8": np.dtype("i1")}


class InputError(Exception):
    """Bad model file or bad arguments: reported on stderr with exit status 1."""


# ---------------------------------------------------------------- model file

def read_file_bytes(path, what):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise InputError(f"cannot read {what} {path}: {e.strerror}")


def read_safetensors(path):
    """Returns (metadata dict, {name: float32 numpy array}) with int8 tensors already dequantized."""
    return parse_safetensors(read_file_bytes(path, "model file"))


def parse_safetensors(data):
    """read_safetensors for a model file's bytes already in memory."""
    if len(data) < 8:
        raise InputError("model file: shorter than the 8-byte header length")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > len(data) - 8:
        raise InputError(f"model file: header length {header_len} exceeds the file size {len(data)}")
    try:
        header = json.loads(data[8:8 + header_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"model file: header is not valid JSON: {e}")
    if not isinstance(header, dict):
        raise InputError("model file: header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    if not isinstance(metadata, dict):
        raise InputError("model file: __metadata__ is missing")
    block = memoryview(data)[8 + header_len:]

    raw = {}
    for name, entry in header.items():
        if not isinstance(entry, dict) or set(entry) < {"dtype", "shape", "data_offsets"}:
            raise InputError(f"model file: tensor {name}: needs dtype, shape and data_offsets")
        dtype = DTYPES.get(entry["dtype"])
        if dtype is None:
            raise InputError(f"model file: tensor {name}: unsupported dtype {entry['dtype']!r}")
        shape = entry["shape"]
        if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
            raise InputError(f"model file: tensor {name}: bad shape {shape!r}")
        offsets = entry["data_offsets"]
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(isinstance(o, int) for o in offsets):
            raise InputError(f"model file: tensor {name}: data_offsets must be [begin, end], got {offsets!r}")
        begin, end = offsets
        count = int(np.prod(shape, dtype=np.int64))
        if not (0 <= begin <= end <= len(block)) or end - begin != count * dtype.itemsize:
            raise InputError(f"model file: tensor {name}: data_offsets [{begin}, {end}] do not fit shape "
                             f"{shape} of {entry['dtype']} in a data block of {len(block)} bytes")
        raw[name] = np.frombuffer(block[begin:end], dtype=dtype).reshape(shape)

    tensors = {}
    for name, array in raw.items():
        base = raw.get(name[:-len(".scale")]) if name.endswith(".scale") else None
        if base is not None and base.dtype == DTYPES["I8"]:
            continue  # consumed with its int8 tensor below
        if array.dtype == DTYPES["I8"]:
            scale = raw.get(name + ".scale")
            if scale is None or scale.dtype != DTYPES["F32"] or scale.shape != (array.shape[0],):
                raise InputError(f"model file: int8 tensor {name} needs an F32 {name}.scale of shape "
                                 f"[{array.shape[0]}]")
            if not np.isfinite(scale).all():
                raise InputError(f"model file: {name}.scale holds a non-finite value")
            # Same arithmetic as the engine: scale * q in float32.
            rows = array.reshape(array.shape[0], -1).astype(np.float32) * scale[:, None]
            tensors[name] = rows.reshape(array.shape)
        else:
            tensors[name] = array.astype(np.float32)
    return metadata, tensors


def metadata_int(metadata, key):
    value = metadata.get(key)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InputError(f"model file: metadata {key} must be an integer string, got {value!r}")
    if number <= 0:
        raise InputError(f"model file: metadata {key} must be positive, got {number}")
    return number


def read_config(metadata):
    if metadata.get("format") != FORMAT_NAME:
        raise InputError(f"model file: metadata format must be {FORMAT_NAME!r}, got {metadata.get('format')!r}")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise InputError(f"model file: unsupported format_version {metadata.get('format_version')!r}")
    tied = metadata.get("tied_output")
    if tied not in ("true", "false"):
        raise InputError(f"model file: metadata tied_output must be 'true' or 'false', got {tied!r}")
    return {
        "Vs": metadata_int(metadata, "src_vocab_size"),
        "Vt": metadata_int(metadata, "tgt_vocab_size"),
        "E": metadata_int(metadata, "embed_dim"),
        "H": metadata_int(metadata, "hidden_dim"),
        "A": metadata_int(metadata, "attention_dim"),
        "tied": tied == "true",
    }


def expected_shapes(c):
    Vs, Vt, E, H, A = c["Vs"], c["Vt"], c["E"], c["H"], c["A"]
    shapes = {"src_embed": [Vs, E], "tgt_embed": [Vt, E]}
    for prefix, inputs in (("enc_fwd", E), ("enc_bwd", E), ("dec", E + 2 * H)):
        shapes.update({f"{prefix}.weight_ih": [3 * H, inputs], f"{prefix}.weight_hh": [3 * H, H],
                       f"{prefix}.bias_ih": [3 * H], f"{prefix}.bias_hh": [3 * H]})
    shapes.update({"dec_init.weight": [H, H], "dec_init.bias": [H], "att.W": [A, H], "att.U": [A, 2 * H],
                   "att.b": [A], "att.v": [A], "out_hidden.weight": [E, H + 2 * H + E], "out_hidden.bias": [E],
                   "out_proj.bias": [Vt]})
    if not c["tied"]:
        shapes["out_proj.weight"] = [Vt, E]
    return shapes


def load_model(path):
    return model_from_bytes(read_file_bytes(path, "model file"))


def model_from_bytes(data, dtype=torch.float64):
    metadata, tensors = parse_safetensors(data)
    config = read_config(metadata)
    shapes = expected_shapes(config)
    for name, shape in shapes.items():
        if name not in tensors:
            raise InputError(f"model file: tensor {name} is missing")
        if list(tensors[name].shape) != shape:
            raise InputError(f"model file: tensor {name} has shape {list(tensors[name].shape)}, expected {shape}")
    extra = sorted(set(tensors) - set(shapes))
    if extra:
        raise InputError(f"model file: unexpected tensors {extra}")
    return Seq2Seq(config, tensors, dtype)


# ---------------------------------------------------------------- network

class Seq2Seq(nn.Module):
    """RNNsearch: bidirectional GRU encoder, additive attention, GRU decoder with a tanh output layer."""

    def __init__(self, config, tensors, dtype=torch.float64):
        super().__init__()
        self.config = config
        c = config
        self.src_embed = nn.Embedding(c["Vs"], c["E"])
        self.tgt_embed = nn.Embedding(c["Vt"], c["E"])
        self.encoder = nn.GRU(c["E"], c["H"], batch_first=True, bidirectional=True)
        self.dec_init = nn.Linear(c["H"], c["H"])
        self.att_W = nn.Linear(c["H"], c["A"], bias=False)
        self.att_U = nn.Linear(2 * c["H"], c["A"], bias=False)
        self.att_b = nn.Parameter(torch.zeros(c["A"]))
        self.att_v = nn.Parameter(torch.zeros(c["A"]))
        self.decoder = nn.GRUCell(c["E"] + 2 * c["H"], c["H"])
        self.out_hidden = nn.Linear(c["H"] + 2 * c["H"] + c["E"], c["E"])
        self.out_proj = nn.Linear(c["E"], c["Vt"])
        if c["tied"]:
            self.out_proj.weight = self.tgt_embed.weight  # one parameter: its gradient sums both uses
        self.to(dtype)
        with torch.no_grad():
            for name, param in self.file_parameters().items():
                param.copy_(torch.from_numpy(tensors[name]).to(dtype))

    def file_parameters(self):
        """Model-file tensor name → the torch parameter holding it."""
        enc, dec = self.encoder, self.decoder
        params = {"src_embed": self.src_embed.weight, "tgt_embed": self.tgt_embed.weight}
        for prefix, suffix in (("enc_fwd", "l0"), ("enc_bwd", "l0_reverse")):
            for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                params[f"{prefix}.{kind}"] = getattr(enc, f"{kind}_{suffix}")
        for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            params[f"dec.{kind}"] = getattr(dec, kind)
        params.update({"dec_init.weight": self.dec_init.weight, "dec_init.bias": self.dec_init.bias,
                       "att.W": self.att_W.weight, "att.U": self.att_U.weight, "att.b": self.att_b,
                       "att.v": self.att_v, "out_hidden.weight": self.out_hidden.weight,
                       "out_hidden.bias": self.out_hidden.bias, "out_proj.bias": self.out_proj.bias})
        if not self.config["tied"]:
            params["out_proj.weight"] = self.out_proj.weight
        return params

    def encode(self, sources, lengths, dropout=0.0):
        """sources [B, S] right-padded, lengths [B] → annotations [B, S, 2H], keys [B, S, A], mask, s_0 [B, H].
        dropout: on the source embeddings, as the C++ trainer applies it (training only)."""
        embedded = nn.functional.dropout(self.src_embed(sources), dropout, training=dropout > 0)
        packed = pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
        outputs, final = self.encoder(packed)
        annotations, _ = pad_packed_sequence(outputs, batch_first=True, total_length=sources.shape[1])
        # final[1] is the backward direction's last state, i.e. ←h_1 at the first source position.
        initial_state = torch.tanh(self.dec_init(final[1]))
        keys = self.att_U(annotations) + self.att_b
        mask = torch.arange(sources.shape[1])[None, :] < lengths[:, None]
        return annotations, keys, mask, initial_state

    def decode_step(self, previous_tokens, state, annotations, keys, mask):
        """One step for a batch: returns new state [B, H], attention [B, S], logits [B, Vt].

        annotations and keys may have batch size 1 to serve every row; mask None means no padding."""
        embedded = self.tgt_embed(previous_tokens)
        scores = torch.tanh(self.att_W(state)[:, None, :] + keys) @ self.att_v
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        attention = torch.softmax(scores, dim=1)
        context = (attention[:, :, None] * annotations).sum(dim=1)
        new_state = self.decoder(torch.cat([embedded, context], dim=1), state)
        output = torch.tanh(self.out_hidden(torch.cat([new_state, context, embedded], dim=1)))
        return new_state, attention, self.out_proj(output)

    def teacher_forced(self, sources, source_lengths, targets):
        """targets [B, T] right-padded → logits [B, T, Vt], attention [B, T, S]; step t is fed targets[t-1]."""
        annotations, keys, mask, state = self.encode(sources, source_lengths)
        previous = torch.cat([torch.full_like(targets[:, :1], BOS), targets[:, :-1]], dim=1)
        all_logits, all_attention = [], []
        for t in range(targets.shape[1]):
            state, attention, logits = self.decode_step(previous[:, t], state, annotations, keys, mask)
            all_logits.append(logits)
            all_attention.append(attention)
        return torch.stack(all_logits, dim=1), torch.stack(all_attention, dim=1)

    def greedy(self, source, max_len):
        sources = torch.tensor([source])
        annotations, keys, mask, state = self.encode(sources, torch.tensor([len(source)]))
        tokens = []
        previous = torch.tensor([BOS])
        while len(tokens) < max_len:
            state, _, logits = self.decode_step(previous, state, annotations, keys, mask)
            token = int(torch.argmax(logits[0]))
            tokens.append(token)
            if token == EOS:
                break
            previous = torch.tensor([token])
        return tokens


# ---------------------------------------------------------------- inputs

def check_sequence(ids, vocab, what):
    if not ids:
        raise InputError(f"{what}: must not be empty")
    for i in ids:
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < vocab:
            raise InputError(f"{what}: id {i!r} outside the vocabulary [0, {vocab})")
    if ids[-1] != EOS:
        raise InputError(f"{what}: must end with </s> (id {EOS})")
    return ids


def parse_ids(text, vocab, what):
    try:
        ids = [int(part) for part in text.replace(",", " ").split()]
    except ValueError:
        raise InputError(f"{what}: expected space-separated integer ids, got {text!r}")
    return check_sequence(ids, vocab, what)


def pad(sequences):
    lengths = torch.tensor([len(s) for s in sequences])
    padded = torch.full((len(sequences), int(lengths.max())), PAD, dtype=torch.long)
    for row, s in enumerate(sequences):
        padded[row, :len(s)] = torch.tensor(s)
    return padded, lengths


def read_batch(path, config):
    try:
        with open(path, "r", encoding="utf-8") as f:
            batch = json.load(f)
    except OSError as e:
        raise InputError(f"cannot read batch file {path}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise InputError(f"batch file: not valid JSON: {e}")
    if not isinstance(batch, dict):
        raise InputError("batch file: expected a JSON object")
    sources, targets = batch.get("sources"), batch.get("targets")
    if not isinstance(sources, list) or not isinstance(targets, list) or not sources:
        raise InputError("batch file: sources and targets must be non-empty lists of id lists")
    if len(sources) != len(targets):
        raise InputError(f"batch file: {len(sources)} sources but {len(targets)} targets")
    for k, (s, t) in enumerate(zip(sources, targets)):
        if not isinstance(s, list) or not isinstance(t, list):
            raise InputError(f"batch file: sources[{k}] and targets[{k}] must be lists of ids")
        check_sequence(s, config["Vs"], f"batch file: sources[{k}]")
        check_sequence(t, config["Vt"], f"batch file: targets[{k}]")
    smoothing = batch.get("label_smoothing", 0.0)
    if not isinstance(smoothing, (int, float)) or isinstance(smoothing, bool) or not 0.0 <= smoothing < 1.0:
        raise InputError(f"batch file: label_smoothing must be a number in [0, 1), got {smoothing!r}")
    return sources, targets, float(smoothing)


# ---------------------------------------------------------------- commands

def forward(model, source, target):
    with torch.no_grad():
        logits, attention = model.teacher_forced(torch.tensor([source]), torch.tensor([len(source)]),
                                                 torch.tensor([target]))
    return {"logits": logits[0].tolist(), "attention": attention[0].tolist()}


def greedy(model, source, max_len):
    if not isinstance(max_len, int) or isinstance(max_len, bool) or max_len < 1:
        raise InputError(f"max-len must be an integer of at least 1, got {max_len!r}")
    with torch.no_grad():
        return {"tokens": model.greedy(source, max_len)}


def command_forward(model, args):
    return forward(model, parse_ids(args.src, model.config["Vs"], "--src"),
                   parse_ids(args.tgt, model.config["Vt"], "--tgt"))


def command_greedy(model, args):
    return greedy(model, parse_ids(args.src, model.config["Vs"], "--src"), args.max_len)


def command_multi(model, args):
    """Many forward/greedy requests against one model in one process (importing torch dominates a call)."""
    try:
        with open(args.requests, "r", encoding="utf-8") as f:
            requests = json.load(f)
    except OSError as e:
        raise InputError(f"cannot read requests file {args.requests}: {e.strerror}")
    except json.JSONDecodeError as e:
        raise InputError(f"requests file: not valid JSON: {e}")
    if not isinstance(requests, list):
        raise InputError("requests file: expected a JSON list of requests")
    results = []
    for k, request in enumerate(requests):
        what = f"requests[{k}]"
        if not isinstance(request, dict) or not isinstance(request.get("src"), list):
            raise InputError(f"{what}: expected an object with a list \"src\"")
        source = check_sequence(request["src"], model.config["Vs"], f"{what}.src")
        if request.get("command") == "forward":
            if not isinstance(request.get("tgt"), list):
                raise InputError(f"{what}: forward needs a list \"tgt\"")
            results.append(forward(model, source, check_sequence(request["tgt"], model.config["Vt"], f"{what}.tgt")))
        elif request.get("command") == "greedy":
            results.append(greedy(model, source, request.get("max_len")))
        else:
            raise InputError(f"{what}: command must be \"forward\" or \"greedy\", got {request.get('command')!r}")
    return {"results": results}


def command_grad(model, args):
    sources, targets, smoothing = read_batch(args.batch, model.config)
    source_ids, source_lengths = pad(sources)
    target_ids, target_lengths = pad(targets)
    logits, _ = model.teacher_forced(source_ids, source_lengths, target_ids)
    log_probs = torch.log_softmax(logits, dim=2)
    nll = -log_probs.gather(2, target_ids[:, :, None])[:, :, 0]
    uniform = -log_probs.mean(dim=2)
    per_token = (1.0 - smoothing) * nll + smoothing * uniform
    real = torch.arange(target_ids.shape[1])[None, :] < target_lengths[:, None]
    loss = per_token[real].sum() / real.sum()
    loss.backward()
    grads = {name: param.grad.reshape(-1).tolist() for name, param in model.file_parameters().items()}
    return {"loss": loss.item(), "grads": grads}


# ---------------------------------------------------------------- benchmark engine (issue #7)
#
# The "pytorch" engine of the cross-engine benchmark: float32, one thread, one sentence at a time, the beam's
# hypotheses batched as the rows of one decoder step. Search mirrors src/search/beam_search.cpp exactly (float32
# running totals, the same candidate order and tie-breaks) so outputs are comparable with the native engine's.

MAX_BEAM = 16


def max_output_length(source_length):
    """src/search/beam_search.cpp: int(2.0f * S) + 10 tokens, the last one forced to </s>."""
    return max(1, int(np.float32(2.0) * np.float32(source_length)) + 10)


def encode_single(model, source):
    """The encoder for one unpadded sentence: annotations [1, S, 2H], keys [1, S, A], s_0 [1, H]."""
    annotations, final = model.encoder(model.src_embed(torch.tensor([source])))
    keys = model.att_U(annotations) + model.att_b
    return annotations, keys, torch.tanh(model.dec_init(final[1]))


def greedy_search(model, source):
    annotations, keys, state = encode_single(model, source)
    max_length = max_output_length(len(source))
    tokens, previous = [], torch.tensor([BOS])
    for t in range(max_length):
        state, _, logits = model.decode_step(previous, state, annotations, keys, None)
        # Like the engine: the first maximum of the log-probabilities.
        token = EOS if t + 1 == max_length else int(torch.argmax(torch.log_softmax(logits[0], dim=0)))
        tokens.append(token)
        if token == EOS:
            break
        previous = torch.tensor([token])
    return tokens


def best_tokens(log_probs, count):
    """The `count` best token ids of one row, best first, ties broken by the lower id (as the engine's sort)."""
    values, ids = torch.topk(log_probs, min(count + 1, log_probs.shape[0]))
    values, ids = values.tolist(), ids.tolist()
    if len(values) > count and values[count - 1] == values[count]:
        # A tie straddles the cut: topk may keep either side, so order the whole row.
        row = log_probs.numpy()
        order = np.lexsort((np.arange(row.shape[0]), -row))[:count]
        return [(int(i), float(row[i])) for i in order]
    return sorted(zip(ids[:count], values[:count]), key=lambda pair: (-pair[1], pair[0]))


def beam_search(model, source, beam):
    """Returns the best hypothesis's tokens; scores are float32 sums of log-probabilities / token count."""
    annotations, keys, states = encode_single(model, source)
    max_length = max_output_length(len(source))
    vocab = model.config["Vt"]
    alive_rows, previous_tokens, previous_totals = [0], [BOS], [np.float32(0)]
    steps, finished = [], []  # steps[t]: (row of step t-1, token) per kept candidate; finished: (score, t, row)
    t = 0
    while t < max_length and alive_rows and len(finished) < beam:
        new_states, _, logits = model.decode_step(torch.tensor(previous_tokens), states, annotations, keys, None)
        log_probs = torch.log_softmax(logits, dim=1)
        candidates = []  # (total, parent, token)
        for k in range(len(alive_rows)):
            if t + 1 == max_length:
                expansions = [(EOS, float(log_probs[k, EOS]))]
            else:
                expansions = best_tokens(log_probs[k], min(beam, vocab))
            for token, log_prob in expansions:
                candidates.append((previous_totals[k] + np.float32(log_prob), k, token))
        candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
        record, next_alive, next_tokens, next_totals, continuing = [], [], [], [], []
        for i, (total, parent, token) in enumerate(candidates[:beam]):
            record.append((alive_rows[parent], token))
            if token == EOS:
                finished.append((total / np.float32(t + 1), t, i))
                continue
            next_alive.append(i)
            next_tokens.append(token)
            next_totals.append(total)
            continuing.append(parent)
        steps.append(record)
        alive_rows, previous_tokens, previous_totals = next_alive, next_tokens, next_totals
        if continuing:
            states = new_states[continuing]
        t += 1
    finished.sort(key=lambda f: -f[0])  # stable, like the engine's std::stable_sort
    _, step, row = finished[0]
    tokens = []
    for t in range(step, -1, -1):
        parent, token = steps[t][row]
        tokens.append(token)
        row = parent
    return tokens[::-1]


def read_workload_lines(path):
    """The non-blank lines of a workload JSONL."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            return [line for line in f if line.strip()]
    except OSError as e:
        raise InputError(f"cannot read workload {path}: {e.strerror}")


def read_workload(path, config, limit):
    """Source ids of a workload JSONL written by `attn bench --write-workload`, in order."""
    lines = read_workload_lines(path)
    sources = []
    for number, line in enumerate(lines[:limit] if limit else lines, start=1):
        what = f"workload {path}:{number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{what}: not valid JSON: {e}")
        if not isinstance(entry, dict) or not isinstance(entry.get("source_ids"), list):
            raise InputError(f"{what}: expected an object with a list \"source_ids\"")
        sources.append(check_sequence(entry["source_ids"], config["Vs"], f"{what}: source_ids"))
    if not sources:
        raise InputError(f"workload {path} holds no sentences")
    return sources


def peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports kilobytes


def blas_library():
    """The libblas.so.3 this process mapped: torch's matrix products run on whichever one the loader found."""
    try:
        with open("/proc/self/maps", "r", encoding="utf-8") as f:
            paths = {line.split()[-1] for line in f if "libblas.so" in line}
    except OSError:
        return "unknown"
    return ", ".join(sorted(paths)) or "none"


def write_text(path, text):
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        raise InputError(f"cannot write {path}: {e.strerror}")


def command_bench(args):
    if not 1 <= args.beam <= MAX_BEAM:
        raise InputError(f"--beam must be between 1 and {MAX_BEAM}, got {args.beam}")
    for name in ("runs", "load_repeats"):
        if getattr(args, name) < 1:
            raise InputError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if args.warmup < 0 or (args.limit is not None and args.limit < 1):
        raise InputError("--warmup must be at least 0 and --limit at least 1")
    data = read_file_bytes(args.model, "model file")
    load_ms = []
    for _ in range(args.load_repeats):
        start = time.perf_counter()
        model = model_from_bytes(data, torch.float32).eval()
        load_ms.append((time.perf_counter() - start) * 1000)
    sources = read_workload(args.workload, model.config, args.limit)
    source_tokens = sum(len(s) for s in sources)

    runs, outputs = [], []
    with torch.inference_mode():
        for run in range(args.warmup + args.runs):
            milliseconds, outputs = [], []
            for source in sources:
                start = time.perf_counter()
                tokens = greedy_search(model, source) if args.beam == 1 else beam_search(model, source, args.beam)
                milliseconds.append((time.perf_counter() - start) * 1000)
                outputs.append(tokens)
            if run < args.warmup:
                continue
            seconds = sum(milliseconds) / 1000
            runs.append({"seconds": seconds, "sentences_per_s": len(sources) / seconds,
                         "source_tokens_per_s": source_tokens / seconds,
                         "ms_p50": float(np.percentile(milliseconds, 50)),
                         "ms_p95": float(np.percentile(milliseconds, 95))})
    if args.outputs:
        write_text(args.outputs, "".join(json.dumps({"i": i, "ids": ids}) + "\n" for i, ids in enumerate(outputs)))
    result = {"engine": "pytorch", "dtype": "F32", "beam": args.beam, "threads": torch.get_num_threads(),
              "sentences": len(sources), "source_tokens": source_tokens, "warmup_runs": args.warmup, "runs": runs,
              "load_ms": load_ms, "peak_memory_bytes": peak_rss_bytes(), "memory_kind": "rss",
              "torch": torch.__version__, "blas": blas_library(),
              "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
              "notes": "ms is perf_counter time of one sentence's search on its token ids (encoder and decoder "
                       "included, tokenization not: the workload holds ids); float32 network, torch.inference_mode; "
                       "load_ms builds the network from the model file's bytes already in memory (parse, "
                       "dequantize, nn modules); peak memory is the process's peak RSS, including the torch import"}
    return result


# ---------------------------------------------------------------- training throughput (issue #7)
#
# The same network trained the way src/train/trainer.cpp does (float32, dropout on the source and target
# embeddings and on the output layer, label smoothing, Adam, gradient norm clipped to 1, batches of similar length
# under a budget of padded tokens on the longer side), timed in target tokens per second.

MAX_TRAINING_LENGTH = 100  # `attn train --max-length` default: longer pairs are skipped


def read_training_pairs(path, config):
    """(source ids, target ids) pairs of a workload JSONL written with `attn bench --target-column`."""
    lines = read_workload_lines(path)
    pairs = []
    for number, line in enumerate(lines, start=1):
        what = f"workload {path}:{number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{what}: not valid JSON: {e}")
        if not isinstance(entry, dict) or not isinstance(entry.get("source_ids"), list) or \
                not isinstance(entry.get("target_ids"), list):
            raise InputError(f"{what}: expected lists \"source_ids\" and \"target_ids\" "
                             "(write the workload with attn bench --target-column)")
        source = check_sequence(entry["source_ids"], config["Vs"], f"{what}: source_ids")
        target = check_sequence(entry["target_ids"], config["Vt"], f"{what}: target_ids")
        if max(len(source), len(target)) <= MAX_TRAINING_LENGTH:
            pairs.append((source, target))
    if not pairs:
        raise InputError(f"workload {path} holds no training pairs")
    return pairs


def make_batches(pairs, max_tokens, rng):
    """src/train/batch.cpp make_batches: shuffled, sorted by the longer side, cut at the padded-token budget."""
    order = list(range(len(pairs)))
    rng.shuffle(order)
    longest = [max(len(s), len(t)) for s, t in pairs]
    order.sort(key=lambda i: longest[i])
    batches, current = [], []
    for index in order:
        if current and (len(current) + 1) * longest[index] > max_tokens:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    rng.shuffle(batches)
    return batches


def training_loss(model, sources, targets, dropout, smoothing):
    """Mean label-smoothed cross-entropy over the real target tokens of a batch, with dropout."""
    source_ids, source_lengths = pad(sources)
    target_ids, target_lengths = pad(targets)
    annotations, keys, mask, state = model.encode(source_ids, source_lengths, dropout)
    previous = torch.cat([torch.full_like(target_ids[:, :1], BOS), target_ids[:, :-1]], dim=1)
    inputs = nn.functional.dropout(model.tgt_embed(previous), dropout, training=True)
    states, contexts = [], []
    for t in range(target_ids.shape[1]):
        scores = (torch.tanh(model.att_W(state)[:, None, :] + keys) @ model.att_v).masked_fill(~mask, float("-inf"))
        context = (torch.softmax(scores, dim=1)[:, :, None] * annotations).sum(dim=1)
        state = model.decoder(torch.cat([inputs[:, t], context], dim=1), state)
        states.append(state)
        contexts.append(context)
    hidden = torch.tanh(model.out_hidden(torch.cat([torch.stack(states, 1), torch.stack(contexts, 1), inputs], 2)))
    log_probs = torch.log_softmax(model.out_proj(nn.functional.dropout(hidden, dropout, training=True)), dim=2)
    nll = -log_probs.gather(2, target_ids[:, :, None])[:, :, 0]
    per_token = (1.0 - smoothing) * nll - smoothing * log_probs.mean(dim=2)
    real = torch.arange(target_ids.shape[1])[None, :] < target_lengths[:, None]
    return per_token[real].sum() / real.sum()


def command_train_bench(args):
    for name in ("threads", "steps", "batch_tokens"):
        if getattr(args, name) < 1:
            raise InputError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if args.warmup_steps < 0:
        raise InputError(f"--warmup-steps must be at least 0, got {args.warmup_steps}")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = model_from_bytes(read_file_bytes(args.model, "model file"), torch.float32).train()
    pairs = read_training_pairs(args.workload, model.config)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, betas=(0.9, 0.98), eps=1e-9)
    rng = random.Random(args.seed)
    batches = []
    timed_tokens, timed_seconds = 0, 0.0
    for step in range(args.warmup_steps + args.steps):
        if not batches:
            batches = make_batches(pairs, args.batch_tokens, rng)
        batch = [pairs[i] for i in batches.pop()]
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = training_loss(model, [s for s, _ in batch], [t for _, t in batch], args.dropout, args.label_smoothing)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step >= args.warmup_steps:
            timed_seconds += time.perf_counter() - start
            timed_tokens += sum(len(t) for _, t in batch)
    return {"engine": "pytorch", "threads": args.threads, "steps": args.steps, "warmup_steps": args.warmup_steps,
            "target_tokens_per_s": timed_tokens / timed_seconds, "batch_target_tokens": timed_tokens / args.steps,
            "batch_tokens_budget": args.batch_tokens, "seconds": timed_seconds, "final_loss": float(loss),
            "torch": torch.__version__, "blas": blas_library(),
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
            "notes": "float32 training steps of the model file's architecture (its weights as the start): forward, "
                     "backward, gradient clipping and Adam, timed per step after the warm-up steps; target tokens "
                     "are real (unpadded) tokens including </s>; batching excluded from the timing"}


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    parser = Parser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    forward = commands.add_parser("forward", help="teacher-forced logits and attention")
    forward.add_argument("model")
    forward.add_argument("--src", required=True, help="source ids, ending with 2")
    forward.add_argument("--tgt", required=True, help="target ids, ending with 2")
    greedy = commands.add_parser("greedy", help="greedy decoding")
    greedy.add_argument("model")
    greedy.add_argument("--src", required=True, help="source ids, ending with 2")
    greedy.add_argument("--max-len", type=int, required=True, help="most tokens emitted")
    multi = commands.add_parser("multi", help="many forward/greedy requests in one process")
    multi.add_argument("model")
    multi.add_argument("requests", help='JSON file [{"command": "forward", "src": [...], "tgt": [...]}, '
                                        '{"command": "greedy", "src": [...], "max_len": N}, ...]')
    grad = commands.add_parser("grad", help="loss and gradients of a batch")
    grad.add_argument("model")
    grad.add_argument("batch", help='JSON file {"sources": [[...]], "targets": [[...]], "label_smoothing": e}')
    bench = commands.add_parser("bench", help="benchmark engine \"pytorch\": float32 translation of a workload")
    bench.add_argument("model")
    bench.add_argument("workload", help="JSONL written by attn bench --write-workload")
    bench.add_argument("--beam", type=int, required=True, help="1 (greedy) to 16")
    bench.add_argument("--runs", type=int, default=3, help="timed runs")
    bench.add_argument("--warmup", type=int, default=1, help="untimed runs before them")
    bench.add_argument("--load-repeats", type=int, default=5, help="times the network is built for load_ms")
    bench.add_argument("--limit", type=int, help="only the first N sentences")
    bench.add_argument("--result", help="write the result object here instead of stdout")
    bench.add_argument("--outputs", help="write the last run's target ids here as JSONL")
    train_bench = commands.add_parser("train-bench", help="float32 training throughput in target tokens/s")
    train_bench.add_argument("model", help="model file giving the architecture (and the starting weights)")
    train_bench.add_argument("workload", help="JSONL with source_ids and target_ids (attn bench --target-column)")
    train_bench.add_argument("--threads", type=int, default=2)
    train_bench.add_argument("--steps", type=int, default=50, help="timed steps")
    train_bench.add_argument("--warmup-steps", type=int, default=5, help="untimed steps before them")
    train_bench.add_argument("--batch-tokens", type=int, default=3000, help="padded tokens per batch (longer side)")
    train_bench.add_argument("--dropout", type=float, default=0.2)
    train_bench.add_argument("--label-smoothing", type=float, default=0.1)
    train_bench.add_argument("--seed", type=int, default=1)
    train_bench.add_argument("--result", help="write the result object here instead of stdout")
    args = parser.parse_args()

    torch.set_num_threads(1)
    try:
        if args.command in ("bench", "train-bench"):
            result = (command_bench if args.command == "bench" else command_train_bench)(args)
        else:
            model = load_model(args.model)
            run = {"forward": command_forward, "greedy": command_greedy, "multi": command_multi,
                   "grad": command_grad}[args.command]
            result = run(model, args)
        if getattr(args, "result", None):
            write_text(args.result, json.dumps(result) + "\n")
            return
    except InputError as e:
        print(f"reference.py: {e}", file=sys.stderr)
        sys.exit(1)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
