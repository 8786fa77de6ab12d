// The Web Worker behind createTranslator({ worker: true }) (see attention-translator.js): it owns the engine and
// answers one request at a time: { id, method, args } → { id, result } or { id, error: { name, message } }.
// Result arrays are transferred, not copied.
import { createTranslator, prepareEngine, transferablesOf } from './attention-translator.js';

let translator = null;

const methods = {
  prepare: (variant) => prepareEngine(variant),  // compiles the engine while the page still downloads the model
  async load(bytes, variant) {
    translator = await createTranslator({ model: bytes, variant });
  },
  translate: (text, options) => translator.translate(text, options),
  info: () => translator.info(),
  memoryUsage: () => translator.memoryUsage(),
  async dispose() {
    await translator?.dispose();
    translator = null;
  },
};

self.onmessage = async ({ data: { id, method, args } }) => {
  try {
    const result = await methods[method](...args);
    self.postMessage({ id, result }, method === 'translate' ? transferablesOf(result) : []);
  } catch (error) {
    self.postMessage({ id, error: { name: error?.name ?? 'Error', message: error?.message ?? String(error) } });
  }
};
