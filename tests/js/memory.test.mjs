// 10,000 translations after warm-up grow neither malloc'd bytes nor the wasm memory by more than 1 MB: results
// are copied out to JavaScript and nothing accumulates per call on the C++ side. The small fixture model keeps
// this quick; leaks in the bindings do not depend on the model's size.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createTranslator } from '../../web/attention-translator.js';
import { fixturePath, frenchSentences } from './helpers.mjs';

const MEGABYTE = 1 << 20;
const TRANSLATIONS = 10000;

test(`${TRANSLATIONS} translations do not grow the wasm heap`, async (t) => {
  // Short sentences and a mix of options (n-best, greedy, a bad option) cover every path the bindings take.
  const inputs = frenchSentences(400).filter((s) => s.length < 40).slice(0, 20);
  const optionSets = [{ beam: 1 }, { beam: 2, nbest: 2 }, { beam: 1, bogus: true }];
  const translateMany = async (translator, count) => {
    for (let i = 0; i < count; ++i) {
      await translator.translate(inputs[i % inputs.length], optionSets[i % optionSets.length]).catch((error) => {
        if (!(error instanceof TypeError)) throw error;
      });
    }
  };
  const translator = await createTranslator({ model: fixturePath });
  await translateMany(translator, 300);
  const before = await translator.memoryUsage();
  await translateMany(translator, TRANSLATIONS);
  const after = await translator.memoryUsage();
  t.diagnostic(`malloc'd bytes ${before.allocatedBytes} → ${after.allocatedBytes}, wasm memory ${before.heapBytes} → ${after.heapBytes}`);
  assert.ok(after.allocatedBytes - before.allocatedBytes <= MEGABYTE, 'allocated bytes grew by more than 1 MB');
  assert.ok(after.heapBytes - before.heapBytes <= MEGABYTE, 'wasm memory grew by more than 1 MB');
  await translator.dispose();
});

test('dispose frees the model', async () => {
  const observer = await createTranslator({ model: fixturePath });  // shares the wasm instance, to read its memory
  const before = await observer.memoryUsage();
  const translator = await createTranslator({ model: fixturePath });
  const loaded = await observer.memoryUsage();
  await translator.translate(frenchSentences(1)[0]);
  await translator.dispose();
  const after = await observer.memoryUsage();
  assert.ok(loaded.allocatedBytes - before.allocatedBytes > 0, 'loading a model allocates');
  assert.ok(after.allocatedBytes - before.allocatedBytes < 64 * 1024, `${after.allocatedBytes - before.allocatedBytes} bytes left behind`);
  await observer.dispose();
});
