// The demo page (web/index.html) in headless Chromium: model loading, translate-as-you-type, the alignment matrix
// and its linked highlighting, n-best, exports, error handling, the date model, small screens and dark mode.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WAIT_MS, artifactsDir, deployedModels, launchBrowser, startStaticServer, watchPage, webRoot } from './harness.mjs';
import { createTranslator } from '../../web/attention-translator.js';

const FRENCH = "Le chat dort sur le canapé. Jane visite l'Afrique en septembre.";
const WORD_START = '\u2581';
const NO_MODEL = 'no model listed in web/models.json is deployed in web/models/ (train it, then run scripts/build-web.sh)';

// Word groups of sentencepiece-style tokens, written independently of the page's code: a word starts at a "▁"
// piece, at a special token (<…>-style specials, not byte pieces) or right after one.
function wordsOf(tokens) {
  const special = (token) => /^<\/?s>$/.test(token ?? '');
  const groups = [];
  tokens.forEach((token, index) => {
    if (index === 0 || token.startsWith(WORD_START) || special(token) || special(tokens[index - 1])) groups.push([index]);
    else groups[groups.length - 1].push(index);
  });
  return groups;
}

// What a matrix element shows: its data (pieces), the displayed matrix and the SVG's element counts.
function readMatrix(page, index = 0) {
  return page.evaluate((i) => {
    const element = document.querySelectorAll('#results alignment-matrix')[i];
    const svg = element.shadowRoot.querySelector('svg');
    const words = (side) => [...element.shadowRoot.querySelectorAll(`.strip.${side} .word`)].map((word) => ({
      text: word.textContent, weight: Number(word.style.getPropertyValue('--w') || 0),
      attended: word.classList.contains('attended'), active: word.classList.contains('active'),
    }));
    return {
      data: element.data, shown: element.currentMatrix,
      cells: svg.querySelectorAll('.cell').length, rowLabels: svg.querySelectorAll('.row-label').length,
      colLabels: svg.querySelectorAll('.col-label').length,
      rowBand: svg.querySelector('.hl-row').classList.contains('on'), colBand: svg.querySelector('.hl-col').classList.contains('on'),
      activeRows: [...svg.querySelectorAll('.row-label.active')].map((label) => Number(label.dataset.r)),
      activeCols: [...svg.querySelectorAll('.col-label.active')].map((label) => Number(label.dataset.c)),
      sourceWords: words('source'), targetWords: words('target'),
    };
  }, index);
}

// Every text of a matrix picture (labels, corner captions, legend; not the numbers in the cells) as drawn: the four
// corners of its (possibly rotated) box in page coordinates, plus the picture's bounds.
function labelGeometry(page, index = 0) {
  return page.evaluate((i) => {
    const svg = document.querySelectorAll('#results alignment-matrix')[i].shadowRoot.querySelector('svg');
    const frame = svg.getBoundingClientRect();
    const labels = [...svg.querySelectorAll('text')].filter((text) => !text.closest('.values')).map((text) => {
      const box = text.getBBox(), toPage = text.getScreenCTM();
      const corners = [[box.x, box.y], [box.x + box.width, box.y], [box.x + box.width, box.y + box.height], [box.x, box.y + box.height]]
        .map(([x, y]) => new DOMPoint(x, y).matrixTransform(toPage)).map((point) => [point.x, point.y]);
      return { text: text.textContent, corners };
    });
    return { frame: { left: frame.left, top: frame.top, right: frame.right, bottom: frame.bottom }, labels };
  }, index);
}

// Separating-axis test for two convex quadrilaterals; boxes that merely touch (by under half a pixel) do not count.
function boxesOverlap(a, b) {
  for (const polygon of [a, b]) {
    for (let k = 0; k < 4; k++) {
      const [x1, y1] = polygon[k], [x2, y2] = polygon[(k + 1) % 4];
      const length = Math.hypot(x2 - x1, y2 - y1);
      const project = (points) => points.map(([x, y]) => (x * (y1 - y2) + y * (x2 - x1)) / length);
      const pa = project(a), pb = project(b);
      if (Math.min(...pa) >= Math.max(...pb) - 0.5 || Math.min(...pb) >= Math.max(...pa) - 0.5) return false;
    }
  }
  return true;
}

