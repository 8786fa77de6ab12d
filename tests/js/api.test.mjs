// The promise-based API of web/attention-translator.js: results, ownership of the arrays, option checking, errors
// (with the native loader's own messages), disposal, queueing, progress and model URLs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createTranslator, simdSupported } from '../../web/attention-translator.js';
import { frenchSentences, modelPath, nativeCli, repoRoot, run, variants } from './helpers.mjs';

const modelBytes = readFileSync(modelPath);
const [sentence] = frenchSentences(1);

describe('translate', () => {
  let translator;
  before(async () => {
    translator = await createTranslator({ model: modelPath });
  });
  after(() => translator.dispose());

  test('returns sentences with owned, normalized attention matrices', async () => {
    const result = await translator.translate(`${sentence} ${sentence}`, { beam: 3, nbest: 2 });
    assert.equal(typeof result.text, 'string');
    assert.ok(result.sentences.length >= 1);
    for (const s of result.sentences) {
      for (const h of [s, ...s.nbest]) {
        assert.ok(h.attention instanceof Float32Array);
        assert.equal(h.attention.length, h.targetTokens.length * s.sourceTokens.length);
        assert.equal(h.attention.buffer.byteLength, h.attention.byteLength, 'attention has its own buffer');
        assert.equal(h.tokenProbabilities.length, h.targetTokens.length);
        assert.equal(h.targetTokens.at(-1), '</s>');
        for (let r = 0; r < h.targetTokens.length; ++r) {
          const row = h.attention.subarray(r * s.sourceTokens.length, (r + 1) * s.sourceTokens.length);
          assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, `row ${r} sums to 1`);
        }
      }
      assert.ok(s.nbest.length >= 1 && s.nbest.length <= 2);
      assert.equal(s.nbest[0].translation, s.translation);
    }
    assert.equal(result.sentences[0].sourceTokens.at(-1), '</s>');
  });

  test('arrays stay valid after later calls', async () => {
    const first = await translator.translate(sentence);
    const snapshot = Array.from(first.sentences[0].attention);
    for (const other of frenchSentences(5)) await translator.translate(other, { beam: 5, nbest: 5 });
    assert.deepEqual(Array.from(first.sentences[0].attention), snapshot);
  });

  test('queued calls run in order and equal sequential calls', async () => {
    const inputs = frenchSentences(6);
    const concurrent = await Promise.all(inputs.map((text) => translator.translate(text)));
    for (const [i, text] of inputs.entries()) {
      assert.equal(concurrent[i].text, (await translator.translate(text)).text);
    }
  });

  // The Tatoeba model garbles this name ("Manan"); the documentation model writes it right without help.
  test('carryOver puts back the name the search garbled, as the native engine does', async () => {
    const tatoebaPath = join(repoRoot, 'models', 'fr-en-tatoeba.safetensors');
    const tatoeba = await createTranslator({ model: tatoebaPath });
    const source = 'Je travaille à Milan.';
    const repaired = await tatoeba.translate(source);
    const raw = await tatoeba.translate(source, { carryOver: false });
    tatoeba.dispose();
    assert.match(repaired.text, /Milan/);
    assert.doesNotMatch(raw.text, /Milan/);
    const native = async (...flags) => (await run(nativeCli, ['translate', '-m', tatoebaPath, ...flags], source)).stdout;
    assert.equal(repaired.text, (await native()).trim());
    assert.equal(raw.text, (await native('--no-carry-over')).trim());
  });

  test('an empty text gives an empty translation', async () => {
    assert.equal((await translator.translate('')).text, '');
  });

  test('wrong argument types and unknown options are TypeErrors', async () => {
    await assert.rejects(translator.translate(42), { name: 'TypeError', message: /text must be a string, got number/ });
    await assert.rejects(translator.translate('x', { beam: 'wide' }), { name: 'TypeError', message: /option 'beam' must be an integer, got string/ });
    await assert.rejects(translator.translate('x', { beam: 2.5 }), { name: 'TypeError', message: /'beam' must be an integer, got 2\.5/ });
    await assert.rejects(translator.translate('x', { splitSentences: 1 }), { name: 'TypeError', message: /'splitSentences' must be a boolean/ });
    await assert.rejects(translator.translate('x', { carryOver: 'no' }), { name: 'TypeError', message: /'carryOver' must be a boolean/ });
    await assert.rejects(translator.translate('x', { blockRepeats: 0 }), { name: 'TypeError', message: /'blockRepeats' must be a boolean/ });
    await assert.rejects(translator.translate('x', { bean: 2 }), { name: 'TypeError', message: /unknown option 'bean'/ });
    await assert.rejects(translator.translate('x', 'beam=2'), { name: 'TypeError', message: /options must be an object, got string/ });
  });

  test('out-of-range options are RangeErrors with the engine message', async () => {
    await assert.rejects(translator.translate('x', { beam: 0 }), { name: 'RangeError', message: /beam/ });
    await assert.rejects(translator.translate('x', { beam: 1e12 }), { name: 'RangeError', message: /beam/ });
    await assert.rejects(translator.translate('x', { beam: 2, nbest: 3 }), { name: 'RangeError', message: /nbest/ });
    assert.ok((await translator.translate(sentence)).text.length > 0, 'still usable after errors');
  });
});

