// The manifest: read from the workspace, every field checked, one error naming the file, the field, its
// line and what is allowed.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { InputError } from '../../src/errors.js'
import { parseInputs, type ManifestFile } from '../../src/inputs.js'
import { readManifest } from '../../src/manifest.js'

const folders: string[] = []
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

function workspace(): string {
  const folder = mkdtempSync(join(tmpdir(), 'revont-manifest-'))
  folders.push(folder)
  return folder
}

/** The manifest at m.yml (or `name`) in a new workspace, read with GITHUB_REPOSITORY octo/app. */
async function read(text: string | Buffer, name = 'm.yml') {
  const folder = workspace()
  writeFileSync(join(folder, name), text)
  const file: ManifestFile = { name, path: join(folder, name), workspace: folder }
  return readManifest(file, 'octo/app')
}

const ENDPOINT = '  - key: crm-sync\n    url: https://hooks.example.com/revont\n    events: [call.ended, summary.ready]\n'

describe('a valid manifest', () => {
  it('YAML: defaults, the normalised URL, events by the rules of the events input, the marker in the description', async () => {
    const manifest = await read(
      `version: 1\nendpoints:\n${ENDPOINT}  - key: a1\n    url: HTTPS://Hooks.Example.COM:443/x\n    events: [' b ', b, '', a]\n    description: Analytics\n`
    )
    expect(manifest).toEqual({
      owner: 'octo/app',
      deleteUnlisted: false,
      maxDeletes: 3,
      endpoints: [
        {
          key: 'crm-sync',
          webhook: {
            url: 'https://hooks.example.com/revont',
            events: ['call.ended', 'summary.ready'],
            description: '[revont-sync octo/app crm-sync]'
          }
        },
        {
          key: 'a1',
          webhook: { url: 'https://hooks.example.com/x', events: ['b', 'a'], description: 'Analytics [revont-sync octo/app a1]' }
        }
      ]
    })
  })

  it('JSON, with every field', async () => {
    const manifest = await read(
      JSON.stringify({
        version: 1,
        owner: 'octo-org/billing',
        'delete-unlisted': true,
        'max-deletes': 0,
        endpoints: [{ key: 'x', url: 'https://x.example.com/', events: ['call.ended'], description: 'X' }]
      }),
      'hooks.json'
    )
    expect(manifest).toMatchObject({ owner: 'octo-org/billing', deleteUnlisted: true, maxDeletes: 0 })
    expect(manifest.endpoints[0].webhook.description).toBe('X [revont-sync octo-org/billing x]')
  })
})

