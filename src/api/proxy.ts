// Requests behind a proxy, by the runner's rules (HTTPS_PROXY, HTTP_PROXY, NO_PROXY): each connection is
// a CONNECT tunnel through the proxy to the API's origin, opened under the attempt's deadline.
import * as http from 'node:http'
import * as https from 'node:https'
import { isIP, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import * as tls from 'node:tls'
import { checkBypass, getProxyUrl } from '@actions/http-client/lib/proxy'
import { ProxyConfigError } from '../errors.js'

/** Request options as they reach a tunnel agent's createConnection, which Node passes them on to. */
export interface TunnelRequestOptions extends http.RequestOptions {
  /** Aborted when the attempt times out, so a CONNECT still waiting for its answer ends with it. */
  deadline?: AbortSignal
}

/** Per origin: a tunnelling agent behind a proxy, or undefined for Node's own (keep-alive) agent. */
const agents = new Map<string, http.Agent | undefined>()

export function agentFor(url: URL): http.Agent | undefined {
  if (!agents.has(url.origin)) {
    const proxy = proxyFor(url)
    agents.set(url.origin, proxy && tunnelAgent(url, proxy))
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
function tunnelAgent(target: URL, proxy: URL): http.Agent {
  const Agent = target.protocol === 'https:' ? https.Agent : http.Agent
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
  const transport = proxy.protocol === 'https:' ? https : http
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
  const host = target.hostname.replace(/^\[|\]$/g, '')
  return tls.connect({ socket, host, servername: isIP(host) ? undefined : host })
}
