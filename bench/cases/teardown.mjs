// delete by url of 200 endpoints on a server that takes 20 ms per DELETE: wall time and requests in flight.
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { startRevontServer } from '../../test/support/revont-server.mjs'
import { ACTION, API_KEY, actionEnv, outputsOf } from '../lib/action.mjs'
import { targetRow } from '../lib/report.mjs'
import { fmt, median } from '../lib/stats.mjs'
import { timed } from '../lib/timing.mjs'

const RUNS = 3
const ENDPOINTS = 200
const DELETE_MS = 20

export async function measure({ work, failures }) {
  const slow = await startRevontServer({ apiKey: API_KEY, delayMs: { DELETE: DELETE_MS } })
  const url = 'https://preview-pr-7.example.com/hooks/revont'
  const runs = []
  try {
    for (let run = 0; run < RUNS; run++) {
      slow.reset()
      slow.seed(Array.from({ length: ENDPOINTS }, (_, i) => ({ id: `wh_gone_${i}`, url, events: ['call.ended'] })))
      slow.seed(
        Array.from({ length: 20 }, (_, i) => ({
          id: `wh_keep_${i}`,
          url: `https://other-${i}.example.com/`,
          events: ['call.ended']
        }))
      )
      const dir = mkdtempSync(join(work, 'teardown-'))
      const env = actionEnv({ operation: 'delete', url, 'api-url': slow.url, 'api-key': API_KEY }, dir)
      const result = await timed(process.execPath, [ACTION], env)
      const { count } = outputsOf(env)
      rmSync(dir, { recursive: true, force: true })
      if (result.code !== 0 || count !== String(ENDPOINTS) || slow.webhooks.size !== 20) {
        failures.push(
          `delete by url (200): exit code ${result.code}, count ${count}, ${slow.webhooks.size} webhooks left (want 20)`
        )
        break
      }
      const sent = (method) => slow.requests.filter((request) => request.method === method).length
      runs.push({ ms: result.ms, maxInFlight: slow.maxInFlight, deletes: sent('DELETE'), gets: sent('GET') })
    }
  } finally {
    await slow.close()
  }

  const oneAtATime = ENDPOINTS * DELETE_MS
  const ms = median(runs.map((run) => run.ms))
  const inFlight = runs.length ? Math.max(...runs.map((run) => run.maxInFlight)) : NaN
  return {
    title: 'delete by url: 200 endpoints with the same url (plus 20 others kept), server takes 20 ms per DELETE',
    head: ['run', 'wall ms (whole process)', 'vs one at a time', 'server maxInFlight', 'requests'],
    rows: [
      ...runs.map((run, i) => [
        String(i + 1),
        fmt(run.ms),
        `${fmt(oneAtATime / run.ms, 1)}× faster`,
        String(run.maxInFlight),
        `${run.gets} GET + ${run.deletes} DELETE`
      ]),
      ['one-at-a-time loop', `${oneAtATime} (200 × 20 ms, start-up not counted)`, '1×', '1', '1 GET + 200 DELETE']
    ],
    targets: [
      targetRow(
        'delete by url, 200 endpoints at 20 ms per DELETE (median wall time)',
        '< 1000 ms',
        `${fmt(ms)} ms`,
        runs.length ? ms < 1000 : false
      ),
      targetRow(
        'delete by url, 200 endpoints: requests in flight at most',
        '≤ 8',
        String(inFlight),
        runs.length ? inFlight <= 8 : false
      )
    ],
    notes: ['Wall time includes node start-up and the GET; every run checks count=200 and that the 20 other webhooks are left.']
  }
}
