/**
 * Random CPU programs for the jit tests: views (slice, pad, transpose, reshape, broadcastTo) and
 * elementwise ops over random shapes and dtypes, with shared subexpressions, evaluated eagerly or
 * under `jit`. Shared by the fused-loop tests and the tests of their interpreter.
 */
import * as tg from "../src/index.js"
import * as lax from "../src/ops/core/lax.js"
import { fromHost } from "../src/ops/core/host.js"
import { numel } from "../src/ops/core/aval.js"
import type { AnyTensor } from "../src/ops/core/tensor.js"
import type { DType } from "../src/shape/index.js"
import { cpu } from "../src/device/cpu/index.js"

export type D = Exclude<DType, "f16">

/** A tiny deterministic PRNG (the property draws only its seed). */
export const rng = (seed: number) => {
  let s = seed >>> 0 || 1
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31), s / 2 ** 31)
  return {
    u: next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: ReadonlyArray<T>): T => xs[Math.floor(next() * xs.length)]!,
  }
}

/** A node of a random program: how to build it from the inputs, memoised so shared nodes are shared equations. */
export interface Node {
  readonly id: number
  readonly shape: number[]
  readonly dtype: D
  readonly build: (get: (n: Node) => AnyTensor, ins: ReadonlyArray<AnyTensor>) => AnyTensor
}

export interface Case {
  readonly leaves: Array<{ shape: number[]; dtype: D }>
  readonly outs: Node[]
}

/**
 * A random program of views (slice, pad with negative/interior padding and any fill, transpose,
 * reshape, broadcastTo) and elementwise ops (arithmetic, comparisons, where, cast, implicit
 * broadcasting), with shared subexpressions. f32 programs leave out comparisons and casts of
 * f32 values, which may legitimately flip on a last-bit difference.
 */
