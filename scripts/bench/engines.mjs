// The benchmark's JavaScript engines by name: our WebAssembly builds take a .safetensors file, the ONNX Runtime
// ones an export-onnx.py (or quantize-onnx.py) directory.
import { createOrtEngine } from './ort-engine.mjs';
import { createWasmEngine } from './wasm-engine.mjs';

export const ENGINES = {
  'wasm-simd': (model) => createWasmEngine('simd', model),
  'wasm-base': (model) => createWasmEngine('baseline', model),
  'onnxruntime-web': (model) => createOrtEngine('onnxruntime-web', model),
  'onnxruntime-node': (model) => createOrtEngine('onnxruntime-node', model),
};
