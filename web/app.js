// The demo page: loads a model (bundled or the user's own), translates as the user types, and shows one
// <alignment-matrix> per sentence with its n-best list and exports.
import './alignment-matrix.js';
import { download, exportJson, exportPng, exportSoftAlignment, exportSvg, fileStem, toMatrixData } from './exports.js';

const TYPING_DELAY_MS = 180;
const LANGUAGE_NAMES = { fr: 'French', en: 'English', de: 'German', es: 'Spanish', it: 'Italian', iso: 'ISO 8601' };

const $ = (id) => document.getElementById(id);
const elements = {
  modelSelect: $('model-select'), modelFile: $('model-file'), progressBox: $('progress-box'), progress: $('progress'),
  progressText: $('progress-text'), modelError: $('model-error'), modelInfo: $('model-info'), input: $('input'),
  inputLabel: $('input-label'), examples: $('examples'), beam: $('beam'), nbest: $('nbest'), merge: $('merge'),
  translation: $('translation'), status: $('status'), results: $('results'), template: $('sentence-template'),
};

const state = {
  engine: null,            // the dynamically imported engine module
  translator: null,
  modelName: '',           // shown to the user
  modelFile: '',           // written into exports: the model file's name
  modelOption: '',         // the model select's value for the model in use ('custom': the user's file)
  models: [],              // bundled models offered: those whose file is deployed
  loadToken: 0,            // the latest model load; older loads that finish late are discarded
  translating: false,
  pendingTranslation: false,
  firstTranslationDone: false,
};

// ---------------------------------------------------------------------------------------------------------------
// Formatting helpers.

function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes <= 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function formatCount(count) {
  if (!Number.isFinite(count)) return '—';
  if (count >= 1e6) return `${(count / 1e6).toFixed(2)} M`;
  if (count >= 1e3) return `${(count / 1e3).toFixed(1)} k`;
  return String(count);
}

const languageName = (code) => LANGUAGE_NAMES[code] ?? code ?? '?';

// ---------------------------------------------------------------------------------------------------------------
// Model loading.

async function engineModule() {
  if (!state.engine) {
    try {
      state.engine = await import('./attention-translator.js');
    } catch (error) {
      throw new Error(`The translation engine could not be loaded (${error.message}). Was scripts/build-web.sh run?`);
    }
  }
  return state.engine;
}

function showModelError(message) {
  elements.modelError.textContent = message;
  elements.modelError.hidden = !message;
  // A file dropped while scrolled down must not fail out of sight.
  if (message) elements.modelError.scrollIntoView({ block: 'nearest' });
}

function showProgress(loaded, total) {
  elements.progressBox.hidden = false;
  if (total > 0) {
    elements.progress.max = total;
    elements.progress.value = Math.min(loaded, total);
    elements.progressText.textContent = `${formatBytes(loaded)} of ${formatBytes(total)}`;
  } else {
    elements.progress.removeAttribute('value');  // indeterminate: the server sent no length
    elements.progressText.textContent = `${formatBytes(loaded)} loaded`;
  }
}

// source: a URL string or an ArrayBuffer; option: the model select's value for it; onLoaded: runs once the model
// is in use, before its first translation. If the new model fails, the previous one keeps working and the select
// shows it again. Resolves to whether the model is now in use.
async function loadModel(source, name, fileName, option, onLoaded) {
  const token = ++state.loadToken;
  if (!state.firstTranslationDone) performance.mark('model-load-start');  // for the load-time measurement
  showModelError('');
  showProgress(0, 0);
  elements.progressText.textContent = `Loading ${name}…`;
  document.body.classList.add('loading-model');
  try {
    const { createTranslator } = await engineModule();
    const translator = await createTranslator({
      model: source, worker: true,
      onProgress: ({ loaded, total }) => { if (token === state.loadToken) showProgress(loaded, total); },
    });
    const info = await translator.info();
    if (token !== state.loadToken) { translator.dispose(); return false; }
    if (!state.firstTranslationDone) performance.mark('model-ready');
    state.translator?.dispose();
    state.translator = translator;
    state.modelName = name;
    state.modelFile = fileName;
    state.modelOption = option;
    renderModelInfo(info, name);
    elements.progressBox.hidden = true;
    onLoaded();
    requestTranslation();
    return true;
  } catch (error) {
    if (token !== state.loadToken) return false;
    elements.progressBox.hidden = true;
    const keeping = state.translator ? ` Still using ${state.modelName}.` : '';
    showModelError(`Could not load ${name}: ${error.message}.${keeping}`.replace(/\.\./g, '.'));
    if (state.translator) showSelectedModel(state.modelOption, state.modelName);
    return false;
  } finally {
    if (token === state.loadToken) document.body.classList.remove('loading-model');
  }
}

