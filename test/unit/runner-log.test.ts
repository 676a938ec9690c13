// The test helper that reads a step's output as the GitHub runner does: shown to work, since every
// end-to-end test relies on it to find leaks and injected commands.
import { describe, expect, it } from 'vitest'
import { parseFileCommands, runnerRuleProblems } from '../support/run-action.mjs'
import { applyMasks, parseCommandLine, readRunnerLog } from '../support/runner-log.mjs'
import { handedOutSecrets } from '../support/revont-server.mjs'

describe('commands', () => {
  it('reads ::name:: only at the start of a line, after leading whitespace (U+2028 and U+0085 too)', () => {
    expect(parseCommandLine('::warning::hi')).toMatchObject({ name: 'warning', syntax: 'v2', data: 'hi' })
    expect(parseCommandLine('  \t::error::hi')).toMatchObject({ name: 'error', data: 'hi' })
    expect(parseCommandLine('\u2028::error::hi')).toMatchObject({ name: 'error' })
    expect(parseCommandLine('\u0085::error::hi')).toMatchObject({ name: 'error' })
    expect(parseCommandLine('x ::warning::hi')).toBeUndefined()
    expect(parseCommandLine('\u200b::warning::hi')).toBeUndefined()
  })

  it('reads the legacy ##[name] anywhere in a line, but only its first ##[', () => {
    expect(parseCommandLine('Deleted: x ##[error]PWN')).toMatchObject({ name: 'error', syntax: 'legacy', data: 'PWN' })
    expect(parseCommandLine('a ##[stop-commands]tok')).toMatchObject({ name: 'stop-commands', data: 'tok' })
    expect(parseCommandLine('a ##[nothing]x ##[error]y')).toBeUndefined()
    // A line that starts like a v2 command of no known name is still read for the legacy form.
    expect(parseCommandLine('::nothing::x ##[warning]y')).toMatchObject({ name: 'warning', syntax: 'legacy', data: 'y' })
  })

  it('names are case-insensitive; unknown names are plain text', () => {
    expect(parseCommandLine('::WARNING::x')).toMatchObject({ name: 'warning' })
    expect(parseCommandLine('::pwned::x')).toBeUndefined()
  })

  it('unescapes data and properties as the runner does', () => {
    expect(parseCommandLine('::add-mask::a%0Db%0Ac%25d%3A')).toMatchObject({ data: 'a\rb\nc%d%3A' })
    expect(parseCommandLine('::error title=a%3Ab%2Cc,file=f::m')).toMatchObject({ properties: { title: 'a:b,c', file: 'f' } })
    expect(parseCommandLine('x##[error title=a%5Db;file=f%3Bg]m%5D')).toMatchObject({
      properties: { title: 'a]b', file: 'f;g' },
      data: 'm]'
    })
  })

  it('ends lines at \\n, \\r and \\r\\n', () => {
    const log = readRunnerLog('a\r::warning::one\r\n::error::two\nb\r')
    expect(log.annotations.map((annotation) => [annotation.type, annotation.message])).toEqual([
      ['warning', 'one'],
      ['error', 'two']
    ])
    expect(log.lines).toEqual(['a', 'Warning: one', 'Error: two', 'b'])
  })
})

describe('masks', () => {
  it('masks every find, merging overlaps, as the SecretMasker does', () => {
    expect(applyMasks('abcdefghi', ['abcdef', 'defghi'])).toBe('***')
    expect(applyMasks('x secret y secret', ['secret'])).toBe('x *** y ***')
  })

  it('a line is masked with the masks added before it, and annotations too, but not their properties', () => {
    const log = readRunnerLog(
      'early s3cr3t-value\n::add-mask::s3cr3t-value\nlate s3cr3t-value\n::error title=s3cr3t-value::m s3cr3t-value\n'
    )
    expect(log.lines).toEqual(['early s3cr3t-value', 'late ***', 'Error: m ***'])
    expect(log.annotations[0].properties).toEqual({ title: 's3cr3t-value' })
    expect(log.masks).toEqual(['s3cr3t-value'])
  })

  it('stop-commands switches off every command, masks included, until its token', () => {
    const log = readRunnerLog(
      [
        'x ##[stop-commands]tok',
        '::add-mask::s3cr3t-value',
        'shown s3cr3t-value',
        '::warning::no',
        '::tok::',
        '::warning::yes'
      ].join('\n')
    )
    expect(log.masks).toEqual([])
    expect(log.lines).toContain('::add-mask::s3cr3t-value')
    expect(log.lines).toContain('shown s3cr3t-value')
    expect(log.annotations.map((annotation) => annotation.message)).toEqual(['yes'])
    expect(log.commands.map((command) => command.name)).toEqual(['stop-commands', 'tok', 'warning'])
  })

  it('an empty stop token never resumes', () => {
    const log = readRunnerLog('##[stop-commands]\n::warning::no\n##[]\n::warning::no')
    expect(log.annotations).toEqual([])
    expect(log.stopped).toBe(true)
  })
})

