/**
 * `Dropout` (PyTorch's `nn.Dropout`): in training mode each element is zeroed with probability
 * `p` and the rest scaled by `1/(1−p)`; in evaluation mode it is the identity. Randomness comes
 * from the key given to `nn.forward`, folded with the layer's path, so two Dropouts differ and
 * the same key repeats the same masks.
 *
 * @since 0.1.0
 */
import { InvalidHyperparameter } from "../errors.js"
import { StagingInterpreter } from "../grad/staging.js"
import { currentInterpreter, type Interpreter } from "../ops/core/interpreter.js"
import { bernoulli, where, type AnyTensor } from "../ops/index.js"
import { Layer, moduleError, scopeKey } from "./module.js"
import type { SameFn } from "./types.js"

/** The innermost staging transform (jit, scan, …) on the interpreter stack, if any. */
const stagingTransform = (): string | undefined => {
  for (let i: Interpreter | null = currentInterpreter(); i !== null; i = i.parent) if (i instanceof StagingInterpreter) return i.transform
  return undefined
}

/**
 * Dropout as a layer; needs a key (`nn.forward(m, f, { key })`) in training mode.
 *
 * @example
 * import * as tg from "typegrad"
 * const drop = tg.nn.dropout(0.5)
 * const [y] = tg.nn.forward(drop, (m) => m.call(tg.ones([4, 4])), { key: tg.key(0) }) // zeros and twos
 * @since 0.1.0
 * @category layers
 */
export class Dropout extends Layer<SameFn<"Dropout">> {
  constructor(
    readonly p: number,
    readonly training: boolean,
  ) {
    super()
  }
  forward(x: AnyTensor): AnyTensor {
    if (!this.training || this.p === 0) return x
    const key = scopeKey(this)
    if (key === undefined)
      return moduleError(this, `training mode needs a key: run it as nn.forward(model, f, { key }), or switch to nn.eval(model)`)
    // keys are host values: a staged body (jit, scan, …) would bake one mask into every call
    const staged = stagingTransform()
    if (staged !== undefined)
      return moduleError(
        this,
        `training mode inside ${staged}: the key is a host value, so the staged body would reuse one mask on every call; run the training step eagerly (grad and vmap are fine) or use nn.eval(model)`,
      )
    if (this.p === 1) return x.mul(0)
    const keep = bernoulli(key, 1 - this.p, x.shape as number[], { device: x.device })
    return where(keep, x.div(1 - this.p), 0) as AnyTensor
  }
}

/**
 * A `Dropout` layer with drop probability `p` (default 0.5), in training mode.
 *
 * @example
 * import * as tg from "typegrad"
 * const drop = tg.nn.dropout(0.1)
 * @since 0.1.0
 * @category layers
 */
export const dropout = (p = 0.5): Dropout => {
  if (!(p >= 0 && p <= 1))
    throw new InvalidHyperparameter({ op: "Dropout", name: "p", value: p, message: `Dropout: p must be in [0, 1], got ${p}` })
  return new Dropout(p, true)
}
