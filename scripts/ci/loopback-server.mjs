// CI's use-the-action job, on every runner OS: starts the loopback Revont server (test/support/revont-server-cli.mjs) in
// the background with the arguments given, waits until it answers, and exits, leaving it running for
// the job's later steps and its post steps (the runner ends it with the job).
import { spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { join } from 'node:path'

const args = process.argv.slice(2)
const port = args[args.indexOf('--port') + 1] ?? '8787'
const log = join(process.env.RUNNER_TEMP ?? '.', 'revont-server.log')
const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'test', 'server', 'cli.mjs'), ...args], {
  detached: true,
  stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')],
  windowsHide: true
})
child.unref()

// The first answer, whatever its status, says the server is up (the first may be a 429 on purpose).
for (let tries = 0; tries < 50; tries++) {
  const up = await fetch(`http://127.0.0.1:${port}/v1/webhooks`, { method: 'HEAD' }).then(
    () => true,
    () => false
  )
  if (up) {
    console.log(`The loopback Revont server (pid ${child.pid}) is listening on 127.0.0.1:${port}; its log: ${log}`)
    process.exit(0)
  }
  await new Promise((resolve) => setTimeout(resolve, 200))
}
console.error(`::error::The loopback Revont server did not answer within 10 seconds; see ${log}`)
process.exit(1)
