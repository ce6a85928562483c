/**
 * Layers and the module tree (`tg.nn`): modules are immutable pytrees of parameters and buffers
 * with static configuration; PyTorch's verbs are functions over them; layers carry shape types.
 *
 * @since 0.1.0
 */
export { Module, Layer, type ShapeFn, type Apply, type FnOf, type Param } from "./module.js"
export * from "./types.js"
export * from "./verbs.js"
export type { Leaf } from "./walk.js"
export * as init from "./init.js"
export * from "./linear.js"
export * from "./conv.js"
export * from "./norm.js"
export * from "./activation.js"
export * from "./pool.js"
export * from "./dropout.js"
export * from "./containers.js"
export {
  crossEntropy,
  nllLoss,
  binaryCrossEntropyWithLogits,
  mse,
  l1,
  smoothL1,
  huber,
  type Reduction,
  type LossOut,
  type CrossEntropyOptions,
} from "./losses.js"
export * from "./embedding.js"
export * from "./attention.js"
