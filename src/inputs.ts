// Reads and checks every input before the first request. A pure function of the environment, so the
// runner's INPUT_* variables are all it needs and tests can call it directly.
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { InputError } from './errors.js'
import {
  credentialsIn,
  DEFAULT_SECRET_QUERY_PARAMS,
  normalizeUrl,
  parseUrlPattern,
  shownUrl,
  type UrlPattern
} from './webhooks/urls.js'

export const OPERATIONS = ['list', 'create', 'delete', 'prune', 'plan', 'apply'] as const
export const IF_EXISTS = ['create', 'reuse', 'replace', 'fail'] as const
export const IF_MISSING = ['warn', 'ignore', 'fail'] as const
export const DEFAULT_API_URL = 'https://api.revont.ai/v1'
export const DEFAULT_MANIFEST = '.github/revont-webhooks.yml'

export type Operation = (typeof OPERATIONS)[number]
type IfExists = (typeof IF_EXISTS)[number]
type IfMissing = (typeof IF_MISSING)[number]

export interface Connection {
  apiUrl: string
  apiKey: string
  timeoutMs: number
  maxRetries: number
}

/** What every operation reads besides its own inputs. */
interface Common extends Connection {
  /** The names of the query parameters whose values are credentials, in lower case as they are compared. */
  secretQueryParams: string[]
  /** Their values in the url input, in each form that may be printed: masked before the first request. */
  urlCredentials: string[]
}

export interface ListInputs {
  operation: 'list'
  url?: string
}
export interface CreateInputs {
  operation: 'create'
  url: string
  events: string[]
  description?: string
  ifExists: IfExists
  /** Delete what this step creates in the post step, when the job ends. */
  cleanup: boolean
  dryRun: boolean
}
export interface DeleteInputs {
  operation: 'delete'
  target: { id: string } | { url: string }
  ifMissing: IfMissing
  dryRun: boolean
}
export interface PruneInputs {
  operation: 'prune'
  pattern: UrlPattern
  olderThanMs?: number
  dryRun: boolean
}

/** The webhooks-as-code file: as the input names it, for messages, and where it is. */
export interface ManifestFile {
  name: string
  path: string
  workspace: string
}
export interface PlanInputs {
  operation: 'plan'
  manifest: ManifestFile
  /** The owner a manifest without one has: the repository the workflow runs in. */
  defaultOwner?: string
}
export interface ApplyInputs extends Omit<PlanInputs, 'operation'> {
  operation: 'apply'
  dryRun: boolean
}

export type Inputs = Common & (ListInputs | CreateInputs | DeleteInputs | PruneInputs | PlanInputs | ApplyInputs)

type Env = Record<string, string | undefined>

