/**
 * Type-check cost of a model file: a 25-layer `sequential` (conv/norm/activation blocks, pooling,
 * flatten, linear head) and a typed call, checked by TypeScript 7 with `--extendedDiagnostics`.
 * Reported: the file's check time minus that of a baseline file that only imports typegrad
 * (best of a few runs each). Target: under 200 ms. Run: `npm run bench:types`.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"

const dir = resolve("node_modules/.cache", `typegrad-bench-types-${process.pid}`)

/** The model file: 25 layers, every junction checked, the output shape computed from the input's. */
export const modelSource = (): string => {
  const layers: string[] = []
  const chans = [3, 16, 16, 32, 32, 64, 64, 64]
  for (let i = 0; i + 1 < chans.length; i++)
    layers.push(`nn.conv2d(k, ${chans[i]}, ${chans[i + 1]}, 3, { padding: 1 })`, `nn.batchNorm2d(${chans[i + 1]})`, `nn.relu()`)
  layers.push("nn.adaptiveAvgPool2d(1)", "nn.flatten()", "nn.linear(k, 64, 128)", "nn.gelu()")
  if (layers.length !== 25) throw new Error(`expected 25 layers, built ${layers.length}`)
  return `${[
    `import * as tg from "../../../src/index.js"`,
    `import nn = tg.nn`,
    `declare const k: tg.Key`,
    `export const model = nn.sequential(\n  ${layers.join(",\n  ")},\n)`,
    `export const y: tg.Tensor<[8, 128]> = model.call(tg.zeros([8, 3, 32, 32]))`,
  ].join("\n")}\n`
}
const baselineSource = `import * as tg from "../../../src/index.js"\nexport const y = tg.zeros([8, 3, 32, 32])\n`

const checkMs = (file: string): number => {
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ extends: "../../../tsconfig.json", compilerOptions: { noEmit: true }, include: [], files: [file] }),
  )
  let out = ""
  try {
    out = execFileSync("node", [resolve("node_modules/ts7/bin/tsc"), "-p", join(dir, "tsconfig.json"), "--extendedDiagnostics"], {
      encoding: "utf8",
    })
  } catch (e) {
    throw new Error(`type-check of ${file} failed:\n${(e as { stdout?: string }).stdout ?? String(e)}`)
  }
  const m = /Check time:\s+([\d.]+)(m?s)/.exec(out)
  if (m === null) throw new Error(`no "Check time" in the diagnostics:\n${out}`)
  return m[2] === "ms" ? Number(m[1]) : Number(m[1]) * 1000
}

export const main = (runs = 5): { readonly modelMs: number; readonly baselineMs: number; readonly deltaMs: number } => {
  mkdirSync(dir, { recursive: true })
  try {
    writeFileSync(join(dir, "model.ts"), modelSource())
    writeFileSync(join(dir, "baseline.ts"), baselineSource)
    const best = (f: string) => Math.min(...Array.from({ length: runs }, () => checkMs(f)))
    const baselineMs = best("baseline.ts")
    const modelMs = best("model.ts")
    const r = { modelMs, baselineMs, deltaMs: modelMs - baselineMs }
    console.log(
      `TS 7 check time, 25-layer model file: ${modelMs.toFixed(0)} ms; baseline (import only): ${baselineMs.toFixed(0)} ms; the model's own cost: ${r.deltaMs.toFixed(0)} ms (target < 200 ms)`,
    )
    return r
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1]?.endsWith("types-layers.ts")) main()
