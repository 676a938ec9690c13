// Runs the bundled action the way the GitHub runner does: `node dist/index.js` (the post step:
// `node dist/post.js`) with INPUT_* variables
// (action.yml defaults included), GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY files and
// RUNNER_TEMP, then reads back the outputs, the saved state, the summary and the log as the runner would
// process them, and fails on a run that shows a key or secret or lets printed text become a workflow
// command. A run's post() runs its post step as the runner does: the same INPUT_* values, and each entry
// of the state file as STATE_<name>. Waits are real unless the run asks for the fast clock (fast-clock.mjs).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parse } from 'yaml'
import { handedOutSecrets } from './revont-server.mjs'
import { readRunnerLog } from './runner-log.mjs'

const supportDir = dirname(fileURLToPath(import.meta.url))
export const repoRoot = join(supportDir, '..', '..')

/** The node that runs the action: REVONT_ACTION_NODE (scripts/test-node24.mjs sets it), else this one. */
export const actionNode = process.env.REVONT_ACTION_NODE || process.execPath

/**
 * Every run's files (RUNNER_TEMP, GITHUB_OUTPUT, ...), and any folder a test asks for, go below one
 * folder, which removeRunDirs removes.
 */
let runsDir
export function newFolder() {
  runsDir ??= mkdtempSync(join(tmpdir(), 'revont-action-runs-'))
  return mkdtempSync(join(runsDir, 'run-'))
}

export function removeRunDirs() {
  if (runsDir) rmSync(runsDir, { recursive: true, force: true })
  runsDir = undefined
}

/** What the runner puts for `${{ github.token }}` in an input's default: the job's token. */
export const RUNNER_GITHUB_TOKEN = 'ghs_job-token-from-the-runner'

/** The inputs action.yml declares, with their defaults as the runner evaluates them. */
export function actionInputs() {
  const inputs = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')).inputs
  for (const spec of Object.values(inputs)) {
    if (spec.default !== undefined) spec.default = String(spec.default).replace('${{ github.token }}', RUNNER_GITHUB_TOKEN)
  }
  return inputs
}

/**
 * @typedef {{ child: import('node:child_process').ChildProcess, stdout: () => string }} RunningStep
 * @typedef {{
 *   inputs?: Record<string, string>, env?: Record<string, string>, state?: Record<string, string>,
 *   during?: (step: RunningStep) => Promise<void>, timeoutMs?: number, readStdoutAfterMs?: number,
 *   bundle?: 'index' | 'post', clock?: number
 * }} RunOptions
 *   bundle: which of dist/'s bundles runs: the main step's (index, the default) or the post step's
 *   state: what the main step saved, as the runner hands it to the post step (STATE_<name>)
 *   during: runs alongside the step, e.g. to send it the signals a cancelled job's runner sends
 *   readStdoutAfterMs: leave the action's stdout unread that long, as a busy runner might, so its pipe fills
 *   clock: run the action's waits this many times faster, with fast-clock.mjs preloaded (default: real waits)
 */

