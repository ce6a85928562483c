/**
 * Browser bundle sizes: two pages bundled for the browser by esbuild and by Vite's production build,
 * "tensors + grad on CPU" and "everything" (the three entry points), in bytes minified and gzipped.
 * Run: `npm run bench:bundle` (a few seconds); docs/browser.md keeps a measured copy.
 */
import { bundleForBrowser, pages, viteBuild } from "../test/browser/bundle.js"

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`
const rows: string[] = ["| page | esbuild, minified | gzipped | Vite build, minified | gzipped |", "|---|---:|---:|---:|---:|"]
for (const [name, source] of Object.entries(pages)) {
  const b = await bundleForBrowser(source)
  if (b.errors.length > 0 || b.warnings.length > 0)
    throw new Error(`${name}: ${[...b.errors, ...b.warnings].map((m) => m.text).join("; ")}`)
  const v = await viteBuild(source)
  if (v.messages.length > 0) throw new Error(`${name} (Vite): ${v.messages.join("; ")}`)
  rows.push(`| ${name} | ${kb(b.bytes)} | ${kb(b.gzipBytes)} | ${kb(v.bytes)} | ${kb(v.gzipBytes)} |`)
}
console.log(rows.join("\n"))
