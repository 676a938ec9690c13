// CI's use-the-action job: checks one step's outputs, handed over as environment variables, the same
// way from every OS's default shell: `node scripts/ci/check-outputs.mjs <create|list|delete|prune>`.
const env = process.env
const problems = []
const expect = (ok, what) => ok || problems.push(what)
const json = (name) => {
  try {
    return JSON.parse(env[name] ?? '')
  } catch {
    problems.push(`${name} is not JSON: '${env[name]}'`)
    return undefined
  }
}

const what = process.argv[2]
switch (what) {
  case 'create': {
    const webhook = json('WEBHOOK')
    expect(env.CREATED === 'true', `created is '${env.CREATED}', expected 'true'`)
    expect(/^\S+$/.test(env.ID ?? ''), `id is '${env.ID}'`)
    expect((env.SECRET ?? '').length > 0, 'secret is empty')
    expect(webhook?.id === env.ID, `webhook.id is not the id output`)
    expect(webhook && !('secret' in webhook), 'webhook holds the secret')
    break
  }
  case 'list': {
    const webhooks = json('WEBHOOKS')
    expect(env.COUNT === '1', `count is '${env.COUNT}', expected 1`)
    expect(webhooks?.map((webhook) => webhook.id).includes(env.ID), `${env.ID} is not in the webhooks output`)
    break
  }
  case 'delete':
  case 'prune':
    expect(env.COUNT === '1', `count is '${env.COUNT}', expected 1`)
    expect(
      JSON.stringify(json('DELETED_IDS')) === JSON.stringify([env.ID]),
      `deleted-ids is '${env.DELETED_IDS}', expected ["${env.ID}"]`
    )
    break
  default:
    problems.push(`usage: node scripts/ci/check-outputs.mjs <create|list|delete|prune>; got '${what}'`)
}
for (const problem of problems) console.log(`::error title=${what} outputs::${problem}`)
if (problems.length === 0) console.log(`The ${what} outputs are as expected (${process.platform}).`)
process.exitCode = problems.length === 0 ? 0 : 1
