// The step's log and annotations, through @actions/core. Every line passes through inert() here, in one
// place, so no text from the API or the inputs can become a workflow command or show a secret.
import * as core from '@actions/core'
import { inert } from './inert-text.js'

/** Lines of the log, in one write: each write to the runner's pipe is a system call. */
export function info(...lines: string[]): void {
  core.info(lines.map(inert).join('\n'))
}

export function debug(message: string): void {
  core.debug(inert(message))
}

export function notice(message: string): void {
  core.notice(inert(message))
}

export function warning(message: string): void {
  core.warning(inert(message))
}

export function fail(message: string): void {
  core.setFailed(inert(message))
}
