import { describe, expect, it } from 'vitest'
import { hasUrl, normalizeUrl, parseUrlPattern } from '../../src/webhooks/urls.js'
import { ageMs, sameEventSet, toWebhook, type Webhook } from '../../src/webhooks/webhook.js'

const webhook = (url: string, extra: Partial<Webhook> = {}): Webhook => ({ id: 'wh_1', url, events: [], ...extra })

describe('webhook matching', () => {
  it('compares URLs after WHATWG normalisation, exactly', () => {
    const url = normalizeUrl('https://hooks.example.com/a')
    expect(hasUrl(webhook('HTTPS://Hooks.Example.com:443/x/../a'), url)).toBe(true)
    expect(hasUrl(webhook('https://hooks.example.com/a/'), url)).toBe(false)
    expect(hasUrl(webhook('https://hooks.example.com/a?x=1'), url)).toBe(false)
    expect(normalizeUrl('not a url')).toBe('not a url')
  })

  it('compares events as sets', () => {
    expect(sameEventSet(['a', 'b'], ['b', 'a', 'a'])).toBe(true)
    expect(sameEventSet(['a'], ['a', 'b'])).toBe(false)
  })

  it('matches a * pattern against the whole normalised URL, with every other character literal', () => {
    const matches = parseUrlPattern('https://pr-*.preview.example.com/*').matches
    expect(matches(webhook('https://pr-12.preview.example.com/hooks'))).toBe(true)
    expect(matches(webhook('https://PR-12.Preview.Example.com/hooks'))).toBe(true)
    expect(matches(webhook('https://pr-1.preview.example.com.evil.test/hooks'))).toBe(false)
    expect(matches(webhook('https://pr-1xpreview.example.com/hooks'))).toBe(false)
    expect(parseUrlPattern('https://a.example/(x)+').matches(webhook('https://a.example/(x)+'))).toBe(true)
  })

  it('in the host, lets * match within one DNS label only', () => {
    const matches = parseUrlPattern('https://pr-*.preview.example.com/*').matches
    // The case: a * that crossed into the path matched another host entirely.
    expect(matches(webhook('https://pr-x.prod.example.org/.preview.example.com/'))).toBe(false)
    expect(matches(webhook('https://pr-1.a.preview.example.com/hooks'))).toBe(false)
    expect(matches(webhook('https://pr-1.preview.example.com:8443/hooks'))).toBe(false)
    expect(matches(webhook('https://user@pr-1.preview.example.com/hooks'))).toBe(true)
    expect(matches(webhook('http://pr-1.preview.example.com/hooks'))).toBe(false)
    expect(parseUrlPattern('https://pr-*.example.com:8443/*').matches(webhook('https://pr-1.example.com:8443/x'))).toBe(true)
  })

  it('after the host, lets * match any run of characters, and reads a 600 KB URL in one pass', () => {
    const matches = parseUrlPattern('https://hooks.example.com/pr-*/revont*').matches
    expect(matches(webhook('https://hooks.example.com/pr-7/a/b/revont?x=1'))).toBe(true)
    expect(matches(webhook('https://hooks.example.com/pr-7/a/b/other'))).toBe(false)
    const stars = parseUrlPattern(`https://hooks.example.com/${'*a'.repeat(20)}*b`).matches
    expect(stars(webhook(`https://hooks.example.com/${'a'.repeat(600_000)}`))).toBe(false)
  })

  it('reads created_at only as an RFC 3339 timestamp with a time zone', () => {
    const now = Date.parse('2026-11-28T12:00:00Z')
    const age = (created_at: string) => ageMs(webhook('https://a.example/', { created_at }), now)
    expect(age('2026-11-28T13:00:00+02:00')).toBe(3_600_000)
    expect(age('2026-11-28t11:00:00.5z')).toBe(3_599_500)
    for (const unreadable of [
      '2',
      'build 12',
      '2026-11-28',
      '2026-11-28T11:00:00',
      '2026-02-30T00:00:00Z',
      '2026-11-28T24:00:00Z'
    ]) {
      expect(age(unreadable), unreadable).toBeUndefined()
    }
  })

  it('gives the age from created_at, or nothing when it cannot be read', () => {
    const now = Date.parse('2026-11-28T12:00:00Z')
    expect(ageMs(webhook('https://a.example/', { created_at: '2026-11-28T11:00:00Z' }), now)).toBe(3_600_000)
    expect(ageMs(webhook('https://a.example/', { created_at: 'yesterday' }), now)).toBeUndefined()
    expect(ageMs(webhook('https://a.example/'), now)).toBeUndefined()
  })
})

describe('a webhook as it arrives', () => {
  const documented = {
    id: 'wh_1',
    url: 'https://a.example/h',
    events: ['call.ended'],
    description: 'd',
    created_at: '2026-01-01T00:00:00Z',
    status: 'active'
  }

  it('keeps a webhook of documented fields only, each of its type, whole', () => {
    expect(toWebhook(JSON.parse(JSON.stringify(documented)))).toEqual(documented)
    expect(toWebhook(JSON.parse('{"id":"wh_2","url":"u","events":[]}'))).toEqual({ id: 'wh_2', url: 'u', events: [] })
  })

  it.each([
    ['a secret', { secret: 'whsec_x' }],
    ['an undocumented field', { extra: { deep: [1] } }],
    ['a __proto__ field', JSON.parse('{"__proto__": {"polluted": true}}') as object],
    ['a description that is not text', { description: null }],
    ['a created_at that is not text', { created_at: 1 }],
    ['a status that is not text', { status: ['active'] }],
    ['an event that is not text', { events: ['call.ended', 7] }]
  ])('keeps of one with %s only the documented fields of their type', (_, extra) => {
    const webhook = toWebhook({ ...documented, ...extra })
    expect(Object.keys(webhook ?? {}).every((key) => key in documented)).toBe(true)
    expect(webhook?.events).toEqual(['call.ended'])
    expect(webhook).toMatchObject({ id: 'wh_1', url: 'https://a.example/h' })
    expect(JSON.stringify(webhook)).not.toMatch(/whsec_x|deep|polluted|null/)
  })

  it('refuses one without a usable id and url', () => {
    expect(toWebhook({ id: '', url: 'u', events: [] })).toBeUndefined()
    expect(toWebhook({ id: 'wh_1', events: [] })).toBeUndefined()
    expect(toWebhook(['wh_1'])).toBeUndefined()
    expect(toWebhook(null)).toBeUndefined()
  })
})
