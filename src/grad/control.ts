/**
 * Control flow that stays under transforms: `scan` (fully differentiable: its JVP is a primal scan
 * saving the carries plus a tangent scan; its transpose is a reverse scan), `fori` (a scan over
 * indices) and `whileLoop` (forward mode only: the trip count is data dependent). Each is a
 * higher-order primitive whose closed body jaxpr travels in its params; `impl` evaluates it.
 *
 * @since 0.1.0
 */
import { HostAccessError, ShapeError, TransformError } from "../errors.js"
import { hostConvert, isFloat, numel, type Aval } from "../ops/core/aval.js"
import { bind } from "../ops/core/interpreter.js"
import * as lax from "../ops/core/lax.js"
import { LinearIn, Zero, type Primitive, type Tangent } from "../ops/core/primitive.js"
import { Tensor, type AnyTensor } from "../ops/core/tensor.js"
import { evalJaxpr, type Jaxpr } from "./ir.js"
import { jvpFlat } from "./jvp.js"
import { stageClosed } from "./staging.js"
import { instantiate, transposeJaxpr } from "./transpose.js"
import * as Tree from "./tree.js"
import { checkFunction, checkInt } from "../ops/core/check.js"
import { batchFlat, moveBatchAxis } from "./vmap.js"
import type { ScanLength, Stacked, Unstacked } from "./typing.js"

export interface ScanParams {
  /** (consts..., carry..., x slices...) -> (carry..., y slices...) */
  readonly body: Jaxpr
  readonly numConsts: number
  readonly numCarry: number
  readonly length: number
  readonly reverse: boolean
}
export interface WhileParams {
  /** (condConsts..., carry...) -> bool scalar */
  readonly cond: Jaxpr
  /** (bodyConsts..., carry...) -> carry... */
  readonly body: Jaxpr
  readonly condConsts: number
  readonly bodyConsts: number
}

declare module "../ops/core/primitive.js" {
  interface ControlParams {
    scan: ScanParams
    whileLoop: WhileParams
  }
}

const split = <T>(xs: ReadonlyArray<T>, ...sizes: number[]): T[][] => {
  const out: T[][] = []
  let o = 0
  for (const n of sizes) out.push(xs.slice(o, (o += n)))
  out.push(xs.slice(o))
  return out
}
const avalOf = (v: { readonly aval: Aval }) => v.aval
const sliceAval = (a: Aval): Aval => ({ shape: a.shape.slice(1), dtype: a.dtype })
const stackAval = (a: Aval, n: number): Aval => ({ shape: [n, ...a.shape], dtype: a.dtype })
const devicesOf = (xs: ReadonlyArray<AnyTensor>, n: number) => new Array(n).fill(xs[0]!.device)

/** Element `i` of `x` along axis 0. */
const index = (x: AnyTensor, i: number): AnyTensor =>
  lax.reshape(
    lax.slice(
      x,
      x.shape.map((_: number, d: number) => (d === 0 ? i : 0)),
      x.shape.map(() => 1),
      [1, ...x.shape.slice(1)],
    ),
    x.shape.slice(1),
  )
const stack = (ys: ReadonlyArray<AnyTensor>, a: Aval, like: AnyTensor): AnyTensor =>
  ys.length === 0
    ? lax.zerosLike(stackAval(a, 0), like)
    : lax.concat(
        ys.map((y) => lax.reshape(y, [1, ...y.shape])),
        0,
      )

// ------------------------------------------------------------------ scan

