// Reads and checks every input before the first request. A pure function of the environment, so the
// runner's INPUT_* variables are all it needs and tests can call it directly.
import { isAbsolute, resolve } from 'node:path'
import { InputError } from './errors.js'
import { headerSafe, isInside, parseApiUrl, parseEvents, parseWebhookUrl } from './input-values.js'
import { resolveAuto, type AutoResolution } from './operations/auto.js'
import { credentialsIn, DEFAULT_SECRET_QUERY_PARAMS, normalizeUrl, parseUrlPattern, type UrlPattern } from './webhooks/urls.js'
import { mask } from './text/secrets.js'
import { readWorkflowEvent, withoutSecrets } from './workflow-context.js'

export const OPERATIONS = ['list', 'create', 'delete', 'prune', 'plan', 'apply', 'auto'] as const
export const IF_EXISTS = ['create', 'reuse', 'replace', 'fail'] as const
export const IF_MISSING = ['warn', 'ignore', 'fail'] as const
export const DEFAULT_API_URL = 'https://api.revont.ai/v1'
export const DEFAULT_MANIFEST = '.github/revont-webhooks.yml'

export type Operation = (typeof OPERATIONS)[number]
/** What the step runs: the operation asked for, or what auto resolved to. */
export type ResolvedOperation = Exclude<Operation, 'auto'> | 'none'
export interface Resolution {
  operation: ResolvedOperation
  auto?: AutoResolution
}
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
  /** Keep webhooks of this repository's open pull requests, read with githubToken (docs/design.md#open-pull-requests). */
  keepOpenPullRequests: boolean
  githubToken: string
  dryRun: boolean
}
/** auto on an event it does nothing for. */
export interface NoneInputs {
  operation: 'none'
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

export type Inputs = Common & { auto?: AutoResolution } & (
    ListInputs | CreateInputs | DeleteInputs | PruneInputs | PlanInputs | ApplyInputs | NoneInputs
  )

type Env = Record<string, string | undefined>

/** The runner passes `with:` values as INPUT_<NAME>, upper-cased, with spaces as underscores. */
function input(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** The key from `api-key`, else from REVONT_API_KEY; read on its own so it can be masked first. */
export function readApiKey(env: Env): string {
  return input(env, 'api-key') || (env.REVONT_API_KEY ?? '').trim()
}

/**
 * Masks the key before anything else runs. One that cannot be masked (more lines than a secret may have)
 * is no key the API header takes either, and is refused as such.
 */
export function maskApiKey(key: string): void {
  if (!key) return
  try {
    mask(key)
  } catch (error) {
    headerSafe('api-key', key)
    throw error
  }
}

/** The inputs every request needs: all that the post step reads of them, with parseSecretQueryParams. */
export function parseConnection(env: Env, keyRequired = true): Connection {
  return {
    apiKey: parseApiKey(readApiKey(env), keyRequired ? env : undefined),
    apiUrl: parseApiUrl(input(env, 'api-url') || DEFAULT_API_URL, parseSecretQueryParams(env)),
    timeoutMs: parseNumber(env, 'timeout-seconds', 30, { min: 1, max: 600, integer: false }) * 1000,
    maxRetries: parseNumber(env, 'max-retries', 3, { min: 0, max: 10, integer: true })
  }
}

/** The operation input, and under auto what the event resolves it to; read first, so the log can say so. */
export function resolveOperation(env: Env): Resolution {
  const requested = oneOf(env, 'operation', OPERATIONS, undefined)
  if (requested !== 'auto') return { operation: requested }
  const auto = resolveAuto(readWorkflowEvent(env))
  return { operation: auto.operation, auto }
}

export function parseInputs(env: Env, { operation, auto }: Resolution = resolveOperation(env)): Inputs {
  const names = parseSecretQueryParams(env)
  const url = input(env, 'url')
  // In a prune pattern a value with a * is a glob, not a credential: masking it would hide every * in the log.
  const urlCredentials = [...new Set([...credentialsIn(url, names), ...credentialsIn(normalizeUrl(url), names)])].filter(
    (value) => operation !== 'prune' || !value.includes('*')
  )
  // auto resolved to none sends no request, so it needs no key: a fork's run then succeeds.
  const common = { ...parseConnection(env, operation !== 'none'), secretQueryParams: names, urlCredentials, auto }
  if (auto && input(env, 'id')) throw new InputError('id', 'is not used by operation auto, which deletes by url')
  // The choices are checked whatever the operation, so a typo fails the step even where one does not apply.
  const dryRun = parseBoolean(env, 'dry-run')
  const cleanup = parseBoolean(env, 'cleanup')
  const ifExists = oneOf(env, 'if-exists', IF_EXISTS, 'create')
  const ifMissing = oneOf(env, 'if-missing', IF_MISSING, 'warn')
  const olderThan = input(env, 'older-than')
  const olderThanMs = olderThan ? parseDuration(olderThan) : undefined
  const keepOpenPullRequests = parseBoolean(env, 'keep-open-pull-requests', true)
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
    case 'delete': {
      const target = auto
        ? {
            url: parseWebhookUrl(
              required(env, 'url', 'is required for auto: on closed it deletes the webhooks with this url'),
              false,
              names
            )
          }
        : parseDeleteTarget(env, names)
      return { ...common, operation, target, ifMissing, dryRun }
    }
    case 'prune': {
      const pattern = required(env, 'url', 'is required for prune: a URL pattern such as https://pr-*.preview.example.com/*')
      const token = keepOpenPullRequests ? input(env, 'github-token') : ''
      // An empty one reads no state: prune keeps what depends on one, with a warning.
      const githubToken = token && headerSafe('github-token', token)
      return {
        ...common,
        operation,
        pattern: parseUrlPattern(pattern, names),
        olderThanMs,
        keepOpenPullRequests,
        githubToken,
        dryRun
      }
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
    case 'none':
      return { ...common, operation }
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

/** `env` when a key is required: a run that GitHub gave no secrets is told why, and what to do. */
function parseApiKey(key: string, env: Env | undefined): string {
  if (key) return headerSafe('api-key', key)
  if (!env) return ''
  const why = withoutSecrets(readWorkflowEvent(env))
  if (!why) throw new InputError('api-key', 'is required: set it, or the REVONT_API_KEY environment variable')
  throw new InputError(
    'api-key',
    `and REVONT_API_KEY are empty because ${why}. Either delete previews on close from a workflow on pull_request_target, ` +
      "which gets secrets and must never check out the pull request's code, or skip such runs with " +
      "if: github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]'" +
      ' (for Dependabot, a Dependabot secret REVONT_API_KEY works too)'
  )
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
function parseBoolean(env: Env, name: string, fallback = false): boolean {
  const value = input(env, name)
  if (value === '') return fallback
  if (['false', 'False', 'FALSE'].includes(value)) return false
  if (['true', 'True', 'TRUE'].includes(value)) return true
  throw new InputError(name, `must be true or false; got '${value}'`)
}
