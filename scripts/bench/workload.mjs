// The benchmark's sentences: the French column of a Tatoeba TSV file, or a workload JSONL written by `attn bench
// --write-workload` (source text plus source ids, so every engine sees the same sentences and ids).
import { readFileSync } from 'node:fs';

/**
 * The source (second) column of an `English<TAB>French` file: identical sources kept once, in file order, then
 * the first `limit` of them. Each entry is { i, source }.
 */
export function readTsvSources(path, limit = Infinity) {
  const seen = new Set();
  const sentences = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (const [index, line] of lines.entries()) {
    if (sentences.length >= limit) break;
    if (line.trim() === '') continue;
    const columns = line.replace(/\r$/, '').split('\t');
    if (columns.length < 2) throw new Error(`${path}:${index + 1}: expected English<TAB>French, found no tab`);
    const source = columns[1];
    if (seen.has(source)) continue;
    seen.add(source);
    sentences.push({ i: sentences.length, source });
  }
  return sentences;
}

function checkSourceIds(ids, where) {
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => Number.isSafeInteger(id) && id >= 0)) {
    throw new Error(`${where}: "source_ids" must be a non-empty array of non-negative integers`);
  }
  if (ids[ids.length - 1] !== 2) throw new Error(`${where}: "source_ids" must end with </s> (2)`);
}

/** A workload JSONL file: one { i, source, source_ids } per line, `i` counting from 0; the first `limit` lines. */
export function readWorkload(path, limit = Infinity) {
  const sentences = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (const [index, line] of lines.entries()) {
    if (sentences.length >= limit) break;
    if (line.trim() === '') continue;
    const where = `${path}:${index + 1}`;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not JSON (${error.message})`);
    }
    if (entry === null || typeof entry !== 'object') throw new Error(`${where}: expected a JSON object`);
    if (entry.i !== sentences.length) throw new Error(`${where}: "i" must be ${sentences.length}, got ${entry.i}`);
    if (typeof entry.source !== 'string') throw new Error(`${where}: "source" must be a string`);
    checkSourceIds(entry.source_ids, where);
    sentences.push({ i: entry.i, source: entry.source, sourceIds: entry.source_ids });
  }
  return sentences;
}
