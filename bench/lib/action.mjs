// The bundled action as the runner starts it: where it is, the environment a step gets, and the endpoints
// the loopback server is seeded with.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { actionInputs, parseFileCommands, repoRoot } from '../../test/support/run-action.mjs'

export const API_KEY = 'bench-key'
export const DIST = join(repoRoot, 'dist')
export const ACTION = join(DIST, 'index.js')

/** The environment the runner gives a step: action.yml defaults as INPUT_*, output, state and summary files. */
export function actionEnv(inputs, dir) {
  for (const file of ['output', 'state', 'summary']) writeFileSync(join(dir, file), '')
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    RUNNER_TEMP: dir
  }
  for (const [name, spec] of Object.entries(actionInputs())) {
    if (spec.default !== undefined) env[`INPUT_${name.toUpperCase()}`] = String(spec.default)
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  return env
}

/** The outputs a step run with actionEnv wrote, as the runner reads them. */
export function outputsOf(env) {
  return parseFileCommands(readFileSync(env.GITHUB_OUTPUT, 'utf8'))
}

/** `count` preview endpoints, as a workflow that creates one per pull request leaves them. */
export function seedList(server, count) {
  server.reset()
  server.seed(
    Array.from({ length: count }, (_, i) => ({
      id: `wh_${String(i).padStart(16, '0')}`,
      url: `https://preview-pr-${i}.example.com/hooks/revont`,
      events: ['call.ended', 'summary.ready'],
      description: `octo-org/preview-app PR #${i}`
    }))
  )
}
