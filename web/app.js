// The demo page: loads a model (bundled or the user's own), translates as the user types, and shows the
// translation with how sure it is, then one <alignment-matrix> per sentence with its alternatives and exports.
import './alignment-matrix.js';
import { LEVELS, assess } from './confidence.js';
import { download, exportJson, exportPng, exportSoftAlignment, exportSvg, fileStem, toMatrixData } from './exports.js';
import { hypothesesOf, joinTranslations } from './hypotheses.js';
import { explainLoadError } from './load-errors.js';

const TYPING_DELAY_MS = 180;
const LANGUAGE_NAMES = { fr: 'French', en: 'English', de: 'German', es: 'Spanish', it: 'Italian', iso: 'ISO 8601' };
const LEVEL_ORDER = ['sure', 'check', 'doubtful'];

const $ = (id) => document.getElementById(id);
const elements = {
  modelSelect: $('model-select'), modelFile: $('model-file'), progressBox: $('progress-box'), progress: $('progress'),
  progressText: $('progress-text'), modelError: $('model-error'), modelErrorSummary: $('model-error-summary'),
  modelErrorDetails: $('model-error-details'), modelErrorDetail: $('model-error-detail'), modelInfo: $('model-info'),
  modelSummary: $('model-summary'), input: $('input'), inputLabel: $('input-label'), charCount: $('char-count'),
  clear: $('clear'), copy: $('copy'), examples: $('examples'), beam: $('beam'), nbest: $('nbest'), merge: $('merge'),
  translation: $('translation'), confidence: $('confidence'), status: $('status'), results: $('results'),
  template: $('sentence-template'),
};

const state = {
  engine: null,            // the dynamically imported engine module
  translator: null,
  modelName: '',           // shown to the user
  modelFile: '',           // written into exports: the model file's name
  modelOption: '',         // the model select's value for the model in use ('custom': the user's file)
  isoDates: false,         // the model writes ISO dates: its outputs are checked as dates
  models: [],              // bundled models offered (models.json)
  loadToken: 0,            // the latest model load; older loads that finish late are discarded
  translating: false,
  pendingTranslation: false,
  firstTranslationDone: false,
  shown: null,             // { text, sentences, chosen: hypothesis index per sentence, verdicts } on screen
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
const plural = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;

// ---------------------------------------------------------------------------------------------------------------
// Model loading.

async function engineModule() {
  if (!state.engine) {
    state.engine = import('./attention-translator.js').catch((error) => {
      state.engine = null;
      throw new Error(`The translation engine could not be loaded (${error.message}). Was scripts/build-web.sh run?`);
    });
  }
  return state.engine;
}

// summary: what the user reads; detail: the technical message, behind "Technical details". Both empty: hide.
function showModelError(summary, detail = '') {
  elements.modelErrorSummary.textContent = summary;
  elements.modelErrorDetail.textContent = detail;
  elements.modelErrorDetails.hidden = !detail;
  elements.modelError.hidden = !summary;
  // A file dropped while scrolled down must not fail out of sight.
  if (summary) elements.modelError.scrollIntoView({ block: 'nearest' });
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

// source: a URL string or an ArrayBuffer; option: the model select's value for it; entry: its models.json entry
// (null for the user's file). If the new model fails, the previous one keeps working and the select shows it again.
// Resolves to true when the model is in use, else to the error.
async function loadModel(source, name, fileName, option, entry) {
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
      onPhase: (phase) => { if (!state.firstTranslationDone) performance.mark(phase); },
    });
    const info = await translator.info();
    if (token !== state.loadToken) { translator.dispose(); return false; }
    if (!state.firstTranslationDone) performance.mark('model-ready');
    state.translator?.dispose();
    Object.assign(state, { translator, modelName: name, modelFile: fileName, modelOption: option });
    state.isoDates = info.targetLanguage === 'iso';
    renderModelInfo(info, name, entry);
    elements.progressBox.hidden = true;
    renderExamples(entry?.examples ?? []);
    requestTranslation();
    return true;
  } catch (error) {
    if (token !== state.loadToken) return false;
    elements.progressBox.hidden = true;
    const { summary, detail } = explainLoadError(error.message);
    const keeping = state.translator ? ` Still using ${state.modelName}.` : '';
    showModelError(`Could not load ${name}. ${summary}${keeping}`, detail);
    if (state.translator) showSelectedModel(state.modelOption, state.modelName);
    return error;
  } finally {
    if (token === state.loadToken) document.body.classList.remove('loading-model');
  }
}

