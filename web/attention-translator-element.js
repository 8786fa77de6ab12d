// <attention-translator model="models/fr-en.safetensors" text="Le chat dort sur le canapé rouge." beam="4"
//                       [merge | merge="pieces"] [theme="light|dark|auto"]>
// A self-contained translator for documentation pages: an input, the translation with how sure it is, and one
// alignment matrix per sentence. The engine (./attention-translator.js, next to this file) is imported only when the
// element first becomes visible, and runs in a Web Worker. Styles live in a constructable stylesheet (no inline
// styles), so the element works under a strict Content-Security-Policy. Importing this file registers the element.
// Parts (::part): box, label, input, progress, status, error, translation, confidence, problems, matrices, and the
// matrices' own parts as matrix-figure, matrix-source, matrix-translation, matrix-tooltip, matrix-note.
// Events: "translated" (detail: the engine's result), "loaderror" (detail: { summary, detail }).
import './alignment-matrix.js';
import { LEVELS, assess } from './confidence.js';
import { toMatrixData } from './exports.js';
import { explainLoadError } from './load-errors.js';

const ENGINE_URL = new URL('./attention-translator.js', import.meta.url);
const DEFAULT_MODEL_URL = new URL('./models/fr-en.safetensors', import.meta.url);
const TYPING_DELAY_MS = 200;
const LEVEL_ORDER = ['sure', 'check', 'doubtful'];

// Colours are custom properties, so a site restyles the element from its own stylesheet (documented on
// embed-example.html); theme="dark"/"light" overrides the OS setting for sites with their own dark-mode switch.
const ELEMENT_CSS = `
:host { display: block; min-width: 0; max-width: 100%; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--at-text);
  --at-text: #1f2430; --at-bg: #ffffff; --at-border: #e3e6ec; --at-muted: #5f6b7a; --at-accent: #2563eb; --at-field: #f5f6f8;
  --at-error: #b42318; --at-check: #9a5b00; --at-sure: #067647; }
:host([theme="dark"]) { --at-text: #e6e8ee; --at-bg: #12151d; --at-border: #262b37; --at-muted: #9aa3b2; --at-accent: #4fd1c5;
  --at-field: #0d1017; --at-error: #f97066; --at-check: #fdb022; --at-sure: #47cd89; }
@media (prefers-color-scheme: dark) {
  :host(:not([theme="light"])) { --at-text: #e6e8ee; --at-bg: #12151d; --at-border: #262b37; --at-muted: #9aa3b2;
    --at-accent: #4fd1c5; --at-field: #0d1017; --at-error: #f97066; --at-check: #fdb022; --at-sure: #47cd89; }
}
:host([hidden]) { display: none; }
.box { background: var(--at-bg); border: 1px solid var(--at-border); border-radius: 12px; padding: 16px; display: grid;
  grid-template-columns: minmax(0, 1fr); gap: 10px; }
@media (max-width: 480px) { .box { padding: 10px; } }
.confidence { justify-self: start; padding: 1px 9px; border-radius: 999px; font-size: 13px; font-weight: 600; border: 1px solid currentColor; }
.confidence.sure { color: var(--at-sure); }
.confidence.check { color: var(--at-check); }
.confidence.doubtful { color: var(--at-error); }
.problems { margin: 0; padding-left: 20px; color: var(--at-error); font-size: 14px; }
.problems:empty { display: none; }
label { font-size: 13px; font-weight: 600; color: var(--at-muted); }
input { font: inherit; font-size: 17px; color: inherit; background: var(--at-field); border: 1px solid var(--at-border);
  border-radius: 8px; padding: 8px 10px; width: 100%; box-sizing: border-box; }
input:focus-visible { outline: 3px solid var(--at-accent); outline-offset: 1px; }
.translation { margin: 0; font-size: 19px; font-weight: 600; min-height: 1.5em; overflow-wrap: anywhere; }
.status { margin: 0; font-size: 13px; color: var(--at-muted); min-height: 1.3em; }
progress { width: 100%; height: 6px; accent-color: var(--at-accent); }
.error { margin: 0; color: var(--at-error); font-size: 14px; overflow-wrap: anywhere; }
.matrices { display: grid; grid-template-columns: minmax(0, 1fr); gap: 16px; min-width: 0; }
[hidden] { display: none !important; }
`;

