#!/usr/bin/env node
// Interleaved timing of the benchmark's JavaScript engines: on a shared machine, the load drifts during the minutes
// one engine runs after another, so here the engines alternate pass by pass (the order rotating every round) and
// each round's speed ratios are taken between passes that ran a few seconds apart.
//
//   node scripts/bench-interleaved.mjs --workload JSONL [--beam 1] [--rounds 5] [--limit N] [--result FILE]
//       --engine NAME=KIND:MODEL ...   (KIND as in bench-js.mjs; the first engine is the one the ratios divide)
//
// e.g. --engine ours=wasm-simd:models/fr-en.safetensors --engine ort-f32=onnxruntime-web:runs/bench/model/onnx
// Prints (or writes) one JSON object: per engine its sentences/s per round with median, min and max, and per
// rival the ratio first engine / rival per round with median, min and max.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { ENGINES as KINDS } from './bench/engines.mjs';
import { readWorkload } from './bench/workload.mjs';

class UsageError extends Error {}

function positiveInteger(text, name, fallback) {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--${name} must be an integer ≥ 1, got ${text}`);
  return Number(text);
}

function parseEngine(spec) {
  const match = /^([^=]+)=([^:]+):(.+)$/.exec(spec);
  if (!match) throw new UsageError(`--engine must be NAME=KIND:MODEL, got ${spec}`);
  const [, name, kind, model] = match;
  if (!(kind in KINDS)) throw new UsageError(`--engine ${name}: KIND must be one of ${Object.keys(KINDS).join(', ')}`);
  return { name, kind, model };
}

function parseCommandLine(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        engine: { type: 'string', multiple: true }, workload: { type: 'string' }, beam: { type: 'string' },
        rounds: { type: 'string' }, limit: { type: 'string' }, result: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (!values.workload) throw new UsageError('--workload is required (written by attn bench --write-workload)');
  const engines = (values.engine ?? []).map(parseEngine);
  if (engines.length < 2) throw new UsageError('give at least two --engine NAME=KIND:MODEL to compare');
  if (new Set(engines.map((e) => e.name)).size !== engines.length) throw new UsageError('engine names must differ');
  return {
    engines,
    workload: values.workload,
    result: values.result,
    beam: positiveInteger(values.beam, 'beam', 1),
    rounds: positiveInteger(values.rounds, 'rounds', 5),
    limit: positiveInteger(values.limit, 'limit', Infinity),
  };
}

async function passSeconds(model, sentences, beam) {
  const start = performance.now();
  for (const sentence of sentences) await model.translate(sentence, beam);
  return (performance.now() - start) / 1000;
}

const round3 = (value) => Number(value.toFixed(3));

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median: round3(median), min: round3(sorted[0]), max: round3(sorted.at(-1)) };
}

async function interleave(options) {
  const sentences = readWorkload(options.workload, options.limit);
  if (sentences.length === 0) throw new Error('no sentences to translate');
  const loaded = [];
  for (const spec of options.engines) {
    const engine = await KINDS[spec.kind](spec.model);
    await engine.initialize();
    const model = await engine.load();
    await passSeconds(model, sentences, options.beam);  // warm-up
    loaded.push({ ...spec, engine, model, rates: [] });
  }
  for (let round = 0; round < options.rounds; ++round) {
    // Rotating the order keeps any engine from always running right after the same neighbour.
    for (let k = 0; k < loaded.length; ++k) {
      const entry = loaded[(round + k) % loaded.length];
      entry.rates.push(sentences.length / await passSeconds(entry.model, sentences, options.beam));
    }
    process.stderr.write(`bench-interleaved: beam ${options.beam} round ${round + 1}/${options.rounds}\n`);
  }
  for (const entry of loaded) await entry.model.release();

  const [first, ...rivals] = loaded;
  return {
    beam: options.beam,
    sentences: sentences.length,
    rounds: options.rounds,
    engines: Object.fromEntries(loaded.map((e) => [e.name, {
      kind: e.kind, dtype: e.engine.dtype, sentences_per_s: e.rates.map(round3), ...summary(e.rates),
    }])),
    ratios: Object.fromEntries(rivals.map((rival) => [`${first.name} / ${rival.name}`,
      summary(first.rates.map((rate, round) => rate / rival.rates[round]))])),
  };
}

async function main() {
  let options;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench-interleaved: ${error.message}\n` +
      '(usage: see the top of scripts/bench-interleaved.mjs)\n');
    process.exit(2);
  }
  try {
    const json = JSON.stringify(await interleave(options)) + '\n';
    if (options.result !== undefined) writeFileSync(options.result, json);
    else process.stdout.write(json);
  } catch (error) {
    process.stderr.write(`bench-interleaved: ${error.message}\n`);
    process.exit(1);
  }
}

await main();
