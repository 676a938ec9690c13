// A build-time stand-in (tsconfig.json "paths", which ncc follows) for @actions/http-client's root module,
// which @actions/core imports only for its OIDC client, which this action never calls. What it saves is
// measured in bench/RESULTS.md; why, and how to retire it: docs/design.md#the-build-time-stand-in.
export class HttpClient {
  constructor() {
    throw new Error("@actions/http-client's root module is left out of this bundle (src/build/http-client-unused.ts)")
  }
}
