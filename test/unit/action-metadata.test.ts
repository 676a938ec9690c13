// Checks action.yml the way GitHub and the Marketplace read it. No npm package ships a current copy of the
// published JSON schema for action metadata (SchemaStore's github-action.json: the copy inside
// @action-validator/core predates node24 and rejects it), so this test states the same rules: the keys each
// level allows, the types GitHub expects, a Feather icon and badge color it accepts, node24 with an
// existing dist/index.js. Then it keeps action.yml, src/inputs.ts and src/outputs.ts naming the same
// inputs and outputs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { parse } from 'yaml'
import {
  DEFAULT_API_URL,
  DEFAULT_MANIFEST,
  IF_EXISTS,
  IF_MISSING,
  OPERATIONS,
  parseInputs,
  type Operation
} from '../../src/inputs.js'
import { stepOutputs } from '../../src/results/outputs.js'
import { Report } from '../../src/results/report.js'
import { repoRoot } from '../support/run-action.mjs'

interface ActionMetadata {
  name?: unknown
  description?: unknown
  author?: unknown
  branding?: { icon?: unknown; color?: unknown; [key: string]: unknown }
  inputs?: Record<string, Record<string, unknown> | null>
  outputs?: Record<string, Record<string, unknown> | null>
  runs?: Record<string, unknown>
  [key: string]: unknown
}

const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as ActionMetadata
const inputs = Object.entries(action.inputs ?? {})
const outputs = Object.entries(action.outputs ?? {})

