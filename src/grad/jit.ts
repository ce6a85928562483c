/**
 * `jit(f)`: stage `f` once per input signature (tree structure, shapes, dtypes, device), compile
 * the jaxpr with the device's backend (`Backend.compile`: fused loops on CPU, generated kernels
 * on WebGPU) and replay it on later calls. Under another transform (`grad(jit(f))`) the function
 * is simply inlined, so jit composes with everything. Static arguments (`staticArgnums`,
 * `staticArgnames`) are part of the cache key by value: one trace per distinct static value.
 *
 * @since 0.1.0
 */
import type { Aval } from "../ops/core/aval.js"
import { registerSlots, type CompiledProgram, type Device, type Program, type Storage } from "../ops/core/backend.js"
import type { ParamsOf, PrimitiveName } from "../ops/core/primitive.js"
import { currentInterpreter, evalInterpreter } from "../ops/core/interpreter.js"
import { Tensor, Tracer, type AnyTensor } from "../ops/core/tensor.js"
import { dce, type Jaxpr } from "./ir.js"
import { stageFlat } from "./staging.js"
import * as Tree from "./tree.js"
import { InvalidArgument, TransformError } from "../errors.js"
import { checkOptions, invalidArgument } from "../ops/core/check.js"

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

/**
 * The most arguments `f` can use: its parameter count, or unbounded for a rest parameter, a use of
 * `arguments`, or a function whose source the runtime does not show (native, bound).
 */
const maxArity = (f: (...args: never[]) => unknown): number => {
  const src = Function.prototype.toString.call(f)
  if (src.includes("[native code]") || /\barguments\b/.test(src)) return Infinity
  const open = src.indexOf("(")
  const arrow = src.indexOf("=>")
  // `x => …`: one parameter, no parentheses
  if (arrow !== -1 && (open === -1 || arrow < open)) return 1
  if (open === -1) return Infinity
  let depth = 0,
    params = 0,
    any = false,
    quote = ""
  for (let i = open + 1; i < src.length; i++) {
    const c = src[i]!
    if (quote !== "") {
      if (c === "\\") i++
      else if (c === quote) quote = ""
      continue
    }
    if (c === '"' || c === "'" || c === "`") quote = c
    else if (c === "(" || c === "[" || c === "{") depth++
    else if (c === ")" || c === "]" || c === "}") {
      if (depth === 0) break
      depth--
    } else if (depth === 0 && c === ",") {
      params++
      any = false
      continue
    } else if (depth === 0 && c === "." && src.startsWith("...", i)) return Infinity
    if (!/\s/.test(c)) any = true
  }
  // a trailing comma adds no parameter
  return any ? params + 1 : params
}

/**
 * Stage `f` on the given example arguments and return its jaxpr (for inspection or for backends).
 *
 * @example
 * import * as tg from "typegrad"
 * const { jaxpr } = tg.makeJaxpr((x: tg.Tensor<[3]>) => x.mul(x).sin())(tg.zeros([3]))
 * console.log(tg.showJaxpr(jaxpr))
 * @since 0.1.0
 * @category transforms
 */
export const makeJaxpr =
  <A extends ReadonlyArray<unknown>, R>(f: (...args: A) => R) =>
  (...args: A): { readonly jaxpr: Jaxpr; readonly outDef: Tree.TreeDef } => {
    const [leaves, def] = Tree.flatten(args)
    let outDef: Tree.TreeDef | undefined
    // dead code goes: e.g. jit(grad(f)) stages the primal of f, which no output needs
    const jaxpr = dce(
      stageFlat(
        "jit",
        (xs) => {
          const [outs, d] = Tree.flatten(f(...Tree.unflatten<A>(def, xs)))
          outDef = d
          return outs
        },
        leaves.map((l) => l.aval),
        leaves.map((l) => l.device),
      ),
    )
    return { jaxpr, outDef: outDef! }
  }

/** Replay a jaxpr one backend `run` per equation, with shape rules and tensors skipped. */
const replay = (j: Jaxpr, device: Device): CompiledProgram => {
  const { slot } = registerSlots(j)
  const steps = j.eqns.map((e) => ({
    e,
    ins: e.inputs.map(slot),
    outs: e.outs.map(slot),
    inAvals: e.inputs.map((v) => v.aval),
    outAvals: e.outs.map((v) => v.aval),
  }))
  const consts = j.consts.map((c) => c._impl as Storage)
  const outSlots = j.outs.map(slot)
  return {
    run: (inputs) => {
      const R: Storage[] = [...consts, ...inputs]
      for (const { e, ins, outs, inAvals, outAvals } of steps) {
        const xs = ins.map((s) => R[s]!)
        const ys =
          e.prim.impl !== undefined
            ? e.prim
                .impl(
                  xs.map((x, k) => new Tensor(inAvals[k]!, device, x)),
                  e.params,
                )
                .map((y) => y._impl as Storage)
            : device.backend.run(e.prim.name as PrimitiveName, xs, inAvals, e.params as ParamsOf<PrimitiveName>, outAvals)
        outs.forEach((s, k) => (R[s] = ys[k]!))
      }
      return outSlots.map((s) => R[s]!)
    },
  }
}

