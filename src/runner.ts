// The runner's side of a step: workflow commands on stdout and step outputs in GITHUB_OUTPUT. Commands
// are formatted and escaped by @actions/core's own command module. Its root module is not imported:
// at start-up it loads node:crypto (for output delimiters), an OIDC HTTP client and @actions/exec, none
// of which this action uses, and that costs every run about 2.5 ms (issue 5, bench/RESULTS.md).
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'
import { issueCommand } from '@actions/core/lib/command'

export function info(message: string): void {
  process.stdout.write(message + EOL)
}

export function debug(message: string): void {
  issueCommand('debug', {}, message)
}

export function notice(message: string): void {
  issueCommand('notice', {}, message)
}

export function warning(message: string): void {
  issueCommand('warning', {}, message)
}

export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret)
}

export function setFailed(message: string): void {
  process.exitCode = 1
  issueCommand('error', {}, message)
}

/**
 * All outputs in one write to GITHUB_OUTPUT's file. (Without that file @actions/core falls back to the
 * deprecated set-output command, which would print each value, the secret too.)
 */
export function setOutputs(file: string, outputs: Record<string, string>): void {
  let text = ''
  for (const [name, value] of Object.entries(outputs)) {
    const delimiter = delimiterFor(value)
    text += `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`
  }
  appendFileSync(file, text)
}

/** A heredoc delimiter the value does not contain, so no value can end its own entry early. */
function delimiterFor(value: string): string {
  for (;;) {
    const delimiter = `ghadelimiter_${randomName()}${randomName()}`
    if (!value.includes(delimiter)) return delimiter
  }
}

/** About ten random letters and digits: unlikely to repeat, not a secret (node:crypto costs start-up time). */
export function randomName(): string {
  return Math.random().toString(36).slice(2)
}
