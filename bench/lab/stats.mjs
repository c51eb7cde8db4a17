// Median and spread of repeated measurements.
export function summarize(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { n: 0, median: null, min: null, max: null, spreadPct: null };
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  const min = v[0];
  const max = v[v.length - 1];
  // Spread: half the range relative to the median, so "±x%" reads naturally.
  const spreadPct = median ? ((max - min) / 2 / median) * 100 : 0;
  return { n: v.length, median, min, max, spreadPct };
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values, p) {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return null;
  const rank = Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1));
  return v[rank];
}
