/**
 * Tensor methods: every op as `x.op(...)` with the same type-level checks as the free function
 * (declaration merging into the `Tensor` class; implementations installed on its prototype).
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type {
  Conv2d, Conv2dOpts, DeviceKind, Dot, DType, Expand, Flatten, FloatDType, Guard, Matmul, Outer, Pad, Pair, Permute, Pool2d, Pool2dOpts,
  Reshape, SameDevice, SameDType, Shape, Slice, Squeeze, Transpose, Unsqueeze,
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
import { Tensor, type AnyTensor } from "../core/tensor.js"
import type { BinCheck, BinOut, CmpOut, Elem, Nested, Operand, Out } from "./typing.js"

declare module "../core/tensor.js" {
  interface Tensor<in out S extends Shape = Shape, in out D extends DType = "f32", out V extends DeviceKind = DeviceKind> {
    /** `this + b` with broadcasting. @example tg.ones([2, 3]).add(tg.ones([3])) */
    add<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "add">>): BinOut<S, D, V, T>
    /** `this - b` with broadcasting. @example x.sub(1) */
    sub<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "sub">>): BinOut<S, D, V, T>
    /** `this · b` elementwise with broadcasting. @example x.mul(0.01) */
    mul<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "mul">>): BinOut<S, D, V, T>
    /** `this / b` elementwise with broadcasting. @example x.div(2) */
    div<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "div">>): BinOut<S, D, V, T>
    /** `this ** b` elementwise with broadcasting. @example x.pow(2) */
    pow<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "pow">>): BinOut<S, D, V, T>
    /** Elementwise maximum. @example x.maximum(0) */
    maximum<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "maximum">>): BinOut<S, D, V, T>
    /** Elementwise minimum. @example x.minimum(1) */
    minimum<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "minimum">>): BinOut<S, D, V, T>
    /** `this < b` (bool). @example x.lt(0) */
    lt<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "lt">>): CmpOut<S, V, T>
    /** `this <= b` (bool). @example x.le(0) */
    le<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "le">>): CmpOut<S, V, T>
    /** `this > b` (bool). @example x.gt(0) */
    gt<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "gt">>): CmpOut<S, V, T>
    /** `this >= b` (bool). @example x.ge(0) */
    ge<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "ge">>): CmpOut<S, V, T>
    /** `this == b` (bool). @example x.eq(0) */
    eq<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "eq">>): CmpOut<S, V, T>
    /** `this != b` (bool). @example x.ne(0) */
    ne<T extends Operand>(b: T & NoInfer<BinCheck<S, V, T, "ne">>): CmpOut<S, V, T>

    /** `-this`. @example x.neg() */
    neg(): Tensor<S, D, V>
    /** `|this|`. @example x.abs() */
    abs(): Tensor<S, D, V>
    /** Sign (−1, 0, 1). @example x.sign() */
    sign(): Tensor<S, D, V>
    /** `e^this` (float dtypes). @example x.exp() */
    exp(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Natural log (float dtypes). @example x.log() */
    log(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** `log(1 + this)`. @example x.log1p() */
    log1p(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Square root. @example x.sqrt() */
    sqrt(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Sine. @example x.sin() */
    sin(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Cosine. @example x.cos() */
    cos(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Hyperbolic tangent. @example x.tanh() */
    tanh(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Logistic sigmoid. @example x.sigmoid() */
    sigmoid(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** `this²`. @example x.square() */
    square(): Tensor<S, D, V>
    /** `1 / this`. @example x.reciprocal() */
    reciprocal(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** `max(this, 0)`. @example x.relu() */
    relu(): Tensor<S, D, V>
    /** GELU (exact, or `{ approximate: "tanh" }`). @example x.gelu() */
    gelu(this: Tensor<S, D & FloatDType, V>, options?: nn.GeluOptions): Tensor<S, D, V>
    /** `log(1 + e^this)`, stable. @example x.softplus() */
    softplus(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** `this·σ(this)`. @example x.silu() */
    silu(this: Tensor<S, D & FloatDType, V>): Tensor<S, D, V>
    /** Convert the dtype. @example x.cast("i32") */
    cast<D2 extends DType>(dtype: D2): Tensor<S, D2, V>

    /** Sum over axes. @example x.sum({ axis: 1 }) */
    sum<const O extends red.ReduceOptions = {}>(options?: O & NoInfer<Guard<red.Reduced<S, O, "sum">>>): Out<red.Reduced<S, O, "sum">, D, V>
    /** Product over axes. @example x.prod() */
    prod<const O extends red.ReduceOptions = {}>(options?: O & NoInfer<Guard<red.Reduced<S, O, "prod">>>): Out<red.Reduced<S, O, "prod">, D, V>
    /** Maximum over axes. @example x.max({ axis: 0 }) */
    max<const O extends red.ReduceOptions = {}>(options?: O & NoInfer<Guard<red.Reduced<S, O, "max">>>): Out<red.Reduced<S, O, "max">, D, V>
    /** Minimum over axes. @example x.min() */
    min<const O extends red.ReduceOptions = {}>(options?: O & NoInfer<Guard<red.Reduced<S, O, "min">>>): Out<red.Reduced<S, O, "min">, D, V>
    /** Mean over axes. @example x.mean({ axis: -1, keepdims: true }) */
    mean<const O extends red.ReduceOptions = {}>(this: Tensor<S, D & FloatDType, V>, options?: O & NoInfer<Guard<red.Reduced<S, O, "mean">>>): Out<red.Reduced<S, O, "mean">, D, V>
    /** Variance over axes (`correction` 0 by default). @example x.variance({ axis: 0 }) */
    variance<const O extends red.VarOptions = {}>(this: Tensor<S, D & FloatDType, V>, options?: O & NoInfer<Guard<red.Reduced<S, O, "var">>>): Out<red.Reduced<S, O, "var">, D, V>
    /** Index of the maximum (i32). @example x.argmax({ axis: 1 }) */
    argmax<const O extends red.ArgOptions = {}>(options?: O & NoInfer<Guard<red.Reduced<S, O, "argmax">>>): Out<red.Reduced<S, O, "argmax">, "i32", V>
    /** Index of the minimum (i32). @example x.argmin() */
    argmin<const O extends red.ArgOptions = {}>(options?: O & NoInfer<Guard<red.Reduced<S, O, "argmin">>>): Out<red.Reduced<S, O, "argmin">, "i32", V>
    /** `log Σ exp` over axes, stable. @example x.logsumexp({ axis: -1 }) */
    logsumexp<const O extends red.ReduceOptions = {}>(this: Tensor<S, D & FloatDType, V>, options?: O & NoInfer<Guard<red.Reduced<S, O, "logsumexp">>>): Out<red.Reduced<S, O, "logsumexp">, D, V>
    /** Vector norm (ord 1, 2, ∞). @example x.norm({ axis: 1 }) */
    norm<const O extends red.NormOptions = {}>(this: Tensor<S, D & FloatDType, V>, options?: O & NoInfer<Guard<red.Reduced<S, O, "norm">>>): Out<red.Reduced<S, O, "norm">, D, V>
    /** Softmax along an axis (default −1). @example x.softmax() */
    softmax(this: Tensor<S, D & FloatDType, V>, options?: red.AxisOption): Tensor<S, D, V>
    /** Log-softmax along an axis (default −1). @example x.logSoftmax() */
    logSoftmax(this: Tensor<S, D & FloatDType, V>, options?: red.AxisOption): Tensor<S, D, V>

    /** New shape, same data (−1 inferred). @example x.reshape([3, -1]) */
    reshape<const T extends ReadonlyArray<number>>(shape: T & NoInfer<Guard<Reshape<S, T>>>): Out<Reshape<S, T>, D, V>
    /** Swap two axes (default the last two). @example x.transpose() */
    transpose<const D0 extends number = -2, const D1 extends number = -1>(d0?: D0 & NoInfer<Guard<Transpose<S, D0, D1>>>, d1?: D1): Out<Transpose<S, D0, D1>, D, V>
    /** Reorder axes. @example x.permute([0, 2, 3, 1]) */
    permute<const P extends ReadonlyArray<number>>(perm: P & NoInfer<Guard<Permute<S, P>>>): Out<Permute<S, P>, D, V>
    /** Drop size-1 axes. @example x.squeeze() */
    squeeze<const A extends number | ReadonlyArray<number> | undefined = undefined>(axis?: A & NoInfer<Guard<Squeeze<S, A>>>): Out<Squeeze<S, A>, D, V>
    /** Insert a size-1 axis. @example x.unsqueeze(0) */
    unsqueeze<const A extends number>(axis: A & NoInfer<Guard<Unsqueeze<S, A>>>): Out<Unsqueeze<S, A>, D, V>
    /** Broadcast to a larger shape. @example x.expand([4, 3]) */
    expand<const T extends ReadonlyArray<number>>(shape: T & NoInfer<Guard<Expand<S, T>>>): Out<Expand<S, T>, D, V>
    /** Merge axes start..end. @example x.flatten(1) */
    flatten<const St extends number = 0, const En extends number = -1>(start?: St & NoInfer<Guard<Flatten<S, St, En>>>, end?: En): Out<Flatten<S, St, En>, D, V>
    /** NumPy basic indexing from a string. @example grid.slice("1:-1, 1:-1") */
    slice<const Spec extends string>(spec: Spec & NoInfer<Guard<Slice<S, Spec>>>): Out<Slice<S, Spec>, D, V>
    /** Functional update of a region: `.set(v)` / `.add(v)`. @example grid.at("1:-1, 1:-1").add(lap) */
    at<const Spec extends string>(spec: Spec & NoInfer<Guard<Slice<S, Spec>>>): layout.At<S, D, V, Spec>
    /** Pad every axis (NumPy `pad_width`). @example x.pad([[1, 1]]) */
    pad<const P extends number | ReadonlyArray<readonly [number, number]>>(pads: P & NoInfer<Guard<Pad<S, P>>>, options?: layout.PadOptions): Out<Pad<S, P>, D, V>

    /** Matrix product (NumPy semantics). @example a.matmul(b) */
    matmul<B extends Shape, D2 extends DType, V2 extends DeviceKind>(
      b: Tensor<B, D2, V2> & NoInfer<Guard<SameDevice<V, V2, "matmul", SameDType<D, D2, "matmul", Matmul<S, B>>>>>,
    ): Out<Matmul<S, B>, D, V>
    /** Inner product of vectors. @example a.dot(b) */
    dot<B extends Shape, D2 extends DType, V2 extends DeviceKind>(
      b: Tensor<B, D2, V2> & NoInfer<Guard<SameDevice<V, V2, "dot", SameDType<D, D2, "dot", Dot<S, B>>>>>,
    ): Out<Dot<S, B>, D, V>
    /** Outer product of vectors. @example a.outer(b) */
    outer<B extends Shape, D2 extends DType, V2 extends DeviceKind>(
      b: Tensor<B, D2, V2> & NoInfer<Guard<SameDevice<V, V2, "outer", SameDType<D, D2, "outer", Outer<S, B>>>>>,
    ): Out<Outer<S, B>, D, V>
    /** 2-D convolution (NCHW). @example x.conv2d(w, { padding: 1 }) */
    conv2d<W extends Shape, D2 extends DType, V2 extends DeviceKind, const O extends Conv2dOpts = {}>(
      w: Tensor<W, D2, V2> & NoInfer<Guard<SameDevice<V, V2, "conv2d", SameDType<D, D2, "conv2d", Conv2d<S, W, O>>>>>,
      options?: O,
    ): Out<Conv2d<S, W, O>, D, V>
    /** 2-D max pooling. @example x.maxPool2d(2) */
    maxPool2d<const K extends Pair, const O extends Pool2dOpts = {}>(kernel: K & NoInfer<Guard<Pool2d<S, K, O, "maxPool2d">>>, options?: O): Out<Pool2d<S, K, O, "maxPool2d">, D, V>
    /** 2-D average pooling. @example x.avgPool2d(2) */
    avgPool2d<const K extends Pair, const O extends Pool2dOpts = {}>(this: Tensor<S, D & FloatDType, V>, kernel: K & NoInfer<Guard<Pool2d<S, K, O, "avgPool2d">>>, options?: O): Out<Pool2d<S, K, O, "avgPool2d">, D, V>

    /** Nested arrays of the values (CPU tensors only, by type). @example tg.tensor([1, 2]).toArraySync() */
    toArraySync(this: Tensor<S, D, "cpu">): Nested<S, Elem<D>>
    /** The flat typed data (CPU tensors only, by type). @example x.dataSync() */
    dataSync(this: Tensor<S, D, "cpu">): HostOf[D]
    /** The single value of a one-element CPU tensor. @example tg.scalar(3).item() */
    item(this: Tensor<S, D, "cpu">): Elem<D>
    /** Read back as nested arrays from any device (an Effect). @example await Effect.runPromise(x.toArray()) */
    toArray(): Effect.Effect<Nested<S, Elem<D>>, host.ReadbackError>
    /** Read back flat typed data from any device (an Effect). @example await Effect.runPromise(x.data()) */
    data(): Effect.Effect<HostOf[D], host.ReadbackError>
  }
}

type Fn = (x: AnyTensor, ...args: never[]) => unknown
/** Members the class itself defines; every other member of `Tensor` is a method installed here. */
type Own = "shape" | "dtype" | "device" | "_impl" | "aval" | "ndim" | "size" | "isTracer" | "toString"
type MethodName = Exclude<keyof Tensor, Own>
const methods = {
  add: binary.add, sub: binary.sub, mul: binary.mul, div: binary.div, pow: binary.pow, maximum: binary.maximum, minimum: binary.minimum,
  lt: compare.lt, le: compare.le, gt: compare.gt, ge: compare.ge, eq: compare.eq, ne: compare.ne,
  neg: unary.neg, abs: unary.abs, sign: unary.sign, exp: unary.exp, log: unary.log, log1p: unary.log1p, sqrt: unary.sqrt,
  sin: unary.sin, cos: unary.cos, tanh: unary.tanh, sigmoid: unary.sigmoid, square: math.square, reciprocal: math.reciprocal,
  relu: nn.relu, gelu: nn.gelu, softplus: nn.softplus, silu: nn.silu, cast: convert.cast,
  sum: red.sum, prod: red.prod, max: red.max, min: red.min, mean: red.mean, variance: red.variance, argmax: red.argmax,
  argmin: red.argmin, logsumexp: red.logsumexp, norm: red.norm, softmax: red.softmax, logSoftmax: red.logSoftmax,
  reshape: layout.reshape, transpose: layout.transpose, permute: layout.permute, squeeze: layout.squeeze, unsqueeze: layout.unsqueeze,
  expand: layout.expand, flatten: layout.flatten, slice: layout.slice, at: layout.at, pad: layout.pad,
  matmul: matmulOps.matmul, dot: products.dot, outer: products.outer,
  conv2d: conv.conv2d, maxPool2d: conv.maxPool2d, avgPool2d: conv.avgPool2d,
  toArraySync: host.toArraySync, dataSync: host.dataSync, item: host.item, toArray: host.toArray, data: host.data,
} satisfies { readonly [K in MethodName]: Fn }

for (const [name, f] of Object.entries(methods) as Array<[string, Fn]>)
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: AnyTensor, ...args: never[]) {
      return f(this, ...args)
    },
    writable: true,
    configurable: true,
  })
