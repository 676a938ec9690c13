// Redaction on its own: what mask() registers, and what redact() and redactAndCut() then hide.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { mask, redact, redactAndCut } from '../../src/text/secrets.js'
import { parseCommands } from '../support/run-action.mjs'

const KEY = 'rk_live_0123456789abcdef'

beforeAll(() => {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  try {
    mask(KEY)
    mask('Q')
    mask('Zq')
  } finally {
    write.mockRestore()
  }
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
    const written: string[] = []
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
    try {
      mask('line-one\r\n  line-two \nline-three\rline-four\n')
      mask('single-line')
    } finally {
      write.mockRestore()
    }
    const commands = parseCommands(written.join(''))
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
