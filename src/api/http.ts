// One HTTP attempt under one deadline. The retry loop lives in retry.ts; redirects are never followed
// (the caller sees the 3xx), so the API key goes to no host but the API's.
import * as http from 'node:http'
import * as https from 'node:https'
import { StringDecoder } from 'node:string_decoder'
import { urlToHttpOptions } from 'node:url'
import { TimeoutError } from '../errors.js'
import { agentFor, type TunnelRequestOptions } from './proxy.js'

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

const MAX_BODY_BYTES = 64 * 1024 * 1024

export async function send(request: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  const url = new URL(request.url)
  const transport = url.protocol === 'https:' ? https : http
  const agent = agentFor(url)
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
