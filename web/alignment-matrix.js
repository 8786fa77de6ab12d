// <alignment-matrix>: draws an attention (alignment) matrix — source tokens as columns, target tokens as rows —
// from the JSON export format, without loading any model. Also the shared drawing code: the same layout is turned
// into an SVG string (on screen and for SVG export) or painted on a canvas (PNG export), so all three look alike.
//
// Data format (also what exports.js writes as JSON):
//   { "source_tokens": [...], "target_tokens": [...], "attention": [[...], ...]  // |target| rows × |source| columns
//     "source": "...", "translation": "...", "model": "..." }
// Tokens are sentencepiece-style pieces: "▁" starts a word, "<0xC3>" is a byte piece, "</s>" ends each side.
//
// Everything is styled through a constructable stylesheet and SVG presentation attributes, never inline style
// attributes or style elements, so the element works under `style-src 'self'`.

const WORD_START = '\u2581';
const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;
const SPECIAL = /^<\/?s>$|^<pad>$|^<unk>$/;
const LABEL_FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const LABEL_ANGLE = -60;  // degrees (or steeper for small cells); column labels are rotated when wider than a cell

// Colour scales, from weight 0 to 1. Light: white → deep blue; dark: near-background → magma-like warm yellow.
export const PALETTES = {
  light: {
    stops: ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'],
    background: '#ffffff', text: '#1f2430', muted: '#6b7280', gap: '#ffffff', highlight: '#e4572e',
  },
  dark: {
    stops: ['#1a1d27', '#2b1f47', '#4a2675', '#742f86', '#9f3b7e', '#cb5168', '#ec7450', '#fba35c', '#fcdb86'],
    background: '#12151d', text: '#e6e8ee', muted: '#9aa3b2', gap: '#12151d', highlight: '#4fd1c5',
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Data: validation, token display, word merging.

// Accepts the export format ({source_tokens, target_tokens, attention: rows}) and returns
// { sourceTokens, targetTokens, attention: number[][], source, translation, model }; throws naming the bad field.
export function normalizeMatrixData(data) {
  if (!data || typeof data !== 'object') throw new Error('alignment data must be a JSON object');
  const sourceTokens = data.source_tokens ?? data.sourceTokens;
  const targetTokens = data.target_tokens ?? data.targetTokens;
  if (!Array.isArray(sourceTokens) || sourceTokens.length === 0) throw new Error('"source_tokens" must be a non-empty array');
  if (!Array.isArray(targetTokens) || targetTokens.length === 0) throw new Error('"target_tokens" must be a non-empty array');
  const cols = sourceTokens.length, rows = targetTokens.length;
  let attention = data.attention;
  if (ArrayBuffer.isView(attention)) {  // engine output: flat row-major Float32Array
    if (attention.length !== rows * cols) throw new Error(`"attention" has ${attention.length} values, expected ${rows}×${cols}`);
    attention = Array.from({ length: rows }, (_, r) => Array.from(attention.subarray(r * cols, (r + 1) * cols)));
  }
  if (!Array.isArray(attention) || attention.length !== rows) throw new Error(`"attention" must have ${rows} rows (one per target token)`);
  attention.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== cols) throw new Error(`"attention" row ${r} must have ${cols} values (one per source token)`);
    row.forEach((value, c) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`"attention"[${r}][${c}] is not a finite number`);
    });
  });
  return {
    sourceTokens: sourceTokens.map(String), targetTokens: targetTokens.map(String),
    attention: attention.map((row) => row.slice()),
    source: String(data.source ?? ''), translation: String(data.translation ?? ''), model: String(data.model ?? ''),
  };
}

// A piece as shown on an axis: the word-start marker is dropped, continuation pieces get a leading "·" so that
// sub-word boundaries stay visible (not in character-level models, where every piece is one), byte pieces are
// shortened to "<C3>" and a lone marker (a space) shows as "␣".
export function displayPiece(token, characterLevel = false) {
  if (SPECIAL.test(token)) return token;
  const byte = BYTE_PIECE.exec(token);
  if (byte) return `<${byte[1].toUpperCase()}>`;
  if (token === WORD_START) return '␣';
  if (token.startsWith(WORD_START)) return token.slice(1);
  return characterLevel ? token : `·${token}`;
}

// Character-level tokens (the date model) are recognised by every ordinary piece being a single character.
function displayPieces(tokens) {
  const characterLevel = tokens.every((token) => SPECIAL.test(token) || BYTE_PIECE.test(token) || [...token.replace(WORD_START, '')].length <= 1);
  return tokens.map((token) => displayPiece(token, characterLevel));
}