test('info describes the model and the kernels of each build', async () => {
  for (const variant of variants) {
    const translator = await createTranslator({ model: modelBytes, variant });
    const info = await translator.info();
    assert.equal(info.fileBytes, statSync(modelPath).size);
    for (const key of ['parameters', 'srcVocab', 'tgtVocab', 'embed', 'hidden', 'attention']) {
      assert.ok(Number.isInteger(info[key]) && info[key] > 0, key);
    }
    assert.match(info.dtype, /^(F32|I8)$/);
    assert.equal(typeof info.sourceLanguage, 'string');
    assert.equal(typeof info.metadata, 'object');
    assert.equal(info.simd, variant === 'simd' ? 'wasm-simd128' : 'scalar');
    await translator.dispose();
  }
  assert.equal(simdSupported(), true, 'Node 20 supports WebAssembly SIMD');
});

test('a disposed translator rejects every call', async () => {
  const translator = await createTranslator({ model: modelBytes });
  const pending = translator.translate(sentence);
  await translator.dispose();
  assert.ok((await pending).text.length > 0, 'calls queued before dispose still finish');
  await assert.rejects(translator.translate(sentence), { message: 'translator has been disposed' });
  await assert.rejects(translator.info(), { message: 'translator has been disposed' });
});

describe('bad models are rejected with the loader message', () => {
  const directory = mkdtempSync(join(tmpdir(), 'attn-js-'));
  const header = Number(modelBytes.readBigUInt64LE(0));
  const headerJson = modelBytes.subarray(8, 8 + header).toString();
  const cases = {
    'too short': Buffer.from([1, 2, 3]),
    'truncated': modelBytes.subarray(0, Math.floor(modelBytes.length * 0.7)),
    'not JSON': Buffer.concat([Buffer.from([8, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{{{{{{{{')]),
    'newer format': Buffer.concat([modelBytes.subarray(0, 8),
      Buffer.from(headerJson.replace('"format_version":"1"', '"format_version":"2"')), modelBytes.subarray(8 + header)]),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    test(name, async () => {
      const file = join(directory, `${name.replace(/ /g, '-')}.safetensors`);
      writeFileSync(file, bytes);
      const native = await run(nativeCli, ['translate', '-m', file], '');
      assert.equal(native.code, 1);
      const message = native.stderr.match(/error: (.*)/)[1];
      await assert.rejects(createTranslator({ model: new Uint8Array(bytes) }), (error) => {
        assert.equal(error.message, message);
        return true;
      });
    });
  }
});

test('argument errors of createTranslator', async () => {
  await assert.rejects(createTranslator(), { name: 'TypeError', message: /needs a model/ });
  await assert.rejects(createTranslator({ model: 42 }), { name: 'TypeError', message: /model must be/ });
  await assert.rejects(createTranslator({ model: modelBytes, variant: 'fast' }), { name: 'TypeError', message: /variant/ });
  await assert.rejects(createTranslator({ model: modelBytes, onProgress: 'yes' }), { name: 'TypeError', message: /onProgress/ });
  await assert.rejects(createTranslator({ model: '/nonexistent/model.safetensors' }), { message: /\/nonexistent\/model\.safetensors/ });
});

test('reading a file reports progress up to its size', async () => {
  const events = [];
  const translator = await createTranslator({ model: modelPath, onProgress: (event) => events.push(event) });
  assert.ok(events.length >= 2);
  assert.deepEqual(events.at(-1), { loaded: modelBytes.length, total: modelBytes.length });
  await translator.dispose();
});

describe('model URLs', () => {
  let server;
  let base;
  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/model.safetensors') {
        response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': modelBytes.length });
        response.end(modelBytes);
      } else if (request.url === '/page') {
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.end('<!doctype html><title>hello</title>');
      } else if (request.url === '/untyped') {
        response.writeHead(200);
        response.end('<!doctype html><title>hello</title>');
      } else {
        response.writeHead(404, { 'Content-Type': 'text/plain' });
        response.end('not found');
      }
    });
    await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => new Promise((done) => server.close(done)));

  test('download with progress', async () => {
    const events = [];
    const translator = await createTranslator({ model: new URL(`${base}/model.safetensors`), onProgress: (e) => events.push(e) });
    assert.deepEqual(events.at(-1), { loaded: modelBytes.length, total: modelBytes.length });
    assert.ok((await translator.translate(sentence)).text.length > 0);
    await translator.dispose();
  });

  test('404 names the URL and the status', async () => {
    await assert.rejects(createTranslator({ model: `${base}/missing.safetensors` }),
      { message: `cannot download model file ${base}/missing.safetensors: HTTP 404 Not Found` });
  });

  test('HTML is not a model file', async () => {
    await assert.rejects(createTranslator({ model: `${base}/page` }), { message: new RegExp(`${base}/page is not a model file`) });
    await assert.rejects(createTranslator({ model: `${base}/untyped` }), { message: new RegExp(`${base}/untyped is not a model file`) });
  });
});
