// Credentials in endpoint URLs (docs/design.md#credentials-in-urls): how a URL is found, shown and masked
// when a query parameter named in secret-query-params carries a credential.
import { afterEach, describe, expect, it } from 'vitest'
import { parseInputs } from '../../src/inputs.js'
import {
  credentialsIn,
  DEFAULT_SECRET_QUERY_PARAMS,
  findKey,
  hasUrl,
  parseUrlPattern,
  shownUrl,
  useSecretQueryParams
} from '../../src/webhooks/urls.js'
import type { Webhook } from '../../src/webhooks/webhook.js'
import { inputProblem } from '../support/input-problem.js'

const webhook = (url: string): Webhook => ({ id: 'wh_1', url, events: [] })
const base = 'https://pr-7.example.app/hooks'

afterEach(() => useSecretQueryParams(DEFAULT_SECRET_QUERY_PARAMS))

describe('findKey: finding an endpoint leaves its credentials out', () => {
  it('finds an endpoint whatever its credential, and keeps comparing the full URL for being the same', () => {
    const asked = `${base}?x-vercel-protection-bypass=NEW`
    const old = `${base}?x-vercel-protection-bypass=OLD`
    expect(findKey(old)).toBe(base)
    expect(findKey(old)).toBe(findKey(asked))
    expect(findKey(base)).toBe(findKey(asked))
    expect(hasUrl(webhook(old), asked)).toBe(false)
    expect(hasUrl(webhook(asked), asked)).toBe(true)
  })

  it('leaves out every credential, in any case, with a percent-encoded name, wherever it stands', () => {
    const key = `${base}?pr=7&b=2#f`
    expect(findKey(`${base}?pr=7&X-Vercel-Protection-Bypass=A&b=2&x-vercel-protection-bypass=B#f`)).toBe(key)
    expect(findKey(`${base}?x%2Dvercel-protection-bypass=A%2FB&pr=7&b=2#f`)).toBe(key)
    expect(findKey(`${base}?pr=7&x-vercel-protection-bypass=&b=2#f`)).toBe(key)
    expect(findKey(`${base}?pr=7&x-vercel-protection-bypass&b=2#f`)).toBe(key)
    // The URL parser drops tabs and line ends, so a server reads this name as the credential's too.
    expect(findKey(`${base}?pr=7&x-vercel-protection-\nbypass=A&b=2#f`)).toBe(key)
  })

  it('keeps every other parameter: its text, its place, and an empty query without credentials', () => {
    expect(findKey(`${base}?pr=7&x-vercel-protection-bypass=A`)).not.toBe(findKey(`${base}?pr=8&x-vercel-protection-bypass=A`))
    expect(findKey(`${base}?a=1&b=2`)).not.toBe(findKey(`${base}?b=2&a=1`))
    expect(findKey(`${base}?a=%41`)).not.toBe(findKey(`${base}?a=A`))
    expect(findKey(`${base}?`)).toBe(`${base}?`)
    expect(findKey('HTTPS://PR-7.Example.App:443/hooks/../hooks?x-vercel-protection-bypass=A')).toBe(base)
  })

  it('does not take a parameter of the fragment, or one whose name only starts like it, for a credential', () => {
    expect(findKey(`${base}#?x-vercel-protection-bypass=A`)).toBe(`${base}#?x-vercel-protection-bypass=A`)
    expect(findKey(`${base}?x-vercel-protection-bypass-2=A`)).toBe(`${base}?x-vercel-protection-bypass-2=A`)
  })

  it('compares a URL that does not parse as it is, with its credentials left out', () => {
    expect(findKey('https://exa mple.app/h?x-vercel-protection-bypass=A')).toBe('https://exa mple.app/h')
  })

  it('uses the names of secret-query-params, compared in lower case', () => {
    useSecretQueryParams(['token', 'sig'])
    expect(findKey(`${base}?Token=A&x-vercel-protection-bypass=B&sig=C`)).toBe(`${base}?x-vercel-protection-bypass=B`)
    expect(findKey(`${base}?x-vercel-protection-bypass=B`, ['x-vercel-protection-bypass'])).toBe(base)
  })
})

