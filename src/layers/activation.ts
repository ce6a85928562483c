/**
 * Activations as layers (for `sequential`), each a thin module over the functional op of the
 * same name: ReLU, LeakyReLU, GELU (exact or tanh), SiLU, Sigmoid, Tanh, Softmax, LogSoftmax,
 * and Identity. Their static options (slope, axis) are structure, not leaves.
 *
 * @since 0.1.0
 */
import {
  gelu as geluOp,
  leakyRelu as leakyReluOp,
  logSoftmax as logSoftmaxOp,
  relu as reluOp,
  silu as siluOp,
  softmax as softmaxOp,
  type AnyTensor,
} from "../ops/index.js"
import { Layer } from "./module.js"
import type { SameFn } from "./types.js"

/**
 * `max(x, 0)` as a layer (PyTorch's `nn.ReLU`).
 * @example
 * import * as tg from "typegrad"
 * tg.nn.relu().call(tg.tensor([-1, 2])).toArraySync() // [0, 2]
 * @since 0.1.0
 * @category activations
 */
export class ReLU extends Layer<SameFn<"ReLU">> {
  forward(x: AnyTensor): AnyTensor {
    return reluOp(x)
  }
}
/**
 * A `ReLU` layer.
 * @example
 * import * as tg from "typegrad"
 * const act = tg.nn.relu()
 * @since 0.1.0
 * @category activations
 */
export const relu = (): ReLU => new ReLU()

/**
 * Leaky ReLU as a layer (PyTorch's `nn.LeakyReLU`, slope 0.01 by default).
 * @example
 * import * as tg from "typegrad"
 * tg.nn.leakyRelu(0.1).call(tg.tensor([-1, 2])).toArraySync() // [-0.1, 2]
 * @since 0.1.0
 * @category activations
 */
export class LeakyReLU extends Layer<SameFn<"LeakyReLU">> {
  constructor(readonly negativeSlope: number) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    return leakyReluOp(x, this.negativeSlope)
  }
}
/**
 * A `LeakyReLU` layer.
 * @example
 * import * as tg from "typegrad"
 * const act = tg.nn.leakyRelu(0.2)
 * @since 0.1.0
 * @category activations
 */
export const leakyRelu = (negativeSlope = 0.01): LeakyReLU => new LeakyReLU(negativeSlope)

/**
 * GELU as a layer (PyTorch's `nn.GELU`): exact (erf) or `approximate: "tanh"`.
 * @example
 * import * as tg from "typegrad"
 * tg.nn.gelu("tanh").call(tg.tensor([1])) // ≈ 0.8412
 * @since 0.1.0
 * @category activations
 */
export class GELU extends Layer<SameFn<"GELU">> {
  constructor(readonly approximate: "none" | "tanh") {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    return geluOp(x, { approximate: this.approximate })
  }
}
/**
 * A `GELU` layer.
 * @example
 * import * as tg from "typegrad"
 * const act = tg.nn.gelu()
 * @since 0.1.0
 * @category activations
 */
export const gelu = (approximate: "none" | "tanh" = "none"): GELU => new GELU(approximate)

/**
 * SiLU (swish) as a layer.
 * @example
 * import * as tg from "typegrad"
 * tg.nn.silu().call(tg.tensor([0])).toArraySync() // [0]
 * @since 0.1.0
 * @category activations
 */
export class SiLU extends Layer<SameFn<"SiLU">> {
  forward(x: AnyTensor): AnyTensor {
    return siluOp(x)
  }
}
/**
 * A `SiLU` layer.
 * @example
 * import * as tg from "typegrad"
 * const act = tg.nn.silu()
 * @since 0.1.0
 * @category activations
 */
export const silu = (): SiLU => new SiLU()

/**
 * The logistic sigmoid as a layer.
 * @example
 * import * as tg from "typegrad"
 * tg.nn.sigmoid().call(tg.tensor([0])).toArraySync() // [0.5]
 * @since 0.1.0
 * @category activations
 */
export class Sigmoid extends Layer<SameFn<"Sigmoid">> {
  forward(x: AnyTensor): AnyTensor {
    return x.sigmoid()
  }
}
/**
 * A `Sigmoid` layer.
 * @example
 * import * as tg from "typegrad"
 * const act = tg.nn.sigmoid()
 * @since 0.1.0
 * @category activations
 */
export const sigmoid = (): Sigmoid => new Sigmoid()

/**
 * tanh as a layer.
 * @example
 * import * as tg from "typegrad"
 * tg.nn.tanh().call(tg.tensor([0])).toArraySync() // [0]
 * @since 0.1.0
 * @category activations
 */
export class Tanh extends Layer<SameFn<"Tanh">> {
  forward(x: AnyTensor): AnyTensor {
    return x.tanh()
  }
}
/**
 * A `Tanh` layer.
 * @example
 * import * as tg from "typegrad"
 * const act = tg.nn.tanh()
 * @since 0.1.0
 * @category activations
 */
export const tanh = (): Tanh => new Tanh()

/**
 * Softmax along `axis` as a layer (PyTorch's `nn.Softmax(dim)`).
 * @example
 * import * as tg from "typegrad"
 * tg.nn.softmax(-1).call(tg.tensor([0, 0])).toArraySync() // [0.5, 0.5]
 * @since 0.1.0
 * @category activations
 */
export class Softmax extends Layer<SameFn<"Softmax">> {
  constructor(readonly axis: number) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    return softmaxOp(x, { axis: this.axis })
  }
}
/**
 * A `Softmax` layer.
 * @example
 * import * as tg from "typegrad"
 * const sm = tg.nn.softmax(1)
 * @since 0.1.0
 * @category activations
 */
export const softmax = (axis = -1): Softmax => new Softmax(axis)

/**
 * Log-softmax along `axis` as a layer.
 * @example
 * import * as tg from "typegrad"
 * tg.nn.logSoftmax(-1).call(tg.tensor([0, 0])) // [-0.693, -0.693]
 * @since 0.1.0
 * @category activations
 */
export class LogSoftmax extends Layer<SameFn<"LogSoftmax">> {
  constructor(readonly axis: number) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    return logSoftmaxOp(x, { axis: this.axis })
  }
}
/**
 * A `LogSoftmax` layer.
 * @example
 * import * as tg from "typegrad"
 * const lsm = tg.nn.logSoftmax(1)
 * @since 0.1.0
 * @category activations
 */
export const logSoftmax = (axis = -1): LogSoftmax => new LogSoftmax(axis)

/**
 * The identity as a layer (a placeholder in a `sequential`).
 * @example
 * import * as tg from "typegrad"
 * tg.nn.identity().call(tg.ones([2])) // the same tensor
 * @since 0.1.0
 * @category layers
 */
export class Identity extends Layer<SameFn<"Identity">> {
  forward(x: AnyTensor): AnyTensor {
    return x
  }
}
/**
 * An `Identity` layer.
 * @example
 * import * as tg from "typegrad"
 * const id = tg.nn.identity()
 * @since 0.1.0
 * @category layers
 */
export const identity = (): Identity => new Identity()
