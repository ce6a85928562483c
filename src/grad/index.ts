/**
 * Transforms: `grad`, `valueAndGrad`, `vjp`, `jvp`, `linearize`, `jacfwd`, `jacrev`,
 * `hessian`, `vmap`, `jit`, custom derivative rules, differentiable control flow, pytrees and the
 * staged IR.
 *
 * @since 0.1.0
 */
export { grad, valueAndGrad, vjp, type GradAuxOptions, type GradOptions, type VjpAuxOptions } from "./vjp.js"
export { jvp } from "./jvp.js"
export { linearize } from "./linearize.js"
export { hessian, jacfwd, jacrev, type JacobianOptions } from "./jacobian.js"
export { vmap, type AxisSpec, type Batched, type Unshaped, type VmapOptions, type Vmapped } from "./vmap.js"
export { jit, makeJaxpr, type ArgIndex, type JitMethods, type JitOptions, type Jitted } from "./jit.js"
export { fori, scan, whileLoop } from "./control.js"
export { release } from "./release.js"
export { cond, customJvp, customVjp } from "./custom.js"
export { showJaxpr, type Eqn, type Jaxpr } from "./ir.js"
export * as Tree from "./tree.js"
export type { PyTree } from "./tree.js"