describe('a bad manifest: one error naming the file, the field, its line and what is allowed', () => {
  it.each<[string, string, string]>([
    [
      'an unknown field',
      `version: 1\ndelete-unlsted: true\nendpoints: []\n`,
      'line 2: delete-unlsted is not a field of the manifest: allowed are version, owner, delete-unlisted, max-deletes, endpoints'
    ],
    [
      'an unknown endpoint field',
      `version: 1\nendpoints:\n${ENDPOINT}    urll: x\n`,
      "line 6: endpoints[0].urll is not a field of the manifest's endpoints"
    ],
    ['a field twice', `version: 1\nversion: 1\nendpoints: []\n`, 'line 2: has a field twice: each field may appear once'],
    [
      'a duplicate key',
      `version: 1\nendpoints:\n${ENDPOINT}${ENDPOINT}`,
      "line 6: endpoints[1].key 'crm-sync' is the key of endpoints[0] already: each key must be unique"
    ],
    ['invalid YAML', `version: 1\nendpoints:\n  - key: a\n   url: b\n`, 'line 4: is not valid YAML or JSON'],
    ['no version', `endpoints: []\n`, 'line 1: version is required: version: 1'],
    ['version 2', `version: 2\nendpoints: []\n`, 'line 1: version must be 1; got 2'],
    ['no endpoints', `version: 1\n`, 'endpoints is required: a list of endpoints'],
    ['not a mapping', `- 1\n`, 'line 1: the file: the file must be a mapping with version and endpoints; got [1]'],
    [
      'an http URL',
      `version: 1\nendpoints:\n  - key: a\n    url: http://x.example.com/\n    events: [e]\n`,
      "line 4: endpoints[0].url must be: a valid https:// URL; got 'http://x.example.com/'"
    ],
    [
      'an http URL with a credential in its query string, shown as ***',
      `version: 1\nendpoints:\n  - key: a\n    url: http://x.example.com/?x-vercel-protection-bypass=bypass-secret-42\n    events: [e]\n`,
      "line 4: endpoints[0].url must be: a valid https:// URL; got 'http://x.example.com/?x-vercel-protection-bypass=***'"
    ],
    [
      'no events',
      `version: 1\nendpoints:\n  - key: a\n    url: https://x.example.com/\n    events: ['  ']\n`,
      'line 5: endpoints[0].events must list at least one event type'
    ],
    [
      'an event with a space',
      `version: 1\nendpoints:\n  - key: a\n    url: https://x.example.com/\n    events: [ok, 'a b']\n`,
      "line 5: endpoints[0].events[1] has spaces or control characters: 'a b'"
    ],
    [
      'an event that is not text',
      `version: 1\nendpoints:\n  - key: a\n    url: https://x.example.com/\n    events:\n      - ok\n      - 3\n`,
      'line 7: endpoints[0].events[1] must be an event type (text); got 3'
    ],
    [
      'a bad key',
      `version: 1\nendpoints:\n  - key: -Crm\n    url: https://x.example.com/\n    events: [e]\n`,
      "line 3: endpoints[0].key must be: a-z 0-9 and -, starting with a letter or digit, at most 63 characters; got '-Crm'"
    ],
    [
      'a bad owner',
      `version: 1\nowner: octo\nendpoints: []\n`,
      "line 2: owner must be <name>/<name> of A-Z a-z 0-9 . _ -; got 'octo'"
    ],
    [
      'max-deletes out of range',
      `version: 1\nmax-deletes: 1001\nendpoints: []\n`,
      'line 2: max-deletes must be a whole number from 0 to 1000; got 1001'
    ],
    [
      'max-deletes as text',
      `version: 1\nmax-deletes: "3"\nendpoints: []\n`,
      `line 2: max-deletes must be a whole number from 0 to 1000; got '3'`
    ],
    [
      'delete-unlisted not a boolean',
      `version: 1\ndelete-unlisted: yes\nendpoints: []\n`,
      "line 2: delete-unlisted must be true or false; got 'yes'"
    ],
    [
      'a description on two lines',
      `version: 1\nendpoints:\n${ENDPOINT}    description: "a\\nb"\n`,
      'line 6: endpoints[0].description must be one line of text without control characters'
    ],
    ['a duplicate key in JSON', `{"version": 1,\n "endpoints": [],\n "version": 1}`, 'line 3: has a field twice']
  ])('%s', async (_, text, message) => {
    const error = await read(text).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toMatch(/^Input 'manifest' file m\.yml, /)
    expect((error as Error).message).toContain(message)
  })

  it('more than 500 endpoints', async () => {
    const endpoints = Array.from({ length: 501 }, (_, i) => ({ key: `e${i}`, url: 'https://x.example.com/', events: ['e'] }))
    await expect(read(JSON.stringify({ version: 1, endpoints }))).rejects.toThrow(
      'endpoints has 501 entries; at most 500 are allowed'
    )
  })

  it('a file over 1 MiB', async () => {
    await expect(read(`version: 1\nendpoints: []\n#${'x'.repeat(1024 * 1024)}`)).rejects.toThrow(
      /^Input 'manifest' file m\.yml: is 104860\d bytes; at most 1 MiB \(1048576 bytes\) is allowed$/
    )
  })

  it('a missing file', async () => {
    const folder = workspace()
    await expect(readManifest({ name: 'none.yml', path: join(folder, 'none.yml'), workspace: folder }, 'o/r')).rejects.toThrow(
      `Input 'manifest' file none.yml: does not exist in GITHUB_WORKSPACE (${folder})`
    )
  })

  it('a link to a file outside the workspace is not read', async () => {
    const outside = workspace()
    writeFileSync(join(outside, 'secret.yml'), 'version: 1\nendpoints: []\n')
    const folder = workspace()
    symlinkSync(join(outside, 'secret.yml'), join(folder, 'm.yml'))
    await expect(readManifest({ name: 'm.yml', path: join(folder, 'm.yml'), workspace: folder }, 'o/r')).rejects.toThrow(
      'links to a file outside GITHUB_WORKSPACE'
    )
  })

  it('a folder', async () => {
    const folder = workspace()
    mkdirSync(join(folder, 'm.yml'))
    await expect(readManifest({ name: 'm.yml', path: join(folder, 'm.yml'), workspace: folder }, 'o/r')).rejects.toThrow(
      'is not a regular file'
    )
  })

  it('no owner and no GITHUB_REPOSITORY', async () => {
    const folder = workspace()
    writeFileSync(join(folder, 'm.yml'), 'version: 1\nendpoints: []\n')
    await expect(readManifest({ name: 'm.yml', path: join(folder, 'm.yml'), workspace: folder }, undefined)).rejects.toThrow(
      'owner is required when GITHUB_REPOSITORY is not set'
    )
  })
})

describe('the manifest input', () => {
  const env = (manifest: string) => ({
    INPUT_OPERATION: 'plan',
    'INPUT_API-KEY': 'key',
    INPUT_MANIFEST: manifest,
    GITHUB_WORKSPACE: '/work/ws'
  })

  it('is relative to GITHUB_WORKSPACE', () => {
    expect(parseInputs(env('hooks/revont.yml'))).toMatchObject({
      manifest: { name: 'hooks/revont.yml', path: '/work/ws/hooks/revont.yml', workspace: '/work/ws' }
    })
  })

  it.each(['../elsewhere.yml', 'a/../../b.yml', '/etc/passwd'])('%s, outside it or absolute, is refused', (manifest) => {
    expect(() => parseInputs(env(manifest))).toThrow(
      `Input 'manifest' must be a path relative to GITHUB_WORKSPACE, inside it; got '${manifest}'`
    )
  })
})
