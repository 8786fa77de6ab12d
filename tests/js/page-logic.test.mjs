// The pure modules behind the page and the elements (no DOM, no engine): confidence and the sanity check,
// alternatives and the joined translation, load errors in plain words, matrix drawing choices (merge, theme,
// legend), and that importing them registers no custom element.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { assess, dateProblem, nameProblems, numberProblems, numbersIn, repetitionProblems, wordConfidence, wordLevel } from '../../web/confidence.js';
import { hypothesesOf, joinTranslations } from '../../web/hypotheses.js';
import { explainLoadError } from '../../web/load-errors.js';
import { PALETTES, buildView, layoutMatrix, matrixSvg, mergeByDefault, normalizeMatrixData, themedPalette, usesPieceMarker } from '../../web/matrix-drawing.js';

// A hypothesis in the engine's shape from pieces and their probabilities (attention: each row on one column).
function hypothesis(translation, targetTokens, probabilities, attentionColumns, sourceCount) {
  const attention = new Float32Array(targetTokens.length * sourceCount);
  attentionColumns.forEach((column, row) => { attention[row * sourceCount + column] = 1; });
  const score = probabilities.reduce((sum, p) => sum + Math.log(p), 0) / probabilities.length;
  return { translation, targetTokens, tokenProbabilities: Float32Array.from(probabilities), attention, score };
}

describe('the sanity check', () => {
  test('reads numbers whatever their separators, and never joins two numbers', () => {
    assert.deepEqual(numbersIn('1 200 euros, 3,5 kg, 2:30, 12 et 13'), ['1200', '35', '2', '30', '12', '13']);
    assert.deepEqual(numbersIn('3 12'), ['3', '12']);
  });

  test('flags a number changed or dropped, accepts reformatted ones and small numbers written out', () => {
    assert.deepEqual(numberProblems('3 kilos pour 12 euros', '3 killes for 1200'),
      ['the number 12 of the source is not in the translation', 'the number 1200 is not in the source']);
    assert.deepEqual(numberProblems('Il a 1 200 euros et 3,5 kg.', 'He has 1,200 euros and 3.5 kg.'), []);
    assert.deepEqual(numberProblems('il y a 8 ans', 'eight years ago'), []);
    assert.deepEqual(numberProblems('il y a 8 ans', 'years ago'), ['the number 8 of the source is not in the translation']);
  });

  test('flags repeated words the source does not repeat', () => {
    assert.deepEqual(repetitionProblems('Je suis là.', 'I am am here.'), ['“am” is repeated']);
    assert.deepEqual(repetitionProblems('Je suis là.', 'I am here I am here.'), []);
    assert.deepEqual(repetitionProblems('Non, non !', 'No, no!'), []);
    assert.deepEqual(repetitionProblems('Il dit oui.', 'He says yes yes, yes yes.'), ['“yes” is repeated', '“yes yes” is repeated']);
  });

  test('never lets an impossible date through', () => {
    assert.equal(dateProblem('1979-03-05'), '');
    assert.equal(dateProblem('2000-02-29'), '');
    assert.match(dateProblem('2020-02-00'), /not a real date/);
    assert.match(dateProblem('1999-02-31'), /28 days/);
    assert.match(dateProblem('1900-02-29'), /28 days/);
    assert.match(dateProblem('1979-13-05'), /no month 13/);
    assert.match(dateProblem('1979-3-5'), /not a date in the form YYYY-MM-DD/);
  });

  test('flags a name only when the word aligned to it was unsure', () => {
    const sentence = { source: 'Je travaille à Milan.', sourceTokens: ['▁Je', '▁travaille', '▁à', '▁Mil', 'an', '.', '</s>'] };
    const tokens = ['▁I', '▁work', '▁in', '▁Man', 'an', '.', '</s>'];
    const columns = [0, 1, 2, 3, 4, 5, 6];
    const unsure = hypothesis("I work in Manan.", tokens, [0.9, 0.9, 0.9, 0.2, 0.3, 0.9, 0.9], columns, 7);
    assert.deepEqual(nameProblems(sentence, unsure, wordConfidence(unsure.targetTokens, unsure.tokenProbabilities)),
      ['the name Milan may have been changed (to “Manan”)']);
    const sure = hypothesis("I work in Milano.", ['▁I', '▁work', '▁in', '▁Milano', '.', '</s>'], [0.9, 0.9, 0.9, 0.8, 0.9, 0.9], [0, 1, 2, 3, 5, 6], 7);
    assert.deepEqual(nameProblems(sentence, sure, wordConfidence(sure.targetTokens, sure.tokenProbabilities)), []);
  });
});