export const scanP: Primitive<"scan"> = {
  name: "scan",
  kind: "other",
  abstractEval: (_avals, { body, numCarry, length }) => body.outs.map((v, i) => (i < numCarry ? v.aval : stackAval(v.aval, length))),
  impl: (args, { body, numConsts, numCarry, length, reverse }) => {
    const [consts, init, xs] = split(args, numConsts, numCarry) as [AnyTensor[], AnyTensor[], AnyTensor[]]
    let carry = init
    const ys: AnyTensor[][] = body.outs.slice(numCarry).map(() => new Array<AnyTensor>(length))
    for (let k = 0; k < length; k++) {
      const i = reverse ? length - 1 - k : k
      const outs = evalJaxpr(body, [...consts, ...carry, ...xs.map((x) => index(x, i))])
      carry = outs.slice(0, numCarry)
      outs.slice(numCarry).forEach((y, j) => (ys[j]![i] = y))
    }
    const like = args[0]!
    return [...carry, ...ys.map((y, j) => stack(y, body.outs[numCarry + j]!.aval, like))]
  },
  // primal scan that also stacks the carry entering each step, then a scan of the tangents
  jvp: (primals, tangents, params) => {
    const { body, numConsts: nC, numCarry: nK, length, reverse } = params
    const [pc, pk, px] = split(primals, nC, nK) as [AnyTensor[], AnyTensor[], AnyTensor[]]
    const [tc, tk, tx] = split(tangents, nC, nK) as [Tangent[], Tangent[], Tangent[]]
    const inAvals = body.inVars.map(avalOf)
    const dev = devicesOf(primals, inAvals.length)
    const [body2, c2] = stageClosed(
      "scan",
      (ins) => {
        const outs = evalJaxpr(body, ins)
        return [...outs.slice(0, nK), ...ins.slice(nC, nC + nK), ...outs.slice(nK)]
      },
      inAvals,
      dev,
    )
    const res = bind(scanP, [...c2, ...primals], { ...params, body: body2, numConsts: c2.length + nC })
    const [carryF, cs, ys] = split(res, nK, nK) as [AnyTensor[], AnyTensor[], AnyTensor[]]
    const cNZ = tc.flatMap((t, i) => (t instanceof Zero ? [] : [i]))
    const kF = pk.flatMap((p, i) => (isFloat(p.dtype) ? [i] : []))
    const xNZ = tx.flatMap((t, i) => (t instanceof Zero ? [] : [i]))
    const yF = body.outs.slice(nK).flatMap((v, i) => (isFloat(v.aval.dtype) ? [i] : []))
    const tAvals = [
      ...pc.map(avalOf),
      ...cNZ.map((i) => pc[i]!.aval),
      ...kF.map((i) => pk[i]!.aval),
      ...pk.map(avalOf),
      ...px.map((x) => sliceAval(x.aval)),
      ...xNZ.map((i) => sliceAval(px[i]!.aval)),
    ]
    const [tbody, tconsts] = stageClosed(
      "scan",
      (ins) => {
        const [c, dc, dk, k, x, dx] = split(ins, nC, cNZ.length, kF.length, nK, px.length) as AnyTensor[][]
        const tIn: Tangent[] = [
          ...pc.map((p, i) => (cNZ.includes(i) ? dc![cNZ.indexOf(i)]! : new Zero(p.aval))),
          ...pk.map((p, i) => (kF.includes(i) ? dk![kF.indexOf(i)]! : new Zero(p.aval))),
          ...px.map((p, i) => (xNZ.includes(i) ? dx![xNZ.indexOf(i)]! : new Zero(sliceAval(p.aval)))),
        ]
        const [outs, touts] = jvpFlat("scan", (xs) => evalJaxpr(body, xs), [...c!, ...k!, ...x!], tIn)
        return [...kF.map((i) => instantiate(touts[i]!, outs[i]!)), ...yF.map((i) => instantiate(touts[nK + i]!, outs[nK + i]!))]
      },
      tAvals,
      devicesOf(primals, tAvals.length),
    )
    const tres = bind(
      scanP,
      [
        ...tconsts,
        ...pc,
        ...cNZ.map((i) => tc[i] as AnyTensor),
        ...kF.map((i) => instantiate(tk[i]!, pk[i]!)),
        ...cs,
        ...px,
        ...xNZ.map((i) => tx[i] as AnyTensor),
      ],
      {
        body: tbody,
        numConsts: tconsts.length + nC + cNZ.length,
        numCarry: kF.length,
        length,
        reverse,
      },
    )
    const tCarry: Tangent[] = carryF.map((c, i) => (kF.includes(i) ? tres[kF.indexOf(i)]! : new Zero(c.aval)))
    const tYs: Tangent[] = ys.map((y, i) => (yF.includes(i) ? tres[kF.length + yF.indexOf(i)]! : new Zero(y.aval)))
    return [
      [...carryF, ...ys],
      [...tCarry, ...tYs],
    ]
  },
  // reverse scan: carry = (accumulated const cotangents, carry cotangent), xs = (known xs, y cotangents)
  transpose: (cts, args, params) => {
    const { body, numConsts: nC, numCarry: nK, length, reverse } = params
    const [c, k, x] = split(args, nC, nK) as [Array<AnyTensor | LinearIn>, Array<AnyTensor | LinearIn>, Array<AnyTensor | LinearIn>]
    // the carries of a linear scan are tangents: linear even when one enters as a known (zero) value
    const isLin = (a: AnyTensor | LinearIn): a is LinearIn => a instanceof LinearIn
    const kc = c!.filter((a) => !isLin(a)) as AnyTensor[],
      lc = c!.filter(isLin)
    const kx = x!.filter((a) => !isLin(a)) as AnyTensor[]
    const like = kc[0] ?? kx[0] ?? (cts.find((t) => !(t instanceof Zero)) as AnyTensor | undefined)
    if (like === undefined) return args.map((a) => (isLin(a) ? new Zero(a.aval) : null))
    const ctK = cts.slice(0, nK).map((t) => instantiate(t, like))
    const ctY = cts.slice(nK).map((t) => instantiate(t, like))
    const linear = args.map((a, i) => isLin(a) || (i >= nC && i < nC + nK))
    const tAvals = [
      ...kc.map(avalOf),
      ...lc.map(avalOf),
      ...k.map(avalOf),
      ...kx.map((a) => sliceAval(a.aval)),
      ...ctY.map((a) => sliceAval(a.aval)),
    ]
    const [tb, tcs] = stageClosed(
      "scan",
      (ins) => {
        const [ikc, acc, ck, ikx, cy] = split(ins, kc.length, lc.length, nK, kx.length) as AnyTensor[][]
        let a = 0,
          b = 0
        const known = [
          ...c!.map((v) => (isLin(v) ? null : ikc![a++]!)),
          ...k.map(() => null),
          ...x!.map((v) => (isLin(v) ? null : ikx![b++]!)),
        ]
        const inCts = transposeJaxpr(body, linear, known, [...ck!, ...cy!])
        const [ctc, ctk, ctx] = split(inCts, nC, nK) as Tangent[][]
        const lcCts = ctc!.filter((_, i) => linear[i])
        return [
          ...acc!.map((s, i) => lax.add(s, instantiate(lcCts[i]!, s))),
          ...ctk!.map((t, i) => instantiate(t, ck![i]!)),
          ...ctx!.filter((_, i) => linear[nC + nK + i]).map((t) => instantiate(t, like)),
        ]
      },
      tAvals,
      new Array(tAvals.length).fill(like.device),
    )
    const res = bind(scanP, [...tcs, ...kc, ...lc.map((l) => lax.zerosLike(l.aval, like)), ...ctK, ...kx, ...ctY], {
      body: tb,
      numConsts: tcs.length + kc.length,
      numCarry: lc.length + nK,
      length,
      reverse: !reverse,
    })
    const [rc, rk, rx] = split(res, lc.length, nK) as AnyTensor[][]
    let i = 0,
      j = 0
    return [
      ...c!.map((a) => (isLin(a) ? rc![i++]! : null)),
      ...rk!.map((r, m) => (isLin(k[m]!) ? r : null)),
      ...x!.map((a) => (isLin(a) ? rx![j++]! : null)),
    ]
  },
  // batch every carry at axis 0; batched xs carry their batch axis at 1 (axis 0 is scanned)
  batch: (args, dims, params) => {
    const { body, numConsts: nC, numCarry: nK } = params
    const B = args[dims.findIndex((d) => d !== null)]!.shape[dims.find((d) => d !== null)!]!
    const ops = args.map((a, i) => {
      const d = dims[i] ?? null
      if (i >= nC && i < nC + nK) return moveBatchAxis(a, d, 0, B)
      return d === null ? a : lax.moveAxis(a, d, i < nC ? 0 : 1)
    })
    const inner = args.map((_, i) => (i >= nC && i < nC + nK ? 0 : dims[i] === null ? null : 0))
    const avals = ops.map((o, i) => (i < nC + nK ? o.aval : sliceAval(o.aval)))
    const [bb, bcs] = stageClosed(
      "vmap",
      (ins) => batchFlat("vmap", (xs) => evalJaxpr(body, xs), ins, inner, B).map(([v, d]) => moveBatchAxis(v, d, 0, B)),
      avals,
      devicesOf(args, avals.length),
    )
    const outs = bind(scanP, [...bcs, ...ops], { ...params, body: bb, numConsts: bcs.length + nC })
    return [outs, outs.map((_, i) => (i < nK ? 0 : 1))]
  },
  domain: { kind: "custom" },
}

