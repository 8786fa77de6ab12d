#!/usr/bin/python3
"""Turns the result files of scripts/bench.sh into tables (and, with --plots, PNG plots).

  bench-report.py RESULTS_DIR [--markdown FILE] [--plots DIR] [--check]

RESULTS_DIR holds what bench.sh wrote:
  run-ENGINE-DTYPE-beamK.json   one engine's figures (the JSON contract in scripts/bench.sh)
  out-ENGINE-DTYPE-beamK.jsonl  its outputs of the last run, {"i", "ids"?, "text"?} per sentence
  sweep-length.json, sweep-beam.json, train-*.json, machine.json, interleaved-beamK.json
--markdown replaces the text between "<!-- bench:begin -->" and "<!-- bench:end -->" in FILE with the tables (the
rest of FILE, the prose, is kept); without it the tables go to stdout. --check exits 1 when a greedy output of some
engine differs from the native engine of its dtype on more than 1% of sentences (float summation order may flip a
near tie; more than that is a bug), or, for the int8 ONNX Runtime rival, on more than 10%: it quantizes activations
differently from ours (uint8 per tensor against our 16 bits per row), so near ties flip more often.
"""

import argparse
import glob
import json
import os
import re
import statistics
import sys

ENGINE_ORDER = ["native", "wasm-simd", "wasm-base", "onnxruntime-web", "onnxruntime-node", "pytorch"]
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
MAX_DISAGREEMENT = 0.01
MAX_INT8_RIVAL_DISAGREEMENT = 0.10


