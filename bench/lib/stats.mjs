// Medians and quantiles of samples, and the number formats of the report.

export function median(values) {
  return quantile(values, 0.5)
}

/** Linear interpolation between the closest ranks; NaN for no samples. */
export function quantile(values, q) {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low)
}

/** The median of the per-round ratios a[i] / b[i]: both timed in the same round, so noise that hits a round hits both. */
export function medianRatio(a, b) {
  return median(a.map((value, i) => value / b[i]))
}

export function fmt(value, digits = 0) {
  return Number.isFinite(value) ? value.toFixed(digits) : '—'
}

export const KIB = 1024

export function kib(bytes) {
  return fmt(bytes / KIB, 1)
}

export function mb(bytes) {
  return `${fmt(bytes / 1e6, 1)} MB`
}
