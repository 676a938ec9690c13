// Secrets: masked in the runner's log, and redacted from every text the action prints. The runner's mask
// matches only the exact text, so a secret that reaches a line in any other form (cut short, its
// whitespace changed, escaped) must be gone before that happens: redact() runs before every such change.
import * as core from '@actions/core'

/** Shorter lines are not masked alone: masking "d" would blank every d in the rest of the job's log. */
const MIN_MASKED_LINE = 4
/** A run this long shared with a secret is redacted wherever it stands: a piece of a secret is a leak too. */
const FRAGMENT = 8

/** Every form of every secret seen in the run, longest first. */
const known: string[] = []
const fragments = new Set<string>()

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
    if (!form || known.includes(form)) continue
    core.setSecret(form)
    known.push(form)
    for (let i = 0; i + FRAGMENT <= form.length; i++) fragments.add(form.slice(i, i + FRAGMENT))
  }
  known.sort((a, b) => b.length - a.length)
}

/** The text with every known secret, and every run of FRAGMENT or more characters of one, replaced by ***. */
export function redact(text: string): string {
  let result = text
  for (const secret of known) if (result.includes(secret)) result = result.split(secret).join('***')
  if (fragments.size === 0 || result.length < FRAGMENT) return result
  const hidden = new Uint8Array(result.length)
  let found = false
  for (let i = 0; i + FRAGMENT <= result.length; i++) {
    if (fragments.has(result.slice(i, i + FRAGMENT))) {
      hidden.fill(1, i, i + FRAGMENT)
      found = true
    }
  }
  if (!found) return result
  let shown = ''
  for (let i = 0; i < result.length; i++) {
    if (!hidden[i]) shown += result[i]
    else if (!hidden[i - 1]) shown += '***'
  }
  return shown
}
