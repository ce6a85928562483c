// Special values and integers on CPU and WebGPU: every elementwise primitive over every pair of
// special floats (NaN, ±Inf, ±0, overflowing and ordinary values), NaN and ±Inf inside reductions and
// arg-reductions, i32 arithmetic over the whole range (division by zero, INT_MIN / -1, wrapping
// products), and casts out of range. The backends must agree bit for bit where docs/numerics.md
// fixes the result (NaN is any NaN; the sign of a zero counts), and within float tolerance for the
// transcendental functions on finite results.
import { describe, expect, it } from "vitest"
import { cpu } from "../../src/device/cpu/index.js"
import type { Device } from "../../src/ops/core/backend.js"
import { bind1 } from "../../src/ops/core/interpreter.js"
import type { ElementwiseName, ParamsOf, Primitive, PrimitiveName } from "../../src/ops/core/primitive.js"
import { primitives } from "../../src/ops/prims/index.js"
import type { DType } from "../../src/shape/index.js"
import { jit } from "../../src/grad/jit.js"
import * as lax from "../../src/ops/core/lax.js"
import type { AnyTensor } from "../../src/ops/core/tensor.js"
import { gpu, gpuSuite, read, rng, tensorOn } from "./gpu.js"

gpuSuite()

const byName = (name: PrimitiveName): Primitive => primitives[name] as unknown as Primitive
interface In {
  readonly values: ArrayLike<number>
  readonly shape: ReadonlyArray<number>
  readonly dtype: DType
}
const run = (dev: Device, name: PrimitiveName, ins: ReadonlyArray<In>, params: unknown) =>
  bind1(
    byName(name),
    ins.map((x) => tensorOn(dev, x.values, x.shape, x.dtype)),
    params as ParamsOf<PrimitiveName>,
  )

/** Float values every elementwise primitive meets (f32-exact). */
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -2.5, 3e9, -3e9, 1e30, -1e30, 65504, 2147483520]
/** i32 values over the whole range. */
const INTS = [0, 1, -1, 2, -2, 7, -7, 65536, -65536, 123456789, -987654321, 2147483647, -2147483648, 46341, -46341]

/** Same value: NaN equals NaN, ±0 differ, ±Inf exact; finite values within `rtol` (0: exact). */
const same = (a: number, b: number, rtol: number): boolean =>
  (Number.isNaN(a) && Number.isNaN(b)) ||
  Object.is(a, b) ||
  (rtol > 0 && Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= rtol * Math.max(Math.abs(b), 1e-30))

const agree = async (where: string, name: PrimitiveName, ins: ReadonlyArray<In>, params: unknown, rtol = 0) => {
  const [want, got] = [await read(run(cpu, name, ins, params)), await read(run(gpu!, name, ins, params))]
  const bad: string[] = []
  for (let i = 0; i < want.length; i++) {
    if (!same(got[i]!, want[i]!, rtol))
      bad.push(`${ins.map((x) => x.values[i % x.values.length]).join(", ")} → gpu ${got[i]} cpu ${want[i]}`)
  }
  expect(bad, `${where}: ${bad.length} disagreements`).toEqual([])
}

/** All pairs of `xs` as two flat columns. */
const pairs = (xs: ReadonlyArray<number>): [number[], number[]] => [xs.flatMap((a) => xs.map(() => a)), xs.flatMap(() => xs)]

// transcendental functions: last-bits differences on finite results are the backends' libm
const TRANSCENDENTAL = new Set<string>(["exp", "expm1", "log", "log1p", "sin", "cos", "tanh", "sigmoid", "atan2", "pow", "sqrt"])

// every elementwise primitive of the registry by its domain's kind (a new one is covered at once)
const elementwise = (Object.values(primitives) as ReadonlyArray<Primitive<PrimitiveName>>).filter((p) => p.kind === "elementwise")
const ofKind = (kind: "unary" | "binary") =>
  elementwise.filter((p) => p.domain.kind === kind && p.name !== "compare").map((p) => p.name as ElementwiseName)

