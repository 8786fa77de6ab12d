// Exports of one alignment matrix (the export JSON format of matrix-drawing.js) as JSON, SVG, PNG or
// soft-alignment text, plus the conversion from the engine's sentence/hypothesis objects to that format.
import { PALETTES, buildView, layoutMatrix, matrixSvg, normalizeMatrixData, paintMatrix } from './matrix-drawing.js';

// Engine output (one sentence and one of its hypotheses) → export JSON format.
export function toMatrixData(sentence, hypothesis, modelName) {
  const cols = sentence.sourceTokens.length;
  const rows = hypothesis.targetTokens.length;
  return {
    source_tokens: [...sentence.sourceTokens],
    target_tokens: [...hypothesis.targetTokens],
    attention: Array.from({ length: rows }, (_, r) => Array.from(hypothesis.attention.subarray(r * cols, (r + 1) * cols))),
    source: sentence.source,
    translation: hypothesis.translation,
    model: modelName,
  };
}

export function exportJson(matrix) {
  normalizeMatrixData(matrix);  // refuse to write a file that <alignment-matrix> could not read back
  return `${JSON.stringify(matrix, null, 1)}\n`;
}

// The matrix already in displayed form (pieces or merged words), drawn the way the page draws it, light palette.
function exportLayout(matrix) {
  const view = buildView(normalizeMatrixData(matrix), false);
  return layoutMatrix(view);
}

export function exportSvg(matrix) {
  const title = matrix.translation ? `${matrix.source} → ${matrix.translation}` : 'Alignment matrix';
  return `<?xml version="1.0" encoding="UTF-8"?>\n${matrixSvg(exportLayout(matrix), PALETTES.light, { standalone: true, title })}\n`;
}

// PNG at twice the layout size so that it stays sharp on high-density screens and in slides.
export function exportPng(matrix, scale = 2) {
  const layout = exportLayout(matrix);
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(layout.width * scale);
  canvas.height = Math.ceil(layout.height * scale);
  const context = canvas.getContext('2d');
  context.scale(scale, scale);
  paintMatrix(context, layout, PALETTES.light);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser could not encode the PNG'))), 'image/png');
  });
}

// Marian's `--alignment soft` output format (marian-decoder writes it after the translation, separated by " ||| "):
//   <translation> ||| <row 1> <row 2> ... <row T>
// one row per target token (the final </s> included), rows separated by single spaces; inside a row, one weight
// per source token (the final </s> included) separated by commas. One line per sentence, ending in "\n".
// Weights are written with 6 decimals.
export function exportSoftAlignment(matrix) {
  const data = normalizeMatrixData(matrix);
  const rows = data.attention.map((row) => row.map((weight) => weight.toFixed(6)).join(','));
  return `${data.translation} ||| ${rows.join(' ')}\n`;
}

export function download(content, fileName, mimeType) {
  const blob = content instanceof Blob ? content : new Blob([content], { type: mimeType });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// A file name stem from the translation: "jane-visits-africa-in-september".
export function fileStem(matrix) {
  const words = (matrix.translation || matrix.source || 'alignment').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? ['alignment'];
  return words.slice(0, 6).join('-') || 'alignment';
}