// Splits pieces into words: a word starts at a "▁" piece, at a special token, or right after a special token.
export function wordGroups(tokens) {
  const groups = [];
  tokens.forEach((token, index) => {
    const previous = tokens[index - 1];
    const startsWord = index === 0 || token.startsWith(WORD_START) || SPECIAL.test(token) || SPECIAL.test(previous);
    if (startsWord) groups.push({ start: index, end: index + 1 });
    else groups[groups.length - 1].end = index + 1;
  });
  return groups.map((group) => ({ ...group, label: wordLabel(tokens.slice(group.start, group.end)) }));
}

// The surface form of a word's pieces; byte pieces are decoded as UTF-8 together with their neighbours.
function wordLabel(pieces) {
  if (pieces.length === 1 && SPECIAL.test(pieces[0])) return pieces[0];
  const bytes = [];
  const encoder = new TextEncoder();
  for (const piece of pieces) {
    const byte = BYTE_PIECE.exec(piece);
    if (byte) bytes.push(parseInt(byte[1], 16));
    else bytes.push(...encoder.encode(piece.split(WORD_START).join(' ')));
  }
  const text = new TextDecoder().decode(new Uint8Array(bytes)).trim();
  return text || '␣';
}

// The matrix as displayed: either pieces, or words where the columns of one source word are summed (their weights
// add up, so every row still sums to 1) and the rows of one target word are averaged (so rows still sum to 1).
// rowWord/colWord map each displayed row/column to its word index.
export function buildView(data, mergeWords) {
  const sourceWords = wordGroups(data.sourceTokens);
  const targetWords = wordGroups(data.targetTokens);
  if (!mergeWords) {
    return {
      rowLabels: displayPieces(data.targetTokens), colLabels: displayPieces(data.sourceTokens),
      rowTokens: data.targetTokens, colTokens: data.sourceTokens, attention: data.attention,
      rowWord: wordIndexOfPieces(targetWords, data.targetTokens.length),
      colWord: wordIndexOfPieces(sourceWords, data.sourceTokens.length),
      sourceWords, targetWords, merged: false,
    };
  }
  const attention = targetWords.map((tw) => sourceWords.map((sw) => {
    let sum = 0;
    for (let r = tw.start; r < tw.end; r++) for (let c = sw.start; c < sw.end; c++) sum += data.attention[r][c];
    return sum / (tw.end - tw.start);
  }));
  return {
    rowLabels: targetWords.map((w) => w.label), colLabels: sourceWords.map((w) => w.label),
    rowTokens: targetWords.map(wordAsPiece), colTokens: sourceWords.map(wordAsPiece), attention,
    rowWord: targetWords.map((_, i) => i), colWord: sourceWords.map((_, i) => i),
    sourceWords, targetWords, merged: true,
  };
}

// A merged word written back as one word-start piece, so that exported word matrices stay in the token format.
function wordAsPiece(word) {
  return SPECIAL.test(word.label) ? word.label : WORD_START + word.label;
}

function wordIndexOfPieces(groups, count) {
  const index = new Array(count);
  groups.forEach((group, w) => { for (let i = group.start; i < group.end; i++) index[i] = w; });
  return index;
}

// ---------------------------------------------------------------------------------------------------------------
// Colour scale.