// ------------------------------------------------------------------ whileLoop

const readBool = (p: AnyTensor): boolean => {
  const read = p.device.backend.readSync
  if (read === undefined)
    throw new HostAccessError({
      op: "whileLoop",
      device: p.device.name,
      message: `whileLoop/cond: the predicate lives on ${p.device.name}, which cannot be read synchronously; use scan or fori with a static trip count`,
    })
  return read(p._impl as never, p.aval)[0] !== 0
}

export const whileP: Primitive<"whileLoop"> = {
  name: "whileLoop",
  kind: "other",
  abstractEval: (_a, { body }) => body.outs.map(avalOf),
  impl: (args, { cond, body, condConsts, bodyConsts }) => {
    const [cc, bc, init] = split(args, condConsts, bodyConsts) as AnyTensor[][]
    let carry = init!
    while (readBool(evalJaxpr(cond, [...cc!, ...carry])[0]!)) carry = evalJaxpr(body, [...bc!, ...carry])
    return carry
  },
  // forward mode: carry (primal, tangent) pairs through the loop; the predicate sees primals only
  jvp: (primals, tangents, params) => {
    const { cond, body, condConsts: nA, bodyConsts: nB } = params
    const [cc, bc, k] = split(primals, nA, nB) as AnyTensor[][]
    const [, tb, tk] = split(tangents, nA, nB) as Tangent[][]
    const bNZ = tb!.flatMap((t, i) => (t instanceof Zero ? [] : [i]))
    const kF = k!.flatMap((p, i) => (isFloat(p.dtype) ? [i] : []))
    const kAvals = k!.map(avalOf),
      dAvals = kF.map((i) => k![i]!.aval)
    const [cond2, c2] = stageClosed(
      "whileLoop",
      (ins) => evalJaxpr(cond, ins.slice(0, nA + k!.length)),
      [...cc!.map(avalOf), ...kAvals, ...dAvals],
      devicesOf(primals, nA + k!.length + kF.length),
    )
    const [body2, b2] = stageClosed(
      "whileLoop",
      (ins) => {
        const [b, db, kk, dk] = split(ins, nB, bNZ.length, k!.length) as AnyTensor[][]
        const tIn: Tangent[] = [
          ...bc!.map((p, i) => (bNZ.includes(i) ? db![bNZ.indexOf(i)]! : new Zero(p.aval))),
          ...k!.map((p, i) => (kF.includes(i) ? dk![kF.indexOf(i)]! : new Zero(p.aval))),
        ]
        const [outs, touts] = jvpFlat("whileLoop", (xs) => evalJaxpr(body, xs), [...b!, ...kk!], tIn)
        return [...outs, ...kF.map((i) => instantiate(touts[i]!, outs[i]!))]
      },
      [...bc!.map(avalOf), ...bNZ.map((i) => bc![i]!.aval), ...kAvals, ...dAvals],
      devicesOf(primals, nB + bNZ.length + k!.length + kF.length),
    )
    const res = bind(
      whileP,
      [...c2, ...cc!, ...b2, ...bc!, ...bNZ.map((i) => tb![i] as AnyTensor), ...k!, ...kF.map((i) => instantiate(tk![i]!, k![i]!))],
      {
        cond: cond2,
        body: body2,
        condConsts: c2.length + nA,
        bodyConsts: b2.length + nB + bNZ.length,
      },
    )
    const outs = res.slice(0, k!.length)
    return [outs, outs.map((o, i) => (kF.includes(i) ? res[k!.length + kF.indexOf(i)]! : new Zero(o.aval)))]
  },
  transpose: () => {
    throw new TransformError({
      transform: "vjp",
      message:
        "whileLoop: reverse-mode differentiation (grad, vjp, jacrev) of a whileLoop is not supported: its trip count is only known at run time. Use scan or fori with static bounds, or forward mode (jvp, jacfwd)",
    })
  },
  // a batched predicate: loop while any lane is running; finished lanes are frozen with where()
  batch: (args, dims, { cond, body, condConsts: nA, bodyConsts: nB }) => {
    const bi = dims.findIndex((d) => d !== null && d !== undefined)
    const B = args[bi]!.shape[dims[bi]!]!
    const nK = args.length - nA - nB
    const ops = args.map((a, i) => {
      const d = dims[i] ?? null
      if (i >= nA + nB) return moveBatchAxis(a, d, 0, B) // every carry is batched at 0
      return d === null ? a : lax.moveAxis(a, d, 0)
    })
    const inner = args.map((_, i) => (i >= nA + nB ? 0 : (dims[i] ?? null) === null ? null : 0))
    const [cc, bc, k] = split(ops, nA, nB) as AnyTensor[][]
    const cDims = inner.slice(0, nA),
      bDims = inner.slice(nA, nA + nB),
      kDims = inner.slice(nA + nB)
    /** The per-lane predicate, a bool [B]. */
    const lanes = (ci: AnyTensor[], ki: AnyTensor[]) => {
      const [[p, d]] = batchFlat("vmap", (xs) => evalJaxpr(cond, xs), [...ci, ...ki], [...cDims, ...kDims], B) as [
        readonly [AnyTensor, number | null],
      ]
      return moveBatchAxis(p, d, 0, B)
    }
    const kAvals = k!.map(avalOf)
    const [cond2, c2] = stageClosed(
      "vmap",
      (ins) => {
        const p = lanes(ins.slice(0, nA), ins.slice(nA))
        return [lax.compare(lax.reduceMax(lax.cast(p, "f32"), [0]), 0, "gt")]
      },
      [...cc!.map(avalOf), ...kAvals],
      devicesOf(args, nA + nK),
    )
    const [body2, b2] = stageClosed(
      "vmap",
      (ins) => {
        const [ci, bi2, ki] = split(ins, nA, nB) as AnyTensor[][]
        const p = lanes(ci!, ki!)
        const next = batchFlat("vmap", (xs) => evalJaxpr(body, xs), [...bi2!, ...ki!], [...bDims, ...kDims], B).map(([v, d]) =>
          moveBatchAxis(v, d, 0, B),
        )
        return next.map((n, i) => lax.where(lax.reshape(p, [B, ...new Array<number>(n.shape.length - 1).fill(1)]), n, ki![i]!))
      },
      [...cc!.map(avalOf), ...bc!.map(avalOf), ...kAvals],
      devicesOf(args, nA + nB + nK),
    )
    const outs = bind(whileP, [...c2, ...cc!, ...b2, ...cc!, ...bc!, ...k!], {
      cond: cond2,
      body: body2,
      condConsts: c2.length + nA,
      bodyConsts: b2.length + nA + nB,
    })
    return [outs, outs.map(() => 0)]
  },
  domain: { kind: "custom" },
}

