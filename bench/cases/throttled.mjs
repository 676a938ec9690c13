// prune under a token-bucket rate limit per API key, with real waits: 60 endpoints at 2 requests/s, 300 at
// 20/s, 60 at 2/s whose 429s carry no Retry-After, and 60 at 20/s from a bucket another job has nearly
// emptied.
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { startRevontServer } from '../../test/support/revont-server.mjs'
import { ACTION, API_KEY, actionEnv, outputsOf } from '../lib/action.mjs'
import { targetRow } from '../lib/report.mjs'
import { fmt } from '../lib/stats.mjs'
import { timed } from '../lib/timing.mjs'

/** Each limit's bucket holds one second of requests, and is full at the first request unless `tokens` says. */
const SCENARIOS = [
  { endpoints: 60, rate: 2, retryAfter: true },
  { endpoints: 300, rate: 20, retryAfter: true },
  { endpoints: 60, rate: 2, retryAfter: false },
  { endpoints: 60, rate: 20, retryAfter: true, tokens: 1 }
]

export async function measure({ work, failures }) {
  const runs = []
  for (const scenario of SCENARIOS) runs.push(await prune(scenario, work, failures))
  const ratio = (run) => run.ms / run.idealMs
  const share = (run) => run.throttled / run.requests
  const percent = (run) => `${fmt(share(run) * 100, 1)} %`
  return {
    title: 'prune under a rate limit: a token bucket per API key, one second of requests deep, real waits',
    head: ['scenario', 'wall ms', 'ideal ms', 'ratio', 'requests', 'answered 429', '429 share', 'server maxInFlight'],
    rows: runs.map((run) => [
      run.what,
      fmt(run.ms),
      fmt(run.idealMs),
      `${fmt(ratio(run), 2)}×`,
      String(run.requests),
      String(run.throttled),
      percent(run),
      String(run.maxInFlight)
    ]),
    targets: runs.flatMap((run) => [
      targetRow(`${run.what}: nothing left`, '0 left', String(run.left), run.left === 0),
      targetRow(`${run.what}: time ÷ time the limit allows`, '≤ 1.5×', `${fmt(ratio(run), 2)}×`, ratio(run) <= 1.5),
      targetRow(`${run.what}: requests answered 429`, '≤ 10 %', percent(run), share(run) <= 0.1)
    ]),
    notes: [
      'ideal: (1 GET + N DELETEs − the tokens in the bucket at the start) ÷ rate; wall time is the whole process, start-up included.',
      'The bucket is full at the first request, but for the last scenario: another job has just used all but one token, so the first 429 comes after one answer.',
      'The server answers 429 when the bucket is empty, with Retry-After in whole seconds until the next token (at least 1), or with none.'
    ]
  }
}

async function prune({ endpoints, rate, retryAfter, tokens = rate }, work, failures) {
  const limited = await startRevontServer({ apiKey: API_KEY, rateLimit: { rate, burst: rate, tokens, retryAfter } })
  try {
    limited.seed(
      Array.from({ length: endpoints }, (_, i) => ({
        id: `wh_${i}`,
        url: `https://pr-${i}.preview.example.com/hooks/revont`,
        events: ['call.ended']
      }))
    )
    const dir = mkdtempSync(join(work, 'throttled-'))
    const inputs = { operation: 'prune', url: 'https://pr-*.preview.example.com/*', 'api-url': limited.url, 'api-key': API_KEY }
    const env = actionEnv(inputs, dir)
    const result = await timed(process.execPath, [ACTION], env)
    const { count } = outputsOf(env)
    rmSync(dir, { recursive: true, force: true })
    const what = `prune of ${endpoints} at ${rate}/s${retryAfter ? '' : ' without Retry-After'}${tokens < rate ? ', the bucket nearly empty at first' : ''}`
    if (result.code !== 0 || count !== String(endpoints) || limited.webhooks.size !== 0) {
      failures.push(
        `${what}: exit code ${result.code}, count ${count}, ${limited.webhooks.size} left: ${result.stdout.trim().slice(-300)}`
      )
    }
    return {
      what,
      ms: result.ms,
      // The GET and every DELETE, less the tokens in the bucket at the start, at the limit's rate.
      idealMs: ((endpoints + 1 - tokens) / rate) * 1000,
      left: limited.webhooks.size,
      requests: limited.requests.length,
      throttled: limited.throttles.length,
      maxInFlight: limited.maxInFlight
    }
  } finally {
    await limited.close()
  }
}
