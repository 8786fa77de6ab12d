// Model loading errors in plain words: the engine's messages are precise ("safetensors header length
// 2338328219631577204 exceeds the limit…") but mean nothing to someone who picked the wrong file. Pure function;
// the page shows `summary` and keeps `detail` (the original message) in a details line.

const EXPLANATIONS = [
  [/HTTP 404/, 'The model file was not found on the server.'],
  [/looks like HTML|server sent text\/html/, 'The server sent a web page instead of the model file.'],
  [/HTTP \d{3}/, 'The server could not send the model file.'],
  [/cannot download|terminated after/, 'The model file could not be downloaded. Check the connection and try again.'],
  [/newer than this build supports/, 'This model was made for a newer version of the translator. Update the page to use it.'],
  [/safetensors (header|file)|is not well-formed JSON|the top level must be a JSON object|data block/,
    'This is not a model file. Translation models are .safetensors files made by attn (see the README).'],
  [/model file (is missing|has unknown) tensor|model file metadata|unknown safetensors dtype|^tensor /,
    'This .safetensors file is not a translation model this page can use (wrong or missing parts).'],
  [/bad_alloc|out of memory/i, 'The model is too large for this browser tab.'],
];

export function explainLoadError(message) {
  const detail = String(message ?? '').replace(/\.$/, '');
  const match = EXPLANATIONS.find(([pattern]) => pattern.test(detail));
  return { summary: match ? match[1] : 'The model could not be loaded.', detail };
}
