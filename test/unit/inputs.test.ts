import { describe, expect, it } from 'vitest'
import { parseEvents } from '../../src/input-values.js'
import { parseInputs, readApiKey } from '../../src/inputs.js'
import { inputProblem } from '../support/input-problem.js'

const base = { 'INPUT_API-KEY': 'key_1', INPUT_OPERATION: 'list' }

function parse(env: Record<string, string>) {
  return parseInputs({ ...base, ...env })
}

function problem(env: Record<string, string>): string {
  return inputProblem(() => parse(env))
}

describe('parseInputs', () => {
  it('applies the documented defaults', () => {
    expect(parse({})).toEqual({
      operation: 'list',
      apiKey: 'key_1',
      apiUrl: 'https://api.revont.ai/v1',
      timeoutMs: 30_000,
      maxRetries: 3,
      secretQueryParams: ['x-vercel-protection-bypass'],
      urlCredentials: [],
      url: undefined
    })
  })

  it('falls back to REVONT_API_KEY, and prefers the input', () => {
    expect(readApiKey({ REVONT_API_KEY: ' env_key ' })).toBe('env_key')
    expect(readApiKey({ 'INPUT_API-KEY': 'input_key', REVONT_API_KEY: 'env_key' })).toBe('input_key')
    expect(parseInputs({ INPUT_OPERATION: 'list', REVONT_API_KEY: 'env_key' }).apiKey).toBe('env_key')
  })

  it.each([
    [{ INPUT_OPERATION: '' }, "Input 'operation' is required; use one of: list, create, delete, prune"],
    [
      { INPUT_OPERATION: 'purge' },
      "Input 'operation' must be one of: list, create, delete, prune, plan, apply, auto (got 'purge')"
    ],
    [{ 'INPUT_API-KEY': '' }, "Input 'api-key' is required: set it, or the REVONT_API_KEY environment variable"],
    [{ 'INPUT_API-KEY': 'a b' }, "Input 'api-key' must be printable ASCII without spaces or control characters"],
    [{ 'INPUT_API-KEY': 'clé' }, "Input 'api-key' must be printable ASCII"],
    [{ 'INPUT_DRY-RUN': 'maybe' }, "Input 'dry-run' must be true or false; got 'maybe'"],
    [{ 'INPUT_IF-MISSING': 'skip' }, "Input 'if-missing' must be one of: warn, ignore, fail (got 'skip')"],
    [{ 'INPUT_OLDER-THAN': 'soon' }, "Input 'older-than' must be a whole number and a unit"],
    [{ 'INPUT_API-URL': 'http://api.revont.ai/v1' }, "Input 'api-url' must be an https:// URL"],
    [{ 'INPUT_API-URL': 'http://10.0.0.1/v1' }, "Input 'api-url' must be an https:// URL"],
    [{ 'INPUT_API-URL': 'https://u:p@api.revont.ai/v1' }, "Input 'api-url' must not contain a user name or password"],
    [{ 'INPUT_API-URL': 'https://api.revont.ai/v1?x=1' }, "Input 'api-url' must not contain a query"],
    [{ 'INPUT_API-URL': 'https://api.revont.ai/v1#x' }, "Input 'api-url' must not contain a query"],
    [{ 'INPUT_API-URL': 'not a url' }, "Input 'api-url' must be an absolute URL"],
    [{ 'INPUT_TIMEOUT-SECONDS': '0' }, "Input 'timeout-seconds' must be a number from 1 to 600; got '0'"],
    [{ 'INPUT_TIMEOUT-SECONDS': '1e3' }, "Input 'timeout-seconds' must be a number from 1 to 600"],
    [{ 'INPUT_MAX-RETRIES': '-1' }, "Input 'max-retries' must be a whole number from 0 to 10"],
    [{ 'INPUT_MAX-RETRIES': '2.5' }, "Input 'max-retries' must be a whole number from 0 to 10"],
    [{ INPUT_URL: 'example.com/hook' }, "Input 'url' must be an absolute URL"]
  ])('refuses %j', (env, message) => {
    expect(problem(env)).toContain(message)
  })

  it('accepts plain http only to loopback hosts, and drops a trailing slash', () => {
    for (const host of ['localhost:8080', '127.0.0.1', '127.10.20.30:9', '[::1]:3000']) {
      expect(parse({ 'INPUT_API-URL': `http://${host}/v1/` }).apiUrl).toBe(`http://${host}/v1`)
    }
  })

  it('never repeats a password from a URL it refuses', () => {
    const message = problem({ 'INPUT_API-URL': 'http://user:hunter2@api.revont.ai/v1' })
    expect(message).toContain("got 'http://***@api.revont.ai/v1'")
    expect(message).not.toContain('hunter2')
    expect(problem({ 'INPUT_API-URL': 'http://user:hun/ter?2@api.revont.ai/v1' })).not.toMatch(/hun|ter/)
    // Without the //, a URL parser still reads a user and password.
    expect(problem({ 'INPUT_API-URL': 'http:user:hunter2@api.revont.ai/v1' })).not.toContain('hunter2')
    expect(problem({ INPUT_OPERATION: 'prune', INPUT_URL: 'https:user:hunter2@*.a.com' })).not.toContain('hunter2')
  })

  it('normalises a list filter url', () => {
    expect(parse({ INPUT_URL: 'HTTPS://Hooks.Example.com:443/a/../b' })).toMatchObject({ url: 'https://hooks.example.com/b' })
  })

  describe('create', () => {
    const create = { INPUT_OPERATION: 'create', INPUT_URL: 'https://hooks.example.com/x', INPUT_EVENTS: 'call.ended' }

    it('reads every create input', () => {
      expect(
        parse({ ...create, INPUT_DESCRIPTION: ' Preview ', 'INPUT_IF-EXISTS': 'replace', 'INPUT_DRY-RUN': 'True' })
      ).toMatchObject({
        operation: 'create',
        url: 'https://hooks.example.com/x',
        events: ['call.ended'],
        description: 'Preview',
        ifExists: 'replace',
        dryRun: true
      })
      expect(parse(create)).toMatchObject({ description: undefined, ifExists: 'create', dryRun: false })
    })

    it.each([
      [{ INPUT_URL: '' }, "Input 'url' is required for create"],
      [{ INPUT_URL: 'http://hooks.example.com/x' }, "Input 'url' must be a valid https:// URL"],
      [{ INPUT_EVENTS: ' , \n ' }, "Input 'events' is required for create: at least one event type"],
      [{ INPUT_EVENTS: '["a", 1]' }, "Input 'events' must be a JSON array of strings"],
      [{ INPUT_EVENTS: '[oops' }, "Input 'events' starts with [ but is not a valid JSON array"],
      [{ INPUT_EVENTS: 'call ended' }, "Input 'events' has an entry with spaces or control characters"],
      [{ 'INPUT_IF-EXISTS': 'skip' }, "Input 'if-exists' must be one of: create, reuse, replace, fail (got 'skip')"],
      [{ 'INPUT_DRY-RUN': 'yes' }, "Input 'dry-run' must be true or false; got 'yes'"]
    ])('refuses %j', (env, message) => {
      expect(problem({ ...create, ...env })).toContain(message)
    })
  })

  describe('delete', () => {
    it('takes an id or a url, not both', () => {
      expect(parse({ INPUT_OPERATION: 'delete', INPUT_ID: 'wh_1-A' })).toMatchObject({
        target: { id: 'wh_1-A' },
        ifMissing: 'warn'
      })
      expect(parse({ INPUT_OPERATION: 'delete', INPUT_URL: 'https://a.example/x', 'INPUT_IF-MISSING': 'fail' })).toMatchObject({
        target: { url: 'https://a.example/x' },
        ifMissing: 'fail'
      })
      expect(problem({ INPUT_OPERATION: 'delete' })).toContain("Input 'id' is required for delete (or set 'url'")
      expect(problem({ INPUT_OPERATION: 'delete', INPUT_ID: 'a', INPUT_URL: 'https://a.example' })).toContain(
        "Input 'id' and 'url' are both set"
      )
    })

    it.each(['wh/1', '../x', 'wh 1', 'a'.repeat(129), 'wh%2F1'])('refuses the id %j', (id) => {
      expect(problem({ INPUT_OPERATION: 'delete', INPUT_ID: id })).toContain("Input 'id' may contain only A-Z a-z 0-9 _ -")
    })
  })

  describe('prune', () => {
    it('reads the pattern and the age', () => {
      expect(
        parse({ INPUT_OPERATION: 'prune', INPUT_URL: 'https://pr-*.example.com/*', 'INPUT_OLDER-THAN': '90m' })
      ).toMatchObject({
        pattern: expect.objectContaining({ text: 'https://pr-*.example.com/*' }),
        olderThanMs: 90 * 60_000,
        dryRun: false
      })
      expect(parse({ INPUT_OPERATION: 'prune', INPUT_URL: 'https://a.example/x', 'INPUT_OLDER-THAN': '7d' })).toMatchObject({
        olderThanMs: 7 * 86_400_000
      })
    })

    it('normalises the pattern as webhook URLs are: lower-case scheme and host, a path', () => {
      expect(parse({ INPUT_OPERATION: 'prune', INPUT_URL: 'HTTPS://PR-*.Preview.Example.com' })).toMatchObject({
        pattern: expect.objectContaining({ text: 'https://pr-*.preview.example.com/' })
      })
      expect(parse({ INPUT_OPERATION: 'prune', INPUT_URL: 'https://PR-*.example.com:443/Hooks/*' })).toMatchObject({
        pattern: expect.objectContaining({ text: 'https://pr-*.example.com/Hooks/*' })
      })
      expect(parse({ INPUT_OPERATION: 'prune', INPUT_URL: 'http://pr-*.example.test:8080' })).toMatchObject({
        pattern: expect.objectContaining({ text: 'http://pr-*.example.test:8080/' })
      })
      expect(parse({ INPUT_OPERATION: 'prune', INPUT_URL: 'https://hooks.example.com/pr-*' })).toMatchObject({
        pattern: expect.objectContaining({ text: 'https://hooks.example.com/pr-*' })
      })
    })

    it.each([
      ['', '', "Input 'url' is required for prune"],
      ['*', '', "Input 'url' for prune must be an http(s) URL pattern without spaces whose host, if it has a *, ends in"],
      ['https://*/*', '', 'ends in at least two whole labels after its last *'],
      ['https://*:8443/*', '', 'ends in at least two whole labels after its last *'],
      ['https://*.com/*', '', 'ends in at least two whole labels after its last *'],
      ['https://*a*', '', 'ends in at least two whole labels after its last *'],
      ['https://pr-*.example.com:8*/', '', 'ends in at least two whole labels after its last *'],
      ['https://pr-*.example.com/a\n::warning::x', '', 'URL pattern without spaces'],
      ['https://a.example/*', '7 days', "Input 'older-than' must be a whole number and a unit s, m, h or d"],
      ['https://a.example/*', '1.5h', "Input 'older-than' must be a whole number"]
    ])('refuses url %j older-than %j', (url, olderThan, message) => {
      expect(problem({ INPUT_OPERATION: 'prune', INPUT_URL: url, 'INPUT_OLDER-THAN': olderThan })).toContain(message)
    })
  })
})

describe('parseEvents', () => {
  it('splits on commas and newlines, trims, drops blanks and duplicates, keeps order', () => {
    expect(parseEvents('summary.ready, call.ended\n\ncall.ended ,summary.ready,transcript.ready')).toEqual([
      'summary.ready',
      'call.ended',
      'transcript.ready'
    ])
  })

  it('reads a JSON array the same way', () => {
    expect(parseEvents('["call.ended", " call.ended ", "", "summary.ready"]')).toEqual(['call.ended', 'summary.ready'])
  })
})
