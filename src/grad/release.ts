/**
 * Early release without Effect: free the memory of every tensor of a tree now (a GPU buffer goes
 * back to its pool at once instead of when the collector finds the tensor).
 *
 * @since 0.1.0
 */
import * as Tree from "./tree.js"

/**
 * Release every tensor of `tree` (a tensor, an array or record of tensors, a module, optimizer
 * state) now: the same as calling `dispose()` on each leaf. Using a released tensor afterwards
 * throws `UseAfterRelease`. Tensors that share memory with a released one (a reshape of it) keep
 * it alive; traced values are left alone.
 *
 * @example
 * import * as tg from "typegrad"
 * const params = { w: tg.ones([256, 256]), b: tg.zeros([256]) }
 * const loss = params.w.sum().add(params.b.sum()).item() // 65536
 * tg.release(params) // both buffers are freed now; params.w.add(1) would throw UseAfterRelease
 * @since 0.1.0
 * @category memory
 */
export const release = (tree: unknown): void => {
  for (const t of Tree.leaves(tree)) t.dispose()
}