/** @param {RunOptions} options */
export async function runAction(options = {}) {
  const {
    inputs = {},
    env = {},
    state = {},
    during,
    timeoutMs = 60_000,
    readStdoutAfterMs = 0,
    bundle = 'index',
    clock
  } = options
  const dir = newFolder()
  const outputFile = join(dir, 'output')
  const stateFile = join(dir, 'state')
  const summaryFile = join(dir, 'summary')
  for (const file of [outputFile, stateFile, summaryFile]) writeFileSync(file, '')
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
    GITHUB_STATE: stateFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    ...Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value])),
    ...inputEnv,
    ...env
  }
  const preload =
    clock === undefined ? [] : ['--import', `${pathToFileURL(join(supportDir, 'fast-clock.mjs')).href}?speed=${clock}`]
  const child = spawn(actionNode, [...preload, join(repoRoot, 'dist', `${bundle}.js`)], {
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
  const closed = new Promise((resolve) => child.on('close', (status) => resolve(status)))
  try {
    await during?.({ child, stdout: () => stdout })
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  } finally {
    await closed
    clearTimeout(timer)
  }
  // null for a step killed by a signal.
  const code = await closed
  const log = readRunnerLog(stdout)
  const saved = parseFileCommands(readFileSync(stateFile, 'utf8'))
  const result = {
    code,
    stdout,
    stderr,
    outputs: parseFileCommands(readFileSync(outputFile, 'utf8')),
    state: saved,
    summary: readFileSync(summaryFile, 'utf8'),
    commands: log.commands,
    log,
    dir,
    /**
     * The post step, as the runner runs it whatever this step's result: same inputs, the state saved.
     * @param {Pick<RunOptions, 'during'>} [options]
     */
    post: (options = {}) => runAction({ inputs, env, state: saved, timeoutMs, bundle: 'post', clock, ...options })
  }
  // Every run is read as the runner reads it: a run that shows a key or secret, or whose printed text
  // became a command, fails the test that made it.
  const keys = [inputs['api-key'], env.REVONT_API_KEY, inputEnv['INPUT_GITHUB-TOKEN']].filter(
    (key) => typeof key === 'string' && key !== ''
  )
  const problems = runnerRuleProblems(result, keys, urlCredentials(inputs))
  if (problems.length > 0) {
    throw new Error(`The run broke the runner's rules (exit code ${code}):\n- ${problems.slice(0, 20).join('\n- ')}`)
  }
  return result
}

/**
 * A file-command file (GITHUB_OUTPUT, GITHUB_STATE) read as the runner reads it on Linux (actions/runner,
 * EnvFileKeyValuePairs): a line ends at \n; each line that is not empty is `name=value`, or `name<<DELIMITER`
 * followed by the value's lines and a line that is exactly DELIMITER, by whichever of `=` and `<<` comes
 * first. A name given again replaces its value.
 * @param {string} text
 */
export function parseFileCommands(text) {
  /** @type {Record<string, string>} */
  const entries = {}
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line === '') continue
    const equals = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      entries[line.slice(0, equals)] = line.slice(equals + 1)
      continue
    }
    const name = line.slice(0, heredoc)
    const delimiter = line.slice(heredoc + 2)
    if (heredoc < 0 || !name || !delimiter) throw new Error(`Invalid format '${line}'`)
    const end = lines.indexOf(delimiter, i + 1)
    if (end === -1) throw new Error(`Invalid value. Matching delimiter not found '${delimiter}'`)
    entries[name] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return entries
}

/**
 * The commands the runner would process, in order (see runner-log.mjs).
 * @param {string} stdout
 */
export function parseCommands(stdout) {
  return readRunnerLog(stdout).commands
}

/**
 * The values of the query parameters named in secret-query-params (or its default) in the url input, as
 * written and percent-decoded, in the text given and as a URL parser normalises it: each may be masked,
 * and none may be shown but in the outputs and the saved state, which keep whole URLs.
 * @param {Record<string, string>} inputs
 */
