// HTTPS_PROXY and NO_PROXY as on a self-hosted runner behind a proxy (issue 5): the bundled action reaches
// https://api.revont.test through a loopback CONNECT proxy, and goes direct when NO_PROXY names the host.
//
// @actions/http-client never proxies loopback hosts, so the API gets a name of its own, api.revont.test,
// with a certificate made here by openssl and trusted through NODE_EXTRA_CA_CERTS. The proxy on 127.0.0.1
// records every CONNECT and tunnels it to an HTTPS front that passes each request on to the loopback
// Revont server. Nothing here resolves api.revont.test: through the proxy no lookup is needed, and without
// it the lookup fails, which is what the NO_PROXY case shows.
//
// The proxy can also misbehave (issues 10 and 14): never answer CONNECT, answer it late, tunnel to a host
// that never speaks TLS, or refuse with 407. timeout-seconds must bound each of these.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { send } from '../../src/api/http.js'
import { TimeoutError } from '../../src/errors.js'
import { until, useRevontServer } from '../support/harness.js'
import { parseCommands, runAction } from '../support/run-action.mjs'

const API_HOST = 'api.revont.test'
const API_URL = `https://${API_HOST}/v1`
const API_KEY = 'rk_proxy_test_key'
const API_HOST_PATTERN = API_HOST.replace(/\./g, '\\.')
const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0

