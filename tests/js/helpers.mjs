// Shared by the JavaScript engine tests: paths, the model under test, the native CLI and the test sentences.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const nativeCli = join(repoRoot, 'build', 'attn');
export const webCli = join(repoRoot, 'web', 'cli.mjs');
export const variants = ['simd', 'baseline'];

export const fixturePath = join(repoRoot, 'tests', 'fixtures', 'tiny.safetensors');
// The French→English model when it has been trained, else the committed fixture.
export const modelPath = [join(repoRoot, 'models', 'fr-en.safetensors'), fixturePath].find((path) => existsSync(path));
if (!modelPath) throw new Error('no model to test: neither models/fr-en.safetensors nor tests/fixtures/tiny.safetensors');
if (!existsSync(nativeCli)) throw new Error(`${nativeCli} is missing; scripts/test-js.sh builds it`);

const testSet = join(repoRoot, '..', 'shared', 'data', 'tatoeba-fra-eng', 'test.tsv');

/** The first `count` French sentences (column 2) of the Tatoeba test set. */
export function frenchSentences(count) {
  const lines = readFileSync(testSet, 'utf8').split('\n').filter((line) => line.includes('\t'));
  return lines.slice(0, count).map((line) => line.split('\t')[1]);
}

/** Runs a command with `input` on stdin; resolves to { code, stdout, stderr }. */
export function run(command, args, input = '') {
  return new Promise((done, fail) => {
    const child = execFile(command, args, { maxBuffer: 1 << 30 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') fail(error);
      else done({ code: error ? error.code : 0, stdout, stderr });
    });
    child.stdin.on('error', () => {});  // a command that fails early exits without reading its input (EPIPE)
    child.stdin.end(input);
  });
}

/** `attn translate --json` on the lines: one parsed object per line. */
export async function nativeTranslations(lines, extraArgs = []) {
  const { code, stdout, stderr } = await run(nativeCli, ['translate', '-m', modelPath, '--json', ...extraArgs], lines.join('\n') + '\n');
  if (code !== 0) throw new Error(`native CLI failed (${code}): ${stderr}`);
  return stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
}

/** Largest absolute difference between two equally long numeric sequences (Infinity when the lengths differ). */
export function maxAbsDifference(a, b) {
  if (a.length !== b.length) return Infinity;
  let largest = 0;
  for (let i = 0; i < a.length; ++i) largest = Math.max(largest, Math.abs(a[i] - b[i]));
  return largest;
}
