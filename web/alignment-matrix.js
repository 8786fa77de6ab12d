// <alignment-matrix>: draws an attention (alignment) matrix — source tokens as columns, target tokens as rows —
// from the JSON export format (see matrix-drawing.js), without loading any model. Importing this file registers the
// element; the drawing itself lives in matrix-drawing.js.
//
// Attributes: src (URL of the JSON), merge ("" or "words": whole words; "pieces": sub-word pieces; absent: words
// only for long sub-word sentences), theme ("light", "dark" or "auto", the default: the OS setting).
// Parts (::part): strips, source, translation, figure, tooltip, note, scroll-hint, error.
// CSS custom properties: see themedPalette in matrix-drawing.js for the cells, and ELEMENT_CSS below for the rest.
//
// Everything is styled through a constructable stylesheet and SVG presentation attributes, never inline style
// attributes or style elements, so the element works under `style-src 'self'`.
import {
  PALETTES, buildView, isSpecialToken, layoutMatrix, matrixSvg, mergeByDefault, normalizeMatrixData, themedPalette,
  usesPieceMarker,
} from './matrix-drawing.js';

const ELEMENT_CSS = `
:host { display: block; min-width: 0; max-width: 100%; color: var(--am-text); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  --am-text: #1f2430; --am-accent: 37, 99, 235; --am-focus: #2563eb; --am-muted: #5f6b7a; --am-border: #e3e6ec;
  --am-tooltip-bg: #1f2430; --am-tooltip-text: #ffffff; --am-error: #b42318; --am-fade: #ffffff; }
:host([theme="dark"]) { --am-text: #e6e8ee; --am-accent: 79, 209, 197; --am-focus: #4fd1c5; --am-muted: #9aa3b2;
  --am-border: #2a2f3b; --am-tooltip-bg: #e6e8ee; --am-tooltip-text: #12151d; --am-error: #f97066; --am-fade: #12151d; }
@media (prefers-color-scheme: dark) {
  :host(:not([theme="light"])) { --am-text: #e6e8ee; --am-accent: 79, 209, 197; --am-focus: #4fd1c5; --am-muted: #9aa3b2;
    --am-border: #2a2f3b; --am-tooltip-bg: #e6e8ee; --am-tooltip-text: #12151d; --am-error: #f97066; --am-fade: #12151d; }
}
:host([hidden]) { display: none; }
.strips { display: grid; gap: 6px; margin-bottom: 10px; }
.strip { display: grid; grid-template-columns: 8.5em minmax(0, 1fr); align-items: baseline; margin: 0; }
.strip-label { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--am-muted); }
.words { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 3px; min-width: 0; }
.word { padding: 1px 5px; border-radius: 4px; cursor: default; background: rgba(var(--am-accent), calc(var(--w, 0) * 0.75));
  transition: background-color .08s; outline-offset: 1px; overflow-wrap: anywhere; }
.word.attended { font-weight: 600; }
.word.active { outline: 2px solid var(--am-focus); }
.word.special { color: var(--am-muted); font-size: 12px; }
.frame { position: relative; }
.figure { position: relative; overflow-x: auto; overflow-y: hidden; border-radius: 8px; }
.figure:focus-visible { outline: 3px solid var(--am-focus); outline-offset: 2px; }
/* A wide matrix fades out at the right edge and says that it scrolls. */
.frame.scrolls::after { content: ""; position: absolute; top: 0; right: 0; bottom: 0; width: 28px; pointer-events: none;
  background: linear-gradient(to right, transparent, var(--am-fade)); }
.frame.scrolls.at-end::after { display: none; }
.scroll-hint { margin: 6px 0 0; font-size: 13px; font-weight: 600; color: var(--am-focus); }
.note { margin: 6px 0 0; font-size: 12px; color: var(--am-muted); }
.matrix-svg { display: block; }
.matrix-svg .cell { cursor: crosshair; }
.matrix-svg .row-label, .matrix-svg .col-label { cursor: default; }
.matrix-svg .row-label.active, .matrix-svg .col-label.active { font-weight: 700; fill: var(--am-focus); }
.matrix-svg .hl { visibility: hidden; }
.matrix-svg .hl.on { visibility: visible; }
.tooltip { position: absolute; left: 0; top: 0; pointer-events: none; padding: 4px 8px; border-radius: 6px; font-size: 12px;
  white-space: nowrap; background: var(--am-tooltip-bg); color: var(--am-tooltip-text); box-shadow: 0 2px 8px rgba(0,0,0,.25);
  opacity: 0; transition: opacity .08s; }
.tooltip.on { opacity: 1; }
@media (max-width: 480px) { .strip { grid-template-columns: minmax(0, 1fr); } }
.error { color: var(--am-error); padding: 8px 10px; border: 1px solid currentColor; border-radius: 6px; overflow-wrap: anywhere; }
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

// The palette for a theme attribute value: "light", "dark", or anything else for the OS setting.
function basePalette(theme) {
  if (theme === 'light' || theme === 'dark') return PALETTES[theme];
  return darkQuery?.matches ? PALETTES.dark : PALETTES.light;
}

// The merge attribute: absent (or "auto") → decided by the data; "pieces" → pieces; anything else → words.
function mergeChoice(attribute) {
  if (attribute === null || attribute === 'auto') return 'auto';
  return attribute === 'pieces' ? 'pieces' : 'words';
}

// Events: "matrixhover" with detail { row, col } (null when nothing is active), in displayed units.
export class AlignmentMatrixElement extends HTMLElement {
  static get observedAttributes() { return ['src', 'merge', 'theme']; }

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
      else this._updateScrollCue();
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
    else this._updateScrollCue();
  }

  // The fade and the "scroll sideways" line, when the picture is wider than its room; the fade goes at the end.
  _updateScrollCue() {
    if (!this._figure) return;
    const hidden = this._figure.scrollWidth - this._figure.clientWidth;
    const scrolls = hidden > 1;
    this._figure.parentElement.classList.toggle('scrolls', scrolls);
    this._figure.parentElement.classList.toggle('at-end', scrolls && this._figure.scrollLeft >= hidden - 1);
    this._scrollHint.hidden = !scrolls;
    if (scrolls) {
      const shown = Math.max(1, Math.floor((this._figure.clientWidth - this._layout.left) / this._layout.cell));
      this._scrollHint.textContent = `Scroll sideways → to see all ${this._layout.cols} columns (${Math.min(shown, this._layout.cols)} fit here).`;
    }
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

  // Whether whole words are shown: true/false choose, null (or 'auto') lets the data decide (mergeByDefault).
  get merge() {
    const choice = mergeChoice(this.getAttribute('merge'));
    if (choice === 'auto') return this._data ? mergeByDefault(this._data) : false;
    return choice === 'words';
  }
  set merge(value) {
    if (value === null || value === undefined || value === 'auto') this.removeAttribute('merge');
    else this.setAttribute('merge', value ? '' : 'pieces');
  }

  get theme() { return this.getAttribute('theme') ?? 'auto'; }
  set theme(value) { this.setAttribute('theme', String(value)); }

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
    this._figure = null;
    const box = document.createElement('p');
    box.className = 'error';
    box.setAttribute('part', 'error');
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

    const strips = document.createElement('div');
    strips.className = 'strips';
    strips.setAttribute('part', 'strips');
    this._sourceStrip = this._buildStrip('Source', view.sourceWords, 'source');
    this._targetStrip = this._buildStrip('Translation', view.targetWords, 'target');
    strips.append(this._sourceStrip, this._targetStrip);

    const frame = document.createElement('div');
    frame.className = 'frame';
    frame.append(this._buildFigure(view, layout));
    this._scrollHint = this._paragraph('scroll-hint', '');
    this._scrollHint.hidden = true;
    const note = this._paragraph('note', '· marks a piece that continues the word before it: the model reads and writes '
      + 'words in pieces. Cells show the share of each row\'s attention, in %.');
    note.hidden = !usesPieceMarker(view);

    const live = document.createElement('p');
    live.className = 'visually-hidden';
    live.setAttribute('aria-live', 'polite');
    const summary = document.createElement('p');
    summary.className = 'visually-hidden summary';
    summary.textContent = this._summaryText(view);

    this.shadowRoot.replaceChildren(strips, frame, this._scrollHint, note, live, summary);
    this._live = live;
    this._nodes = {
      rowBand: this._svg.querySelector('.hl-row'), colBand: this._svg.querySelector('.hl-col'), cellBox: this._svg.querySelector('.hl-cell'),
      rowLabels: [...this._svg.querySelectorAll('.row-label')], colLabels: [...this._svg.querySelectorAll('.col-label')],
      sourceWords: [...this._sourceStrip.querySelectorAll('.word')], targetWords: [...this._targetStrip.querySelectorAll('.word')],
    };
    this._wireEvents();
    // After the browser's own layout: measuring now would force one while 3,600 cells are still being set up.
    requestAnimationFrame(() => this._updateScrollCue());
  }

  // The focusable picture: the SVG (built as a string of numbers and escaped labels), its tooltip.
  _buildFigure(view, layout) {
    const figure = document.createElement('div');
    figure.className = 'figure';
    figure.setAttribute('part', 'figure');
    figure.tabIndex = 0;
    figure.setAttribute('role', 'img');
    const unit = view.merged ? 'words' : 'tokens';
    figure.setAttribute('aria-label', `Alignment matrix: ${layout.rows} target ${unit} (rows) by ${layout.cols} source ${unit} (columns). `
      + 'Use the arrow keys to read the attention weight of each cell.');
    figure.innerHTML = matrixSvg(layout, this._palette());
    const tooltip = document.createElement('div');
    tooltip.className = 'tooltip';
    tooltip.setAttribute('part', 'tooltip');
    tooltip.setAttribute('aria-hidden', 'true');
    figure.append(tooltip);
    figure.addEventListener('scroll', () => this._updateScrollCue(), { passive: true });
    this._figure = figure;
    this._svg = figure.querySelector('svg');
    this._tooltip = tooltip;
    return figure;
  }

  _paragraph(className, text) {
    const paragraph = document.createElement('p');
    paragraph.className = className;
    paragraph.setAttribute('part', className);
    paragraph.textContent = text;
    return paragraph;
  }

  // The theme's palette with the page's CSS custom properties applied (read once per drawing).
  _palette() {
    const style = getComputedStyle(this);
    return themedPalette(basePalette(this.getAttribute('theme')), (name) => style.getPropertyValue(name));
  }

  _buildStrip(label, words, side) {
    const strip = document.createElement('p');
    strip.className = `strip ${side}`;
    strip.setAttribute('part', side === 'source' ? 'source' : 'translation');
    const caption = document.createElement('span');
    caption.className = 'strip-label';
    caption.textContent = label;
    const wordList = document.createElement('span');
    wordList.className = 'words';
    strip.append(caption, wordList);
    words.forEach((word, index) => {
      const span = document.createElement('span');
      span.className = isSpecialToken(word.label) ? 'word special' : 'word';
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

  // Above the cell, so it never covers it (the column labels leave room above the first row); it starts at the
  // cell's left edge in the left half and ends at its right edge in the right half. From the layout alone: no
  // layout reads.
  _updateTooltip(cellPosition) {
    const tooltip = this._tooltip;
    setClass(tooltip, 'on', Boolean(cellPosition));
    if (!cellPosition) return;
    const { row, col } = cellPosition;
    const view = this._view, layout = this._layout;
    const weight = view.attention[row][col];
    const percent = `${Math.round(weight * 100)}%`;
    tooltip.textContent = `${view.rowLabels[row]} ← ${view.colLabels[col]}: ${percent} (${weight.toFixed(3)})`;
    this._live.textContent = `Target ${view.rowLabels[row]}, source ${view.colLabels[col]}: attention ${weight.toFixed(3)}`;
    const rightHalf = col >= layout.cols / 2;
    const x = layout.left + (rightHalf ? (col + 1) * layout.cell - 1 : col * layout.cell);
    const y = layout.top + row * layout.cell - 4;
    // CSSOM, not a style attribute: allowed under style-src 'self'.
    tooltip.style.transform = `translate(${rightHalf ? `calc(${x}px - 100%)` : `${x}px`}, calc(${y}px - 100%))`;
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