// ------------------------------------------------------------------ public API

/**
 * Loop `f(carry, x) -> [carry, y]` over the leading axis of `xs`, returning the final carry and
 * the stacked `y`s. Differentiable in every mode and batchable; the body is staged once.
 *
 * @example
 * import * as tg from "typegrad"
 * // cumulative sum
 * const [total, partial] = tg.scan((c, x) => [c.add(x), c.add(x)], tg.scalar(0), tg.tensor([1, 2, 3]))
 * @since 0.1.0
 * @category control flow
 */
export const scan = <C, XS, Y, const L extends number | undefined = undefined>(
  f: (carry: C, x: Unstacked<XS>) => readonly [C, Y],
  init: C,
  xs: XS,
  options: { readonly length?: L; readonly reverse?: boolean } = {},
): [C, Stacked<Y, ScanLength<XS, L>>] => {
  checkFunction(f, "scan", "f", "a function (carry, x) => [carry, y]")
  const [initL, cDef] = Tree.flatten(init)
  const [xsL, xDef] = Tree.flatten(xs)
  const length = options.length ?? xsL[0]?.shape[0]
  if (length === undefined) throw ShapeError.of("scan", "give xs with a leading axis or options.length")
  xsL.forEach((x) => {
    if (x.shape[0] !== length) throw ShapeError.of("scan", `every xs leaf needs leading axis ${length}`, ...xsL.map((l) => l.shape))
  })
  let yDef: Tree.TreeDef | undefined
  const avals = [...initL.map(avalOf), ...xsL.map((x) => sliceAval(x.aval))]
  const [body, consts] = stageClosed(
    "scan",
    (ins) => {
      const [c2, y] = f(Tree.unflatten<C>(cDef, ins.slice(0, initL.length)), Tree.unflatten<Unstacked<XS>>(xDef, ins.slice(initL.length)))
      const [cl, d] = Tree.flatten(c2)
      if (!Tree.structureEquals(d, cDef) || cl.some((c, i) => c.dtype !== initL[i]!.dtype || c.shape.join() !== initL[i]!.shape.join()))
        throw ShapeError.of(
          "scan",
          `the body must return a carry shaped like init: ${Tree.show(cDef)} of ${initL.map((l) => `${l.dtype}[${l.shape.join(",")}]`).join(", ")}, got ${cl.map((l) => `${l.dtype}[${l.shape.join(",")}]`).join(", ")}`,
        )
      const [yl, yd] = Tree.flatten(y)
      yDef = yd
      return [...cl, ...yl]
    },
    avals,
    devicesOf([...initL, ...xsL], avals.length),
  )
  const outs = bind(scanP, [...consts, ...initL, ...xsL], {
    body,
    numConsts: consts.length,
    numCarry: initL.length,
    length,
    reverse: options.reverse ?? false,
  })
  return [
    Tree.unflatten<C>(cDef, outs.slice(0, initL.length)),
    Tree.unflatten<Stacked<Y, ScanLength<XS, L>>>(yDef!, outs.slice(initL.length)),
  ]
}