/** The runner passes `with:` values as INPUT_<NAME>, upper-cased, with spaces as underscores. */
function input(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** The key from `api-key`, else from REVONT_API_KEY; read on its own so it can be masked first. */
export function readApiKey(env: Env): string {
  return input(env, 'api-key') || (env.REVONT_API_KEY ?? '').trim()
}

/** The inputs every request needs: all that the post step reads of them, with parseSecretQueryParams. */
export function parseConnection(env: Env): Connection {
  return {
    apiKey: parseApiKey(readApiKey(env)),
    apiUrl: parseApiUrl(input(env, 'api-url') || DEFAULT_API_URL, parseSecretQueryParams(env)),
    timeoutMs: parseNumber(env, 'timeout-seconds', 30, { min: 1, max: 600, integer: false }) * 1000,
    maxRetries: parseNumber(env, 'max-retries', 3, { min: 0, max: 10, integer: true })
  }
}

export function parseInputs(env: Env): Inputs {
  const operation = oneOf(env, 'operation', OPERATIONS, undefined)
  const names = parseSecretQueryParams(env)
  const url = input(env, 'url')
  // In a prune pattern a value with a * is a glob, not a credential: masking it would hide every * in the log.
  const urlCredentials = [...new Set([...credentialsIn(url, names), ...credentialsIn(normalizeUrl(url), names)])].filter(
    (value) => operation !== 'prune' || !value.includes('*')
  )
  const common = { ...parseConnection(env), secretQueryParams: names, urlCredentials }
  // The choices are checked whatever the operation, so a typo fails the step even where one does not apply.
  const dryRun = parseBoolean(env, 'dry-run')
  const cleanup = parseBoolean(env, 'cleanup')
  const ifExists = oneOf(env, 'if-exists', IF_EXISTS, 'create')
  const ifMissing = oneOf(env, 'if-missing', IF_MISSING, 'warn')
  const olderThan = input(env, 'older-than')
  const olderThanMs = olderThan ? parseDuration(olderThan) : undefined
  switch (operation) {
    case 'list':
      return { ...common, operation, url: url ? parseWebhookUrl(url, false, names) : undefined }
    case 'create':
      return {
        ...common,
        operation,
        url: parseWebhookUrl(required(env, 'url', 'is required for create'), true, names),
        events: parseEvents(input(env, 'events')),
        description: input(env, 'description') || undefined,
        ifExists,
        cleanup,
        dryRun
      }
    case 'delete':
      return { ...common, operation, target: parseDeleteTarget(env, names), ifMissing, dryRun }
    case 'prune': {
      const pattern = required(env, 'url', 'is required for prune: a URL pattern such as https://pr-*.preview.example.com/*')
      return { ...common, operation, pattern: parseUrlPattern(pattern, names), olderThanMs, dryRun }
    }
    case 'plan':
      return { ...common, operation, manifest: parseManifestFile(env), defaultOwner: env.GITHUB_REPOSITORY || undefined }
    case 'apply':
      return {
        ...common,
        operation,
        manifest: parseManifestFile(env),
        defaultOwner: env.GITHUB_REPOSITORY || undefined,
        dryRun
      }
  }
}

function required(env: Env, name: string, problem: string): string {
  const value = input(env, name)
  if (!value) throw new InputError(name, problem)
  return value
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T | undefined): T {
  const value = input(env, name) || fallback
  if (value === undefined) throw new InputError(name, `is required; use one of: ${allowed.join(', ')}`)
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(name, `must be one of: ${allowed.join(', ')} (got '${value}')`)
  }
  return value as T
}

function parseApiKey(key: string): string {
  if (!key) throw new InputError('api-key', 'is required: set it, or the REVONT_API_KEY environment variable')
  // Anything else cannot go into the Authorization header.
  if (!/^[\x21-\x7e]+$/.test(key)) throw new InputError('api-key', 'must be printable ASCII without spaces or control characters')
  return key
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/

/** Returns the base URL without a trailing slash, so paths can be appended. */
function parseApiUrl(value: string, names: string[]): string {
  const url = parseUrl('api-url', value, names)
  const loopback = LOOPBACK_HOST.test(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new InputError(
      'api-url',
      `must be an https:// URL (plain http:// only to localhost, 127.0.0.0/8 or [::1]); got '${shownUrl(value, names)}'`
    )
  }
  if (url.username || url.password) throw new InputError('api-url', 'must not contain a user name or password')
  if (url.search || url.hash || value.includes('?') || value.includes('#')) {
    throw new InputError('api-url', 'must not contain a query (?) or fragment (#)')
  }
  return url.href.replace(/\/+$/, '')
}

function parseUrl(name: string, value: string, names: string[]): URL {
  try {
    return new URL(value)
  } catch {
    throw new InputError(name, `must be an absolute URL; got '${shownUrl(value, names)}'`)
  }
}

/** Webhook URLs are compared after WHATWG normalisation, so they are stored normalised. */
function parseWebhookUrl(value: string, httpsOnly: boolean, names: string[]): string {
  const url = parseUrl('url', value, names)
  if (httpsOnly && url.protocol !== 'https:') {
    throw new InputError('url', `must be a valid https:// URL (Revont delivers only over HTTPS); got '${shownUrl(value, names)}'`)
  }
  return url.href
}

function parseDeleteTarget(env: Env, names: string[]): DeleteInputs['target'] {
  const id = input(env, 'id')
  const url = input(env, 'url')
  if (id && url) throw new InputError('id', "and 'url' are both set; delete takes one of them")
  if (url) return { url: parseWebhookUrl(url, false, names) }
  if (!id) throw new InputError('id', "is required for delete (or set 'url' to delete every webhook with that URL)")
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) {
    throw new InputError('id', 'may contain only A-Z a-z 0-9 _ - and be at most 128 characters')
  }
  return { id }
}

/**
 * Comma- or newline-separated names, trimmed, blanks dropped, in lower case as they are compared. A name
 * must read the same in a query as in this list: no spaces, control characters, = & # % or +.
 */
