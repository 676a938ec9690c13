import * as runner from './runner.js'

/** Shorter lines are not masked alone: masking "d" would blank every d in the rest of the job's log. */
const MIN_MASKED_LINE = 4

/**
 * Masks a value in the runner's log. The runner matches a mask within one line, and ends a line at \n,
 * \r or \r\n, so a value that spans several lines is masked line by line as well.
 */
export function mask(value: string): void {
  runner.setSecret(value)
  const lines = value.split(/\r\n|\r|\n/).map((line) => line.trim())
  if (lines.length > 1) for (const line of lines) if (line.length >= MIN_MASKED_LINE) runner.setSecret(line)
}
