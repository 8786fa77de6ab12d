// The page and the elements as everyday products (issue #19): the first screen, no sideways overflow on phones,
// confidence and the sanity check, wide matrices, theming, and the basics (copy, clear, the text kept across a
// model switch, the character limit, the legend's unit, the tooltip's place, beam and alternatives, the favicon,
// no request for a model nobody chose). Screenshots: test-artifacts/everyday-*.png.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WAIT_MS, artifactsDir, deployedModels, launchBrowser, startStaticServer, watchPage, webRoot } from './harness.mjs';

const NO_MODEL = 'no model listed in web/models.json is deployed in web/models/';
// The sentence whose numbers the model changed ("3 killes for 1200").
const NUMBERS = 'Pierre a acheté 3 kilos de pommes pour 12 euros au marché de Lyon samedi dernier.';
// 44 source pieces: the wide matrix.
const LONG = 'Le comité international a finalement approuvé la proposition controversée du gouvernement canadien '
  + 'concernant la réglementation des télécommunications en septembre.';

async function openPage(browser, url, { width, height = 900, scheme = 'light' }) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
  const page = await context.newPage();
  const problems = watchPage(page);
  const requests = [];
  page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
  await page.goto(url);
  return { context, page, problems, requests };
}

async function waitForTranslation(page) {
  await page.waitForSelector('#results alignment-matrix', { timeout: WAIT_MS });
  await page.waitForFunction(() => document.querySelector('#results').getAttribute('aria-busy') === 'false', null, { timeout: WAIT_MS });
}

async function translate(page, text) {
  await page.locator('#input').fill(text);
  await page.waitForFunction((start) => document.querySelector('.sentence-title')?.textContent.includes(start)
    && document.querySelector('#results').getAttribute('aria-busy') === 'false', text.slice(0, 20), { timeout: WAIT_MS });
}

// The widest thing on the page, and any element whose right edge passes the viewport (shadow roots included).
function overflowReport(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const offenders = [];
    const visit = (root) => {
      for (const node of root.querySelectorAll('*')) {
        const box = node.getBoundingClientRect();
        // Inside a scrolling box, being wider than the screen is the point (the box itself must fit).
        const scroller = node.parentElement?.closest('.figure, .code, .doc-table');
        if (box.width > 0 && box.right > width + 0.5 && !scroller) offenders.push(`${node.localName}.${node.className?.baseVal ?? node.className} ${Math.round(box.right)}`);
        if (node.shadowRoot) visit(node.shadowRoot);
      }
    };
    visit(document);
    return { scrollWidth: document.documentElement.scrollWidth, width, offenders: offenders.slice(0, 5) };
  });
}