def max_disagreement(run):
    rival = run["engine"].startswith("onnxruntime") and run["dtype"] == "I8"
    return MAX_INT8_RIVAL_DISAGREEMENT if rival else MAX_DISAGREEMENT


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_outputs(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_runs(results):
    runs = []
    for path in sorted(glob.glob(os.path.join(results, "run-*.json"))):
        run = load_json(path)
        run["outputs"] = load_outputs(path.replace("/run-", "/out-")[:-len(".json")] + ".jsonl")
        runs.append(run)
    runs.sort(key=lambda r: (r["beam"], ENGINE_ORDER.index(r["engine"]) if r["engine"] in ENGINE_ORDER else 99,
                             r["dtype"]))
    return runs


def median_of(run, key):
    return statistics.median(r[key] for r in run["runs"])


def spread(run, key, fmt):
    values = [r[key] for r in run["runs"]]
    text = fmt.format(statistics.median(values))
    if len(values) > 1:
        text += (" (" + fmt + "–" + fmt + ")").format(min(values), max(values))
    return text


def same_output(a, b):
    if "ids" in a and "ids" in b:
        return a["ids"] == b["ids"]
    return a.get("text") == b.get("text")


def agreement(run, reference):
    """(equal, compared) between run's outputs and the reference engine's, or None when either is missing."""
    if run is reference or not run["outputs"] or not reference or not reference["outputs"]:
        return None
    pairs = list(zip(run["outputs"], reference["outputs"]))
    return sum(same_output(a, b) for a, b in pairs), len(pairs)


def find(runs, engine, dtype, beam):
    for run in runs:
        if (run["engine"], run["dtype"], run["beam"]) == (engine, dtype, beam):
            return run
    return None


def megabytes(n):
    return f"{n / 1e6:.0f} MB" if n else "–"


def throughput_table(runs):
    lines = ["| engine | dtype | beam | sentences/s | source tokens/s | ms p50 | ms p95 | load ms | peak memory | "
             "same output as native |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for run in runs:
        reference = find(runs, "native", run["dtype"], run["beam"])
        agree = agreement(run, reference)
        agree_text = "(reference)" if run is reference else (f"{agree[0]}/{agree[1]}" if agree else "–")
        load = f"{statistics.median(run['load_ms']):.1f}" if run.get("load_ms") else "–"
        lines.append(f"| {run['engine']} | {run['dtype']} | {run['beam']} | {spread(run, 'sentences_per_s', '{:.1f}')} | "
                     f"{median_of(run, 'source_tokens_per_s'):.0f} | {median_of(run, 'ms_p50'):.2f} | "
                     f"{median_of(run, 'ms_p95'):.2f} | {load} | {megabytes(run.get('peak_memory_bytes'))} "
                     f"({run.get('memory_kind', '?')}) | {agree_text} |")
    return lines


def ratio_rows(runs, trainings):
    """(target, beam, ratio, goal, comparison) for every target of the issue that this run can answer."""
    rows = []

    def speed(engine, dtype, beam):
        run = find(runs, engine, dtype, beam)
        return median_of(run, "sentences_per_s") if run else None

    for beam in sorted({r["beam"] for r in runs}):
        checks = [
            ("wasm SIMD int8 / onnxruntime-web F32", speed("wasm-simd", "I8", beam),
             speed("onnxruntime-web", "F32", beam), 2.0),
            ("wasm SIMD int8 / onnxruntime-web int8", speed("wasm-simd", "I8", beam),
             speed("onnxruntime-web", "I8", beam), 2.0),
            ("native F32 / wasm SIMD F32", speed("native", "F32", beam), speed("wasm-simd", "F32", beam), None),
            ("native int8 / wasm SIMD int8", speed("native", "I8", beam), speed("wasm-simd", "I8", beam), None),
            ("wasm SIMD int8 / wasm baseline int8", speed("wasm-simd", "I8", beam), speed("wasm-base", "I8", beam), 2.5),
        ]
        for name, numerator, denominator, at_least in checks:
            if numerator and denominator:
                ratio = numerator / denominator
                if at_least is None:  # "within 1.5x of native": native may be at most 1.5x faster
                    rows.append((name, beam, ratio, "≤ 1.5", ratio <= 1.5))
                else:
                    rows.append((name, beam, ratio, f"≥ {at_least}", ratio >= at_least))
    ours, torch = trainings.get("attn"), trainings.get("pytorch")
    if ours and torch:
        ratio = ours["target_tokens_per_s"] / torch["target_tokens_per_s"]
        rows.append(("training attn / PyTorch (tokens/s)", "–", ratio, "≥ 1", ratio >= 1))
    return rows


def ratio_table(runs, trainings):
    lines = ["| ratio (same run) | beam | measured | target | met |", "|---|---|---|---|---|"]
    for name, beam, ratio, goal, met in ratio_rows(runs, trainings):
        lines.append(f"| {name} | {beam} | {ratio:.2f}× | {goal} | {'yes' if met else '**no**'} |")
    return lines


def sweep_table(sweep):
    key = sweep["sweep"]
    lines = [f"| {key} | ms per sentence, median (min–max) | output tokens (mean) | inputs |", "|---|---|---|---|"]
    for p in sweep["points"]:
        lines.append(f"| {p[key]} | {p['ms_median']:.2f} ({p['ms_min']:.2f}–{p['ms_max']:.2f}) | "
                     f"{p['output_tokens_mean']:.1f} | {p['inputs']} |")
    return lines


def interleaved_table(interleaved):
    lines = ["| beam | ratio per round | median | min–max | rounds × sentences | target | met |",
             "|---|---|---|---|---|---|---|"]
    for beam, result in sorted(interleaved.items()):
        for name, ratio in result["ratios"].items():
            lines.append(f"| {beam} | {name} | {ratio['median']:.2f}× | {ratio['min']:.2f}–{ratio['max']:.2f}× | "
                         f"{result['rounds']} × {result['sentences']} | ≥ 2 | "
                         f"{'yes' if ratio['median'] >= 2 else '**no**'} |")
    lines += ["", "| beam | engine | sentences/s per round | median (min–max) |", "|---|---|---|---|"]
    for beam, result in sorted(interleaved.items()):
        for name, engine in result["engines"].items():
            rates = ", ".join(f"{rate:.1f}" for rate in engine["sentences_per_s"])
            lines.append(f"| {beam} | {name} | {rates} | "
                         f"{engine['median']:.1f} ({engine['min']:.1f}–{engine['max']:.1f}) |")
    return lines


def training_table(trainings):
    lines = ["| trainer | threads | steps timed | target tokens/s | batch target tokens |", "|---|---|---|---|---|"]
    for name, t in sorted(trainings.items()):
        lines.append(f"| {name} | {t.get('threads', '?')} | {t.get('steps', '?')} | {t['target_tokens_per_s']:.0f} | "
                     f"{t.get('batch_target_tokens', '–')} |")
    return lines


def plot_sweeps(sweeps, directory):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(directory, exist_ok=True)
    labels = {"length": "source length (tokens)", "beam": "beam size"}
    written = []
    for key, sweep in sweeps.items():
        points = sweep["points"]
        x = [p[key] for p in points]
        fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
        ax.errorbar(x, [p["ms_median"] for p in points],
                    yerr=[[p["ms_median"] - p["ms_min"] for p in points], [p["ms_max"] - p["ms_median"] for p in points]],
                    marker="o", capsize=3, label=f"{sweep['engine']} {sweep['dtype']}")
        ax.set_xlabel(labels.get(key, key))
        ax.set_ylabel("ms per sentence")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        twin = ax.twinx()
        twin.plot(x, [p["output_tokens_mean"] for p in points], color="tab:gray", linestyle="--",
                  label="output tokens")
        twin.set_ylabel("output tokens (mean)", color="tab:gray")
        twin.set_ylim(bottom=0)
        ax.set_title(f"Cost against {labels.get(key, key)}")
        fig.legend(loc="upper left", bbox_to_anchor=(0.12, 0.88))
        fig.tight_layout()
        path = os.path.join(directory, f"scaling-{key}.png")
        fig.savefig(path)
        plt.close(fig)
        written.append(path)
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--markdown")
    parser.add_argument("--plots")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    runs = load_runs(args.results)
    if not runs:
        sys.exit(f"bench-report: no run-*.json in {args.results}")
    sweeps = {}
    for key in ("length", "beam"):
        path = os.path.join(args.results, f"sweep-{key}.json")
        if os.path.exists(path):
            sweeps[key] = load_json(path)
    trainings = {os.path.basename(p)[len("train-"):-len(".json")]: load_json(p)
                 for p in glob.glob(os.path.join(args.results, "train-*.json"))}
    interleaved = {load_json(p)["beam"]: load_json(p)
                   for p in glob.glob(os.path.join(args.results, "interleaved-beam*.json"))}
    machine_path = os.path.join(args.results, "machine.json")
    machine = load_json(machine_path) if os.path.exists(machine_path) else {}

    first = runs[0]
    lines = [f"Measured {machine.get('date', '?')} on {machine.get('cpu', '?')} ({machine.get('commit', '?')}): "
             f"{first['sentences']} sentences of test.tsv, {len(first['runs'])} timed run(s) after "
             f"{first.get('warmup_runs', '?')} warm-up, one thread; medians with min–max.", "",
             "### Ratios against the targets", ""] + ratio_table(runs, trainings)
    if interleaved:
        lines += ["", "### Interleaved timing (engines alternated pass by pass)", ""] + interleaved_table(interleaved)
    lines += ["", "### Every engine", ""] + throughput_table(runs)
    for key, sweep in sweeps.items():
        lines += ["", f"### Scaling with {key} ({sweep['engine']} {sweep['dtype']})", ""] + sweep_table(sweep)
        if args.plots:
            lines += ["", f"![ms per sentence against {key}]({os.path.join(args.plots, f'scaling-{key}.png')})"]
    if trainings:
        lines += ["", "### Training", ""] + training_table(trainings)
    notes = {}
    for r in runs:  # one note per engine (and dtype, where they differ); the per-run RSS figure is in the table
        if r.get("notes"):
            note = re.sub(r";? *Node process peak RSS \d+ bytes", "", r["notes"])
            key = r["engine"] if notes.get(r["engine"], note) == note else f"{r['engine']} {r['dtype']}"
            notes.setdefault(key, note)
    notes = [f"- {engine}: {note}" for engine, note in notes.items()]
    if notes:
        lines += ["", "### What each engine's timing includes", ""] + notes
    text = "\n".join(lines) + "\n"

    if args.plots and sweeps:
        plot_sweeps(sweeps, args.plots)
    if args.markdown:
        with open(args.markdown, encoding="utf-8") as f:
            document = f.read()
        if BEGIN not in document or END not in document:
            sys.exit(f"bench-report: {args.markdown} lacks the {BEGIN} … {END} markers")
        head, rest = document.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(head + BEGIN + "\n" + text + END + tail)
    else:
        sys.stdout.write(text)

    if args.check:
        failures = []
        for run in runs:
            if run["beam"] != 1:
                continue
            agree = agreement(run, find(runs, "native", run["dtype"], 1))
            if agree and agree[1] and (agree[1] - agree[0]) / agree[1] > max_disagreement(run):
                failures.append(f"{run['engine']} {run['dtype']}: {agree[0]}/{agree[1]} greedy outputs equal native "
                                f"(at least {1 - max_disagreement(run):.0%} must)")
            if agree is not None and agree[1] == 0:
                failures.append(f"{run['engine']} {run['dtype']}: no outputs to compare")
        if failures:
            sys.exit("bench-report: outputs differ:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
