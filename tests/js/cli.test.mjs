// web/cli.mjs behaves like the native `attn translate`: one output line per input line, the same text, and with
// --json the same keys in the same order with numbers within 1e-5.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { frenchSentences, modelPath, nativeCli, run, webCli } from './helpers.mjs';

// Empty lines, a CRLF line, a two-sentence line and no final newline: the cases where line handling can go wrong.
const lines = ['', ...frenchSentences(12), 'Je travaille le lundi.\r', '', 'Il pleut. Nous restons ici.'];
const input = lines.join('\n');

function assertSameJson(actual, expected, path) {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', path);
    assert.ok(Math.abs(actual - expected) <= 1e-5, `${path}: ${actual} vs ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), path);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((value, i) => assertSameJson(actual[i], value, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.deepEqual(Object.keys(actual), Object.keys(expected), `${path}: keys`);
    for (const key of Object.keys(expected)) assertSameJson(actual[key], expected[key], `${path}.${key}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

for (const extra of [[], ['--json'], ['--json', '--beam', '3', '--nbest', '2']]) {
  test(`translate ${extra.join(' ') || '(text)'} matches the native CLI`, async () => {
    const args = ['translate', '-m', modelPath, ...extra];
    const [wasm, native] = await Promise.all([run(process.execPath, [webCli, ...args], input), run(nativeCli, args, input)]);
    assert.equal(native.code, 0, native.stderr);
    assert.equal(wasm.code, 0, wasm.stderr);
    const wasmLines = wasm.stdout.split('\n');
    const nativeLines = native.stdout.split('\n');
    assert.equal(wasmLines.length, lines.length + 1, 'one output line per input line');
    if (!extra.includes('--json')) {
      assert.equal(wasm.stdout, native.stdout);
      assert.equal(wasmLines[0], '', 'an empty line stays empty');
      return;
    }
    assert.equal(wasmLines.length, nativeLines.length);
    wasmLines.slice(0, -1).forEach((line, i) => assertSameJson(JSON.parse(line), JSON.parse(nativeLines[i]), `line ${i + 1}`));
  });
}

test('usage errors exit with status 2 and name the problem', async () => {
  const { code, stderr } = await run(process.execPath, [webCli, 'translate', '-m', modelPath, '--beam', '17']);
  assert.equal(code, 2);
  assert.match(stderr, /--beam must be between 1 and 16/);
});

test('a missing model file exits with status 1 and names the path', async () => {
  const { code, stderr } = await run(process.execPath, [webCli, 'translate', '-m', '/nonexistent/model.safetensors'], 'x\n');
  assert.equal(code, 1);
  assert.match(stderr, /\/nonexistent\/model\.safetensors/);
});
