/**
 * Tensor methods: every op as `x.op(...)` with the same type-level checks as the free function
 * (declaration merging into the `Tensor` class; implementations installed on its prototype).
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type {
  Conv2d,
  Conv2dOpts,
  DeviceKind,
  Dot,
  DType,
  Expand,
  Flatten,
  FloatDType,
  Guard,
  Matmul,
  Outer,
  Pad,
  Pair,
  Permute,
  Pool2d,
  Pool2dOpts,
  Reshape,
  SameDevice,
  SameDType,
  Shape,
  Slice,
  Squeeze,
  Transpose,
  Unsqueeze,
} from "../../shape/index.js"
import type { HostOf } from "../core/aval.js"
import * as conv from "./conv.js"
import * as host from "./host.js"
import * as layout from "./layout.js"
import * as math from "./math.js"
import * as binary from "../prims/binary.js"
import * as matmulOps from "../prims/matmul.js"
import * as compare from "../prims/compare.js"
import * as convert from "../prims/convert.js"
import * as unary from "../prims/unary.js"
import * as nn from "./nn.js"
import * as products from "./products.js"
import * as red from "./reductions.js"
import * as sorting from "./sort.js"
import { Tensor, type AnyTensor, type MethodsInstalledAbove } from "../core/tensor.js"
import type { BinCheck, BinOut, CmpOut, Elem, Nested, Operand, Out } from "./typing.js"

declare module "../core/tensor.js" {
  interface Tensor<in out S extends Shape = Shape, in out D extends DType = "f32", out V extends DeviceKind = DeviceKind> {
    /** `this + b` with broadcasting. @example tg.ones([2, 3]).add(tg.ones([3])) */
    add<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "add">>): BinOut<S, D, V, T>
    /** `this - b` with broadcasting. @example tg.tensor([[1, -2], [3, 4]]).sub(1) // [[0, -3], [2, 3]] */
    sub<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "sub">>): BinOut<S, D, V, T>
    /** `this · b` elementwise with broadcasting. @example tg.tensor([[1, -2], [3, 4]]).mul(0.5) // [[0.5, -1], [1.5, 2]] */
    mul<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "mul">>): BinOut<S, D, V, T>
    /** `this / b` elementwise with broadcasting. @example tg.tensor([[1, -2], [3, 4]]).div(2) // [[0.5, -1], [1.5, 2]] */
    div<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "div">>): BinOut<S, D, V, T>
    /** `this ** b` elementwise with broadcasting. @example tg.tensor([[1, -2], [3, 4]]).pow(2) // [[1, 4], [9, 16]] */
    pow<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "pow">>): BinOut<S, D, V, T>
    /** Elementwise maximum. @example tg.tensor([[1, -2], [3, 4]]).maximum(0) // [[1, 0], [3, 4]] */
    maximum<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "maximum">>): BinOut<S, D, V, T>
    /** Elementwise minimum. @example tg.tensor([[1, -2], [3, 4]]).minimum(1) // [[1, -2], [1, 1]] */
    minimum<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "minimum">>): BinOut<S, D, V, T>
    /** `this < b` (bool). @example tg.tensor([[1, -2], [3, 4]]).lt(0) // [[false, true], [false, false]] */
    lt<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "lt">>): CmpOut<S, V, T>
    /** `this <= b` (bool). @example tg.tensor([[1, -2], [3, 4]]).le(1) // [[true, true], [false, false]] */
    le<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "le">>): CmpOut<S, V, T>
    /** `this > b` (bool). @example tg.tensor([[1, -2], [3, 4]]).gt(0) // [[true, false], [true, true]] */
    gt<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "gt">>): CmpOut<S, V, T>
    /** `this >= b` (bool). @example tg.tensor([[1, -2], [3, 4]]).ge(3) // [[false, false], [true, true]] */
    ge<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "ge">>): CmpOut<S, V, T>
    /** `this == b` (bool). @example tg.tensor([[1, -2], [3, 4]]).eq(3) // [[false, false], [true, false]] */
    eq<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "eq">>): CmpOut<S, V, T>
    /** `this != b` (bool). @example tg.tensor([[1, -2], [3, 4]]).ne(3) // [[true, true], [false, true]] */
    ne<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "ne">>): CmpOut<S, V, T>

    /** `-this`. @example tg.tensor([[1, -2], [3, 4]]).neg() // [[-1, 2], [-3, -4]] */
    neg(): Tensor<S, D, V>
    /** `|this|`. @example tg.tensor([[1, -2], [3, 4]]).abs() // [[1, 2], [3, 4]] */
    abs(): Tensor<S, D, V>
    /** Sign (−1, 0, 1). @example tg.tensor([[1, -2], [3, 4]]).sign() // [[1, -1], [1, 1]] */
    sign(): Tensor<S, D, V>
    /** `e^this` (float dtypes). @example tg.tensor([0, 1]).exp() // [1, e] */
    exp(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Natural log (float dtypes). @example tg.tensor([1, Math.E]).log() // [0, 1] */
    log(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** `log(1 + this)`. @example tg.tensor([0, 1e-8]).log1p() // [0, 1e-8] */
    log1p(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Square root. @example tg.tensor([4, 9]).sqrt() // [2, 3] */
    sqrt(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Sine. @example tg.tensor([0, Math.PI / 2]).sin() // [0, 1] */
    sin(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Cosine. @example tg.tensor([0, Math.PI]).cos() // [1, -1] */
    cos(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Hyperbolic tangent. @example tg.tensor([0]).tanh() // [0] */
    tanh(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Logistic sigmoid. @example tg.tensor([0]).sigmoid() // [0.5] */
    sigmoid(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** `this²`. @example tg.tensor([[1, -2], [3, 4]]).square() // [[1, 4], [9, 16]] */
    square(): Tensor<S, D, V>
    /** `1 / this`. @example tg.tensor([2, 4]).reciprocal() // [0.5, 0.25] */
    reciprocal(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** `max(this, 0)`. @example tg.tensor([[1, -2], [3, 4]]).relu() // [[1, 0], [3, 4]] */
    relu(): Tensor<S, D, V>
    /** GELU (exact, or `{ approximate: "tanh" }`). @example tg.tensor([0, 1]).gelu() // [0, 0.8413] */
    gelu(this: Tensor<S, D & FloatDType, V>, options?: nn.GeluOptions): Tensor<S, D, V>
    /** `log(1 + e^this)`, stable. @example tg.tensor([0]).softplus() // [log 2] */
    softplus(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** `this·σ(this)`. @example tg.tensor([0, 1]).silu() // [0, 0.7311] */
    silu(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Convert the dtype. @example tg.tensor([1.7, -1.7]).cast("i32") // [1, -1] */
    cast<D2 extends DType>(dtype: D2): Tensor<S, D2, V>

    /** Sum over axes (options, or the axis alone). @example tg.tensor([[1, 2], [3, 4]]).sum({ axis: 1 }) // [3, 7], as .sum(1) */
    sum<const O extends red.ReduceArg = {}>(options?: O & NoInfer<Guard<red.Reduced<S, O, "sum">>>): Out<red.Reduced<S, O, "sum">, D, V>
    /** Product over axes. @example tg.tensor([[1, 2], [3, 4]]).prod() // 24 */
    prod<const O extends red.ReduceArg = {}>(options?: O & NoInfer<Guard<red.Reduced<S, O, "prod">>>): Out<red.Reduced<S, O, "prod">, D, V>
    /** Maximum over axes. @example tg.tensor([[1, 2], [3, 4]]).max({ axis: 0 }) // [3, 4] */
    max<const O extends red.ReduceArg = {}>(options?: O & NoInfer<Guard<red.Reduced<S, O, "max">>>): Out<red.Reduced<S, O, "max">, D, V>
    /** Minimum over axes. @example tg.tensor([[1, 2], [3, 4]]).min() // 1 */
    min<const O extends red.ReduceArg = {}>(options?: O & NoInfer<Guard<red.Reduced<S, O, "min">>>): Out<red.Reduced<S, O, "min">, D, V>
    /** Mean over axes. @example tg.tensor([[1, 2], [3, 4]]).mean({ axis: -1, keepdims: true }) // [[1.5], [3.5]] */
    mean<const O extends red.ReduceArg = {}>(
      options?: O & NoInfer<Guard<red.Reduced<S, O, "mean">>>,
    ): Out<red.Reduced<S, O, "mean">, D extends FloatDType ? D : "f32", V>
    /** Variance over axes (`correction` 0 by default). @example tg.tensor([[1, 2], [3, 4]]).variance({ axis: 0 }) // [1, 1] */
    variance<const O extends red.ReduceArg<red.VarOptions> = {}>(
      this: Tensor<S, D & FloatDType, V>,
      options?: O & NoInfer<Guard<red.Reduced<S, O, "var">>>,
    ): Out<red.Reduced<S, O, "var">, D, V>
    /** Standard deviation over axes (`ddof` 0 by default). @example tg.tensor([[1, 2], [3, 4]]).std({ axis: 0 }) // [1, 1] */
    std<const O extends red.VarOptions = {}>(
      options?: O & NoInfer<Guard<red.Reduced<S, O, "std">>>,
    ): Out<red.Reduced<S, O, "std">, D extends FloatDType ? D : "f32", V>
    /** Whether every entry is non-zero. @example tg.tensor([[1, 0], [3, 4]]).all({ axis: 1 }) // [false, true] */
    all<const O extends red.ReduceOptions = {}>(
      options?: O & NoInfer<Guard<red.Reduced<S, O, "all">>>,
    ): Out<red.Reduced<S, O, "all">, "bool", V>
    /** Whether any entry is non-zero. @example tg.tensor([[1, 0], [0, 0]]).any({ axis: 1 }) // [true, false] */
    any<const O extends red.ReduceOptions = {}>(
      options?: O & NoInfer<Guard<red.Reduced<S, O, "any">>>,
    ): Out<red.Reduced<S, O, "any">, "bool", V>
    /** Sorted along an axis (default −1; NaN last). @example tg.tensor([[3, 1], [2, 5]]).sort() // [[1, 3], [2, 5]] */
    sort(options?: sorting.SortOptions): Tensor<S, D, V>
    /** The indices that sort along an axis (stable; i32). @example tg.tensor([3, 1, 2]).argsort() // [1, 2, 0] */
    argsort(options?: sorting.SortOptions): Tensor<S, "i32", V>
    /** Index of the maximum (i32). @example tg.tensor([[1, -2], [3, 4]]).argmax({ axis: 1 }) // [0, 1] */
    argmax<const O extends red.ArgOptions | number = {}>(
      options?: O & NoInfer<Guard<red.Reduced<S, O, "argmax">>>,
    ): Out<red.Reduced<S, O, "argmax">, "i32", V>
    /** Index of the minimum (i32). @example tg.tensor([[1, -2], [3, 4]]).argmin() // 1 */
    argmin<const O extends red.ArgOptions | number = {}>(
      options?: O & NoInfer<Guard<red.Reduced<S, O, "argmin">>>,
    ): Out<red.Reduced<S, O, "argmin">, "i32", V>
    /** `log Σ exp` over axes, stable. @example tg.tensor([[0, 0]]).logsumexp({ axis: -1 }) // [log 2] */
    logsumexp<const O extends red.ReduceArg = {}>(
      this: Tensor<S, D & FloatDType, V>,
      options?: O & NoInfer<Guard<red.Reduced<S, O, "logsumexp">>>,
    ): Out<red.Reduced<S, O, "logsumexp">, D, V>
    /** Vector norm (ord 1, 2, ∞). @example tg.tensor([[3, 4]]).norm({ axis: 1 }) // [5] */
    norm<const O extends red.ReduceArg<red.NormOptions> = {}>(
      this: Tensor<S, D & FloatDType, V>,
      options?: O & NoInfer<Guard<red.Reduced<S, O, "norm">>>,
    ): Out<red.Reduced<S, O, "norm">, D, V>
    /** Softmax along an axis (default −1). @example tg.tensor([0, 0]).softmax() // [0.5, 0.5] */
    softmax(this: Tensor<S, D & FloatDType, V>, options?: red.AxisOption | number): Tensor<S, D, V>
    /** Log-softmax along an axis (default −1). @example tg.tensor([0, 0]).logSoftmax() // [-log 2, -log 2] */
    logSoftmax(this: Tensor<S, D & FloatDType, V>, options?: red.AxisOption | number): Tensor<S, D, V>

    /** New shape, same data (−1 inferred). @example tg.ones([2, 3]).reshape([3, -1]) // Tensor<[3, 2]> */
    reshape<const T extends ReadonlyArray<number>>(shape: T & NoInfer<Guard<Reshape<S, T>>>): Out<Reshape<S, T>, D, V>
    /** Swap two axes (default the last two). @example tg.ones([2, 3]).transpose() // Tensor<[3, 2]> */
    transpose<const D0 extends number = -2, const D1 extends number = -1>(
      d0?: D0 & NoInfer<Guard<Transpose<S, D0, D1>>>,
      d1?: D1,
    ): Out<Transpose<S, D0, D1>, D, V>
    /** Reorder axes. @example tg.ones([1, 3, 4, 5]).permute([0, 2, 3, 1]) // Tensor<[1, 4, 5, 3]> */
    permute<const P extends ReadonlyArray<number>>(perm: P & NoInfer<Guard<Permute<S, P>>>): Out<Permute<S, P>, D, V>
    /** Drop size-1 axes. @example tg.ones([1, 3, 1]).squeeze() // Tensor<[3]> */
    squeeze<const A extends number | ReadonlyArray<number> | undefined = undefined>(
      axis?: A & NoInfer<Guard<Squeeze<S, A>>>,
    ): Out<Squeeze<S, A>, D, V>
    /** Insert a size-1 axis. @example tg.ones([3]).unsqueeze(0) // Tensor<[1, 3]> */
    unsqueeze<const A extends number>(axis: A & NoInfer<Guard<Unsqueeze<S, A>>>): Out<Unsqueeze<S, A>, D, V>
    /** Broadcast to a larger shape. @example tg.ones([1, 3]).expand([4, 3]) // Tensor<[4, 3]> */
    expand<const T extends ReadonlyArray<number>>(shape: T & NoInfer<Guard<Expand<S, T>>>): Out<Expand<S, T>, D, V>
    /** Merge axes start..end. @example tg.ones([2, 3, 4]).flatten(1) // Tensor<[2, 12]> */
    flatten<const St extends number = 0, const En extends number = -1>(
      start?: St & NoInfer<Guard<Flatten<S, St, En>>>,
      end?: En,
    ): Out<Flatten<S, St, En>, D, V>
    /** NumPy basic indexing from a string. @example tg.zeros([5, 5]).slice("1:-1, 1:-1") // Tensor<[3, 3]> */
    slice<const Spec extends string>(spec: Spec & NoInfer<Guard<Slice<S, Spec>>>): Out<Slice<S, Spec>, D, V>
    /** Functional update of a region: `.set(v)` / `.add(v)`. @example tg.zeros([5, 5]).at("1:-1, 1:-1").add(tg.ones([3, 3])) // ones inside a zero border */
    at<const Spec extends string>(spec: Spec & NoInfer<Guard<Slice<S, Spec>>>): layout.At<S, D, V, Spec>
    /** Pad every axis (NumPy `pad_width`). @example tg.tensor([1, 2]).pad([[1, 1]]) // [0, 1, 2, 0] */
    pad<const P extends number | ReadonlyArray<readonly [number, number]>>(
      pads: P & NoInfer<Guard<Pad<S, P>>>,
      options?: layout.PadOptions,
    ): Out<Pad<S, P>, D, V>

    /** Matrix product (NumPy semantics). @example tg.ones([2, 3]).matmul(tg.ones([3, 4])) // Tensor<[2, 4]> of 3s */
    matmul<B extends Shape, D2 extends DType, V2 extends DeviceKind>(
      b: Tensor<B, D2, V2> & NoInfer<Guard<SameDevice<V, V2, "matmul", SameDType<D, D2, "matmul", Matmul<S, B>>>>>,
    ): Out<Matmul<S, B>, D, V>
    /** Inner product of vectors. @example tg.tensor([1, 2, 3]).dot(tg.tensor([4, 5, 6])) // 32 */
    dot<B extends Shape, D2 extends DType, V2 extends DeviceKind>(
      b: Tensor<B, D2, V2> & NoInfer<Guard<SameDevice<V, V2, "dot", SameDType<D, D2, "dot", Dot<S, B>>>>>,
    ): Out<Dot<S, B>, D, V>
    /** Outer product of vectors. @example tg.tensor([1, 2]).outer(tg.tensor([3, 4, 5])) // Tensor<[2, 3]> */
    outer<B extends Shape, D2 extends DType, V2 extends DeviceKind>(
      b: Tensor<B, D2, V2> & NoInfer<Guard<SameDevice<V, V2, "outer", SameDType<D, D2, "outer", Outer<S, B>>>>>,
    ): Out<Outer<S, B>, D, V>
    /** 2-D convolution (NCHW). @example tg.ones([1, 3, 8, 8]).conv2d(tg.ones([16, 3, 3, 3]), { padding: 1 }) // Tensor<[1, 16, 8, 8]> */
    conv2d<W extends Shape, D2 extends DType, V2 extends DeviceKind, const O extends Conv2dOpts = {}>(
      w: Tensor<W, D2, V2> & NoInfer<Guard<SameDevice<V, V2, "conv2d", SameDType<D, D2, "conv2d", Conv2d<S, W, O>>>>>,
      options?: O,
    ): Out<Conv2d<S, W, O>, D, V>
    /** 2-D max pooling. @example tg.ones([1, 1, 4, 4]).maxPool2d(2) // Tensor<[1, 1, 2, 2]> */
    maxPool2d<const K extends Pair, const O extends Pool2dOpts = {}>(
      kernel: K & NoInfer<Guard<Pool2d<S, K, O, "maxPool2d">>>,
      options?: O,
    ): Out<Pool2d<S, K, O, "maxPool2d">, D, V>
    /** 2-D average pooling. @example tg.ones([1, 1, 4, 4]).avgPool2d(2) // Tensor<[1, 1, 2, 2]> */
    avgPool2d<const K extends Pair, const O extends Pool2dOpts = {}>(
      this: Tensor<S, D & FloatDType, V>,
      kernel: K & NoInfer<Guard<Pool2d<S, K, O, "avgPool2d">>>,
      options?: O,
    ): Out<Pool2d<S, K, O, "avgPool2d">, D, V>

    /** Nested arrays of the values (CPU tensors only, by type). @example tg.tensor([1, 2]).toArraySync() */
    toArraySync(this: Tensor<S, D, "cpu">): Nested<S, Elem<D>>
    /** The flat typed data (CPU tensors only, by type). @example tg.tensor([1, 2]).dataSync() // Float32Array [1, 2] */
    dataSync(this: Tensor<S, D, "cpu">): HostOf[D]
    /** The single value of a one-element CPU tensor. @example tg.scalar(3).item() */
    item(this: Tensor<S, D, "cpu">): Elem<D>
    /** Read back as nested arrays from any device (an Effect). @example import { Effect } from "effect"; await Effect.runPromise(tg.tensor([1, 2]).toArray()) // [1, 2] */
    toArray(): Effect.Effect<Nested<S, Elem<D>>, host.ReadbackError>
    /** Read back flat typed data from any device (an Effect). @example import { Effect } from "effect"; await Effect.runPromise(tg.tensor([1, 2]).data()) // Float32Array [1, 2] */
    data(): Effect.Effect<HostOf[D], host.ReadbackError>
    /** Read back as nested arrays from any device, as a Promise (rejects with the typed error). @example await tg.tensor([1, 2]).array() // [1, 2] */
    array(): Promise<Nested<S, Elem<D>>>
  }
}

type Fn = (x: AnyTensor, ...args: never[]) => unknown
/** Members the class itself defines; every other member of `Tensor` is a method installed here. */
type Own =
  | "shape"
  | "dtype"
  | "device"
  | "_impl"
  | "aval"
  | "ndim"
  | "size"
  | "isTracer"
  | "dispose"
  | "toString"
  | typeof Symbol.toPrimitive
type MethodName = Exclude<keyof Tensor, Own | keyof MethodsInstalledAbove>
const methods = {
  add: binary.add,
  sub: binary.sub,
  mul: binary.mul,
  div: binary.div,
  pow: binary.pow,
  maximum: binary.maximum,
  minimum: binary.minimum,
  lt: compare.lt,
  le: compare.le,
  gt: compare.gt,
  ge: compare.ge,
  eq: compare.eq,
  ne: compare.ne,
  neg: unary.neg,
  abs: unary.abs,
  sign: unary.sign,
  exp: unary.exp,
  log: unary.log,
  log1p: unary.log1p,
  sqrt: unary.sqrt,
  sin: unary.sin,
  cos: unary.cos,
  tanh: unary.tanh,
  sigmoid: unary.sigmoid,
  square: math.square,
  reciprocal: math.reciprocal,
  relu: nn.relu,
  gelu: nn.gelu,
  softplus: nn.softplus,
  silu: nn.silu,
  cast: convert.cast,
  sum: red.sum,
  prod: red.prod,
  max: red.max,
  min: red.min,
  mean: red.mean,
  variance: red.variance,
  std: red.std,
  all: red.all,
  any: red.any,
  sort: sorting.sort,
  argsort: sorting.argsort,
  argmax: red.argmax,
  argmin: red.argmin,
  logsumexp: red.logsumexp,
  norm: red.norm,
  softmax: red.softmax,
  logSoftmax: red.logSoftmax,
  reshape: layout.reshape,
  transpose: layout.transpose,
  permute: layout.permute,
  squeeze: layout.squeeze,
  unsqueeze: layout.unsqueeze,
  expand: layout.expand,
  flatten: layout.flatten,
  slice: layout.slice,
  at: layout.at,
  pad: layout.pad,
  matmul: matmulOps.matmul,
  dot: products.dot,
  outer: products.outer,
  conv2d: conv.conv2d,
  maxPool2d: conv.maxPool2d,
  avgPool2d: conv.avgPool2d,
  toArraySync: host.toArraySync,
  dataSync: host.dataSync,
  item: host.item,
  toArray: host.toArray,
  data: host.data,
  array: host.array,
} satisfies { readonly [K in MethodName]: Fn }

for (const [name, f] of Object.entries(methods) as Array<[string, Fn]>)
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: AnyTensor, ...args: never[]) {
      return f(this, ...args)
    },
    writable: true,
    configurable: true,
  })
