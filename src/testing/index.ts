/**
 * Property-testing tools for gradients (the package subpath `typegrad/testing`): fast-check
 * arbitraries for shapes and tensors, and `checkGrads`. typegrad's own laws (`properties/`) are
 * built from the same pieces.
 *
 * @since 0.1.0
 */
export {
  arbAxes,
  arbBroadcastShapes,
  arbDType,
  arbShape,
  arbTensor,
  arbValues,
  fromValues,
  type ShapeOptions,
  type TensorOptions,
} from "./arbitraries.js"
export { checkGrads, GradCheckError, type CheckGradsOptions } from "./checkGrads.js"