/**
 * `for (i = lo; i < hi; i++) carry = body(i, carry)` with static bounds, as a scan over the
 * indices (an i32 scalar `i`): differentiable in every mode.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.fori(0, 10, (_i, x) => x.mul(0.5), tg.scalar(1)) // 1/1024
 * @since 0.1.0
 * @category control flow
 */
export const fori = <C>(lo: number, hi: number, body: (i: Tensor<[], "i32">, carry: C) => C, init: C): C => {
  // NOTE: fractional bounds would run ⌈hi − lo⌉ times with fractional i truncated into i32
  checkInt(lo, "fori", "lo")
  checkInt(hi, "fori", "hi")
  checkFunction(body, "fori", "body", "a function (i, carry) => carry")
  const n = Math.max(0, hi - lo)
  const like = Tree.leaves(init)[0]
  if (like === undefined) throw ShapeError.of("fori", "the carry must hold at least one tensor")
  const idx = new Tensor(
    { shape: [n], dtype: "i32" },
    like.device,
    like.device.backend.upload(
      hostConvert(
        Array.from({ length: n }, (_, i) => lo + i),
        "i32",
      ),
      { shape: [n], dtype: "i32" },
    ),
  )
  return scan((c: C, i: AnyTensor) => [body(i, c), [] as AnyTensor[]] as const, init, idx)[0]
}

