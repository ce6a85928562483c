// Type-level ↔ runtime agreement. fast-check draws shapes and arguments, the RUNTIME twin gives
// the expected shape (or ShapeError message), and each sample becomes one
// `Expect<Equal<TypeRule<...>, expected>>` line of a generated file that BOTH compilers
// (TypeScript 5.9 and 7) must accept. Types cannot be property-tested directly; this makes the
// runtime the oracle. AGREE_N / AGREE_SEED widen the search locally.
import { execFile } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import { ShapeError } from "../errors.js"
import * as rt from "./runtime.js"

type RDim = rt.RDim
const lit = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 7, 50257, 1048576) },
)
const dim: fc.Arbitrary<RDim> = fc.oneof(
  { weight: 8, arbitrary: lit },
  { weight: 1, arbitrary: fc.constantFrom("B", "T") },
  { weight: 1, arbitrary: fc.constant(null) },
)
const shape = (min = 0, max = 5, d = dim) => fc.array(d, { minLength: min, maxLength: max })
const axis = fc.integer({ min: -6, max: 6 })

const tDim = (d: RDim) => (d === null ? "number" : typeof d === "string" ? JSON.stringify(d) : String(d))
const tShape = (s: ReadonlyArray<RDim>) => `[${s.map(tDim).join(", ")}]`
const tAxes = (a: number | ReadonlyArray<number> | undefined) =>
  a === undefined ? "undefined" : typeof a === "number" ? String(a) : `[${a.join(", ")}]`

const N = Number(process.env.AGREE_N ?? 30)
const SEED = Number(process.env.AGREE_SEED ?? 42)
const sample = <T>(a: fc.Arbitrary<T>) => fc.sample(a, { numRuns: N, seed: SEED })

function line(typeExpr: string, f: () => RDim[]): string {
  let expected: string
  try {
    expected = tShape(f())
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e
    expected = `ShapeMismatch<${JSON.stringify(e.message)}>`
  }
  return `Expect<Equal<${typeExpr}, ${expected}>>`
}

