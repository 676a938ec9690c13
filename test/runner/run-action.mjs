// Runs the bundled action the way the GitHub runner does: `node dist/index.js` with INPUT_* variables
// (action.yml defaults included), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files and RUNNER_TEMP, then
// reads back the outputs, the summary and the workflow commands the action printed.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The node that runs the action: REVONT_ACTION_NODE (scripts/test-node24.mjs sets it), else this one. */
export const actionNode = process.env.REVONT_ACTION_NODE || process.execPath

/** Every run's files (RUNNER_TEMP, GITHUB_OUTPUT, ...) go below one folder, which removeRunDirs removes. */
let runsDir
function newRunDir() {
  runsDir ??= mkdtempSync(join(tmpdir(), 'revont-action-runs-'))
  return mkdtempSync(join(runsDir, 'run-'))
}

export function removeRunDirs() {
  if (runsDir) rmSync(runsDir, { recursive: true, force: true })
  runsDir = undefined
}

/** The inputs action.yml declares, with their defaults. */
export function actionInputs() {
  return parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')).inputs
}

/**
 * @param {{ inputs?: Record<string, string>, env?: Record<string, string>, timeoutMs?: number, readStdoutAfterMs?: number }} options
 *   readStdoutAfterMs: leave the action's stdout unread that long, as a busy runner might, so its pipe fills
 */
export async function runAction({ inputs = {}, env = {}, timeoutMs = 60_000, readStdoutAfterMs = 0 } = {}) {
  const dir = newRunDir()
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  /** @type {Record<string, string>} */
  const inputEnv = {}
  for (const [name, spec] of Object.entries(actionInputs())) {
    if (spec.default !== undefined) inputEnv[`INPUT_${name.toUpperCase()}`] = String(spec.default)
  }
  for (const [name, value] of Object.entries(inputs)) inputEnv[`INPUT_${name.toUpperCase()}`] = value
  const childEnv = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    ...inputEnv,
    ...env
  }
  const child = spawn(actionNode, [join(repoRoot, 'dist', 'index.js')], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  if (readStdoutAfterMs > 0) {
    child.stdout.pause()
    setTimeout(() => child.stdout.resume(), readStdoutAfterMs)
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const code = await new Promise((resolve) => child.on('close', (status) => resolve(status)))
  clearTimeout(timer)
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    commands: parseCommands(stdout),
    dir
  }
}

/** GITHUB_OUTPUT holds `name<<DELIMITER`, the value's lines, then `DELIMITER`. */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const end = lines.indexOf(match[2], i + 1)
    if (end === -1) throw new Error(`GITHUB_OUTPUT: no closing delimiter for ${match[1]}`)
    outputs[match[1]] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return outputs
}

/**
 * Workflow commands as the runner reads them: a line (ended by \n, \r or \r\n) that starts, after blanks,
 * with `::name ...::`.
 * @param {string} stdout
 * @returns {Array<{ line: number, name: string, data: string }>}
 */
export function parseCommands(stdout) {
  return stdout
    .split(/\r\n|\r|\n/)
    .map((line, index) => ({ index, match: /^::([A-Za-z-]+)( [^:]*)?::(.*)$/.exec(line.trim()) }))
    .flatMap(({ index, match }) => (match ? [{ line: index, name: match[1], data: unescapeData(match[3]) }] : []))
}

function unescapeData(data) {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/** The log as the runner would show it: masks applied, commands turned into their visible form. */
export function renderLog(stdout) {
  const masks = []
  const hide = (text) => masks.reduce((shown, secret) => shown.split(secret).join('***'), text)
  const lines = []
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const command = parseCommands(line)[0]
    if (!command) lines.push(hide(line))
    else if (command.name === 'add-mask') masks.push(command.data)
    else if (['error', 'warning', 'notice'].includes(command.name)) {
      lines.push(`${command.name[0].toUpperCase()}${command.name.slice(1)}: ${hide(command.data)}`)
    } else if (command.name !== 'debug') lines.push(hide(line))
  }
  return { text: lines.join('\n'), hide }
}
