// Whole processes timed from spawn to exit, and commands compared by alternating them round after round.
import { spawn } from 'node:child_process'

export const WARMUP = 2

// When the first request of the process being timed reached the shared server (its body read), to split a
// command's time into start-up (spawn to request) and the rest (request to exit).
let firstArrival

/** Notes each request's arrival; the server module keeps no timestamps, so its log is wrapped. */
export function recordArrivals(server) {
  const logRequest = server.requests.push
  server.requests.push = function (...entries) {
    firstArrival ??= process.hrtime.bigint()
    return logRequest.apply(this, entries)
  }
}

/** Wall time from spawn to exit (stdio drained), in ms, and the split at the first request. */
export function timed(file, args, env) {
  return new Promise((resolve) => {
    let stdout = ''
    let stderr = ''
    firstArrival = undefined
    const start = process.hrtime.bigint()
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', (error) => resolve({ code: -1, ms: NaN, stdout, stderr: String(error) }))
    child.on('close', (code, signal) => {
      const end = process.hrtime.bigint()
      const ms = Number(end - start) / 1e6
      const toRequest = firstArrival === undefined ? NaN : Number(firstArrival - start) / 1e6
      resolve({ code: code ?? signal, ms, toRequest, afterRequest: ms - toRequest, stdout, stderr })
    })
  })
}

/**
 * Runs the commands ({ name, file, args, env(), check?(result, env) }) in turn, `rounds` times after WARMUP
 * rounds, rotating the order each round so no command always runs first (or right after the same other
 * one); times each whole process. The first command that fails or fails its check ends the runs, recorded
 * in `failures`.
 */
export async function alternate(commands, rounds, what, failures) {
  const times = new Map(commands.map((command) => [command.name, []]))
  const phases = new Map(commands.map((command) => [command.name, { toRequest: [], afterRequest: [] }]))
  for (let round = -WARMUP; round < rounds; round++) {
    const offset = ((round % commands.length) + commands.length) % commands.length
    const order = [...commands.slice(offset), ...commands.slice(0, offset)]
    for (const command of order) {
      const env = command.env()
      const result = await timed(command.file, command.args, env)
      const problem =
        result.code !== 0
          ? `exit code ${result.code}: ${(result.stderr || result.stdout).trim().slice(-300)}`
          : command.check?.(result, env)
      if (problem) {
        failures.push(`${command.name} ${what}: ${problem}`)
        return { times, phases, failed: true }
      }
      if (round >= 0) {
        times.get(command.name).push(result.ms)
        phases.get(command.name).toRequest.push(result.toRequest)
        phases.get(command.name).afterRequest.push(result.afterRequest)
      }
    }
  }
  return { times, phases, failed: false }
}
