// Redaction on its own: what mask() registers, and what redact() and redactAndCut() then hide.
import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { mask, redact, redactAndCut } from '../../src/text/secrets.js'
import { parseCommands } from '../support/run-action.mjs'

const KEY = 'rk_live_0123456789abcdef'

/** Runs `masking` with the add-mask commands it writes kept off the test's output; returns them. */
function quietly(masking: () => void): string {
  let written = ''
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((written += String(chunk)), true))
  try {
    masking()
  } finally {
    write.mockRestore()
  }
  return written
}

beforeAll(() => {
  quietly(() => {
    mask(KEY)
    mask('Q')
    mask('Zq')
  })
})

describe('redact', () => {
  it('hides a whole secret, and any run of 8 or more characters of a longer one', () => {
    expect(redact(`key ${KEY} end`)).toBe('key *** end')
    expect(redact(`piece 0123456789 end`)).toBe('piece *** end')
    expect(redact(`two rk_live and 9abcdef`)).toBe('two rk_live and 9abcdef')
  })

  it('hides secrets shorter than 8 characters only where they stand whole, one or two characters too', () => {
    expect(redact('1Q2 zZqz Z q')).toBe('1***2 z***z Z q')
  })

  it('leaves text without any secret as it is', () => {
    const text = 'https://pr-1.preview.example.com/hooks [call.ended]'
    expect(redact(text)).toBe(text)
  })
})

describe('redactAndCut', () => {
  it('cuts after redacting: a secret that straddles the cut is hidden, not shown in part', () => {
    const text = `${'-'.repeat(95)}${KEY}${'-'.repeat(100)}`
    expect(redactAndCut(text, 100)).toBe(`${'-'.repeat(95)}***--…`)
  })

  it('marks a cut, and leaves a short text whole', () => {
    expect(redactAndCut('a'.repeat(300), 10)).toBe(`${'a'.repeat(10)}…`)
    expect(redactAndCut('short', 10)).toBe('short')
  })
})

describe('mask', () => {
  // Its values share no 8 characters with the texts the tests above redact.
  it('issues the whole value, trimmed, then each line on its own, for \\n, \\r\\n and \\r', () => {
    const written = quietly(() => {
      mask('line-one\r\n  line-two \nline-three\rline-four\n')
      mask('single-line')
    })
    const commands = parseCommands(written)
    expect(commands.every((command) => command.name === 'add-mask')).toBe(true)
    expect(commands.map((command) => command.data)).toEqual([
      'line-one\r\n  line-two \nline-three\rline-four\n',
      'line-one\r\n  line-two \nline-three\rline-four',
      'line-one',
      'line-two',
      'line-three',
      'line-four',
      'single-line'
    ])
  })
})

describe('secrets as long as an answer may hold', () => {
  it('one with more 8-character runs than a Set holds is masked, and any piece of it is redacted', () => {
    const secret = randomBytes(8_500_000).toString('hex')
    const written = quietly(() => mask(secret))
    expect(written === `::add-mask::${secret}\n`, 'one add-mask of the whole secret').toBe(true)
    expect(redact(`a ${secret.slice(16_000_000, 16_000_008)} b ${secret.slice(3, 10)} c`)).toBe(
      `a *** b ${secret.slice(3, 10)} c`
    )
  }, 60_000)

  it('one of more than 1,000 lines throws and masks nothing, however many lines it has', () => {
    const secret = 'line\n'.repeat(10_000_000)
    let written = ''
    expect(() => (written = quietly(() => mask(secret)))).toThrow(
      'a secret of more than 1000 lines is more than the action can mask'
    )
    expect(written).toBe('')
    expect(redact('line\nline')).toBe('line\nline')
  })

  it('once the secrets of the run would be more than one answer may hold, masking throws and masks nothing', () => {
    const secret = 'z'.repeat(64 * 1024 * 1024)
    let written = ''
    expect(() => (written = quietly(() => mask(secret)))).toThrow(
      `a secret of ${secret.length} characters is more than the action can mask`
    )
    expect(written).toBe('')
    expect(redact('zzzzzzzz')).toBe('zzzzzzzz')
  })
})