describe.skipIf(gpu === null)("special floats: WebGPU agrees with CPU", () => {
  it("unary elementwise primitives (sin and cos below)", async () => {
    for (const name of ofKind("unary").filter((n) => n !== "sin" && n !== "cos")) {
      const rtol = TRANSCENDENTAL.has(name) ? 2e-6 : 0
      await agree(name, name, [{ values: SPECIAL, shape: [SPECIAL.length], dtype: "f32" }], {}, rtol)
    }
  })
  it("sin and cos where f32 arguments are small enough to reduce", async () => {
    const xs = SPECIAL.filter((x) => !(Math.abs(x) > 1e4))
    for (const name of ["sin", "cos"] as const) await agree(name, name, [{ values: xs, shape: [xs.length], dtype: "f32" }], {}, 2e-6)
  })
  it("binary elementwise primitives over every pair", async () => {
    const [a, b] = pairs(SPECIAL)
    for (const name of ofKind("binary")) {
      // atan2 is WGSL's built-in: the software adapter's is good to ~2e-5 relative for small ratios
      const rtol = name === "atan2" ? 5e-5 : TRANSCENDENTAL.has(name) ? 2e-6 : 0
      await agree(
        name,
        name,
        [
          { values: a, shape: [a.length], dtype: "f32" },
          { values: b, shape: [b.length], dtype: "f32" },
        ],
        {},
        rtol,
      )
    }
  })
  it("comparisons (only ne holds for NaN) and where", async () => {
    const [a, b] = pairs(SPECIAL)
    for (const op of ["lt", "le", "gt", "ge", "eq", "ne"] as const)
      await agree(
        `compare ${op}`,
        "compare",
        [
          { values: a, shape: [a.length], dtype: "f32" },
          { values: b, shape: [b.length], dtype: "f32" },
        ],
        { op },
      )
    const c = a.map((_, i) => (i % 3 === 0 ? 1 : 0))
    const col = (values: number[], dtype: DType): In => ({ values, shape: [values.length], dtype })
    await agree("where", "where", [col(c, "bool"), col(a, "f32"), col(b, "f32")], {})
  })
  it("casts: float → i32 saturates with NaN → 0, float → bool is != 0 (NaN is true)", async () => {
    const xs = [...SPECIAL, 2147483648, -2147483648, -2147483904, 2.7, -2.7, 0.9999]
    const fx: In = { values: xs, shape: [xs.length], dtype: "f32" },
      ix: In = { values: INTS, shape: [INTS.length], dtype: "i32" }
    for (const dtype of ["i32", "bool", "f32"] as const) await agree(`cast f32 → ${dtype}`, "cast", [fx], { dtype })
    for (const dtype of ["f32", "bool"] as const) await agree(`cast i32 → ${dtype}`, "cast", [ix], { dtype })
  })
  it("reductions and arg-reductions with NaN and ±Inf among ordinary values", async () => {
    const r = rng(17)
    for (const [rows, len] of [
      [5, 7],
      [3, 300],
      [2, 5000],
    ] as const) {
      for (const special of [NaN, Infinity, -Infinity]) {
        // each row: ordinary values, then the special value at a random position in some rows
        const xs = Array.from({ length: rows * len }, () => r.uniform(-3, 3))
        for (let i = 0; i < rows; i += 2) xs[i * len + r.int(0, len - 1)] = special
        if (!Number.isNaN(special) && rows > 2) xs[len + 1] = -special
        const x = { values: xs, shape: [rows, len], dtype: "f32" as const }
        for (const name of ["reduceSum", "reduceMax", "reduceMin"] as const) {
          await agree(`${name} [${rows}, ${len}] with ${special}`, name, [x], { axes: [1] }, 1e-5)
          await agree(`${name} [${rows}, ${len}] axis 0 with ${special}`, name, [x], { axes: [0] }, 1e-5)
        }
        for (const op of ["max", "min"] as const)
          await agree(`arg${op} [${rows}, ${len}] with ${special}`, "argReduce", [x], { axis: 1, op })
      }
    }
  })
})