describe('runnerRuleProblems', () => {
  const secret = 'whsec_rules_0123456789abcdef'
  handedOutSecrets.add(secret)
  const check = (stdout: string, extra: Partial<{ stderr: string; summary: string; outputs: Record<string, string> }> = {}) =>
    runnerRuleProblems({ log: readRunnerLog(stdout), stderr: '', summary: '', outputs: {}, ...extra }, ['rk_rules_key_0123'])

  it("passes the action's own commands and masks", () => {
    expect(check(`::add-mask::rk_rules_key_0123\n::add-mask::${secret}\n::debug::d ${secret}\n::warning::w\nok\n`)).toEqual([])
  })

  it('finds any 8 characters of a key or secret in the log, annotations, stderr, summary or webhook output', () => {
    expect(check(`::add-mask::${secret}\nsee whsec_rules_0123\t456789abcdef`)).toEqual([
      expect.stringMatching(/^log shows "whsec_ru"/)
    ])
    expect(check(`::error::key rk_rules_k`)).toEqual([
      expect.stringMatching(/^log shows "rk_rules"/),
      expect.stringMatching(/^annotations/)
    ])
    expect(check('', { stderr: '0123456789' })).toEqual([expect.stringMatching(/^stderr shows "01234567"/)])
    expect(check('', { summary: `|${secret.slice(10, 18)}|` })).toEqual([expect.stringMatching(/^step summary/)])
    expect(check('', { outputs: { webhook: secret } })).toEqual([expect.stringMatching(/^webhook output/)])
  })

  it('finds a whole key or secret, or a line of one, in the outputs but secret and webhook', () => {
    expect(check('', { outputs: { secret, id: 'wh_1' } })).toEqual([])
    expect(check('', { outputs: { webhooks: `[{"description":"${secret}"}]` } })).toEqual([
      expect.stringMatching(/^output webhooks shows "whsec_rules/)
    ])
    handedOutSecrets.add('whsec_first_line_1\nwhsec_second_line_2')
    expect(check('', { outputs: { 'deleted-ids': '["whsec_second_line_2"]' } })).toEqual([
      expect.stringMatching(/^output deleted-ids shows "whsec_second_line_2"/)
    ])
  })

  it('finds legacy commands, stop-commands, commands the action never issues and masks of other text', () => {
    expect(check('x ##[warning]w')).toEqual([expect.stringMatching(/^legacy command ##\[warning\] in stdout line 1/)])
    expect(check('::stop-commands::t\n::t::')).toEqual([
      expect.stringMatching(/^stop-commands/),
      expect.stringMatching(/^command t, which the action never issues/)
    ])
    expect(check('::set-env name=A::b')).toEqual([expect.stringMatching(/^command set-env/)])
    expect(check('\r::add-mask::https')).toEqual([expect.stringMatching(/^add-mask of "https", neither the key nor a secret/)])
    handedOutSecrets.add(' whsec_padded_value\nline two ')
    expect(check('::add-mask::whsec_padded_value\n::add-mask::line two\n')).toEqual([])
  })
})

describe('file commands (GITHUB_OUTPUT, GITHUB_STATE)', () => {
  it('reads name=value and name<<DELIMITER, by whichever comes first; a name given again replaces its value', () => {
    const text = 'isPost=true\n\ncleanup<<ghadelimiter_1\n{"a":1}\nline=two<<x\nghadelimiter_1\nsum=a<<b\nisPost<<EOF\nagain\nEOF'
    expect(parseFileCommands(text)).toEqual({ isPost: 'again', cleanup: '{"a":1}\nline=two<<x', sum: 'a<<b' })
    expect(parseFileCommands('empty<<D\nD\n')).toEqual({ empty: '' })
  })

  it('refuses what the runner refuses', () => {
    expect(() => parseFileCommands('name<<D\nvalue\n')).toThrow("Matching delimiter not found 'D'")
    expect(() => parseFileCommands('<<D\nD\n')).toThrow('Invalid format')
    expect(() => parseFileCommands('just a line\n')).toThrow('Invalid format')
  })
})
