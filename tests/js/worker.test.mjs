// In a real browser (headless Chromium), createTranslator({ worker: true }) runs the engine in a Web Worker with
// the same API and results as in Node, transfers Float32Arrays, and keeps its error messages — under a strict
// Content-Security-Policy (no 'unsafe-eval').
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { after, before, test } from 'node:test';

import { createTranslator } from '../../web/attention-translator.js';
import { STRICT_CSP, launchBrowser, startStaticServer } from '../browser/harness.mjs';
import { frenchSentences, modelPath, repoRoot } from './helpers.mjs';

const inputs = frenchSentences(5);
let server;
let browser;
let page;
before(async () => {
  // The repository (so that the model under test is served), under the strict CSP that embedding pages may use.
  server = await startStaticServer({ root: repoRoot, headers: { 'Content-Security-Policy': STRICT_CSP } });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`${server.url}web/dist/package.json`);  // any same-origin document
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('worker mode translates like Node, with progress and the same errors', async () => {
  const modelUrl = `/${relative(repoRoot, modelPath)}`;
  const result = await page.evaluate(async ({ modelUrl, inputs }) => {
    const { createTranslator } = await import('/web/attention-translator.js');
    const progress = [];
    const translator = await createTranslator({ model: modelUrl, worker: true, onProgress: (event) => progress.push(event) });
    const translations = [];
    for (const text of inputs) {
      const { sentences } = await translator.translate(text, { beam: 2, nbest: 2 });
      translations.push(sentences.map((s) => ({ translation: s.translation, isFloat32: s.attention instanceof Float32Array,
        attention: Array.from(s.attention), nbest: s.nbest.length })));
    }
    const info = await translator.info();
    const typeError = await translator.translate('x', { beam: 'wide' }).catch((e) => `${e.name}: ${e.message}`);
    await translator.dispose();
    const disposed = await translator.translate('x').catch((e) => e.message);
    const badModel = await createTranslator({ model: new Uint8Array([1, 2, 3]), worker: true }).catch((e) => e.message);
    const missing = await createTranslator({ model: 'models/missing.safetensors', worker: true }).catch((e) => e.message);
    return { translations, info, typeError, disposed, badModel, missing, progress };
  }, { modelUrl, inputs });

  const local = await createTranslator({ model: modelPath, variant: 'simd' });
  for (const [i, text] of inputs.entries()) {
    const { sentences } = await local.translate(text, { beam: 2, nbest: 2 });
    assert.deepEqual(result.translations[i], sentences.map((s) => ({ translation: s.translation, isFloat32: true,
      attention: Array.from(s.attention), nbest: s.nbest.length })));
  }
  assert.equal(result.info.simd, 'wasm-simd128');
  const size = statSync(modelPath).size;
  assert.deepEqual(result.progress.at(-1), { loaded: size, total: size });
  assert.match(result.typeError, /^TypeError: option 'beam' must be an integer/);
  assert.equal(result.disposed, 'translator has been disposed');
  await assert.rejects(createTranslator({ model: new Uint8Array([1, 2, 3]) }), { message: result.badModel });
  assert.match(result.missing, /cannot download model file http:\/\/127\.0\.0\.1:\d+\/web\/dist\/models\/missing\.safetensors: HTTP 404/);
  await local.dispose();
});