function renderModelInfo(info, name, entry) {
  const weights = info.dtype === 'I8' ? 'int8 (quantised)' : info.dtype === 'F32' ? 'float32' : String(info.dtype);
  const rows = [
    ['Model', name],
    ['Languages', `${languageName(info.sourceLanguage)} → ${languageName(info.targetLanguage)}`],
    ['Parameters', formatCount(info.parameters)],
    ['File size', formatBytes(info.fileBytes)],
    ['Weights', weights],
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
  elements.modelSummary.textContent = `(${name}: ${formatCount(info.parameters)} parameters, ${formatBytes(info.fileBytes)})`;
  // A bundled model says what it expects ("A date, in words or numbers"); otherwise its language.
  elements.inputLabel.textContent = entry?.inputLabel ?? `${languageName(info.sourceLanguage)} text`;
}

// The entries of models.json, or null (with the reason shown) when the list cannot be read.
async function readModelList() {
  try {
    const response = await fetch('models.json');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.json();
  } catch (error) {
    showModelError('Could not read the list of bundled models. You can still load your own model file (Model details, below).',
      `models.json: ${error.message}`);
    return null;
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
    showModelError('No bundled model was found next to this page (run scripts/build-web.sh). Load your own model file '
      + 'under “Model details and your own model”.');
    $('model-panel').open = true;
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

// Resolves to true when the model is in use, else to the error. The text typed so far stays; an empty box gets the
// model's first example.
async function selectBundledModel(id) {
  const model = state.models.find((entry) => entry.id === id);
  if (!model) return new Error(`no bundled model ${id}`);
  showSelectedModel(id);
  if (!elements.input.value.trim() && model.examples?.length) setInput(model.examples[0].source);
  return loadModel(model.file, model.label, model.file.split('/').pop(), id, model);
}

async function loadModelFile(file) {
  if (!file) return;
  showSelectedModel('custom', file.name);
  let bytes;
  try {
    bytes = await file.arrayBuffer();
  } catch (error) {
    showModelError(`Could not read ${file.name}.`, error.message);
    if (state.translator) showSelectedModel(state.modelOption, state.modelName);
    return;
  }
  await loadModel(bytes, file.name, file.name, 'custom', null);
}

// examples: [{ source, translation }] from models.json (the translation is what the bundled model writes).
function renderExamples(examples) {
  elements.examples.replaceChildren(...examples.map(({ source }) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'chip';
    button.textContent = source;
    button.addEventListener('click', () => {
      setInput(source);
      requestTranslation();
    });
    return button;
  }));
  elements.examples.parentElement.hidden = examples.length === 0;
}

function setInput(text) {
  elements.input.value = text;
  updateCharCount();
}

function updateCharCount() {
  const limit = elements.input.maxLength;
  const count = elements.input.value.length;
  const atLimit = count >= limit;
  elements.charCount.textContent = atLimit
    ? `${count.toLocaleString('en')} / ${limit.toLocaleString('en')}: the limit; text beyond it was cut`
    : `${count.toLocaleString('en')} / ${limit.toLocaleString('en')}`;
  elements.charCount.classList.toggle('at-limit', atLimit);
}

// ---------------------------------------------------------------------------------------------------------------
// Translation: at most one request in flight; the newest input wins.

// The fields never correct each other: more alternatives than the beam holds are simply not there to show.
function readOptions() {
  const beam = Math.min(16, Math.max(1, Math.round(Number(elements.beam.value)) || 1));
  const wanted = Math.min(16, Math.max(1, Math.round(Number(elements.nbest.value)) || 1));
  return { beam, nbest: Math.min(beam, wanted), wanted };
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
    const { beam, nbest, wanted } = readOptions();
    const translator = state.translator;
    elements.status.textContent = 'Translating…';
    const started = performance.now();
    try {
      const result = text.trim() ? await translator.translate(text, { beam, nbest }) : { text: '', sentences: [] };
      if (!state.pendingTranslation && translator === state.translator) {
        renderTranslation(text, result);
        const count = result.sentences.length;
        const capped = wanted > beam ? ` Alternatives: at most ${beam} with beam ${beam}.` : '';
        elements.status.textContent = count
          ? `${plural(count, 'sentence')} in ${Math.round(performance.now() - started)} ms, beam ${beam}.${capped}` : '';
        markFirstTranslation(count);
      }
    } catch (error) {
      elements.status.textContent = '';
      elements.translation.textContent = '';
      showModelError('The translation failed.', error.message);
    }
  } while (state.pendingTranslation && state.translator);
  state.translating = false;
  setBusy(typingTimer !== 0);
}

// For the load-time measurement (tests and scripts/measure-first-translation.mjs read these).
function markFirstTranslation(sentenceCount) {
  if (state.firstTranslationDone || sentenceCount === 0) return;
  state.firstTranslationDone = true;
  performance.mark('first-translation');
  document.documentElement.dataset.firstTranslationMs = String(Math.round(performance.now()));
}

function renderTranslation(text, result) {
  showModelError('');
  const verdicts = result.sentences.map((sentence) => hypothesesOf(sentence).map((hypothesis) =>
    assess(sentence, hypothesis, { isoDates: state.isoDates })));
  state.shown = { text, sentences: result.sentences, chosen: result.sentences.map(() => 0), verdicts };
  const cards = result.sentences.map((sentence, index) => sentenceCard(sentence, index));
  elements.results.replaceChildren(...cards);
  updateMainTranslation();
}

// The translation box: every sentence's chosen hypothesis, and the least sure verdict among them.
function updateMainTranslation() {
  const { text, sentences, chosen, verdicts } = state.shown;
  elements.translation.textContent = joinTranslations(text, sentences,
    sentences.map((sentence, i) => hypothesesOf(sentence)[chosen[i]].translation));
  elements.copy.disabled = sentences.length === 0;
  const shownVerdicts = verdicts.map((list, i) => list[chosen[i]]);
  const worst = shownVerdicts.reduce((level, verdict) =>
    (LEVEL_ORDER.indexOf(verdict.level) > LEVEL_ORDER.indexOf(level) ? verdict.level : level), 'sure');
  const problems = shownVerdicts.reduce((count, verdict) => count + verdict.problems.length, 0);
  elements.confidence.hidden = sentences.length === 0;
  elements.confidence.className = `badge ${worst}`;
  elements.confidence.textContent = problems ? `${LEVELS[worst].label}: ${plural(problems, 'warning')} below` : LEVELS[worst].label;
}

function sentenceCard(sentence, index) {
  const card = document.importNode(elements.template.content, true).firstElementChild;  // upgrades <alignment-matrix> now
  const count = state.shown.sentences.length;
  card.querySelector('.sentence-title').textContent = count > 1 ? `Sentence ${index + 1}: ${sentence.source}` : sentence.source;
  const matrixElement = card.querySelector('alignment-matrix');
  applyMergeChoice(matrixElement);
  const hypotheses = hypothesesOf(sentence);
  const show = (hypothesisIndex) => {
    const hypothesis = hypotheses[hypothesisIndex];
    const verdict = state.shown.verdicts[index][hypothesisIndex];
    renderMarkedTranslation(card.querySelector('.sentence-translation'), hypothesis.translation, verdict.words);
    renderVerdict(card.querySelector('.verdict'), verdict);
    matrixElement.data = toMatrixData(sentence, hypothesis, state.modelFile);
    card.querySelectorAll('.nbest-list button').forEach((button, i) => button.setAttribute('aria-pressed', String(i === hypothesisIndex)));
  };
  card.querySelector('.nbest-list').append(...hypotheses.map((hypothesis, hypothesisIndex) => {
    const item = document.createElement('li');
    item.append(hypothesisButton(hypothesis, state.shown.verdicts[index][hypothesisIndex], () => {
      state.shown.chosen[index] = hypothesisIndex;
      show(hypothesisIndex);
      updateMainTranslation();
    }));
    return item;
  }));
  card.querySelector('.exports').setAttribute('aria-label', `Export the matrix of sentence ${index + 1}`);
  card.querySelector('.exports').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-format]');
    if (button) exportMatrix(matrixElement.currentMatrix, button.dataset.format);
  });
  show(0);
  return card;
}

