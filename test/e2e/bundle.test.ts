// The bundles themselves: what they leave out, and which Node runs them in the end-to-end suites (the one
// REVONT_ACTION_NODE names when it is set: scripts/test-node24.mjs sets Node 24, the runtime action.yml
// names; else the one running vitest).
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runStep, useRevontServer } from '../support/harness.js'
import { actionNode, newFolder, repoRoot } from '../support/run-action.mjs'

const server = useRevontServer()

describe('the bundle', () => {
  // tsconfig.json's "paths" put src/build/http-client-unused.ts in place of @actions/http-client's root
  // module, which only @actions/core's OIDC client uses (and undici through it): neither is bundled, and
  // no operation, main or post, reaches the code that would have used them.
  it('leaves out the OIDC client, and every operation works without it', async () => {
    for (const name of ['index.js', 'post.js']) {
      const bundle = readFileSync(join(repoRoot, 'dist', name), 'utf8')
      expect(bundle, name).not.toContain('undici')
      expect(bundle, name).not.toContain('class HttpClientResponse')
    }
    const url = 'https://preview-9.example.com/hooks/revont'
    const runs = [
      await runStep({ operation: 'create', url, events: 'call.ended', cleanup: 'true' }),
      await runStep({ operation: 'list' }),
      await runStep({ operation: 'prune', url: 'https://preview-*.example.com/*', 'dry-run': 'true' }),
      await runStep({ operation: 'delete', url })
    ]
    runs.push(await runs[0].post())
    for (const result of runs) {
      expect(result.code).toBe(0)
      expect(result.stdout + result.stderr).not.toMatch(/HttpClient|left out/)
    }
    expect(server.webhooks.size).toBe(0)
  })

  it('runs the action with the node REVONT_ACTION_NODE names, else with this one', async () => {
    const dir = newFolder()
    // Preloaded into the action's own process, so it reports the Node that really runs the action.
    const probe = join(dir, 'print-version.cjs')
    writeFileSync(probe, 'process.stderr.write(`action node: ${process.version}\\n`)\n')
    const result = await runStep({ operation: 'list' }, { env: { NODE_OPTIONS: `--require=${probe}` } })
    const expected = spawnSync(actionNode, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim()
    console.log(`The action ran on Node ${/action node: (\S+)/.exec(result.stderr)?.[1]} (vitest: ${process.version})`)
    expect(result.code).toBe(0)
    expect(result.stderr).toContain(`action node: ${expected}\n`)
    if (!process.env.REVONT_ACTION_NODE) expect(expected).toBe(process.version)
  })
})