function hexToRgb(hex) {
  const value = parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

const rgbStopsCache = new Map();
export function colourFor(weight, palette) {
  if (!rgbStopsCache.has(palette)) rgbStopsCache.set(palette, palette.stops.map(hexToRgb));
  const stops = rgbStopsCache.get(palette);
  const position = Math.min(1, Math.max(0, weight)) * (stops.length - 1);
  const low = Math.floor(position), high = Math.min(stops.length - 1, low + 1), t = position - low;
  const channel = (i) => Math.round(stops[low][i] + (stops[high][i] - stops[low][i]) * t);
  return `#${((1 << 24) | (channel(0) << 16) | (channel(1) << 8) | channel(2)).toString(16).slice(1)}`;
}

// Whether text drawn on this colour should be light (the scale's upper half is dark in light mode and bright in dark).
function needsLightText(weight, palette) {
  return palette === PALETTES.light ? weight > 0.55 : weight < 0.6;
}

// ---------------------------------------------------------------------------------------------------------------
// Layout: one geometry for SVG and canvas.

let measureContext = null;
function labelMetrics(text) {
  if (!measureContext && typeof document !== 'undefined') measureContext = document.createElement('canvas').getContext('2d');
  if (!measureContext) return null;
  measureContext.font = LABEL_FONT;
  return measureContext.measureText(text);
}

function measureText(text) {
  return labelMetrics(text)?.width ?? text.length * 7;
}

// The label font's box around the baseline (the font's, not one text's, so every label gets the same room).
let fontBox = null;
function labelFontBox() {
  if (!fontBox) {
    const metrics = labelMetrics('Hg');
    const ascent = metrics?.fontBoundingBoxAscent, descent = metrics?.fontBoundingBoxDescent;
    fontBox = Number.isFinite(ascent) && Number.isFinite(descent) ? { ascent, descent } : { ascent: 11, descent: 3 };
  }
  return fontBox;
}

// Where a label of `width` drawn from its anchor along a baseline turned by `angle` (radians) reaches, as offsets
// from the anchor: the box from `ascent` above to `descent` below the baseline, rotated.
function rotatedExtent(width, angle, { ascent, descent }) {
  const cos = Math.cos(angle), sin = Math.sin(angle);
  const corners = [[0, -ascent], [width, -ascent], [0, descent], [width, descent]]
    .map(([along, across]) => [along * cos - across * sin, along * sin + across * cos]);
  const xs = corners.map(([x]) => x), ys = corners.map(([, y]) => y);
  return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
}

function truncateLabel(text, maxChars = 18) {
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

const MIN_CELL = 16;

// maxWidth: the room available; cells shrink (down to MIN_CELL) to fit it, beyond that the figure scrolls.
export function layoutMatrix(view, { maxWidth = Infinity } = {}) {
  const largest = Math.max(view.rowLabels.length, view.colLabels.length);
  let cell = largest > 40 ? 16 : largest > 24 ? 20 : largest > 16 ? 26 : largest > 10 ? 32 : 38;
  let layout = layoutWithCell(view, cell);
  while (layout.width > maxWidth && cell > MIN_CELL) {
    cell -= 2;
    layout = layoutWithCell(view, cell);
  }
  return layout;
}

// Column labels sit this far above the grid (their anchor: the baseline's start, or centre when horizontal).
const COL_LABEL_GAP = 8;
const MIN_COL_LABEL_HEIGHT = 28;  // room for the "source →" / "target ↓" captions in the corner

function layoutWithCell(view, cell) {
  const rows = view.rowLabels.length, cols = view.colLabels.length;
  const rowLabels = view.rowLabels.map((label) => truncateLabel(label));
  const colLabels = view.colLabels.map((label) => truncateLabel(label));
  const rowWidths = rowLabels.map(measureText), colWidths = colLabels.map(measureText);
  const rowLabelWidth = Math.ceil(Math.max(48, ...rowWidths)) + 14;
  // The final "</s>" column may overhang to the right, where nothing else is, without forcing rotation.
  const lastIsSpecial = SPECIAL.test(colLabels[cols - 1]);
  const rotate = colWidths.some((w, c) => w > cell - 3 && !(lastIsSpecial && c === cols - 1));
  const lastOverhangs = !rotate && colWidths[cols - 1] > cell - 3;
  const box = labelFontBox();
  // Neighbouring rotated labels have parallel baselines cell × sin(angle) apart: at this angle or steeper, their boxes
  // never overlap.
  const steepest = Math.asin(Math.min(1, (box.ascent + box.descent) / cell));
  const angle = rotate ? -Math.max((-LABEL_ANGLE * Math.PI) / 180, steepest) : 0;
  const padding = 12;

  // How far the column labels' real (rotated) boxes reach, measured from the grid's top-left corner: up above the
  // grid, left of it and right of it. Positions as drawn: a rotated label starts at its column's centre; a
  // horizontal one is centred there, except an overhanging "</s>", which starts at its column.
  let rise = 0, leftReach = 0, rightReach = cols * cell;
  colWidths.forEach((width, c) => {
    const centre = c * cell + (cell - 1) / 2;
    const anchorX = rotate ? centre : lastOverhangs && c === cols - 1 ? c * cell + 1 : centre - width / 2;
    const extent = rotatedExtent(width, angle, box);
    rise = Math.max(rise, -extent.top);
    leftReach = Math.max(leftReach, -(anchorX + extent.left));
    rightReach = Math.max(rightReach, anchorX + extent.right);
  });
  const colLabelHeight = Math.max(MIN_COL_LABEL_HEIGHT, Math.ceil(rise) + COL_LABEL_GAP + 4);
  // The row labels (and the corner captions) normally leave more room on the left than any column label needs.
  const left = padding + Math.max(rowLabelWidth, Math.ceil(leftReach));
  const top = padding + colLabelHeight;
  const gridWidth = cols * cell, gridHeight = rows * cell;
  const rightmost = left + rightReach + 4;
  const legend = { x: left, y: top + gridHeight + 18, width: Math.min(200, Math.max(100, gridWidth)), height: 10 };
  const width = Math.ceil(Math.max(rightmost, legend.x + legend.width) + padding);
  const height = Math.ceil(legend.y + legend.height + 42);
  return {
    rows, cols, cell, left, top, width, height, rotate, lastOverhangs, angle: round((angle * 180) / Math.PI),
    rowLabels, colLabels, legend, showValues: cell >= 26, attention: view.attention,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// SVG (string, so that 60×60 = 3600 cells render in one innerHTML assignment).

function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));
}

const round = (value) => Math.round(value * 100) / 100;

// standalone: adds the XML namespace, a background and font attributes so that the file looks right on its own.
export function matrixSvg(layout, palette, { standalone = false, title = '' } = {}) {
  const { rows, cols, cell, left, top, width, height, legend } = layout;
  const parts = [];
  const font = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';
  parts.push(standalone
    ? `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${font}" font-size="12">`
    : `<svg class="matrix-svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="12" aria-hidden="true">`);
  if (title) parts.push(`<title>${escapeXml(title)}</title>`);
  parts.push(`<defs><linearGradient id="am-scale" x1="0" x2="1" y1="0" y2="0">${palette.stops.map((stop, i) =>
    `<stop offset="${round(i / (palette.stops.length - 1))}" stop-color="${stop}"/>`).join('')}</linearGradient></defs>`);
  if (standalone) parts.push(`<rect width="${width}" height="${height}" fill="${palette.background}"/>`);

  parts.push(`<g class="corner" fill="${palette.muted}" font-size="11">`
    + `<text x="${left - 8}" y="${top - 22}" text-anchor="end">source →</text>`
    + `<text x="${left - 8}" y="${top - 8}" text-anchor="end">target ↓</text></g>`);

  parts.push(`<g class="cells">`);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const weight = layout.attention[r][c];
      parts.push(`<rect class="cell" data-r="${r}" data-c="${c}" x="${left + c * cell}" y="${top + r * cell}" width="${cell - 1}" height="${cell - 1}" fill="${colourFor(weight, palette)}"/>`);
    }
  }
  parts.push('</g>');

  if (layout.showValues) {
    parts.push('<g class="values" font-size="9.5" text-anchor="middle" pointer-events="none">');
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const weight = layout.attention[r][c];
        if (weight < 0.1) continue;
        const fill = needsLightText(weight, palette) ? '#ffffff' : '#10131a';
        parts.push(`<text x="${left + c * cell + (cell - 1) / 2}" y="${top + r * cell + (cell - 1) / 2 + 3.5}" fill="${fill}">${Math.round(weight * 100)}</text>`);
      }
    }
    parts.push('</g>');
  }

  parts.push(`<g class="row-labels" fill="${palette.text}" text-anchor="end">`);
  layout.rowLabels.forEach((label, r) => {
    parts.push(`<text class="row-label" data-r="${r}" x="${left - 8}" y="${top + r * cell + (cell - 1) / 2 + 4}">${escapeXml(label)}</text>`);
  });
  parts.push('</g>');

  parts.push(`<g class="col-labels" fill="${palette.text}">`);
  layout.colLabels.forEach((label, c) => {
    const x = round(left + c * cell + (cell - 1) / 2), y = top - COL_LABEL_GAP;
    if (layout.rotate) {
      parts.push(`<text class="col-label" data-c="${c}" x="${x}" y="${y}" transform="rotate(${layout.angle} ${x} ${y})">${escapeXml(label)}</text>`);
    } else if (layout.lastOverhangs && c === cols - 1) {
      parts.push(`<text class="col-label" data-c="${c}" x="${left + c * cell + 1}" y="${y}">${escapeXml(label)}</text>`);
    } else {
      parts.push(`<text class="col-label" data-c="${c}" x="${x}" y="${y}" text-anchor="middle">${escapeXml(label)}</text>`);
    }
  });
  parts.push('</g>');

  if (!standalone) {
    parts.push(`<rect class="hl hl-row" x="0" y="0" width="0" height="0" fill="none" stroke="${palette.highlight}" stroke-width="2" pointer-events="none"/>`);
    parts.push(`<rect class="hl hl-col" x="0" y="0" width="0" height="0" fill="none" stroke="${palette.highlight}" stroke-width="2" pointer-events="none"/>`);
    parts.push(`<rect class="hl hl-cell" x="0" y="0" width="0" height="0" fill="none" stroke="${palette.text}" stroke-width="2" pointer-events="none"/>`);
  }

  parts.push(`<g class="legend" fill="${palette.muted}" font-size="11">`
    + `<rect x="${legend.x}" y="${legend.y}" width="${legend.width}" height="${legend.height}" rx="2" fill="url(#am-scale)"/>`
    + [0, 0.5, 1].map((tick) => `<text x="${legend.x + tick * legend.width}" y="${legend.y + legend.height + 13}" text-anchor="${tick === 0 ? 'start' : tick === 1 ? 'end' : 'middle'}">${tick}</text>`).join('')
    + `<text x="${legend.x + legend.width / 2}" y="${legend.y + legend.height + 28}" text-anchor="middle">attention weight</text></g>`);
  parts.push('</svg>');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Canvas (PNG export): paints the same layout.

