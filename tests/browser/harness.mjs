// Shared by the browser tests: a static file server for web/ (node:http, 127.0.0.1, random port) and a headless
// Chromium from the system, plus collection of console errors and CSP violations.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const webRoot = join(repoRoot, 'web');
export const artifactsDir = join(repoRoot, 'test-artifacts');

// How long a browser wait may take: generous, because the machine running the tests may be busy (a training run
// at high priority once made one short translation take 10 s). ATTN_BROWSER_TIMEOUT_MS overrides it.
export const WAIT_MS = Number(process.env.ATTN_BROWSER_TIMEOUT_MS) || 120_000;

export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.safetensors': 'application/octet-stream', '.txt': 'text/plain; charset=utf-8',
};

// headers: extra response headers for every response (e.g. the CSP).
export async function startStaticServer({ root = webRoot, headers = {} } = {}) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    const send = (status, body, type) => {
      response.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (path === '/favicon.ico') { response.writeHead(204, headers); response.end(); return; }
    if (file !== root && !file.startsWith(root + sep)) { send(403, Buffer.from('forbidden'), 'text/plain'); return; }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      send(200, await readFile(file), MIME_TYPES[extname(file)] ?? 'application/octet-stream');
    } catch {
      send(404, Buffer.from('not found'), 'text/plain');
    }
  });
  await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(done)) };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// Records console errors, uncaught page errors, failed requests and CSP violations of a page (and its workers).
export function watchPage(page) {
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Chromium reports a response whose body was read to its end through a ReadableStream (how the engine reads
  // the model and the .wasm, for progress) as net::ERR_ABORTED; real failures have other codes or log an error.
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    if (reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${reason}`);
  });
  page.on('worker', (worker) => worker.on('console', (message) => {
    if (message.type() === 'error') problems.push(`worker console: ${message.text()}`);
  }));
  return problems;
}

// The entries of web/models.json whose file is deployed in web/models/ (build-web.sh copies them there), and the
// files of those that are not (the page probes them, so the browser logs a 404 for each).
export async function deployedModels() {
  const list = JSON.parse(await readFile(join(webRoot, 'models.json'), 'utf8'));
  const present = [], missing = [];
  for (const entry of list) {
    try {
      if (!(await stat(join(webRoot, entry.file))).isFile()) throw new Error('not a file');
      present.push(entry);
    } catch {
      missing.push(entry.file);
    }
  }
  return { present, missing };
}
