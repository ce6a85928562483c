/**
 * The one per-primitive case table of the test suites: a `Spec` (input shapes, dtypes,
 * parameters, the expected output aval) drawn per primitive, then concrete inputs drawn from the
 * primitive's `domain`. The laws in `properties/` run the specs in f64 on the CPU; the
 * cross-backend suites in `test/webgpu` run the same specs retyped to f32 on every device.
 * Elementwise primitives get generic cases from their `domain.kind` (a new one needs no entry
 * here); every other primitive must have a generator in `custom` (a compile error otherwise).
 */
import * as fc from "fast-check"
import type { Aval } from "../src/ops/core/aval.js"
import { numel } from "../src/ops/core/aval.js"
import type { CompareOp, ElementwiseName, ParamsOf, Primitive, PrimitiveName, UnfoldParams } from "../src/ops/core/primitive.js"
import { windowCount } from "../src/ops/prims/window.js"
import { paddedLen } from "../src/ops/prims/structural.js"
import { dataSync } from "../src/ops/api/host.js"
import * as lax from "../src/ops/core/lax.js"
import type { AnyTensor } from "../src/ops/core/tensor.js"
import type { DType } from "../src/shape/index.js"
import { arbAxes, arbBroadcastShapes, arbShape, arbTensor, fromValues } from "../src/testing/index.js"

export interface Input {
  readonly shape: ReadonlyArray<number>
  readonly dtype: DType
}

export interface Spec<P extends PrimitiveName = PrimitiveName> {
  readonly params: ParamsOf<P>
  readonly inputs: ReadonlyArray<Input>
  /** the output aval, computed independently of `abstractEval` */
  readonly out: Aval
  /** inputs to differentiate (default: the domain's `diffArgs`, else every float input) */
  readonly diffArgs?: ReadonlyArray<number>
  /** finite-difference step and tolerances when f64 defaults do not apply (casts to f32) */
  readonly tol?: { readonly eps: number; readonly atol: number; readonly rtol: number }
  /**
   * Constrain the drawn values of every input before use (one flat array per input), for
   * primitives whose domain is not a box: well-conditioned or positive definite matrices.
   */
  readonly prepare?: (values: number[][]) => number[][]
}

/** A spec with `examples` independent input sets (example 0 for the laws, all of them for vmap). */
export interface Case {
  /** erased: the laws treat every primitive alike */
  readonly prim: Primitive
  readonly spec: Spec
  readonly examples: ReadonlyArray<ReadonlyArray<AnyTensor>>
}

const f64 = (shape: ReadonlyArray<number>): Input => ({ shape, dtype: "f64" })
const small = { maxRank: 3, maxDim: 4, minDim: 0 } as const

const unaryCase = (): fc.Arbitrary<Spec> => arbShape(small).map((s) => ({ params: {}, inputs: [f64(s)], out: { shape: s, dtype: "f64" } }))

const binaryCase = (params: {} = {}, dtype: DType = "f64"): fc.Arbitrary<Spec> =>
  arbBroadcastShapes(2, small).map(([out, a, b]) => ({ params, inputs: [f64(a!), f64(b!)], out: { shape: out!, dtype } }))

// NOTE: max and min have no identity, so they get no empty axes
const reduceCase = (minDim: 0 | 1): fc.Arbitrary<Spec> =>
  arbShape({ ...small, minRank: 0, minDim }).chain((s) =>
    arbAxes(s.length).map((axes) => ({
      params: { axes },
      inputs: [f64(s)],
      out: { shape: s.filter((_, i) => !axes.includes(i)), dtype: "f64" },
    })),
  )

