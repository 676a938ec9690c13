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

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('setOutputs', () => {
  it('appends every output in one write, each readable back as it was given', () => {
    writeFileSync(outputFile, 'earlier<<EOF\nkept\nEOF\n')
    vi.stubEnv('GITHUB_OUTPUT', outputFile)
    const outputs = {
      id: 'wh_1',
      webhook: '{"description":"two\\nlines"}',
      lines: 'a\nb\r\nc\n',
      empty: '',
      tricky: 'ghadelimiter_x\nEOF\nname<<EOF'
    }
    setOutputs(outputs)
    expect(parseOutputFile(readFileSync(outputFile, 'utf8'))).toEqual({ earlier: 'kept', ...outputs })
  })

  it('never uses a delimiter that the value holds', () => {
    vi.stubEnv('GITHUB_OUTPUT', outputFile)
    writeFileSync(outputFile, '')
    // The first two draws make the delimiter the value ends with; the next ones make another.
    const random = vi.spyOn(Math, 'random')
    random.mockReturnValueOnce(0.5).mockReturnValueOnce(0.5)
    const first = `ghadelimiter_${(0.5).toString(36).slice(2)}${(0.5).toString(36).slice(2)}`
    setOutputs({ secret: `text\n${first}\nmore` })
    expect(random.mock.calls.length).toBeGreaterThan(2)
    expect(parseOutputFile(readFileSync(outputFile, 'utf8'))).toEqual({ secret: `text\n${first}\nmore` })
  })

  it('refuses, writing nothing anywhere, when GITHUB_OUTPUT is not set', () => {
    vi.stubEnv('GITHUB_OUTPUT', '')
    const write = vi.spyOn(process.stdout, 'write')
    expect(() => setOutputs({ secret: 'whsec_1' })).toThrow('GITHUB_OUTPUT is not set')
    expect(write).not.toHaveBeenCalled()
  })
})
