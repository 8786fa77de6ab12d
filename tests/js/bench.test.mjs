// scripts/bench-js.mjs (the JavaScript engines of the benchmark) on the fixture model: the result JSON has the
// shape of the benchmark contract and is self-consistent, the outputs are well formed, both wasm builds agree, and
// ONNX Runtime (web and node) decodes the exported fixture to the same ids as our engine, greedy and beam, and its
// int8 rewrite (scripts/quantize-onnx.py) runs as the int8 rival. The interleaved timing (bench-interleaved.mjs) is
// checked for shape and consistency. The JavaScript search is also checked on its own against a scripted decoder.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { beamSearch, EOS, greedySearch, maxOutputLength } from '../../scripts/bench/search.mjs';
import { readTsvSources } from '../../scripts/bench/workload.mjs';
import { createTranslator } from '../../web/attention-translator.js';
import { fixturePath, repoRoot, run } from './helpers.mjs';

const benchJs = join(repoRoot, 'scripts', 'bench-js.mjs');
const benchInterleaved = join(repoRoot, 'scripts', 'bench-interleaved.mjs');
const testSet = join(repoRoot, '..', 'shared', 'data', 'tatoeba-fra-eng', 'test.tsv');
const SENTENCES = 4;
const workDir = mkdtempSync(join(tmpdir(), 'bench-js-test-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

/** Runs bench-js; resolves to { result, outputs } parsed from its --result and --outputs files. */
async function bench(name, args) {
  const resultPath = join(workDir, `${name}.json`);
  const outputsPath = join(workDir, `${name}.jsonl`);
  const { code, stderr } = await run(process.execPath, [benchJs, ...args, '--result', resultPath, '--outputs', outputsPath]);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(readFileSync(resultPath, 'utf8'));
  const outputs = readFileSync(outputsPath, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
  return { result, outputs };
}

function assertResultShape(result, { engine, beam, runs, loadRepeats, memoryKind, profiled = false, dtype = 'F32' }) {
  assert.deepEqual(Object.keys(result).sort(), ['beam', 'dtype', 'engine', 'load_ms', 'memory_kind', 'notes',
    'peak_memory_bytes', 'runs', 'sentences', 'source_tokens', 'threads', 'warmup_runs',
    ...(profiled ? ['profile'] : [])].sort());
  assert.equal(result.engine, engine);
  assert.equal(result.dtype, dtype);
  assert.equal(result.beam, beam);
  assert.equal(result.threads, 1);
  assert.equal(result.sentences, SENTENCES);
  assert.ok(Number.isInteger(result.source_tokens) && result.source_tokens >= 2 * SENTENCES);
  assert.equal(result.warmup_runs, 1);
  assert.equal(result.runs.length, runs);
  for (const r of result.runs) {
    assert.ok(r.seconds > 0);
    assert.ok(Math.abs(r.sentences_per_s - SENTENCES / r.seconds) <= 0.01 * r.sentences_per_s + 0.01);
    assert.ok(Math.abs(r.source_tokens_per_s - result.source_tokens / r.seconds) <= 0.01 * r.source_tokens_per_s + 0.1);
    assert.ok(r.ms_p50 > 0 && r.ms_p50 <= r.ms_p95 && r.ms_p95 <= r.seconds * 1000);
  }
  assert.equal(result.load_ms.length, loadRepeats);
  assert.ok(result.load_ms.every((ms) => ms > 0));
  assert.ok(Number.isSafeInteger(result.peak_memory_bytes) && result.peak_memory_bytes > 0);
  assert.equal(result.memory_kind, memoryKind);
  assert.ok(result.notes.length > 0);
}

function assertOutputsShape(outputs, withText) {
  assert.equal(outputs.length, SENTENCES);
  outputs.forEach((line, i) => {
    assert.equal(line.i, i);
    assert.ok(line.ids.length > 0 && line.ids.every((id) => Number.isInteger(id) && id > 0));
    assert.equal(line.ids.at(-1), EOS, `line ${i}: ids end with </s>`);
    assert.equal(line.ids.indexOf(EOS), line.ids.length - 1, `line ${i}: only one </s>`);
    assert.equal(typeof line.text, withText ? 'string' : 'undefined');
    assert.ok(Number.isFinite(line.score) && line.score <= 0);
  });
}

const idsOf = (outputs) => outputs.map((line) => line.ids);

describe('wasm engines', () => {
  const common = ['--model', fixturePath, '--data', testSet, '--limit', String(SENTENCES), '--runs', '2',
    '--warmup', '1', '--load-repeats', '2'];
  const results = {};
  for (const [engine, beam] of [['wasm-simd', 1], ['wasm-base', 1], ['wasm-simd', 3]]) {
    test(`${engine} beam ${beam}: result and outputs`, async () => {
      const { result, outputs } = await bench(`${engine}-${beam}`, ['--engine', engine, '--beam', String(beam), ...common]);
      assertResultShape(result, { engine, beam, runs: 2, loadRepeats: 2, memoryKind: 'wasm-heap' });
      assert.equal(result.peak_memory_bytes % 65536, 0, 'the wasm memory is whole 64 KiB pages');
      assertOutputsShape(outputs, true);
      results[`${engine}-${beam}`] = { result, outputs };
    });
  }

  test('both builds give the same greedy outputs and source token count', () => {
    const simd = results['wasm-simd-1'];
    const base = results['wasm-base-1'];
    assert.ok(simd && base, 'the runs above succeeded');
    assert.deepEqual(base.outputs, simd.outputs);
    assert.equal(base.result.source_tokens, simd.result.source_tokens);
  });
});

// The workload the native bench writes (source text and ids), made here with our engine's own tokenization.
async function writeFixtureWorkload(path) {
  const translator = await createTranslator({ model: new Uint8Array(readFileSync(fixturePath)), variant: 'simd' });
  const lines = [];
  for (const { i, source } of readTsvSources(testSet, SENTENCES)) {
    const [sentence] = (await translator.translate(source, { beam: 1, splitSentences: false })).sentences;
    lines.push(JSON.stringify({ i, source, source_ids: Array.from(sentence.sourceIds) }));
  }
  await translator.dispose();
  writeFileSync(path, lines.join('\n') + '\n');
}

function pythonWithTorchAndOnnx() {
  return new Promise((resolve) => {
    execFile('/usr/bin/python3', ['-c', 'import torch, onnx'], (error) => resolve(!error));
  });
}

const ortSkip = (await pythonWithTorchAndOnnx())
  ? false
  : 'needs /usr/bin/python3 with torch and onnx to export the fixture (scripts/export-onnx.py)';

describe('onnxruntime engines', { skip: ortSkip }, () => {
  const onnxDir = join(workDir, 'onnx');
  const workload = join(workDir, 'workload.jsonl');
  before(async () => {
    const exported = await run('/usr/bin/python3', [join(repoRoot, 'scripts', 'export-onnx.py'), fixturePath, onnxDir]);
    assert.equal(exported.code, 0, exported.stderr);
    await writeFixtureWorkload(workload);
  });

  for (const beam of [1, 3]) {
    test(`beam ${beam}: onnxruntime-web and -node give our engine's ids`, async () => {
      const ours = await bench(`ours-${beam}`, ['--engine', 'wasm-simd', '--model', fixturePath, '--workload', workload,
        '--beam', String(beam), '--runs', '1', '--load-repeats', '1']);
      assert.ok(!ours.result.notes.includes('WARNING'), ours.result.notes);
      for (const engine of ['onnxruntime-web', 'onnxruntime-node']) {
        const { result, outputs } = await bench(`${engine}-${beam}`, ['--engine', engine, '--model', onnxDir,
          '--workload', workload, '--beam', String(beam), '--runs', '2', '--load-repeats', '2', '--profile']);
        assertResultShape(result, { engine, beam, runs: 2, loadRepeats: 2, memoryKind: 'rss', profiled: true });
        const { profile } = result;
        assert.equal(profile.encoder_calls, 2 * SENTENCES, 'one encoder run per sentence and run');
        const steps = outputs.reduce((sum, line) => sum + line.ids.length, 0);
        if (beam === 1) assert.equal(profile.decoder_calls, 2 * steps, 'one decoder_step run per greedy token');
        assert.ok(profile.decoder_rows >= profile.decoder_calls && profile.decoder_rows <= beam * profile.decoder_calls);
        const runMs = 1000 * result.runs.reduce((sum, r) => sum + r.seconds, 0);
        assert.ok(profile.encoder_run_ms + profile.decoder_run_ms <= runMs, 'session.run time within the runs');
        assertOutputsShape(outputs, false);
        assert.equal(result.source_tokens, ours.result.source_tokens);
        assert.deepEqual(idsOf(outputs), idsOf(ours.outputs), `${engine} ids`);
        outputs.forEach((line, i) => assert.ok(Math.abs(line.score - ours.outputs[i].score) <= 1e-4, `${engine} score ${i}`));
      }
    });
  }

  test('the int8 rival: quantize-onnx.py graphs run in onnxruntime-web as I8, near the float32 export', async () => {
    const int8Dir = join(workDir, 'onnx-int8');
    const quantized = await run('/usr/bin/python3', [join(repoRoot, 'scripts', 'quantize-onnx.py'), onnxDir, int8Dir]);
    assert.equal(quantized.code, 0, quantized.stderr);
    // Encoder: dec_init and the attention keys; decoder step: W_a, the GRU's W_ih and W_hh, the two output layers.
    assert.deepEqual(JSON.parse(quantized.stdout).quantized_products, { 'encoder.onnx': 2, 'decoder_step.onnx': 5 });
    const args = ['--engine', 'onnxruntime-web', '--workload', workload, '--runs', '1', '--load-repeats', '1'];
    const float = await bench('ort-f32', [...args, '--model', onnxDir]);
    const { result, outputs } = await bench('ort-int8', [...args, '--model', int8Dir]);
    assertResultShape(result, { engine: 'onnxruntime-web', beam: 1, runs: 1, loadRepeats: 1, memoryKind: 'rss',
      dtype: 'I8' });
    assert.match(result.notes, /quantize-onnx\.py/);
    assertOutputsShape(outputs, false);
    // Quantization moves the scores a little, not a lot; a score that did not move means nothing was quantized.
    const moved = outputs.map((line, i) => Math.abs(line.score - float.outputs[i].score));
    assert.ok(moved.every((delta) => delta <= 0.05), `score changes ${moved}`);
    assert.ok(moved.some((delta) => delta > 0), 'the int8 graphs give other scores than the float32 ones');
  });

  test('the interleaved timing alternates engines and reports per-round ratios', async () => {
    const resultPath = join(workDir, 'interleaved.json');
    const { code, stderr } = await run(process.execPath, [benchInterleaved, '--workload', workload, '--rounds', '3',
      '--beam', '2', '--engine', `ours=wasm-simd:${fixturePath}`, '--engine', `ort=onnxruntime-node:${onnxDir}`,
      '--result', resultPath]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr.match(/round \d\/3/g).length, 3);
    const result = JSON.parse(readFileSync(resultPath, 'utf8'));
    assert.deepEqual([result.beam, result.sentences, result.rounds], [2, SENTENCES, 3]);
    assert.deepEqual(Object.keys(result.engines), ['ours', 'ort']);
    assert.deepEqual(Object.keys(result.ratios), ['ours / ort']);
    const { ours, ort } = result.engines;
    assert.deepEqual([ours.kind, ours.dtype, ort.kind, ort.dtype], ['wasm-simd', 'F32', 'onnxruntime-node', 'F32']);
    for (const engine of [ours, ort]) {
      assert.equal(engine.sentences_per_s.length, 3);
      assert.ok(engine.sentences_per_s.every((rate) => rate > 0));
      assert.equal(engine.median, [...engine.sentences_per_s].sort((a, b) => a - b)[1]);
      assert.equal(engine.min, Math.min(...engine.sentences_per_s));
    }
    const ratios = ours.sentences_per_s.map((rate, round) => rate / ort.sentences_per_s[round]);
    const ratio = result.ratios['ours / ort'];
    assert.ok(Math.abs(ratio.min - Math.min(...ratios)) <= 0.01 * ratio.min + 0.002, 'ratios pair the same round');
    assert.ok(ratio.min <= ratio.median && ratio.median <= ratio.max);
  });
});

describe('command line', () => {
  const failures = [
    ['an unknown engine', ['--engine', 'nope', '--model', fixturePath, '--data', testSet], 2, /--engine must be one of/],
    ['no sentences', ['--engine', 'wasm-simd', '--model', fixturePath], 2, /exactly one of --data/],
    ['text for onnxruntime', ['--engine', 'onnxruntime-node', '--model', workDir, '--data', testSet], 2, /use --workload/],
    ['beam 0', ['--engine', 'wasm-simd', '--model', fixturePath, '--data', testSet, '--beam', '0'], 2, /--beam must be/],
    ['a missing model', ['--engine', 'wasm-simd', '--model', join(workDir, 'missing.safetensors'), '--data', testSet], 1,
      /missing\.safetensors/],
  ];
  const interleavedFailures = [
    ['one engine', ['--workload', testSet, '--engine', `a=wasm-simd:${fixturePath}`], /at least two --engine/],
    ['an engine without a model', ['--workload', testSet, '--engine', 'a=wasm-simd', '--engine', 'b=wasm-base:x'],
      /NAME=KIND:MODEL/],
    ['no workload', ['--engine', `a=wasm-simd:${fixturePath}`, '--engine', `b=wasm-base:${fixturePath}`],
      /--workload is required/],
  ];
  for (const [name, args, message] of interleavedFailures) {
    test(`bench-interleaved: ${name} fails with exit status 2 and a message`, async () => {
      const { code, stderr } = await run(process.execPath, [benchInterleaved, ...args]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
    });
  }
  for (const [name, args, expectedCode, message] of failures) {
    test(`${name} fails with exit status ${expectedCode} and a message`, async () => {
      const { code, stdout, stderr } = await run(process.execPath, [benchJs, ...args]);
      assert.equal(code, expectedCode, stderr);
      assert.match(stderr, message);
      assert.equal(stdout, '');
    });
  }
});

// A scripted decoder: log-probabilities depend on the whole prefix, so a wrong back-pointer or state row shows.
function scriptedStep(vocabSize, hidden) {
  const logSoftmax = (row) => {
    const largest = Math.max(...row);
    const sum = row.reduce((s, x) => s + Math.exp(x - largest), 0);
    return row.map((x) => Math.fround(x - largest - Math.log(sum)));
  };
  return async (tokens, states) => {
    const K = tokens.length;
    const next = new Float32Array(K * hidden);
    const logProbs = new Float32Array(K * vocabSize);
    for (let k = 0; k < K; ++k) {
      const seed = Math.fround(states[k * hidden] * 31 + tokens[k] * 7 + 3);
      next[k * hidden] = seed % 97;
      const row = Array.from({ length: vocabSize }, (_, v) => Math.sin(seed * (v + 1)) * 3);
      logProbs.set(logSoftmax(row), k * vocabSize);
    }
    return { states: next, logProbs };
  };
}

describe('JavaScript search', () => {
  const vocabSize = 12;
  const hidden = 2;
  const search = (beam, maxLength = 20) => ({ initialState: new Float32Array(hidden), hidden, vocabSize, maxLength,
    beam, step: scriptedStep(vocabSize, hidden) });

  test('a beam of 1 equals greedy decoding', async () => {
    assert.deepEqual(await beamSearch(search(1)), await greedySearch(search(1)));
  });

  test('every beam result ends with exactly one </s>', async () => {
    for (const beam of [2, 4, 16]) {
      const best = await beamSearch(search(beam));
      assert.equal(best.ids.at(-1), EOS, `beam ${beam}`);
      assert.equal(best.ids.indexOf(EOS), best.ids.length - 1, `beam ${beam}`);
    }
  });

  // Here beams of 2 and 4 end on long hypotheses after others have finished, so wrong back-pointers would show.
  test('the score is the mean log-probability of the chosen tokens, recomputed along the path', async () => {
    for (const beam of [1, 2, 3, 4]) {
      const best = await beamSearch(search(beam));
      const step = scriptedStep(vocabSize, hidden);
      let state = new Float32Array(hidden);
      let previous = 1;
      let total = 0;
      for (const id of best.ids) {
        const { states, logProbs } = await step([previous], state);
        total = Math.fround(total + logProbs[id]);
        state = states;
        previous = id;
      }
      assert.equal(best.score, Math.fround(total / best.ids.length));
    }
  });

  test('exact ties go to the earlier hypothesis, then the smaller token, as in the C++ search', async () => {
    const uniform = async (tokens, states) => ({ states, logProbs: new Float32Array(tokens.length * vocabSize).fill(-1) });
    const tied = { initialState: new Float32Array(hidden), hidden, vocabSize, maxLength: 3, step: uniform };
    assert.deepEqual((await greedySearch({ ...tied, beam: 1 })).ids, [0, 0, EOS]);
    assert.deepEqual((await beamSearch({ ...tied, beam: 2 })).ids, [0, 0, EOS]);
    // Token 0 worse, the rest tied: the two best are 1 and </s>; </s> ends a hypothesis first with the same score.
    const zeroWorse = async (tokens, states) => {
      const logProbs = new Float32Array(tokens.length * vocabSize).fill(-1);
      for (let k = 0; k < tokens.length; ++k) logProbs[k * vocabSize] = -2;
      return { states, logProbs };
    };
    assert.deepEqual((await greedySearch({ ...tied, step: zeroWorse, beam: 1 })).ids, [1, 1, EOS]);
    assert.deepEqual((await beamSearch({ ...tied, step: zeroWorse, beam: 2 })).ids, [EOS]);
  });

  test('output stops at the length cap with a forced </s>', async () => {
    assert.equal(maxOutputLength(5), 20);
    for (const beam of [1, 4]) {
      const capped = await beamSearch(search(beam, 3));
      assert.ok(capped.ids.length <= 3 && capped.ids.at(-1) === EOS);
    }
    const one = await greedySearch(search(1, 1));
    assert.deepEqual(one.ids, [EOS]);
  });
});
