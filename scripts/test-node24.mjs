// `npm run test:node24` (and .ci/run): the end-to-end suites, test/e2e, which run the bundles in dist/, with
// the action on Node 24, the runtime action.yml names (runs.using: node24); vitest itself stays on this
// Node. Node 24 comes from the npm registry, pinned by version and integrity, and is unpacked once into
// the git-ignored .tools/ folder. `npm test` never needs it. Runs the dist/ already built.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../test/support/run-action.mjs'

const NODE_VERSION = '24.22.3'
/** dist.integrity of the npm package node-<platform>-<arch>@NODE_VERSION, which holds bin/node. */
const INTEGRITY = {
  'linux-x64': 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  'linux-arm64': 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw=='
}
const REPORT = 'test-results/vitest-node24.json'
const MINUTE = 60_000

function fail(message) {
  throw new Error(message)
}

/** Runs a command to completion (bounded); fails the script when it does not succeed. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8', timeout: 10 * MINUTE, ...options })
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr ?? ''}`)
  return result.stdout
}

/** The pinned Node 24's binary, downloaded and unpacked first if it is not there yet. */
function installedNode() {
  const platform = `${process.platform}-${process.arch}`
  const integrity = INTEGRITY[platform]
  if (!integrity) fail(`no pinned Node ${NODE_VERSION} for ${platform} (pinned: ${Object.keys(INTEGRITY).join(', ')})`)
  const tools = join(repoRoot, '.tools')
  const home = join(tools, `node-v${NODE_VERSION}-${platform}`)
  const binary = join(home, 'bin', 'node')
  if (existsSync(binary)) return binary
  mkdirSync(tools, { recursive: true })
  // Unpacked beside its final place, then renamed: an interrupted install leaves no half binary behind.
  const work = mkdtempSync(join(tools, 'download-'))
  try {
    console.log(`test-node24: downloading node-${platform}@${NODE_VERSION} from the npm registry`)
    run('npm', ['pack', `node-${platform}@${NODE_VERSION}`, '--pack-destination', work, '--silent'])
    const tarball = join(work, readdirSync(work).find((name) => name.endsWith('.tgz')) ?? fail('npm pack wrote no .tgz'))
    const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`
    if (actual !== integrity) fail(`node-${platform}@${NODE_VERSION} has integrity ${actual}, expected ${integrity}`)
    run('tar', ['-xzf', tarball, '-C', work, '--no-same-owner', 'package/bin/node'])
    renameSync(join(work, 'package'), home)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return binary
}

/** Installs the pinned Node 24 if needed, then runs the end-to-end suites with it; returns vitest's status. */
function main() {
  const node = installedNode()
  const version = run(node, ['-p', 'process.version']).trim()
  if (version !== `v${NODE_VERSION}`) fail(`${node} is ${version}, expected v${NODE_VERSION}`)
  const suites = readdirSync(join(repoRoot, 'test', 'e2e'))
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/e2e/${name}`)
  console.log(`test-node24: the action on Node ${version} (vitest on ${process.version}): ${suites.join(' ')}`)
  const vitest = spawnSync('npx', ['vitest', 'run', ...suites, `--outputFile.json=${REPORT}`], {
    cwd: repoRoot,
    env: { ...process.env, REVONT_ACTION_NODE: node },
    stdio: 'inherit',
    timeout: 10 * MINUTE
  })
  return vitest.status ?? 1
}

try {
  process.exitCode = main()
} catch (error) {
  console.error(`test-node24: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
