/**
 * The module protocol: a module is an immutable tree node whose tensor fields are parameters or
 * buffers and whose other fields (sizes, mode, options) are static structure. A `Layer` also
 * carries a type-level shape function, so its `call` maps input shapes to output shapes.
 *
 * @since 0.1.0
 */
import { ModuleError, ShapeError } from "../errors.js"
import * as Tree from "../grad/tree.js"
import { foldIn, type AnyTensor, type Key, type Tensor } from "../ops/index.js"
import type { DeviceKind, DType, Guard, IsError, Shape, ShapeMismatch } from "../shape/index.js"

/**
 * Base class of every module. Subclasses declare tensor fields (parameters; buffers when listed
 * in the static `buffers`) and static fields; they never mutate them after construction.
 *
 * @example
 * import * as tg from "typegrad"
 * class Affine extends tg.nn.Module {
 *   constructor(readonly weight: tg.Tensor<[3]>, readonly bias: tg.Tensor<[3]>) { super() }
 *   call(x: tg.Tensor<["B", 3]>) { return x.mul(this.weight).add(this.bias) }
 * }
 * tg.nn.namedParameters(new Affine(tg.ones([3]), tg.zeros([3]))).map(([k]) => k) // ["weight", "bias"]
 * @since 0.1.0
 * @category modules
 */
export abstract class Module implements Tree.TreeNode {
  declare readonly [Tree.nodeTag]: true
  /** Names of the fields that are buffers (state such as running statistics), not parameters. */
  static readonly buffers: ReadonlyArray<string> = []
  /** A field whose children are named directly under the module (containers: `0.weight`, not `layers.0.weight`). */
  static readonly inline: string | undefined = undefined
}
Object.defineProperty(Module.prototype, Tree.nodeTag, { value: true })

/**
 * The type of a module's parameters and buffers: shape `S`, dtype `D`, on a device the type does
 * not track (`nn.to` moves a module; each op still checks at run time that its operands share a
 * device), so reading a module's tensors or a loss computed from them needs no cast.
 *
 * @example
 * import * as tg from "typegrad"
 * const w: tg.nn.Param<[4, 3]> = tg.nn.linear(tg.key(0), 3, 4).weight
 * w.toArraySync()
 * @since 0.1.0
 * @category modules
 */
// biome-ignore lint/suspicious/noExplicitAny: type-level code: `any` is the one type every tensor type is assignable to here
export type Param<S extends Shape, D extends DType = "f32"> = Tensor<S, D, any>

/** The buffer field names declared by a module's class. @internal */
export const bufferNames = (m: Module): ReadonlyArray<string> =>
  (Object.getPrototypeOf(m) as { constructor: { buffers?: ReadonlyArray<string> } }).constructor.buffers ?? []

/** The inline field declared by a node's class (see `Module.inline`). @internal */
export const inlineField = (m: object): string | undefined =>
  (Object.getPrototypeOf(m) as { constructor: { inline?: string } }).constructor.inline

/** Class name of a module (for messages). @internal */
export const className = (m: object): string => (Object.getPrototypeOf(m) as { constructor: { name: string } }).constructor.name

/** A copy of module `m` (same prototype, same fields) with `changes` applied. @internal */
export const rebuild = <M extends object>(m: M, changes: Readonly<Record<string, unknown>>): M => {
  const o = Object.create(Object.getPrototypeOf(m) as object) as Record<string, unknown>
  for (const k of Object.keys(m)) o[k] = k in changes ? changes[k] : (m as Record<string, unknown>)[k]
  for (const k of Object.keys(changes)) if (!(k in o)) o[k] = changes[k]
  return o as M
}

/**
 * A type-level shape function: `out` is computed from `in` (read as `this["in"]`). A layer's
 * shape function is an interface extending this one, e.g.
 * `interface LinearFn<I, O> extends ShapeFn { out: LinearOut<this["in"], I, O> }`.
 *
 * @example
 * import type * as tg from "typegrad"
 * interface Same extends tg.nn.ShapeFn { readonly out: this["in"] }
 * type Y = tg.nn.Apply<Same, [2, 3]> // [2, 3]
 * @since 0.1.0
 * @category types
 */
export interface ShapeFn {
  /** the input shape (`unknown` here so that `F & { in: X }` reads back exactly `X`) */
  readonly in: unknown
  readonly out: unknown
  /** the layer's name in messages */
  readonly name: string
  /** the input it expects, with named dims for the sizes it does not fix (checks `sequential` junctions) */
  readonly expects: Shape
}

/**
 * Apply shape function `F` to input shape `X`: the output shape or a `ShapeMismatch`.
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.LinearFn<3, 4>, ["B", 3]> // ["B", 4]
 * @since 0.1.0
 * @category types
 */
