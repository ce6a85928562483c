/**
 * The typed public ops (free functions; the same ops exist as `Tensor` methods).
 *
 * @since 0.1.0
 */
import "./methods.js"
export * from "./create.js"
export * from "./math.js"
export * from "./reductions.js"
export * from "./layout.js"
export * from "./products.js"
export * from "./conv.js"
export * from "./nn.js"
export * from "./host.js"
export { Key, key, split, foldIn } from "./random.js"
export { Tensor, type AnyTensor } from "./tensor.js"
export type { Device } from "./backend.js"
export type { Out, Operand, Nested, Elem, ShapeOf, DTypeOf, DeviceOf, NestedData } from "./typing.js"
