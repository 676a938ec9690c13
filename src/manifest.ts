// The webhooks-as-code file (docs/design.md#webhooks-as-code): read from the workspace, parsed as YAML
// (JSON is a subset, so one parser finds duplicate keys and lines in both), and checked field by field
// before any request. The file is as hostile as any input: a typo fails the step, it is never ignored.
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs'
import type { Document, LineCounter } from 'yaml'
import { errorMessage, InputError } from './errors.js'
import { badEvent, cleanEvents, isInside } from './input-values.js'
import type { ManifestFile } from './inputs.js'
import { safeInline } from './text/safe-text.js'
import { KEY_PATTERN, markedDescription, OWNER_PATTERN } from './webhooks/ownership.js'
import { shownUrl } from './webhooks/urls.js'
import type { NewWebhook } from './webhooks/webhook.js'

export interface Endpoint {
  key: string
  /** What its POST sends: the description carries the ownership marker. */
  webhook: NewWebhook
}

export interface Manifest {
  owner: string
  deleteUnlisted: boolean
  maxDeletes: number
  endpoints: Endpoint[]
}

const MAX_BYTES = 1024 * 1024
const MAX_ENDPOINTS = 500
const MAX_DELETES = 1000
const TOP_FIELDS = ['version', 'owner', 'delete-unlisted', 'max-deletes', 'endpoints']
const ENDPOINT_FIELDS = ['key', 'url', 'events', 'description']
const OWNER_RULE = '<name>/<name> of A-Z a-z 0-9 . _ -'

type Path = Array<string | number>
type Fail = (path: Path, problem: string) => never

/** Reads and checks the manifest; throws one InputError naming the file, the field, its line and what is allowed. */
export async function readManifest(file: ManifestFile, defaultOwner: string | undefined): Promise<Manifest> {
  const text = readText(file)
  // Loaded here only: no other operation pays for the parser at start-up.
  const { LineCounter, parseDocument } = await import('yaml')
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const problem = doc.errors[0] ?? doc.warnings[0]
  if (problem) {
    const what =
      problem.code === 'DUPLICATE_KEY'
        ? 'has a field twice: each field may appear once'
        : `is not valid YAML or JSON: ${problem.message}`
    throw fileError(file, lines.linePos(problem.pos[0]).line, what)
  }
  const fail: Fail = (path, problem) => {
    throw fileError(file, lineOf(doc, lines, path), `${pathText(path)} ${problem}`)
  }
  return checkManifest(doc.toJS(), defaultOwner, fail)
}

function fileError(file: ManifestFile, line: number | undefined, problem: string): InputError {
  return new InputError('manifest', `file ${file.name}${line === undefined ? '' : `, line ${line}`}: ${problem}`)
}

/** The file's text; only a regular file inside the workspace (a link is followed first), at most MAX_BYTES. */
function readText(file: ManifestFile): string {
  let real: string
  try {
    real = realpathSync(file.path)
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw fileError(
      file,
      undefined,
      missing ? `does not exist in GITHUB_WORKSPACE (${file.workspace})` : `cannot be read: ${errorMessage(error)}`
    )
  }
  if (!isInside(realpathSync(file.workspace), real)) throw fileError(file, undefined, 'links to a file outside GITHUB_WORKSPACE')
  const stat = statSync(real)
  if (!stat.isFile()) throw fileError(file, undefined, 'is not a regular file')
  if (stat.size > MAX_BYTES)
    throw fileError(file, undefined, `is ${stat.size} bytes; at most 1 MiB (${MAX_BYTES} bytes) is allowed`)
  // Read with a bound of its own: the file could grow after the check.
  const buffer = Buffer.alloc(MAX_BYTES + 1)
  const fd = openSync(real, 'r')
  let length = 0
  try {
    for (let read = -1; read !== 0 && length < buffer.length; length += read)
      read = readSync(fd, buffer, length, buffer.length - length, null)
  } finally {
    closeSync(fd)
  }
  if (length > MAX_BYTES) throw fileError(file, undefined, `is more than 1 MiB (${MAX_BYTES} bytes), which is the most allowed`)
  return buffer.toString('utf8', 0, length)
}

function checkManifest(value: unknown, defaultOwner: string | undefined, fail: Fail): Manifest {
  const top = mapping(value, [], TOP_FIELDS, fail, 'the file must be a mapping with version and endpoints')
  if (top.version !== 1)
    fail(['version'], top.version === undefined ? 'is required: version: 1' : `must be 1; got ${shown(top.version)}`)
  const owner = top.owner === undefined ? defaultOwner : top.owner
  if (owner === undefined) fail(['owner'], `is required when GITHUB_REPOSITORY is not set: ${OWNER_RULE}`)
  if (typeof owner !== 'string' || !OWNER_PATTERN.test(owner)) {
    fail(['owner'], `must be ${OWNER_RULE}; got ${shown(owner)}${top.owner === undefined ? ' (from GITHUB_REPOSITORY)' : ''}`)
  }
  const deleteUnlisted = top['delete-unlisted'] === undefined ? false : top['delete-unlisted']
  if (typeof deleteUnlisted !== 'boolean') fail(['delete-unlisted'], `must be true or false; got ${shown(deleteUnlisted)}`)
  const maxDeletes = top['max-deletes'] === undefined ? 3 : top['max-deletes']
  if (!Number.isInteger(maxDeletes) || (maxDeletes as number) < 0 || (maxDeletes as number) > MAX_DELETES) {
    fail(['max-deletes'], `must be a whole number from 0 to ${MAX_DELETES}; got ${shown(maxDeletes)}`)
  }
  const list = top.endpoints
  if (!Array.isArray(list))
    fail(
      ['endpoints'],
      list === undefined ? 'is required: a list of endpoints' : `must be a list of endpoints; got ${shown(list)}`
    )
  if (list.length > MAX_ENDPOINTS) fail(['endpoints'], `has ${list.length} entries; at most ${MAX_ENDPOINTS} are allowed`)
  const keys = new Map<string, number>()
  const endpoints = list.map((item: unknown, index) => {
    const endpoint = checkEndpoint(item, ['endpoints', index], owner, fail)
    const first = keys.get(endpoint.key)
    if (first !== undefined)
      fail(['endpoints', index, 'key'], `'${endpoint.key}' is the key of endpoints[${first}] already: each key must be unique`)
    keys.set(endpoint.key, index)
    return endpoint
  })
  return { owner, deleteUnlisted, maxDeletes: maxDeletes as number, endpoints }
}

