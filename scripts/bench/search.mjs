// Greedy and beam search in JavaScript over a decoder-step function (the ONNX Runtime engines' decode loop).
// A line-by-line mirror of src/search/beam_search.cpp, float32 arithmetic included (Math.fround), so that its
// outputs are comparable with the C++ engine's token for token.
//
// step(previousTokens: number[K], previousStates: Float32Array[K*H]) resolves to
//   { states: Float32Array[K*H], logProbs: Float32Array[K*V] } (log-softmaxed rows).

export const BOS = 1;
export const EOS = 2;

const f32 = Math.fround;

/** Output length cap for a source of `sourceLength` ids (with </s>): as max_output_length in beam_search.cpp. */
export function maxOutputLength(sourceLength, ratio = 2.0, extra = 10) {
  return Math.max(1, Math.trunc(f32(f32(ratio) * sourceLength)) + extra);
}

// std::max_element: the first of the largest values.
function argmax(values, begin, end) {
  let best = begin;
  for (let i = begin + 1; i < end; ++i) if (values[best] < values[i]) best = i;
  return best - begin;
}

/** { ids, score }: ids end with </s>; score = sum of log-probabilities / number of tokens. */
export async function greedySearch({ initialState, vocabSize, maxLength, step }) {
  const ids = [];
  let total = 0;
  let previous = BOS;
  let state = initialState;
  for (let t = 0; t < maxLength; ++t) {
    const { states, logProbs } = await step([previous], state);
    const token = t + 1 === maxLength ? EOS : argmax(logProbs, 0, vocabSize);
    ids.push(token);
    total = f32(total + logProbs[token]);
    if (token === EOS) break;
    previous = token;
    state = states;
  }
  return { ids, score: f32(total / ids.length) };
}

// Candidate order of beam_search.cpp's better(): total log-probability, then parent, then token.
function better(a, b) {
  if (a.total !== b.total) return a.total > b.total;
  if (a.parent !== b.parent) return a.parent < b.parent;
  return a.token < b.token;
}

function compareCandidates(a, b) {
  if (better(a, b)) return -1;
  return better(b, a) ? 1 : 0;
}

// The `count` best tokens of row[begin, begin + size), ordered by value, then by smaller token (the C++ partial_sort).
function topTokens(row, begin, size, count) {
  const top = [];
  for (let token = 0; token < size; ++token) {
    const value = row[begin + token];
    // Scanning tokens in increasing order, a tie never beats a token already kept.
    if (top.length === count && !(value > row[begin + top[count - 1]])) continue;
    let at = top.length === count ? count - 1 : top.length;
    while (at > 0 && value > row[begin + top[at - 1]]) {
      top[at] = top[at - 1];
      --at;
    }
    top[at] = token;
  }
  return top;
}

function traceBack(steps, step, row) {
  const ids = new Array(step + 1);
  const total = steps[step][row].total;
  for (let t = step; t >= 0; --t) {
    const chosen = steps[t][row];
    ids[t] = chosen.token;
    row = chosen.parent;
  }
  return { ids, score: f32(total / (step + 1)) };
}

/** The best hypothesis of a beam search of width `beam` (the C++ beam_search's first result). */
export async function beamSearch({ initialState, hidden, vocabSize, maxLength, beam, step }) {
  let aliveRows = [0];  // rows of the previous step's record being extended (row 0: <s>)
  let previousTokens = [BOS];
  let previousTotals = [0];
  let states = initialState;
  const steps = [];  // per step: the chosen candidates, parent = row in the previous step
  const finished = [];
  const perHypothesis = Math.min(beam, vocabSize);

  for (let t = 0; t < maxLength && aliveRows.length > 0 && finished.length < beam; ++t) {
    const K = aliveRows.length;
    const { states: nextStates, logProbs } = await step(previousTokens, states);
    const lastStep = t + 1 === maxLength;
    const candidates = [];
    for (let k = 0; k < K; ++k) {
      const begin = k * vocabSize;
      const push = (token) => candidates.push({ parent: k, token, total: f32(previousTotals[k] + logProbs[begin + token]) });
      if (lastStep) push(EOS);
      else for (const token of topTokens(logProbs, begin, vocabSize, perHypothesis)) push(token);
    }
    candidates.sort(compareCandidates);
    candidates.length = Math.min(candidates.length, beam);

    const record = [];
    const nextAlive = [];
    const continuing = [];
    previousTokens = [];
    previousTotals = [];
    for (const [i, candidate] of candidates.entries()) {
      const stateRow = candidate.parent;
      record.push({ ...candidate, parent: aliveRows[candidate.parent] });
      if (candidate.token === EOS) {
        finished.push({ step: t, row: i, score: f32(candidate.total / (t + 1)) });
        continue;
      }
      nextAlive.push(i);
      previousTokens.push(candidate.token);
      previousTotals.push(candidate.total);
      continuing.push(nextStates.subarray(stateRow * hidden, (stateRow + 1) * hidden));
    }
    steps.push(record);
    aliveRows = nextAlive;
    states = new Float32Array(continuing.length * hidden);
    continuing.forEach((row, i) => states.set(row, i * hidden));
  }

  finished.sort((a, b) => b.score - a.score);  // stable, as the C++ stable_sort
  return traceBack(steps, finished[0].step, finished[0].row);
}
