/**
 * The typed public ops (free functions; the same ops exist as `Tensor` methods): those that wrap
 * one primitive live with its definition in `prims/`, compositions in `api/`. Importing this
 * module installs the primitive registry.
 *
 * @since 0.1.0
 */
import "./prims/index.js"
import "./api/methods.js"
export * from "./prims/unary.js"
export * from "./prims/binary.js"
export * from "./prims/compare.js"
export * from "./prims/convert.js"
export * from "./prims/reduce.js"
export * from "./prims/matmul.js"
export * from "./prims/gather.js"
export * from "./prims/rounding.js"
export * from "./api/create.js"
export * from "./api/math.js"
export * from "./api/reductions.js"
export * from "./api/layout.js"
export * from "./api/products.js"
export * from "./api/conv.js"
export * from "./api/nn.js"
export * from "./api/host.js"
export * from "./api/indexing.js"
export * from "./api/grids.js"
export * from "./api/split.js"
export * from "./api/scan.js"
export * from "./api/einsum.js"
export * from "./api/linalg.js"
export * from "./api/solve.js"
export * from "./api/special.js"
export { Key, key, split, foldIn } from "./api/random.js"
export { Tensor, type AnyTensor } from "./core/tensor.js"
export type { Device } from "./core/backend.js"
export type { Out, Operand, Nested, Elem, ShapeOf, DTypeOf, DeviceOf, NestedData } from "./api/typing.js"