// Nothing cut off at the picture's edges, no two texts on top of each other.
async function assertLabelsReadable(page, index, what) {
  const { frame, labels } = await labelGeometry(page, index);
  assert.ok(labels.length > 0, `${what}: no labels`);
  const outside = labels.filter(({ corners }) => corners.some(([x, y]) =>
    x < frame.left - 0.5 || x > frame.right + 0.5 || y < frame.top - 0.5 || y > frame.bottom + 0.5));
  assert.deepEqual(outside.map((label) => label.text), [], `${what}: labels cut off at the picture's edge`);
  const clashes = [];
  labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => {
    if (boxesOverlap(a.corners, b.corners)) clashes.push(`${a.text} / ${b.text}`);
  }));
  assert.deepEqual(clashes, [], `${what}: overlapping labels`);
}

function assertRowsSumToOne(attention, what) {
  attention.forEach((row, r) => {
    const sum = row.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-3, `${what}: row ${r} sums to ${sum}`);
  });
}

// Waits until the page has shown the translation of what was last typed.
async function waitForIdle(page) {
  await page.waitForFunction(() => document.querySelector('#results').getAttribute('aria-busy') === 'false', null, { timeout: WAIT_MS });
}

async function download(page, format, index = 0) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('#results .sentence-card').nth(index).locator(`button[data-format="${format}"]`).click(),
  ]);
  const path = join(artifactsDir, `export-${format}-${file.suggestedFilename()}`);
  await file.saveAs(path);
  return readFile(path);
}