function hypothesisButton(hypothesis, verdict, onChoose) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'hypothesis';
  const text = document.createElement('span');
  text.className = 'hypothesis-text';
  text.textContent = hypothesis.translation || '(empty)';
  const score = document.createElement('span');
  score.className = `score ${verdict.level}`;
  score.textContent = hypothesis.score.toFixed(3);
  score.title = `average log-probability per token; ${LEVELS[verdict.level].label.toLowerCase()}`;
  button.append(text, score);
  button.addEventListener('click', onChoose);
  return button;
}

// The translation as text, its unsure words wrapped in marks that say how unsure (textContent stays the text).
function renderMarkedTranslation(container, translation, words) {
  const nodes = [];
  let cursor = 0;
  for (const word of words) {
    const at = word.text.trim() ? translation.indexOf(word.text.trim(), cursor) : -1;
    if (at < 0 || word.level === 'sure') continue;
    nodes.push(translation.slice(cursor, at));
    const mark = document.createElement('mark');
    mark.className = `word-${word.level}`;
    mark.textContent = word.text.trim();
    mark.title = `The model gave this ${Math.round(word.probability * 100)}% probability`;
    nodes.push(mark);
    cursor = at + word.text.trim().length;
  }
  nodes.push(translation.slice(cursor));
  container.replaceChildren(...nodes);
}

