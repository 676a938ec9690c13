// Runs the bundled action the way the GitHub runner does: `node dist/index.js` with INPUT_* variables
// (action.yml defaults included), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files and RUNNER_TEMP, then
// reads back the outputs, the summary and the log as the runner would process it, and fails on a run
// that shows a key or secret or lets printed text become a workflow command.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { handedOutSecrets } from '../server/revont-server.mjs'
import { readRunnerLog } from './runner-log.mjs'

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
  const log = readRunnerLog(stdout)
  const result = {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    commands: log.commands,
    log,
    dir
  }
  // Every run is read as the runner reads it: a run that shows a key or secret, or whose printed text
  // became a command, fails the test that made it.
  const keys = [inputs['api-key'], env.REVONT_API_KEY].filter((key) => typeof key === 'string' && key !== '')
  const problems = runnerRuleProblems(result, keys)
  if (problems.length > 0) {
    throw new Error(`The run broke the runner's rules (exit code ${code}):\n- ${problems.slice(0, 20).join('\n- ')}`)
  }
  return result
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
 * The commands the runner would process, in order (see runner-log.mjs).
 * @param {string} stdout
 */
export function parseCommands(stdout) {
  return readRunnerLog(stdout).commands
}

/** Commands the action itself issues; any other name in its output came from text it printed. */
const ACTION_COMMANDS = new Set(['add-mask', 'debug', 'notice', 'warning', 'error', 'save-state', 'set-output'])
/** A run of this many characters of a key or secret counts as shown. */
const FRAGMENT = 8

/**
 * What the run broke of the runner's rules, as messages: key or secret text shown (fragments of 8 or more
 * characters), legacy or stop-commands commands, commands the action never issues, and masks for text that
 * is neither the key nor a secret.
 */
export function runnerRuleProblems({ log, stderr, summary, outputs }, keys) {
  const errors = readRunnerLog(stderr, { masks: log.masks })
  const sensitive = [...new Set([...keys, ...handedOutSecrets].filter((value) => value.length >= FRAGMENT))]
  const problems = []
  const shown = {
    log: log.text,
    annotations: log.annotations.map((annotation) => `${annotation.message} ${JSON.stringify(annotation.properties)}`).join('\n'),
    debug: log.debug.join('\n'),
    stderr: errors.text,
    'step summary': summary,
    'webhook output': outputs.webhook ?? ''
  }
  /** @type {Map<string, string>} each run of FRAGMENT characters of a key or secret, to the whole value */
  const fragments = new Map()
  for (const value of sensitive) {
    for (let at = 0; at + FRAGMENT <= value.length; at++) fragments.set(value.slice(at, at + FRAGMENT), value)
  }
  for (const [where, text] of Object.entries(shown)) {
    const found = new Set()
    for (let at = 0; at + FRAGMENT <= text.length; at++) {
      const value = fragments.get(text.slice(at, at + FRAGMENT))
      if (value === undefined || found.has(value)) continue
      found.add(value)
      const part = text.slice(at, at + FRAGMENT)
      problems.push(
        `${where} shows ${JSON.stringify(part)}, part of ${keys.includes(value) ? 'the API key' : `the secret ${JSON.stringify(value)}`}`
      )
    }
  }
  const maskable = new Set(
    [...keys, ...handedOutSecrets].flatMap((value) => [
      value,
      value.trim(),
      ...value.split(/\r\n|\r|\n/).flatMap((line) => [line, line.trim()])
    ])
  )
  for (const [stream, commands] of [
    ['stdout', log.commands],
    ['stderr', errors.commands]
  ]) {
    for (const command of commands) {
      const where = `${stream} line ${command.line + 1} ${JSON.stringify(command.text.slice(0, 200))}`
      if (command.syntax === 'legacy') problems.push(`legacy command ##[${command.name}] in ${where}`)
      if (command.name === 'stop-commands') problems.push(`stop-commands (masks and commands switched off) in ${where}`)
      else if (!ACTION_COMMANDS.has(command.name))
        problems.push(`command ${command.name}, which the action never issues, in ${where}`)
      if (command.name === 'add-mask' && !maskable.has(command.data)) {
        problems.push(`add-mask of ${JSON.stringify(command.data.slice(0, 100))}, neither the key nor a secret, in ${where}`)
      }
    }
  }
  return problems
}
