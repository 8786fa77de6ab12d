// The translation engine as an ES module for browsers and Node ≥ 18 (no bundler, no dependencies).
//
//   const t = await createTranslator({ model, onProgress, worker, variant });
//   const { text, sentences } = await t.translate('Jane visite l\'Afrique en septembre.', { beam: 4, nbest: 0 });
//   const info = await t.info();
//   await t.dispose();
//
// `model`: a URL (string or URL; in Node also a file path or file: URL), an ArrayBuffer, a typed array or a Blob.
// `onProgress({ loaded, total })`: called while the model is downloaded or read from disk; `total` is null when the
//   size is unknown (e.g. a compressed response).
// `worker: true`: in browsers, run the engine in a Web Worker (translator-worker.js) so the page never freezes; the
//   API is the same. Ignored in Node, where the engine runs on the calling thread.
// `variant`: 'auto' (default: SIMD when WebAssembly SIMD is supported), 'simd' or 'baseline'.
// `onPhase(name)`: called as loading passes its milestones, for timing them: 'model-downloaded' (the bytes are
//   here), 'engine-ready' (the WebAssembly engine is compiled and started; in worker mode this overlaps the
//   download), 'model-parsed' (the model is loaded and ready to translate).
//
// Every method returns a promise (info() too, because in worker mode the engine lives on another thread). Calls are
// queued and run one at a time in call order. translate() resolves to
//   { text, sentences: [{ source, translation, sourceTokens, targetTokens, attention, tokenProbabilities, score,
//                         sourceIds, targetIds,
//                         nbest: [{ translation, targetTokens, targetIds, attention, tokenProbabilities, score }] }] }
// where `attention` is a Float32Array of targetTokens.length × sourceTokens.length values (row-major, each row sums
// to 1) and `tokenProbabilities` a Float32Array with one value per target token; both belong to the caller.
// `sourceIds` and `targetIds` (Int32Array, ending with </s>) are the model's ids the search read and wrote; for a
// model that protects spans they hold placeholders where the tokens show the spans. Options:
// `beam` (1..16, default 4), `nbest` (0..beam, default 0: `nbest` is then empty), `splitSentences` (default true),
// and the two repairs of the search's output (see README): `carryOver` (default true: names and numbers the model
// garbled are put back from the source) and `blockRepeats` (default true: no phrase three times in a row, no word
// that loops).
// Errors reject the promise: TypeError for wrong argument types or unknown options, RangeError for out-of-range
// options, Error with the model loader's message for a bad model file, and "translator has been disposed" after
// dispose().

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

// The smallest module whose one function executes a v128.const: valid exactly where WebAssembly SIMD is supported.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x17, 0x01, 0x15, 0x00, // code section: one body of 21 bytes, no locals
  0xfd, 0x0c, ...new Array(16).fill(0), // v128.const 0
  0x1a, 0x0b, // drop, end
]);

