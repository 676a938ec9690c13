// The step's log and annotations, through @actions/core. Every line passes through safeLine() here, in one
// place, so no text from the API or the inputs can become a workflow command or show a secret.
import * as core from '@actions/core'
import { safeLine } from './safe-text.js'

/** Lines of the log, in one write: each write to the runner's pipe is a system call. */
export function info(...lines: string[]): void {
  core.info(lines.map(safeLine).join('\n'))
}

export function debug(message: string): void {
  core.debug(safeLine(message))
}

export function notice(message: string): void {
  core.notice(safeLine(message))
}

export function warning(message: string): void {
  core.warning(safeLine(message))
}

export function fail(message: string): void {
  core.setFailed(safeLine(message))
}
