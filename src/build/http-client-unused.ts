// A build-time stand-in (tsconfig.json "paths", which ncc follows) for @actions/http-client's root module,
// which @actions/core imports only for its OIDC client (core.getIDToken). This action never calls it and
// makes its own requests (src/http.ts). The real module brings undici: bench/RESULTS.md measures a core
// one-liner bundled without this stand-in at 479.3 KiB and 107 ms, and with it at 28.8 KiB and 61 ms (a
// plain one-liner: 47 ms). Every operation, main and post, runs through the bundle in test/action.test.ts ('the
// bundle'), so reaching the left-out code would fail it; the bundler drops even this class, as nothing
// the action calls uses it.
export class HttpClient {
  constructor() {
    throw new Error("@actions/http-client's root module is left out of this bundle (src/build/http-client-unused.ts)")
  }
}