describe('confidence', () => {
  test('a word is as sure as its least probable piece; </s> is not a word', () => {
    const words = wordConfidence(['▁Sept', 'ember', '▁is', '</s>'], [0.9, 0.2, 0.95, 0.99]);
    assert.deepEqual(words.map((word) => [word.text, word.level]), [['September', 'check'], ['is', 'sure']]);
    assert.equal(wordLevel(0.05), 'doubtful');
  });

  test('character-level outputs are judged per character', () => {
    const words = wordConfidence(['1', '9', '7', '9', '</s>'], [0.99, 0.99, 0.3, 0.99, 0.99]);
    assert.deepEqual(words.map((word) => word.level), ['sure', 'sure', 'check', 'sure']);
  });

  test('a sentence is doubtful when a check fails, to check when a word is unsure, else sure', () => {
    const sentence = { source: 'Il a 3 chats.', sourceTokens: ['▁Il', '▁a', '▁3', '▁chats', '.', '</s>'] };
    const tokens = ['▁He', '▁has', '▁3', '▁cats', '.', '</s>'];
    const good = hypothesis('He has 3 cats.', tokens, [0.9, 0.9, 0.9, 0.9, 0.9, 0.9], [0, 1, 2, 3, 4, 5], 6);
    assert.equal(assess(sentence, good).level, 'sure');
    const unsure = hypothesis('He has 3 cats.', tokens, [0.9, 0.9, 0.9, 0.2, 0.9, 0.9], [0, 1, 2, 3, 4, 5], 6);
    assert.equal(assess(sentence, unsure).level, 'check');
    const changed = hypothesis('He has 4 cats.', ['▁He', '▁has', '▁4', '▁cats', '.', '</s>'], [0.9, 0.9, 0.9, 0.9, 0.9, 0.9], [0, 1, 2, 3, 4, 5], 6);
    const verdict = assess(sentence, changed);
    assert.equal(verdict.level, 'doubtful');
    assert.equal(verdict.problems.length, 2);
  });

  test('a date model output is checked as a date, and its unsure characters are named', () => {
    const sentence = { source: 'Feb 31 1999', sourceTokens: ['F', 'e', 'b', '</s>'] };
    const impossible = hypothesis('1999-02-31', [...'1999-02-31', '</s>'], new Array(11).fill(0.99), new Array(11).fill(0), 4);
    assert.equal(assess(sentence, impossible, { isoDates: true }).level, 'doubtful');
    const shaky = hypothesis('1999-02-11', [...'1999-02-11', '</s>'], [...new Array(9).fill(0.99), 0.3, 0.99], new Array(11).fill(0), 4);
    const verdict = assess(sentence, shaky, { isoDates: true });
    assert.equal(verdict.level, 'doubtful');
    assert.deepEqual(verdict.problems, ['the model was unsure of “1”']);
  });
});

describe('alternatives', () => {
  test('the whole text follows the chosen alternative, with the text\'s own spacing', () => {
    const sentences = [{ source: 'Il pleut.', translation: 'It rains.' }, { source: 'Je reste.', translation: 'I stay.' }];
    const text = '  Il pleut.\n\nJe reste.  ';
    assert.equal(joinTranslations(text, sentences, ['It rains.', 'I stay.']), '  It rains.\n\nI stay.  ');
    assert.equal(joinTranslations(text, sentences, ['It is raining.', 'I stay.']), '  It is raining.\n\nI stay.  ');
    assert.equal(joinTranslations('x', [{ source: 'a', translation: 'A' }, { source: 'b', translation: 'B' }], ['A', 'B']), 'A B');
  });

  test('a sentence without an n-best list is its own only alternative', () => {
    const sentence = { translation: 'a', nbest: [] };
    assert.deepEqual(hypothesesOf(sentence), [sentence]);
    assert.equal(hypothesesOf({ nbest: [{ translation: 'b' }] })[0].translation, 'b');
  });
});

