/**
 * The primitive contract (DESIGN §3): one object per primitive holding its shape rule, JVP rule,
 * transpose rule (linear primitives), batching rule and property-test domain. Kernels live in the
 * backends (`src/device/*`), in tables keyed by the same closed set of names, so a missing rule or
 * kernel is a compile error.
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import type { Aval } from "./aval.js"
import type { AnyTensor } from "./tensor.js"

export type CompareOp = "lt" | "le" | "gt" | "ge" | "eq" | "ne"
export type Pair = readonly [number, number]

/** Parameters of every primitive, by name. This interface IS the closed set of primitives. */
export interface PrimitiveParams {
  // unary elementwise
  neg: {}; exp: {}; log: {}; log1p: {}; sin: {}; cos: {}; sqrt: {}; tanh: {}; sigmoid: {}; abs: {}; sign: {}
  // binary elementwise (NumPy broadcasting, equal dtypes)
  add: {}; sub: {}; mul: {}; div: {}; pow: {}; max: {}; min: {}
  compare: { readonly op: CompareOp }
  where: {}
  cast: { readonly dtype: DType }
  stopGradient: {}
  // reductions over sorted, unique axes (no keepdims at this level)
  reduceSum: { readonly axes: ReadonlyArray<number> }
  reduceMax: { readonly axes: ReadonlyArray<number> }
  reduceMin: { readonly axes: ReadonlyArray<number> }
  reduceProd: { readonly axes: ReadonlyArray<number> }
  argReduce: { readonly axis: number; readonly op: "max" | "min" }
  // structure
  reshape: { readonly shape: ReadonlyArray<number> }
  broadcastTo: { readonly shape: ReadonlyArray<number> }
  transpose: { readonly perm: ReadonlyArray<number> }
  /** strided slice: out[i] = x[start + i*step] per axis, `sizes` = output shape */
  slice: { readonly starts: ReadonlyArray<number>; readonly steps: ReadonlyArray<number>; readonly sizes: ReadonlyArray<number> }
  /** lo/hi may be negative (cropping); interior inserts `interior[d]` fill values between elements */
  pad: { readonly lo: ReadonlyArray<number>; readonly hi: ReadonlyArray<number>; readonly interior: ReadonlyArray<number>; readonly value: number }
  concat: { readonly axis: number }
  // linear algebra and windows
  /** [...batch, m, k] @ [...batch, k, n] with identical batch dims */
  matmul: {}
  /** im2col: [N, C, H, W] -> [N, C, kh, kw, OH, OW] reading padded/dilated/strided windows */
  unfold: UnfoldParams
  /** col2im (transpose of unfold): [N, C, kh, kw, OH, OW] -> [N, C, H, W], overlapping windows summed */
  fold: UnfoldParams & { readonly size: Pair }
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

/** Kernel primitives: every backend implements each of these. */
export type PrimitiveName = keyof PrimitiveParams

/**
 * Higher-order primitives (control flow, custom derivative calls) whose parameters hold staged
 * bodies or user functions. They are declared by `src/grad` (interface merging), evaluated by their
 * `impl` in terms of other primitives, and never reach a backend's kernel table.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ControlParams {}
export type ControlName = keyof ControlParams
/** Every primitive an interpreter can see. */
export type OpName = PrimitiveName | ControlName
export type ParamsOf<P extends OpName> = (PrimitiveParams & ControlParams)[P]

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
  /** elementwise primitives: the scalar function (used by CPU fused loops and tests) */
  readonly scalar?: (...xs: number[]) => number
  /** elementwise primitives: the WGSL expression over `a`, `b`, `c` (used by WebGPU kernels and fusion) */
  readonly wgsl?: string
  /** higher-order primitives: evaluation in terms of other primitives (instead of a backend kernel) */
  readonly impl?: (args: ReadonlyArray<AnyTensor>, params: ParamsOf<P>) => AnyTensor[]
}

/** Primitives linear in (some of) their inputs; each must carry a transpose rule. */
export type LinearPrimitiveName =
  | "neg" | "add" | "sub" | "mul" | "div" | "where" | "cast" | "reduceSum"
  | "reshape" | "broadcastTo" | "transpose" | "slice" | "pad" | "concat" | "matmul" | "unfold" | "fold"

export type Registry = { readonly [P in PrimitiveName]: Primitive<P> }
