// Both WebAssembly builds translate the Tatoeba test sentences exactly as the native CLI does: byte-identical text,
// identical tokens, attention within 1e-5 (the kernels are designed to be bit-identical; the diagnostic says
// whether they are).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { createTranslator } from '../../web/attention-translator.js';
import { frenchSentences, maxAbsDifference, modelPath, nativeTranslations, variants } from './helpers.mjs';

const sentences = frenchSentences(200);
let native;
before(async () => {
  native = await nativeTranslations(sentences);
});

for (const variant of variants) {
  describe(`${variant} build`, () => {
    test('matches the native CLI on 200 test sentences', async (t) => {
      const translator = await createTranslator({ model: modelPath, variant });
      let largestDifference = 0;
      for (const [i, line] of sentences.entries()) {
        const wasm = await translator.translate(line);
        const expected = native[i];
        assert.equal(wasm.text, expected.translation, `line ${i + 1}: ${line}`);
        assert.equal(wasm.sentences.length, expected.sentences.length, `line ${i + 1}: sentence count`);
        for (const [k, sentence] of wasm.sentences.entries()) {
          const reference = expected.sentences[k];
          assert.equal(sentence.source, reference.source);
          assert.deepEqual(sentence.sourceTokens, reference.source_tokens, `line ${i + 1}: source tokens`);
          assert.deepEqual(sentence.targetTokens, reference.target_tokens, `line ${i + 1}: target tokens`);
          const difference = maxAbsDifference(sentence.attention, reference.attention.flat());
          assert.ok(difference <= 1e-5, `line ${i + 1}: attention differs by ${difference}`);
          assert.ok(Math.abs(sentence.score - reference.score) <= 1e-5, `line ${i + 1}: score`);
          largestDifference = Math.max(largestDifference, difference);
        }
      }
      await translator.dispose();
      t.diagnostic(`largest attention difference vs native: ${largestDifference}` +
        (largestDifference === 0 ? ' (bit-identical)' : ''));
    });
  });
}
