// The README's inputs and outputs tables are what users read: they must match action.yml.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const readme = readFileSync('README.md', 'utf8')
const action = parse(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, unknown>
}

/** The rows of the first table under a `## heading`, as arrays of cells. */
function table(heading: string): string[][] {
  const section = readme.split(`\n## ${heading}\n`)[1].split('\n## ')[0]
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, '').trim()))
}

describe('README', () => {
  it('lists every input of action.yml, in order, with its default', () => {
    const rows = table('Inputs')
    expect(rows.map((row) => row[0])).toEqual(Object.keys(action.inputs).map((name) => `\`${name}\``))
    for (const [name, cells] of rows.map((row) => [row[0].slice(1, -1), row] as const)) {
      const spec = action.inputs[name]
      if (spec.required) expect(cells[1]).toBe('required')
      else if (spec.default !== undefined) expect(cells[1]).toBe(`\`${spec.default}\``)
    }
  })

  it('lists every output of action.yml, in order', () => {
    expect(table('Outputs').map((row) => row[0])).toEqual(Object.keys(action.outputs).map((name) => `\`${name}\``))
  })

  it('gives the commands that run the action locally and pass the tests, and .ci/run calls the latter', () => {
    expect(readme).toContain('npm ci && npm run local')
    expect(readme).toContain('npm ci && npm test')
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^npm test$/m)
  })
})
