// How far to trust a translation, from the model's own token probabilities and a sanity check of the output
// against the source (numbers changed or dropped, names changed, words repeated, impossible dates). Pure functions
// (no DOM), shared by the page and <attention-translator>; the levels and their wording are in LEVELS.
import { isCharacterLevel, isSpecialToken, wordGroups } from './matrix-drawing.js';

// A word (or, for character-level models, a character) is as sure as its least probable piece. Chosen on the
// shipped fr-en model: a synonym the model hesitates over (sofa/couch) stays above 0.35, garbled words fall below 0.1.
const SURE_WORD = 0.35;
const DOUBTFUL_WORD = 0.1;
// exp(score) is the geometric mean of the token probabilities of the whole sentence.
const SURE_SENTENCE = 0.5;
const DOUBTFUL_SENTENCE = 0.25;

export const LEVELS = {
  sure: { label: 'Looks right', legend: 'the model was confident of every word and the checks found nothing.' },
  check: { label: 'Check', legend: 'the model was unsure of some words (dotted underline); read them against the source.' },
  doubtful: { label: 'Doubtful', legend: 'a number, name or date may be wrong, a word repeats, or the model was very unsure (wavy underline).' },
};

export function wordLevel(probability) {
  if (probability >= SURE_WORD) return 'sure';
  return probability >= DOUBTFUL_WORD ? 'check' : 'doubtful';
}

// The translation's words (characters for character-level models) with the probability of their least sure piece,
// and the token range they cover: [{ text, probability, level, start, end }]. The end token </s> is left out.
export function wordConfidence(targetTokens, tokenProbabilities) {
  const characters = isCharacterLevel(targetTokens);
  const groups = characters
    ? targetTokens.map((token, index) => ({ start: index, end: index + 1, label: token.replace('\u2581', ' ') }))
    : wordGroups(targetTokens);
  return groups.filter((group) => !isSpecialToken(group.label)).map(({ start, end, label }) => {
    let probability = 1;
    for (let t = start; t < end; t++) probability = Math.min(probability, tokenProbabilities[t]);
    return { text: label, probability, level: wordLevel(probability), start, end };
  });
}

// ---- the sanity check ----

const SMALL_NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve'];

// Numbers as digit strings, separators dropped, so "1 200" = "1,200" = "1200" and "3,5" = "3.5". Spaces only join
// groups of three digits (a French thousands separator), never two numbers that happen to be neighbours.
export function numbersIn(text) {
  const found = text.match(/\d+(?:[.,]\d+|[\s\u00A0\u202F]\d{3}(?!\d))*/g) ?? [];
  return found.map((number) => number.replace(/\D/g, ''));
}

// The numbers of `source` missing from `translation` and those the translation added; a small number may come
// out as its English word ("8" → "eight").
export function numberProblems(source, translation) {
  const target = numbersIn(translation);
  const words = new Set((translation.toLowerCase().match(/\p{L}+/gu) ?? []));
  const missing = [];
  for (const number of numbersIn(source)) {
    const index = target.indexOf(number);
    if (index >= 0) target.splice(index, 1);
    else if (!words.has(SMALL_NUMBER_WORDS[Number(number)])) missing.push(number);
  }
  return [
    ...missing.map((number) => `the number ${number} of the source is not in the translation`),
    ...target.map((number) => `the number ${number} is not in the source`),
  ];
}

// A word written twice in a row ("the the"), or two words twice in a row, unless the source repeats itself too
// ("Non, non !" may well be "No, no!").
export function repetitionProblems(source, translation) {
  const repeats = (text) => {
    const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
    const found = new Set();
    words.forEach((word, i) => {
      if (i >= 1 && word === words[i - 1]) found.add(word);
      if (i >= 3 && word === words[i - 2] && words[i - 1] === words[i - 3]) found.add(`${words[i - 1]} ${word}`);
    });
    return found;
  };
  if (repeats(source).size) return [];
  return [...repeats(translation)].map((phrase) => `“${phrase}” is repeated`);
}

// Capitalized source words inside the sentence (names), missing from the translation, whose most attentive target
// word the model was unsure of: a name it may have garbled. (A name it translated with confidence, Afrique →
// Africa, is not flagged.)
export function nameProblems(sentence, hypothesis, words) {
  const sourceWords = wordGroups(sentence.sourceTokens).filter((group) => !isSpecialToken(group.label));
  const cols = sentence.sourceTokens.length;
  const problems = [];
  sourceWords.slice(1).forEach((group) => {
    const name = group.label.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
    if (!/^\p{Lu}\p{Ll}/u.test(name) || hypothesis.translation.includes(name)) return;
    let bestRow = -1, bestWeight = -1;
    for (let r = 0; r < hypothesis.targetTokens.length; r++) {
      let weight = 0;
      for (let c = group.start; c < group.end; c++) weight += hypothesis.attention[r * cols + c];
      if (weight > bestWeight) { bestWeight = weight; bestRow = r; }
    }
    const aligned = words.find((word) => bestRow >= word.start && bestRow < word.end);
    const written = aligned?.text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (aligned && aligned.level !== 'sure') problems.push(`the name ${name} may have been changed (to “${written}”)`);
  });
  return problems;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

// For date models: why an output is not a real YYYY-MM-DD date, or '' when it is one.
export function dateProblem(output) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(output.trim());
  if (!match) return `“${output}” is not a date in the form YYYY-MM-DD`;
  const [year, month, day] = match.slice(1).map(Number);
  if (month < 1 || month > 12) return `${output} is not a real date: there is no month ${match[2]}`;
  const days = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > days) return `${output} is not a real date: that month has ${days} days, not day ${match[3]}`;
  return '';
}

// The verdict on one hypothesis of a sentence: { level, label, problems: [plain sentences], words, probability }.
// isoDates: the model writes ISO dates (the date model), so numbers are expected to change form and the output
// must be a real date instead.
export function assess(sentence, hypothesis, { isoDates = false } = {}) {
  const words = wordConfidence(hypothesis.targetTokens, hypothesis.tokenProbabilities);
  const probability = Math.exp(hypothesis.score);
  const problems = isoDates
    ? [dateProblem(hypothesis.translation)].filter(Boolean)
    : [...numberProblems(sentence.source, hypothesis.translation), ...nameProblems(sentence, hypothesis, words),
      ...repetitionProblems(sentence.source, hypothesis.translation)];
  const unsure = words.filter((word) => word.level !== 'sure');
  if (isoDates && unsure.length) problems.push(`the model was unsure of ${unsure.map((word) => `“${word.text}”`).join(', ')}`);
  let level = 'sure';
  if (problems.length || probability < DOUBTFUL_SENTENCE || words.some((word) => word.level === 'doubtful')) level = 'doubtful';
  else if (unsure.length || probability < SURE_SENTENCE) level = 'check';
  return { level, label: LEVELS[level].label, problems, words, probability };
}
