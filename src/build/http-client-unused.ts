// A build-time stand-in (tsconfig.json "paths", which ncc follows) for @actions/http-client's root module,
// which @actions/core imports only for its OIDC client (core.getIDToken). This action never calls it and
// makes its own requests (src/http.ts). The real module loads undici: with it dist/index.js is 519 KB
// instead of 60 KB, and a list takes about twice as long (bench/RESULTS.md). Every operation runs through
// the bundle in the tests (test/action.test.ts, 'the bundle'), so reaching this would fail them; the
// bundler drops even this class, as nothing the action calls uses it.
export class HttpClient {
  constructor() {
    throw new Error("@actions/http-client's root module is left out of this bundle (src/build/http-client-unused.ts)")
  }
}
