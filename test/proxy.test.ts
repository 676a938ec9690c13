// HTTPS_PROXY and NO_PROXY as on a self-hosted runner behind a proxy (issue 5): the bundled action reaches
// https://api.revont.test through a loopback CONNECT proxy, and goes direct when NO_PROXY names the host.
//
// @actions/http-client never proxies loopback hosts, so the API gets a name of its own, api.revont.test,
// with a certificate made here by openssl and trusted through NODE_EXTRA_CA_CERTS. The proxy on 127.0.0.1
// records every CONNECT and tunnels it to an HTTPS front that passes each request on to the loopback
// Revont server. Nothing here resolves api.revont.test: through the proxy no lookup is needed, and without
// it the lookup fails, which is what the NO_PROXY case shows.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import { connect, type AddressInfo, type Server as NetServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseCommands, runAction } from './runner/run-action.mjs'
import { startRevontServer } from './server/revont-server.mjs'

const API_HOST = 'api.revont.test'
const API_URL = `https://${API_HOST}/v1`
const API_KEY = 'rk_proxy_test_key'
const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0

describe.skipIf(!hasOpenssl)(
  `through a CONNECT proxy${hasOpenssl ? '' : ' (skipped: openssl is not installed, so no certificate for api.revont.test can be made)'}`,
  () => {
    let dir: string
    let certFile: string
    let revont: Awaited<ReturnType<typeof startRevontServer>>
    let front: HttpsServer
    let proxy: Server
    let proxyUrl: string
    /** CONNECT targets the proxy was asked for, and plain requests sent to it. */
    const connects: string[] = []
    /** The Proxy-Authorization header of each CONNECT. */
    const proxyAuthorizations: Array<string | undefined> = []
    const plainRequests: string[] = []
    /** Requests the HTTPS front received, as the API sees them. */
    const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = []
    const sockets = new Set<Socket>()
    const runDirs: string[] = []

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'revont-proxy-test-'))
      certFile = join(dir, 'cert.pem')
      const keyFile = join(dir, 'key.pem')
      const openssl = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          `/CN=${API_HOST}`,
          '-addext',
          `subjectAltName=DNS:${API_HOST}`,
          '-keyout',
          keyFile,
          '-out',
          certFile
        ],
        { encoding: 'utf8' }
      )
      if (openssl.status !== 0) throw new Error(`openssl could not make a certificate: ${openssl.stderr}`)

      revont = await startRevontServer({ apiKey: API_KEY })
      const upstream = new URL(revont.url)

      // The API's HTTPS front: terminates TLS for api.revont.test and passes each request on.
      front = createHttpsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
        const forward = httpRequest(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
          }
        )
        forward.on('error', () => res.destroy())
        req.pipe(forward)
      })
      const frontPort = await listen(front)

      // The proxy: answers CONNECT for the API's host by tunnelling to the front; refuses anything else.
      proxy = createHttpServer((req, res) => {
        plainRequests.push(`${req.method} ${req.url}`)
        res.writeHead(502).end('this proxy only tunnels')
      })
      proxy.on('connect', (req, client: Socket, head: Buffer) => {
        connects.push(req.url ?? '')
        proxyAuthorizations.push(req.headers['proxy-authorization'])
        track(client)
        if (req.url !== `${API_HOST}:443`) {
          client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
          return
        }
        const tunnel = track(
          connect(frontPort, '127.0.0.1', () => {
            client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
            tunnel.write(head)
            tunnel.pipe(client)
            client.pipe(tunnel)
          })
        )
        tunnel.on('error', () => client.destroy())
        client.on('error', () => tunnel.destroy())
      })
      proxyUrl = `http://127.0.0.1:${await listen(proxy)}`
    })

    afterAll(async () => {
      for (const socket of sockets) socket.destroy()
      await Promise.all([close(proxy), close(front), revont?.close()])
      for (const path of [dir, ...runDirs]) if (path) rmSync(path, { recursive: true, force: true })
    })

    beforeEach(() => {
      revont.reset()
      revont.seed([
        { id: 'wh_proxy_1', url: 'https://preview-1.example.com/hooks/revont', events: ['call.ended'] },
        { id: 'wh_proxy_2', url: 'https://preview-2.example.com/hooks/revont', events: ['summary.ready'] }
      ])
      connects.length = 0
      proxyAuthorizations.length = 0
      plainRequests.length = 0
      seen.length = 0
    })

    /** One `list` run of the bundled action; no retries, so a failure shows at once. */
    async function list(env: Record<string, string>) {
      const result = await runAction({
        inputs: { operation: 'list', 'api-url': API_URL, 'api-key': API_KEY, 'max-retries': '0', 'timeout-seconds': '5' },
        env: { NODE_EXTRA_CA_CERTS: certFile, ...env },
        timeoutMs: 15_000
      })
      runDirs.push(result.dir)
      return result
    }

    it('with HTTPS_PROXY, list goes through the proxy with CONNECT api.revont.test:443, and the API gets the key', async () => {
      const result = await list({ HTTPS_PROXY: proxyUrl })

      expect(result.stderr).toBe('')
      expect(parseCommands(result.stdout).filter((command) => command.name === 'error')).toEqual([])
      expect(result.code).toBe(0)
      expect(result.outputs.count).toBe('2')
      expect(
        JSON.parse(result.outputs.webhooks)
          .map((webhook: { id: string }) => webhook.id)
          .sort()
      ).toEqual(['wh_proxy_1', 'wh_proxy_2'])

      expect(connects).toEqual([`${API_HOST}:443`])
      expect(plainRequests).toEqual([])
      // Inside the tunnel: TLS to api.revont.test, then the request itself, with the Bearer key.
      expect(seen).toHaveLength(1)
      expect(seen[0]).toMatchObject({ method: 'GET', url: '/v1/webhooks' })
      expect(seen[0].headers).toMatchObject({ host: API_HOST, authorization: `Bearer ${API_KEY}` })
      expect(revont.requests.map((request) => `${request.method} ${request.path} ${request.headers.authorization}`)).toEqual([
        `GET /v1/webhooks Bearer ${API_KEY}`
      ])
    })

    it('sends the proxy user and password from HTTPS_PROXY, decoded once', async () => {
      const withCredentials = proxyUrl.replace('http://', 'http://us%40er:p%25w%3A1@')
      const result = await list({ HTTPS_PROXY: withCredentials })
      expect(result.code).toBe(0)
      expect(connects).toEqual([`${API_HOST}:443`])
      expect(proxyAuthorizations).toEqual([`Basic ${Buffer.from('us@er:p%w:1').toString('base64')}`])
    })

    it('the tunnel carries real TLS: without the certificate trusted, the action refuses the API', async () => {
      const result = await list({ HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: '' })
      expect(connects).toEqual([`${API_HOST}:443`])
      expect(seen).toEqual([])
      expect(result.code).toBe(1)
      const errors = parseCommands(result.stdout).filter((command) => command.name === 'error')
      expect(errors.map((error) => error.data)).toEqual([expect.stringMatching(/^GET \/webhooks failed: .*certificate/)])
    })

    it('with https_proxy in lower case, as many runners set it, the same', async () => {
      const result = await list({ https_proxy: proxyUrl })
      expect(result.code).toBe(0)
      expect(result.outputs.count).toBe('2')
      expect(connects).toEqual([`${API_HOST}:443`])
    })

    it('NO_PROXY for another host leaves the proxy in use', async () => {
      const result = await list({ HTTPS_PROXY: proxyUrl, NO_PROXY: 'localhost,internal.example.com,revont.test.example' })
      expect(result.code).toBe(0)
      expect(connects).toEqual([`${API_HOST}:443`])
    })

    it.each([API_HOST, `.revont.test`, `localhost, ${API_HOST.toUpperCase()}`])(
      'with NO_PROXY=%s the proxy sees nothing: the action goes direct, and fails clearly as the name does not resolve',
      async (noProxy) => {
        const result = await list({ HTTPS_PROXY: proxyUrl, NO_PROXY: noProxy })

        expect(connects).toEqual([])
        expect(plainRequests).toEqual([])
        expect(seen).toEqual([])
        expect(result.code).toBe(1)
        const errors = parseCommands(result.stdout).filter((command) => command.name === 'error')
        expect(errors).toHaveLength(1)
        // The name is under .test (RFC 2606), so it never resolves; where DNS itself is unreachable the
        // lookup may instead run into the attempt's deadline.
        expect(errors[0].data).toMatch(
          new RegExp(
            `^GET /webhooks failed: (getaddrinfo (ENOTFOUND|EAI_AGAIN) ${API_HOST.replace(/\./g, '\\.')}|no complete answer within 5 s)`
          )
        )
        expect(result.stdout + result.stderr).not.toContain('    at ')
      }
    )

    function track(socket: Socket): Socket {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      return socket
    }
  }
)

function listen(server: NetServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function close(server: NetServer | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()))
}
