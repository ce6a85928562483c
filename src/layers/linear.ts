/**
 * `Linear`: `y = x Wᵀ + b` over the last axis, PyTorch's layout (`weight: [out, in]`) and
 * default initialisation (weight and bias U(±1/√in)).
 *
 * @since 0.1.0
 */
import { split, type AnyTensor, type Key } from "../ops/index.js"
import type { Dim, FmtDim } from "../shape/index.js"
import * as init from "./init.js"
import { badInput, type Param, Layer, type ShapeFn } from "./module.js"
import type { BadInput, DimFits, Known } from "./types.js"

/**
 * Shape function of `Linear<I, O>`: `[..., I] → [..., O]`.
 *
 * @example
 * import type * as tg from "typegrad"
 * type Y = tg.nn.Apply<tg.nn.LinearFn<3, 4>, ["B", 3]> // ["B", 4]
 * @since 0.1.0
 * @category types
 */
export interface LinearFn<I extends Dim, O extends Dim> extends ShapeFn {
  readonly name: "Linear"
  readonly expects: ["B", I]
  readonly out: LinearOut<this["in"], I, O>
}
type LinearOut<X, I extends Dim, O extends Dim> =
  Known<X> extends false
    ? Dim[]
    : X extends readonly [...infer L extends Dim[], infer Last]
      ? DimFits<Last, I> extends true
        ? [...L, O]
        : BadInput<"Linear", `[..., ${FmtDim<I>}]`, X>
      : BadInput<"Linear", `[..., ${FmtDim<I>}]`, X>

/**
 * Options of `linear`: bias (default true), dtype and device of the parameters.
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.nn.LinearOptions = { bias: false, dtype: "f64" }
 * @since 0.1.0
 * @category layers
 */
export interface LinearOptions extends init.InitOptions {
  readonly bias?: boolean
}

/**
 * A fully connected layer (PyTorch's `nn.Linear`); parameters `weight [O, I]` and `bias [O]`.
 *
 * @example
 * import * as tg from "typegrad"
 * const fc = tg.nn.linear(tg.key(0), 784, 10)
 * fc.call(tg.zeros([32, 784])) // Tensor<[32, 10]>
 * @since 0.1.0
 * @category layers
 */
export class Linear<in out I extends number = number, in out O extends number = number> extends Layer<LinearFn<I, O>> {
  constructor(
    readonly weight: Param<[O, I]>,
    readonly bias: Param<[O]> | undefined,
    readonly inFeatures: I,
    readonly outFeatures: O,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    if (x.shape.length < 1 || x.shape[x.shape.length - 1] !== this.inFeatures) badInput(this, `[..., ${this.inFeatures}]`, x)
    const y = x.matmul((this.weight as AnyTensor).transpose())
    return this.bias === undefined ? y : y.add(this.bias as AnyTensor)
  }
}

/**
 * A `Linear` from `inFeatures` to `outFeatures` with PyTorch's default initialisation from `key`.
 *
 * @example
 * import * as tg from "typegrad"
 * const fc = tg.nn.linear(tg.key(0), 3, 4, { bias: false })
 * @since 0.1.0
 * @category layers
 */
export const linear = <const I extends number, const O extends number>(
  key: Key,
  inFeatures: I,
  outFeatures: O,
  options?: LinearOptions,
): Linear<I, O> => {
  const [kw, kb] = split(key)
  const bound = 1 / Math.sqrt(inFeatures)
  const weight = init.kaimingUniform(kw!, [outFeatures, inFeatures], { ...options, a: Math.sqrt(5) })
  const bias = options?.bias === false ? undefined : init.uniform(kb!, [outFeatures], -bound, bound, options)
  return new Linear(weight as Param<[O, I]>, bias as Param<[O]> | undefined, inFeatures, outFeatures)
}
