// The cheapest things a user could write instead of the action, to time it against: a `node -e` one-liner
// and bench/core-one-liner.mjs, the same with @actions/core, bundled by ncc.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { repoRoot } from '../../test/support/run-action.mjs'
import { API_KEY } from './action.mjs'

/** `node -e` with node:http: GET /webhooks, JSON.parse, exit code 1 unless 200 and `count` webhooks. */
export function nodeOneLiner(server, count) {
  return {
    name: 'node -e one-liner',
    file: process.execPath,
    args: [
      '-e',
      "require('node:http').get(process.argv[1]+'/webhooks',{headers:{authorization:'Bearer '+process.env.REVONT_API_KEY}},r=>{" +
        "let b='';r.setEncoding('utf8');r.on('data',c=>b+=c);r.on('end',()=>{const n=JSON.parse(b).data.length;" +
        'if(r.statusCode!==200||n!==+process.argv[2])process.exitCode=1})})',
      server.url,
      String(count)
    ],
    env: () => ({ PATH: process.env.PATH ?? '', REVONT_API_KEY: API_KEY })
  }
}

/**
 * bench/core-one-liner.mjs bundled by ncc into `work`: with tsconfig.json's "paths", as the action is, or
 * without them (built from a folder of its own in the repository, with a tsconfig.json of its own), to show
 * what the stand-in for @actions/http-client's root module saves. Returns the bundle's path.
 */
export function buildCoreOneLiner(work, withAlias) {
  const out = join(work, withAlias ? 'core-one-liner' : 'core-one-liner-no-alias')
  // ncc reads the tsconfig.json of the folder it runs in.
  const folder = withAlias ? repoRoot : mkdtempSync(join(repoRoot, '.bench-'))
  try {
    if (!withAlias) {
      copyFileSync(join(repoRoot, 'bench', 'core-one-liner.mjs'), join(folder, 'core-one-liner.mjs'))
      writeFileSync(join(folder, 'tsconfig.json'), '{ "compilerOptions": {} }')
    }
    const entry = withAlias ? join('bench', 'core-one-liner.mjs') : 'core-one-liner.mjs'
    const ncc = join(repoRoot, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
    const build = spawnSync(process.execPath, [ncc, 'build', entry, '-o', out, '--minify'], { cwd: folder, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`could not bundle bench/core-one-liner.mjs: ${build.stderr}`)
  } finally {
    if (!withAlias) rmSync(folder, { recursive: true, force: true })
  }
  // ncc names its output after the entry's extension.
  return join(out, 'index.mjs')
}