function checkEndpoint(value: unknown, at: Path, owner: string, fail: Fail): Endpoint {
  const fields = mapping(value, at, ENDPOINT_FIELDS, fail, 'must be a mapping with key, url and events')
  const { key, url, events, description } = fields
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    fail(
      [...at, 'key'],
      `${key === undefined ? 'is required' : `must be`}: a-z 0-9 and -, starting with a letter or digit, at most 63 characters${key === undefined ? '' : `; got ${shown(key)}`}`
    )
  }
  let href: string | undefined
  try {
    href = typeof url === 'string' && new URL(url).protocol === 'https:' ? new URL(url).href : undefined
  } catch {
    // Reported below.
  }
  if (href === undefined)
    fail(
      [...at, 'url'],
      `${url === undefined ? 'is required' : 'must be'}: a valid https:// URL${url === undefined ? '' : `; got ${shown(url)}`}`
    )
  if (!Array.isArray(events))
    fail(
      [...at, 'events'],
      `${events === undefined ? 'is required' : 'must be'}: a non-empty list of event types, e.g. [call.ended, summary.ready]`
    )
  events.forEach((event: unknown, index) => {
    if (typeof event !== 'string') fail([...at, 'events', index], `must be an event type (text); got ${shown(event)}`)
  })
  const cleaned = cleanEvents(events as string[])
  if (cleaned.length === 0) fail([...at, 'events'], 'must list at least one event type, e.g. [call.ended, summary.ready]')
  const bad = badEvent(cleaned)
  if (bad !== undefined)
    fail(
      [...at, 'events', (events as string[]).findIndex((event) => event.trim() === bad)],
      `has spaces or control characters: ${shown(bad)}`
    )
  if (description !== undefined && (typeof description !== 'string' || /[\p{Cc}\p{Zl}\p{Zp}]/u.test(description))) {
    fail([...at, 'description'], `must be one line of text without control characters; got ${shown(description)}`)
  }
  return {
    key,
    webhook: { url: href, events: cleaned, description: markedDescription(owner, key, description) }
  }
}

/** The value as a plain mapping with only the fields allowed. */
function mapping(value: unknown, at: Path, allowed: string[], fail: Fail, expected: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value) || value instanceof Map) {
    fail(at, `${expected}; got ${shown(value)}`)
  }
  const fields = value as Record<string, unknown>
  const unknown = Object.keys(fields).find((field) => !allowed.includes(field))
  if (unknown !== undefined)
    fail(
      [...at, unknown],
      `is not a field of the manifest${at.length > 0 ? "'s endpoints" : ''}: allowed are ${allowed.join(', ')}`
    )
  return fields
}

/** `endpoints[1].url`; the file itself when the path is empty. */
function pathText(path: Path): string {
  if (path.length === 0) return 'the file:'
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('')
}

/** A value in a message: text quoted, anything else as JSON, cut short and made safe. */
function shown(value: unknown): string {
  // JSON.stringify gives undefined only for undefined: no value reaches here as a function or symbol.
  // A value may be a URL, or hold one, with a credential in its query string (docs/design.md#credentials-in-urls).
  const text =
    typeof value === 'string' ? `'${shownUrl(value)}'` : value === null ? 'nothing' : shownUrl(JSON.stringify(value) ?? 'nothing')
  return safeInline(text, 100)
}

/** The line of the field at `path` (its key, in a mapping), or of the nearest enclosing node the parser placed. */
function lineOf(doc: Document, lines: LineCounter, path: Path): number | undefined {
  let node: unknown = doc.contents
  let offset = rangeStart(node)
  for (const segment of path) {
    const items = (node as { items?: unknown[] } | null)?.items
    if (!Array.isArray(items)) break
    if (typeof segment === 'number') {
      node = items[segment]
      offset = rangeStart(node) ?? offset
    } else {
      const pair = items.find((item) => (item as { key?: { value?: unknown } }).key?.value === segment) as
        { key: unknown; value: unknown } | undefined
      if (!pair) break
      offset = rangeStart(pair.key) ?? offset
      node = pair.value
    }
  }
  return offset === undefined ? undefined : lines.linePos(offset).line
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: unknown } | null)?.range
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined
}
