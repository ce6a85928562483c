/**
 * `typegrad/advanced`: the staged-program machinery under `jit` and the transforms, for users who
 * write their own interpreters or compilers over jaxprs (`makeJaxpr` and `showJaxpr` stay in the
 * main entry point).
 *
 * @example
 * import * as tg from "typegrad"
 * import { closeOver, evalJaxpr } from "typegrad/advanced"
 * const { jaxpr } = tg.makeJaxpr((x: tg.Tensor<[3]>) => x.add(1))(tg.zeros([3]))
 * const [closed, consts] = closeOver(jaxpr)
 * evalJaxpr(closed, [...consts, tg.tensor([1, 2, 3])]) // [[2, 3, 4]]
 * @since 0.1.0
 */
import "./index.js"
export { closeOver, dce, evalJaxpr, Var, type Eqn, type Jaxpr } from "./grad/ir.js"