/** The branding.icon enum of SchemaStore's github-action.json: the Feather icons GitHub accepts. */
const FEATHER_ICONS = new Set(
  `
  activity airplay alert-circle alert-octagon alert-triangle align-center align-justify align-left align-right
  anchor aperture archive arrow-down-circle arrow-down-left arrow-down-right arrow-down arrow-left-circle
  arrow-left arrow-right-circle arrow-right arrow-up-circle arrow-up-left arrow-up-right arrow-up at-sign award
  bar-chart-2 bar-chart battery-charging battery bell-off bell bluetooth bold book-open book bookmark box
  briefcase calendar camera-off camera cast check-circle check-square check chevron-down chevron-left
  chevron-right chevron-up chevrons-down chevrons-left chevrons-right chevrons-up circle clipboard clock
  cloud-drizzle cloud-lightning cloud-off cloud-rain cloud-snow cloud code command compass copy corner-down-left
  corner-down-right corner-left-down corner-left-up corner-right-down corner-right-up corner-up-left
  corner-up-right cpu credit-card crop crosshair database delete disc dollar-sign download-cloud download
  droplet edit-2 edit-3 edit external-link eye-off eye facebook fast-forward feather file-minus file-plus
  file-text file film filter flag folder-minus folder-plus folder gift git-branch git-commit git-merge
  git-pull-request globe grid hard-drive hash headphones heart help-circle home image inbox info italic layers
  layout life-buoy link-2 link list loader lock log-in log-out mail map-pin map maximize-2 maximize menu
  message-circle message-square mic-off mic minimize-2 minimize minus-circle minus-square minus monitor moon
  more-horizontal more-vertical move music navigation-2 navigation octagon package paperclip pause-circle pause
  percent phone-call phone-forwarded phone-incoming phone-missed phone-off phone-outgoing phone pie-chart
  play-circle play plus-circle plus-square plus pocket power printer radio refresh-ccw refresh-cw repeat rewind
  rotate-ccw rotate-cw rss save scissors search send server settings share-2 share shield-off shield
  shopping-bag shopping-cart shuffle sidebar skip-back skip-forward slash sliders smartphone speaker square star
  stop-circle sun sunrise sunset tablet tag target terminal thermometer thumbs-down thumbs-up toggle-left
  toggle-right trash-2 trash trending-down trending-up triangle truck tv type umbrella underline unlock
  upload-cloud upload user-check user-minus user-plus user-x user users video-off video voicemail volume-1
  volume-2 volume-x volume watch wifi-off wifi wind x-circle x-square x zap-off zap zoom-in zoom-out
`
    .trim()
    .split(/\s+/)
)
/** The branding.color enum of the same schema. */
const BADGE_COLORS = ['white', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']
/** Input and output ids: a letter or _, then letters, digits, - and _. */
const ID = /^[_a-zA-Z][a-zA-Z0-9_-]*$/

/** Keys that are not in `allowed`: GitHub rejects or ignores them (additionalProperties: false). */
function unknownKeys(value: object | null | undefined, allowed: string[]): string[] {
  return Object.keys(value ?? {}).filter((key) => !allowed.includes(key))
}

function sourceText(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8')
}

/** Every match of the first capture group of `pattern` in `text`, deduplicated and sorted. */
function captures(text: string, pattern: RegExp): string[] {
  return [...new Set([...text.matchAll(pattern)].map((match) => match[1]))].sort()
}

describe('action.yml metadata', () => {
  it('has only the top-level keys GitHub reads, with a name, description and author', () => {
    expect(unknownKeys(action, ['name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding'])).toEqual([])
    for (const key of ['name', 'description', 'author'] as const) {
      expect(typeof action[key], key).toBe('string')
      expect(String(action[key]).trim(), key).not.toBe('')
    }
  })

  it('has Marketplace branding: a Feather icon GitHub accepts and one of the badge colors', () => {
    expect(unknownKeys(action.branding, ['icon', 'color'])).toEqual([])
    expect(FEATHER_ICONS.size).toBe(257)
    expect(FEATHER_ICONS.has(String(action.branding?.icon)), `branding.icon '${String(action.branding?.icon)}'`).toBe(true)
    expect(BADGE_COLORS).toContain(action.branding?.color)
  })

  it("runs dist/index.js on node24 as the main step, and dist/post.js as a post step whatever the job's result", () => {
    expect(unknownKeys(action.runs, ['using', 'main', 'pre', 'pre-if', 'post', 'post-if'])).toEqual([])
    expect(action.runs?.using).toBe('node24')
    expect(action.runs?.main).toBe('dist/index.js')
    expect(action.runs?.post).toBe('dist/post.js')
    expect(action.runs?.['post-if']).toBe('always()')
    expect(existsSync(join(repoRoot, 'dist', 'index.js'))).toBe(true)
    expect(existsSync(join(repoRoot, 'dist', 'post.js'))).toBe(true)
  })

  it('declares inputs, each with a description, a boolean required and a string default', () => {
    expect(inputs.length).toBeGreaterThan(0)
    for (const [name, spec] of inputs) {
      expect(name, `input id '${name}'`).toMatch(ID)
      expect(spec, `input '${name}'`).toBeTypeOf('object')
      expect(unknownKeys(spec, ['description', 'required', 'default', 'deprecationMessage']), `input '${name}'`).toEqual([])
      expect(typeof spec?.description, `input '${name}' description`).toBe('string')
      expect(String(spec?.description).trim(), `input '${name}' description`).not.toBe('')
      if (spec?.required !== undefined) expect(typeof spec.required, `input '${name}' required`).toBe('boolean')
      // The runner passes inputs as strings: an unquoted YAML true or 30 would be a boolean or number here.
      if (spec?.default !== undefined) expect(typeof spec.default, `input '${name}' default`).toBe('string')
      if (spec?.deprecationMessage !== undefined) expect(typeof spec.deprecationMessage).toBe('string')
    }
  })

  it('declares outputs, each with a description and nothing else', () => {
    expect(outputs.length).toBeGreaterThan(0)
    for (const [name, spec] of outputs) {
      expect(name, `output id '${name}'`).toMatch(ID)
      expect(unknownKeys(spec, ['description']), `output '${name}'`).toEqual([])
      expect(typeof spec?.description, `output '${name}' description`).toBe('string')
      expect(String(spec?.description).trim(), `output '${name}' description`).not.toBe('')
    }
  })

  it('lists an allowed value as the default of each enumerated input', () => {
    const allowed: Record<string, readonly string[]> = { operation: OPERATIONS, 'if-exists': IF_EXISTS, 'if-missing': IF_MISSING }
    for (const [name, values] of Object.entries(allowed)) {
      const fallback = action.inputs?.[name]?.default
      if (fallback !== undefined) expect(values, `input '${name}' default`).toContain(fallback)
    }
  })
})

describe('action.yml and the sources agree', () => {
  it('declares every input that src/inputs.ts reads, and src/inputs.ts reads every declared input', () => {
    // input(env, 'name') and the helpers that call it with a name: required, oneOf, parseNumber, parseBoolean.
    const read = captures(sourceText('src/inputs.ts'), /\b[A-Za-z]+\(\s*env\s*,\s*['"]([^'"]+)['"]/g)
    expect(read.length).toBeGreaterThan(0)
    expect(read).toEqual(inputs.map(([name]) => name).sort())
  })

  it("declares the defaults the code falls back to: a run without an input behaves as with action.yml's default", () => {
    // The runner evaluates an expression default (github-token's) itself: the code cannot fall back to it.
    const defaults = Object.fromEntries(
      inputs.flatMap(([name, spec]) =>
        typeof spec?.default === 'string' && !spec.default.includes('${{') ? [[`INPUT_${name.toUpperCase()}`, spec.default]] : []
      )
    )
    const minimal: Record<string, Record<string, string>> = {
      list: {},
      create: { INPUT_URL: 'https://pr-1.preview.example.com/hook', INPUT_EVENTS: 'call.ended' },
      delete: { INPUT_ID: 'wh_1' },
      prune: { INPUT_URL: 'https://pr-*.preview.example.com/*' },
      auto: {}
    }
    for (const operation of OPERATIONS) {
      const env = { INPUT_OPERATION: operation, 'INPUT_API-KEY': 'key', ...minimal[operation] }
      // As JSON: prune's pattern carries its test, a function, which compares by identity.
      expect(JSON.stringify(parseInputs({ ...defaults, ...env })), operation).toBe(JSON.stringify(parseInputs(env)))
    }
    expect(action.inputs?.['api-url']?.default).toBe(DEFAULT_API_URL)
    expect(action.inputs?.['github-token']?.default).toBe('${{ github.token }}')
    expect(action.inputs?.manifest?.default).toBe(DEFAULT_MANIFEST)
  })

  it('gives every true/false input the default the code falls back to', () => {
    const source = sourceText('src/inputs.ts')
    const booleans = [...source.matchAll(/\bparseBoolean\(\s*env\s*,\s*['"]([^'"]+)['"](?:\s*,\s*(true|false))?\s*\)/g)]
    expect(booleans.map(([, name]) => name).sort()).toEqual(['cleanup', 'dry-run', 'keep-open-pull-requests'])
    for (const [, name, fallback] of booleans) {
      expect(action.inputs?.[name]?.default, `input '${name}' default`).toBe(fallback ?? 'false')
    }
  })

  it('names only declared inputs in the input errors of src/inputs.ts', () => {
    const named = captures(sourceText('src/inputs.ts'), /new InputError\(\s*['"]([^'"]+)['"]/g)
    expect(named.length).toBeGreaterThan(0)
    expect(named.filter((name) => !action.inputs?.[name])).toEqual([])
  })

  it('declares every output that src/outputs.ts sets, and src/outputs.ts sets every declared output', () => {
    vi.stubEnv('RUNNER_TEMP', mkdtempSync(join(tmpdir(), 'revont-outputs-')))
    const target: Record<Operation, Record<string, string>> = {
      list: {},
      create: { INPUT_URL: 'https://pr-1.preview.example.com/hooks', INPUT_EVENTS: 'call.ended' },
      delete: { INPUT_ID: 'wh_1' },
      prune: { INPUT_URL: 'https://pr-*.preview.example.com/*' },
      plan: {},
      apply: {},
      // Resolves to none outside a pull request event: what it adds is resolved-operation.
      auto: {}
    }
    const set = new Set<string>()
    try {
      for (const operation of OPERATIONS) {
        const inputs = parseInputs({ INPUT_OPERATION: operation, 'INPUT_API-KEY': 'key', ...target[operation] })
        const report = new Report(inputs.operation, false)
        if (operation === 'list') report.listed = [{ id: 'wh_1', url: 'https://pr-1.preview.example.com/hooks', events: [] }]
        if (operation === 'plan' || operation === 'apply') {
          report.plan = { owner: 'octo/app', entries: [], creates: [], deletes: [], unmanaged: 0, doubled: [] }
        }
        for (const [name] of stepOutputs(report, inputs)) set.add(name)
      }
    } finally {
      rmSync(process.env.RUNNER_TEMP as string, { recursive: true, force: true })
      vi.unstubAllEnvs()
    }
    expect([...set].sort()).toEqual(outputs.map(([name]) => name).sort())
  })
})
