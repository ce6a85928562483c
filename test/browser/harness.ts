/**
 * The browser suite's harness: the system Chromium driven by playwright-core (no browser
 * downloads), pages and bundles served by a Node HTTP server on 127.0.0.1 (a secure context, as
 * WebGPU requires), each route with its own headers (a strict Content-Security-Policy, say).
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { chromium, type Browser } from "playwright-core"

/** The Chromium binary: `TYPEGRAD_CHROMIUM`, else the first of chromium / chromium-browser / google-chrome on the PATH; null if none. */
export const findChromium = (): string | null => {
  const given = process.env.TYPEGRAD_CHROMIUM
  if (given !== undefined && given !== "") return existsSync(given) ? given : null
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    try {
      const path = execFileSync("which", [name], { encoding: "utf8" }).trim()
      if (path !== "") return path
    } catch {
      // not on the PATH
    }
  }
  return null
}

/** Flags: WebGPU on (Linux Chromium keeps it behind this flag; headless it runs on SwiftShader). */
export const chromiumArgs = ["--enable-unsafe-webgpu"]

/** Launch the system Chromium headless. */
export const launch = (executablePath: string): Promise<Browser> => chromium.launch({ executablePath, args: chromiumArgs, headless: true })

/** A route: its body, content type and extra headers. */
export interface Route {
  readonly body: string
  readonly type: string
  readonly headers?: Readonly<Record<string, string>>
}

/** A running server of fixed routes on 127.0.0.1; `url(path)` is a route's address. */
export interface Site {
  readonly url: (path: string) => string
  readonly close: () => Promise<void>
}

/** Serve `routes` (path → route) on 127.0.0.1 at a free port; anything else is a 404. */
export const serve = async (routes: Readonly<Record<string, Route>>): Promise<Site> => {
  const server: Server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? "/", "http://127.0.0.1").pathname]
    if (route === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found")
      return
    }
    res.writeHead(200, { "content-type": route.type, "cache-control": "no-store", ...route.headers }).end(route.body)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** An HTML page that loads `script` (same origin, so `script-src 'self'` allows it). */
export const html = (script: string, body = ""): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>typegrad</title></head><body>${body}<script src="${script}"></script></body></html>`
