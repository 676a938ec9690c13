#!/usr/bin/env node
// Runs the loopback Revont server on its own, for CI's use-the-action job and for local runs with
// @github/local-action: `node test/support/revont-server-cli.mjs [--port 8787] [--api-key test-key] [--throttle-next N]`.
// Listens on 127.0.0.1 only, prints its base URL and keeps running until it gets SIGINT or SIGTERM.
// --throttle-next N answers the first N GET requests 429 with Retry-After: 1, for a run to wait out.
import { parseArgs } from 'node:util'
import { startRevontServer } from './revont-server.mjs'

const usage =
  'Usage: node test/support/revont-server-cli.mjs [--port <port>] [--api-key <key>] [--throttle-next <count>]  (defaults: 8787, test-key, 0)'

let values
try {
  ;({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      'api-key': { type: 'string', default: 'test-key' },
      'throttle-next': { type: 'string', default: '0' },
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

const throttled = Number(values['throttle-next'])
if (!/^\d{1,4}$/.test(values['throttle-next'])) {
  console.error(`--throttle-next must be a whole number from 0 to 9999; got '${values['throttle-next']}'\n${usage}`)
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
if (throttled > 0) server.inject({ method: 'GET', status: 429, headers: { 'Retry-After': '1' }, times: throttled })
console.log(`Loopback Revont server listening at ${server.url} (API key: ${apiKey}); stop it with Ctrl-C`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    void server.close().then(() => process.exit(0))
  })
}
