// `npm run bench` (after `npm run build`): measures the bundled action against the cheapest thing a user
// could write instead, on the loopback Revont server, in one run, and writes bench/RESULTS.md. Each case in
// bench/cases/ measures one thing and returns its section of the report ({ title, head, rows, notes,
// targets }); bench/lib/ holds what they share.
//   BENCH_PAIRS=<n>       rounds of the list's alternating commands (40 by default)
//   BENCH_ONLY=<case>     runs that case alone and prints it, leaving RESULTS.md as it was
// A missed target is reported, not fatal (the machines are shared and noisy); a command that fails makes the
// exit code non-zero.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { startRevontServer } from '../test/support/revont-server.mjs'
import { repoRoot } from '../test/support/run-action.mjs'
import * as create from './cases/create.mjs'
import * as distSize from './cases/dist-size.mjs'
import * as list from './cases/list.mjs'
import * as requests from './cases/requests.mjs'
import * as rss from './cases/rss.mjs'
import * as teardown from './cases/teardown.mjs'
import * as throttled from './cases/throttled.mjs'
import * as webhooksAsCode from './cases/webhooks-as-code.mjs'
import { ACTION, API_KEY } from './lib/action.mjs'
import { TARGET_HEAD, sectionMarkdown, sectionText } from './lib/report.mjs'
import { recordArrivals } from './lib/timing.mjs'

/** The cases in the report's order. */
const CASES = new Map([
  ['list', list],
  ['dist-size', distSize],
  ['create', create],
  ['rss', rss],
  ['teardown', teardown],
  ['requests', requests],
  ['throttled', throttled],
  ['webhooks-as-code', webhooksAsCode]
])

const only = process.env.BENCH_ONLY
if (only !== undefined && !CASES.has(only)) {
  console.error(`BENCH_ONLY=${only}: no such case; the cases are ${[...CASES.keys()].join(', ')}`)
  process.exit(2)
}
if (!existsSync(ACTION)) {
  console.error(`${relative(process.cwd(), ACTION)} is missing: run \`npm run build\` first`)
  process.exit(2)
}

const failures = []
const pairs = positiveInt(process.env.BENCH_PAIRS, 40)
const curlVersion = toolVersion('curl', ['--version'])
const timeAvailable = spawnSync(rss.TIME_BIN, ['-f', '%M', process.execPath, '-e', '0'], { stdio: 'ignore' }).status === 0
const work = mkdtempSync(join(tmpdir(), 'revont-bench-'))
const server = await startRevontServer({ apiKey: API_KEY })
recordArrivals(server)
const context = { server, work, failures, pairs, curlVersion, timeAvailable }

try {
  const sections = []
  for (const [name, { measure }] of CASES) {
    if (only !== undefined && name !== only) continue
    const section = await measure(context)
    if (section) sections.push(section)
  }
  const targets = { title: 'targets', head: TARGET_HEAD, rows: sections.flatMap((section) => section.targets), notes: [] }
  if (only !== undefined) {
    const shown = targets.rows.length ? [...sections, targets] : sections
    console.log(shown.flatMap((section) => ['', ...sectionText(section)]).join('\n'))
    console.log('\nBENCH_ONLY: bench/RESULTS.md left as it was')
  } else {
    targets.notes = [
      "The list targets set the action against bench/core-one-liner.mjs: the same GET as the plain one-liner, written against @actions/core's public entry point and bundled by ncc as the action is, so the floor for a step that uses that API. It loads node:crypto (for the delimiters of GITHUB_OUTPUT and GITHUB_STATE) and @actions/exec (for core.platform), which the plain one-liner does not. The plain one-liner and curl in the list table are context."
    ]
    const report = render([targets, ...sections])
    console.log(report.text)
    writeFileSync(join(repoRoot, 'bench', 'RESULTS.md'), report.markdown)
    console.log(`\nWrote bench/RESULTS.md`)
  }
} catch (error) {
  failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error))
} finally {
  await server.close()
  rmSync(work, { recursive: true, force: true })
}

if (failures.length > 0) {
  console.error(`\n${failures.length} command(s) failed:`)
  for (const failure of failures) console.error(`- ${failure}`)
  process.exitCode = 1
}

function render(sections) {
  const date = new Date().toISOString()
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${process.platform} ${process.arch}`
  const text = [
    'Revont webhooks action: benchmark',
    `node ${process.version} · ${machine} · ${date}`,
    `GNU time: ${timeAvailable ? 'yes' : 'no'} · ${curlVersion ?? 'curl: not installed'}`,
    ...sections.flatMap((section) => ['', ...sectionText(section)])
  ].join('\n')
  const markdown = [
    '# Benchmark results',
    '',
    `Measured ${date} with node ${process.version} on ${machine}; ${curlVersion ?? 'curl not installed'}.`,
    '',
    'Reproduce: `npm ci && npm run build && npm run bench` (writes this file; `BENCH_PAIRS=<n>` changes the',
    `number of rounds, ${pairs} here; \`BENCH_ONLY=<case>\` runs one of bench/cases/ and only prints it). Only`,
    'loopback traffic: the benchmark starts test/support/revont-server.mjs. The machines these run on are shared',
    'and noisy, so compare ratios from one run rather than times across runs.',
    ...sections.flatMap((section) => ['', ...sectionMarkdown(section)]),
    ''
  ].join('\n')
  return { text, markdown }
}

function positiveInt(value, fallback) {
  const number = Number(value)
  return Number.isInteger(number) && number > 0 ? number : fallback
}

function toolVersion(file, args) {
  const result = spawnSync(file, args, { encoding: 'utf8' })
  return result.status === 0 ? result.stdout.split(' ').slice(0, 2).join(' ') : undefined // e.g. 'curl 7.88.1'
}