function renderModelInfo(info, name) {
  const rows = [
    ['Model', name],
    ['Languages', `${languageName(info.sourceLanguage)} → ${languageName(info.targetLanguage)}`],
    ['Parameters', formatCount(info.parameters)],
    ['File size', formatBytes(info.fileBytes)],
    ['Weights', info.dtype === 'I8' ? 'int8 (quantised)' : info.dtype === 'F32' ? 'float32' : String(info.dtype)],
    ['SIMD', info.simd && info.simd !== 'scalar' ? `yes (${info.simd})` : 'no (scalar)'],
    ['Sizes', `embed ${info.embed} · hidden ${info.hidden} · attention ${info.attention} · vocab ${info.srcVocab}/${info.tgtVocab}`],
  ];
  elements.modelInfo.replaceChildren(...rows.flatMap(([term, value]) => {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    return [dt, dd];
  }));
  elements.inputLabel.textContent = `${languageName(info.sourceLanguage)} text`;
}

// The entries of models.json, or null (with the reason shown) when the list cannot be read.
async function readModelList() {
  try {
    const response = await fetch('models.json');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.json();
  } catch (error) {
    showModelError(`Could not read the list of bundled models (models.json: ${error.message}). You can still load your own model file.`);
    return null;
  }
}

// Whether a bundled model's file is deployed (HEAD keeps this cheap).
async function isDeployed(entry) {
  try {
    const response = await fetch(entry.file, { method: 'HEAD' });
    await response.arrayBuffer();  // (empty) — an unread response counts as an aborted request
    return response.ok;
  } catch {
    return false;
  }
}

// Lists state.models, keeping the user's own file and the current choice.
function populateModelSelect() {
  const select = elements.modelSelect;
  const chosen = select.value;
  const customOption = select.querySelector('option[value="custom"]');
  const options = state.models.map((model) => new Option(model.label, model.id));
  select.replaceChildren(...options, ...(customOption ? [customOption] : []));
  if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
  select.disabled = select.options.length === 0;
  if (options.length === 0 && !customOption) {
    select.append(new Option('No bundled model found', ''));
    // (Unless an error already says why, e.g. that models.json could not be read.)
    if (elements.modelError.hidden) {
      showModelError('No bundled model was found next to this page (run scripts/build-web.sh). Load your own model file below.');
    }
  }
}

// Shows `option` in the model select: a bundled model's id, or 'custom' for the user's file `fileName`.
function showSelectedModel(option, fileName) {
  let customOption = elements.modelSelect.querySelector('option[value="custom"]');
  if (option !== 'custom') {
    customOption?.remove();
  } else {
    if (!customOption) {
      customOption = new Option('', 'custom');
      elements.modelSelect.append(customOption);
    }
    customOption.textContent = `Your file: ${fileName}`;
    elements.modelSelect.disabled = false;
  }
  elements.modelSelect.value = option;
}

// Resolves to whether the model is now in use.
async function selectBundledModel(id) {
  const model = state.models.find((entry) => entry.id === id);
  if (!model) return false;
  showSelectedModel(id);
  // The examples (and the text, if it is not one of them) change with the model, once it is in use.
  return loadModel(model.file, model.label, model.file.split('/').pop(), id, () => {
    renderExamples(model.examples ?? []);
    if (!model.examples?.includes(elements.input.value) && model.examples?.length) elements.input.value = model.examples[0];
  });
}

