#!/usr/bin/env node
// Runs the loopback Revont server on its own, for CI's use-the-action job and for local runs with
// @github/local-action: `node test/support/revont-server-cli.mjs [--port 8787] [--api-key test-key]`. Listens on
// 127.0.0.1 only, prints its base URL and keeps running until it gets SIGINT or SIGTERM.
import { parseArgs } from 'node:util'
import { startRevontServer } from './revont-server.mjs'

const usage = 'Usage: node test/support/revont-server-cli.mjs [--port <port>] [--api-key <key>]  (defaults: 8787, test-key)'

let values
try {
  ;({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      'api-key': { type: 'string', default: 'test-key' },
      help: { type: 'boolean', short: 'h', default: false }
    },
    strict: true
  }))
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${usage}`)
  process.exit(2)
}
if (values.help) {
  console.log(usage)
  process.exit(0)
}

const port = Number(values.port)
if (!/^\d+$/.test(values.port) || port > 65_535) {
  console.error(`--port must be a whole number from 0 to 65535 (0 picks a free port); got '${values.port}'\n${usage}`)
  process.exit(2)
}
const apiKey = values['api-key']
if (!apiKey || /\s/.test(apiKey)) {
  console.error(`--api-key must be a non-empty string without spaces\n${usage}`)
  process.exit(2)
}

let server
try {
  server = await startRevontServer({ host: '127.0.0.1', port, apiKey })
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error)
  console.error(`Could not start the loopback Revont server on 127.0.0.1:${port}: ${reason}`)
  process.exit(1)
}
console.log(`Loopback Revont server listening at ${server.url} (API key: ${apiKey}); stop it with Ctrl-C`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    void server.close().then(() => process.exit(0))
  })
}