export type Apply<F, X> = F extends ShapeFn ? (F & { readonly in: X })["out"] : never

/**
 * The shape function of a layer type, for computing a layer's output shape at the type level.
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.FnOf<tg.nn.Linear<3, 4>>, ["B", 3]> // ["B", 4]
 * @since 0.1.0
 * @category types
 */
export type FnOf<L> = L extends { readonly "~shape": infer F extends ShapeFn } ? F : never

/** A tensor whose shape is `R` when `R` is a shape, the erased shape otherwise. @internal */
export type OutT<R, D extends DType, V extends DeviceKind> =
  IsError<R> extends true ? Tensor<Shape, D, V> : R extends Shape ? Tensor<R, D, V> : Tensor<Shape, D, V>

/**
 * A module with one tensor input and one tensor output whose shapes its shape function `F`
 * relates. Subclasses implement `forward` on erased tensors; `call` is the typed entry: the
 * compiler computes the output shape, and rejects a wrong input with the layer's message.
 *
 * @example
 * import * as tg from "typegrad"
 * const lin = tg.nn.linear(tg.key(0), 3, 4)
 * const y = lin.call(tg.ones([8, 3])) // Tensor<[8, 4]>
 * @since 0.1.0
 * @category modules
 */
export abstract class Layer<F extends ShapeFn> extends Module {
  declare readonly "~shape": F
  /** The computation on erased tensors (shapes checked by `call`'s type and at run time). */
  abstract forward(x: AnyTensor): AnyTensor
  /** Apply the layer; the output shape is computed from the input's by the layer's shape function. */
  call<X extends Shape, D extends DType, V extends DeviceKind>(
    x: Tensor<X, D, V> & NoInfer<Guard<Apply<F, X>>>,
  ): OutT<Apply<F, X>, F extends { readonly dtype: infer O extends DType } ? O : D, V> {
    return this.forward(x) as never
  }
}

/** A layer message for a bad input shape, as a type. @internal */
export type LayerMismatch<Msg extends string> = ShapeMismatch<Msg>

// ------------------------------------------------------------------ the run scope of nn.forward

interface Scope {
  readonly paths: Map<object, string>
  readonly updates: Map<object, Record<string, AnyTensor>>
  readonly key: Key | undefined
}
const scopes: Scope[] = []

/** Open a scope for `f` (see `nn.forward`). @internal */
export const withScope = <R>(scope: Omit<Scope, "updates">, f: () => R): [R, Map<object, Record<string, AnyTensor>>] => {
  const s: Scope = { ...scope, updates: new Map() }
  scopes.push(s)
  try {
    return [f(), s.updates]
  } finally {
    scopes.pop()
  }
}
const top = (): Scope | undefined => scopes[scopes.length - 1]

/** The dotted path of module `m` in the tree being run, or its class name. @internal */
export const pathOf = (m: object): string => top()?.paths.get(m) ?? className(m)

/** The latest state of module `m` in this run (its own fields when it has not updated them). @internal */
export const stateOf = <T extends Record<string, AnyTensor>>(m: object, fields: T): T => ({
  ...fields,
  ...(top()?.updates.get(m) as Partial<T> | undefined),
})

/** Record new values of buffers of `m` (e.g. running statistics); dropped outside `nn.forward`. @internal */
export const recordState = (m: object, fields: Record<string, AnyTensor>): void => {
  const s = top()
  if (s !== undefined) s.updates.set(m, { ...s.updates.get(m), ...fields })
}

/** The key of the run for module `m` (folded with its path), if `nn.forward` was given one. @internal */
export const scopeKey = (m: object): Key | undefined => {
  const s = top()
  if (s?.key === undefined) return undefined
  const p = s.paths.get(m) ?? ""
  let h = 2166136261 // FNV-1a of the path: each module draws its own stream
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 16777619) >>> 0
  return foldIn(s.key, h)
}

/** Throw the typed error for a bad input shape of module `m`. @internal */
export const badInput = (m: object, expected: string, x: AnyTensor): never => {
  const path = pathOf(m)
  const name = className(m)
  throw ShapeError.of(
    path === name ? name : `${name} (${path})`,
    `expected input ${expected}, got [${(x.shape as number[]).join(", ")}]`,
    x.shape as number[],
  )
}

/** Throw a ModuleError for module `m`. @internal */
export const moduleError = (m: object, detail: string): never => {
  const path = pathOf(m)
  const name = className(m)
  throw new ModuleError({ path, message: `${path === name ? name : `${name} (${path})`}: ${detail}` })
}