export function parseSecretQueryParams(env: Env): string[] {
  const value = input(env, 'secret-query-params')
  if (!value) return DEFAULT_SECRET_QUERY_PARAMS
  const names = [...new Set(value.split(/[,\n]/).map((name) => name.trim().toLowerCase()))].filter(Boolean)
  const bad = names.find((name) => /[\s\p{Cc}=&#%+]/u.test(name))
  if (bad !== undefined) {
    throw new InputError('secret-query-params', `has a name with spaces, control characters or one of = & # % +: '${bad}'`)
  }
  return names
}

/**
 * Relative to GITHUB_WORKSPACE and inside it: a pull request's manifest must not make the action read a
 * file elsewhere on the runner. (Symbolic links are followed when the file is read: see manifest.ts.)
 */
function parseManifestFile(env: Env): ManifestFile {
  const name = input(env, 'manifest') || DEFAULT_MANIFEST
  const workspace = resolve(env.GITHUB_WORKSPACE || process.cwd())
  const path = resolve(workspace, name)
  if (isAbsolute(name) || !isInside(workspace, path)) {
    throw new InputError('manifest', `must be a path relative to GITHUB_WORKSPACE, inside it; got '${name}'`)
  }
  return { name, path, workspace }
}

/** Whether `path` is `folder` or below it. */
export function isInside(folder: string, path: string): boolean {
  const rest = relative(folder, path)
  return !isAbsolute(rest) && rest.split(sep)[0] !== '..'
}

/** Comma- or newline-separated, or a JSON array; trimmed, blanks and duplicates dropped, order kept. */
export function parseEvents(value: string): string[] {
  let entries: unknown[]
  if (value.startsWith('[')) {
    try {
      entries = JSON.parse(value) as unknown[]
    } catch {
      throw new InputError('events', 'starts with [ but is not a valid JSON array')
    }
    if (!Array.isArray(entries) || entries.some((entry) => typeof entry !== 'string')) {
      throw new InputError('events', 'must be a JSON array of strings')
    }
  } else {
    entries = value.split(/[,\n]/)
  }
  const events = cleanEvents(entries as string[])
  if (events.length === 0) {
    throw new InputError('events', 'is required for create: at least one event type, e.g. call.ended, summary.ready')
  }
  const bad = badEvent(events)
  // `events: |` followed by `- call.ended` lines: the input is text, and the dashes come with it.
  if (bad !== undefined && /^-\s/.test(bad)) {
    throw new InputError(
      'events',
      `is written as a YAML list ('${bad}'), which reaches the action as text with the dashes: ` +
        'separate the event types with commas or newlines instead (call.ended, summary.ready), or write a JSON array'
    )
  }
  if (bad !== undefined) throw new InputError('events', `has an entry with spaces or control characters: '${bad}'`)
  return events
}

/** Event types as the events input takes them: trimmed, blanks and duplicates dropped, order kept. */
export function cleanEvents(entries: string[]): string[] {
  return [...new Set(entries.map((entry) => entry.trim()).filter(Boolean))]
}

/** The first entry that cannot be an event type: one with spaces or control characters. */
export function badEvent(events: string[]): string | undefined {
  return events.find((event) => /[\s\x00-\x1f\x7f]/.test(event))
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

function parseDuration(value: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(value)
  if (!match) throw new InputError('older-than', `must be a whole number and a unit s, m, h or d (90m, 12h, 7d); got '${value}'`)
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
}

function parseNumber(env: Env, name: string, fallback: number, range: { min: number; max: number; integer: boolean }): number {
  const raw = input(env, name)
  if (!raw) return fallback
  const value = Number(raw)
  const kind = range.integer ? 'a whole number' : 'a number'
  if (!/^\d+(\.\d+)?$/.test(raw) || (range.integer && !Number.isInteger(value)) || value < range.min || value > range.max) {
    throw new InputError(name, `must be ${kind} from ${range.min} to ${range.max}; got '${raw}'`)
  }
  return value
}

/** The YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them. */
function parseBoolean(env: Env, name: string): boolean {
  const value = input(env, name)
  if (['', 'false', 'False', 'FALSE'].includes(value)) return false
  if (['true', 'True', 'TRUE'].includes(value)) return true
  throw new InputError(name, `must be true or false; got '${value}'`)
}