interface Entry {
  readonly program: CompiledProgram
  readonly outAvals: ReadonlyArray<Aval>
  readonly outDef: Tree.TreeDef
  readonly device: Device
  readonly jaxpr: Jaxpr
}

/**
 * Options of `jit`. `N` is the type of the valid `staticArgnums` (`jit` computes it from the
 * function: `ArgIndex<Parameters<F>>`).
 *
 * @example
 * import * as tg from "typegrad"
 * const opts: tg.JitOptions = { compile: false, cacheSize: 8 } // replay op by op; keep 8 signatures
 * const quiet: tg.JitOptions = { warnAfterTraces: 100, onWarning: (m) => console.info(m) }
 * tg.jit((x: tg.Tensor<[2]>) => x.exp(), opts)(tg.tensor([0, 1]))
 * @since 0.1.0
 * @category transforms
 */
export interface JitOptions<N extends number = never> {
  /** use the backend's compiler (default true); false replays the jaxpr op by op */
  readonly compile?: boolean
  /**
   * most input signatures kept compiled (default 64); past it the least recently used is dropped
   * and stages again if it comes back
   */
  readonly cacheSize?: number
  /**
   * warn once when the function has been staged this many times (default 16; `Infinity` never):
   * each new shape, dtype, device or tree structure stages and compiles it again
   */
  readonly warnAfterTraces?: number
  /** where the warning goes (default `console.warn`) */
  readonly onWarning?: (message: string) => void
  /**
   * positions of arguments that are not tensors (numbers, strings, booleans, arrays and plain
   * records of those): passed to `f` as they are, and `f` is traced again for each distinct value
   */
  readonly staticArgnums?: ReadonlyArray<N>
  /**
   * names of fields that are static wherever they appear in a plain-record argument (an options
   * record is JavaScript's keyword arguments): `jit(f, { staticArgnames: ["axis"] })(x, { axis: 1 })`
   */
  readonly staticArgnames?: ReadonlyArray<string>
}

/**
 * The valid `staticArgnums` of a parameter list: its positions (any number for a rest list).
 *
 * @example
 * import type * as tg from "typegrad"
 * const n: tg.ArgIndex<[tg.Tensor<[2]>, number]> = 1 // 0 | 1
 * @since 0.1.0
 * @category transforms
 */
export type ArgIndex<P extends ReadonlyArray<unknown>> = number extends P["length"]
  ? number
  : { [K in keyof P]: K extends `${infer n extends number}` ? n : never }[number]