describe('demo page', () => {
  let server, browser, page, problems, models, missingModels, defaultModel;
  const allProblems = [];

  before(async () => {
    await mkdir(artifactsDir, { recursive: true });
    ({ present: models, missing: missingModels } = await deployedModels());
    defaultModel = models[0];
    server = await startStaticServer();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    problems = watchPage(page);
    // Records what the progress bar showed: [value, max] pairs.
    await page.addInitScript(() => {
      window.progressSeen = [];
      new MutationObserver(() => {
        const bar = document.querySelector('#progress');
        if (bar?.hasAttribute('value')) window.progressSeen.push([bar.value, bar.max]);
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['value', 'max'] });
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  // Without a deployed model the page must still load and say what is missing; the other tests need a model.
  it('explains inline when no bundled model is deployed', async (t) => {
    if (defaultModel) return t.skip(`bundled model ${defaultModel.id} is deployed`);
    await page.goto(`${server.url}index.html`);
    await page.locator('#model-error').waitFor({ state: 'visible' });
    assert.match(await page.locator('#model-error').innerText(), /No bundled model/);
    assert.equal(await page.locator('#model-select').isDisabled(), true);
  });

  it('loads the default model with progress and info, then translates the example', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    await page.goto(`${server.url}index.html`);
    await page.waitForSelector('#results alignment-matrix', { timeout: WAIT_MS });
    const firstTranslationMs = Number(await page.evaluate(() => document.documentElement.dataset.firstTranslationMs));
    // (textContent: the details start collapsed, and then innerText is empty.)
    const info = await page.locator('#model-info').textContent();
    assert.match(info, /Parameters/);
    assert.match(info, /SIMD\s*(yes|no)/);
    assert.match(info, /Weights\s*(int8|float32)/);
    assert.equal(await page.locator('#progress-box').isHidden(), true, 'the progress bar hides once loaded');
    const modelBytes = (await stat(join(webRoot, defaultModel.file))).size;
    const progress = await page.evaluate(() => window.progressSeen);
    assert.ok(progress.some(([value, max]) => value === modelBytes && max === modelBytes), `progress ${JSON.stringify(progress.slice(-3))} never reached ${modelBytes} bytes`);
    assert.equal(await page.locator('#model-error').isHidden(), true, await page.locator('#model-error').innerText());
    assert.ok(await page.locator('#examples .chip', { hasText: defaultModel.examples[0].source }).count() === 1, 'example sentences are offered');
    assert.ok(firstTranslationMs > 0, `first translation after ${firstTranslationMs} ms`);
    // The first screen shows the first example and the translation models.json records for the bundled model
    // (scripts/regenerate-examples.mjs rewrites it when the model changes).
    assert.equal(await page.locator('#input').inputValue(), defaultModel.examples[0].source);
    assert.equal(await page.locator('#translation').innerText(), defaultModel.examples[0].translation);
    await page.screenshot({ path: join(artifactsDir, 'page-light.png'), fullPage: true });
  });

  // A measurement, not a check of speed: the machine running the tests may be busy. Each load is a fresh context,
  // so nothing is reused from the previous one (the test server also forbids caching).
  it('measures page load → first translation over 5 loads, with its phases', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    const loads = [];
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const fresh = await context.newPage();
      allProblems.push(...watchPage(fresh));
      await fresh.goto(`${server.url}index.html`);
      await fresh.waitForFunction(() => document.documentElement.dataset.firstTranslationMs, null, { timeout: WAIT_MS });
      // Milliseconds since navigation start.
      loads.push(await fresh.evaluate((modelFile) => {
        const mark = (name) => performance.getEntriesByName(name, 'mark')[0]?.startTime;
        // The model's GET (index.html preloads it, so it may start before the page asks for it).
        const model = performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith(modelFile)).pop();
        return {
          htmlReceived: performance.getEntriesByType('navigation')[0]?.responseEnd,
          loadRequested: mark('model-load-start'), downloadStart: model?.startTime, downloaded: model?.responseEnd,
          engineReady: mark('engine-ready'), modelParsed: mark('model-parsed'),
          modelReady: mark('model-ready'), firstTranslation: mark('first-translation'),
          total: Number(document.documentElement.dataset.firstTranslationMs),
        };
      }, defaultModel.file));
      await context.close();
    }
    for (const load of loads) {
      for (const [name, value] of Object.entries(load)) assert.ok(Number.isFinite(value) && value > 0, `${name}: ${value}`);
      const order = ['htmlReceived', 'loadRequested', 'modelReady', 'firstTranslation'];
      order.slice(1).forEach((name, i) => assert.ok(load[order[i]] <= load[name], JSON.stringify(load)));
      assert.ok(load.downloadStart <= load.downloaded && load.downloaded <= load.modelReady, JSON.stringify(load));
    }
    const median = (values) => Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);
    const medianOf = (pick) => median(loads.map(pick));
    const summary = {
      model: defaultModel.id,
      firstTranslationMs: medianOf((load) => load.total),
      eachLoadMs: loads.map((load) => Math.round(load.total)),
      // Medians. The model downloads while the page starts; the engine starts once both are done.
      phasesMs: {
        navigationToHtml: medianOf((load) => load.htmlReceived),  // the browser's own start-up
        htmlToLoadRequest: medianOf((load) => load.loadRequested - load.htmlReceived),  // scripts, models.json
        modelDownload: medianOf((load) => load.downloaded - load.downloadStart),
        downloadWaitAfterRequest: medianOf((load) => Math.max(0, load.downloaded - load.loadRequested)),
        engineStartAndModelLoad: medianOf((load) => load.modelReady - Math.max(load.downloaded, load.loadRequested)),
        // The worker compiles the engine while the model downloads: 'engine-ready' may come before the download ends.
        engineReadyAfterRequest: medianOf((load) => load.engineReady - load.loadRequested),
        modelParse: medianOf((load) => load.modelParsed - Math.max(load.engineReady, load.downloaded)),
        firstTranslate: medianOf((load) => load.firstTranslation - load.modelReady),
      },
    };
    await mkdir(artifactsDir, { recursive: true });
    await writeFile(join(artifactsDir, 'timings.json'), `${JSON.stringify(summary, null, 1)}\n`);
    console.log(`page load → first translation (${defaultModel.id}), median of 5: ${summary.firstTranslationMs} ms; `
      + `loads ${summary.eachLoadMs.join(', ')} ms; phases ${JSON.stringify(summary.phasesMs)}`);
  });

  it('translates typed text like the engine does, one |target|×|source| matrix per sentence', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    const french = defaultModel.id === 'fr-en';
    const text = french ? FRENCH : defaultModel.examples[defaultModel.examples.length - 1].source;
    await page.locator('#input').fill('');
    await page.locator('#input').pressSequentially(text, { delay: 5 });
    await waitForIdle(page);

    const engine = await createTranslator({ model: join(webRoot, defaultModel.file) });
    const expected = await engine.translate(text, { beam: 4, nbest: 4 });
    engine.dispose();
    assert.equal(await page.locator('#translation').innerText(), expected.text);
    assert.equal(await page.locator('#results alignment-matrix').count(), expected.sentences.length);
    if (french) assert.ok(expected.sentences.length >= 2, 'the paragraph has two sentences');
    for (let i = 0; i < expected.sentences.length; i++) {
      const matrix = await readMatrix(page, i);
      const sentence = expected.sentences[i];
      assert.deepEqual(matrix.data.source_tokens, sentence.sourceTokens);
      assert.deepEqual(matrix.data.target_tokens, sentence.targetTokens);
      assert.equal(matrix.cells, sentence.targetTokens.length * sentence.sourceTokens.length);
      assert.equal(matrix.rowLabels, sentence.targetTokens.length);
      assert.equal(matrix.colLabels, sentence.sourceTokens.length);
      assertRowsSumToOne(matrix.data.attention, `sentence ${i}`);
      await assertLabelsReadable(page, i, `sentence ${i}`);
    }
  });

  it('draws every label in full and apart: short and 15-word sentences, pieces and words, 360 px, dark', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    const sentences = defaultModel.id === 'fr-en'
      ? { jane: "Jane visite l'Afrique en septembre.",
          long: 'Le petit chat noir de ma voisine dort tous les après-midi sur le canapé rouge.' }  // 15 words
      : { first: defaultModel.examples[0].source, last: defaultModel.examples[defaultModel.examples.length - 1].source };
    for (const [width, scheme] of [[1280, 'light'], [360, 'dark']]) {
      const view = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
      allProblems.push(...watchPage(view));
      await view.goto(`${server.url}index.html`);
      await view.waitForSelector('#results alignment-matrix', { timeout: WAIT_MS });
      for (const [name, sentence] of Object.entries(sentences)) {
        for (const merged of [false, true]) {
          await view.locator('#merge').selectOption(merged ? 'words' : 'pieces');
          await view.locator('#input').fill(sentence);
          await view.mouse.move(0, 0);  // no hover highlight in the pictures
          await view.waitForFunction((text) => document.querySelector('.sentence-title')?.textContent === text
            && document.querySelector('#results').getAttribute('aria-busy') === 'false', sentence, { timeout: WAIT_MS });
          const what = `${name}${merged ? ', words' : ''}, ${width} px ${scheme}`;
          await assertLabelsReadable(view, 0, what);
          await view.locator('#results alignment-matrix').first()
            .screenshot({ path: join(artifactsDir, `matrix-${name}${merged ? '-words' : ''}-${width}-${scheme}.png`) });
        }
      }
      await view.close();
    }
  });

  it('links the matrix and the text both ways on hover', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    const { data } = await readMatrix(page, 0);
    const card = page.locator('#results alignment-matrix').first();
    const row = Math.min(1, data.target_tokens.length - 1);
    await card.locator(`.row-label[data-r="${row}"]`).hover();
    let matrix = await readMatrix(page, 0);
    assert.ok(matrix.rowBand && !matrix.colBand, 'hovering a target token outlines its row');
    assert.deepEqual(matrix.activeRows, [row]);
    const sourceWords = wordsOf(data.source_tokens);
    sourceWords.forEach((pieces, w) => {
      const expected = Math.min(1, pieces.reduce((sum, c) => sum + data.attention[row][c], 0));
      assert.ok(Math.abs(matrix.sourceWords[w].weight - expected) < 2e-3, `source word ${w}: ${matrix.sourceWords[w].weight} vs ${expected}`);
      assert.equal(matrix.sourceWords[w].attended, expected >= 0.15);
    });
    assert.ok(matrix.sourceWords.some((word) => word.attended), 'some source word is highlighted');

    const col = 0;
    await card.locator(`.col-label[data-c="${col}"]`).hover();
    matrix = await readMatrix(page, 0);
    assert.ok(matrix.colBand && !matrix.rowBand, 'hovering a source token outlines its column');
    assert.deepEqual(matrix.activeCols, [col]);
    wordsOf(data.target_tokens).forEach((pieces, w) => {
      const expected = Math.min(1, pieces.reduce((sum, r) => sum + data.attention[r][col], 0) / pieces.length);
      assert.ok(Math.abs(matrix.targetWords[w].weight - expected) < 2e-3, `target word ${w}: ${matrix.targetWords[w].weight} vs ${expected}`);
    });

    // Hovering words of the text highlights the matching rows and columns of the matrix.
    await card.locator('.strip.target .word').first().hover();
    matrix = await readMatrix(page, 0);
    assert.ok(matrix.rowBand);
    assert.deepEqual(matrix.activeRows, wordsOf(data.target_tokens)[0]);
    await card.locator('.strip.source .word').first().hover();
    matrix = await readMatrix(page, 0);
    assert.ok(matrix.colBand);
    assert.deepEqual(matrix.activeCols, sourceWords[0]);

    // A cell shows its value.
    await card.locator(`.cell[data-r="${row}"][data-c="0"]`).hover();
    const tooltip = await card.locator('.tooltip').innerText();
    assert.ok(tooltip.includes(`${Math.round(data.attention[row][0] * 100)}%`) && tooltip.includes(data.attention[row][0].toFixed(3)), tooltip);
    await page.screenshot({ path: join(artifactsDir, 'page-hover.png') });
    await page.mouse.move(0, 0);
  });

  it('merges sub-word pieces into words: columns summed, rows averaged', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    const { data } = await readMatrix(page, 0);
    await page.locator('#merge').selectOption('words');
    const merged = (await readMatrix(page, 0)).shown;
    const sourceWords = wordsOf(data.source_tokens), targetWords = wordsOf(data.target_tokens);
    assert.equal(merged.source_tokens.length, sourceWords.length);
    assert.equal(merged.target_tokens.length, targetWords.length);
    targetWords.forEach((rows, i) => sourceWords.forEach((cols, j) => {
      let sum = 0;
      for (const r of rows) for (const c of cols) sum += data.attention[r][c];
      assert.ok(Math.abs(merged.attention[i][j] - sum / rows.length) < 1e-5, `merged cell ${i},${j}`);
    }));
    assertRowsSumToOne(merged.attention, 'merged matrix');
    assert.equal((await readMatrix(page, 0)).cells, sourceWords.length * targetWords.length);
    await page.screenshot({ path: join(artifactsDir, 'page-merged.png'), fullPage: true });
    await page.locator('#merge').selectOption('pieces');
  });

  it('lists the alternatives best first, in full; clicking one shows it in the card and the translation box', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    await page.locator('#beam').fill('4');
    await page.locator('#nbest').fill('3');
    await waitForIdle(page);
    const card = page.locator('#results .sentence-card').first();
    const scores = (await card.locator('.hypothesis .score').allInnerTexts()).map(Number);
    assert.equal(scores.length, 3);
    scores.forEach((score) => assert.ok(Number.isFinite(score) && score <= 0, `score ${score}`));
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'best score first');
    assert.equal(await card.locator('.hypothesis-text').first().evaluate((node) => getComputedStyle(node).webkitLineClamp), 'none',
      'alternatives are not cut');
    const second = card.locator('.hypothesis').nth(1);
    await second.click();
    assert.equal(await second.getAttribute('aria-pressed'), 'true');
    const shown = (await readMatrix(page, 0)).shown;
    assert.equal(shown.translation, await second.locator('.hypothesis-text').innerText());
    assert.equal(await card.locator('.sentence-translation').innerText(), shown.translation);
    assert.ok((await page.locator('#translation').innerText()).startsWith(shown.translation), 'the translation box follows the choice');
    await card.locator('.hypothesis').first().click();
    assert.ok((await page.locator('#translation').innerText()).startsWith(await card.locator('.hypothesis-text').first().innerText()));
  });

  it('exports PNG, SVG, JSON and soft-alignment text', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    const { shown } = await readMatrix(page, 0);
    const rows = shown.target_tokens.length, cols = shown.source_tokens.length;

    const png = await download(page, 'png');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.readUInt32BE(16) > 100 && png.readUInt32BE(20) > 100, 'PNG has a real size');

    const svg = (await download(page, 'svg')).toString('utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.localName,
        cells: doc.querySelectorAll('rect.cell').length };
    }, svg);
    assert.equal(parsed.error, null);
    assert.equal(parsed.root, 'svg');
    assert.equal(parsed.cells, rows * cols);

    const json = JSON.parse((await download(page, 'json')).toString('utf8'));
    assert.deepEqual(Object.keys(json).sort(), ['attention', 'model', 'source', 'source_tokens', 'target_tokens', 'translation']);
    assert.deepEqual(json.source_tokens, shown.source_tokens);
    assert.deepEqual(json.target_tokens, shown.target_tokens);
    assert.equal(json.attention.length, rows);
    json.attention.forEach((row) => assert.equal(row.length, cols));
    assert.equal(json.model, defaultModel.file.split('/').pop());

    const text = (await download(page, 'alignment')).toString('utf8');
    const lines = text.split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    const [translation, alignment] = lines[0].split(' ||| ');
    assert.equal(translation, shown.translation);
    const alignmentRows = alignment.split(' ');
    assert.equal(alignmentRows.length, rows);
    alignmentRows.forEach((row, r) => {
      const weights = row.split(',').map(Number);
      assert.equal(weights.length, cols);
      weights.forEach((weight, c) => assert.ok(Math.abs(weight - json.attention[r][c]) < 1e-6));
    });
  });

  it('shows a bad model file\'s error inline and keeps working; loads a good file dropped on the page', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    // A text file renamed .safetensors: its first 8 bytes read as an absurd header length.
    const badBytes = Buffer.from('This is a text file, not a model.\n'.repeat(4));
    let loaderMessage = '';
    await createTranslator({ model: new Uint8Array(badBytes) }).catch((error) => { loaderMessage = error.message; });
    assert.ok(loaderMessage, 'the loader rejects the bad file');

    await page.locator('#model-file').setInputFiles({ name: 'broken.safetensors', mimeType: 'application/octet-stream', buffer: badBytes });
    const error = page.locator('#model-error');
    await error.waitFor({ state: 'visible', timeout: WAIT_MS });
    const message = await page.locator('#model-error-summary').innerText();
    assert.ok(message.startsWith('Could not load broken.safetensors. This is not a model file.'), message);
    assert.doesNotMatch(message, /header length/, 'the technical message is not the headline');
    assert.ok((await page.locator('#model-error-detail').textContent()).includes(loaderMessage.replace(/\.$/, '')), 'the detail keeps it');
    assert.ok(await error.evaluate((box) => box.getBoundingClientRect().top >= -1), 'the error is scrolled into view');  // (sub-pixel positions)
    await page.screenshot({ path: join(artifactsDir, 'page-bad-model.png') });

    // The previous model still translates.
    const sentence = defaultModel.examples[1].source;
    await page.locator('#input').fill(sentence);
    await waitForIdle(page);
    assert.ok((await page.locator('.sentence-title').last().innerText()).endsWith(sentence));
    assert.ok((await page.locator('#translation').innerText()).length > 0);

    // Dropping a real model file loads it.
    const modelBytes = await readFile(join(webRoot, defaultModel.file));
    await page.evaluate(async ({ base64, name }) => {
      const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, { base64: modelBytes.toString('base64'), name: 'dropped.safetensors' });
    await page.waitForFunction(() => document.querySelector('#model-info').textContent.includes('dropped.safetensors'), null, { timeout: WAIT_MS });
    assert.equal(await error.isHidden(), true);
    assert.equal(await page.locator('#model-select').inputValue(), 'custom');
  });

  it('shows an inline error and keeps working when a model URL answers 404 or HTML, or a file is empty', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    // Bundled entries whose files fail the way misconfigured servers fail: listed, and failing when chosen.
    const fakes = [
      { id: 'gone', label: 'Gone model', file: 'models/gone.safetensors', reason: /HTTP 404/, says: 'The model file was not found',
        answer: () => ({ status: 404, contentType: 'text/plain', body: 'not found' }) },
      { id: 'spa', label: 'Index page', file: 'models/spa.safetensors', reason: /not a model file \(the server sent text\/html/, says: 'The server sent a web page',
        answer: () => ({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>Home</title><p>Welcome</p>' }) },
      { id: 'mislabelled', label: 'Mislabelled page', file: 'models/mislabelled.safetensors', reason: /not a model file \(it looks like HTML\)/, says: 'The server sent a web page',
        answer: () => ({ status: 200, contentType: 'application/octet-stream', body: '\n  <!DOCTYPE html><html><body>Moved</body></html>' }) },
    ];
    const entries = JSON.parse(await readFile(join(webRoot, 'models.json'), 'utf8'));
    const broken = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const brokenProblems = watchPage(broken);
    const listed = [...entries, ...fakes.map(({ id, label, file }) => ({ id, label, file, examples: [] }))];
    await broken.route('**/models.json', (route) => route.fulfill({ json: listed }));
    for (const fake of fakes) {
      await broken.route(`**/${fake.file}`, (route) => route.fulfill({ body: '', ...fake.answer(route.request().method()) }));
    }
    await broken.goto(`${server.url}index.html`);
    await broken.waitForSelector('#results alignment-matrix', { timeout: WAIT_MS });
    const error = broken.locator('#model-error');
    const stillTranslates = async (sentence) => {
      await broken.locator('#input').fill(sentence);
      // (The first card's title holds the start of the text, whether it is one sentence or several.)
      await broken.waitForFunction((start) => document.querySelector('.sentence-title')?.textContent.includes(start)
        && document.querySelector('#results').getAttribute('aria-busy') === 'false', sentence.slice(0, 12), { timeout: WAIT_MS });
      assert.ok((await broken.locator('#translation').innerText()).length > 0);
    };

    for (const [index, fake] of fakes.entries()) {
      await broken.locator('#model-select').selectOption(fake.id);
      await error.waitFor({ state: 'visible', timeout: WAIT_MS });
      const message = await broken.locator('#model-error-summary').innerText();
      assert.ok(message.startsWith(`Could not load ${fake.label}. ${fake.says}`), message);
      assert.match(await broken.locator('#model-error-detail').textContent(), fake.reason);
      assert.ok(message.endsWith(`Still using ${defaultModel.label}.`), message);
      assert.equal(await broken.locator('#model-select').inputValue(), defaultModel.id, 'the select shows the model in use');
      if (index === 0) await broken.screenshot({ path: join(artifactsDir, 'page-model-404.png') });
      await stillTranslates(defaultModel.examples[index + 1].source);
      assert.equal(await error.isHidden(), true, 'a successful translation clears the error');
    }

    await broken.locator('#model-file').setInputFiles({ name: 'empty.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) });
    await error.waitFor({ state: 'visible', timeout: WAIT_MS });
    assert.match(await broken.locator('#model-error-summary').innerText(), /^Could not load empty\.safetensors\. This is not a model file/);
    assert.match(await broken.locator('#model-error-detail').textContent(), /too short/);
    assert.equal(await broken.locator('#model-select').inputValue(), defaultModel.id);
    assert.equal(await broken.locator('#model-select option[value="custom"]').count(), 0, 'the failed file is not offered');
    await stillTranslates(defaultModel.examples[0].source);
    await broken.close();

    // The only console errors are the browser's report of the 404.
    const unexpected = brokenProblems.filter((problem) => !(problem.includes('404') && problem.includes('gone.safetensors')));
    assert.deepEqual(unexpected, []);
  });

  it('offers only deployed models: falls back to the next one when the default is missing, explains when none is', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    const missing = { id: 'missing', label: 'Missing model', file: 'models/missing.safetensors', examples: [{ source: 'Bonjour.', translation: 'Hello.' }] };
    const cases = [
      { name: 'default missing', list: [missing, defaultModel], expectedOption: defaultModel.id },
      { name: 'none deployed', list: [missing, { ...missing, id: 'missing-too', file: 'models/missing-too.safetensors' }], expectedOption: '' },
    ];
    for (const { name, list, expectedOption } of cases) {
      const view = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const viewProblems = watchPage(view);
      await view.route('**/models.json', (route) => route.fulfill({ json: list }));
      await view.goto(`${server.url}index.html`);
      const select = view.locator('#model-select');
      if (expectedOption) {
        await view.waitForSelector('#results alignment-matrix', { timeout: WAIT_MS });
        assert.equal(await view.locator('#model-error').isHidden(), true, `${name}: ${await view.locator('#model-error').innerText()}`);
        assert.deepEqual(await select.locator('option').evaluateAll((options) => options.map((option) => option.value)), [expectedOption], name);
      } else {
        await view.locator('#model-error', { hasText: 'No bundled model' }).waitFor({ timeout: WAIT_MS });
        assert.equal(await select.isDisabled(), true, name);
      }
      await view.close();
      const unexpected = viewProblems.filter((problem) => !(problem.includes('404') && /missing(-too)?\.safetensors/.test(problem)));
      assert.deepEqual(unexpected, [], name);
    }
  });

  it('translates human dates to ISO with the date model', async (t) => {
    const dates = models.find((model) => model.id === 'dates');
    if (!dates) return t.skip('the date model is not deployed');
    await page.locator('#merge').selectOption('auto');  // characters stay characters
    await page.locator('#model-select').selectOption('dates');
    await page.waitForFunction(() => document.querySelector('#model-info').textContent.includes('ISO'), null, { timeout: WAIT_MS });
    await page.locator('#input').fill('Monday, March 5, 1979');
    await waitForIdle(page);
    assert.equal(await page.locator('#translation').innerText(), '1979-03-05');
    assert.match(await page.locator('#input-label').innerText(), /date/i, 'the label says what the model expects');
    assert.equal(await page.locator('#input').inputValue(), 'Monday, March 5, 1979');
    assert.equal(await page.locator('.sentence-title').innerText(), 'Monday, March 5, 1979');
    const matrix = await readMatrix(page, 0);
    assert.equal(matrix.cells, matrix.data.source_tokens.length * matrix.data.target_tokens.length);
    await assertLabelsReadable(page, 0, 'dates');
    await page.screenshot({ path: join(artifactsDir, 'page-dates.png'), fullPage: true });
  });

  it('works at 360 px wide, in dark mode and from the keyboard', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    const small = await browser.newPage({ viewport: { width: 360, height: 780 }, colorScheme: 'dark' });
    const smallProblems = watchPage(small);
    await small.goto(`${server.url}index.html`);
    await small.waitForSelector('#results alignment-matrix', { timeout: WAIT_MS });
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 360, `the page is ${overflow} px wide at a 360 px viewport`);
    const background = await small.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(13, 16, 23)', 'dark palette');
    await small.screenshot({ path: join(artifactsDir, 'page-dark-360.png'), fullPage: true });

    // Keyboard: tab to the matrix, read a cell with the arrow keys.
    const figure = small.locator('#results alignment-matrix').first().locator('.figure');
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await small.keyboard.press('Tab');
      reached = await figure.evaluate((element) => element.getRootNode().activeElement === element);
    }
    assert.ok(reached, 'the matrix is reachable with Tab');
    await small.keyboard.press('ArrowRight');
    const live = await small.locator('#results alignment-matrix').first().locator('[aria-live]').innerText();
    assert.match(live, /attention \d\.\d{3}/);
    await small.close();
    allProblems.push(...smallProblems);

    const dark = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
    allProblems.push(...watchPage(dark));
    await dark.goto(`${server.url}index.html`);
    await dark.waitForSelector('#results alignment-matrix', { timeout: WAIT_MS });
    await dark.locator('#results alignment-matrix').first().locator('.cell[data-r="0"][data-c="0"]').hover();
    await dark.screenshot({ path: join(artifactsDir, 'page-dark.png'), fullPage: true });
    await dark.close();
  });

  it('logged no console errors', () => {
    // The page probes each bundled model's file; one that is not deployed answers 404, which the browser logs.
    const expected = (problem) => problem.includes('404') && missingModels.some((file) => problem.includes(`/${file})`));
    assert.deepEqual([...problems, ...allProblems].filter((problem) => !expected(problem)), []);
  });
});