/** Reshape targets of `s`: its element count's prime factors (or a 0) grouped into up to 4 dims. */
const arbRegroup = (s: ReadonlyArray<number>): fc.Arbitrary<number[]> => {
  const factors: number[] = numel(s) === 0 ? [0] : []
  for (let n = numel(s), p = 2; n > 1; p++)
    while (n % p === 0) {
      factors.push(p)
      n /= p
    }
  return fc
    .tuple(fc.integer({ min: 0, max: 4 }), fc.array(fc.nat(), { minLength: factors.length, maxLength: factors.length }))
    .map(([rank, where]) => {
      const r = Math.max(rank, factors.length > 0 ? 1 : 0)
      const out = new Array<number>(r).fill(1)
      factors.forEach((f, i) => (out[where[i]! % r] = out[where[i]! % r]! * f))
      return out
    })
}

const permutation = (r: number) =>
  fc.shuffledSubarray(
    Array.from({ length: r }, (_, i) => i),
    { minLength: r, maxLength: r },
  )

/** One strided window per axis of `s`: start, step, size (size 0 allowed). */
const arbSlice = (s: ReadonlyArray<number>) =>
  fc.tuple(
    ...s.map((n) =>
      fc
        .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: 3 }))
        .chain(([start, step]) =>
          fc.integer({ min: 0, max: Math.floor((n - 1 - start) / step) + 1 }).map((size) => [start, step, size] as const),
        ),
    ),
  )

const arbPad = (s: ReadonlyArray<number>) =>
  fc.tuple(
    ...s.map((n) =>
      fc
        .tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 2 }))
        .filter(([lo, hi, int]) => paddedLen(n, lo, hi, int) >= 0),
    ),
  )

/** Window parameters and an image `[N, C, H, W]` they fit. */
const arbWindow = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 6 }),
    w: fc.integer({ min: 1, max: 6 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    padding: fc.tuple(
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 0, max: 1 }),
    ),
    value: fc.constantFrom(0, 1.5),
  })
  .map(({ n, c, h, w, ...p }) => {
    const oh = windowCount(h, p.kernel[0], p.stride[0], p.dilation[0], p.padding[0], p.padding[1])
    const ow = windowCount(w, p.kernel[1], p.stride[1], p.dilation[1], p.padding[2], p.padding[3])
    return { image: [n, c, h, w] as const, cols: [n, c, p.kernel[0], p.kernel[1], oh, ow] as const, p: p as UnfoldParams }
  })
  .filter(({ cols }) => cols[4] >= 1 && cols[5] >= 1)

/**
 * A data shape, an axis of it (size ≥ 1) and an index shape equal off the axis (0 to 5 entries on
 * it). Index values come from the domain's range, which reaches past both ends of small axes:
 * negative ones count from the end, the rest are clamped.
 */
const arbIndexed = fc
  .tuple(arbShape({ minRank: 1, maxRank: 3, maxDim: 4 }), fc.nat(), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 5 }))
  .map(([s, a, n, m]) => {
    const axis = a % s.length
    return { axis, data: s.map((d, i) => (i === axis ? n : d)), idx: s.map((d, i) => (i === axis ? m : d)) }
  })

const castSources: ReadonlyArray<DType> = ["f64", "i32", "bool"]
const castTargets: ReadonlyArray<DType> = ["f64", "f32", "i32", "bool"]

/** Each [n, n] block of a flat batch gets `2n + 1` added to its diagonal: strictly diagonally dominant by rows and columns for entries in [-2, 2]. */
const dominant = (v: ReadonlyArray<number>, n: number): number[] => v.map((x, i) => (Math.floor(i / n) % n === i % n ? x + 2 * n + 1 : x))

/**
 * Rows of each dominant block permuted (by the rank of the block's first column), so partial
 * pivoting has rows to swap and every choice it makes wins by a wide margin.
 */
const permutedDominant = (v: ReadonlyArray<number>, n: number): number[] => {
  const d = dominant(v, n),
    out = d.slice()
  for (let o = 0; o < d.length; o += n * n) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[o + a * n]! - v[o + b * n]!)
    order.forEach((src, i) => {
      for (let j = 0; j < n; j++) out[o + i * n + j] = d[o + src * n + j]!
    })
  }
  return out
}

