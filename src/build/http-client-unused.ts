// A build-time stand-in (tsconfig.json "paths", which ncc follows for every import of the bundle, the
// packages' too) for @actions/http-client's root module, which brings undici. @actions/core imports it only
// for its OIDC client, which this action never calls. @actions/github builds its default proxy agents with
// it when it loads; this action gives Octokit a fetch of its own instead (github/pull-requests.ts). What it
// saves is measured in bench/RESULTS.md; why, and how to retire it: docs/design.md#the-build-time-stand-in.
export class HttpClient {
  /** No agents: @actions/github's default fetch would go direct, so it is never used. */
  getAgent(): undefined {
    return undefined
  }

  getAgentDispatcher(): undefined {
    return undefined
  }

  /** What @actions/core's OIDC client would call. */
  getJson(): never {
    throw new Error("@actions/http-client's root module is left out of this bundle (src/build/http-client-unused.ts)")
  }
}
