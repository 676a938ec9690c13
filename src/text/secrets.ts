// Secrets: masked in the runner's log, and redacted from every text the action prints. The runner's mask
// matches only the exact text, so a secret that reaches a line in any other form (cut short, its
// whitespace changed, escaped) must be gone before that happens: redact() runs before every such change
// (and again after it, in safe-text.ts; docs/design.md#redaction).
import * as core from '@actions/core'

/** Shorter lines are not masked alone: masking "d" would blank every d in the rest of the job's log. */
const MIN_MASKED_LINE = 4
/** A run this long shared with a secret is redacted wherever it stands: a piece of a secret is a leak too. */
const FRAGMENT = 8

/** Every form of every secret seen in the run. */
const known = new Set<string>()
let longest = 0
/**
 * What redact() hides, by length: each form shorter than FRAGMENT as it is, and every FRAGMENT-long run of
 * a longer one, which covers the whole form wherever it stands. Looked up window by window, so redacting
 * takes time linear in the text's length however many lines a hostile secret has.
 */
const hiddenRuns = new Map<number, Set<string>>()
/** The first two UTF-16 units of every hidden run of two or more: most places in a text start none. */
const runStarts = new Set<number>()

/**
 * Masks a value in the runner's log as it is, trimmed (as later steps may use it), and line by line: the
 * runner matches a mask within one line, and ends a line at \n, \r or \r\n.
 */
export function mask(value: string): void {
  const lines = value.split(/\r\n|\r|\n/).map((line) => line.trim())
  const forms = new Set([
    value,
    value.trim(),
    ...(lines.length > 1 ? lines.filter((line) => line.length >= MIN_MASKED_LINE) : [])
  ])
  for (const form of forms) {
    if (!form || known.has(form)) continue
    core.setSecret(form)
    known.add(form)
    longest = Math.max(longest, form.length)
    const length = Math.min(form.length, FRAGMENT)
    let runs = hiddenRuns.get(length)
    if (!runs) hiddenRuns.set(length, (runs = new Set()))
    for (let i = 0; i + length <= form.length; i++) {
      runs.add(form.slice(i, i + length))
      if (length > 1) runStarts.add(pairAt(form, i))
    }
  }
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
  for (const [length, runs] of hiddenRuns) {
    for (let i = 0; i + length <= text.length; i++) {
      if ((length > 1 && !runStarts.has(pairAt(text, i))) || !runs.has(text.slice(i, i + length))) continue
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

/** The UTF-16 units at i and i + 1 as one number. */
function pairAt(text: string, i: number): number {
  return text.charCodeAt(i) * 65536 + text.charCodeAt(i + 1)
}
