/**
 * Serves the demo page on 127.0.0.1: `npm run demo:web` (port 5173, or `PORT`). The script is
 * bundled by esbuild for the browser when the server starts. The page is served as a strict site
 * would serve it: `script-src 'self'` (no eval, so CPU `jit` runs its loops without generated
 * code) and cross-origin isolation headers.
 *
 * @since 0.1.0
 */
import { build } from "esbuild"
import { readFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))

/** The headers every response gets: a strict CSP and cross-origin isolation (COOP + COEP). */
export const headers = {
  "content-security-policy": "default-src 'self'; script-src 'self'",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
} as const

/** Bundle the page script and serve the page at `port` (0: any free port); resolves with its address. */
export const startDemo = async (port = 0): Promise<{ readonly url: string; readonly close: () => Promise<void> }> => {
  const bundle = await build({
    entryPoints: [join(here, "main.ts")],
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "warning",
  })
  const files: Record<string, { body: string; type: string }> = {
    "/": { body: readFileSync(join(here, "index.html"), "utf8"), type: "text/html; charset=utf-8" },
    "/main.js": { body: bundle.outputFiles[0]!.text, type: "text/javascript; charset=utf-8" },
    "/style.css": { body: readFileSync(join(here, "style.css"), "utf8"), type: "text/css; charset=utf-8" },
    "/favicon.ico": { body: "", type: "image/x-icon" },
  }
  const server: Server = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://127.0.0.1").pathname]
    if (file === undefined) res.writeHead(404, headers).end()
    else res.writeHead(200, { ...headers, "content-type": file.type }).end(file.body)
  })
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve))
  const { port: bound } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${bound}/`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await startDemo(Number(process.env.PORT ?? 5173))
  console.log(`typegrad demo: ${url} (Ctrl-C stops it)`)
}
