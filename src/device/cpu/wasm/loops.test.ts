import { afterAll, describe, expect, it } from "vitest"
import fc from "fast-check"
import * as tg from "../../../index.js"
import * as lax from "../../../ops/core/lax.js"
import { fromHost } from "../../../ops/core/host.js"
import type { Program, Storage } from "../../../ops/core/backend.js"
import type { AnyTensor } from "../../../ops/core/tensor.js"
import { cpu } from "../index.js"
import { compileCpu } from "../compile.js"
import { configureWasm, wasmSettings } from "./gemm.js"
import { WASM_LOOP_MIN } from "./loops.js"
import { read, rng } from "../../../../test/random-programs.js"

const saved = wasmSettings()
afterAll(() => void configureWasm(saved))

const compiled = (f: (...xs: never[]) => unknown, ...args: unknown[]) => {
  const j = tg.jit(f as (...xs: unknown[]) => unknown).lower(...args)
  return compileCpu(
    j as unknown as Program,
    j.consts.map((c) => c._impl as Storage),
  )
}

/** Values that exercise every rounding and special case: NaN, ±0, ±Inf, tiny and huge magnitudes. */
const special = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, -3.4e38, 1, -1, 0.1, 3]
const draw = (r: ReturnType<typeof rng>, n: number) =>
  Array.from({ length: n }, () => (r.int(0, 7) === 0 ? r.pick(special) : Math.fround((r.u() - 0.5) * 10 ** r.int(-3, 3))))

const ops = ["add", "sub", "mul", "div", "max", "min", "neg", "abs", "sqrt", "where"] as const

/**
 * A random chain of the lowered operations over [rows, cols] operands: full arrays, a transposed
 * one, a row vector and a scalar broadcast, a slice (an offset into a larger array).
 */
const program = (seed: number) => {
  const r = rng(seed)
  const steps = Array.from({ length: r.int(1, 8) }, () => ({ op: r.pick(ops), a: r.int(0, 9), b: r.int(0, 9), c: r.int(0, 4) }))
  return (x: AnyTensor, y: AnyTensor, t: AnyTensor, row: AnyTensor, s: AnyTensor, big: AnyTensor) => {
    const [m, n] = x.shape as [number, number]
    const vals: AnyTensor[] = [
      x,
      y,
      lax.transpose(t, [1, 0]),
      lax.broadcastTo(row, [m, n]),
      lax.broadcastTo(s, [m, n]),
      lax.slice(big, [1, 2], [m + 1, n + 2], [1, 1]),
    ]
    for (const st of steps) {
      const a = vals[st.a % vals.length]!,
        b = vals[st.b % vals.length]!
      const un = { neg: lax.neg, abs: lax.abs, sqrt: lax.sqrt } as const
      const bin = { add: lax.add, sub: lax.sub, mul: lax.mul, div: lax.div, max: lax.max, min: lax.min } as const
      const v =
        st.op === "neg" || st.op === "abs" || st.op === "sqrt"
          ? un[st.op](a)
          : st.op === "where"
            ? lax.where(lax.compare(a, b, (["lt", "le", "gt", "ge", "eq", "ne"] as const)[st.c % 6]!), a, b)
            : bin[st.op](a, b)
      vals.push(v)
    }
    return [vals[vals.length - 1]!, vals[vals.length - 2]!]
  }
}

describe("cpu jit: fused f32 loops on WebAssembly SIMD", () => {
  it("equal eager f32 ops bit for bit (NaN, ±0, ±Inf; transposed, broadcast and sliced operands; odd row lengths)", () => {
    configureWasm({ enabled: true })
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), (seed) => {
        const r = rng(seed)
        const m = r.int(1, 70),
          n = Math.max(r.int(1, 9), Math.ceil(WASM_LOOP_MIN / m) + r.int(0, 5))
        const mk = (shape: number[]) =>
          fromHost(
            draw(
              r,
              shape.reduce((a, b) => a * b, 1),
            ),
            shape,
            "f32",
            cpu,
          )
        const args = [mk([m, n]), mk([m, n]), mk([n, m]), mk([n]), mk([]), mk([m + 3, n + 4])] as const
        const f = program(seed)
        const p = compiled(f as never, ...args)
        expect(p.sources.some((s) => s.startsWith("// wasm simd128"))).toBe(true)
        const eager = f(...args),
          jitted = tg.jit(f)(...args)
        eager.forEach((e, k) => {
          const a = read(e),
            b = read(jitted[k]!)
          // Object.is: NaN equals NaN and -0 differs from +0
          a.forEach((v, i) => {
            if (!Object.is(b[i], v)) expect([i, b[i]]).toEqual([i, v])
          })
        })
      }),
      { numRuns: 60, seed: 0x5151 },
    )
  })

  it("is not used below the size threshold, for non-f32 loops, or with Wasm off (the JS loop runs instead)", () => {
    const f = (a: AnyTensor, b: AnyTensor) => lax.add(lax.mul(a, b), 1)
    const mk = (n: number, dtype: "f32" | "f64") =>
      fromHost(
        Array.from({ length: n }, (_, i) => i / 7),
        [n],
        dtype,
        cpu,
      )
    const isWasm = (...xs: AnyTensor[]) => compiled(f as never, ...xs).sources.some((s) => s.startsWith("// wasm"))
    configureWasm({ enabled: true })
    expect(isWasm(mk(WASM_LOOP_MIN, "f32"), mk(WASM_LOOP_MIN, "f32"))).toBe(true)
    expect(isWasm(mk(WASM_LOOP_MIN - 1, "f32"), mk(WASM_LOOP_MIN - 1, "f32"))).toBe(false)
    expect(isWasm(mk(WASM_LOOP_MIN, "f64"), mk(WASM_LOOP_MIN, "f64"))).toBe(false)
    configureWasm({ enabled: false })
    const x = mk(WASM_LOOP_MIN, "f32")
    expect(isWasm(x, x)).toBe(false)
    // the JS loop keeps the product in f64, the Wasm loop rounds it to f32 as eager does
    expect(read(tg.jit(f)(x, x))).toEqual(read(x).map((v) => Math.fround(v * v + 1)))
    configureWasm({ enabled: true })
    expect(read(tg.jit(f)(x, x))).toEqual(read(x).map((v) => Math.fround(Math.fround(v * v) + 1)))
  })

  it("keeps outputs of earlier calls intact when a reused buffer feeds a later step", () => {
    configureWasm({ enabled: true })
    const n = 2 * WASM_LOOP_MIN
    const f = (a: AnyTensor) => lax.reduceSum(lax.matmul(lax.reshape(lax.sqrt(lax.abs(a)), [1, n]), lax.reshape(a, [n, 1])), [0, 1])
    const jf = tg.jit(f)
    const xs = [1, 2, 3].map((k) =>
      fromHost(
        Array.from({ length: n }, (_, i) => ((i % 13) - 6) * k),
        [n],
        "f32",
        cpu,
      ),
    )
    const outs = xs.map((x) => jf(x))
    xs.forEach((x, c) => {
      const h = read(x)
      const want = h.reduce((s, v) => s + Math.fround(Math.sqrt(Math.abs(v))) * v, 0)
      expect(read(outs[c]!)[0]).toBeCloseTo(want, 0)
    })
  })
})