/** A canonical text of a static value; two values give the same text exactly when they are equal by value. */
const hashStatic = (v: unknown, where: string): string => {
  if (v === undefined) return "u"
  if (v === null) return "n"
  if (typeof v === "number") return Object.is(v, -0) ? "d:-0" : `d:${v}`
  if (typeof v === "boolean") return v ? "T" : "F"
  if (typeof v === "string") return `s:${JSON.stringify(v)}`
  if (Array.isArray(v)) return `[${v.map((x, i) => hashStatic(x, `${where}[${i}]`)).join(",")}]`
  if (typeof v === "object" && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const r = v as Record<string, unknown>
    return `{${Object.keys(r)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${hashStatic(r[k], `${where}.${k}`)}`)
      .join(",")}}`
  }
  const what =
    v instanceof Tensor ? "a tensor" : typeof v === "object" ? `a ${(v as object).constructor?.name ?? "object"}` : `a ${typeof v}`
  throw new TransformError({
    transform: "jit",
    message: `jit: static argument ${where} is ${what}; static values must be numbers, strings, booleans, null/undefined, or arrays and plain records of those`,
  })
}

const isPlainRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" &&
  x !== null &&
  !Array.isArray(x) &&
  (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null)

interface Split {
  /** the arguments with static parts taken out (what is traced) */
  readonly dynamic: ReadonlyArray<unknown>
  /** the static parts' canonical text (part of the cache key) */
  readonly key: string
  /** put the static parts back into (traced) dynamic arguments */
  readonly merge: (dynamic: ReadonlyArray<unknown>) => unknown[]
}

/** Separate the static arguments (by position, and record fields by name) from the traced ones. */
const splitStatic = (args: ReadonlyArray<unknown>, nums: ReadonlySet<number>, names: ReadonlySet<string>): Split => {
  args.forEach((a, i) => {
    if (!nums.has(i) && (typeof a === "number" || typeof a === "string" || typeof a === "boolean"))
      throw new TransformError({
        transform: "jit",
        message: `jit: argument ${i} is a ${typeof a}, not a tree of tensors; declare it static (staticArgnums: [${i}]) or close over it`,
      })
  })
  if (nums.size === 0 && names.size === 0) return { dynamic: args, key: "", merge: (d) => [...d] }
  const parts: string[] = []
  const fields = new Map<number, Record<string, unknown>>()
  const dynamic = args.map((a, i) => {
    if (nums.has(i)) {
      parts.push(`${i}=${hashStatic(a, `${i}`)}`)
      return [] // an empty subtree: no leaves, restored by merge
    }
    if (names.size > 0 && isPlainRecord(a) && Object.keys(a).some((k) => names.has(k))) {
      const stat: Record<string, unknown> = {},
        dyn: Record<string, unknown> = {}
      for (const k of Object.keys(a)) (names.has(k) ? stat : dyn)[k] = a[k]
      parts.push(`${i}.${hashStatic(stat, `${i}`)}`)
      fields.set(i, stat)
      return dyn
    }
    return a
  })
  return {
    dynamic,
    key: parts.join(";"),
    merge: (d) => d.map((a, i) => (nums.has(i) ? args[i] : fields.has(i) ? { ...(a as object), ...fields.get(i) } : a)),
  }
}

/**
 * The methods a jitted function adds to `f`'s own call signature(s).
 *
 * @example
 * import * as tg from "typegrad"
 * const f: tg.JitMethods<[tg.Tensor<[2]>]> = tg.jit((x: tg.Tensor<[2]>) => x.exp())
 * console.log(tg.showJaxpr(f.lower(tg.zeros([2]))), f.cacheSize())
 * @since 0.1.0
 * @category transforms
 */
export interface JitMethods<A extends ReadonlyArray<unknown>> {
  /** the jaxpr `f` stages to for these arguments (cached like a call) */
  readonly lower: (...args: A) => Jaxpr
  /** number of input signatures compiled and cached now (at most `JitOptions.cacheSize`) */
  readonly cacheSize: () => number
}

/**
 * A jitted function; `lower` exposes the staged program for the given arguments.
 *
 * @example
 * import * as tg from "typegrad"
 * const f: tg.Jitted<[tg.Tensor<[2]>], tg.Tensor<[2]>> = tg.jit((x: tg.Tensor<[2]>) => x.exp())
 * f(tg.tensor([0, 1])) // [1, e]
 * @since 0.1.0
 * @category transforms
 */
export type Jitted<A extends ReadonlyArray<unknown>, R> = ((...args: A) => R) & JitMethods<A>

/**
 * Stage `f` once per input signature and replay the compiled program on later calls. Arguments
 * are trees of tensors; other arguments (sizes, modes, options) are declared static with
 * `staticArgnums` (by position) or `staticArgnames` (fields of record arguments), and `f` is traced
 * once per distinct static value — or they are closed over.
 *
 * @example
 * import * as tg from "typegrad"
 * const f = tg.jit((x: tg.Tensor<[3]>) => x.mul(x).add(1).exp())
 * f(tg.tensor([1, 2, 3])) // staged and compiled on the first call, replayed afterwards
 * const pow = tg.jit((x: tg.Tensor<[3], "f32", "cpu">, n: number) => x.pow(n), { staticArgnums: [1] })
 * pow(tg.tensor([1, 2, 3]), 2).toArraySync() // [1, 4, 9]; pow(x, 3) traces again
 * @since 0.1.0
 * @category transforms
 */
export function jit<F extends (...args: never) => unknown>(
  f: F,
  options?: JitOptions<ArgIndex<Parameters<F>>>,
): F & JitMethods<Parameters<F>>
export function jit<A extends ReadonlyArray<unknown>, R>(f: (...args: A) => R, options: JitOptions<number> = {}): Jitted<A, R> {
  if (typeof f !== "function") throw invalidArgument("jit", "f", f, "a function")
  checkOptions(options, "jit", ["compile", "cacheSize", "warnAfterTraces", "onWarning", "staticArgnums", "staticArgnames"])
  const most = maxArity(f)
  const checkCount = (args: A): void => {
    if (args.length > most)
      throw new InvalidArgument({
        op: "jit",
        argument: "arguments",
        expected: plural(most, "argument"),
        message: `jit: the function takes ${plural(most, "parameter")} but was called with ${plural(args.length, "argument")}; the extra ones would be ignored`,
      })
  }
  const stage = (split: Split, count: number) => {
    const run = () => makeJaxpr((...d: unknown[]) => f(...(split.merge(d) as unknown as A)))(...split.dynamic)
    if (count >= f.length) return run()
    // NOTE: a TypeScript optional parameter is a plain one at run time, so fewer arguments than
    // `f.length` may be fine: only a failure to stage is blamed on the missing arguments
    try {
      return run()
    } catch (e) {
      throw new InvalidArgument({
        op: "jit",
        argument: "arguments",
        expected: plural(f.length, "argument"),
        message: `jit: the function declares ${plural(f.length, "parameter")} but was called with ${plural(count, "argument")}, and tracing it failed: ${e instanceof Error ? e.message : String(e)}`,
      })
    }
  }
  // a Map iterates in insertion order: re-inserting on each hit keeps the least recently used first
  const cache = new Map<string, Entry>()
  const maxEntries = options.cacheSize ?? 64
  if (!(maxEntries >= 1)) throw new TransformError({ transform: "jit", message: `jit: cacheSize must be at least 1, got ${maxEntries}` })
  const nums = new Set(options.staticArgnums ?? [])
  const names = new Set(options.staticArgnames ?? [])
  for (const n of nums)
    if (!Number.isInteger(n) || n < 0)
      throw new TransformError({ transform: "jit", message: `jit: staticArgnums must be non-negative integers, got ${n}` })
  const warnAt = options.warnAfterTraces ?? 16
  let traces = 0
  const recent: string[] = []
  const traced = (key: string): void => {
    traces++
    recent.push(key)
    if (recent.length > 3) recent.shift()
    if (traces !== warnAt) return
    const name = f.name === "" ? "an anonymous function" : f.name
    ;(options.onWarning ?? console.warn)(
      `jit: ${name} has been staged and compiled ${traces} times, once per new input signature (shapes, dtypes, devices, tree structure, static values); ` +
        `the last ones were ${recent.join("; ")}. Give it inputs of fixed shapes (pad or bucket them), or call it without jit`,
    )
  }
  const entry = (split: Split, leaves: ReadonlyArray<AnyTensor>, def: Tree.TreeDef, count: number): Entry => {
    let key = `${Tree.show(def)}#${split.key}`
    for (const l of leaves) key += `|${l.dtype}[${l.shape.join(",")}]@${l.device.name}`
    let e = cache.get(key)
    if (e !== undefined) {
      cache.delete(key)
      cache.set(key, e)
    } else {
      const { jaxpr, outDef } = stage(split, count)
      const all = [...leaves, ...jaxpr.consts]
      const device = all[0]?.device
      if (device === undefined || all.some((t) => t.device !== device))
        throw new TransformError({ transform: "jit", message: "jit: the function has no tensor inputs or constants on one device" })
      // a value no tensor of this device can hold fails now, typed, before anything is compiled or run
      const checkAlloc = device.backend.checkAlloc
      if (checkAlloc !== undefined)
        for (const q of jaxpr.eqns) for (const v of q.outs) checkAlloc.call(device.backend, v.aval, `${q.prim.name} (in jit)`)
      // higher-order primitives (scan, cond, …) run through their impl: replay those programs
      const compile = options.compile !== false && jaxpr.eqns.every((q) => q.prim.impl === undefined) ? device.backend.compile : undefined
      const consts = jaxpr.consts.map((c) => c._impl as Storage)
      const program = compile !== undefined ? compile.call(device.backend, jaxpr as unknown as Program, consts) : replay(jaxpr, device)
      e = { program, outAvals: jaxpr.outs.map((v) => v.aval), outDef, device, jaxpr }
      cache.set(key, e)
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value!)
      traced(key)
    }
    return e
  }
  const call = (...args: A): R => {
    checkCount(args)
    if (currentInterpreter() !== evalInterpreter) return f(...args)
    const split = splitStatic(args, nums, names)
    const [leaves, def] = Tree.flatten(split.dynamic)
    // leaked tracers take the eager path, which reports them
    if (leaves.some((l) => l._impl instanceof Tracer)) return f(...args)
    const e = entry(split, leaves, def, args.length)
    const outs = e.program.run(leaves.map((l) => l._impl as Storage))
    return Tree.unflatten<R>(
      e.outDef,
      outs.map((s, i) => new Tensor(e.outAvals[i]!, e.device, s)),
    )
  }
  const lower = (...args: A): Jaxpr => {
    checkCount(args)
    const split = splitStatic(args, nums, names)
    const [leaves, def] = Tree.flatten(split.dynamic)
    return entry(split, leaves, def, args.length).jaxpr
  }
  return Object.assign(call, { lower, cacheSize: () => cache.size })
}
