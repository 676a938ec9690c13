// One HTTP attempt under one deadline. The retry loop lives in retry.ts; redirects are never followed
// (the caller sees the 3xx), so the API key goes to no host but the API's.
import * as http from 'node:http'
import { isIP, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { urlToHttpOptions } from 'node:url'
import { checkBypass, getProxyUrl } from '@actions/http-client/lib/proxy'

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE'
  url: string
  headers: Record<string, string>
  body?: string
}

export interface HttpResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  bytes: number
}

/** No complete answer within the deadline: proxy CONNECT, TLS, headers and the whole body together. */
export class TimeoutError extends Error {
  constructor(host: string, timeoutMs: number) {
    super(`no complete answer from ${host} within ${timeoutMs / 1000} s (timeout-seconds)`)
    this.name = 'TimeoutError'
  }
}

/** A proxy variable applies but cannot be read. Final: going direct instead would bypass the proxy. */
export class ProxyConfigError extends Error {
  constructor(variable: string) {
    super(`${variable} is set but cannot be read as a proxy URL (check the % escapes in its user name and password)`)
    this.name = 'ProxyConfigError'
  }
}

const MAX_BODY_BYTES = 64 * 1024 * 1024

/** Request options as they reach a tunnel agent's createConnection, which Node passes them on to. */
interface TunnelRequestOptions extends http.RequestOptions {
  /** Aborted when the attempt times out, so a CONNECT still waiting for its answer ends with it. */
  deadline?: AbortSignal
}

export async function send(request: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  const url = new URL(request.url)
  // Loaded on first use: TLS only for https.
  const transport = url.protocol === 'https:' ? await import('node:https') : http
  const agent = await agentFor(url)
  return new Promise((resolve, reject) => {
    const deadline = new AbortController()
    const options: TunnelRequestOptions = {
      ...urlToHttpOptions(url),
      // The path as written: URL parsing would resolve an encoded id of . or .. as a path segment.
      path: request.url.slice(url.origin.length),
      method: request.method,
      headers:
        request.body === undefined ? request.headers : { ...request.headers, 'Content-Length': Buffer.byteLength(request.body) },
      agent,
      deadline: deadline.signal
    }
    const req = transport.request(options)
    // The timer settles the promise itself: a request still waiting for its tunnel has no socket yet, and
    // destroying it alone would report nothing until the tunnel answered.
    const timer = setTimeout(() => {
      const error = new TimeoutError(url.hostname, timeoutMs)
      reject(error)
      deadline.abort(error)
      req.destroy(error)
    }, timeoutMs)
    const fail = (error: Error): void => {
      clearTimeout(timer)
      reject(error)
    }
    req.on('error', fail)
    req.on('response', (res) => {
      // Decoded as it arrives, while the rest is still on its way, rather than all at the end.
      const decoder = new StringDecoder('utf8')
      let body = ''
      let bytes = 0
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        if (bytes > MAX_BODY_BYTES) req.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`))
        else body += decoder.write(chunk)
      })
      res.on('error', fail)
      res.on('end', () => {
        clearTimeout(timer)
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: body + decoder.end(),
          bytes
        })
      })
    })
    req.end(request.body)
  })
}

/** Per origin: a tunnelling agent behind a proxy, or undefined for Node's own (keep-alive) agent. */
const agents = new Map<string, http.Agent | undefined>()

async function agentFor(url: URL): Promise<http.Agent | undefined> {
  if (!agents.has(url.origin)) {
    const proxy = proxyFor(url)
    agents.set(url.origin, proxy && (await tunnelAgent(url, proxy)))
  }
  return agents.get(url.origin)
}

/**
 * The proxy for `url` by the runner's rules (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) as @actions/http-client
 * applies them; undefined to go direct. getProxyUrl returns nothing, or throws, for a variable it cannot
 * read, which would silently send the request around the proxy.
 */
function proxyFor(url: URL): URL | undefined {
  if (checkBypass(url)) return undefined
  // The first of these that is set and not empty is the one http-client reads.
  const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  const variable = names.find((name) => process.env[name])
  if (!variable) return undefined
  let proxy: URL | undefined
  try {
    proxy = getProxyUrl(url)
  } catch {
    // Reported below, without the value: it may hold a password.
  }
  if (!proxy?.hostname) throw new ProxyConfigError(variable)
  return proxy
}

/** A keep-alive agent whose connections are CONNECT tunnels through the proxy to the target's origin. */
async function tunnelAgent(target: URL, proxy: URL): Promise<http.Agent> {
  const Agent = target.protocol === 'https:' ? (await import('node:https')).Agent : http.Agent
  const agent = new Agent({ keepAlive: true })
  agent.createConnection = (options: TunnelRequestOptions, callback) => {
    openTunnel(target, proxy, options.deadline).then(
      (socket) => callback?.(null, socket),
      // With an error, Node reads no socket.
      (error: Error) => callback?.(error, undefined as never)
    )
    return undefined
  }
  return agent
}

/** CONNECT through the proxy, then TLS to the target when it is https. */
async function openTunnel(target: URL, proxy: URL, deadline: AbortSignal | undefined): Promise<Duplex> {
  const port = target.port || (target.protocol === 'https:' ? '443' : '80')
  const authority = `${target.hostname}:${port}`
  const transport = proxy.protocol === 'https:' ? await import('node:https') : http
  // getProxyUrl has decoded the user name and password already.
  const auth =
    proxy.username || proxy.password ? Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64') : undefined
  const socket = await new Promise<Socket>((resolve, reject) => {
    const connect = transport.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: authority,
      headers: { Host: authority, ...(auth ? { 'Proxy-Authorization': `Basic ${auth}` } : {}) },
      agent: false,
      signal: deadline
    })
    connect.on('connect', (res: http.IncomingMessage, socket: Socket, head: Buffer) => {
      if (res.statusCode === 200 && head.length === 0) return resolve(socket)
      socket.destroy()
      // The proxy's own reason phrase is not trusted text; the standard one is.
      const status = `${res.statusCode} ${http.STATUS_CODES[res.statusCode ?? 0] ?? ''}`.trim()
      // Bytes before our first one would be the proxy's, not the target's.
      const why = res.statusCode === 200 ? 'sent data of its own into the tunnel' : `refused CONNECT ${authority}: ${status}`
      reject(new Error(`the proxy ${proxy.host} ${why}`))
    })
    connect.on('error', (error) => reject(new Error(`the proxy ${proxy.host} failed: ${error.message}`)))
    connect.end()
  })
  if (target.protocol !== 'https:') return socket
  const tls = await import('node:tls')
  const host = target.hostname.replace(/^\[|\]$/g, '')
  return tls.connect({ socket, host, servername: isIP(host) ? undefined : host })
}
