#!/usr/bin/python3
"""Verifies the graphs written by export-onnx.py against scripts/reference.py.

  check-onnx.py MODEL ONNX_DIR

onnxruntime is not available to Debian's Python, so the graphs run on a small numpy interpreter of the ONNX
operators the export uses (written from the ONNX operator specification, GRU included). For a few source sentences
it compares the encoder outputs, a batched decoder step (attention and log-probabilities) and greedy decoding with
the reference; prints a JSON summary and exits 1 on any mismatch.
Run with Debian's interpreter: /usr/bin/python3 (torch 1.13, numpy, onnx).
"""

import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402

TOLERANCE = 1e-4


# ---------------------------------------------------------------- numpy ONNX interpreter (opset 13)

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def gru(attrs, X, W, R, B=None, sequence_lens=None, initial_h=None):
    """ONNX GRU, layout 0: X [T, batch, I], W [D, 3H, I], R [D, 3H, H] with gates in z, r, h order."""
    if sequence_lens is not None:
        raise NotImplementedError("GRU with sequence_lens")
    H = attrs["hidden_size"]
    directions = {"forward": [False], "reverse": [True], "bidirectional": [False, True]}[
        attrs.get("direction", b"forward").decode()]
    linear_before_reset = attrs.get("linear_before_reset", 0)
    T, batch = X.shape[0], X.shape[1]
    Y = np.zeros((T, len(directions), batch, H), dtype=X.dtype)
    Y_h = np.zeros((len(directions), batch, H), dtype=X.dtype)
    for d, backwards in enumerate(directions):
        Wz, Wr, Wh = np.split(W[d], 3)
        Rz, Rr, Rh = np.split(R[d], 3)
        bias = B[d] if B is not None else np.zeros(6 * H, dtype=X.dtype)
        Wbz, Wbr, Wbh, Rbz, Rbr, Rbh = np.split(bias, 6)
        h = initial_h[d] if initial_h is not None else np.zeros((batch, H), dtype=X.dtype)
        for t in (reversed(range(T)) if backwards else range(T)):
            x = X[t]
            z = sigmoid(x @ Wz.T + h @ Rz.T + Wbz + Rbz)
            r = sigmoid(x @ Wr.T + h @ Rr.T + Wbr + Rbr)
            if linear_before_reset:
                candidate = np.tanh(x @ Wh.T + r * (h @ Rh.T + Rbh) + Wbh)
            else:
                candidate = np.tanh(x @ Wh.T + (r * h) @ Rh.T + Rbh + Wbh)
            h = (1 - z) * candidate + z * h
            Y[t, d] = h
        Y_h[d] = h
    return Y, Y_h


def gemm(attrs, A, B, C=None):
    A = A.T if attrs.get("transA", 0) else A
    B = B.T if attrs.get("transB", 0) else B
    Y = attrs.get("alpha", 1.0) * (A @ B)
    return Y + attrs.get("beta", 1.0) * C if C is not None else Y


def reshape(attrs, data, shape):
    shape = [data.shape[i] if s == 0 and not attrs.get("allowzero", 0) else int(s) for i, s in enumerate(shape)]
    return data.reshape(shape)


def split(attrs, data, sizes=None):
    axis = attrs.get("axis", 0)
    if sizes is None:
        return np.split(data, len(attrs["__outputs__"]), axis=axis)
    return np.split(data, np.cumsum(sizes)[:-1], axis=axis)


def reduce_sum(attrs, data, axes=None):
    if axes is None:
        if attrs.get("noop_with_empty_axes", 0):
            return data
        axes = tuple(range(data.ndim))
    return data.sum(axis=tuple(int(a) for a in axes), keepdims=bool(attrs.get("keepdims", 1)))


def unsqueeze(attrs, data, axes):
    result = data
    for axis in sorted(int(a) % (data.ndim + len(axes)) for a in axes):
        result = np.expand_dims(result, axis)
    return result


def constant_of_shape(attrs, shape):
    value = numpy_helper.to_array(attrs["value"]) if "value" in attrs else np.zeros(1, dtype=np.float32)
    return np.full([int(s) for s in shape], value.reshape(-1)[0], dtype=value.dtype)


OPERATORS = {
    "Add": lambda a, x, y: x + y,
    "Sub": lambda a, x, y: x - y,
    "Mul": lambda a, x, y: x * y,
    "MatMul": lambda a, x, y: np.matmul(x, y),
    "Tanh": lambda a, x: np.tanh(x),
    "Sigmoid": lambda a, x: sigmoid(x),
    "Softmax": lambda a, x: softmax(x, a.get("axis", -1)),
    "LogSoftmax": lambda a, x: log_softmax(x, a.get("axis", -1)),
    "Concat": lambda a, *xs: np.concatenate(xs, axis=a["axis"]),
    "Gather": lambda a, x, i: np.take(x, i.astype(np.int64), axis=a.get("axis", 0)),
    "Shape": lambda a, x: np.array(x.shape, dtype=np.int64),
    "Transpose": lambda a, x: np.transpose(x, a.get("perm")),
    "Constant": lambda a: numpy_helper.to_array(a["value"]),
    "ConstantOfShape": constant_of_shape,
    "Unsqueeze": unsqueeze,
    "Reshape": reshape,
    "Split": split,
    "ReduceSum": reduce_sum,
    "Gemm": gemm,
    "GRU": gru,
}