describe('shownUrl: a URL as the action prints it', () => {
  it("shows each credential's value as ***, however it is written, and leaves the rest as it is", () => {
    expect(shownUrl(`${base}?pr=7&x-vercel-protection-bypass=S3cr3tValue#f`)).toBe(
      `${base}?pr=7&x-vercel-protection-bypass=***#f`
    )
    expect(shownUrl(`${base}?X-Vercel-Protection-Bypass=A1234567&x-vercel-protection-bypass=B1234567`)).toBe(
      `${base}?X-Vercel-Protection-Bypass=***&x-vercel-protection-bypass=***`
    )
    expect(shownUrl(`${base}?x%2Dvercel%2Dprotection%2Dbypass=S%2F3cr3t%3D`)).toBe(`${base}?x%2Dvercel%2Dprotection%2Dbypass=***`)
    expect(shownUrl(`${base}?x-vercel-protection-bypass=a=b=c`)).toBe(`${base}?x-vercel-protection-bypass=***`)
  })

  it('hides hostile text in a value whole: command syntax, raw and encoded line ends', () => {
    const shown = shownUrl(`${base}?x-vercel-protection-bypass=tok%0A::warning::pwn%0D%0A%23%23[error]x\r::error::y`)
    expect(shown).toBe(`${base}?x-vercel-protection-bypass=***`)
  })

  it('shows an empty value as empty: there is no credential to hide, and the reader sees it is missing', () => {
    expect(shownUrl(`${base}?x-vercel-protection-bypass=`)).toBe(`${base}?x-vercel-protection-bypass=`)
    expect(shownUrl(`${base}?x-vercel-protection-bypass`)).toBe(`${base}?x-vercel-protection-bypass`)
  })

  it('hides credentials in a URL that does not parse, as one from the API may be', () => {
    expect(shownUrl('https://exa mple.app/h?x-vercel-protection-bypass=THEIRS123')).toBe(
      'https://exa mple.app/h?x-vercel-protection-bypass=***'
    )
    expect(shownUrl('not a url?x-vercel-protection-bypass=THEIRS123&a=1')).toBe('not a url?x-vercel-protection-bypass=***&a=1')
  })

  it('hides a user name and password: only the authority when the URL parses, else all before the last @', () => {
    expect(shownUrl('https://u:hunter2@pr-7.example.app/h?to=a@b.example')).toBe('https://***@pr-7.example.app/h?to=a@b.example')
    expect(shownUrl('https://pr-7.example.app/h?to=a@b.example')).toBe('https://pr-7.example.app/h?to=a@b.example')
    expect(shownUrl('http://user:hun/ter?2@api.revont.ai/v1')).toBe('http://***@api.revont.ai/v1')
    expect(shownUrl('https:user:hunter2@pr-7.example.app/h')).toBe('https:***@pr-7.example.app/h')
  })

  it('uses the names of secret-query-params', () => {
    useSecretQueryParams(['token'])
    expect(shownUrl(`${base}?TOKEN=abc&x-vercel-protection-bypass=def`)).toBe(`${base}?TOKEN=***&x-vercel-protection-bypass=def`)
  })
})

describe('credentialsIn: what is masked', () => {
  it('gives each value as written and percent-decoded, without blank ones', () => {
    expect(
      credentialsIn(`${base}?x-vercel-protection-bypass=S%2F1%20x&X-VERCEL-PROTECTION-BYPASS=two&x-vercel-protection-bypass=`)
    ).toEqual(['S%2F1%20x', 'S/1 x', 'two'])
    expect(credentialsIn(`${base}?x-vercel-protection-bypass=%20&x-vercel-protection-bypass=+`)).toEqual([])
    expect(credentialsIn(`${base}?other=S`)).toEqual([])
  })
})

