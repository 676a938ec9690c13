// One HTTP attempt under one deadline. The retry loop lives in retry.ts; redirects are never followed
// (the caller sees the 3xx), so the API key goes to no host but the API's.
import * as http from 'node:http'
import { StringDecoder } from 'node:string_decoder'
import { urlToHttpOptions } from 'node:url'
import { getProxyUrl } from '@actions/http-client/lib/proxy'

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

/** No complete answer within the deadline: connect, headers and the whole body together. */
export class TimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs / 1000} s`)
    this.name = 'TimeoutError'
  }
}

const MAX_BODY_BYTES = 64 * 1024 * 1024

export async function send(request: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  const url = new URL(request.url)
  // Loaded on first use: TLS only for https, and the tunnel only behind a proxy.
  const transport = url.protocol === 'https:' ? await import('node:https') : http
  const agent = await proxyAgent(url)
  return new Promise((resolve, reject) => {
    const req = transport.request({
      ...urlToHttpOptions(url),
      // The path as written: URL parsing would resolve an encoded id of . or .. as a path segment.
      path: request.url.slice(url.origin.length),
      method: request.method,
      headers:
        request.body === undefined ? request.headers : { ...request.headers, 'Content-Length': Buffer.byteLength(request.body) },
      agent
    })
    const timer = setTimeout(() => req.destroy(new TimeoutError(timeoutMs)), timeoutMs)
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

const agents = new Map<string, Promise<http.Agent | undefined>>()

/**
 * The runner's proxy rules (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) as @actions/http-client applies them,
 * and the same CONNECT tunnel it builds, one per origin. Undefined, for Node's own agent, when no proxy
 * applies.
 */
function proxyAgent(url: URL): Promise<http.Agent | undefined> {
  let agent = agents.get(url.origin)
  if (!agent) {
    agent = tunnelAgent(url)
    agents.set(url.origin, agent)
    // A failure is not kept: the next attempt tries again.
    agent.catch(() => agents.delete(url.origin))
  }
  return agent
}

async function tunnelAgent(url: URL): Promise<http.Agent | undefined> {
  const proxy = getProxyUrl(url)
  if (!proxy?.hostname) return undefined
  const tunnel = await import('tunnel')
  // getProxyUrl has decoded the user name and password already.
  const auth = proxy.username || proxy.password ? `${proxy.username}:${proxy.password}` : undefined
  const options = {
    proxy: {
      host: proxy.hostname,
      port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
      ...(auth ? { proxyAuth: auth } : {})
    }
  }
  const overHttps = proxy.protocol === 'https:'
  if (url.protocol === 'https:') return overHttps ? tunnel.httpsOverHttps(options) : tunnel.httpsOverHttp(options)
  return overHttps ? tunnel.httpOverHttps(options) : tunnel.httpOverHttp(options)
}
