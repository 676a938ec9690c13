// Hints for the mistakes users make most, through the bundle against the loopback server: events written
// as a YAML list, an api-url that already ends in /webhooks, and a prune pattern without a path.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { runAction } from '../support/run-action.mjs'
import { startRevontServer } from '../support/revont-server.mjs'

let server: Awaited<ReturnType<typeof startRevontServer>>

beforeAll(async () => {
  server = await startRevontServer()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

async function run(inputs: Record<string, string>) {
  const result = await runAction({
    inputs: { 'api-url': server.url, 'api-key': server.apiKey, 'max-retries': '0', ...inputs }
  })
  expect(result.stderr).toBe('')
  const annotations = (name: string) => result.commands.filter((command) => command.name === name).map((command) => command.data)
  return { ...result, errors: annotations('error'), warnings: annotations('warning') }
}

describe('events written as a YAML list', () => {
  it('names the input and says to use commas or newlines or a JSON array, and sends nothing', async () => {
    // What a workflow's `with:` hands the runner: a block scalar keeps the dashes.
    const { events } = parse('events: |\n  - call.ended\n  - summary.ready\n') as { events: string }
    expect(events).toBe('- call.ended\n- summary.ready\n')
    const result = await run({ operation: 'create', url: 'https://pr-1.preview.example.com/hooks', events })
    expect(result.code).toBe(1)
    expect(result.errors).toEqual([
      "Input 'events' is written as a YAML list ('- call.ended'), which reaches the action as text with the dashes: " +
        'separate the event types with commas or newlines instead (call.ended, summary.ready), or write a JSON array'
    ])
    expect(server.requests).toEqual([])
    // Any other entry with a space keeps the plain message.
    const spaced = await run({ operation: 'create', url: 'https://pr-1.preview.example.com/hooks', events: 'call ended' })
    expect(spaced.errors).toEqual(["Input 'events' has an entry with spaces or control characters: 'call ended'"])
  })
})

describe('an api-url that already ends in /webhooks', () => {
  it('fails the list with the 404 and names api-url and the form it takes', async () => {
    const result = await run({ operation: 'list', 'api-url': `${server.url}/webhooks` })
    expect(result.code).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(
      /^GET \/webhooks failed: 404 Not Found: no route for GET \/v1\/webhooks\/webhooks \(check api-url: it is the API's base URL, such as https:\/\/api\.revont\.ai\/v1, without \/webhooks\) \(request id req_[0-9a-f]+\)$/
    )
    // A 404 on deleting one webhook means it is gone, not that api-url is wrong.
    const gone = await run({ operation: 'delete', id: 'wh_gone', 'if-missing': 'fail' })
    expect(gone.code).toBe(1)
    expect(gone.errors.join('\n')).not.toContain('api-url')
  })
})

describe('a prune pattern without a path', () => {
  const seed = () =>
    server.seed([
      { id: 'wh_a', url: 'https://pr-1.preview.example.com/hooks/revont', events: ['call.ended'] },
      { id: 'wh_b', url: 'https://pr-2.preview.example.com/api?x=1', events: ['call.ended'] },
      { id: 'wh_other', url: 'https://prod.example.com/hooks', events: ['call.ended'] }
    ])

  it('matches only the path /: when that finds nothing but /* would, a warning says so and suggests /*', async () => {
    seed()
    const result = await run({ operation: 'prune', url: 'https://pr-*.preview.example.com' })
    expect(result.code).toBe(0)
    expect(result.outputs.count).toBe('0')
    expect(result.warnings).toEqual([
      'No webhook matches https://pr-*.preview.example.com/: a pattern without a path matches only the path /, and ' +
        'https://pr-*.preview.example.com/* would match 2. Add /* to the pattern to prune every path.'
    ])
    expect([...server.webhooks.keys()].sort()).toEqual(['wh_a', 'wh_b', 'wh_other'])

    // No hint when the pattern matches, when /* would match nothing either, or with a path.
    server.seed([{ id: 'wh_root', url: 'https://pr-3.preview.example.com/', events: ['call.ended'] }])
    const root = await run({ operation: 'prune', url: 'https://pr-*.preview.example.com', 'dry-run': 'true' })
    expect(root.warnings).toEqual([])
    const elsewhere = await run({ operation: 'prune', url: 'https://pr-*.staging.example.com' })
    expect(elsewhere.warnings).toEqual([])
    const withPath = await run({ operation: 'prune', url: 'https://pr-*.preview.example.com/*' })
    expect(withPath.warnings).toEqual([])
    expect([...server.webhooks.keys()]).toEqual(['wh_other'])
  })
})
