// Stands in, in the bundle only (tsconfig.json "paths", which ncc follows), for code that
// @actions/core imports at load time but the action never runs: its OIDC client (@actions/http-client,
// and undici through it) and core.platform (@actions/exec). Left out, they cost no start-up time;
// reached, they fail loudly. The action's own HTTP goes through node:http, with the runner's proxy
// rules from @actions/http-client/lib/proxy and a tunnel agent (http.ts).

function leftOut(name: string): never {
  throw new Error(`${name} is left out of this action's bundle; see src/left-out-of-bundle.ts`)
}

export class HttpClient {
  constructor() {
    leftOut('@actions/http-client')
  }
}

export function getExecOutput(): never {
  return leftOut('@actions/exec')
}