/** True when this JavaScript engine supports WebAssembly SIMD (the faster build is then used). */
export function simdSupported() {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

function chooseVariant(variant = 'auto') {
  if (variant === 'auto') return simdSupported() ? 'simd' : 'baseline';
  if (variant === 'baseline') return variant;
  if (variant === 'simd') {
    if (!simdSupported()) throw new Error('this JavaScript engine does not support WebAssembly SIMD');
    return variant;
  }
  throw new TypeError(`variant must be 'auto', 'simd' or 'baseline', got ${String(variant)}`);
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? value.constructor?.name ?? 'object' : typeof value;
}

// ---- reading bytes: files in Node, fetch elsewhere ----

async function readFileWithProgress(path, onProgress) {
  const { open } = await import('node:fs/promises');
  const file = await open(path, 'r').catch((error) => {
    throw new Error(`cannot open model file ${path}: ${error.message}`);
  });
  try {
    const { size } = await file.stat();
    const bytes = new Uint8Array(size);
    const chunk = 4 << 20;
    let loaded = 0;
    onProgress?.({ loaded, total: size });
    while (loaded < size) {
      const { bytesRead } = await file.read(bytes, loaded, Math.min(chunk, size - loaded), loaded);
      if (bytesRead === 0) throw new Error(`model file ${path} shrank while being read`);
      loaded += bytesRead;
      onProgress?.({ loaded, total: size });
    }
    return bytes;
  } finally {
    await file.close();
  }
}

function resolveUrl(url) {
  const base = globalThis.location?.href;
  try {
    return base ? new URL(url, base) : new URL(url);
  } catch {
    throw new TypeError(`invalid model URL: ${String(url)}`);
  }
}

async function fetchWithProgress(url, what, onProgress) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`cannot download ${what} ${url}: ${error.message}`);
  }
  if (!response.ok) {
    throw new Error(`cannot download ${what} ${url}: HTTP ${response.status} ${response.statusText}`.trimEnd());
  }
  const type = response.headers.get('content-type') ?? '';
  if (/text\/html/i.test(type)) throw new Error(`${url} is not a ${what} (the server sent ${type})`);
  // With content-encoding the length counts compressed bytes, not what the reader yields.
  const length = Number(response.headers.get('content-length'));
  const total = length > 0 && !response.headers.get('content-encoding') ? length : null;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks = [];
  let loaded = 0;
  onProgress?.({ loaded, total });
  try {
    for (const reader = response.body.getReader(); ;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress?.({ loaded, total });
    }
  } catch (error) {  // the connection dropped mid-body
    throw new Error(`cannot download ${what} ${url}: ${error.message} after ${loaded} bytes`);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

// Emscripten's string conversion pairs a lone surrogate with whatever follows (silently eating a character);
// U+FFFD in its place is what the C++ side does with ill-formed UTF-8 too.
function wellFormed(text) {
  if (text.toWellFormed) return text.toWellFormed();
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

// A server answering a missing file with its HTML index page must not reach the model parser as "bad bytes".
function rejectMarkup(bytes, url) {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith('<')) throw new Error(`${url} is not a model file (it looks like HTML)`);
  return bytes;
}

/** Resolves `model` (see the top of this file) to its bytes; `owned`: they are a fresh buffer that may be transferred. */
async function readModel(model, onProgress) {
  if (model instanceof ArrayBuffer) return { bytes: new Uint8Array(model), owned: false };
  if (ArrayBuffer.isView(model)) {
    return { bytes: new Uint8Array(model.buffer, model.byteOffset, model.byteLength), owned: false };
  }
  if (typeof Blob === 'function' && model instanceof Blob) {
    const bytes = new Uint8Array(await model.arrayBuffer());
    onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength });
    return { bytes, owned: true };
  }
  if (typeof model === 'string' || model instanceof URL) {
    const text = String(model);
    if (isNode && !/^(https?|data|blob):/i.test(text)) {
      const { fileURLToPath } = await import('node:url');
      const path = text.startsWith('file:') ? fileURLToPath(text) : text;
      return { bytes: await readFileWithProgress(path, onProgress), owned: true };
    }
    const url = resolveUrl(text);
    return { bytes: rejectMarkup(await fetchWithProgress(url, 'model file', onProgress), url), owned: true };
  }
  throw new TypeError(`model must be a URL, a file path (Node), an ArrayBuffer, a typed array or a Blob, got ${describe(model)}`);
}

// ---- the engine (one wasm instance per variant, shared by all translators of this thread) ----

const engines = new Map();

async function readEngineFile(url) {
  if (isNode) {
    const [{ readFile }, { fileURLToPath }] = await Promise.all([import('node:fs/promises'), import('node:url')]);
    const path = fileURLToPath(url);
    return readFile(path).catch((error) => {
      throw new Error(`cannot read ${path} (${error.code ?? error.message}); build the engine with scripts/build-web.sh`);
    });
  }
  return fetchWithProgress(url, 'engine file');
}

/** Fetches, compiles and starts the engine of this thread ahead of the first model (the worker's 'prepare'). */
export async function prepareEngine(variant) {
  await loadEngine(chooseVariant(variant));
}

function loadEngine(variant) {
  if (!engines.has(variant)) {
    const name = variant === 'simd' ? 'attn-simd' : 'attn-base';
    const moduleUrl = new URL(`./dist/${name}.js`, import.meta.url);
    // Emscripten's own loader would fetch() the .wasm, which fails on file paths in Node; hand it the bytes.
    const engine = Promise.all([import(moduleUrl.href), readEngineFile(new URL(`./dist/${name}.wasm`, import.meta.url))])
      .then(([{ default: createAttnModule }, wasmBinary]) => createAttnModule({ wasmBinary }));
    engine.catch(() => engines.delete(variant));  // a failed load may be retried
    engines.set(variant, engine);
  }
  return engines.get(variant);
}

// The bindings return errors instead of throwing them (see src/wasm/bindings.cpp).
function unwrap(result) {
  if (result instanceof Error) throw result;
  return result;
}

/** Runs the engine on this thread. */
class LocalEngine {
  #engine;
  #native;

  static async create(bytes, variant) {
    const engine = await loadEngine(variant);
    return new LocalEngine(engine, unwrap(engine.loadTranslator(bytes)));
  }

  constructor(engine, native) {
    this.#engine = engine;
    this.#native = native;
  }

