// The one-liner of bench/bench.mjs with @actions/core's public entry point: masks the key, sends the GET
// with node:http, parses the JSON and sets one output with core.setOutput. bench.mjs bundles it with
// ncc (and tsconfig.json's "paths", as the action is), to measure what the public API alone costs a step.
// Given a file, it also writes the webhooks there as JSON, as list's webhooks-file output asks.
import * as core from '@actions/core'
import { writeFileSync } from 'node:fs'
import { get } from 'node:http'

const [url, expected, file] = process.argv.slice(2)
core.setSecret(process.env.REVONT_API_KEY)
get(`${url}/webhooks`, { headers: { authorization: `Bearer ${process.env.REVONT_API_KEY}` } }, (response) => {
  let body = ''
  response.setEncoding('utf8')
  response.on('data', (chunk) => (body += chunk))
  response.on('end', () => {
    const { data } = JSON.parse(body)
    const count = data.length
    if (file) writeFileSync(file, JSON.stringify(data), { flag: 'wx', mode: 0o600 })
    core.setOutput('count', String(count))
    if (response.statusCode !== 200 || count !== Number(expected)) process.exitCode = 1
  })
})
