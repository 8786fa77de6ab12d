#!/usr/bin/python3
"""Dynamically quantizes the graphs of export-onnx.py to int8, as onnxruntime's quantize_dynamic does: the int8
rival of the benchmark (scripts/bench.sh).

  quantize-onnx.py ONNX_DIR OUT_DIR

Every MatMul and Gemm whose weight is a constant 2-D matrix becomes
  DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zero_point, 0) → Cast → × (x_scale · w_scale) [+ bias]
with W_q int8 and one symmetric scale per output column (per-channel), and x quantized to uint8 at run time with
one scale and zero point per call (per tensor). For weights dequantized from an int8 model file, the per-column
scales give back that file's int8 values. The encoder's GRU stays float32 (quantize_dynamic leaves GRU alone too).
config.json is copied with "weights": "int8-dynamic".

onnxruntime's own quantization tool is not available to Debian's Python, so the rewrite is done here with
onnx.helper. Run with Debian's interpreter: /usr/bin/python3 (onnx, numpy).
"""

import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

GRAPHS = ("encoder.onnx", "decoder_step.onnx")


def quantize_columns(weight):
    """(int8 matrix, float32 scale per column) of a float [K, N] matrix, symmetric: zero point 0."""
    largest = np.abs(weight).max(axis=0)
    scale = np.where(largest > 0, largest / 127.0, 1.0).astype(np.float32)
    quantized = np.clip(np.rint(weight / scale), -127, 127).astype(np.int8)
    return quantized, scale


def constant_weight(node, initializers):
    """The [K, N] weight of a MatMul x·W or Gemm x·Wᵀ + c (alpha = beta = 1) with a constant 2-D W, or None."""
    attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    if node.op_type == "MatMul":
        weight = initializers.get(node.input[1])
        return weight if weight is not None and weight.ndim == 2 else None
    if node.op_type != "Gemm" or attributes.get("transA", 0) or attributes.get("alpha", 1.0) != 1.0 \
            or attributes.get("beta", 1.0) != 1.0:
        return None
    weight = initializers.get(node.input[1])
    if weight is None or weight.ndim != 2:
        return None
    return weight.T if attributes.get("transB", 0) else weight


def integer_nodes(node, weight, prefix):
    """The nodes and initializers that compute `node` in integers; its output name is kept."""
    quantized, scale = quantize_columns(weight)
    names = {k: f"{prefix}_{k}" for k in ("x_q", "x_scale", "x_zero", "w_q", "w_zero", "w_scale", "product",
                                          "product_f", "scale", "scaled")}
    output = node.output[0]
    has_bias = node.op_type == "Gemm" and len(node.input) > 2 and node.input[2]
    nodes = [
        helper.make_node("DynamicQuantizeLinear", [node.input[0]], [names["x_q"], names["x_scale"], names["x_zero"]]),
        helper.make_node("MatMulInteger", [names["x_q"], names["w_q"], names["x_zero"], names["w_zero"]],
                         [names["product"]]),
        helper.make_node("Cast", [names["product"]], [names["product_f"]], to=TensorProto.FLOAT),
        helper.make_node("Mul", [names["x_scale"], names["w_scale"]], [names["scale"]]),
        helper.make_node("Mul", [names["product_f"], names["scale"]], [names["scaled"] if has_bias else output]),
    ]
    if has_bias:
        nodes.append(helper.make_node("Add", [names["scaled"], node.input[2]], [output]))
    initializers = [numpy_helper.from_array(quantized, names["w_q"]),
                    numpy_helper.from_array(np.zeros((), np.int8), names["w_zero"]),
                    numpy_helper.from_array(scale, names["w_scale"])]
    return nodes, initializers


def quantize_graph(model):
    """Rewrites `model` in place; returns how many products became integer ones."""
    graph = model.graph
    initializers = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    nodes, added, replaced = [], [], 0
    for index, node in enumerate(graph.node):
        weight = constant_weight(node, initializers)
        if weight is None:
            nodes.append(node)
            continue
        new_nodes, new_initializers = integer_nodes(node, weight.astype(np.float32), f"int8_{index}")
        nodes += new_nodes
        added += new_initializers
        replaced += 1
    del graph.node[:]
    graph.node.extend(nodes)
    graph.initializer.extend(added)
    used = {name for node in graph.node for name in node.input}
    kept = [i for i in graph.initializer if i.name in used]  # the float weights now unused are dropped
    del graph.initializer[:]
    graph.initializer.extend(kept)
    return replaced


def quantize_directory(onnx_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    counts = {}
    for name in GRAPHS:
        model = onnx.load(os.path.join(onnx_dir, name))
        counts[name] = quantize_graph(model)
        if counts[name] == 0:
            raise ValueError(f"{name} holds no MatMul or Gemm with a constant weight to quantize")
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(out_dir, name))
    with open(os.path.join(onnx_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    config["weights"] = "int8-dynamic"
    with open(os.path.join(out_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=1)
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("onnx_dir", help="an export-onnx.py output directory")
    parser.add_argument("out_dir", help="directory for the quantized encoder.onnx, decoder_step.onnx, config.json")
    args = parser.parse_args()
    try:
        counts = quantize_directory(args.onnx_dir, args.out_dir)
    except (OSError, ValueError, onnx.checker.ValidationError) as e:
        print(f"quantize-onnx.py: {e}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"quantized_products": counts}))


if __name__ == "__main__":
    main()
