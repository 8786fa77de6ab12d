// <attention-translator model="models/fr-en.safetensors" text="Jane visite l'Afrique en septembre." beam="4" [merge]>
// A self-contained translator for documentation pages: an input, the translation and one alignment matrix per
// sentence. The engine (./attention-translator.js, next to this file) is imported only when the element first
// becomes visible, and runs in a Web Worker. Styles live in a constructable stylesheet (no inline styles), so the
// element works under a strict Content-Security-Policy.
import './alignment-matrix.js';
import { toMatrixData } from './exports.js';

const ENGINE_URL = new URL('./attention-translator.js', import.meta.url);
const DEFAULT_MODEL_URL = new URL('./models/fr-en.safetensors', import.meta.url);
const TYPING_DELAY_MS = 200;

const ELEMENT_CSS = `
:host { display: block; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2430;
  --at-bg: #ffffff; --at-border: #e3e6ec; --at-muted: #5f6b7a; --at-accent: #2563eb; --at-field: #f5f6f8; --at-error: #b42318; }
@media (prefers-color-scheme: dark) {
  :host { color: #e6e8ee; --at-bg: #12151d; --at-border: #262b37; --at-muted: #9aa3b2; --at-accent: #4fd1c5; --at-field: #0d1017; --at-error: #f97066; }
}
:host([hidden]) { display: none; }
.box { background: var(--at-bg); border: 1px solid var(--at-border); border-radius: 12px; padding: 16px; display: grid; gap: 10px; }
label { font-size: 13px; font-weight: 600; color: var(--at-muted); }
input { font: inherit; font-size: 17px; color: inherit; background: var(--at-field); border: 1px solid var(--at-border);
  border-radius: 8px; padding: 8px 10px; width: 100%; box-sizing: border-box; }
input:focus-visible { outline: 3px solid var(--at-accent); outline-offset: 1px; }
.translation { margin: 0; font-size: 19px; font-weight: 600; min-height: 1.5em; overflow-wrap: anywhere; }
.status { margin: 0; font-size: 13px; color: var(--at-muted); min-height: 1.3em; }
progress { width: 100%; height: 6px; accent-color: var(--at-accent); }
.error { margin: 0; color: var(--at-error); font-size: 14px; overflow-wrap: anywhere; }
.matrices { display: grid; gap: 16px; min-width: 0; }
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
  static get observedAttributes() { return ['model', 'text', 'beam', 'merge']; }

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styleSheet()];
    const inputId = `at-input-${++inputCounter}`;
    const box = document.createElement('div');
    box.className = 'box';
    box.innerHTML = `
      <label for="${inputId}">Source text</label>
      <input id="${inputId}" type="text" spellcheck="false" autocomplete="off">
      <progress max="1" value="0" hidden></progress>
      <p class="status" role="status"></p>
      <p class="error" role="alert" hidden></p>
      <p class="translation" aria-live="polite"></p>
      <div class="matrices"></div>`;
    root.append(box);
    this._input = box.querySelector('input');
    this._label = box.querySelector('label');
    this._progress = box.querySelector('progress');
    this._status = box.querySelector('.status');
    this._error = box.querySelector('.error');
    this._translation = box.querySelector('.translation');
    this._matrices = box.querySelector('.matrices');
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
    } else if (name === 'merge') {
      this._matrices.querySelectorAll('alignment-matrix').forEach((matrix) => { matrix.merge = this.hasAttribute('merge'); });
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
        this._label.textContent = `${info.sourceLanguage} → ${info.targetLanguage}`.toUpperCase();
        this._status.textContent = '';
        this._translate();
      } catch (error) {
        if (!current()) return;
        this._status.textContent = '';
        this._showError(`Could not load the translator: ${error.message}`);
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

  _render(result) {
    this._showError('');
    this._translation.textContent = result.text;
    const modelName = this._modelUrl().split('/').pop();
    this._matrices.replaceChildren(...result.sentences.map((sentence) => {
      const matrix = document.createElement('alignment-matrix');
      matrix.merge = this.hasAttribute('merge');
      matrix.data = toMatrixData(sentence, sentence, modelName);
      return matrix;
    }));
    this.dispatchEvent(new CustomEvent('translated', { detail: result, bubbles: true, composed: true }));
  }
}

if (!customElements.get('attention-translator')) customElements.define('attention-translator', AttentionTranslatorElement);