describe('everyday use', () => {
  let server, browser, models, defaultModel;
  const allProblems = [];

  before(async () => {
    await mkdir(artifactsDir, { recursive: true });
    ({ present: models } = await deployedModels());
    defaultModel = models[0];
    server = await startStaticServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('puts source, translation and the matrix on the first screen (1280×800 and 390×844)', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    for (const [width, height, scheme] of [[1280, 800, 'light'], [390, 844, 'dark']]) {
      const { context, page, problems } = await openPage(browser, `${server.url}index.html`, { width, height, scheme });
      allProblems.push(...problems);
      await waitForTranslation(page);
      const box = (selector) => page.locator(selector).first().evaluate((node) => {
        const { top, bottom } = node.getBoundingClientRect();
        return { top, bottom };
      });
      const input = await box('#input'), translation = await box('#translation'), matrix = await box('#results alignment-matrix');
      assert.ok(input.bottom <= height, `${width} px: the text box ends at ${input.bottom}`);
      assert.ok(translation.bottom <= height, `${width} px: the translation ends at ${translation.bottom}`);
      if (width >= 1000) assert.ok(matrix.top + 120 <= height, `${width} px: the matrix starts at ${matrix.top}`);
      assert.equal(await page.locator('#model-panel').evaluate((node) => node.open), false, 'model details start collapsed');
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(artifactsDir, `everyday-first-screen-${width}-${scheme}.png`) });
      await context.close();
    }
  });

  it('never overflows sideways at 320, 360 and 390 px: the page, a wide matrix, and the embed page', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    for (const width of [320, 360, 390]) {
      const { context, page, problems } = await openPage(browser, `${server.url}index.html`, { width, scheme: width === 390 ? 'dark' : 'light' });
      allProblems.push(...problems);
      await waitForTranslation(page);
      if (defaultModel.id === 'fr-en') await translate(page, LONG);
      const report = await overflowReport(page);
      assert.ok(report.scrollWidth <= width && report.offenders.length === 0, `page at ${width} px: ${JSON.stringify(report)}`);
      await page.screenshot({ path: join(artifactsDir, `everyday-page-${width}.png`), fullPage: true });

      await page.goto(`${server.url}embed-example.html`);
      await page.locator('attention-translator').evaluate((node) => node.scrollIntoView());
      await page.locator('attention-translator alignment-matrix .cell').first().waitFor({ timeout: WAIT_MS });
      const embed = await overflowReport(page);
      assert.ok(embed.scrollWidth <= width && embed.offenders.length === 0, `embed page at ${width} px: ${JSON.stringify(embed)}`);
      await page.screenshot({ path: join(artifactsDir, `everyday-embed-${width}.png`), fullPage: true });
      await context.close();
    }
  });

  it('shows how sure each sentence and word is, and flags a number the translation changed', async (t) => {
    const french = models.find((model) => model.id === 'fr-en');
    if (!french) return t.skip('the fr-en model is not deployed');
    const { context, page, problems } = await openPage(browser, `${server.url}index.html`, { width: 1280 });
    allProblems.push(...problems);
    await waitForTranslation(page);
    await translate(page, NUMBERS);
    const card = page.locator('#results .sentence-card').first();
    const translation = await card.locator('.sentence-translation').innerText();
    const digits = (text) => (text.match(/\d+/g) ?? []).join(' ');
    const badge = card.locator('.verdict .badge');
    assert.match(await badge.innerText(), /^(Looks right|Check|Doubtful) · \d+% average word probability$/);
    const problemsShown = await card.locator('.problems li').allInnerTexts();
    // Independently of the page's code: when the digits differ, the sentence must be doubtful and say so.
    if (digits(translation) !== digits(NUMBERS)) {
      assert.match(await badge.getAttribute('class'), /doubtful/);
      assert.ok(problemsShown.some((problem) => /number/.test(problem)), `${translation}: ${problemsShown}`);
      assert.match(await page.locator('#confidence').innerText(), /^Doubtful/);
    }
    assert.equal(await page.locator('#confidence-legend li').count(), 3, 'a legend explains the levels');
    assert.ok((await page.locator('#legend-doubtful').innerText()).length > 20);
    await page.screenshot({ path: join(artifactsDir, 'everyday-confidence.png') });
    await context.close();
  });

  it('flags a date the date model was unsure of, and never shows an impossible date without a warning', async (t) => {
    const dates = models.find((model) => model.id === 'dates');
    if (!dates) return t.skip('the date model is not deployed');
    const { context, page, problems } = await openPage(browser, `${server.url}index.html`, { width: 1280 });
    allProblems.push(...problems);
    await waitForTranslation(page);
    await page.locator('#model-select').selectOption('dates');
    await page.waitForFunction(() => /date/i.test(document.querySelector('#input-label').textContent), null, { timeout: WAIT_MS });
    for (const text of ['Monday, March 5, 1979', 'February 31, 1999', '0/0/20', 'the 99th of Smarch, 12345']) {
      await translate(page, text);
      const output = (await page.locator('#translation').innerText()).trim();
      const [year, month, day] = (/^(\d{4})-(\d{2})-(\d{2})$/.exec(output) ?? []).slice(1).map(Number);
      const real = year && month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
      const level = await page.locator('#results .verdict .badge').first().getAttribute('class');
      if (!real) assert.match(level, /doubtful/, `${text} → ${output} is shown without a warning`);
      if (text === 'Monday, March 5, 1979') assert.match(level, /sure/);
    }
    await context.close();
  });

  it('draws wide matrices as words with a scroll cue, and explains the piece marker', async (t) => {
    const french = models.find((model) => model.id === 'fr-en');
    if (!french) return t.skip('the fr-en model is not deployed');
    const { context, page, problems } = await openPage(browser, `${server.url}index.html`, { width: 390, height: 844 });
    allProblems.push(...problems);
    await waitForTranslation(page);
    await translate(page, LONG);
    const matrix = page.locator('#results alignment-matrix').first();
    const data = await matrix.evaluate((node) => node.data);
    assert.ok(data.source_tokens.length > 20, `${data.source_tokens.length} pieces`);
    assert.equal(await matrix.evaluate((node) => node.currentMatrix.source_tokens.length < node.data.source_tokens.length), true,
      'a long sentence is shown as words by default');
    await page.locator('#merge').selectOption('pieces');
    await matrix.locator('.scroll-hint:not([hidden])').waitFor();
    assert.match(await matrix.locator('.scroll-hint').innerText(), /Scroll sideways → to see all \d+ columns/);
    assert.match(await matrix.locator('.note').innerText(), /· marks a piece that continues the word before it/);
    await matrix.screenshot({ path: join(artifactsDir, 'everyday-wide-pieces-390.png') });
    await context.close();
  });

  it('has the everyday basics: copy, clear, text kept across models, a character limit, honest legend and tooltip', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    const { context, page, problems, requests } = await openPage(browser, `${server.url}index.html`, { width: 1280 });
    allProblems.push(...problems);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await waitForTranslation(page);

    await page.locator('#copy').click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.locator('#translation').innerText());
    await page.locator('#clear').click();
    assert.equal(await page.locator('#input').inputValue(), '');
    await page.waitForFunction(() => document.querySelector('#translation').textContent === '');

    const limit = Number(await page.locator('#input').getAttribute('maxlength'));
    await page.locator('#input').fill('a'.repeat(limit + 50));
    assert.equal((await page.locator('#input').inputValue()).length, limit);
    assert.match(await page.locator('#char-count').innerText(), /the limit; text beyond it was cut/);
    assert.match(await page.locator('#input-hint').innerText(), /longer text is cut/);

    // The legend is in the cells' unit.
    await translate(page, defaultModel.examples[0].source);
    const legendTicks = await page.locator('#results alignment-matrix').first().evaluate((node) =>
      [...node.shadowRoot.querySelectorAll('.legend text')].map((text) => text.textContent));
    assert.deepEqual(legendTicks.slice(0, 3), ['0', '50', '100']);

    // The tooltip sits beside its cell, never on it.
    const matrix = page.locator('#results alignment-matrix').first();
    const cell = matrix.locator('.cell[data-r="1"][data-c="1"]');
    await cell.hover();
    await page.waitForTimeout(150);  // the tooltip's fade-in
    const [cellBox, tipBox] = [await cell.boundingBox(), await matrix.locator('.tooltip').boundingBox()];
    const overlaps = cellBox.x < tipBox.x + tipBox.width && tipBox.x < cellBox.x + cellBox.width
      && cellBox.y < tipBox.y + tipBox.height && tipBox.y < cellBox.y + cellBox.height;
    assert.equal(overlaps, false, `tooltip ${JSON.stringify(tipBox)} covers the cell ${JSON.stringify(cellBox)}`);
    await page.screenshot({ path: join(artifactsDir, 'everyday-tooltip.png') });
    await page.mouse.move(0, 0);

    // Beam and alternatives never rewrite each other.
    await page.locator('#nbest').fill('4');
    await page.locator('#beam').fill('2');
    await page.waitForFunction(() => document.querySelectorAll('#results .sentence-card:first-child .hypothesis').length <= 2
      && document.querySelector('#results').getAttribute('aria-busy') === 'false');
    assert.equal(await page.locator('#nbest').inputValue(), '4');
    await page.locator('#beam').fill('4');
    await page.waitForFunction(() => document.querySelectorAll('#results .sentence-card:first-child .hypothesis').length > 2
      && document.querySelector('#results').getAttribute('aria-busy') === 'false');

    // The text survives a model switch.
    const other = models.find((model) => model !== defaultModel);
    if (other) {
      await page.locator('#input').fill('Mon texte à moi.');
      await page.locator('#model-select').selectOption(other.id);
      await page.waitForFunction((label) => document.querySelector('#model-info').textContent.includes(label), other.label, { timeout: WAIT_MS });
      assert.equal(await page.locator('#input').inputValue(), 'Mon texte à moi.');
    }

    // The favicon exists; no model is requested (not even HEAD) before it is chosen.
    assert.ok(requests.includes('GET /favicon.svg'), requests.join('\n'));
    assert.equal((await page.request.get(`${server.url}favicon.svg`)).status(), 200);
    assert.deepEqual(requests.filter((request) => request.startsWith('HEAD')), []);
    const modelRequests = requests.filter((request) => request.includes('.safetensors')).map((request) => request.split('/').pop());
    const chosen = new Set([defaultModel, other].filter(Boolean).map((model) => model.file.split('/').pop()));
    assert.deepEqual(modelRequests.filter((file) => !chosen.has(file)), []);
    await context.close();
  });

  it('follows a documentation site\'s theme: theme attribute, CSS custom properties and parts', async (t) => {
    if (!defaultModel) return t.skip(NO_MODEL);
    const { context, page, problems } = await openPage(browser, `${server.url}embed-example.html`, { width: 1000, scheme: 'light' });
    allProblems.push(...problems);
    // The static figure uses the page's own colours (set by CSS custom properties in styles.css).
    const stops = await page.locator('#static-matrix').evaluate((node) =>
      [...node.shadowRoot.querySelectorAll('stop')].map((stop) => stop.getAttribute('stop-color')));
    assert.deepEqual(stops, ['#fff7ec', '#fc8d59', '#7f0000']);
    // theme="dark" on a light OS: the element and its matrices turn dark.
    const element = page.locator('attention-translator');
    await element.evaluate((node) => { node.setAttribute('theme', 'dark'); node.scrollIntoView(); });
    await element.locator('alignment-matrix .cell').first().waitFor({ timeout: WAIT_MS });
    const look = await element.evaluate((node) => ({
      box: getComputedStyle(node.shadowRoot.querySelector('[part~="box"]')).backgroundColor,
      matrixTheme: node.shadowRoot.querySelector('alignment-matrix').getAttribute('theme'),
      firstStop: node.shadowRoot.querySelector('alignment-matrix').shadowRoot.querySelector('stop').getAttribute('stop-color'),
      parts: ['input', 'translation', 'confidence', 'matrices'].filter((part) => node.shadowRoot.querySelector(`[part~="${part}"]`)),
      matrixParts: node.shadowRoot.querySelector('alignment-matrix').getAttribute('exportparts'),
    }));
    assert.equal(look.box, 'rgb(18, 21, 29)');
    assert.equal(look.matrixTheme, 'dark');
    assert.equal(look.firstStop, '#1a1d27');
    assert.deepEqual(look.parts, ['input', 'translation', 'confidence', 'matrices']);
    assert.match(look.matrixParts, /figure: matrix-figure/);
    const docs = await readFile(join(webRoot, 'embed-example.html'), 'utf8');
    for (const hook of ['theme', '--am-cell-low', '::part', 'translated', 'loaderror', 'matrixhover', 'merge="pieces"']) {
      assert.ok(docs.includes(hook), `the embed page documents ${hook}`);
    }
    await page.screenshot({ path: join(artifactsDir, 'everyday-embed-theme.png'), fullPage: true });
    await context.close();
  });

  it('logged no console errors', () => {
    assert.deepEqual(allProblems, []);
  });
});
