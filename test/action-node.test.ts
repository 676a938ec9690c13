// Which Node runs the bundled action in the end-to-end suites: the one REVONT_ACTION_NODE names when it
// is set (scripts/test-node24.mjs sets Node 24, the runtime action.yml names), else the one running vitest.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { startRevontServer } from './server/revont-server.mjs'
import { actionNode, runAction } from './runner/run-action.mjs'

it('runs the action with the node REVONT_ACTION_NODE names, else with this one', async () => {
  const server = await startRevontServer()
  const dir = mkdtempSync(join(tmpdir(), 'revont-action-node-'))
  try {
    // Preloaded into the action's own process, so it reports the Node that really runs the action.
    const probe = join(dir, 'print-version.cjs')
    writeFileSync(probe, 'process.stderr.write(`action node: ${process.version}\\n`)\n')
    const result = await runAction({
      inputs: { operation: 'list', 'api-url': server.url, 'api-key': server.apiKey },
      env: { NODE_OPTIONS: `--require=${probe}` }
    })
    const expected = spawnSync(actionNode, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim()
    console.log(`The action ran on Node ${/action node: (\S+)/.exec(result.stderr)?.[1]} (vitest: ${process.version})`)
    expect(result.code).toBe(0)
    expect(result.stderr).toContain(`action node: ${expected}\n`)
    if (!process.env.REVONT_ACTION_NODE) expect(expected).toBe(process.version)
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await server.close()
  }
})
