#!/usr/bin/env node
// Times loading a model in the WebAssembly engine under Node: bytes already in memory → Translator ready
// (parse, validate, build both tokenizers, copy the tensors). Prints the median, min and max of N loads.
//   node scripts/measure-load.mjs [model.safetensors] [--variant simd|baseline] [--runs 20] [--dist DIR]
// Defaults: models/fr-en.safetensors, simd, 20 runs (after 2 warm-up loads), the engine in web/dist/ (built by
// scripts/build-web.sh); --dist compares another build (a directory holding attn-simd.js/.wasm or attn-base.*).
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function parseArguments(argv) {
  const options = { model: `${root}models/fr-en.safetensors`, variant: 'simd', runs: 20, dist: `${root}web/dist` };
  for (let i = 0; i < argv.length; ++i) {
    const argument = argv[i];
    if (argument === '--variant') options.variant = argv[++i];
    else if (argument === '--runs') options.runs = Number(argv[++i]);
    else if (argument === '--dist') options.dist = argv[++i];
    else if (argument.startsWith('--')) throw new Error(`unknown option ${argument}`);
    else options.model = argument;
  }
  if (!['simd', 'baseline'].includes(options.variant)) throw new Error("--variant must be 'simd' or 'baseline'");
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error('--runs must be a positive integer');
  return options;
}

const options = parseArguments(process.argv.slice(2));
const name = options.variant === 'simd' ? 'attn-simd' : 'attn-base';
const [{ default: createAttnModule }, wasmBinary, modelBytes] = await Promise.all([
  import(pathToFileURL(resolve(options.dist, `${name}.js`)).href),
  readFile(resolve(options.dist, `${name}.wasm`)),
  readFile(options.model),
]);
const engine = await createAttnModule({ wasmBinary });
const bytes = new Uint8Array(modelBytes.buffer, modelBytes.byteOffset, modelBytes.byteLength);

function loadOnce() {
  const start = performance.now();
  const translator = engine.loadTranslator(bytes);
  const elapsed = performance.now() - start;
  if (translator instanceof Error) throw translator;
  translator.delete();
  return elapsed;
}

for (let i = 0; i < 2; ++i) loadOnce();  // warm-up: lets the heap grow and V8 tier up the wasm
const times = Array.from({ length: options.runs }, loadOnce).sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`${options.model} (${name}, ${bytes.byteLength} bytes): median ${median.toFixed(1)} ms over ` +
            `${times.length} loads (min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)})`);
