/**
 * The primitive contract: one object per primitive holding its kind, shape rule, JVP rule,
 * transpose rule (linear primitives), batching rule and property-test domain. Definitions live in
 * `src/ops/prims`; lowerings live in the backends (`src/device/*`), each in its own table keyed by
 * the same closed set of names, so a missing rule or lowering is a compile error.
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import type { Aval } from "./aval.js"
import type { AnyTensor } from "./tensor.js"
import { InternalError } from "../../errors.js"

export type CompareOp = "lt" | "le" | "gt" | "ge" | "eq" | "ne"
export type Pair = readonly [number, number]

/**
 * The closed set of kernel primitives, by name. Each definition file in `src/ops/prims` adds its
 * primitives here by declaration merging, next to their rules:
 * `interface Primitives { exp: { params: {}; kind: "elementwise" } }` (plus `linear: true` for a
 * primitive linear in some input, which then must carry a transpose rule).
 */
// biome-ignore lint/suspicious/noEmptyInterface: an interface filled by declaration merging
export interface Primitives {}

/**
 * What a primitive is, for the compilers and view planners that treat families alike:
 * `elementwise` (broadcasting map of its inputs; backends lower it from a scalar expression),
 * `reduction` (over `params.axes`), `view` (reads its one input through an index map: slice,
 * broadcastTo, transpose, reshape, and pad with its fill value outside the input), and `other`
 * (its own kernel on every backend).
 */
export type PrimitiveKind = "elementwise" | "reduction" | "view" | "other"

/** The declaration each `Primitives` entry must match. */
export interface PrimitiveDecl {
  readonly params: object
  readonly kind: PrimitiveKind
  readonly linear?: true
}

/** Kernel primitives: every backend implements each of these. */
export type PrimitiveName = keyof Primitives
type Decl<P extends PrimitiveName> = Primitives[P] extends PrimitiveDecl ? Primitives[P] : never
/** The kind declared for primitive `P`. */
export type KindOf<P extends PrimitiveName> = Decl<P>["kind"]
/** Primitives of one kind. */
export type NamesOfKind<K extends PrimitiveKind> = { [P in PrimitiveName]: KindOf<P> extends K ? P : never }[PrimitiveName]
/** Elementwise primitives: each backend lowers them from one scalar expression. */
export type ElementwiseName = NamesOfKind<"elementwise">
/** Primitives linear in (some of) their inputs; each must carry a transpose rule. */
export type LinearPrimitiveName = { [P in PrimitiveName]: Decl<P> extends { readonly linear: true } ? P : never }[PrimitiveName]

/** Shorthand declarations for the common cases. */
export interface ElementwiseDecl<Pr extends object = {}> {
  readonly params: Pr
  readonly kind: "elementwise"
}
export interface LinearElementwiseDecl<Pr extends object = {}> {
  readonly params: Pr
  readonly kind: "elementwise"
  readonly linear: true
}

/** Parameters of the `threefry` primitive (counter blocks of Threefry-2x32 under i32 key data). */
export interface ThreefryParams {
  /** `"key"`: `count` new keys `[..., count, 2]`; `"uniform"`: `count` floats in [0, 1) `[..., count]` */
  readonly mode: "key" | "uniform"
  /** first counter word (key mode; the uniform stream uses `BITS_SALT`) */
  readonly x0: number
  /** second counter word of output 0 (key mode), incremented per output */
  readonly start: number
  readonly count: number
  /** output dtype: i32 for keys, a float dtype for uniforms */
  readonly dtype: DType
}

export interface UnfoldParams {
  readonly kernel: Pair
  readonly stride: Pair
  readonly dilation: Pair
  /** [top, bottom, left, right] */
  readonly padding: readonly [number, number, number, number]
  /** fill value of the padding (0 for conv, -inf for max pooling) */
  readonly value: number
}

/**
 * Higher-order primitives (control flow, custom derivative calls) whose parameters hold staged
 * bodies or user functions. They are declared by `src/grad` (interface merging), evaluated by their
 * `impl` in terms of other primitives, and never reach a backend's kernel table.
 */
