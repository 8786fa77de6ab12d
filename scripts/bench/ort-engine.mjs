// ONNX Runtime on the graphs of scripts/export-onnx.py (encoder.onnx, decoder_step.onnx, config.json), float32 or
// as scripts/quantize-onnx.py rewrote them (int8), with the decode loop in JavaScript (search.mjs):
// 'onnxruntime-web' (its WebAssembly backend, here loaded from node_modules) or 'onnxruntime-node' (native CPU
// execution provider). One thread either way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { beamSearch, greedySearch, maxOutputLength } from './search.mjs';

// config.json's "weights" (absent: export-onnx.py's float32) → the dtype the benchmark reports.
const GRAPH_DTYPES = { float32: 'F32', 'int8-dynamic': 'I8' };
const GRAPH_NOTES = {
  F32: 'F32 graphs of scripts/export-onnx.py',
  I8: 'int8 graphs of scripts/quantize-onnx.py (MatMul/Gemm as DynamicQuantizeLinear + MatMulInteger, per-column ' +
    'int8 weights, uint8 activations per tensor; encoder GRU float32)',
};

function readConfig(modelDir) {
  const path = join(modelDir, 'config.json');
  let config;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${error.message}`);
  }
  const dimension = (field) => {
    const value = Number(config?.metadata?.[field]);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${path}: metadata.${field} must be a positive integer`);
    return value;
  };
  if (config.bos_id !== 1 || config.eos_id !== 2) throw new Error(`${path}: expected bos_id 1 and eos_id 2`);
  const weights = config.weights ?? 'float32';
  if (!(weights in GRAPH_DTYPES)) {
    throw new Error(`${path}: "weights" must be one of ${Object.keys(GRAPH_DTYPES).join(', ')}, got ${weights}`);
  }
  return { hidden: dimension('hidden_dim'), vocabSize: dimension('tgt_vocab_size'), dtype: GRAPH_DTYPES[weights] };
}

async function loadRuntime(kind) {
  if (kind === 'onnxruntime-node') {
    const ort = await import('onnxruntime-node');
    return { ort, sessionOptions: { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 } };
  }
  const ort = await import('onnxruntime-web');
  Object.assign(ort.env.wasm, { numThreads: 1, simd: true, proxy: false });
  return { ort, sessionOptions: { executionProviders: ['wasm'] } };
}

// Wall time spent in session.run, split by graph; the rest of a sentence's time is JavaScript (search, tensors).
class RunTimer {
  constructor() {
    this.reset();
  }

  reset() {
    Object.assign(this, { encoderMs: 0, encoderCalls: 0, decoderMs: 0, decoderCalls: 0, decoderRows: 0 });
  }

  /** For the result's "profile": totals over the timed runs and the mean per decoder_step call. */
  summary() {
    const ms = (value) => Number(value.toFixed(3));
    return {
      encoder_run_ms: ms(this.encoderMs),
      encoder_calls: this.encoderCalls,
      decoder_run_ms: ms(this.decoderMs),
      decoder_calls: this.decoderCalls,
      decoder_rows: this.decoderRows,
      decoder_us_per_call: this.decoderCalls ? ms((1000 * this.decoderMs) / this.decoderCalls) : null,
    };
  }
}

/** kind: 'onnxruntime-web' or 'onnxruntime-node'; modelDir: an export-onnx.py output directory. */
export async function createOrtEngine(kind, modelDir) {
  const { hidden, vocabSize, dtype } = readConfig(modelDir);
  const encoderBytes = new Uint8Array(readFileSync(join(modelDir, 'encoder.onnx')));
  const decoderBytes = new Uint8Array(readFileSync(join(modelDir, 'decoder_step.onnx')));
  const { ort, sessionOptions } = await loadRuntime(kind);
  // One after the other: onnxruntime-node may create sessions off the main thread, and the benchmark is one thread.
  const createSessions = async () => [
    await ort.InferenceSession.create(encoderBytes, sessionOptions),
    await ort.InferenceSession.create(decoderBytes, sessionOptions),
  ];
  const timer = new RunTimer();

  return {
    dtype,
    memoryKind: 'rss',
    notes: `${kind} ${ort.env.versions?.common ?? ''} (${kind === 'onnxruntime-web'
      ? 'wasm backend, SIMD, numThreads 1, proxy off' : 'CPU EP, intra/inter-op threads 1'}), ${GRAPH_NOTES[dtype]}; ` +
      'timing covers per sentence the encoder run and the JS decode loop (one ' +
      'decoder_step run per step, the K beam hypotheses as K rows; only states and log_probs fetched); input is ' +
      'source ids, output target ids (no tokenization or detokenization); load_ms: creating both sessions from ' +
      'bytes in memory, runtime already initialized; peak memory: peak RSS of the whole Node process',
    /** Restarts the session.run timing (bench-js calls it after the warm-up). */
    resetProfile: () => timer.reset(),
    profile: () => ({ ...timer.summary(), note: 'wall time inside session.run over the timed runs; the rest ' +
      'of the run time is the JavaScript search and tensor creation' }),

    /** Initializes the runtime (onnxruntime-web instantiates its wasm module here), outside load_ms. */
    async initialize() {
      for (const session of await createSessions()) await session.release();
    },

    async load() {
      const [encoder, decoder] = await createSessions();
      const step = async (annotations, keys, tokens, states) => {
        const K = tokens.length;
        const feeds = {
          previous_tokens: new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [K]),
          previous_states: new ort.Tensor('float32', states, [K, hidden]),
          annotations,
          keys,
        };
        const start = performance.now();
        const outputs = await decoder.run(feeds, ['states', 'log_probs']);
        timer.decoderMs += performance.now() - start;
        timer.decoderCalls += 1;
        timer.decoderRows += K;
        return { states: outputs.states.data, logProbs: outputs.log_probs.data };
      };
      return {
        /** The timed part: encoder run plus the search. */
        async translate(sentence, beam) {
          const ids = sentence.sourceIds;
          const start = performance.now();
          const encoded = await encoder.run({
            source_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
          });
          timer.encoderMs += performance.now() - start;
          timer.encoderCalls += 1;
          const search = {
            initialState: encoded.initial_state.data,
            hidden,
            vocabSize,
            maxLength: maxOutputLength(ids.length),
            beam,
            step: (tokens, states) => step(encoded.annotations, encoded.keys, tokens, states),
          };
          return beam === 1 ? greedySearch(search) : beamSearch(search);
        },
        /** Untimed: { sourceTokens, ids, score } of a search result. */
        output(sentence, result) {
          return { sourceTokens: sentence.sourceIds.length, ids: result.ids, score: result.score };
        },
        peakMemoryBytes: async () => process.resourceUsage().maxRSS * 1024,
        async release() {
          await encoder.release();
          await decoder.release();
        },
      };
    },
  };
}
