#!/usr/bin/env node
// The WebAssembly engine from the command line, a drop-in for the native `attn translate`:
//   node web/cli.mjs translate -m MODEL [--beam N] [--nbest K] [--json] [--no-carry-over]
//                              [--variant auto|simd|baseline]
// reads standard input line by line and writes exactly one line per input line (an empty line stays empty): the
// translation, or with --json the same object as `attn translate --json` (src/cli/translation_json.cpp).
import { createTranslator } from './attention-translator.js';

const USAGE =
  'node web/cli.mjs translate -m MODEL [--beam N] [--nbest K] [--json] [--no-carry-over] [--variant auto|simd|baseline]';

class UsageError extends Error {}

function integerOption(value, name, min, max) {
  if (!/^[+-]?\d+$/.test(value)) throw new UsageError(`option --${name} expects an integer, got '${value}'`);
  const number = Number(value);
  if (number < min || number > max) {
    throw new UsageError(`option --${name} must be between ${min} and ${max}, got ${value}`);
  }
  return number;
}

function parseArguments(argv) {
  const valued = new Set(['model', 'beam', 'nbest', 'variant']);
  const flags = new Set(['json', 'no-carry-over']);
  const values = new Map();
  for (let i = 0; i < argv.length; ++i) {
    const arg = argv[i] === '-m' ? '--model' : argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    let [name, value] = arg.slice(2).split(/=(.*)/s);
    if (values.has(name)) throw new UsageError(`option --${name} given twice`);
    if (flags.has(name)) {
      if (value !== undefined) throw new UsageError(`option --${name} takes no value`);
      value = true;
    } else if (valued.has(name)) {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`option --${name} needs a value`);
        value = argv[++i];
      }
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
    values.set(name, value);
  }
  if (!values.has('model')) throw new UsageError('missing required option --model');
  const beam = values.has('beam') ? integerOption(values.get('beam'), 'beam', 1, 16) : 4;
  const nbest = values.has('nbest') ? integerOption(values.get('nbest'), 'nbest', 0, 16) : 0;
  if (nbest > beam) throw new UsageError('--nbest cannot exceed --beam');
  const variant = values.get('variant') ?? 'auto';
  if (!['auto', 'simd', 'baseline'].includes(variant)) {
    throw new UsageError(`option --variant must be auto, simd or baseline, got '${variant}'`);
  }
  const carryOver = !values.has('no-carry-over');
  return { model: values.get('model'), beam, nbest, json: values.has('json'), carryOver, variant };
}

// ---- the JSON of `attn translate --json`, keys in the same (sorted) order ----

function rows(values, columns) {
  const result = [];
  for (let start = 0; columns > 0 && start < values.length; start += columns) {
    result.push(Array.from(values.subarray(start, start + columns)));
  }
  return result;
}

function hypothesisJson(hypothesis, sourceLength) {
  return {
    attention: rows(hypothesis.attention, sourceLength),
    score: hypothesis.score,
    target_tokens: hypothesis.targetTokens,
    token_probabilities: Array.from(hypothesis.tokenProbabilities),
    translation: hypothesis.translation,
  };
}

function sentenceJson(sentence, withNbest) {
  const json = hypothesisJson(sentence, sentence.sourceTokens.length);
  if (withNbest) json.nbest = sentence.nbest.map((h) => hypothesisJson(h, sentence.sourceTokens.length));
  json.source = sentence.source;
  json.source_tokens = sentence.sourceTokens;
  return Object.fromEntries(Object.entries(json).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const MAX_LINE_ATTENTION_CELLS = 2 ** 20;

// A line of several sentences is described as a whole (tokens concatenated, attention block-diagonal, score the
// float mean) and sentence by sentence; top-level nbest only for single-sentence lines.
function translationJson(source, translation, withNbest) {
  const sentences = translation.sentences;
  const sourceTokens = sentences.flatMap((s) => s.sourceTokens);
  const targetCount = sentences.reduce((n, s) => n + s.targetTokens.length, 0);
  // As in src/cli/translation_json.h: the line-wide matrix grows with the square of the line, so past
  // MAX_LINE_ATTENTION_CELLS it is null and only the per-sentence matrices are given.
  const attention = targetCount * sourceTokens.length <= MAX_LINE_ATTENTION_CELLS ? [] : null;
  let columnOffset = 0;
  let scoreSum = 0;
  for (const s of sentences) {
    const columns = s.sourceTokens.length;
    for (let r = 0; attention && r < s.targetTokens.length; ++r) {
      const row = new Array(sourceTokens.length).fill(0);
      for (let c = 0; c < columns; ++c) row[columnOffset + c] = s.attention[r * columns + c];
      attention.push(row);
    }
    columnOffset += columns;
    scoreSum = Math.fround(scoreSum + s.score);
  }
  const json = {
    attention,
    ...(withNbest && sentences.length === 1 ? { nbest: sentenceJson(sentences[0], true).nbest } : {}),
    score: sentences.length ? Math.fround(scoreSum / sentences.length) : 0,
    sentences: sentences.map((s) => sentenceJson(s, withNbest)),
    source,
    source_tokens: sourceTokens,
    target_tokens: sentences.flatMap((s) => s.targetTokens),
    translation: translation.text,
  };
  return JSON.stringify(json);
}

// ---- stdin lines → stdout lines ----

// Splits on "\n" and drops one trailing "\r", as std::getline plus the native CLI do; a final line without "\n"
// still counts.
async function* inputLines(stream) {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop();
    yield* lines;
  }
  pending += decoder.decode();
  if (pending) yield pending;
}

function write(text) {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

async function translateCommand(argv) {
  const options = parseArguments(argv);
  const translator = await createTranslator({ model: options.model, variant: options.variant });
  for await (const rawLine of inputLines(process.stdin)) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const { beam, nbest, carryOver } = options;
    const translation = await translator.translate(line, { beam, nbest, carryOver });
    await write((options.json ? translationJson(line, translation, options.nbest > 0) : translation.text) + '\n');
  }
  await translator.dispose();
}

async function main([command, ...argv]) {
  if (command !== 'translate') {
    process.stderr.write(`usage: ${USAGE}\n`);
    return 2;
  }
  try {
    await translateCommand(argv);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`attn translate: ${error.message}\nusage: ${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`attn translate: error: ${error.message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
