/**
 * Bundling typegrad for the browser the way a web developer would, with esbuild (`platform:
 * "browser"`) or Vite's production build, `"typegrad"` resolved to this checkout's sources and
 * the package's own `imports`/`sideEffects` fields applied. Used by the bundle test, the browser
 * suite and `bench/bundle.ts`.
 */
import { build, type Message } from "esbuild"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { gzipSync } from "node:zlib"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..")

const entries: Record<string, string> = {
  typegrad: join(root, "src", "index.ts"),
  "typegrad/testing": join(root, "src", "testing.ts"),
  "typegrad/advanced": join(root, "src", "advanced.ts"),
}

/** A bundle and what esbuild said while building it. */
export interface Bundle {
  readonly code: string
  readonly errors: ReadonlyArray<Message>
  readonly warnings: ReadonlyArray<Message>
  /** bytes of the output and of its gzip (level 9) */
  readonly bytes: number
  readonly gzipBytes: number
  /** the input files with code in the bundle (paths relative to the repository root; tree-shaken files left out) */
  readonly inputs: ReadonlyArray<string>
}

/**
 * Bundle `source` (an ES module that may import "typegrad") for the browser as one script (an IIFE, or a module with `format: "esm"`, for top-level await);
 * `file` names the entry when `source` is a path (relative to the repository root) instead.
 */
export const bundleForBrowser = async (
  source: string,
  options: { readonly minify?: boolean; readonly file?: boolean; readonly format?: "iife" | "esm" } = {},
): Promise<Bundle> => {
  const result = await build({
    ...(options.file === true
      ? { entryPoints: [join(root, source)] }
      : { stdin: { contents: source, loader: "ts", resolveDir: root, sourcefile: "entry.ts" } }),
    bundle: true,
    platform: "browser",
    format: options.format ?? "iife",
    target: "es2022",
    minify: options.minify ?? true,
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [
      {
        name: "typegrad-from-checkout",
        setup(b) {
          b.onResolve({ filter: /^typegrad(\/testing|\/advanced)?$/ }, (a) => ({ path: entries[a.path]! }))
        },
      },
    ],
  })
  const code = result.outputFiles[0]!.text
  const bytes = Buffer.byteLength(code)
  return {
    code,
    errors: result.errors,
    warnings: result.warnings,
    bytes,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    inputs: Object.values(result.metafile.outputs).flatMap((o) =>
      Object.entries(o.inputs)
        .filter(([, i]) => i.bytesInOutput > 0)
        .map(([p]) => p),
    ),
  }
}

/** The two measured pages: tensors and grad on the CPU only, and the whole public API. */
export const pages = {
  "tensors + grad on CPU": `
    import { tensor, grad, type Tensor } from "typegrad"
    const f = (x: Tensor<[3]>) => x.mul(x).sum()
    document.title = String(grad(f)(tensor([1, 2, 3])).toArraySync())
  `,
  everything: `
    import * as tg from "typegrad"
    import * as testing from "typegrad/testing"
    import * as advanced from "typegrad/advanced"
    Object.assign(globalThis, { tg, testing, advanced })
  `,
} as const

/**
 * Vite's production build of an HTML page whose module script is `source`, written to a scratch
 * folder; what the build logged and the modules that made it into the output.
 */
export const viteBuild = async (
  source: string,
): Promise<{
  readonly messages: ReadonlyArray<string>
  readonly modules: ReadonlyArray<string>
  readonly bytes: number
  readonly gzipBytes: number
}> => {
  const { build, createLogger } = await import("vite")
  const dir = join(root, "node_modules", ".cache", `typegrad-vite-${process.pid}`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, "index.html"), `<!doctype html><html><body><script type="module" src="./main.ts"></script></body></html>`)
  writeFileSync(join(dir, "main.ts"), source)
  const messages: string[] = []
  const logger = createLogger("warn")
  logger.warn = (m) => void messages.push(`warn: ${m}`)
  logger.error = (m) => void messages.push(`error: ${m}`)
  try {
    const out = await build({
      root: dir,
      configFile: false,
      logLevel: "warn",
      customLogger: logger,
      resolve: { alias: Object.entries(entries).map(([name, path]) => ({ find: new RegExp(`^${name}$`), replacement: path })) },
      build: { write: false, rollupOptions: { onwarn: (w) => void messages.push(`rollup: ${w.message}`) } },
    })
    const chunks = (Array.isArray(out) ? out : [out])
      .flatMap((o) => ("output" in o ? o.output : []))
      .flatMap((o) => (o.type === "chunk" ? [o] : []))
    return {
      messages,
      modules: chunks.flatMap((c) => c.moduleIds.map((m) => relative(root, m))),
      bytes: chunks.reduce((s, c) => s + Buffer.byteLength(c.code), 0),
      gzipBytes: chunks.reduce((s, c) => s + gzipSync(c.code, { level: 9 }).length, 0),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