async function loadModelFile(file) {
  if (!file) return;
  showSelectedModel('custom', file.name);
  let bytes;
  try {
    bytes = await file.arrayBuffer();
  } catch (error) {
    showModelError(`Could not read ${file.name}: ${error.message}`);
    if (state.translator) showSelectedModel(state.modelOption, state.modelName);
    return;
  }
  await loadModel(bytes, file.name, file.name, 'custom', () => renderExamples([]));
}

function renderExamples(examples) {
  elements.examples.replaceChildren(...examples.map((example) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'chip';
    button.textContent = example;
    button.addEventListener('click', () => {
      elements.input.value = example;
      requestTranslation();
    });
    return button;
  }));
  elements.examples.hidden = examples.length === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Translation: at most one request in flight; the newest input wins.

function readOptions() {
  const beam = Math.min(16, Math.max(1, Math.round(Number(elements.beam.value)) || 1));
  elements.nbest.max = String(beam);
  const nbest = Math.min(beam, Math.max(1, Math.round(Number(elements.nbest.value)) || 1));
  return { beam, nbest };
}

let typingTimer = 0;
function scheduleTranslation() {
  clearTimeout(typingTimer);
  setBusy(true);
  typingTimer = setTimeout(requestTranslation, TYPING_DELAY_MS);
}

// aria-busy on the results: true from the first keystroke until the matching matrices are shown.
function setBusy(busy) {
  elements.results.setAttribute('aria-busy', String(busy));
}

async function requestTranslation() {
  clearTimeout(typingTimer);
  typingTimer = 0;
  if (!state.translator) { setBusy(false); return; }
  if (state.translating) { state.pendingTranslation = true; return; }
  state.translating = true;
  setBusy(true);
  do {
    state.pendingTranslation = false;
    const text = elements.input.value;
    const options = readOptions();
    const translator = state.translator;
    elements.status.textContent = 'Translating…';
    const started = performance.now();
    try {
      const result = text.trim() ? await translator.translate(text, options) : { text: '', sentences: [] };
      if (!state.pendingTranslation && translator === state.translator) {
        renderTranslation(result);
        const ms = Math.round(performance.now() - started);
        const count = result.sentences.length;
        elements.status.textContent = count ? `${count} sentence${count === 1 ? '' : 's'} in ${ms} ms, beam ${options.beam}.` : '';
        markFirstTranslation(count);
      }
    } catch (error) {
      elements.status.textContent = '';
      elements.translation.textContent = '';
      showModelError(`Translation failed: ${error.message}`);
    }
  } while (state.pendingTranslation && state.translator);
  state.translating = false;
  setBusy(typingTimer !== 0);
}

// For the load-time measurement (tests read this performance mark).
function markFirstTranslation(sentenceCount) {
  if (state.firstTranslationDone || sentenceCount === 0) return;
  state.firstTranslationDone = true;
  performance.mark('first-translation');
  document.documentElement.dataset.firstTranslationMs = String(Math.round(performance.now()));
}

function renderTranslation(result) {
  elements.translation.textContent = result.text;
  showModelError('');
  const merge = elements.merge.checked;
  const cards = result.sentences.map((sentence, index) => sentenceCard(sentence, index, result.sentences.length, merge));
  elements.results.replaceChildren(...cards);
}

