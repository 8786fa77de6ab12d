// Emscripten 3.1.6 writes its Node start-up code for CommonJS (it reads `__dirname`) even with -sEXPORT_ES6, where
// that name does not exist. Defining it here keeps the generated ES module loadable in Node; browsers ignore it.
// (The wasm bytes are always handed over as `wasmBinary`, so the Node file-reading path that needs `require` is
// never taken.)
const __dirname = new URL('.', import.meta.url).pathname;
