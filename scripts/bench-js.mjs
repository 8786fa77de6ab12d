#!/usr/bin/env node
// The JavaScript engines of the benchmark (issue #7): translates the benchmark sentences with one engine, one
// thread, each sentence as one sequence, and prints one JSON result object (the contract shared with `attn bench`).
//
//   node scripts/bench-js.mjs --engine wasm-simd|wasm-base|onnxruntime-web|onnxruntime-node
//       --model MODEL (.safetensors for wasm-*, an export-onnx.py directory for onnxruntime-*)
//       (--data TSV | --workload JSONL) [--beam 1] [--runs 3] [--warmup 1] [--limit N] [--load-repeats 5]
//       [--result FILE] [--outputs FILE] [--profile]
//
// --data reads the French column of an English<TAB>French file (identical sources once, in file order);
// --workload reads `attn bench --write-workload` output and is required by the onnxruntime engines, which take
// source ids. --outputs writes the last run's translations as JSONL {"i", "ids", "text" (wasm only), "score"}.
// --profile (onnxruntime engines) adds "profile" to the result: the timed runs' wall time inside session.run.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { ENGINES } from './bench/engines.mjs';
import { runSummary } from './bench/stats.mjs';
import { readTsvSources, readWorkload } from './bench/workload.mjs';

class UsageError extends Error {}

function integerOption(values, name, fallback, minimum) {
  if (values[name] === undefined) return fallback;
  const value = Number(values[name]);
  if (!Number.isSafeInteger(value) || value < minimum || !/^\d+$/.test(values[name])) {
    throw new UsageError(`--${name} must be an integer ≥ ${minimum}, got ${values[name]}`);
  }
  return value;
}

function parseCommandLine(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        engine: { type: 'string' }, model: { type: 'string' }, data: { type: 'string' },
        workload: { type: 'string' }, beam: { type: 'string' }, runs: { type: 'string' },
        warmup: { type: 'string' }, limit: { type: 'string' }, 'load-repeats': { type: 'string' },
        result: { type: 'string' }, outputs: { type: 'string' }, profile: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (!(values.engine in ENGINES)) {
    throw new UsageError(`--engine must be one of ${Object.keys(ENGINES).join(', ')}, got ${values.engine}`);
  }
  if (!values.model) throw new UsageError('--model is required');
  if ((values.data === undefined) === (values.workload === undefined)) {
    throw new UsageError('give exactly one of --data TSV and --workload JSONL');
  }
  if (values.engine.startsWith('onnxruntime') && values.data !== undefined) {
    throw new UsageError(`${values.engine} takes source ids: use --workload (written by attn bench --write-workload)`);
  }
  return {
    ...values,
    beam: integerOption(values, 'beam', 1, 1),
    runs: integerOption(values, 'runs', 3, 1),
    warmup: integerOption(values, 'warmup', 1, 0),
    limit: integerOption(values, 'limit', Infinity, 1),
    loadRepeats: integerOption(values, 'load-repeats', 5, 1),
  };
}

/** One pass over all sentences: { seconds, latenciesMs, results }. */
async function runOnce(model, sentences, beam) {
  const latenciesMs = [];
  const results = [];
  const start = performance.now();
  for (const sentence of sentences) {
    const before = performance.now();
    results.push(await model.translate(sentence, beam));
    latenciesMs.push(performance.now() - before);
  }
  return { seconds: (performance.now() - start) / 1000, latenciesMs, results };
}

function outputLines(model, sentences, results) {
  return sentences.map((sentence, index) => {
    const { ids, text, score } = model.output(sentence, results[index]);
    return JSON.stringify({ i: sentence.i, ids, ...(text === undefined ? {} : { text }), score });
  }).join('\n') + '\n';
}

async function benchmark(options) {
  const sentences = options.workload !== undefined
    ? readWorkload(options.workload, options.limit)
    : readTsvSources(options.data, options.limit);
  if (sentences.length === 0) throw new Error('no sentences to translate');
  const engine = await ENGINES[options.engine](options.model);
  await engine.initialize();

  const loadMs = [];
  for (let i = 0; i < options.loadRepeats; ++i) {
    const start = performance.now();
    const loaded = await engine.load();
    loadMs.push(performance.now() - start);
    await loaded.release();
  }

  const model = await engine.load();
  for (let i = 0; i < options.warmup; ++i) await runOnce(model, sentences, options.beam);
  engine.resetProfile?.();
  let sourceTokens = 0;
  const runs = [];
  let last;
  for (let i = 0; i < options.runs; ++i) {
    last = await runOnce(model, sentences, options.beam);
    process.stderr.write(`bench-js: ${options.engine} beam ${options.beam} run ${i + 1}/${options.runs}: ` +
      `${last.seconds.toFixed(2)} s\n`);
    if (i === 0) {
      sourceTokens = sentences.reduce((sum, s, index) => sum + model.output(s, last.results[index]).sourceTokens, 0);
    }
    runs.push(runSummary(last.seconds, last.latenciesMs, sentences.length, sourceTokens));
  }
  const outputs = options.outputs !== undefined ? outputLines(model, sentences, last.results) : null;
  const peakMemoryBytes = await model.peakMemoryBytes();
  await model.release();

  const result = {
    engine: options.engine,
    dtype: engine.dtype,
    beam: options.beam,
    threads: 1,
    sentences: sentences.length,
    source_tokens: sourceTokens,
    warmup_runs: options.warmup,
    runs,
    load_ms: loadMs.map((ms) => Number(ms.toFixed(3))),
    peak_memory_bytes: peakMemoryBytes,
    memory_kind: engine.memoryKind,
    // The process figure too, so that engines measured by different kinds of memory can still be compared.
    notes: `${engine.notes}; Node process peak RSS ${process.resourceUsage().maxRSS * 1024} bytes`,
  };
  if (options.profile && engine.profile) result.profile = engine.profile();
  return { result, outputs };
}

async function main() {
  let options;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench-js: ${error.message}\n(usage: see the top of scripts/bench-js.mjs)\n`);
    process.exit(2);
  }
  try {
    const { result, outputs } = await benchmark(options);
    if (outputs !== null) writeFileSync(options.outputs, outputs);
    const json = JSON.stringify(result) + '\n';
    if (options.result !== undefined) writeFileSync(options.result, json);
    else process.stdout.write(json);
  } catch (error) {
    process.stderr.write(`bench-js: ${error.message}\n`);
    process.exit(1);
  }
}

await main();
