/**
 * Tie a tensor's GPU memory to an Effect `Scope`.
 *
 * @since 0.1.0
 */
import { Effect, type Scope } from "effect"
import type { AnyTensor } from "../../ops/core/tensor.js"
import { GpuStorage } from "./memory.js"

/**
 * Release `t`'s GPU buffer when the enclosing Effect scope closes (deterministic, fiber-safe);
 * `t` must not be used afterwards. CPU tensors are returned untouched.
 *
 * @example
 * import { Effect } from "effect"
 * import * as tg from "typegrad"
 * const gpu = await tg.acquireWebGpu()
 * const doubled = await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
 *   const x = yield* tg.own(tg.to(tg.tensor([1, 2, 3]), gpu))
 *   return yield* tg.toArray(x.mul(2)) // [2, 4, 6]; x's buffer is released when the scope closes
 * })))
 * tg.releaseWebGpu(gpu)
 * @since 0.1.0
 * @category memory
 */
export const own = <T extends AnyTensor>(t: T): Effect.Effect<T, never, Scope.Scope> =>
  Effect.as(
    Effect.addFinalizer(() => Effect.sync(() => (t._impl instanceof GpuStorage ? t._impl.release(OWN_CLOSED) : undefined))),
    t,
  )

const OWN_CLOSED = "the Effect scope that owned it (own) closed"
