#!/usr/bin/env node
// Rewrites the "translation" of every example in web/models.json with what the bundled model (models/<file>)
// writes for it, using the page's default options, so that the page's examples and the tests that pin them
// (tests/js/examples.test.mjs, tests/browser/page.test.mjs) follow a retrained model. Prints each change: read them,
// and remove or replace an example the new model gets wrong; the page must only offer examples it gets right.
//   node scripts/regenerate-examples.mjs           # rewrite web/models.json
//   node scripts/regenerate-examples.mjs --check   # only report; exit status 1 when something would change
// Needs the WebAssembly engine (scripts/build-web.sh).
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTranslator } from '../web/attention-translator.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const MODELS_JSON = join(root, 'web', 'models.json');
// What the page asks for when it loads (the beam and alternatives fields of web/index.html).
export const PAGE_OPTIONS = { beam: 4, nbest: 4 };

// The bundled model file of a models.json entry, or null when it is not in models/.
export async function bundledModelPath(entry) {
  const path = join(root, 'models', basename(entry.file));
  try {
    return (await stat(path)).isFile() ? path : null;
  } catch {
    return null;
  }
}

// [{ source, recorded, actual }] for every example of the entry (actual: what the model writes now).
export async function translateExamples(entry, modelPath) {
  const translator = await createTranslator({ model: modelPath });
  try {
    const results = [];
    for (const example of entry.examples ?? []) {
      const { text } = await translator.translate(example.source, PAGE_OPTIONS);
      results.push({ source: example.source, recorded: example.translation, actual: text });
    }
    return results;
  } finally {
    translator.dispose();
  }
}

async function main() {
  const check = process.argv.includes('--check');
  const entries = JSON.parse(await readFile(MODELS_JSON, 'utf8'));
  let changes = 0;
  for (const entry of entries) {
    const path = await bundledModelPath(entry);
    if (!path) {
      console.log(`${entry.id}: models/${basename(entry.file)} is missing, examples left as they are`);
      continue;
    }
    const results = await translateExamples(entry, path);
    results.forEach((result, index) => {
      if (result.actual === result.recorded) return;
      changes += 1;
      console.log(`${entry.id}: ${result.source}\n  was: ${result.recorded ?? '(none)'}\n  now: ${result.actual}`);
      entry.examples[index].translation = result.actual;
    });
  }
  if (check) {
    console.log(changes ? `${changes} example translation(s) differ from web/models.json` : 'web/models.json is up to date');
    process.exitCode = changes ? 1 : 0;
    return;
  }
  await writeFile(MODELS_JSON, `${JSON.stringify(entries, null, 2)}\n`);
  console.log(changes ? `${changes} translation(s) rewritten: check each one by hand (see above)` : 'no change');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