describe.skipIf(!hasOpenssl)(
  `through a CONNECT proxy${hasOpenssl ? '' : ' (skipped: openssl is not installed, so no certificate for api.revont.test can be made)'}`,
  () => {
    const revont = useRevontServer({ apiKey: API_KEY })
    let dir: string
    let certFile: string
    let front: HttpsServer
    let proxy: Server
    let proxyUrl: string
    /** The same proxy, spoken to over TLS. */
    let httpsProxy: HttpsServer
    let httpsProxyUrl: string
    /** Accepts connections and never says a word: a TLS handshake with it stalls. */
    let silent: NetServer
    let silentPort: number
    /** What the proxy does with a CONNECT to the API. */
    let connectMode: 'tunnel' | 'never answer' | 'answer late' | 'tunnel to silence' | 'refuse with 407'
    /** With 'answer late', what came first: the proxy's answer, or the client going away. */
    const lateOutcomes: string[] = []
    /** CONNECT targets the proxy was asked for, and plain requests sent to it. */
    const connects: string[] = []
    /** The Proxy-Authorization header of each CONNECT. */
    const proxyAuthorizations: Array<string | undefined> = []
    /** The client side of each CONNECT, as the proxy holds it. */
    const connectClients: Socket[] = []
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
          // 127.0.0.1 for the HTTPS proxy.
          `subjectAltName=DNS:${API_HOST},IP:127.0.0.1`,
          '-keyout',
          keyFile,
          '-out',
          certFile
        ],
        { encoding: 'utf8' }
      )
      if (openssl.status !== 0) throw new Error(`openssl could not make a certificate: ${openssl.stderr}`)

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

      silent = createNetServer((socket) => void track(socket))
      silentPort = await listen(silent)

      // The proxy: answers CONNECT for the API's host as connectMode says; refuses anything else.
      const onRequest = (req: IncomingMessage, res: ServerResponse) => {
        plainRequests.push(`${req.method} ${req.url}`)
        res.writeHead(502).end('this proxy only tunnels')
      }
      const onConnect = (req: IncomingMessage, client: Socket, head: Buffer) => {
        connects.push(req.url ?? '')
        proxyAuthorizations.push(req.headers['proxy-authorization'])
        connectClients.push(client)
        track(client)
        client.on('error', () => client.destroy())
        if (req.url !== `${API_HOST}:443`) {
          client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
          return
        }
        const tunnelTo = (port: number) => {
          const tunnel = track(
            connect(port, '127.0.0.1', () => {
              client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
              tunnel.write(head)
              tunnel.pipe(client)
              client.pipe(tunnel)
            })
          )
          tunnel.on('error', () => client.destroy())
          client.on('close', () => tunnel.destroy())
        }
        // The server keeps a socket it handed over half-open when the client ends it: close it then, so
        // 'close' shows the client has gone.
        if (connectMode === 'never answer' || connectMode === 'answer late') client.resume().on('end', () => client.end())
        if (connectMode === 'tunnel') tunnelTo(frontPort)
        else if (connectMode === 'tunnel to silence') tunnelTo(silentPort)
        else if (connectMode === 'refuse with 407') {
          client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\n\r\n')
        } else if (connectMode === 'answer late') {
          // Well past the 1 s limit of these runs, and within the 15 s each run is given.
          const late = setTimeout(() => {
            lateOutcomes.push('answered')
            tunnelTo(frontPort)
          }, 6_000)
          client.on('close', () => {
            if (!lateOutcomes.length) lateOutcomes.push('client gone')
            clearTimeout(late)
          })
        }
      }
      proxy = createHttpServer(onRequest).on('connect', onConnect)
      proxyUrl = `http://127.0.0.1:${await listen(proxy)}`
      httpsProxy = createHttpsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, onRequest).on(
        'connect',
        onConnect
      )
      httpsProxyUrl = `https://127.0.0.1:${await listen(httpsProxy)}`
    })

    afterAll(async () => {
      for (const socket of sockets) socket.destroy()
      await Promise.all([close(proxy), close(httpsProxy), close(silent), close(front)])
      for (const path of [dir, ...runDirs]) if (path) rmSync(path, { recursive: true, force: true })
    })

    beforeEach(() => {
      revont.seed([
        { id: 'wh_proxy_1', url: 'https://preview-1.example.com/hooks/revont', events: ['call.ended'] },
        { id: 'wh_proxy_2', url: 'https://preview-2.example.com/hooks/revont', events: ['summary.ready'] }
      ])
      connects.length = 0
      proxyAuthorizations.length = 0
      connectClients.length = 0
      plainRequests.length = 0
      seen.length = 0
      lateOutcomes.length = 0
      connectMode = 'tunnel'
    })

    /** One `list` run of the bundled action; no retries, so a failure shows at once. */
    async function list(env: Record<string, string>, inputs: Record<string, string> = {}) {
      const result = await runAction({
        inputs: {
          operation: 'list',
          'api-url': API_URL,
          'api-key': API_KEY,
          'max-retries': '0',
          'timeout-seconds': '5',
          ...inputs
        },
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
            `^GET /webhooks failed: (getaddrinfo (ENOTFOUND|EAI_AGAIN) ${API_HOST_PATTERN}|no complete answer from ${API_HOST_PATTERN} within 5 s \\(timeout-seconds\\))`
          )
        )
        expect(result.stdout + result.stderr).not.toContain('    at ')
      }
    )

    it('with an HTTPS proxy: TLS to the proxy, and TLS to the API inside it', async () => {
      const result = await list({ HTTPS_PROXY: httpsProxyUrl })
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      expect(result.outputs.count).toBe('2')
      expect(connects).toEqual([`${API_HOST}:443`])
      expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /v1/webhooks'])
    })

    it('create sends its GET and its POST through one tunnel', async () => {
      const result = await runAction({
        inputs: {
          operation: 'create',
          'api-url': API_URL,
          'api-key': API_KEY,
          url: 'https://preview-3.example.com/hooks/revont',
          events: 'call.ended',
          description: 'Preview 3'
        },
        env: { NODE_EXTRA_CA_CERTS: certFile, HTTPS_PROXY: proxyUrl },
        timeoutMs: 15_000
      })
      runDirs.push(result.dir)
      expect(result.code).toBe(0)
      expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /v1/webhooks', 'POST /v1/webhooks'])
      expect(connects).toEqual([`${API_HOST}:443`])
    })

    /** The step's error annotations. */
    function errors(result: Awaited<ReturnType<typeof list>>): string[] {
      return parseCommands(result.stdout)
        .filter((command) => command.name === 'error')
        .map((command) => command.data)
    }

    const timedOut = `GET /webhooks failed: no complete answer from ${API_HOST} within 1 s (timeout-seconds)`

    it('a proxy that never answers CONNECT: the step fails with the timeout, it does not hang', async () => {
      connectMode = 'never answer'
      const result = await list({ HTTPS_PROXY: proxyUrl }, { 'timeout-seconds': '1' })
      // Ended by itself (a run killed at its 15 s bound has no exit code).
      expect(result.code).toBe(1)
      expect(errors(result)).toEqual([timedOut])
      expect(connects).toEqual([`${API_HOST}:443`])
      expect(seen).toEqual([])
    })

    it('a CONNECT answered after the limit does not stretch it: the step has ended before the answer', async () => {
      connectMode = 'answer late'
      const result = await list({ HTTPS_PROXY: proxyUrl }, { 'timeout-seconds': '1' })
      expect(result.code).toBe(1)
      expect(errors(result)).toEqual([timedOut])
      await until(() => lateOutcomes.length > 0, "the proxy's late answer, or the client going away")
      expect(lateOutcomes).toEqual(['client gone'])
      expect(seen).toEqual([])
    })

    it('a tunnel whose far end never speaks TLS: the step fails with the timeout', async () => {
      connectMode = 'tunnel to silence'
      const result = await list({ HTTPS_PROXY: proxyUrl }, { 'timeout-seconds': '1' })
      expect(result.code).toBe(1)
      expect(errors(result)).toEqual([timedOut])
      expect(connects).toEqual([`${API_HOST}:443`])
    })

    it('an HTTPS proxy that never completes its TLS handshake: the step fails with the timeout', async () => {
      const result = await list({ HTTPS_PROXY: `https://127.0.0.1:${silentPort}` }, { 'timeout-seconds': '1' })
      expect(result.code).toBe(1)
      expect(errors(result)).toEqual([timedOut])
    })

    it('a 407 from the proxy fails clearly, naming the proxy but never its credentials', async () => {
      connectMode = 'refuse with 407'
      const proxyHost = new URL(proxyUrl).host
      const result = await list({ HTTPS_PROXY: proxyUrl.replace('http://', 'http://proxyuser:pr0xy-pa55@') })
      expect(result.code).toBe(1)
      expect(errors(result)).toEqual([
        `GET /webhooks failed: the proxy ${proxyHost} refused CONNECT ${API_HOST}:443: 407 Proxy Authentication Required`
      ])
      expect(result.stdout + result.stderr).not.toContain('pr0xy-pa55')
      expect(seen).toEqual([])
    })

    it.each(['HTTPS_PROXY', 'https_proxy'])(
      'a bad percent escape in %s fails the step naming it, without its password, and nothing goes direct',
      async (variable) => {
        const bad = proxyUrl.replace('http://', 'http://us%zzer:s3cret-pa55@')
        // http-client reads https_proxy first, so the other one, valid, is not used either way.
        const other: Record<string, string> = variable === 'https_proxy' ? { HTTPS_PROXY: proxyUrl } : {}
        const result = await list({ ...other, [variable]: bad, NO_PROXY: 'internal.example.com' }, { 'max-retries': '2' })
        expect(result.code).toBe(1)
        expect(errors(result)).toEqual([
          `${variable} is set but cannot be read as a proxy URL (check the % escapes in its user name and password)`
        ])
        expect(result.stdout + result.stderr).not.toContain('s3cret-pa55')
        expect(connects).toEqual([])
        expect(seen).toEqual([])
        expect(revont.requests).toEqual([])
      }
    )

    it('a proxy variable that does not apply (NO_PROXY names the host) is not read at all', async () => {
      const result = await list({ HTTPS_PROXY: 'http://us%zzer:pw@127.0.0.1:1', NO_PROXY: API_HOST })
      expect(errors(result)).toEqual([expect.stringMatching(/^GET \/webhooks failed: (getaddrinfo|no complete answer)/)])
    })

    it('in process: a timed-out CONNECT is closed, not left waiting for the proxy', async () => {
      connectMode = 'never answer'
      const saved = { ...process.env }
      process.env.HTTPS_PROXY = proxyUrl
      try {
        const attempt = send({ method: 'GET', url: `${API_URL}/webhooks`, headers: {} }, 300)
        await expect(attempt).rejects.toThrow(TimeoutError)
        await until(() => connectClients[0]?.closed === true, 'the CONNECT closed')
        expect(connectClients).toHaveLength(1)
        expect(connectClients[0].closed).toBe(true)
      } finally {
        process.env = saved
      }
    })

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