/** Each [n, n] block M becomes M·Mᵀ + n·I (symmetric positive definite, eigenvalues ≥ n). */
const spd = (v: ReadonlyArray<number>, n: number): number[] => {
  const out = new Array<number>(v.length).fill(0)
  for (let o = 0; o < v.length; o += n * n)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0
        for (let k = 0; k < n; k++) s += v[o + i * n + k]! * v[o + j * n + k]!
        out[o + i * n + j] = s
      }
  return out
}

/** Batch axes and a square size for the factorisations. */
const arbSquare = fc.tuple(arbShape({ maxRank: 2, maxDim: 3 }), fc.integer({ min: 1, max: 4 }))
const square = (prepare: (v: ReadonlyArray<number>, n: number) => number[]) =>
  arbSquare.map(([batch, n]) => ({
    params: {},
    inputs: [f64([...batch, n, n])],
    out: { shape: [...batch, n, n], dtype: "f64" as const },
    prepare: ([a]: number[][]) => [prepare(a!, n)],
  }))

type Generators<Ps extends PrimitiveName> = { readonly [P in Ps]: fc.Arbitrary<Spec<P>> }
/** Parameter generators: required for every non-elementwise primitive, optional for elementwise ones. */
const custom: Generators<Exclude<PrimitiveName, ElementwiseName>> & Partial<Generators<ElementwiseName>> = {
  compare: fc.constantFrom<CompareOp>("lt", "le", "gt", "ge", "eq", "ne").chain((op) => binaryCase({ op }, "bool")) as fc.Arbitrary<
    Spec<"compare">
  >,
  where: arbBroadcastShapes(3, small).map(([out, c, a, b]) => ({
    params: {},
    inputs: [{ shape: c!, dtype: "bool" }, f64(a!), f64(b!)],
    out: { shape: out!, dtype: "f64" },
  })),
  cast: fc.tuple(arbShape(small), fc.constantFrom(...castSources), fc.constantFrom(...castTargets)).map(([s, from, dtype]) => ({
    params: { dtype },
    inputs: [{ shape: s, dtype: from }],
    out: { shape: s, dtype },
    diffArgs: from === "f64" && (dtype === "f64" || dtype === "f32") ? [0] : [],
    // NOTE: an f32 result rounds x ± eps·t to 7 digits: take a large step (the map is linear)
    ...(dtype === "f32" ? { tol: { eps: 1e-2, atol: 1e-4, rtol: 1e-4 } } : {}),
  })),
  reduceSum: reduceCase(0) as fc.Arbitrary<Spec<"reduceSum">>,
  reduceMax: reduceCase(1) as fc.Arbitrary<Spec<"reduceMax">>,
  reduceMin: reduceCase(1) as fc.Arbitrary<Spec<"reduceMin">>,
  reduceProd: reduceCase(0) as fc.Arbitrary<Spec<"reduceProd">>,
  argReduce: arbShape({ ...small, minRank: 1, minDim: 1 }).chain((s) =>
    fc.tuple(fc.integer({ min: 0, max: s.length - 1 }), fc.constantFrom<"max" | "min">("max", "min")).map(([axis, op]) => ({
      params: { axis, op },
      inputs: [f64(s)],
      out: { shape: s.filter((_, i) => i !== axis), dtype: "i32" as const },
    })),
  ),
  argsort: arbShape({ ...small, minRank: 1 }).chain((s) =>
    fc.tuple(fc.integer({ min: 0, max: s.length - 1 }), fc.boolean()).map(([axis, descending]) => ({
      params: { axis, descending },
      inputs: [f64(s)],
      out: { shape: s, dtype: "i32" as const },
    })),
  ),
  reshape: arbShape(small).chain((s) =>
    arbRegroup(s).map((shape) => ({ params: { shape }, inputs: [f64(s)], out: { shape, dtype: "f64" as const } })),
  ),
  broadcastTo: arbBroadcastShapes(1, small).map(([shape, s]) => ({
    params: { shape: shape! },
    inputs: [f64(s!)],
    out: { shape: shape!, dtype: "f64" },
  })),
  transpose: arbShape(small).chain((s) =>
    permutation(s.length).map((perm) => ({
      params: { perm },
      inputs: [f64(s)],
      out: { shape: perm.map((p) => s[p]!), dtype: "f64" as const },
    })),
  ),
  slice: arbShape({ minRank: 1, maxRank: 3, maxDim: 6 }).chain((s) =>
    arbSlice(s).map((w) => ({
      params: { starts: w.map((a) => a[0]), steps: w.map((a) => a[1]), sizes: w.map((a) => a[2]) },
      inputs: [f64(s)],
      out: { shape: w.map((a) => a[2]), dtype: "f64" as const },
    })),
  ),
  pad: fc.tuple(arbShape({ minRank: 1, maxRank: 3, maxDim: 4 }), fc.constantFrom(0, -1.25)).chain(([s, value]) =>
    arbPad(s).map((p) => ({
      params: { lo: p.map((a) => a[0]), hi: p.map((a) => a[1]), interior: p.map((a) => a[2]), value },
      inputs: [f64(s)],
      out: { shape: s.map((n, i) => paddedLen(n, ...p[i]!)), dtype: "f64" as const },
    })),
  ),
  concat: fc
    .tuple(
      arbShape({ minRank: 1, maxRank: 3, maxDim: 3 }),
      fc.nat(),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
    )
    .filter(([, , sizes]) => sizes.some((n) => n > 0))
    .map(([s, a, sizes]) => {
      const axis = a % s.length
      const withSize = (n: number) => s.map((d, i) => (i === axis ? n : d))
      return {
        params: { axis },
        inputs: sizes.map((n) => f64(withSize(n))),
        out: { shape: withSize(sizes.reduce((x, y) => x + y, 0)), dtype: "f64" as const },
      }
    }),
  matmul: fc
    .tuple(
      arbShape({ maxRank: 2, maxDim: 3 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
    )
    .map(([batch, m, k, n]) => ({
      params: {},
      inputs: [f64([...batch, m, k]), f64([...batch, k, n])],
      out: { shape: [...batch, m, n], dtype: "f64" as const },
    })),
  unfold: arbWindow.map(({ image, cols, p }) => ({ params: p, inputs: [f64(image)], out: { shape: cols, dtype: "f64" as const } })),
  gather: arbIndexed.map(({ data, idx, axis }) => ({
    params: { axis },
    inputs: [f64(data), { shape: idx, dtype: "i32" as const }],
    out: { shape: idx, dtype: "f64" as const },
  })),
  scatterAdd: arbIndexed.map(({ data, idx, axis }) => ({
    params: { axis, size: data[axis]! },
    inputs: [f64(idx), { shape: idx, dtype: "i32" as const }],
    out: { shape: data, dtype: "f64" as const },
  })),
  luPivots: arbSquare.map(([batch, n]) => ({
    params: {},
    inputs: [f64([...batch, n, n])],
    out: { shape: [...batch, n], dtype: "i32" as const },
    prepare: ([a]) => [permutedDominant(a!, n)],
  })),
  lu: square(dominant),
  cholesky: square(spd),
  triangularSolve: fc
    .tuple(arbSquare, fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.boolean(), fc.boolean())
    .map(([[batch, n], k, lower, unitDiagonal, transposeA]) => ({
      params: { lower, unitDiagonal, transposeA },
      inputs: [f64([...batch, n, n]), f64([...batch, n, k])],
      out: { shape: [...batch, n, k], dtype: "f64" as const },
      prepare: ([a, b]) => [dominant(a!, n), b!],
    })),
  qr: fc.tuple(arbSquare, fc.integer({ min: 0, max: 2 }), fc.constantFrom<"q" | "r">("q", "r")).map(([[batch, n], extra, output]) => {
    const m = n + extra
    return {
      params: { output },
      inputs: [f64([...batch, m, n])],
      out: { shape: [...batch, output === "q" ? m : n, n], dtype: "f64" as const },
      // the top n × n block made dominant: columns far from dependent
      prepare: ([a]: number[][]) => [a!.map((x, i) => (Math.floor(i / n) % m === i % n ? x + 2 * m + 1 : x))],
    }
  }),
  threefry: fc
    .tuple(
      arbShape({ maxRank: 2, maxDim: 3 }),
      fc.constantFrom<"key" | "uniform">("key", "uniform"),
      fc.integer({ min: 0, max: 5 }),
      fc.nat(),
      fc.nat(),
    )
    .map(([lead, mode, count, x0, start]) => ({
      params: { mode, x0, start, count, dtype: mode === "key" ? ("i32" as const) : ("f32" as const) },
      inputs: [{ shape: [...lead, 2], dtype: "i32" as const }],
      out: mode === "key" ? { shape: [...lead, count, 2], dtype: "i32" as const } : { shape: [...lead, count], dtype: "f32" as const },
    })),
  fold: arbWindow.map(({ image, cols, p }) => ({
    params: { ...p, size: [image[2], image[3]] as const },
    inputs: [f64(cols)],
    out: { shape: image, dtype: "f64" as const },
  })),
}

/** The erased view of a primitive (rule parameters are contravariant, hence the cast). */
export const erase = <P extends PrimitiveName>(prim: Primitive<P>): Primitive => prim as unknown as Primitive

/** The spec generator of a primitive; throws for a custom-domain elementwise primitive without one. */
export const specFor = (prim: Primitive<PrimitiveName>): fc.Arbitrary<Spec> => {
  const c = (custom as Partial<Generators<PrimitiveName>>)[prim.name] as fc.Arbitrary<Spec> | undefined
  if (c !== undefined) return c
  if (prim.domain.kind === "unary") return unaryCase()
  if (prim.domain.kind === "binary") return binaryCase()
  throw new Error(`test/cases: elementwise primitive ${prim.name} has a custom domain but no case generator`)
}

/** Differentiable inputs of a spec. */
export const diffArgsOf = (prim: Primitive, spec: Spec): ReadonlyArray<number> =>
  prim.domain.nonDiff
    ? []
    : (spec.diffArgs ?? prim.domain.diffArgs ?? spec.inputs.flatMap((x, i) => (x.dtype === "f64" || x.dtype === "f32" ? [i] : [])))

/** Concrete inputs of a spec, drawn from the primitive's domain. */
const arbInputs = (prim: Primitive, spec: Spec): fc.Arbitrary<AnyTensor[]> => {
  const d = prim.domain
  const drawn = fc.tuple(
    ...spec.inputs.map((x, i) => {
      const [min, max] = d.ranges?.[i] ?? [-2, 2]
      return arbTensor(x.shape, { dtype: x.dtype, min, max, ...(d.awayFromZero === undefined ? {} : { awayFromZero: d.awayFromZero }) })
    }),
  )
  const prepare = spec.prepare
  if (prepare === undefined) return drawn
  return drawn.map((xs) =>
    prepare(xs.map((x) => Array.from(dataSync(x)))).map((v, i) => fromValues(v, spec.inputs[i]!.shape, spec.inputs[i]!.dtype) as AnyTensor),
  )
}

/** Smallest distance to a kink that finite differences (step 1e-5) must stay clear of. */
const KINK_GAP = 1e-3

/**
 * Whether example 0 of `c` sits clear of the ties where `max`/`min` (elementwise or reduced) are
 * not differentiable. Random values tie with probability 0, but come within the finite-difference
 * step of a tie now and then; gradient laws skip those cases.
 */
export const kinkFree = (c: Case): boolean => {
  const [x, y] = c.examples[0]!
  const far = (d: AnyTensor) => Float64Array.from(dataSync(d)).every((v) => v >= KINK_GAP)
  switch (c.prim.name) {
    case "max":
    case "min":
      return far(lax.abs(lax.sub(x!, y!)))
    case "reduceMax":
    case "reduceMin": {
      // the distance of every non-extremal element to its group's extremum
      const { axes } = c.spec.params as { readonly axes: ReadonlyArray<number> }
      const gap = lax.abs(
        lax.sub(x!, lax.expandReduced(c.prim.name === "reduceMax" ? lax.reduceMax(x!, axes) : lax.reduceMin(x!, axes), x!.shape, axes)),
      )
      const extremal = Float64Array.from(dataSync(lax.reduceSum(lax.cast(lax.compare(gap, KINK_GAP, "lt"), "i32"), axes)))
      return extremal.every((n) => n === 1)
    }
    default:
      return true
  }
}

/**
 * Cases of `prim`: a spec and `examples` input sets for it.
 *
 * @example
 * fc.assert(fc.property(arbCase(primitives.sin, 1), (c) => law(c)))
 */
export const arbCase = <P extends PrimitiveName>(p: Primitive<P>, examples = 1): fc.Arbitrary<Case> => {
  const prim = erase(p)
  return specFor(prim).chain((spec) =>
    fc.array(arbInputs(prim, spec), { minLength: examples, maxLength: examples }).map((ex) => ({
      prim,
      spec,
      examples: ex,
      // fast-check prints counterexamples with this
      [fc.toStringMethod]: () =>
        `${describeCase({ prim, spec })} on ${JSON.stringify(ex.map((xs) => xs.map((x) => Array.from(dataSync(x)))))}`,
    })),
  )
}

/** `sin(f64[2, 3]) params {}` */
export const describeCase = (c: Pick<Case, "prim" | "spec">): string =>
  `${c.prim.name}(${c.spec.inputs.map((x) => `${x.dtype}[${x.shape.join(", ")}]`).join(", ")}) params ${JSON.stringify(c.spec.params)}`

/** f64 specs run as f32 on devices without f64. */
export const f32 = (d: DType): DType => (d === "f64" ? "f32" : d)

/**
 * Input values for `spec`, drawn from the primitive's domain with a seeded generator (for suites
 * that compare devices on the same numbers). With `ints`, floats are integer-valued, so
 * comparisons, max/min and arg-reductions meet ties.
 */
export const drawValues = (prim: Primitive, spec: Spec, seed: number, ints = false): number[][] => {
  let s = seed >>> 0
  const next = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const d = prim.domain
  const values = spec.inputs.map((x, i) =>
    Array.from({ length: numel(x.shape) }, () => {
      if (x.dtype === "bool") return next() < 0.5 ? 1 : 0
      const [lo, hi] = d.ranges?.[i] ?? [-2, 2]
      if (x.dtype === "i32" || ints) {
        const v = Math.ceil(lo) + Math.floor(next() * (Math.floor(hi) - Math.ceil(lo) + 1))
        return d.awayFromZero !== undefined && v === 0 ? 1 : v
      }
      let v = lo + (hi - lo) * next()
      if (d.awayFromZero !== undefined && Math.abs(v) < d.awayFromZero) v = v < 0 ? -d.awayFromZero - Math.abs(v) : d.awayFromZero + v
      return v
    }),
  )
  return spec.prepare === undefined ? values : spec.prepare(values)
}

/** atol of a device comparison: 1e-5 for elementwise, ×√(terms summed) for primitives that accumulate. */
export const atolOf = (prim: Primitive, spec: Spec): number => {
  const n = Math.max(1, ...spec.inputs.map((x) => numel(x.shape)), numel(spec.out.shape))
  return prim.kind === "elementwise" ||
    (prim.kind === "view" && prim.name !== "broadcastTo") ||
    prim.name === "concat" ||
    prim.name === "argReduce" ||
    prim.name === "argsort"
    ? 1e-5
    : 1e-5 * Math.sqrt(n + 1) * 4
}