export function urlCredentials(inputs) {
  const names = (inputs['secret-query-params']?.trim() || actionInputs()['secret-query-params'].default)
    .split(/[,\n]/)
    .map((name) => name.trim().toLowerCase())
  const given = (inputs.url ?? '').trim()
  const texts = [given, URL.canParse(given) ? new URL(given).href : '']
  const values = texts.flatMap((text) => {
    const query = /^[^?#]*\?([^#]*)/.exec(text)?.[1] ?? ''
    return query.split('&').flatMap((piece) => {
      const [name = '', value = ''] = [...new URLSearchParams(`&${piece.replace(/[\t\n\r]/g, '')}`)][0] ?? []
      return names.includes(name.toLowerCase()) ? [piece.slice(piece.indexOf('=') + 1), value] : []
    })
  })
  return [...new Set(values)].filter((value) => value.trim())
}

/** Commands the action itself issues; any other name in its output came from text it printed. */
const ACTION_COMMANDS = new Set(['add-mask', 'debug', 'notice', 'warning', 'error', 'save-state', 'set-output'])
/** A run of this many characters of a key or secret counts as shown. */
const FRAGMENT = 8

/**
 * What the run broke of the runner's rules, as messages: key, secret or URL credential text shown (fragments
 * of 8 or more characters; in outputs other than webhook, secret and secrets, whole values or lines), legacy or stop-commands
 * commands, commands the action never issues, and masks for text that is none of them. A value shown
 * before its add-mask line shows in the log, which is masked line by line as the runner masks it.
 */
export function runnerRuleProblems({ log, stderr, summary, outputs, state = {} }, keys, credentials = []) {
  const errors = readRunnerLog(stderr, { masks: log.masks })
  const sensitive = [...new Set([...keys, ...handedOutSecrets, ...credentials].filter((value) => value.length >= FRAGMENT))]
  const problems = []
  const shown = {
    log: log.text,
    annotations: log.annotations.map((annotation) => `${annotation.message} ${JSON.stringify(annotation.properties)}`).join('\n'),
    debug: log.debug.join('\n'),
    stderr: errors.text,
    'step summary': summary,
    'webhook output': outputs.webhook ?? '',
    // The runner's debug log shows each entry it saves.
    'saved state': Object.values(state).join('\n')
  }
  // Each run of FRAGMENT characters shown is looked up in every key and secret, rather than each run of
  // those in what is shown: a hostile secret can be longer than a Map holds, what is shown cannot.
  const places = Object.keys(shown)
  // Where whole URLs are kept, a URL's credential is the user's data, not a leak.
  const keepsUrls = new Set(['webhook output', 'saved state'])
  /** @type {Map<string, number>} each run of FRAGMENT characters shown, to the places it is shown, one bit each */
  const shownRuns = new Map()
  Object.values(shown).forEach((text, place) => {
    for (let at = 0; at + FRAGMENT <= text.length; at++) {
      const part = text.slice(at, at + FRAGMENT)
      shownRuns.set(part, (shownRuns.get(part) ?? 0) | (1 << place))
    }
  })
  for (const value of sensitive) {
    let found = 0
    for (let at = 0; at + FRAGMENT <= value.length; at++) {
      const part = value.slice(at, at + FRAGMENT)
      const where = (shownRuns.get(part) ?? 0) & ~found
      if (where === 0) continue
      found |= where
      for (const [place, name] of places.entries()) {
        if (!(where & (1 << place)) || (keepsUrls.has(name) && credentials.includes(value))) continue
        const what = keys.includes(value) ? 'a key or token' : credentials.includes(value) ? 'the URL credential' : 'the secret'
        problems.push(`${name} shows ${JSON.stringify(part)}, part of ${what} ${JSON.stringify(value.slice(0, 200))}`)
      }
    }
  }
  const maskable = new Set(
    [...keys, ...handedOutSecrets, ...credentials].flatMap((value) => [
      value,
      value.trim(),
      ...value.split(/\r\n|\r|\n/).flatMap((line) => [line, line.trim()])
    ])
  )
  // The other outputs hold what the API sent as it sent it (ids, the list, URLs with their credentials):
  // no key or secret, nor a line of one, whole. The secret and secrets outputs are where secrets belong.
  const whole = [...keys, ...handedOutSecrets]
    .flatMap((value) => [value, ...value.split(/\r\n|\r|\n/).map((line) => line.trim())])
    .filter((value) => value.length >= FRAGMENT)
  for (const [name, value] of Object.entries(outputs)) {
    if (name === 'secret' || name === 'secrets' || name === 'webhook') continue
    const found = whole.find((part) => value.includes(part))
    if (found !== undefined) problems.push(`output ${name} shows ${JSON.stringify(found.slice(0, 100))}, a key or secret`)
  }
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
        problems.push(
          `add-mask of ${JSON.stringify(command.data.slice(0, 100))}, neither the key nor a secret nor a URL credential, in ${where}`
        )
      }
    }
  }
  return problems
}