function generate(): string[] {
  const L: string[] = []
  for (const [a, b] of sample(fc.tuple(shape(), shape())))
    L.push(line(`Broadcast<${tShape(a)}, ${tShape(b)}>`, () => rt.broadcastShapes(a, b)))
  for (const [a, b] of sample(fc.tuple(shape(0, 4), shape(0, 4))))
    L.push(line(`Matmul<${tShape(a)}, ${tShape(b)}>`, () => rt.matmulShape(a, b)))
  for (const [a, b] of sample(fc.tuple(shape(0, 2), shape(0, 2)))) {
    L.push(line(`Dot<${tShape(a)}, ${tShape(b)}>`, () => rt.dotShape(a, b)))
    L.push(line(`Outer<${tShape(a)}, ${tShape(b)}>`, () => rt.outerShape(a, b)))
  }
  const tgt = fc.oneof({ weight: 6, arbitrary: dim }, { weight: 2, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.constant(-3) })
  for (const [s, t] of sample(fc.tuple(shape(0, 3, fc.oneof(dim, fc.constant(1))), shape(0, 4, tgt))))
    L.push(line(`Expand<${tShape(s)}, ${tShape(t)}>`, () => rt.expandShape(s, t)))
  const reshapeCase = fc.tuple(shape(0, 4), fc.boolean(), fc.boolean(), shape(0, 3)).map(([s, same, neg, other]) => {
    let t: RDim[] = same ? [...s].reverse() : other
    if (neg && t.length > 0) t = t.map((d, i) => (i === 0 ? -1 : d))
    return [s, t] as const
  })
  for (const [s, t] of sample(reshapeCase)) L.push(line(`Reshape<${tShape(s)}, ${tShape(t)}>`, () => rt.reshapeShape(s, t)))
  for (const [s, a, b] of sample(fc.tuple(shape(0, 5), axis, axis))) {
    L.push(line(`Flatten<${tShape(s)}, ${a}, ${b}>`, () => rt.flattenShape(s, a, b)))
    L.push(line(`Transpose<${tShape(s)}, ${a}, ${b}>`, () => rt.transposeShape(s, a, b)))
    L.push(line(`Unsqueeze<${tShape(s)}, ${a}>`, () => rt.unsqueezeShape(s, a)))
  }
  for (const [s, p] of sample(fc.tuple(shape(1, 4), fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 4 }))))
    L.push(line(`Permute<${tShape(s)}, ${tShape(p)}>`, () => rt.permuteShape(s, p)))
  const axes = fc.oneof(fc.constant(undefined), axis, fc.array(axis, { maxLength: 3 }))
  for (const [s, ax, k] of sample(fc.tuple(shape(0, 5), axes, fc.boolean())))
    L.push(line(`Reduce<${tShape(s)}, ${tAxes(ax)}, ${k}, "mean">`, () => rt.reduceShape(s, ax, k, "mean")))
  const sqDim = fc.oneof(dim, fc.constant(1))
  for (const [s, ax] of sample(fc.tuple(shape(0, 5, sqDim), axes))) {
    if (ax === undefined && s.includes(null)) continue // unknown rank at type level; the runtime keeps null
    L.push(line(`Squeeze<${tShape(s)}, ${tAxes(ax)}>`, () => (ax === undefined ? rt.squeezeShape(s) : rt.squeezeShape(s, ax))))
  }
  const part = fc.oneof(
    fc
      .tuple(
        fc.option(fc.integer({ min: -8, max: 8 }), { nil: undefined }),
        fc.option(fc.integer({ min: -8, max: 8 }), { nil: undefined }),
        fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }),
      )
      .map(([a, b, c]) => `${a ?? ""}:${b ?? ""}${c === undefined ? "" : `:${c}`}`),
    fc.integer({ min: -8, max: 8 }).map(String),
    fc.constantFrom("...", "None", ":", "x", " 1 : "),
  )
  for (const [s, ps] of sample(fc.tuple(shape(0, 4), fc.array(part, { minLength: 1, maxLength: 4 })))) {
    const spec = ps.join(",")
    L.push(line(`Slice<${tShape(s)}, ${JSON.stringify(spec)}>`, () => rt.sliceShape(s, spec)))
  }
  for (const [ss, ax] of sample(
    fc.tuple(fc.array(shape(2, 3, fc.oneof(dim, fc.constant(3))), { minLength: 0, maxLength: 3 }), fc.integer({ min: -3, max: 3 })),
  )) {
    const list = `[${ss.map(tShape).join(", ")}]`
    L.push(line(`Concat<${list}, ${ax}>`, () => rt.concatShape(ss, ax)))
    L.push(line(`Stack<${list}, ${ax}>`, () => rt.stackShape(ss, ax)))
  }
  const pads = fc.oneof(
    fc.integer({ min: -1, max: 3 }),
    fc.array(fc.tuple(fc.integer({ min: -1, max: 3 }), fc.integer({ min: 0, max: 3 })), { maxLength: 4 }),
  )
  for (const [s, p] of sample(fc.tuple(shape(0, 3), pads)))
    L.push(
      line(`Pad<${tShape(s)}, ${typeof p === "number" ? p : `[${p.map(([a, b]) => `[${a}, ${b}]`).join(", ")}]`}>`, () =>
        rt.padShape(s, p),
      ),
    )
  const hw = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 300 }) },
    { weight: 1, arbitrary: fc.constantFrom<RDim>(null, "H") },
  )
  const conv = fc.record({
    n: dim,
    c: fc.constantFrom<RDim>(3, 4, 6, null, "C"),
    h: hw,
    w: hw,
    o: fc.integer({ min: 1, max: 64 }),
    cg: fc.constantFrom<RDim>(1, 2, 3, 4, 6, "C"),
    k: fc.integer({ min: 0, max: 7 }),
    s: fc.integer({ min: 0, max: 4 }),
    p: fc.integer({ min: 0, max: 3 }),
    d: fc.integer({ min: 1, max: 3 }),
    g: fc.constantFrom(1, 2, 3),
  })
  for (const c of sample(conv)) {
    const x = [c.n, c.c, c.h, c.w],
      w = [c.o, c.cg, c.k, c.k]
    L.push(
      line(`Conv2d<${tShape(x)}, ${tShape(w)}, { stride: ${c.s}; padding: [${c.p}, 0]; dilation: ${c.d}; groups: ${c.g} }>`, () =>
        rt.conv2dShape(x, w, { stride: c.s, padding: [c.p, 0], dilation: c.d, groups: c.g }),
      ),
    )
  }
  const pool = fc.record({
    x: shape(2, 5, hw),
    k: fc.integer({ min: 1, max: 5 }),
    s: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    p: fc.integer({ min: 0, max: 2 }),
    avg: fc.boolean(),
  })
  for (const c of sample(pool)) {
    const op = c.avg ? "avgPool2d" : "maxPool2d"
    const opts = c.s === undefined ? `{ padding: ${c.p} }` : `{ stride: ${c.s}; padding: ${c.p} }`
    L.push(
      line(`Pool2d<${tShape(c.x)}, ${c.k}, ${opts}, "${op}">`, () =>
        rt.pool2dShape(c.x, c.k, c.s === undefined ? { padding: c.p } : { stride: c.s, padding: c.p }, op),
      ),
    )
  }
  return L
}