export const randomCase = (seed: number, dtype: D): Case => {
  const r = rng(seed)
  const leaves: Case["leaves"] = []
  const pool: Node[] = []
  let ids = 0
  const node = (shape: number[], dt: D, build: Node["build"]): Node => {
    const n = { id: ids++, shape, dtype: dt, build }
    pool.push(n)
    return n
  }
  const leaf = (shape: number[], dt: D) => {
    const k = leaves.length
    leaves.push({ shape, dtype: dt })
    return node(shape, dt, (_g, ins) => ins[k]!)
  }
  const gen = (shape: number[], dt: D, depth: number): Node => {
    const reuse = pool.filter((n) => n.dtype === dt && n.shape.length === shape.length && n.shape.every((d, i) => d === shape[i]))
    if (reuse.length > 0 && r.u() < 0.2) return r.pick(reuse)
    if (depth <= 0 || r.u() < 0.1) return leaf(shape, dt)
    const kind = r.pick([
      "slice",
      "pad",
      "pad",
      "transpose",
      "reshape",
      "broadcast",
      "unary",
      "binary",
      "binary",
      "binary",
      "where",
      "compare",
      "cast",
    ])
    const sub = (s: number[], d: D = dt) => gen(s, d, depth - 1)
    switch (kind) {
      case "slice": {
        const starts = shape.map(() => r.int(0, 2)),
          steps = shape.map(() => r.int(1, 2))
        const src = sub(shape.map((n, i) => starts[i]! + Math.max(0, (n - 1) * steps[i]! + 1) + r.int(0, 1)))
        return node(shape, dt, (g) => lax.slice(g(src), starts, steps, shape))
      }
      case "pad": {
        const interior = shape.map(() => r.int(0, 1)),
          lo = shape.map(() => r.int(-2, 2))
        // a source length m with lo + m + (m-1)·interior ≤ n + 2 (hi may come out negative)
        const m = shape.map((n, i) => {
          let k = r.int(0, 4)
          while (k > 0 && lo[i]! + k + (k - 1) * interior[i]! > n + 2) k--
          return k
        })
        const hi = shape.map((n, i) => n - lo[i]! - m[i]! - Math.max(m[i]! - 1, 0) * interior[i]!)
        const src = sub(m)
        const value = dt === "bool" ? r.int(0, 1) : dt === "i32" ? r.int(-3, 3) : r.pick([0, 1.5, -2, 0.1])
        return node(shape, dt, (g) => lax.pad(g(src), lo, hi, interior, value))
      }
      case "transpose": {
        const perm = shape.map((_, i) => i).sort(() => r.u() - 0.5)
        const inv = perm.map((_, i) => perm.indexOf(i))
        const src = sub(inv.map((p) => shape[p]!))
        return node(shape, dt, (g) => lax.transpose(g(src), perm))
      }
      case "reshape": {
        const n = numel(shape)
        const s = r.pick([[n], [...shape, 1], [1, ...shape], shape.length >= 2 ? [shape[0]! * shape[1]!, ...shape.slice(2)] : [n]])
        const src = sub(s)
        return node(shape, dt, (g) => lax.reshape(g(src), shape))
      }
      case "broadcast": {
        const s = shape.slice(r.int(0, Math.min(1, shape.length))).map((d) => (r.u() < 0.4 ? 1 : d))
        const src = sub(s)
        return node(shape, dt, (g) => lax.broadcastTo(g(src), shape))
      }
      case "unary": {
        if (dt === "bool") return sub(shape)
        const f = r.pick(
          dt === "i32" ? [lax.neg, lax.abs, lax.sign] : [lax.neg, lax.abs, lax.exp, lax.sin, lax.tanh, lax.sqrt, lax.sigmoid],
        )
        const src = sub(shape)
        return node(shape, dt, (g) => f(g(src)))
      }
      case "binary": {
        if (dt === "bool") return sub(shape)
        const f = r.pick([lax.add, lax.sub, lax.mul, lax.max, lax.min, lax.div])
        // one side may broadcast (size-1 axes, fewer leading axes)
        const bshape = r.u() < 0.3 ? shape.slice(r.int(0, Math.min(1, shape.length))).map((d) => (r.u() < 0.5 ? 1 : d)) : shape
        const a = sub(shape),
          b = sub(bshape)
        const swap = r.u() < 0.5
        return node(shape, dt, (g) => (swap ? f(g(b), g(a)) : f(g(a), g(b))))
      }
      case "where": {
        const c = dtype === "f32" ? leaf(shape, "bool") : sub(shape, "bool")
        const a = sub(shape),
          b = sub(shape)
        return node(shape, dt, (g) => lax.where(g(c), g(a), g(b)))
      }
      case "compare": {
        if (dt !== "bool") return sub(shape)
        const src: D = dtype === "f32" ? "i32" : r.pick(["f64", "i32"])
        const a = sub(shape, src),
          b = sub(shape, src),
          op = r.pick(["lt", "le", "gt", "ge", "eq", "ne"] as const)
        return node(shape, dt, (g) => lax.compare(g(a), g(b), op))
      }
      case "cast": {
        const from: D = r.pick((["f64", "i32", "bool"] as const).filter((d) => d !== dt))
        if (dtype === "f32" && dt !== "f32") return sub(shape)
        const src = sub(shape, from)
        return node(shape, dt, (g) => lax.cast(g(src), dt))
      }
    }
    return leaf(shape, dt)
  }
  const shape = Array.from({ length: r.int(0, 3) }, () => r.pick([0, 1, 1, 2, 3, 4, 5]))
  const outs = Array.from({ length: r.int(1, 2) }, () => gen(shape, dtype, r.int(2, 6)))
  return { leaves, outs }
}

export const evalCase =
  (c: Case) =>
  (...ins: AnyTensor[]): AnyTensor[] => {
    const memo = new Map<number, AnyTensor>()
    const get = (n: Node): AnyTensor => {
      let t = memo.get(n.id)
      if (t === undefined) memo.set(n.id, (t = n.build(get, ins)))
      return t
    }
    return c.outs.map(get)
  }

export const inputs = (c: Case, seed: number): AnyTensor[] => {
  const r = rng(seed + 7)
  return c.leaves.map(({ shape, dtype }) => {
    const n = numel(shape)
    const data = Array.from({ length: n }, () => (dtype === "bool" ? r.int(0, 1) : dtype === "i32" ? r.int(-40000, 40000) : r.u() * 6 - 3))
    return fromHost(data, shape, dtype, cpu)
  })
}

export const read = (t: AnyTensor) => Array.from(tg.dataSync(t as never) as ArrayLike<number>)