describe.skipIf(gpu === null)("jit: fused chains and reductions keep the eager semantics", () => {
  it("NaN through fused max/min/sum reductions, relu-like selects, casts and integer division", async () => {
    const xs = [1, Number.NaN, 5, -2, Number.POSITIVE_INFINITY, 3e9, -0, Number.NEGATIVE_INFINITY, 0.5, -3e9, 7, 2]
    const ds = [0, 1, 2, -1, 0, 3, 1, -2, 0, 5, 2, 1]
    const program = (x: AnyTensor, d: AnyTensor) => {
      const y = lax.mul(x, 2)
      return [
        lax.reduceMax(y, [1]),
        lax.reduceMin(y, [1]),
        lax.reduceSum(y, [1]),
        lax.reduceMax(y, [0]),
        lax.where(lax.compare(y, 0, "le"), 0, y),
        lax.div(lax.cast(y, "i32"), d),
        lax.max(y, lax.neg(y)),
      ]
    }
    const on = (dev: Device) => [tensorOn(dev, xs, [3, 4]), tensorOn(dev, ds, [3, 4], "i32")] as const
    const want = await Promise.all(program(...on(cpu)).map(read))
    const got = await Promise.all(jit(program)(...on(gpu!)).map(read))
    want.forEach((w, k) => {
      const bad = Array.from(w).flatMap((v, i) => (same(got[k]![i]!, v, 0) ? [] : [`output ${k} [${i}]: gpu ${got[k]![i]} cpu ${v}`]))
      expect(bad).toEqual([])
    })
  })
})

describe.skipIf(gpu === null)("i32 over the whole range: WebGPU agrees with CPU exactly", () => {
  const [a, b] = pairs(INTS)
  const ia = { values: a, shape: [a.length], dtype: "i32" as const },
    ib = { values: b, shape: [b.length], dtype: "i32" as const }
  it("arithmetic wraps modulo 2³²; division truncates, x / 0 = -1 and INT_MIN / -1 = INT_MIN", async () => {
    for (const name of ["add", "sub", "mul", "div", "max", "min"] as const) await agree(`i32 ${name}`, name, [ia, ib], {})
    for (const name of ["neg", "abs", "sign"] as const)
      await agree(`i32 ${name}`, name, [{ values: INTS, shape: [INTS.length], dtype: "i32" }], {})
    for (const op of ["lt", "le", "gt", "ge", "eq", "ne"] as const) await agree(`i32 compare ${op}`, "compare", [ia, ib], { op })
  })
  it("sums and products wrap like the elementwise ops; max, min and matmul are exact", async () => {
    const r = rng(5)
    const big = Array.from({ length: 3 * 3000 }, () => r.pick(INTS))
    const x = { values: big, shape: [3, 3000], dtype: "i32" as const }
    for (const name of ["reduceSum", "reduceProd", "reduceMax", "reduceMin"] as const) {
      await agree(`i32 ${name} rows`, name, [x], { axes: [1] })
      await agree(`i32 ${name} columns`, name, [x], { axes: [0] })
    }
    // rows and columns made of the extremes only: the reductions' identities must not show through
    const ext = {
      values: [-2147483648, -2147483648, -2147483648, 2147483647, 2147483647, 2147483647],
      shape: [2, 3],
      dtype: "i32" as const,
    }
    for (const name of ["reduceMax", "reduceMin"] as const) {
      await agree(`i32 ${name} of extremes (rows)`, name, [ext], { axes: [1] })
      await agree(`i32 ${name} of extremes (columns)`, name, [ext], { axes: [0] })
    }
    const m = { values: big.slice(0, 3 * 600), shape: [3, 600], dtype: "i32" as const }
    const n = { values: big.slice(0, 600 * 2), shape: [600, 2], dtype: "i32" as const }
    await agree("i32 matmul (split-K)", "matmul", [m, n], {})
  })
})
