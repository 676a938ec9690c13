import { describe, expect, it } from 'vitest'
import { ageMs, hasUrl, normalizeUrl, sameEventSet, urlPatternMatcher, type Webhook } from '../src/webhook.js'

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
    const matches = urlPatternMatcher('https://pr-*.preview.example.com/*')
    expect(matches(webhook('https://pr-12.preview.example.com/hooks'))).toBe(true)
    expect(matches(webhook('https://PR-12.Preview.Example.com/hooks'))).toBe(true)
    expect(matches(webhook('https://pr-1.preview.example.com.evil.test/hooks'))).toBe(false)
    expect(matches(webhook('https://pr-1xpreview.example.com/hooks'))).toBe(false)
    expect(urlPatternMatcher('https://a.example/(x)+')(webhook('https://a.example/(x)+'))).toBe(true)
  })

  it('gives the age from created_at, or nothing when it cannot be read', () => {
    const now = Date.parse('2026-11-28T12:00:00Z')
    expect(ageMs(webhook('https://a.example/', { created_at: '2026-11-28T11:00:00Z' }), now)).toBe(3_600_000)
    expect(ageMs(webhook('https://a.example/', { created_at: 'yesterday' }), now)).toBeUndefined()
    expect(ageMs(webhook('https://a.example/'), now)).toBeUndefined()
  })
})
