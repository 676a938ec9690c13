// The action's peak RSS, list with 20 endpoints, and the one-liner's measured the same way, for scale.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ACTION, API_KEY, actionEnv, seedList } from '../lib/action.mjs'
import { nodeOneLiner } from '../lib/floors.mjs'
import { targetRow } from '../lib/report.mjs'
import { KIB, fmt, mb, median } from '../lib/stats.mjs'
import { timed } from '../lib/timing.mjs'

export const TIME_BIN = '/usr/bin/time'
const RUNS = 7
const FLOOR_RUNS = 3

export async function measure({ server, work, failures, timeAvailable }) {
  seedList(server, 20)
  const method = timeAvailable
    ? `GNU time (\`${TIME_BIN} -f %M\`: the child's ru_maxrss from wait4)`
    : 'process.resourceUsage().maxRSS at exit, via a --import preload (no /usr/bin/time here)'
  const preload = join(work, 'rss-preload.mjs')
  writeFileSync(
    preload,
    "import { writeFileSync } from 'node:fs'\n" +
      "process.on('exit', () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)))\n"
  )
  const rssFile = join(work, 'rss')
  /** The peak RSS in bytes of `file args` run with `env`, or the run's result when it failed. */
  const peakOf = async (file, args, env) => {
    const result = timeAvailable
      ? await timed(TIME_BIN, ['-f', '%M', '-o', rssFile, file, ...args], env)
      : await timed(file, ['--import', pathToFileURL(preload).href, ...args], { ...env, BENCH_RSS_FILE: rssFile })
    return result.code === 0 ? { bytes: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) * KIB } : { result }
  }

  const samples = []
  for (let run = 0; run < RUNS; run++) {
    const dir = mkdtempSync(join(work, 'rss-run-'))
    const peak = await peakOf(
      process.execPath,
      [ACTION],
      actionEnv({ operation: 'list', 'api-url': server.url, 'api-key': API_KEY }, dir)
    )
    rmSync(dir, { recursive: true, force: true })
    if (peak.result) {
      failures.push(`action list (RSS run): exit code ${peak.result.code}: ${peak.result.stderr.trim().slice(0, 300)}`)
      break
    }
    samples.push(peak.bytes)
  }
  const oneLiner = nodeOneLiner(server, 20)
  const floor = []
  for (let run = 0; samples.length === RUNS && run < FLOOR_RUNS; run++) {
    const peak = await peakOf(oneLiner.file, oneLiner.args, oneLiner.env())
    if (peak.bytes !== undefined) floor.push(peak.bytes)
  }

  const max = samples.length ? Math.max(...samples) : NaN
  const runs = (list) => list.map((bytes) => fmt(bytes / 1e6, 1)).join(' ')
  return {
    title: `peak RSS, list with 20 endpoints (${samples.length} runs)`,
    head: ['process', 'median', 'max', 'runs'],
    rows: [
      ['action list', mb(median(samples)), mb(max), runs(samples)],
      ...(floor.length ? [['node -e one-liner', mb(median(floor)), mb(Math.max(...floor)), runs(floor)]] : [])
    ],
    targets: [
      targetRow('peak RSS, list with 20 endpoints (max of runs)', '≤ 60 MB', mb(max), samples.length ? max <= 60e6 : false)
    ],
    notes: [`Measured with ${method}. MB = 10^6 bytes (MiB = MB / 1.048576).`]
  }
}
