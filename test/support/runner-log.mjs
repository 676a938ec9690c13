// Reads a step's output the way the GitHub runner does (actions/runner: ActionCommandManager.TryProcessCommand,
// ActionCommand.TryParseV2 and TryParse, the SecretMasker), so tests see what a workflow's log would show.
// - A line ends at \n, \r or \r\n (.NET StreamReader.ReadLine).
// - `::name props::data`: after trimming leading whitespace, the line starts with `::`; the name runs to the
//   first space or the next `::`. Properties are `k=v` split at `,`; data and properties are unescaped.
// - Otherwise the legacy `##[name props]data`: the first `##[` anywhere in the line, up to the next `]`;
//   properties split at `;`.
// - Only registered names are commands (case-insensitive); any other line is plain text.
// - `stop-commands` with data TOKEN makes every later command plain text until a line with the command
//   `TOKEN` (either syntax); an empty token never resumes. `add-mask` and `::debug::` are not shown.
// - Masks: every occurrence of each registered value is found, overlapping finds are merged and each run
//   is shown as `***`. A line is masked with the masks registered before it; annotation messages are
//   masked, their properties are not.

/** The commands the runner registers (ActionCommandManager and its extensions). */
export const RUNNER_COMMANDS = new Set([
  'stop-commands',
  'add-mask',
  'add-path',
  'set-env',
  'set-output',
  'save-state',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo'
])

const ANNOTATIONS = new Set(['error', 'warning', 'notice'])

/** Splits text into lines as the runner reads them; a final line break ends the last line, it adds none. */
export function runnerLines(text) {
  const lines = text.split(/\r\n|\r|\n/)
  if (lines.at(-1) === '') lines.pop()
  return lines
}

function unescape(text, mappings) {
  return mappings.reduce((result, [escaped, char]) => result.split(escaped).join(char), text)
}

const DATA_ESCAPES = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%']
]
const PROPERTY_ESCAPES = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%']
]
const LEGACY_ESCAPES = [
  ['%3B', ';'],
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%5D', ']'],
  ['%25', '%']
]

function parseProperties(text, separator, escapes) {
  /** @type {Record<string, string>} */
  const properties = {}
  for (const pair of text.split(separator).filter(Boolean)) {
    const at = pair.indexOf('=')
    const key = pair.slice(0, at)
    const value = pair.slice(at + 1)
    // .NET Split('=', 2, RemoveEmptyEntries): both sides must be non-empty.
    if (at > 0 && value) properties[key.toLowerCase()] = unescape(value, escapes)
  }
  return properties
}

/** .NET's TrimStart: char.IsWhiteSpace, which includes U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028 ... */
const LEADING_WHITESPACE = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/

/**
 * One line as TryParseV2, then TryParse, would read it.
 * @param {string} line
 * @param {Set<string>} registered  lower-case names
 * @returns {{ name: string, syntax: 'v2'|'legacy', properties: Record<string, string>, data: string } | undefined}
 */
export function parseCommandLine(line, registered = RUNNER_COMMANDS) {
  const trimmed = line.replace(LEADING_WHITESPACE, '')
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2)
    if (end >= 0) {
      const info = trimmed.slice(2, end)
      const space = info.indexOf(' ')
      const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
      if (registered.has(name)) {
        const properties = space > 0 ? parseProperties(info.slice(space + 1).trim(), ',', PROPERTY_ESCAPES) : {}
        return { name, syntax: 'v2', properties, data: unescape(trimmed.slice(end + 2), DATA_ESCAPES) }
      }
    }
  }
  const prefix = line.indexOf('##[')
  if (prefix < 0) return undefined
  const close = line.indexOf(']', prefix)
  if (close < 0) return undefined
  const info = line.slice(prefix + 3, close)
  const space = info.indexOf(' ')
  const name = (space < 0 ? info : info.slice(0, space)).toLowerCase()
  if (!registered.has(name)) return undefined
  const properties = space > 0 ? parseProperties(info.slice(space + 1), ';', LEGACY_ESCAPES) : {}
  return { name, syntax: 'legacy', properties, data: unescape(line.slice(close + 1), LEGACY_ESCAPES) }
}

/** Every find of every mask, overlapping finds merged, each run shown as `***` (the runner's SecretMasker). */
export function applyMasks(text, masks) {
  /** @type {Array<[number, number]>} */
  const finds = []
  for (const mask of masks) {
    for (let at = text.indexOf(mask); at >= 0; at = text.indexOf(mask, at + 1)) finds.push([at, at + mask.length])
  }
  if (finds.length === 0) return text
  finds.sort((a, b) => a[0] - b[0])
  let shown = ''
  let from = 0
  let run = finds[0]
  for (const find of [...finds.slice(1), undefined]) {
    if (find && find[0] <= run[1]) {
      run = [run[0], Math.max(run[1], find[1])]
      continue
    }
    shown += `${text.slice(from, run[0])}***`
    from = run[1]
    if (find) run = find
  }
  return shown + text.slice(from)
}

/**
 * @typedef {{ type: 'error'|'warning'|'notice', message: string, properties: Record<string, string>, line: number }} Annotation
 * @typedef {{ line: number, name: string, syntax: 'v2'|'legacy', properties: Record<string, string>, data: string, text: string }} Command
 */

/**
 * The step's output as the runner processes it.
 * @param {string} output  stdout (or stderr) of the step
 * @param {{ masks?: string[] }} [options]  masks registered before this output (e.g. from stdout, for stderr)
 */
export function readRunnerLog(output, { masks: earlierMasks = [] } = {}) {
  const registered = new Set(RUNNER_COMMANDS)
  /** @type {string[]} */
  const masks = [...earlierMasks]
  /** @type {string[]} the log as shown, one entry per line; annotations as `Error: message` */
  const lines = []
  /** @type {Annotation[]} */
  const annotations = []
  /** @type {string[]} */
  const debug = []
  /** @type {Command[]} */
  const commands = []
  /** @type {string | undefined} */
  let stopToken
  const hide = (text) => applyMasks(text, masks)

  runnerLines(output).forEach((text, line) => {
    const command = text === '' ? undefined : parseCommandLine(text, registered)
    if (!command) return lines.push(hide(text))
    if (stopToken !== undefined) {
      if (stopToken !== '' && command.name === stopToken) {
        commands.push({ line, text, ...command })
        registered.delete(stopToken)
        stopToken = undefined
      }
      return lines.push(hide(text))
    }
    commands.push({ line, text, ...command })
    if (command.name === 'stop-commands') {
      stopToken = command.data.toLowerCase()
      registered.add(stopToken)
      return lines.push(hide(text))
    }
    if (command.name === 'add-mask') {
      if (command.data.trim() !== '') masks.push(command.data)
    } else if (command.name === 'debug') {
      debug.push(hide(command.data))
    } else if (ANNOTATIONS.has(command.name)) {
      const type = /** @type {Annotation['type']} */ (command.name)
      const message = hide(command.data)
      annotations.push({ type, message, properties: command.properties, line })
      lines.push(`${type[0].toUpperCase()}${type.slice(1)}: ${message}`)
    } else {
      lines.push(hide(text))
    }
  })
  return { text: lines.join('\n'), lines, annotations, debug, masks, commands, stopped: stopToken !== undefined, hide }
}
