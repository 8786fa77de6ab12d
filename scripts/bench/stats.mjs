// Per-run figures of the benchmark result (see scripts/bench-js.mjs).

/** The nearest-rank percentile (0 < p ≤ 100) of a non-empty list of numbers. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (value, digits) => Number(value.toFixed(digits));

/** One entry of the result's "runs": throughput and per-sentence latency of one pass over the sentences. */
export function runSummary(seconds, latenciesMs, sentences, sourceTokens) {
  return {
    seconds: round(seconds, 4),
    sentences_per_s: round(sentences / seconds, 2),
    source_tokens_per_s: round(sourceTokens / seconds, 1),
    ms_p50: round(percentile(latenciesMs, 50), 3),
    ms_p95: round(percentile(latenciesMs, 95), 3),
  };
}
