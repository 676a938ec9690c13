// What run-action.mjs does differently on each runner OS, shown here on any: the variables of this
// process a step is given (hostEnv, by platform), and the preload through which Windows steps are
// cancelled (signal-by-message.mjs), run in a node of its own with an IPC channel as the harness gives it.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { hostEnv, repoRoot } from '../support/run-action.mjs'

/** What a test sets itself (workflow, runner, inputs, proxy, Node's options), so never taken from the host. */
const NOT_PASSED = {
  GITHUB_TOKEN: 'ghs_host',
  GITHUB_OUTPUT: '/host/output',
  RUNNER_TEMP: '/host/temp',
  'INPUT_API-KEY': 'host-key',
  HTTPS_PROXY: 'http://proxy:3128',
  https_proxy: 'http://proxy:3128',
  NO_PROXY: 'localhost',
  NODE_OPTIONS: '--require=/host/hook.cjs',
  UNSET: undefined
}

const POSIX = { PATH: '/usr/bin', HOME: '/home/runner' }

/** As a Windows runner's environment names them: Windows matches names case-insensitively. */
const WINDOWS = {
  Path: 'C:\\Windows\\system32',
  SystemRoot: 'C:\\Windows',
  WINDIR: 'C:\\Windows',
  ComSpec: 'C:\\Windows\\system32\\cmd.exe',
  PATHEXT: '.COM;.EXE;.BAT;.CMD',
  TEMP: 'C:\\Temp',
  TMP: 'C:\\Temp',
  USERPROFILE: 'C:\\Users\\runner',
  APPDATA: 'C:\\Users\\runner\\AppData\\Roaming',
  LOCALAPPDATA: 'C:\\Users\\runner\\AppData\\Local'
}

describe('the variables a step is given from this process', () => {
  it.each(['linux', 'darwin'] as const)('on %s: PATH and HOME, and no other', (platform) => {
    expect(hostEnv(platform, { ...POSIX, ...NOT_PASSED, Path: 'x', SystemRoot: 'C:\\Windows' })).toEqual(POSIX)
  })

  it('on win32: what Windows needs to run Node, under the names the host gives them (Path, WINDIR), and no other', () => {
    expect(hostEnv('win32', { ...WINDOWS, ...NOT_PASSED, HOME: '/c/Users/runner' })).toEqual(WINDOWS)
  })
})

describe('signal-by-message.mjs, the Windows steps are cancelled through', () => {
  it('emits each signal sent as a message, ignores other messages, and does not keep the step running', async () => {
    const preload = pathToFileURL(join(repoRoot, 'test', 'support', 'signal-by-message.mjs')).href
    const script = [
      'const wait = setTimeout(() => {}, 60_000)',
      "process.on('SIGBREAK', (signal) => console.log(signal))",
      "process.on('SIGINT', (signal) => { console.log(signal); clearTimeout(wait) })",
      "console.log('ready')"
    ].join('\n')
    const child = spawn(process.execPath, ['--import', preload, '-e', script], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
    let stdout = ''
    child.stdout?.on('data', (chunk) => (stdout += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const closed = new Promise((resolve) => child.on('close', resolve))
    for (let waited = 0; !stdout.includes('ready') && waited < 20_000; waited += 10) await new Promise((r) => setTimeout(r, 10))
    for (const message of ['SIGBREAK', 'SIGKILL', { signal: 'SIGINT' }, 'SIGINT']) child.send(message)
    // Exits once SIGINT ends its wait: the IPC channel alone does not keep it running.
    expect(await closed).toBe(0)
    clearTimeout(timer)
    expect(stdout.split(/\r?\n/)).toEqual(['ready', 'SIGBREAK', 'SIGINT', ''])
  })
})
