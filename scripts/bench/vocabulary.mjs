// Token strings → ids for a model file's vocabularies. The wasm engine reports tokens as display pieces (see
// Tokenizer::display_pieces); the benchmark compares engines by ids, so it maps them back with the vocabulary
// stored in the model file's metadata (models/FORMAT.md).

const MAX_HEADER_BYTES = 100_000_000;  // the model loader's own limit

/** The `__metadata__` object of a safetensors file held in memory. */
export function readMetadata(bytes) {
  if (bytes.byteLength < 8) throw new Error('model file is shorter than its 8-byte header length');
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER_BYTES, bytes.byteLength - 8))) {
    throw new Error(`model header length ${length} exceeds the file or the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(length))));
  const metadata = header?.__metadata__;
  if (metadata === null || typeof metadata !== 'object') throw new Error('model header has no __metadata__ object');
  return metadata;
}

function hexByte(byte) {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/** Every id's display piece: <pad>, <s>, </s>, the byte pieces <0x00>..<0xFF>, then the learned pieces. */
export function displayPieces(tokenizerJson, field) {
  let tokenizer;
  try {
    tokenizer = JSON.parse(tokenizerJson);
  } catch (error) {
    throw new Error(`metadata field ${field} is not JSON: ${error.message}`);
  }
  if (!Array.isArray(tokenizer?.pieces) || !tokenizer.pieces.every((piece) => typeof piece === 'string')) {
    throw new Error(`metadata field ${field} has no "pieces" array of strings`);
  }
  const bytePieces = Array.from({ length: 256 }, (_, byte) => `<0x${hexByte(byte)}>`);
  return ['<pad>', '<s>', '</s>', ...bytePieces, ...tokenizer.pieces];
}

/** A function from display piece to id for one vocabulary; it throws for a piece that is not (uniquely) in it. */
export function pieceToId(pieces, field) {
  const ids = new Map();
  const ambiguous = new Set();
  pieces.forEach((piece, id) => {
    if (ids.has(piece)) ambiguous.add(piece);
    ids.set(piece, id);
  });
  return (piece) => {
    if (ambiguous.has(piece)) throw new Error(`piece ${JSON.stringify(piece)} occurs twice in ${field}`);
    const id = ids.get(piece);
    if (id === undefined) throw new Error(`piece ${JSON.stringify(piece)} is not in ${field}`);
    return id;
  };
}

/** { sourceId, targetId }: piece → id functions for the model file's two vocabularies. */
export function modelVocabularies(bytes) {
  const metadata = readMetadata(bytes);
  const lookup = (field) => {
    if (typeof metadata[field] !== 'string') throw new Error(`model metadata has no ${field}`);
    return pieceToId(displayPieces(metadata[field], field), field);
  };
  return { sourceId: lookup('src_tokenizer'), targetId: lookup('tgt_tokenizer') };
}
