// Our engine in WebAssembly, through the public JavaScript API (web/attention-translator.js) with the build forced
// to SIMD128 ('simd') or baseline: each source text is translated as one sequence (splitSentences: false), by the
// plain search every engine runs (carryOver and blockRepeats off).
import { readFileSync } from 'node:fs';

import { createTranslator } from '../../web/attention-translator.js';

/** variant: 'simd' or 'baseline'; modelPath: a .safetensors file. */
export async function createWasmEngine(variant, modelPath) {
  const bytes = new Uint8Array(readFileSync(modelPath));
  const load = () => createTranslator({ model: bytes, variant });
  let dtype;
  const sourceIdMismatches = new Set();  // sentences whose wasm source ids differ from the workload's

  return {
    memoryKind: 'wasm-heap',
    get dtype() {
      return dtype;
    },
    get notes() {
      return `${variant} build via createTranslator (web/attention-translator.js), splitSentences, carryOver and ` +
        'blockRepeats false; timing ' +
        'covers translate() per sentence: tokenization, encoder, search, detokenization and the JS result ' +
        '(attention matrices and probabilities included); ids are the search\'s target ids (targetIds); ' +
        'load_ms: createTranslator from bytes in memory with the wasm module already ' +
        'instantiated; peak memory: size of the wasm memory after the runs (it never shrinks)' +
        (sourceIdMismatches.size ? `; WARNING: source ids differ from the workload's for ${sourceIdMismatches.size} ` +
          'sentences' : '');
    },

    /** Instantiates the wasm module (not part of load_ms) and reads the model's dtype. */
    async initialize() {
      const translator = await load();
      dtype = (await translator.info()).dtype;
      await translator.dispose();
    },

    async load() {
      const translator = await load();
      return {
        /** The timed part: one translate() call. */
        async translate(sentence, beam) {
          const options = { beam, splitSentences: false, carryOver: false, blockRepeats: false };
          const result = await translator.translate(sentence.source, options);
          if (result.sentences.length !== 1) {
            throw new Error(`sentence ${sentence.i} gave ${result.sentences.length} sentences, expected one`);
          }
          return result;
        },
        /** Untimed: { sourceTokens, ids, text, score } of a translate() result. */
        output(sentence, result) {
          const [best] = result.sentences;
          if (sentence.sourceIds && best.sourceIds.join() !== sentence.sourceIds.join()) {
            sourceIdMismatches.add(sentence.i);
          }
          return {
            sourceTokens: best.sourceTokens.length,
            ids: Array.from(best.targetIds),
            text: result.text,
            score: best.score,
          };
        },
        peakMemoryBytes: async () => (await translator.memoryUsage()).heapBytes,
        release: () => translator.dispose(),
      };
    },
  };
}