function renderVerdict(container, verdict) {
  const badge = container.querySelector('.badge');
  badge.className = `badge ${verdict.level}`;
  badge.textContent = `${verdict.label} · ${Math.round(verdict.probability * 100)}% average word probability`;
  container.querySelector('.problems').replaceChildren(...verdict.problems.map((problem) => {
    const item = document.createElement('li');
    item.textContent = problem.charAt(0).toUpperCase() + problem.slice(1);
    return item;
  }));
}

function applyMergeChoice(matrixElement) {
  const choice = elements.merge.value;
  matrixElement.merge = choice === 'auto' ? null : choice === 'words';
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

async function copyTranslation() {
  try {
    await navigator.clipboard.writeText(elements.translation.textContent);
    elements.status.textContent = 'Translation copied.';
  } catch {
    elements.status.textContent = 'Could not copy: select the translation and press Ctrl+C (⌘C on a Mac).';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Wiring.

function wireEvents() {
  elements.input.addEventListener('input', () => {
    updateCharCount();
    scheduleTranslation();
  });
  elements.clear.addEventListener('click', () => {
    setInput('');
    elements.input.focus();
    requestTranslation();
  });
  elements.copy.addEventListener('click', copyTranslation);
  elements.beam.addEventListener('input', scheduleTranslation);
  elements.nbest.addEventListener('input', scheduleTranslation);
  elements.merge.addEventListener('change', () => {
    elements.results.querySelectorAll('alignment-matrix').forEach(applyMergeChoice);
  });
  elements.modelSelect.addEventListener('change', () => {
    if (elements.modelSelect.value !== 'custom') selectBundledModel(elements.modelSelect.value);
  });
  elements.modelFile.addEventListener('change', () => {
    loadModelFile(elements.modelFile.files[0]);
    elements.modelFile.value = '';  // choosing the same file again must load it again
  });
  wireDragAndDrop();
}

function wireDragAndDrop() {
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

function renderLegend() {
  for (const level of LEVEL_ORDER) $(`legend-${level}`).textContent = LEVELS[level].legend;
}

// Loads the bundled models in order until one works. Only the chosen model is requested (no probing of the others);
// one that is not deployed (404) is dropped from the list.
async function loadFirstDeployedModel() {
  while (state.models.length) {
    const outcome = await selectBundledModel(state.models[0].id);
    if (outcome === true || !/HTTP 404/.test(outcome?.message ?? '')) return;
    state.models = state.models.slice(1);
    populateModelSelect();
    if (state.models.length) showModelError('');
  }
}

async function start() {
  wireEvents();
  renderLegend();
  updateCharCount();
  renderExamples([]);  // each model brings its own, once loaded
  engineModule().catch(() => {});  // fetched while models.json is read
  const entries = await readModelList();
  state.models = entries ?? [];
  populateModelSelect();
  await loadFirstDeployedModel();
}

start();
