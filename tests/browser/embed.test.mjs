// The embeddable elements under a strict Content-Security-Policy: web/embed-example.html renders
// <attention-translator> and <alignment-matrix> with no CSP violation, no console error and no request that leaves
// the page's origin; <alignment-matrix> also reads data from a `src` URL and from its `data` property.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { STRICT_CSP, WAIT_MS, artifactsDir, deployedModels, launchBrowser, startStaticServer, watchPage, webRoot } from './harness.mjs';

const SMALL_MATRIX = {
  source_tokens: ['▁un', 'e', '▁date', '</s>'],
  target_tokens: ['▁a', '▁date', '</s>'],
  attention: [[0.5, 0.3, 0.1, 0.1], [0.1, 0.1, 0.7, 0.1], [0.05, 0.05, 0.1, 0.8]],
  source: 'une date', translation: 'a date', model: 'hand-written',
};

describe('embedding under a strict CSP', () => {
  let server, browser, page, problems, models, missingModels;
  const violations = [];
  const foreignRequests = [];

  before(async () => {
    await mkdir(artifactsDir, { recursive: true });
    ({ present: models, missing: missingModels } = await deployedModels());
    server = await startStaticServer({ headers: { 'Content-Security-Policy': STRICT_CSP } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    problems = watchPage(page);
    await page.exposeFunction('reportViolation', (text) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        window.reportViolation(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
      });
    });
    page.on('request', (request) => { if (!request.url().startsWith(server.url)) foreignRequests.push(request.url()); });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('serves the policy', async () => {
    const response = await page.goto(`${server.url}embed-example.html`);
    assert.equal(response.headers()['content-security-policy'], STRICT_CSP);
  });

  it('renders the static <alignment-matrix> from its inline JSON, merged into words', async () => {
    const matrix = page.locator('#static-matrix');
    await matrix.locator('.cell').first().waitFor();
    const shown = await matrix.evaluate((element) => element.currentMatrix);
    // Source words: Jane visite l'Afrique en septembre. </s> — target words: Jane is visiting Africa in September. </s>
    assert.equal(shown.source_tokens.length, 6);
    assert.equal(shown.target_tokens.length, 7);
    assert.equal(await matrix.locator('.cell').count(), 42);
    assert.equal(await matrix.locator('.figure').getAttribute('role'), 'img');
    assert.match(await matrix.locator('.figure').getAttribute('aria-label'), /7 target words .* 6 source words/);
    assert.match(await matrix.locator('.summary').innerText(), /Africa ← l'Afrique/);
  });

  it('renders the live <attention-translator> and translates what is typed', async (t) => {
    const model = models.find((entry) => entry.id === 'fr-en') ?? models[0];
    if (!model) return t.skip('no bundled model is deployed in web/models/');
    const element = page.locator('attention-translator');
    if (model.id !== 'fr-en') await element.evaluate((node, file) => node.setAttribute('model', file), model.file);
    // Either the matrix appears or the element reports why not.
    await element.locator('alignment-matrix .cell, .error:not([hidden])').first().waitFor({ timeout: WAIT_MS });
    assert.equal(await element.locator('.error').isHidden(), true, await element.locator('.error').innerText());
    const first = await element.locator('.translation').innerText();
    assert.ok(first.length > 0);
    const data = await element.locator('alignment-matrix').first().evaluate((node) => node.data);
    assert.equal(await element.locator('alignment-matrix').first().locator('.cell').count(),
      data.source_tokens.length * data.target_tokens.length);

    await element.locator('input').fill(model.examples[1].source);
    await page.waitForFunction((previous) => {
      const node = document.querySelector('attention-translator');
      const text = node.shadowRoot.querySelector('.translation').textContent;
      return text && text !== previous;
    }, first, { timeout: WAIT_MS });
    await page.screenshot({ path: join(artifactsDir, 'embed.png'), fullPage: true });
  });

  it('reads matrices from a src URL and from the data property; bad data shows an inline error', async () => {
    await page.route('**/figures/small.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(SMALL_MATRIX) }));
    await page.evaluate((data) => {
      const fromUrl = document.createElement('alignment-matrix');
      fromUrl.id = 'from-url';
      fromUrl.setAttribute('src', 'figures/small.json');
      const fromProperty = document.createElement('alignment-matrix');
      fromProperty.id = 'from-property';
      fromProperty.data = data;
      const broken = document.createElement('alignment-matrix');
      broken.id = 'broken';
      broken.data = { source_tokens: ['a'], target_tokens: ['b'], attention: [[0.5, 0.5]] };
      document.querySelector('main').append(fromUrl, fromProperty, broken);
    }, SMALL_MATRIX);
    for (const id of ['from-url', 'from-property']) {
      await page.locator(`#${id} .cell`).first().waitFor();
      assert.equal(await page.locator(`#${id} .cell`).count(), 12);
      assert.equal(await page.locator(`#${id} .row-label`).count(), 3);
    }
    assert.match(await page.locator('#broken [role="alert"]').innerText(), /row 0 must have 1 values/);
  });

  it('draws and highlights a 60×60 matrix quickly', async () => {
    const timings = await page.evaluate(() => {
      const size = 60;
      const tokens = (prefix) => [...Array.from({ length: size - 1 }, (_, i) => `▁${prefix}${i}`), '</s>'];
      const attention = Array.from({ length: size }, (_, r) => {
        const row = Array.from({ length: size }, (_, c) => Math.exp(-Math.abs(r - c)));
        const sum = row.reduce((a, b) => a + b, 0);
        return row.map((value) => value / sum);
      });
      const element = document.createElement('alignment-matrix');
      element.id = 'large';
      document.querySelector('main').append(element);
      const started = performance.now();
      element.data = { source_tokens: tokens('s'), target_tokens: tokens('t'), attention };
      const drawn = performance.now();
      for (let r = 0; r < size; r++) element.highlight({ row: r, col: size - 1 - r });
      const highlighted = performance.now();
      return { drawMs: drawn - started, highlightMs: (highlighted - drawn) / size, cells: element.shadowRoot.querySelectorAll('.cell').length };
    });
    console.log(`# 60×60 matrix: drawn in ${timings.drawMs.toFixed(1)} ms, one highlight in ${timings.highlightMs.toFixed(2)} ms`);
    assert.equal(timings.cells, 3600);
    assert.ok(timings.drawMs < 500, `drawing took ${timings.drawMs} ms`);
    assert.ok(timings.highlightMs < 16, `a highlight took ${timings.highlightMs} ms (one frame is 16 ms)`);
    await page.locator('#large').screenshot({ path: join(artifactsDir, 'matrix-60x60.png') });
  });

  it('ships no inline script, inline style or event-handler attribute', async () => {
    for (const file of (await readdir(webRoot)).filter((name) => /\.(html|js)$/.test(name))) {
      const text = await readFile(join(webRoot, file), 'utf8');
      if (file.endsWith('.html')) {
        assert.doesNotMatch(text, /<style|\sstyle=|\son[a-z]+=/i, `${file} has inline style or handlers`);
        for (const [, attributes] of text.matchAll(/<script([^>]*)>/g)) {
          assert.match(attributes, /\ssrc=|type="application\/json"/, `${file} has an inline script`);
        }
      } else {
        assert.doesNotMatch(text, /setAttribute\(\s*['"]style['"]|<style|\sstyle=/, `${file} writes inline styles`);
      }
    }
  });

  it('caused no CSP violation, console error or foreign request', () => {
    assert.deepEqual(violations, []);
    // Without the French model the live element's 404 is expected (and shown inline by the element).
    const expected = (problem) => problem.includes('404') && missingModels.some((file) => problem.includes(`/${file})`));
    assert.deepEqual(problems.filter((problem) => !expected(problem)), []);
    assert.deepEqual(foreignRequests, []);
  });
});