let sheet = null;
function styleSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(ELEMENT_CSS);
  }
  return sheet;
}

let inputCounter = 0;

export class AttentionTranslatorElement extends HTMLElement {
  static get observedAttributes() { return ['model', 'text', 'beam', 'merge', 'theme']; }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styleSheet()];
    const inputId = `at-input-${++inputCounter}`;
    const box = document.createElement('div');
    box.className = 'box';
    box.setAttribute('part', 'box');
    // Fixed markup (the id is a counter); every text from data goes in through textContent.
    box.innerHTML = `
      <label for="${inputId}" part="label">Source text</label>
      <input id="${inputId}" type="text" spellcheck="false" autocomplete="off" part="input">
      <progress max="1" value="0" hidden part="progress"></progress>
      <p class="status" role="status" part="status"></p>
      <p class="error" role="alert" hidden part="error"></p>
      <p class="translation" aria-live="polite" part="translation"></p>
      <span class="confidence" hidden part="confidence"></span>
      <ul class="problems" part="problems"></ul>
      <div class="matrices" part="matrices"></div>`;
    root.append(box);
    this._input = box.querySelector('input');
    this._label = box.querySelector('label');
    this._progress = box.querySelector('progress');
    this._status = box.querySelector('.status');
    this._error = box.querySelector('.error');
    this._translation = box.querySelector('.translation');
    this._matrices = box.querySelector('.matrices');
    this._confidence = box.querySelector('.confidence');
    this._problems = box.querySelector('.problems');
    this._isoDates = false;
    this._translator = null;
    this._loading = null;
    this._loadToken = 0;
    this._busy = false;
    this._pending = false;
    this._timer = 0;
    this._input.addEventListener('input', () => {
      clearTimeout(this._timer);
      this._timer = setTimeout(() => this._translate(), TYPING_DELAY_MS);
    });
  }

  connectedCallback() {
    if (!this._input.value) this._input.value = this.getAttribute('text') ?? '';
    // Load the engine and model only once the element is about to be seen.
    this._visibility = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        this._visibility.disconnect();
        this._ensureLoaded();
      }
    }, { rootMargin: '200px' });
    this._visibility.observe(this);
  }

  disconnectedCallback() {
    this._visibility?.disconnect();
    clearTimeout(this._timer);
    this._translator?.dispose();
    this._translator = null;
    this._loading = null;
    this._loadToken += 1;
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue || !this.isConnected) return;
    if (name === 'model') {
      this._translator?.dispose();
      this._translator = null;
      this._loading = null;
      this._ensureLoaded();
    } else if (name === 'text') {
      this._input.value = newValue ?? '';
      this._translate();
    } else if (name === 'merge' || name === 'theme') {
      this._matrices.querySelectorAll('alignment-matrix').forEach((matrix) => this._configureMatrix(matrix));
    } else {
      this._translate();
    }
  }

  get translator() { return this._translator; }

  _modelUrl() {
    const attribute = this.getAttribute('model');
    return attribute ? new URL(attribute, document.baseURI).href : DEFAULT_MODEL_URL.href;
  }

  _beam() {
    const beam = Math.round(Number(this.getAttribute('beam') ?? 4));
    return Number.isFinite(beam) ? Math.min(16, Math.max(1, beam)) : 4;
  }

  _showError(message) {
    this._error.textContent = message;
    this._error.hidden = !message;
  }

  // The matrices follow the element's merge and theme attributes (merge absent: words for long sentences).
  _configureMatrix(matrix) {
    const merge = this.getAttribute('merge');
    if (merge === null) matrix.removeAttribute('merge');
    else matrix.setAttribute('merge', merge === 'pieces' ? 'pieces' : '');
    matrix.setAttribute('theme', this.getAttribute('theme') ?? 'auto');
    matrix.setAttribute('exportparts', 'figure: matrix-figure, source: matrix-source, translation: matrix-translation, '
      + 'tooltip: matrix-tooltip, note: matrix-note');
  }

  _ensureLoaded() {
    if (this._loading) return this._loading;
    const modelUrl = this._modelUrl();
    const token = ++this._loadToken;  // a load overtaken by a newer one (model attribute changed) must not report
    const current = () => token === this._loadToken && this.isConnected;
    this._loading = (async () => {
      this._showError('');
      this._status.textContent = 'Loading the translator…';
      this._progress.hidden = false;
      try {
        const { createTranslator } = await import(ENGINE_URL.href);
        const translator = await createTranslator({
          model: modelUrl, worker: true,
          onProgress: ({ loaded, total }) => {
            if (total > 0) { this._progress.max = total; this._progress.value = loaded; } else this._progress.removeAttribute('value');
          },
        });
        if (!current()) { translator.dispose(); return; }
        this._translator = translator;
        const info = await translator.info();
        this._isoDates = info.targetLanguage === 'iso';
        this._label.textContent = this._isoDates ? 'A date, in words or numbers' : `${info.sourceLanguage} → ${info.targetLanguage}`.toUpperCase();
        this._status.textContent = '';
        this._translate();
      } catch (error) {
        if (!current()) return;
        this._status.textContent = '';
        const explained = explainLoadError(error.message);
        this._showError(`Could not load the translator. ${explained.summary} (${explained.detail})`);
        this.dispatchEvent(new CustomEvent('loaderror', { detail: explained, bubbles: true, composed: true }));
        this._loading = null;  // allow a retry, e.g. after the model attribute changes
      } finally {
        if (current()) this._progress.hidden = true;
      }
    })();
    return this._loading;
  }

  // At most one translation in flight; the newest text wins.
  async _translate() {
    clearTimeout(this._timer);
    if (!this._translator) return;
    if (this._busy) { this._pending = true; return; }
    this._busy = true;
    do {
      this._pending = false;
      const translator = this._translator;
      const text = this._input.value;
      try {
        const result = text.trim() ? await translator.translate(text, { beam: this._beam() }) : { text: '', sentences: [] };
        if (!this._pending && translator === this._translator) this._render(result);
      } catch (error) {
        if (translator === this._translator) this._showError(`Translation failed: ${error.message}`);
      }
    } while (this._pending && this._translator);
    this._busy = false;
  }

  // The least sure sentence's level, and every problem found, in plain words.
  _renderConfidence(verdicts) {
    const worst = verdicts.reduce((level, verdict) =>
      (LEVEL_ORDER.indexOf(verdict.level) > LEVEL_ORDER.indexOf(level) ? verdict.level : level), 'sure');
    this._confidence.hidden = verdicts.length === 0;
    this._confidence.className = `confidence ${worst}`;
    this._confidence.textContent = LEVELS[worst].label;
    this._problems.replaceChildren(...verdicts.flatMap((verdict) => verdict.problems).map((problem) => {
      const item = document.createElement('li');
      item.textContent = problem.charAt(0).toUpperCase() + problem.slice(1);
      return item;
    }));
  }

  _render(result) {
    this._showError('');
    this._translation.textContent = result.text;
    this._renderConfidence(result.sentences.map((sentence) => assess(sentence, sentence, { isoDates: this._isoDates })));
    const modelName = this._modelUrl().split('/').pop();
    this._matrices.replaceChildren(...result.sentences.map((sentence) => {
      const matrix = document.createElement('alignment-matrix');
      this._configureMatrix(matrix);
      matrix.data = toMatrixData(sentence, sentence, modelName);
      return matrix;
    }));
    this.dispatchEvent(new CustomEvent('translated', { detail: result, bubbles: true, composed: true }));
  }
}

if (!customElements.get('attention-translator')) customElements.define('attention-translator', AttentionTranslatorElement);
