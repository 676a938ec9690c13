// src/runner.ts writes the step outputs itself (without @actions/core's root module): each value must
// come back whole from the file as the runner parses it, whatever the value holds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { setOutputs } from '../src/runner.js'
import { parseOutputFile } from './runner/run-action.mjs'

const dir = mkdtempSync(join(tmpdir(), 'revont-runner-'))
const outputFile = join(dir, 'output')

afterEach(() => vi.restoreAllMocks())
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('setOutputs', () => {
  it('appends every output, each readable back as it was given', () => {
    writeFileSync(outputFile, 'earlier<<EOF\nkept\nEOF\n')
    const outputs = {
      id: 'wh_1',
      webhook: '{"description":"two\\nlines"}',
      lines: 'a\nb\r\nc\n',
      empty: '',
      tricky: 'ghadelimiter_x\nEOF\nname<<EOF'
    }
    setOutputs(outputFile, outputs)
    expect(parseOutputFile(readFileSync(outputFile, 'utf8'))).toEqual({ earlier: 'kept', ...outputs })
  })

  it('never uses a delimiter that the value holds', () => {
    writeFileSync(outputFile, '')
    // The first two draws make the delimiter the value ends with; the next ones make another.
    const random = vi.spyOn(Math, 'random')
    random.mockReturnValueOnce(0.5).mockReturnValueOnce(0.5)
    const first = `ghadelimiter_${(0.5).toString(36).slice(2)}${(0.5).toString(36).slice(2)}`
    setOutputs(outputFile, { secret: `text\n${first}\nmore` })
    expect(random.mock.calls.length).toBeGreaterThan(2)
    expect(parseOutputFile(readFileSync(outputFile, 'utf8'))).toEqual({ secret: `text\n${first}\nmore` })
  })
})