/**
 * `while (cond(carry)) carry = body(carry)`. Forward-mode differentiable (jvp, jacfwd); reverse
 * mode needs a static trip count (use `scan`/`fori`) and says so. Under `vmap` the predicate is
 * per example: the loop runs until every lane is done, and a finished lane's carry is frozen
 * (selected with `where`), so each example gets exactly its own trip count.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.whileLoop((x) => x.lt(100), (x) => x.mul(2), tg.scalar(1)) // 128
 * @since 0.1.0
 * @category control flow
 */
export const whileLoop = <C>(cond: (carry: C) => AnyTensor, body: (carry: C) => C, init: C): C => {
  checkFunction(cond, "whileLoop", "cond", "a function carry => bool scalar")
  checkFunction(body, "whileLoop", "body", "a function carry => carry")
  const [initL, cDef] = Tree.flatten(init)
  const avals = initL.map(avalOf)
  const devs = devicesOf(initL, initL.length)
  const [condJ, cc] = stageClosed(
    "whileLoop",
    (ins) => {
      const p = cond(Tree.unflatten<C>(cDef, ins))
      if (p.dtype !== "bool" || numel(p.shape) !== 1)
        throw ShapeError.of("whileLoop", `cond must return a bool scalar, got ${p.dtype}[${p.shape.join(", ")}]`, p.shape)
      return [lax.reshape(p, [])]
    },
    avals,
    devs,
  )
  const [bodyJ, bc] = stageClosed(
    "whileLoop",
    (ins) => {
      const [out, d] = Tree.flatten(body(Tree.unflatten<C>(cDef, ins)))
      if (!Tree.structureEquals(d, cDef) || out.some((c, i) => c.dtype !== initL[i]!.dtype || c.shape.join() !== initL[i]!.shape.join()))
        throw ShapeError.of("whileLoop", "the body must return a carry shaped like init")
      return out
    },
    avals,
    devs,
  )
  const outs = bind(whileP, [...cc, ...bc, ...initL], { cond: condJ, body: bodyJ, condConsts: cc.length, bodyConsts: bc.length })
  return Tree.unflatten<C>(cDef, outs)
}