export function paintMatrix(context, layout, palette) {
  const { rows, cols, cell, left, top, width, height, legend } = layout;
  context.fillStyle = palette.background;
  context.fillRect(0, 0, width, height);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      context.fillStyle = colourFor(layout.attention[r][c], palette);
      context.fillRect(left + c * cell, top + r * cell, cell - 1, cell - 1);
    }
  }
  if (layout.showValues) {
    context.font = '9.5px system-ui, sans-serif';
    context.textAlign = 'center';
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const weight = layout.attention[r][c];
        if (weight < 0.1) continue;
        context.fillStyle = needsLightText(weight, palette) ? '#ffffff' : '#10131a';
        context.fillText(String(Math.round(weight * 100)), left + c * cell + (cell - 1) / 2, top + r * cell + (cell - 1) / 2 + 3.5);
      }
    }
  }
  context.font = LABEL_FONT;
  context.fillStyle = palette.text;
  context.textAlign = 'right';
  layout.rowLabels.forEach((label, r) => context.fillText(label, left - 8, top + r * cell + (cell - 1) / 2 + 4));
  layout.colLabels.forEach((label, c) => {
    const overhangs = layout.lastOverhangs && c === cols - 1;
    const x = overhangs ? left + c * cell + 1 : left + c * cell + (cell - 1) / 2, y = top - COL_LABEL_GAP;
    context.save();
    context.translate(x, y);
    if (layout.rotate) context.rotate((layout.angle * Math.PI) / 180);
    context.textAlign = layout.rotate || overhangs ? 'left' : 'center';
    context.fillText(label, 0, 0);
    context.restore();
  });
  context.fillStyle = palette.muted;
  context.font = '11px system-ui, sans-serif';
  context.textAlign = 'right';
  context.fillText('source →', left - 8, top - 22);
  context.fillText('target ↓', left - 8, top - 8);
  const gradient = context.createLinearGradient(legend.x, 0, legend.x + legend.width, 0);
  palette.stops.forEach((stop, i) => gradient.addColorStop(i / (palette.stops.length - 1), stop));
  context.fillStyle = gradient;
  context.fillRect(legend.x, legend.y, legend.width, legend.height);
  context.fillStyle = palette.muted;
  [0, 0.5, 1].forEach((tick) => {
    context.textAlign = tick === 0 ? 'left' : tick === 1 ? 'right' : 'center';
    context.fillText(String(tick), legend.x + tick * legend.width, legend.y + legend.height + 13);
  });
  context.textAlign = 'center';
  context.fillText('attention weight', legend.x + legend.width / 2, legend.y + legend.height + 28);
}

