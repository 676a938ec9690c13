// create: what reading the workflow context for the default description costs. create with a description
// given against create that builds it from the workflow context, alternated as the list's commands are.
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ACTION, API_KEY, actionEnv, outputsOf, seedList } from '../lib/action.mjs'
import { WORKFLOW } from '../lib/operations.mjs'
import { fmt, median, medianRatio, quantile } from '../lib/stats.mjs'
import { alternate } from '../lib/timing.mjs'

const ROUNDS = 15

export async function measure({ server, work, failures }) {
  const dir = join(work, 'create-run')
  const command = (name, inputs) => ({
    name,
    file: process.execPath,
    args: [ACTION],
    env: () => {
      seedList(server, 20)
      rmSync(dir, { recursive: true, force: true })
      mkdirSync(dir)
      const url = 'https://preview-pr-new.example.com/hooks/revont'
      return {
        ...WORKFLOW,
        ...actionEnv(
          { operation: 'create', url, events: 'call.ended', 'api-url': server.url, 'api-key': API_KEY, ...inputs },
          dir
        )
      }
    },
    check: (_result, env) => {
      const { created } = outputsOf(env)
      if (created !== 'true') return `created output is ${JSON.stringify(created)}`
    }
  })
  const given = command('create, description given', { description: 'Preview 42' })
  const fromContext = command('create, default description (workflow context)', {})
  const { times, failed } = await alternate([given, fromContext], ROUNDS, 'with 20 endpoints', failures)
  rmSync(dir, { recursive: true, force: true })
  if (failed) return undefined
  const a = times.get(given.name)
  const b = times.get(fromContext.name)
  const delta = median(b.map((ms, i) => ms - a[i]))
  return {
    title: `create: the cost of the default description, ${ROUNDS} rounds, 20 endpoints`,
    head: ['command', 'median ms', 'p25–p75 ms'],
    rows: [
      ...[given, fromContext].map(({ name }) => {
        const samples = times.get(name)
        return [name, fmt(median(samples)), `${fmt(quantile(samples, 0.25))}–${fmt(quantile(samples, 0.75))}`]
      }),
      ['difference (median per-pair)', `${delta >= 0 ? '+' : ''}${fmt(delta, 1)} ms`, `ratio ${fmt(medianRatio(b, a), 2)}×`]
    ],
    targets: [],
    notes: [
      "Without a description, create reads the runner's GITHUB_* variables and the event payload file (src/workflow-context.ts)."
    ]
  }
}
