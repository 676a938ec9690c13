// Webhooks as code. A plan of 500 endpoints against 10,000 webhooks (250 of them the manifest's), as the
// runner starts the action: its wall time, and its own time, that less the server's time for the one GET (a
// GET of the same list from this process, median of as many). Then an apply of 100 creates against a
// server that takes 20 ms per POST: how many POSTs were in flight at most.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startRevontServer } from '../../test/support/revont-server.mjs'
import { ACTION, API_KEY, actionEnv } from '../lib/action.mjs'
import { targetRow } from '../lib/report.mjs'
import { fmt, median } from '../lib/stats.mjs'
import { timed } from '../lib/timing.mjs'

const RUNS = 7
const OWNER = 'octo-org/billing'

export async function measure({ server, work, failures }) {
  const folder = mkdtempSync(join(work, 'wac-'))
  const manifest = (count) => {
    const endpoints = Array.from({ length: count }, (_, i) => ({
      key: `ep-${i}`,
      url: `https://hooks-${i}.example.com/revont`,
      events: ['call.ended']
    }))
    writeFileSync(join(folder, 'm.json'), JSON.stringify({ version: 1, owner: OWNER, endpoints }))
  }
  const inputs = { operation: 'plan', 'api-url': server.url, 'api-key': API_KEY, manifest: 'm.json' }
  const run = (stepInputs, dir) => timed(process.execPath, [ACTION], { ...actionEnv(stepInputs, dir), GITHUB_WORKSPACE: folder })

  manifest(500)
  server.reset()
  server.seed(
    Array.from({ length: 10_000 }, (_, i) => ({
      id: `wh_${String(i).padStart(16, '0')}`,
      url: i < 250 ? `https://hooks-${i}.example.com/revont` : `https://preview-pr-${i}.example.com/hooks/revont`,
      events: ['call.ended'],
      description: i < 250 ? `[revont-sync ${OWNER} ep-${i}]` : `octo-org/preview-app PR #${i}`
    }))
  )
  const walls = []
  const gets = []
  let requests = 0
  for (let round = 0; round < RUNS; round++) {
    const dir = mkdtempSync(join(work, 'wac-run-'))
    const before = server.requests.length
    const result = await run(inputs, dir)
    requests = server.requests.length - before
    if (result.code !== 0) failures.push(`plan (webhooks as code): exit code ${result.code}: ${result.stdout.slice(-300)}`)
    walls.push(result.ms)
    const start = process.hrtime.bigint()
    const answer = await fetch(`${server.url}/webhooks`, { headers: { authorization: `Bearer ${API_KEY}` } })
    await answer.arrayBuffer()
    gets.push(Number(process.hrtime.bigint() - start) / 1e6)
    rmSync(dir, { recursive: true, force: true })
  }
  const own = median(walls) - median(gets)

  const slow = await startRevontServer({ apiKey: API_KEY, delayMs: { POST: 20 } })
  let applied
  try {
    manifest(100)
    const result = await run({ ...inputs, operation: 'apply', 'api-url': slow.url }, mkdtempSync(join(work, 'wac-apply-')))
    if (result.code !== 0) failures.push(`apply (webhooks as code): exit code ${result.code}: ${result.stdout.slice(-300)}`)
    applied = { ms: result.ms, created: slow.webhooks.size, maxInFlight: slow.maxInFlight, requests: slow.requests.length }
  } finally {
    await slow.close()
  }

  return {
    title: `webhooks as code (${RUNS} plan runs, medians)`,
    head: ['measurement', 'value'],
    rows: [
      ['plan, 500 endpoints vs 10,000 webhooks: wall time', `${fmt(median(walls))} ms`],
      ['  the server answering its GET (from the bench process)', `${fmt(median(gets))} ms`],
      ['  requests the plan sent', String(requests)],
      ['apply, 100 creates at 20 ms per POST: wall time', `${fmt(applied.ms)} ms`],
      ['  webhooks created / requests sent', `${applied.created} / ${applied.requests}`]
    ],
    targets: [
      targetRow(
        "plan of 500 endpoints against 10,000 webhooks: the action's own time",
        '< 1000 ms',
        `${fmt(own)} ms`,
        own < 1000
      ),
      targetRow('plan of 500 endpoints against 10,000 webhooks: requests', '1 GET', String(requests), requests === 1),
      targetRow('apply of 100 creates: max in flight', '≤ 8', String(applied.maxInFlight), applied.maxInFlight <= 8)
    ],
    notes: [
      "The plan's own time: its median wall time less the median time of the same GET sent from the bench process, so the server's share is left out. 250 of the 10,000 webhooks are the manifest's.",
      'apply: a manifest of 100 new endpoints against a server that takes 20 ms per POST.'
    ]
  }
}