// ---------------------------------------------------------------------------------------------------------------
// The element.

const ELEMENT_CSS = `
:host { display: block; color: var(--am-text, #1f2430); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --am-accent: 37, 99, 235; --am-focus: #2563eb; --am-muted: #6b7280; --am-border: #e3e6ec; }
:host([hidden]) { display: none; }
@media (prefers-color-scheme: dark) {
  :host { color: var(--am-text, #e6e8ee); --am-accent: 79, 209, 197; --am-focus: #4fd1c5; --am-muted: #9aa3b2; --am-border: #2a2f3b; }
}
.strips { display: grid; gap: 6px; margin-bottom: 10px; }
.strip { display: grid; grid-template-columns: 8.5em minmax(0, 1fr); align-items: baseline; margin: 0; }
.strip-label { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--am-muted); }
.words { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 3px; }
.word { padding: 1px 5px; border-radius: 4px; cursor: default; background: rgba(var(--am-accent), calc(var(--w, 0) * 0.75));
  transition: background-color .08s; outline-offset: 1px; }
.word.attended { font-weight: 600; }
.word.active { outline: 2px solid var(--am-focus); }
.word.special { color: var(--am-muted); font-size: 12px; }
.figure { position: relative; overflow-x: auto; overflow-y: hidden; border-radius: 8px; }
.figure:focus-visible { outline: 3px solid var(--am-focus); outline-offset: 2px; }
.matrix-svg { display: block; }
.matrix-svg .cell { cursor: crosshair; }
.matrix-svg .row-label, .matrix-svg .col-label { cursor: default; }
.matrix-svg .row-label.active, .matrix-svg .col-label.active { font-weight: 700; fill: var(--am-focus); }
.matrix-svg .hl { visibility: hidden; }
.matrix-svg .hl.on { visibility: visible; }
.tooltip { position: absolute; left: 0; top: 0; pointer-events: none; padding: 4px 8px; border-radius: 6px; font-size: 12px;
  white-space: nowrap; background: #1f2430; color: #fff; box-shadow: 0 2px 8px rgba(0,0,0,.25); opacity: 0; transition: opacity .08s; }
.tooltip.on { opacity: 1; }
@media (prefers-color-scheme: dark) { .tooltip { background: #e6e8ee; color: #12151d; } }
@media (max-width: 480px) { .strip { grid-template-columns: minmax(0, 1fr); } }
.error { color: #b42318; padding: 8px 10px; border: 1px solid currentColor; border-radius: 6px; }
@media (prefers-color-scheme: dark) { .error { color: #f97066; } }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

let elementSheet = null;
function elementStyleSheet() {
  if (!elementSheet) {
    elementSheet = new CSSStyleSheet();
    elementSheet.replaceSync(ELEMENT_CSS);
  }
  return elementSheet;
}

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
export function currentPalette() {
  return darkQuery && darkQuery.matches ? PALETTES.dark : PALETTES.light;
}

// Events: "matrixhover" with detail { row, col } (null when nothing is active), in displayed units.
export class AlignmentMatrixElement extends HTMLElement {
  static get observedAttributes() { return ['src', 'merge']; }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.shadowRoot.adoptedStyleSheets = [elementStyleSheet()];
    this._data = null;
    this._view = null;
    this._layout = null;
    this._active = { row: null, col: null };
    this._onSchemeChange = () => this._render();
  }

  connectedCallback() {
    darkQuery?.addEventListener('change', this._onSchemeChange);
    this._resizeObserver ??= new ResizeObserver(() => this._onResize());
    this._resizeObserver.observe(this);
    // A property set before the element was upgraded hides the accessor: re-apply it through the accessor.
    for (const property of ['data', 'merge']) {
      if (Object.prototype.hasOwnProperty.call(this, property)) {
        const value = this[property];
        delete this[property];
        this[property] = value;
      }
    }
    if (this._data) {
      if (this._view?.merged !== this.merge) this._render();
      return;
    }
    if (this.hasAttribute('src')) this._loadSrc();
    else this._loadInlineJson();
  }

  disconnectedCallback() {
    darkQuery?.removeEventListener('change', this._onSchemeChange);
    this._resizeObserver?.disconnect();
  }

  // Redraw only when the available width would change the cell size (not on every pixel of a resize).
  _onResize() {
    if (!this._data || !this._view) return;
    const fitted = layoutMatrix(this._view, { maxWidth: this.clientWidth || Infinity });
    if (fitted.cell !== this._layout.cell) this._render();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this.isConnected) return;
    if (name === 'src') this._loadSrc();
    else this._render();
  }

  // The data as given (all pieces, never merged), in the export format.
  get data() {
    if (!this._data) return null;
    const { sourceTokens, targetTokens, attention, source, translation, model } = this._data;
    return { source_tokens: [...sourceTokens], target_tokens: [...targetTokens], attention: attention.map((row) => row.slice()), source, translation, model };
  }
  set data(value) {
    try {
      this._data = normalizeMatrixData(value);
      this._render();
    } catch (error) {
      this._data = null;
      this._showError(error.message);
    }
  }

  get merge() { return this.hasAttribute('merge'); }
  set merge(value) { this.toggleAttribute('merge', Boolean(value)); }

  // The matrix as currently displayed (pieces or merged words), in the export format.
  get currentMatrix() {
    if (!this._data || !this._view) return null;
    return {
      source_tokens: this._view.colTokens, target_tokens: this._view.rowTokens,
      attention: this._view.attention.map((row) => row.slice()),
      source: this._data.source, translation: this._data.translation, model: this._data.model,
    };
  }

  // Current layout, for exports that need the same picture.
  get layout() { return this._layout; }

  async _loadSrc() {
    const url = this.getAttribute('src');
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
      this.data = await response.json();
    } catch (error) {
      this._showError(error.message);
    }
  }

  _loadInlineJson() {
    const script = this.querySelector('script[type="application/json"]');
    if (!script) return;
    try {
      this.data = JSON.parse(script.textContent);
    } catch (error) {
      this._showError(`inline alignment JSON: ${error.message}`);
    }
  }

  _showError(message) {
    this.shadowRoot.replaceChildren();
    const box = document.createElement('p');
    box.className = 'error';
    box.setAttribute('role', 'alert');
    box.textContent = message;
    this.shadowRoot.append(box);
  }

  _render() {
    if (!this._data) return;
    const view = buildView(this._data, this.merge);
    const layout = layoutMatrix(view, { maxWidth: this.clientWidth || Infinity });
    this._view = view;
    this._layout = layout;
    this._active = { row: null, col: null };
    this._activeKey = null;
    const root = this.shadowRoot;
    root.replaceChildren();

    const strips = document.createElement('div');
    strips.className = 'strips';
    this._sourceStrip = this._buildStrip('Source', view.sourceWords, 'source');
    this._targetStrip = this._buildStrip('Translation', view.targetWords, 'target');
    strips.append(this._sourceStrip, this._targetStrip);

    const figure = document.createElement('div');
    figure.className = 'figure';
    figure.tabIndex = 0;
    figure.setAttribute('role', 'img');
    const unit = view.merged ? 'words' : 'tokens';
    figure.setAttribute('aria-label', `Alignment matrix: ${layout.rows} target ${unit} (rows) by ${layout.cols} source ${unit} (columns). `
      + 'Use the arrow keys to read the attention weight of each cell.');
    figure.innerHTML = matrixSvg(layout, currentPalette());
    const tooltip = document.createElement('div');
    tooltip.className = 'tooltip';
    tooltip.setAttribute('aria-hidden', 'true');
    figure.append(tooltip);

    const live = document.createElement('p');
    live.className = 'visually-hidden';
    live.setAttribute('aria-live', 'polite');
    const summary = document.createElement('p');
    summary.className = 'visually-hidden summary';
    summary.textContent = this._summaryText(view);

    root.append(strips, figure, live, summary);
    this._figure = figure;
    this._svg = figure.querySelector('svg');
    this._tooltip = tooltip;
    this._live = live;
    this._nodes = {
      rowBand: this._svg.querySelector('.hl-row'), colBand: this._svg.querySelector('.hl-col'), cellBox: this._svg.querySelector('.hl-cell'),
      rowLabels: [...this._svg.querySelectorAll('.row-label')], colLabels: [...this._svg.querySelectorAll('.col-label')],
      sourceWords: [...this._sourceStrip.querySelectorAll('.word')], targetWords: [...this._targetStrip.querySelectorAll('.word')],
    };
    this._wireEvents();
  }

  _buildStrip(label, words, side) {
    const strip = document.createElement('p');
    strip.className = `strip ${side}`;
    const caption = document.createElement('span');
    caption.className = 'strip-label';
    caption.textContent = label;
    const wordList = document.createElement('span');
    wordList.className = 'words';
    strip.append(caption, wordList);
    words.forEach((word, index) => {
      const span = document.createElement('span');
      span.className = SPECIAL.test(word.label) ? 'word special' : 'word';
      span.dataset.word = String(index);
      span.textContent = word.label;
      wordList.append(span);
    });
    return strip;
  }

  _summaryText(view) {
    const strongest = view.rowLabels.map((label, r) => {
      const row = view.attention[r];
      let best = 0;
      row.forEach((value, c) => { if (value > row[best]) best = c; });
      return `${label} ← ${view.colLabels[best]} (${row[best].toFixed(2)})`;
    });
    return `Strongest alignment of each target ${view.merged ? 'word' : 'token'}: ${strongest.join('; ')}.`;
  }

  _wireEvents() {
    const svg = this._svg;
    svg.addEventListener('pointermove', (event) => {
      const target = event.target;
      if (target.classList.contains('cell')) this.highlight({ row: Number(target.dataset.r), col: Number(target.dataset.c) });
      else if (target.classList.contains('row-label')) this.highlight({ row: Number(target.dataset.r), col: null });
      else if (target.classList.contains('col-label')) this.highlight({ row: null, col: Number(target.dataset.c) });
    });
    svg.addEventListener('pointerleave', () => this.highlight({ row: null, col: null }));
    const stripHandler = (side) => (event) => {
      const word = event.target.closest?.('.word');
      if (!word) return;
      const index = Number(word.dataset.word);
      const indices = (side === 'source' ? this._view.colWord : this._view.rowWord)
        .map((w, i) => (w === index ? i : -1)).filter((i) => i >= 0);
      const range = { from: indices[0], to: indices[indices.length - 1] };
      this.highlight(side === 'source' ? { row: null, col: range } : { row: range, col: null });
    };
    this._sourceStrip.addEventListener('pointerover', stripHandler('source'));
    this._targetStrip.addEventListener('pointerover', stripHandler('target'));
    for (const strip of [this._sourceStrip, this._targetStrip]) strip.addEventListener('pointerleave', () => this.highlight({ row: null, col: null }));
    this._figure.addEventListener('keydown', (event) => this._onKey(event));
    this._figure.addEventListener('blur', () => this.highlight({ row: null, col: null }));
  }

  _onKey(event) {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Home: [0, -Infinity], End: [0, Infinity] };
    if (event.key === 'Escape') { this.highlight({ row: null, col: null }); return; }
    if (!(event.key in moves)) return;
    event.preventDefault();
    const [dr, dc] = moves[event.key];
    const row = typeof this._active.row === 'number' ? this._active.row : 0;
    const col = typeof this._active.col === 'number' ? this._active.col : 0;
    const started = typeof this._active.row === 'number' && typeof this._active.col === 'number';
    const clamp = (value, max) => Math.min(max - 1, Math.max(0, value));
    this.highlight(started ? { row: clamp(row + dr, this._layout.rows), col: clamp(col + dc, this._layout.cols) } : { row: 0, col: 0 });
  }

  // row/col: a displayed index, a { from, to } range (a whole word in piece view), or null.
  // Writes only (no layout reads), and only to what changed, so that hovering a 60×60 matrix stays cheap.
  highlight({ row, col }) {
    if (!this._svg) return;
    const layout = this._layout, view = this._view, nodes = this._nodes;
    const range = (value) => (value === null || value === undefined ? null : typeof value === 'number' ? { from: value, to: value } : value);
    const key = JSON.stringify([row, col]);
    if (key === this._activeKey) return;  // pointermove repeats the same cell
    this._activeKey = key;
    const rows = range(row), cols = range(col);
    this._active = { row, col };
    const { left, top, cell } = layout;
    const single = typeof row === 'number' && typeof col === 'number';
    placeRect(nodes.rowBand, rows && [left - 1, top + rows.from * cell - 1, layout.cols * cell + 1, (rows.to - rows.from + 1) * cell + 1]);
    placeRect(nodes.colBand, cols && [left + cols.from * cell - 1, top - 1, (cols.to - cols.from + 1) * cell + 1, layout.rows * cell + 1]);
    placeRect(nodes.cellBox, single && [left + col * cell - 1, top + row * cell - 1, cell + 1, cell + 1]);
    nodes.rowLabels.forEach((label, r) => setClass(label, 'active', Boolean(rows) && r >= rows.from && r <= rows.to));
    nodes.colLabels.forEach((label, c) => setClass(label, 'active', Boolean(cols) && c >= cols.from && c <= cols.to));

    // Linked text: a highlighted row lights up the source words by how much that row attends to them; a highlighted
    // column lights up the target words by how much they attend to it.
    const sourceWeights = new Array(view.sourceWords.length).fill(0);
    const targetWeights = new Array(view.targetWords.length).fill(0);
    if (rows) {
      for (let r = rows.from; r <= rows.to; r++) {
        view.attention[r].forEach((value, c) => { sourceWeights[view.colWord[c]] += value / (rows.to - rows.from + 1); });
      }
    }
    if (cols && !rows) {
      const rowsPerWord = new Array(view.targetWords.length).fill(0);
      view.rowWord.forEach((w) => { rowsPerWord[w] += 1; });
      view.attention.forEach((values, r) => {
        for (let c = cols.from; c <= cols.to; c++) targetWeights[view.rowWord[r]] += values[c] / rowsPerWord[view.rowWord[r]];
      });
    }
    const activeSource = cols ? new Set(view.colWord.slice(cols.from, cols.to + 1)) : new Set();
    const activeTarget = rows ? new Set(view.rowWord.slice(rows.from, rows.to + 1)) : new Set();
    paintWords(nodes.sourceWords, sourceWeights, activeSource);
    paintWords(nodes.targetWords, targetWeights, activeTarget);

    this._updateTooltip(single ? { row, col } : null);
    this.dispatchEvent(new CustomEvent('matrixhover', { detail: { row: rows, col: cols }, bubbles: true, composed: true }));
  }

  // Beside the cell (left of it in the right half), from the layout alone: no layout reads.
  _updateTooltip(cellPosition) {
    const tooltip = this._tooltip;
    setClass(tooltip, 'on', Boolean(cellPosition));
    if (!cellPosition) return;
    const { row, col } = cellPosition;
    const view = this._view, layout = this._layout;
    const weight = view.attention[row][col];
    tooltip.textContent = `${view.rowLabels[row]} ← ${view.colLabels[col]}: ${weight.toFixed(3)}`;
    this._live.textContent = `Target ${view.rowLabels[row]}, source ${view.colLabels[col]}: attention ${weight.toFixed(3)}`;
    const rightHalf = col >= layout.cols / 2;
    const x = layout.left + (rightHalf ? col * layout.cell - 6 : (col + 1) * layout.cell + 6);
    const y = layout.top + row * layout.cell + layout.cell / 2;
    // CSSOM, not a style attribute: allowed under style-src 'self'.
    tooltip.style.transform = `translate(${rightHalf ? `calc(${x}px - 100%)` : `${x}px`}, calc(${y}px - 50%))`;
  }
}

function setClass(node, name, on) {
  if (node.classList.contains(name) !== on) node.classList.toggle(name, on);
}

// geometry: [x, y, width, height], or a falsy value to hide the rectangle.
function placeRect(rect, geometry) {
  setClass(rect, 'on', Boolean(geometry));
  if (!geometry) return;
  ['x', 'y', 'width', 'height'].forEach((name, i) => rect.setAttribute(name, geometry[i]));
}

function paintWords(spans, weights, active) {
  spans.forEach((span, index) => {
    const weight = Math.min(1, weights[index]).toFixed(3);
    if (span.style.getPropertyValue('--w') !== weight) span.style.setProperty('--w', weight);  // CSSOM, allowed by CSP
    setClass(span, 'attended', Number(weight) >= 0.15);
    setClass(span, 'active', active.has(index));
  });
}

if (typeof customElements !== 'undefined' && !customElements.get('alignment-matrix')) {
  customElements.define('alignment-matrix', AlignmentMatrixElement);
}