const run = promisify(execFile)
async function check(tsc: string, file: string, extra: string[]): Promise<string[]> {
  const args = [
    tsc,
    "--noEmit",
    "--strict",
    "--target",
    "es2022",
    "--module",
    "esnext",
    "--moduleResolution",
    "bundler",
    "--skipLibCheck",
    "--lib",
    "es2022",
    "--types",
    "node",
    "--pretty",
    "false",
    ...extra,
    file,
  ]
  try {
    await run("node", args, { encoding: "utf8", maxBuffer: 1 << 26 })
    return []
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string }
    return `${err.stdout ?? ""}${err.stderr ?? ""}`.split("\n").filter((l) => l.includes("error"))
  }
}

describe("type-level and runtime shape rules agree", () => {
  test("on random samples, under TypeScript 5.9 and 7", { timeout: 120_000 }, async () => {
    const lines = generate()
    const dir = mkdtempSync(join(tmpdir(), "typegrad-agree-"))
    const file = join(dir, "agreement.gen.ts")
    const header = [
      `import type { Broadcast, Concat, Conv2d, Dot, Expand, Flatten, Matmul, Outer, Pad, Permute, Pool2d, Reduce, Reshape, ShapeMismatch, Slice, Squeeze, Stack, Transpose, Unsqueeze } from ${JSON.stringify(resolve("src/shape/types.js"))}`,
      "type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false",
      "type Expect<T extends true> = T",
    ]
    writeFileSync(file, [...header, ...lines.map((l, i) => `export type _${i} = ${l}`)].join("\n"))
    const root = resolve("node_modules")
    const [ts59, ts7] = await Promise.all([
      check(join(root, "typescript/bin/tsc"), file, ["--typeRoots", join(root, "@types")]),
      check(join(root, "ts7/bin/tsc"), file, ["--typeRoots", join(root, "@types"), "--ignoreConfig"]),
    ])
    const explain = (errs: string[]) =>
      errs.slice(0, 5).map((l) => `${lines[Number(l.match(/\((\d+),/)?.[1]) - header.length - 1]}\n   -> ${l.slice(0, 400)}`)
    expect(explain(ts59), `${lines.length} cases, TS 5.9`).toEqual([])
    expect(explain(ts7), `${lines.length} cases, TS 7`).toEqual([])
  })
})
