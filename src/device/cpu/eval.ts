/**
 * Whether this realm may compile code from strings. A Content-Security-Policy without
 * `'unsafe-eval'` makes `new Function` throw, so the CPU backend detects it once and runs its
 * loops through closures (eager kernels, `codegen.ts`) and an interpreter (jit loops, `fused-interp.ts`).
 *
 * @since 0.1.0
 */

const detected = ((): boolean => {
  try {
    return new Function("return 1")() === 1
  } catch {
    return false
  }
})()

let forced: boolean | undefined

/** True when generated loops may be built with `new Function` (detected once, or as forced). */
export const canGenerate = (): boolean => forced ?? detected

/**
 * Internal, for tests: force code generation off (`false`), on where available (`true`), or back to
 * the detected value (`undefined`). Programs compiled before keep the loops they were built with.
 */
export const forceCodegen = (on: boolean | undefined): void => {
  forced = on === true ? detected : on
}
