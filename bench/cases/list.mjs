// list with 20 and with 10,000 endpoints: the action (`node dist/index.js`, as the runner starts it)
// against the same GET written against @actions/core (the floor the targets are set against), a plain
// `node -e` one-liner and curl. The commands alternate, their order rotating each round; the figures that
// count are medians of the per-round ratios.
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ACTION, API_KEY, actionEnv, outputsOf, seedList } from '../lib/action.mjs'
import { buildCoreOneLiner, nodeOneLiner } from '../lib/floors.mjs'
import { targetRow } from '../lib/report.mjs'
import { fmt, kib, median, medianRatio, quantile } from '../lib/stats.mjs'
import { WARMUP, alternate } from '../lib/timing.mjs'

const ACTION_NAME = 'action list'
const CORE_NAME = 'the same with @actions/core (ESM bundle)'
const CORE_FILE_NAME = 'the same, also writing the webhooks-file'
/** The list's targets: the action's time ÷ the @actions/core one-liner's, by endpoint count. */
const LIMITS = new Map([
  [20, 1.25],
  [10_000, 1.2]
])

export async function measure({ server, work, failures, pairs, curlVersion }) {
  const bundles = { alias: buildCoreOneLiner(work, true), noAlias: buildCoreOneLiner(work, false) }
  const rows = []
  const targets = []
  for (const count of LIMITS.keys()) {
    seedList(server, count)
    const commands = listCommands({
      server,
      work,
      count,
      bundles,
      withCurl: curlVersion !== undefined,
      withBareNode: count === 20
    })
    const { times, phases, failed } = await alternate(commands, pairs, `with ${count} endpoints`, failures)
    rmSync(join(work, `list-${count}`), { recursive: true, force: true })
    const action = times.get(ACTION_NAME)
    for (const command of commands) {
      const samples = times.get(command.name)
      if (!samples.length) continue
      const phase = phases.get(command.name)
      const sent = phase.toRequest.filter(Number.isFinite)
      rows.push([
        count.toLocaleString('en'),
        command.name,
        fmt(median(samples)),
        `${fmt(quantile(samples, 0.25))}–${fmt(quantile(samples, 0.75))}`,
        sent.length ? fmt(median(sent), 1) : '—',
        sent.length ? fmt(median(phase.afterRequest.filter(Number.isFinite)), 1) : '—',
        command.name === ACTION_NAME ? '1' : fmt(medianRatio(action, samples), 2)
      ])
    }
    const ratio = failed ? NaN : medianRatio(action, times.get(CORE_NAME))
    const limit = LIMITS.get(count)
    targets.push(
      targetRow(
        `list, ${count.toLocaleString('en')} endpoints: median per-round ratio action / @actions/core one-liner`,
        `≤ ${limit}×`,
        failed ? 'failed' : `${fmt(ratio, 2)}×`,
        failed ? false : ratio <= limit
      )
    )
  }
  return {
    title: `list: wall time per process, ${pairs} rounds after ${WARMUP} warm-up rounds, order rotated each round`,
    head: [
      'endpoints',
      'command',
      'median ms',
      'p25–p75 ms',
      'spawn → GET ms',
      'GET → exit ms',
      'action ÷ this (median per-pair ratio)'
    ],
    rows,
    targets,
    notes: [
      'action: `node dist/index.js` with the env the runner gives a step (action.yml defaults as INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP); it writes its outputs, webhooks-file and summary as on a runner.',
      'one-liner: `node -e` with node:http GET /webhooks, JSON.parse, exit code checked; curl: `curl -sSf -o /dev/null`.',
      `"the same with @actions/core": bench/core-one-liner.mjs, the one-liner as an ES module that imports @actions/core's public entry point, masks the key and sets one output with core.setOutput, bundled by ncc as the action is: what a step pays for the public API alone, and the floor the list targets are set against. "also writing the webhooks-file": the same, which also writes the webhooks it parsed to a file as JSON, as the action's webhooks-file output asks; the part of the action's time above the floor that the contract itself asks for. "without the stand-in": the same bundled without tsconfig.json's "paths", so with @actions/http-client's root module and undici, as the action would be without src/build/http-client-unused.ts. The two bundles: ${kib(statSync(bundles.alias).size)} KiB and ${kib(statSync(bundles.noAlias).size)} KiB.`,
      ...(curlVersion ? [] : ['curl is not installed here: its rows are skipped.']),
      '"spawn → GET": until the request reached the server (start-up); "GET → exit": the server\'s answer, reading and parsing it, writing outputs, and exiting (medians of each).',
      'Ratios are the median of the per-round ratios (action and the other command timed in the same round), not a ratio of medians.'
    ]
  }
}

/** The commands compared: each is spawned as is, so what is timed is a whole process's life. */
function listCommands({ server, work, count, bundles, withCurl, withBareNode }) {
  const actionDir = join(work, `list-${count}`)
  const bare = { PATH: process.env.PATH ?? '' }
  const commands = [
    {
      name: ACTION_NAME,
      file: process.execPath,
      args: [ACTION],
      env: () => {
        // A fresh directory each run (outside the timed part), as each step gets its own files.
        rmSync(actionDir, { recursive: true, force: true })
        mkdirSync(actionDir)
        return actionEnv({ operation: 'list', 'api-url': server.url, 'api-key': API_KEY }, actionDir)
      },
      check: (_result, env) => {
        const { count: shown } = outputsOf(env)
        if (shown !== String(count)) return `count output is ${JSON.stringify(shown)}, not ${count}`
      }
    },
    nodeOneLiner(server, count),
    ...[
      [CORE_NAME, bundles.alias],
      [CORE_FILE_NAME, bundles.alias, join(work, 'core-one-liner-webhooks.json')],
      ['the same, without the stand-in for the OIDC client', bundles.noAlias]
    ].map(([name, bundle, file]) => ({
      name,
      file: process.execPath,
      args: [bundle, server.url, String(count), ...(file ? [file] : [])],
      env: () => {
        writeFileSync(join(work, 'core-one-liner-output'), '')
        if (file) rmSync(file, { force: true })
        return { ...bare, REVONT_API_KEY: API_KEY, GITHUB_OUTPUT: join(work, 'core-one-liner-output') }
      }
    }))
  ]
  if (withCurl) {
    commands.push({
      name: 'curl',
      file: 'curl',
      args: ['-sSf', '-o', '/dev/null', '-H', `Authorization: Bearer ${API_KEY}`, `${server.url}/webhooks`],
      env: () => bare
    })
  }
  if (withBareNode) {
    commands.push({ name: 'node -e 0 (bare start-up)', file: process.execPath, args: ['-e', '0'], env: () => bare })
  }
  return commands
}
