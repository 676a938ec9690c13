// Secrets: masked in the runner's log, and redacted from every text the action prints. The runner's mask
// matches only the exact text, so a secret that reaches a line in any other form (cut short, its
// whitespace changed, escaped) must be gone before that happens: redact() runs before every such change
// (and again after it, in safe-text.ts; docs/design.md#redaction).
import * as core from '@actions/core'

/** Shorter lines are not masked alone: masking "d" would blank every d in the rest of the job's log. */
const MIN_MASKED_LINE = 4
/**
 * The most lines a secret may have. The runner checks every later line of the job's log against each
 * mask, so a secret of millions of lines would slow the rest of the job as much as it slows masking
 * (docs/design.md#huge-secrets).
 */
const MAX_SECRET_LINES = 1000
/** A run this long shared with a secret is redacted wherever it stands: a piece of a secret is a leak too. */
const FRAGMENT = 8
/**
 * All the secret text one run masks: as much as one answer may hold (see http.ts), so any one secret
 * fits, while a run sent many such answers cannot take all memory.
 */
const MAX_MASKED_UNITS = 64 * 1024 * 1024

/** Every secret seen in the run. */
const known = new Set<string>()
let longest = 0
let maskedUnits = 0
/**
 * What redact() hides: for each secret, the hashes of every FRAGMENT-long run of it, which cover every
 * form of it wherever it stands, and of each form shorter than FRAGMENT as it is. Sorted arrays rather
 * than a Set of the runs themselves, which has a maximum size that a secret may exceed. Looked
 * up window by window, so redacting takes time linear in the text's length whatever the secret is like;
 * two runs that share a hash are rare, and would only hide text that is no secret.
 */
const hiddenRuns: Array<{ length: number; hashes: Float64Array }> = []
/** Marks, by startAt(), the first two UTF-16 units of every hidden run of two or more: most places in a text start none. */
const runStarts = new Uint8Array(1 << 16)

/**
 * Masks a value in the runner's log as it is, trimmed (as later steps may use it), and line by line: the
 * runner matches a mask within one line, and ends a line at \n, \r or \r\n. Throws, masking nothing, when
 * the value has more than MAX_SECRET_LINES lines, or the run's secrets would be more than MAX_MASKED_UNITS
 * together.
 */
export function mask(value: string): void {
  if (known.has(value)) return
  if (maskedUnits + value.length > MAX_MASKED_UNITS) {
    throw new Error(`a secret of ${value.length} characters is more than the action can mask`)
  }
  // Split no further than the limit, so that a secret of millions of lines costs no more than one of a thousand.
  const lines = value.split(/\r\n|\r|\n/, MAX_SECRET_LINES + 1)
  if (lines.length > MAX_SECRET_LINES) {
    throw new Error(`a secret of more than ${MAX_SECRET_LINES} lines is more than the action can mask`)
  }
  maskedUnits += value.length
  known.add(value)
  const short = new Map<number, number[]>()
  const add = (form: string): void => {
    core.setSecret(form)
    longest = Math.max(longest, form.length)
    if (form.length >= FRAGMENT) return
    if (!short.has(form.length)) short.set(form.length, [])
    short.get(form.length)?.push(hashAt(form, 0, form.length))
    if (form.length > 1) runStarts[startAt(form, 0)] = 1
  }
  add(value)
  const trimmed = value.trim()
  if (trimmed && trimmed !== value) add(trimmed)
  if (lines.length > 1) {
    for (const line of lines) {
      if (line.trim().length >= MIN_MASKED_LINE && line.trim() !== trimmed) add(line.trim())
    }
  }
  for (const [length, hashes] of short) hide(length, Float64Array.from(hashes))
  // Every FRAGMENT-long run of a form is one of the value's.
  if (value.length >= FRAGMENT) {
    const hashes = new Float64Array(value.length - FRAGMENT + 1)
    for (let i = 0; i < hashes.length; i++) {
      hashes[i] = hashAt(value, i, FRAGMENT)
      runStarts[startAt(value, i)] = 1
    }
    hide(FRAGMENT, hashes)
  }
}

function hide(length: number, hashes: Float64Array): void {
  hiddenRuns.push({ length, hashes: hashes.sort() })
}

/**
 * At most the first `maxLength` characters of the text, redacted (then `…` if any was left out). Only as
 * much is read as a secret that starts before the cut could reach, so a hostile long text costs no more
 * than a short one.
 */
export function redactAndCut(text: string, maxLength: number): string {
  const read = text.slice(0, maxLength + longest)
  const redacted = redact(read)
  return redacted.length > maxLength || read.length < text.length ? `${redacted.slice(0, maxLength)}…` : redacted
}

/** The text with every known secret, and every run of FRAGMENT or more characters of one, replaced by ***. */
export function redact(text: string): string {
  let hidden: Uint8Array | undefined
  for (const { length, hashes } of hiddenRuns) {
    for (let i = 0; i + length <= text.length; i++) {
      if ((length > 1 && !runStarts[startAt(text, i)]) || !includes(hashes, hashAt(text, i, length))) continue
      ;(hidden ??= new Uint8Array(text.length)).fill(1, i, i + length)
    }
  }
  if (!hidden) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    if (!hidden[i]) out += text[i]
    else if (!hidden[i - 1]) out += '***'
  }
  return out
}

/** A hash of the `length` UTF-16 units at `at`: two 32-bit FNV-1a hashes, as many bits as a number holds. */
function hashAt(text: string, at: number, length: number): number {
  let high = 0x811c9dc5
  let low = 0x050c5d1f
  for (let i = at; i < at + length; i++) {
    const unit = text.charCodeAt(i)
    high = Math.imul(high ^ unit, 0x01000193)
    low = Math.imul(low ^ unit, 0x5bd1e995)
  }
  // The low bits of a product are the weak ones.
  return (high >>> 0) * 0x200000 + (low >>> 11)
}

/** The UTF-16 units at i and i + 1, as an index into runStarts. */
function startAt(text: string, i: number): number {
  return ((text.charCodeAt(i) << 8) ^ text.charCodeAt(i + 1)) & (runStarts.length - 1)
}

/** Whether the sorted array holds the value: a binary search. */
function includes(sorted: Float64Array, value: number): boolean {
  let from = 0
  let to = sorted.length
  while (from < to) {
    const middle = (from + to) >>> 1
    if (sorted[middle] < value) from = middle + 1
    else to = middle
  }
  return sorted[from] === value
}