function sentenceCard(sentence, index, count, merge) {
  const card = document.importNode(elements.template.content, true).firstElementChild;  // upgrades <alignment-matrix> now
  const title = card.querySelector('.sentence-title');
  title.textContent = count > 1 ? `Sentence ${index + 1}: ${sentence.source}` : sentence.source;
  const matrixElement = card.querySelector('alignment-matrix');
  matrixElement.merge = merge;
  const hypotheses = sentence.nbest?.length ? sentence.nbest : [sentence];
  const show = (hypothesisIndex) => {
    const hypothesis = hypotheses[hypothesisIndex];
    card.querySelector('.sentence-translation').textContent = hypothesis.translation;
    matrixElement.data = toMatrixData(sentence, hypothesis, state.modelFile);
    card.querySelectorAll('.nbest-list button').forEach((button, i) => button.setAttribute('aria-pressed', String(i === hypothesisIndex)));
  };

  const list = card.querySelector('.nbest-list');
  hypotheses.forEach((hypothesis, hypothesisIndex) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'hypothesis';
    const text = document.createElement('span');
    text.className = 'hypothesis-text';
    text.textContent = hypothesis.translation || '(empty)';
    const score = document.createElement('span');
    score.className = 'score';
    score.textContent = hypothesis.score.toFixed(3);
    score.title = 'length-normalised log-probability';
    button.append(text, score);
    button.addEventListener('click', () => show(hypothesisIndex));
    item.append(button);
    list.append(item);
  });
  card.querySelector('.exports').setAttribute('aria-label', `Export the matrix of sentence ${index + 1}`);
  card.querySelector('.exports').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-format]');
    if (button) exportMatrix(matrixElement.currentMatrix, button.dataset.format);
  });
  show(0);
  return card;
}

async function exportMatrix(matrix, format) {
  if (!matrix) return;
  const stem = fileStem(matrix);
  try {
    if (format === 'png') download(await exportPng(matrix), `${stem}.png`, 'image/png');
    else if (format === 'svg') download(exportSvg(matrix), `${stem}.svg`, 'image/svg+xml');
    else if (format === 'json') download(exportJson(matrix), `${stem}.json`, 'application/json');
    else if (format === 'alignment') download(exportSoftAlignment(matrix), `${stem}.alignment.txt`, 'text/plain');
  } catch (error) {
    elements.status.textContent = `Export failed: ${error.message}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Wiring.

function wireEvents() {
  elements.input.addEventListener('input', scheduleTranslation);
  elements.beam.addEventListener('input', () => {
    const { nbest } = readOptions();
    // n-best cannot exceed the beam (an empty field is a beam being retyped, not a beam of 1)
    if (elements.beam.value !== '' && Number(elements.nbest.value) > nbest) elements.nbest.value = String(nbest);
    scheduleTranslation();
  });
  elements.nbest.addEventListener('input', scheduleTranslation);
  elements.merge.addEventListener('change', () => {
    elements.results.querySelectorAll('alignment-matrix').forEach((matrix) => { matrix.merge = elements.merge.checked; });
  });
  elements.modelSelect.addEventListener('change', () => {
    if (elements.modelSelect.value !== 'custom') selectBundledModel(elements.modelSelect.value);
  });
  elements.modelFile.addEventListener('change', () => {
    loadModelFile(elements.modelFile.files[0]);
    elements.modelFile.value = '';  // choosing the same file again must load it again
  });

  // Drag & drop anywhere on the page.
  let dragDepth = 0;
  document.addEventListener('dragenter', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    dragDepth += 1;
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) document.body.classList.remove('dragging');
  });
  document.addEventListener('dragover', (event) => event.preventDefault());
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    dragDepth = 0;
    document.body.classList.remove('dragging');
    const file = event.dataTransfer?.files?.[0];
    if (file) loadModelFile(file);
  });
}

async function start() {
  wireEvents();
  readOptions();
  renderExamples([]);  // each model brings its own, once loaded
  const entries = await readModelList();
  if (!entries?.length) {
    populateModelSelect();
    return;
  }
  // The default (first) model starts loading at once, its download doubling as the check that it is deployed;
  // the others are probed meanwhile, so that only deployed models are offered.
  const [first, ...others] = entries;
  state.models = [first];
  populateModelSelect();
  const firstLoaded = selectBundledModel(first.id);
  const othersDeployed = await Promise.all(others.map(isDeployed));
  state.models = [first, ...others.filter((_, index) => othersDeployed[index])];
  populateModelSelect();
  if (await firstLoaded || await isDeployed(first)) return;  // in use, or deployed but broken (its error stays)
  // The default model is not deployed: offer and load the next one instead.
  state.models = state.models.slice(1);
  showModelError('');
  populateModelSelect();
  if (state.models.length) selectBundledModel(state.models[0].id);
}

start();