describe("prune's pattern", () => {
  it('leaves credentials out of the pattern and of the URLs it is matched against', () => {
    const pattern = parseUrlPattern('https://pr-*.example.app/hooks?x-vercel-protection-bypass=*')
    expect(pattern.text).toBe('https://pr-*.example.app/hooks')
    expect(pattern.matches(webhook('https://pr-7.example.app/hooks?x-vercel-protection-bypass=OLD'))).toBe(true)
    expect(
      pattern.matches(webhook('https://pr-7.example.app/hooks?X-Vercel-Protection-Bypass=A&x-vercel-protection-bypass=B'))
    ).toBe(true)
    expect(pattern.matches(webhook('https://pr-7.example.app/hooks?pr=7&x-vercel-protection-bypass=OLD'))).toBe(false)
    expect(parseUrlPattern('https://pr-*.example.app?x-vercel-protection-bypass=S').text).toBe('https://pr-*.example.app/')
  })
})

describe('the secret-query-params input', () => {
  const parse = (env: Record<string, string>) =>
    parseInputs({ INPUT_OPERATION: 'create', 'INPUT_API-KEY': 'key_1', INPUT_EVENTS: 'call.ended', INPUT_URL: base, ...env })
  const problem = (env: Record<string, string>): string => inputProblem(() => parse(env))

  it('defaults to x-vercel-protection-bypass; takes names comma- or newline-separated, trimmed, in lower case', () => {
    expect(parse({}).secretQueryParams).toEqual(['x-vercel-protection-bypass'])
    expect(
      parse({ 'INPUT_SECRET-QUERY-PARAMS': ' Token ,\n\nSIG,token,\r\n x-vercel-protection-bypass ' }).secretQueryParams
    ).toEqual(['token', 'sig', 'x-vercel-protection-bypass'])
  })

  it.each(['to ken', 'a=b', 'a&b', 'a#b', 'a%2Db', 'a+b', 'to\u0007ken'])('refuses the name %j, naming the input', (name) => {
    expect(problem({ 'INPUT_SECRET-QUERY-PARAMS': `token,${name}` })).toMatch(
      /^Input 'secret-query-params' has a name with spaces/
    )
  })

  it("gives the url input's credential values to mask: as given, as normalised, and decoded", () => {
    const inputs = parse({ INPUT_URL: `${base}?x-vercel-protection-bypass=a b%2Fc'd&pr=7` })
    expect(inputs.urlCredentials).toEqual(["a b%2Fc'd", "a b/c'd", 'a%20b%2Fc%27d'])
    expect(parse({ INPUT_URL: `${base}?pr=7` }).urlCredentials).toEqual([])
  })

  it('masks no glob of a prune pattern: a * is no credential, and masking it would hide every * in the log', () => {
    const prune = (url: string) =>
      parseInputs({ INPUT_OPERATION: 'prune', 'INPUT_API-KEY': 'key_1', INPUT_URL: url }).urlCredentials
    expect(prune('https://pr-*.example.app/*?x-vercel-protection-bypass=*')).toEqual([])
    expect(prune('https://pr-*.example.app/*?x-vercel-protection-bypass=L1teral')).toEqual(['L1teral'])
  })

  it('never repeats a credential from a url it refuses', () => {
    const message = problem({ INPUT_URL: 'http://pr-7.example.app/h?X-Vercel-Protection-Bypass=Sup3rS3cret&pr=7' })
    expect(message).toContain("got 'http://pr-7.example.app/h?X-Vercel-Protection-Bypass=***&pr=7'")
    expect(problem({ INPUT_URL: 'pr-7.example.app/h?token=Sup3rS3cret', 'INPUT_SECRET-QUERY-PARAMS': 'token' })).not.toContain(
      'Sup3rS3cret'
    )
    const prune = problem({ INPUT_OPERATION: 'prune', INPUT_URL: 'https://*.app/h?x-vercel-protection-bypass=Sup3rS3cret' })
    expect(prune).not.toContain('Sup3rS3cret')
  })
})
