// The examples the page offers (web/models.json) are ones the bundled models get right: each records the
// translation its model was checked to give, and this test fails as soon as the model gives another one. After
// retraining, `node scripts/regenerate-examples.mjs` rewrites them (then check each change by hand).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { MODELS_JSON, bundledModelPath, translateExamples } from '../../scripts/regenerate-examples.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const entries = JSON.parse(readFileSync(MODELS_JSON, 'utf8'));

describe('the examples of web/models.json', () => {
  for (const entry of entries) {
    test(`${entry.id}: every example translates to its recorded translation`, async (t) => {
      const path = await bundledModelPath(entry);
      if (!path) return t.skip(`models/${entry.file.split('/').pop()} is not here`);
      assert.ok(entry.examples.length >= 4, 'the page offers a few examples (the browser tests use four)');
      for (const result of await translateExamples(entry, path)) {
        assert.ok(result.recorded, `${result.source}: no recorded translation`);
        assert.equal(result.actual, result.recorded,
          `${entry.id}: "${result.source}" now translates differently; run scripts/regenerate-examples.mjs and check it`);
      }
    });
  }

  test('the page opens on the first example of the first model', () => {
    const html = readFileSync(join(repoRoot, 'web', 'index.html'), 'utf8');
    const initial = /<textarea id="input"[^>]*>([^<]*)<\/textarea>/.exec(html)?.[1];
    assert.equal(initial?.replace(/&#39;|&apos;/g, "'"), entries[0].examples[0].source);
    assert.match(html, new RegExp(`<link rel="preload" href="${entries[0].file}"`), 'the first model is the one preloaded');
  });
});