  translate(text, options) {
    return unwrap(this.#native.translate(typeof text === 'string' ? wellFormed(text) : text, options));
  }

  info() {
    return unwrap(this.#native.info());
  }

  memoryUsage() {
    return this.#engine.memoryUsage();
  }

  dispose() {
    this.#native.delete();
  }
}

// ---- worker mode: the same engine behind postMessage ----

function errorFromMessage({ name, message }) {
  const ErrorClass = { TypeError, RangeError }[name] ?? Error;
  return new ErrorClass(message);
}

/** Runs the engine in a Web Worker (translator-worker.js); each method is one request/response round trip. */
class WorkerEngine {
  #worker;
  #pending = new Map();
  #nextId = 0;
  #failure = null;

  // Starts the worker and its engine at once, so that both start up while the model downloads; resolves
  // `engineReady` when the engine is compiled.
  static start(variant) {
    const engine = new WorkerEngine(new Worker(new URL('./translator-worker.js', import.meta.url), { type: 'module' }));
    engine.engineReady = engine.#call('prepare', [variant]);
    engine.engineReady.catch(() => {});  // reported by load() below
    return engine;
  }

  async load(bytes, owned, variant) {
    try {
      await this.#call('load', [bytes, variant], owned ? [bytes.buffer] : []);
    } catch (error) {
      this.#worker.terminate();
      throw error;
    }
    return this;
  }

  constructor(worker) {
    this.#worker = worker;
    worker.onmessage = ({ data }) => {
      const pending = this.#pending.get(data.id);
      this.#pending.delete(data.id);
      if (data.error) pending?.reject(errorFromMessage(data.error));
      else pending?.resolve(data.result);
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.#fail(new Error(`translator worker failed: ${event.message ?? 'could not start'}`));
    };
    worker.onmessageerror = () => this.#fail(new Error('translator worker sent an unreadable message'));
  }

  #fail(error) {
    this.#failure = error;
    for (const { reject } of this.#pending.values()) reject(error);
    this.#pending.clear();
  }

  #call(method, args, transfer = []) {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, method, args }, transfer);
    });
  }

  translate(text, options) {
    return this.#call('translate', [text, options]);
  }

  info() {
    return this.#call('info', []);
  }

  memoryUsage() {
    return this.#call('memoryUsage', []);
  }

  async dispose() {
    try {
      await this.#call('dispose', []);
    } finally {
      this.#worker.terminate();
    }
  }
}

/** The buffers of a translate() result, for transferring it to another thread without copying. */
export function transferablesOf(translation) {
  const buffers = [];
  for (const sentence of translation.sentences) {
    for (const hypothesis of [sentence, ...sentence.nbest]) {
      buffers.push(hypothesis.attention.buffer, hypothesis.tokenProbabilities.buffer);
    }
  }
  return buffers;
}

// ---- the public object ----

class AttentionTranslator {
  #engine;
  #queue = Promise.resolve();
  #disposed = false;

  constructor(engine) {
    this.#engine = engine;
  }

  #enqueue(work) {
    if (this.#disposed) return Promise.reject(new Error('translator has been disposed'));
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => {});
    return result;
  }

  /** Translates `text`; see the top of this file for the options and the result. */
  translate(text, options) {
    return this.#enqueue(() => this.#engine.translate(text, options));
  }

  /** { sourceLanguage, targetLanguage, dtype, parameters, fileBytes, srcVocab, tgtVocab, embed, hidden, attention,
   *    simd, metadata } */
  info() {
    return this.#enqueue(() => this.#engine.info());
  }

  /** { allocatedBytes, heapBytes } of the wasm instance: bytes held by malloc and the size of its memory. */
  memoryUsage() {
    return this.#enqueue(() => this.#engine.memoryUsage());
  }

  /** Frees the model once the calls already queued have finished; later calls reject. */
  dispose() {
    const done = this.#enqueue(() => this.#engine.dispose());
    this.#disposed = true;
    return done.catch(() => {});
  }
}

/** Loads a model; see the top of this file. */
export async function createTranslator({ model, onProgress, onPhase, worker = false, variant = 'auto' } = {}) {
  if (model === undefined || model === null) throw new TypeError('createTranslator needs a model');
  for (const [name, callback] of [['onProgress', onProgress], ['onPhase', onPhase]]) {
    if (callback !== undefined && typeof callback !== 'function') {
      throw new TypeError(`${name} must be a function, got ${describe(callback)}`);
    }
  }
  const chosen = chooseVariant(variant);
  const useWorker = worker && !isNode && typeof Worker === 'function';
  if (useWorker) return createInWorker(model, chosen, onProgress, onPhase);
  // Start fetching and compiling the engine while the model downloads.
  const engineReady = loadEngine(chosen);
  engineReady.then(() => onPhase?.('engine-ready'), () => {});
  const { bytes } = await readModel(model, onProgress);
  onPhase?.('model-downloaded');
  const engine = await LocalEngine.create(bytes, chosen);
  onPhase?.('model-parsed');
  return new AttentionTranslator(engine);
}

// The worker (and its engine's compilation) starts before the model is read, so the two overlap.
async function createInWorker(model, variant, onProgress, onPhase) {
  const engine = WorkerEngine.start(variant);
  engine.engineReady.then(() => onPhase?.('engine-ready'), () => {});
  let bytes, owned;
  try {
    ({ bytes, owned } = await readModel(model, onProgress));
  } catch (error) {
    engine.dispose().catch(() => {});
    throw error;
  }
  onPhase?.('model-downloaded');
  await engine.load(bytes, owned, variant);
  onPhase?.('model-parsed');
  return new AttentionTranslator(engine);
}
