// What every end-to-end test file shares: the loopback Revont server for the file, a step run against
// it with the usual inputs, and ways to read what happened. Every run is read by the runner's rules as it
// ends (run-action.mjs: the leak scan), against every key it was given and every secret handed out by then.
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { createRevontServer } from './revont-server.mjs'
import { runAction, type RunOptions } from './run-action.mjs'

export type RevontServer = ReturnType<typeof createRevontServer>
export type ServerOptions = Parameters<typeof createRevontServer>[0]
export type Fault = Parameters<RevontServer['inject']>[0]
export type StepResult = Awaited<ReturnType<typeof runAction>>
export type { RunningStep } from './run-action.mjs'

/** What a workflow run sets, and the default description is made of. */
export const WORKFLOW = { GITHUB_REPOSITORY: 'octo/app', GITHUB_WORKFLOW: 'w', GITHUB_REF: 'refs/heads/m' }

export interface StepOptions extends Omit<RunOptions, 'inputs'> {
  /** The server the step talks to (default: the file's, from useRevontServer). */
  server?: RevontServer
}

/** Defaults for every step of a file; a step's own inputs and env are laid over them. */
export interface StepDefaults extends Omit<StepOptions, 'server' | 'during' | 'state' | 'bundle'> {
  inputs?: Record<string, string>
  /** Checks each step's result as it ends, on top of the runner's rules. */
  check?: (result: StepResult) => void
}

let fileServer: RevontServer | undefined
let fileDefaults: StepDefaults = {}

/**
 * The file's loopback server: listening from beforeAll to afterAll, emptied before each test (webhooks,
 * requests, faults, rate limit), so that no test depends on another.
 */
export function useRevontServer(options: ServerOptions = {}, defaults: StepDefaults = {}): RevontServer {
  const server = createRevontServer(options)
  fileServer = server
  fileDefaults = defaults
  beforeAll(() => server.listen())
  beforeEach(() => server.reset())
  afterAll(() => server.close())
  return server
}

/** Runs the main step (dist/index.js) against the file's server with its api-url and api-key, in a workflow. */
export async function runStep(inputs: Record<string, string> = {}, options: StepOptions = {}): Promise<StepResult> {
  const { server = fileServer, env, ...rest } = options
  if (!server) throw new Error('runStep needs useRevontServer() in the file, or a server')
  const { check, inputs: defaultInputs, env: defaultEnv, ...defaultOptions } = fileDefaults
  const result = await runAction({
    ...defaultOptions,
    ...rest,
    inputs: { 'api-url': server.url, 'api-key': server.apiKey, ...defaultInputs, ...inputs },
    env: { ...WORKFLOW, ...defaultEnv, ...env }
  })
  check?.(result)
  return result
}

/** Method and path of each request the server received from request `from` on, without its base path. */
export function sent(from = 0, server = fileServer): string[] {
  if (!server) throw new Error('sent needs useRevontServer() in the file, or a server')
  const base = new URL(server.url).pathname
  return server.requests.slice(from).map((request) => `${request.method} ${request.path.slice(base.length)}`)
}

/** The messages of the step's annotations of one type, as the action wrote them. */
export function annotations(result: StepResult, type: 'error' | 'warning' | 'notice'): string[] {
  return result.commands.filter((command) => command.name === type).map((command) => command.data)
}

/** Waits, for at most 20 s, for what a test needs to see before it acts. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 20_000) throw new Error(`no ${what} after 20 s`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