def attribute_values(node):
    attrs = {}
    for attribute in node.attribute:
        value = onnx.helper.get_attribute_value(attribute)
        attrs[attribute.name] = list(value) if isinstance(value, (list, tuple)) else value
    attrs["__outputs__"] = list(node.output)
    return attrs


def run_graph(model, inputs):
    """Evaluates a topologically sorted ONNX graph on a dict of numpy inputs; returns the outputs in order."""
    values = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    values.update(inputs)
    for node in model.graph.node:
        if node.op_type not in OPERATORS:
            raise NotImplementedError(f"operator {node.op_type} is not in the checker's interpreter")
        arguments = [values[name] if name else None for name in node.input]
        while arguments and arguments[-1] is None:
            arguments.pop()
        results = OPERATORS[node.op_type](attribute_values(node), *arguments)
        if not isinstance(results, (tuple, list)):
            results = [results]
        for name, result in zip(node.output, results):
            if name:
                values[name] = np.asarray(result)
    return [values[output.name] for output in model.graph.output]


# ---------------------------------------------------------------- comparison with the reference

def largest_difference(actual, expected):
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        raise AssertionError(f"shape {actual.shape} differs from the reference's {expected.shape}")
    return float(np.abs(actual - expected).max())


def check(model_path, onnx_dir):
    model = reference.load_model(model_path)
    encoder = onnx.load(os.path.join(onnx_dir, "encoder.onnx"))
    decoder = onnx.load(os.path.join(onnx_dir, "decoder_step.onnx"))
    for graph in (encoder, decoder):
        onnx.checker.check_model(graph)
    c = model.config
    rng = np.random.default_rng(5)
    report = {"sentences": 0, "greedy_tokens_compared": 0, "max_difference": 0.0, "mismatches": []}

    def compare(what, actual, expected):
        difference = largest_difference(actual, expected)
        report["max_difference"] = max(report["max_difference"], difference)
        if not difference <= TOLERANCE:
            report["mismatches"].append(f"{what}: differs by {difference:.3g}")

    for source_length in (1, 4, 9):
        source = [int(i) for i in rng.integers(3, c["Vs"], source_length - 1)] + [reference.EOS]
        what = f"source of {source_length} tokens"
        report["sentences"] += 1
        with torch.no_grad():
            ref_annotations, ref_keys, mask, ref_state = model.encode(torch.tensor([source]),
                                                                      torch.tensor([source_length]))
        annotations, keys, state = run_graph(encoder, {"source_ids": np.array([source], dtype=np.int64)})
        compare(f"{what}: annotations", annotations, ref_annotations.numpy())
        compare(f"{what}: keys", keys, ref_keys.numpy())
        compare(f"{what}: initial_state", state, ref_state.numpy())

        # Two hypotheses in one step: teacher-forced rows of two different target prefixes.
        targets = [[int(i) for i in rng.integers(3, c["Vt"], n)] + [reference.EOS] for n in (2, 3)]
        previous, states = np.array([reference.BOS, reference.BOS]), np.repeat(state, 2, axis=0)
        expected = [reference.forward(model, source, target) for target in targets]
        for step in range(3):
            states, attention, log_probs = run_graph(decoder, {"previous_tokens": previous.astype(np.int64),
                                                               "previous_states": states, "annotations": annotations,
                                                               "keys": keys})
            for row, target in enumerate(targets):
                logits = torch.tensor(expected[row]["logits"][step])
                compare(f"{what}: step {step} hypothesis {row} log_probs", log_probs[row],
                        torch.log_softmax(logits, dim=0).numpy())
                compare(f"{what}: step {step} hypothesis {row} attention", attention[row],
                        expected[row]["attention"][step])
            previous = np.array([target[step] for target in targets])

        # Greedy decoding driven from the graphs, as the JavaScript loop does.
        max_len = 2 * source_length + 10
        tokens, previous, states = [], np.array([reference.BOS]), state
        while len(tokens) < max_len and (not tokens or tokens[-1] != reference.EOS):
            states, _, log_probs = run_graph(decoder, {"previous_tokens": previous.astype(np.int64),
                                                       "previous_states": states, "annotations": annotations,
                                                       "keys": keys})
            tokens.append(int(np.argmax(log_probs[0])))
            previous = np.array(tokens[-1:])
        expected_tokens = reference.greedy(model, source, max_len)["tokens"]
        report["greedy_tokens_compared"] += len(expected_tokens)
        if tokens != expected_tokens:
            report["mismatches"].append(f"{what}: greedy tokens {tokens} differ from the reference's "
                                        f"{expected_tokens}")
    return report


def main():
    parser = reference.Parser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="the model file that was exported")
    parser.add_argument("onnx_dir", help="directory holding encoder.onnx and decoder_step.onnx")
    args = parser.parse_args()
    torch.set_num_threads(1)
    try:
        report = check(args.model, args.onnx_dir)
    except reference.InputError as e:
        print(f"check-onnx.py: {e}", file=sys.stderr)
        sys.exit(1)
    except (OSError, onnx.checker.ValidationError, NotImplementedError, AssertionError) as e:
        print(f"check-onnx.py: {e}", file=sys.stderr)
        sys.exit(1)
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")
    sys.exit(1 if report["mismatches"] else 0)


if __name__ == "__main__":
    main()
