#!/usr/bin/env node
// Measures page load → first translation of web/index.html in headless Chromium on localhost, with its phases:
// the model's download, the engine's compilation (in the worker, overlapping the download), the model's parsing
// and the first translation. "first visit" is a fresh browser context each time; "repeat" reloads the page in a
// context that has visited it once (the server answers revalidations with 304, as a static host does).
//   node scripts/measure-first-translation.mjs [--runs 5] [--browser /usr/bin/chromium]
// Prints the median of each phase (milliseconds since navigation start, or durations) as JSON. Needs web/dist/
// (scripts/build-web.sh). Timings depend on the machine's load: say how busy it was when reporting them.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const webRoot = fileURLToPath(new URL('../web', import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.safetensors': 'application/octet-stream' };

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : fallback;
}

// Static files with ETags, so that a reload revalidates (304) instead of downloading again.
async function startServer() {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const file = normalize(join(webRoot, path.endsWith('/') ? `${path}index.html` : path));
    try {
      if (!file.startsWith(webRoot + sep) || !(await stat(file)).isFile()) throw new Error('not found');
      const body = await readFile(file);
      const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
      const headers = { ETag: etag, 'Cache-Control': 'no-cache', 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (request.headers['if-none-match'] === etag) { response.writeHead(304, headers); response.end(); return; }
      response.writeHead(200, { ...headers, 'Content-Length': body.length });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
  return { server, url: `http://127.0.0.1:${server.address().port}/index.html` };
}

// The page's performance marks (see web/app.js) and the model's resource timing, in ms since navigation start.
async function phasesOf(page) {
  await page.waitForFunction(() => document.documentElement.dataset.firstTranslationMs, null, { timeout: 60_000 });
  return page.evaluate(() => {
    const mark = (name) => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? NaN;
    const model = performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('.safetensors'))[0];
    return {
      html: performance.getEntriesByType('navigation')[0].responseEnd,
      loadStart: mark('model-load-start'),
      downloadStart: model?.startTime ?? NaN, downloaded: mark('model-downloaded'),
      engineReady: mark('engine-ready'), parsed: mark('model-parsed'), firstTranslation: mark('first-translation'),
    };
  });
}

function summarize(loads) {
  const median = (values) => Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);
  const of = (pick) => median(loads.map(pick));
  return {
    firstTranslationMs: of((l) => l.firstTranslation),
    each: loads.map((l) => Math.round(l.firstTranslation)),
    phasesMs: {
      navigationToHtml: of((l) => l.html),
      htmlToModelRequest: of((l) => l.loadStart - l.html),
      modelDownload: of((l) => l.downloaded - Math.min(l.downloadStart, l.loadStart)),
      engineCompileFromRequest: of((l) => l.engineReady - l.loadStart),
      modelParseAfterBoth: of((l) => l.parsed - Math.max(l.downloaded, l.engineReady)),
      firstTranslate: of((l) => l.firstTranslation - l.parsed),
    },
  };
}

const runs = Number(option('--runs', 5));
const { server, url } = await startServer();
const browser = await chromium.launch({
  executablePath: option('--browser', '/usr/bin/chromium'),
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const warmup = await browser.newContext();  // Chromium's own first start is not the page's cost
  await (await warmup.newPage()).goto(url);
  await warmup.close();
  const first = [], repeat = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    first.push(await phasesOf(page));
    await page.reload();
    repeat.push(await phasesOf(page));
    await context.close();
  }
  console.log(JSON.stringify({ runs, firstVisit: summarize(first), repeatVisit: summarize(repeat) }, null, 1));
} finally {
  await browser.close();
  server.close();
}
