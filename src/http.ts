// One HTTP attempt under one deadline. The retry loop lives in retry.ts; redirects are never followed
// (the caller sees the 3xx), so the API key goes to no host but the API's.
import * as http from 'node:http'
import * as https from 'node:https'
import { HttpClient } from '@actions/http-client'

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE'
  url: string
  headers: Record<string, string>
  body?: string
}

export interface HttpResponse {
  status: number
  statusText: string
  headers: http.IncomingHttpHeaders
  body: string
}

/** No complete answer within the deadline: connect, headers and the whole body together. */
export class TimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs / 1000} s`)
    this.name = 'TimeoutError'
  }
}

const MAX_BODY_BYTES = 64 * 1024 * 1024

// @actions/http-client's agent gives the runner's proxy handling (HTTPS_PROXY, NO_PROXY, tunnelling);
// the request itself is ours so the deadline covers the body too.
const agents = new HttpClient()

export function send(request: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  const url = new URL(request.url)
  const transport = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const req = transport.request(url, {
      method: request.method,
      headers: request.body === undefined ? request.headers : { ...request.headers, 'Content-Length': Buffer.byteLength(request.body) },
      agent: agents.getAgent(request.url)
    })
    const timer = setTimeout(() => req.destroy(new TimeoutError(timeoutMs)), timeoutMs)
    const fail = (error: Error): void => {
      clearTimeout(timer)
      reject(error)
    }
    req.on('error', fail)
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_BODY_BYTES) req.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`))
        else chunks.push(chunk)
      })
      res.on('error', fail)
      res.on('end', () => {
        clearTimeout(timer)
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8')
        })
      })
    })
    req.end(request.body)
  })
}
