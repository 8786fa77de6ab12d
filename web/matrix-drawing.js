// The drawing of an attention (alignment) matrix — source tokens as columns, target tokens as rows — shared by
// <alignment-matrix> (alignment-matrix.js) and the exports (exports.js): data validation, word merging, colour
// scale, one layout turned into an SVG string (on screen and for SVG export) or painted on a canvas (PNG export),
// so all three look alike. Pure functions: importing this module registers no element and needs no DOM.
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
// Pages restyle them through CSS custom properties (see themedPalette and the embed page).
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

export const isSpecialToken = (token) => SPECIAL.test(token);

// Character-level tokens (the date model) are recognised by every ordinary piece being a single character.
export function isCharacterLevel(tokens) {
  return tokens.every((token) => SPECIAL.test(token) || BYTE_PIECE.test(token) || [...token.replace(WORD_START, '')].length <= 1);
}

function displayPieces(tokens) {
  const characterLevel = isCharacterLevel(tokens);
  return tokens.map((token) => displayPiece(token, characterLevel));
}

// Beyond this many pieces on either side, pieces are hard to read at a size that fits: whole words are shown.
export const MERGE_ABOVE_PIECES = 20;

// Whether a matrix reads better as words when nobody chose: long sentences of sub-word pieces. Character-level
// models (dates) stay as characters, since merged they would collapse into one or two cells.
export function mergeByDefault(data) {
  const sourceTokens = data.sourceTokens ?? data.source_tokens, targetTokens = data.targetTokens ?? data.target_tokens;
  if (isCharacterLevel(sourceTokens) || isCharacterLevel(targetTokens)) return false;
  return Math.max(sourceTokens.length, targetTokens.length) > MERGE_ABOVE_PIECES;
}

// Whether a displayed axis uses the continuation marker "·" (then the figure explains it).
export const usesPieceMarker = (view) => !view.merged && [...view.rowLabels, ...view.colLabels].some((label) => label.startsWith('·'));

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

// Whether text drawn on this cell's colour should be light: from its luminance, so that any palette works.
function needsLightText(weight, palette) {
  const [r, g, b] = hexToRgb(colourFor(weight, palette));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 140;
}

const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

// The base palette with what the page's CSS custom properties set (read by the element; any unset or non-#rrggbb
// value keeps the default): --am-cell-low / --am-cell-mid / --am-cell-high (the scale from weight 0 through 0.5
// to 1), --am-label (label text), --am-muted (captions), --am-highlight (hovered row and column).
export function themedPalette(base, read) {
  const value = (name) => {
    const text = String(read(name) ?? '').trim();
    return HEX_COLOUR.test(text) ? text.toLowerCase() : null;
  };
  const low = value('--am-cell-low'), mid = value('--am-cell-mid'), high = value('--am-cell-high');
  const stops = low && high ? (mid ? [low, mid, high] : [low, high]) : base.stops;
  const palette = {
    ...base, stops, text: value('--am-label') ?? base.text, muted: value('--am-muted') ?? base.muted,
    highlight: value('--am-highlight') ?? base.highlight,
  };
  const changed = Object.keys(palette).some((key) => palette[key] !== base[key]);
  return changed ? palette : base;
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
  const legend = { x: left, y: top + gridHeight + 18, width: Math.min(200, Math.max(130, gridWidth)), height: 10 };
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

// The cells show weights as percentages (weight × 100, rounded), so the scale is in the same unit.
const LEGEND_CAPTION = 'attention, % of the row';

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
    + [0, 0.5, 1].map((tick) => `<text x="${legend.x + tick * legend.width}" y="${legend.y + legend.height + 13}" text-anchor="${tick === 0 ? 'start' : tick === 1 ? 'end' : 'middle'}">${tick * 100}</text>`).join('')
    + `<text x="${legend.x + legend.width / 2}" y="${legend.y + legend.height + 28}" text-anchor="middle">${LEGEND_CAPTION}</text></g>`);
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
    context.fillText(String(tick * 100), legend.x + tick * legend.width, legend.y + legend.height + 13);
  });
  context.textAlign = 'center';
  context.fillText(LEGEND_CAPTION, legend.x + legend.width / 2, legend.y + legend.height + 28);
}
