/**
 * Node's built-in modules, reached at run time rather than imported, so that a browser bundle of
 * typegrad needs no Node module: file checkpoints use them in Node and say plainly that they are
 * unavailable elsewhere. (Node-only packages go through the package's `imports` conditions, as
 * `#cli-progress` does.)
 *
 * @since 0.1.0
 */

interface NodeProcess {
  readonly getBuiltinModule?: (id: string) => unknown
}

/** A Node built-in module (`"node:fs/promises"`), or undefined outside Node. @internal */
export const nodeBuiltin = <T>(id: string): T | undefined => {
  try {
    return (globalThis as { process?: NodeProcess }).process?.getBuiltinModule?.(id) as T | undefined
  } catch {
    return undefined
  }
}