// biome-ignore lint/suspicious/noEmptyInterface: an interface filled by declaration merging
export interface ControlParams {}
export type ControlName = keyof ControlParams
/** Every primitive an interpreter can see. */
export type OpName = PrimitiveName | ControlName
export type ParamsOf<P extends OpName> = P extends PrimitiveName ? Decl<P>["params"] : P extends ControlName ? ControlParams[P] : never

/** A symbolic zero tangent/cotangent: known to be zero, never materialised unless needed. */
export class Zero {
  constructor(readonly aval: Aval) {}
}
export type Tangent = AnyTensor | Zero

/** Marks a linear (unknown) input of a transpose rule: JAX's `UndefinedPrimal`. */
export class LinearIn {
  constructor(readonly aval: Aval) {}
}

/** Where a property test may sample each input of a primitive (avoiding kinks and poles). */
export interface Domain {
  /** value range per input (default [-2, 2]) */
  readonly ranges?: ReadonlyArray<readonly [number, number]>
  /** keep |x| ≥ this away from zero (log, div, pow base, abs/sign kinks) */
  readonly awayFromZero?: number
  /** input dtypes when not all-float (e.g. `where` takes a bool condition) */
  readonly dtypes?: ReadonlyArray<DType | "float">
  /** differentiable in these inputs only (default: all float inputs) */
  readonly diffArgs?: ReadonlyArray<number>
  /** elementwise primitives get random broadcast-compatible shapes; others build their own cases */
  readonly kind: "unary" | "binary" | "custom"
  /** non-differentiable (comparisons, argmax): properties check only shapes and zero tangents */
  readonly nonDiff?: boolean
}

/** Batching: `dims[i]` is the batch axis of `args[i]` (null = not batched). */
export type BatchRule<P extends OpName> = (
  args: ReadonlyArray<AnyTensor>,
  dims: ReadonlyArray<number | null>,
  params: ParamsOf<P>,
) => readonly [ReadonlyArray<AnyTensor>, ReadonlyArray<number | null>]

export interface Primitive<P extends OpName = PrimitiveName> {
  readonly name: P
  /** the family compilers and view planners read (control primitives are `other`) */
  readonly kind: P extends PrimitiveName ? KindOf<P> : "other"
  /** runtime shape/dtype rule; throws ShapeError/DTypeError naming the public op */
  readonly abstractEval: (inAvals: ReadonlyArray<Aval>, params: ParamsOf<P>) => Aval[]
  /** forward-mode rule: outputs and output tangents (tangents may be `Zero`; not all of them are) */
  readonly jvp: (
    primals: ReadonlyArray<AnyTensor>,
    tangents: ReadonlyArray<Tangent>,
    params: ParamsOf<P>,
  ) => readonly [ReadonlyArray<AnyTensor>, ReadonlyArray<Tangent>]
  /**
   * Linear primitives only: cotangents of the `LinearIn` inputs (null for constant inputs),
   * given output cotangents.
   */
  readonly transpose: P extends LinearPrimitiveName | ControlName
    ? (cts: ReadonlyArray<Tangent>, args: ReadonlyArray<AnyTensor | LinearIn>, params: ParamsOf<P>) => Array<Tangent | null>
    : null
  readonly batch: BatchRule<P>
  readonly domain: Domain
  /** higher-order primitives: evaluation in terms of other primitives (instead of a backend kernel) */
  readonly impl?: (args: ReadonlyArray<AnyTensor>, params: ParamsOf<P>) => AnyTensor[]
}

export type Registry = { readonly [P in PrimitiveName]: Primitive<P> }

let installed: Registry | undefined

/** Install the registry (done once by `src/ops/prims/index.ts`, which assembles it). */
export const installPrimitives = (r: Registry): void => {
  installed = r
}

/**
 * The primitive named `name`. Rules and the erased `lax` layer reach other primitives through
 * this lookup, so definition files never import one another.
 */
export const primitive = <P extends PrimitiveName>(name: P): Primitive<P> => {
  if (installed === undefined)
    throw new InternalError({
      message: `typegrad: primitives are not installed (import from "typegrad", or src/ops/index.ts); looked up ${name}`,
    })
  return installed[name] as Primitive<P>
}