describe('load errors in plain words', () => {
  test('a text file renamed .safetensors is "not a model file", the detail kept', () => {
    const message = 'safetensors header length 2338328219631577204 exceeds the limit of 100000000 bytes';
    const { summary, detail } = explainLoadError(message);
    assert.match(summary, /^This is not a model file/);
    assert.equal(detail, message);
  });

  test('each kind of failure has its own words; unknown ones stay generic', () => {
    assert.match(explainLoadError('cannot download model file http://x/m: HTTP 404 Not Found').summary, /not found/);
    assert.match(explainLoadError('http://x/m is not a model file (it looks like HTML)').summary, /web page/);
    assert.match(explainLoadError('model format version 2 is newer than this build supports (1)').summary, /newer version/);
    assert.match(explainLoadError('model file is missing tensor "x"').summary, /not a translation model/);
    assert.equal(explainLoadError('something else').summary, 'The model could not be loaded.');
  });
});

describe('matrix drawing', () => {
  const tokens = (count, prefix) => [...Array.from({ length: count - 1 }, (_, i) => (i % 2 ? `${prefix}${i}` : `▁${prefix}${i}`)), '</s>'];
  const matrix = (rows, cols) => normalizeMatrixData({
    source_tokens: tokens(cols, 's'), target_tokens: tokens(rows, 't'),
    attention: Array.from({ length: rows }, () => Array.from({ length: cols }, () => 1 / cols)),
  });

  test('long sub-word sentences are shown as words by default; short ones and characters as they are', () => {
    assert.equal(mergeByDefault(matrix(10, 44)), true);
    assert.equal(mergeByDefault(matrix(8, 9)), false);
    const characters = normalizeMatrixData({ source_tokens: [...'Monday, March 5, 1979 and more', '</s>'], target_tokens: [...'1979-03-05', '</s>'],
      attention: Array.from({ length: 11 }, () => new Array(31).fill(1 / 31)) });
    assert.equal(mergeByDefault(characters), false);
  });

  test('the continuation marker is explained only where it is drawn', () => {
    assert.equal(usesPieceMarker(buildView(matrix(6, 6), false)), true);
    assert.equal(usesPieceMarker(buildView(matrix(6, 6), true)), false);
  });

  test('the legend is in the cells\' unit (0–100)', () => {
    const svg = matrixSvg(layoutMatrix(buildView(matrix(4, 4), false)), PALETTES.light);
    assert.match(svg, />0<\/text>.*>50<\/text>.*>100<\/text>/);
    assert.match(svg, /attention, % of the row/);
  });

  test('CSS custom properties restyle the cells; invalid values keep the default', () => {
    const read = (values) => (name) => values[name] ?? '';
    const themed = themedPalette(PALETTES.light, read({ '--am-cell-low': ' #FFFFFF', '--am-cell-high': '#000000', '--am-label': '#123456' }));
    assert.deepEqual(themed.stops, ['#ffffff', '#000000']);
    assert.equal(themed.text, '#123456');
    const svg = matrixSvg(layoutMatrix(buildView(matrix(3, 3), false)), themed);
    assert.match(svg, /stop-color="#000000"/);
    assert.equal(themedPalette(PALETTES.dark, read({ '--am-cell-low': 'red', '--am-cell-high': '#000' })), PALETTES.dark);
  });
});

test('importing the logic modules registers no custom element', async () => {
  const defined = [];
  globalThis.customElements = { define: (name) => defined.push(name), get: () => undefined };
  try {
    await import(`../../web/matrix-drawing.js?fresh=${Date.now()}`);
    await import(`../../web/confidence.js?fresh=${Date.now()}`);
    await import(`../../web/hypotheses.js?fresh=${Date.now()}`);
    await import(`../../web/load-errors.js?fresh=${Date.now()}`);
    await import(`../../web/exports.js?fresh=${Date.now()}`);
  } finally {
    delete globalThis.customElements;
  }
  assert.deepEqual(defined, []);
});
