// The size of dist/: the main step's bundle, the post step's, and the chunks loaded on demand, checked by
// recording which dist/ files each operation (and the post step) actually resolves while it runs.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { RUNNER_GITHUB_TOKEN, runAction } from '../../test/support/run-action.mjs'
import { startGithubServer } from '../../test/support/github-server.mjs'
import { API_KEY, DIST, seedList } from '../lib/action.mjs'
import { WORKFLOW, createWithCleanup, happyPathOperations } from '../lib/operations.mjs'
import { targetRow } from '../lib/report.mjs'
import { KIB, kib } from '../lib/stats.mjs'

const CHUNK = /^\d+\.index\.js$/

export async function measure({ server, work, failures }) {
  const files = readdirSync(DIST)
    .filter((name) => statSync(join(DIST, name)).isFile())
    .map((name) => ({ name, bytes: statSync(join(DIST, name)).size }))
    .sort((a, b) => a.name.localeCompare(b.name))
  const loading = await measureLoading(server, work, failures)
  const loadedBy = (file) => loading.filter((op) => op.files.includes(file)).map((op) => op.name)
  const bytesOf = (list) => list.reduce((total, file) => total + file.bytes, 0)
  const row = (name, list) => [name, bytesOf(list).toLocaleString('en'), kib(bytesOf(list)), '']
  const named = (name) => files.filter((file) => file.name === name)
  const chunks = files.filter((file) => CHUNK.test(file.name))
  const indexBytes = bytesOf(named('index.js'))
  return {
    title: 'dist/ size',
    head: ['file', 'bytes', 'KiB', 'loaded by (measured)'],
    rows: [
      ...files.map((file) => [
        file.name,
        file.bytes.toLocaleString('en'),
        kib(file.bytes),
        file.name.endsWith('.js') ? loadedBy(file.name).join(', ') || 'none of these operations' : '(not code)'
      ]),
      row('main step at start-up (index.js)', named('index.js')),
      row('post step (post.js)', named('post.js')),
      row(`lazy chunks (${chunks.map((file) => file.name).join(', ') || 'none'})`, chunks),
      row(
        'all .js',
        files.filter((file) => file.name.endsWith('.js'))
      ),
      row('all of dist/ (with maps, licenses)', files)
    ],
    targets: [targetRow('dist/index.js size', '≤ 150 KiB', `${kib(indexBytes)} KiB`, indexBytes <= 150 * KIB)],
    notes: [
      '"loaded by": the dist/ files each operation resolved, recorded with a node:module resolve hook (`--import` via NODE_OPTIONS) while it ran on the loopback server. Operations: ' +
        loading.map((op) => `${op.name} → ${op.files.join(' + ') || '?'}`).join('; ') +
        '.'
    ]
  }
}

/** Runs each operation, then a post step, with a module-resolution hook that records which dist/ files it loads. */
async function measureLoading(server, work, failures) {
  const hooks = join(work, 'load-hooks.mjs')
  const register = join(work, 'load-register.mjs')
  writeFileSync(
    hooks,
    "import { appendFileSync } from 'node:fs'\n" +
      'export async function resolve(specifier, context, next) {\n' +
      '  const result = await next(specifier, context)\n' +
      "  appendFileSync(process.env.BENCH_LOAD_LOG, result.url + '\\n')\n" +
      '  return result\n' +
      '}\n'
  )
  writeFileSync(register, `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(hooks).href)})\n`)
  const log = join(work, 'load.log')
  const distUrl = pathToFileURL(DIST).href + '/'
  /** The dist/ files logged since the last call. */
  const logged = () => {
    const urls = readFileSync(log, 'utf8').split('\n')
    writeFileSync(log, '')
    return [...new Set(urls.filter((url) => url.startsWith(distUrl)))].map((url) => url.slice(distUrl.length))
  }
  const loaded = []
  const withCleanup = createWithCleanup(server)
  // prune asks GitHub about the pull requests the webhooks' descriptions name (the seeded ones name #0 to #19).
  const github = await startGithubServer({ token: RUNNER_GITHUB_TOKEN, pulls: { 1: 'open', 2: 'closed' } })
  const setup = () => seedList(server, 20)
  const url = 'https://preview-pr-*.example.com/*'
  const prunes = [
    {
      name: 'prune (keep-open-pull-requests: false)',
      setup,
      inputs: { operation: 'prune', url, 'keep-open-pull-requests': 'false' }
    },
    {
      name: 'prune (pull requests checked on GitHub)',
      setup,
      inputs: { operation: 'prune', url },
      env: { ...WORKFLOW, GITHUB_API_URL: github.url }
    }
  ]
  try {
    for (const operation of [...happyPathOperations(server, work), ...prunes, withCleanup]) {
      operation.setup()
      writeFileSync(log, '')
      const result = await runAction({
        inputs: { 'api-url': server.url, 'api-key': API_KEY, ...operation.inputs },
        env: { NODE_OPTIONS: `--import ${pathToFileURL(register).href}`, BENCH_LOAD_LOG: log, ...operation.env }
      })
      rmSync(result.dir, { recursive: true, force: true })
      if (result.code !== 0)
        failures.push(`${operation.name} (module-load check): exit code ${result.code}: ${result.stdout.slice(-300)}`)
      loaded.push({ name: operation.name, files: logged() })
      if (operation !== withCleanup) continue
      const post = await result.post()
      rmSync(post.dir, { recursive: true, force: true })
      if (post.code !== 0 || server.webhooks.size !== 20)
        failures.push(`post step (module-load check): exit code ${post.code}, ${server.webhooks.size} webhooks left (want 20)`)
      loaded.push({ name: 'post step (after create with cleanup: true)', files: logged() })
    }
  } finally {
    await github.close()
  }
  return loaded
}
