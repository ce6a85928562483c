/**
 * The one piece of global state besides the kernel caches: the default device for factories.
 * `src/index.ts` installs the CPU device at import.
 *
 * @since 0.1.0
 */
import type { Device } from "./backend.js"
import { InternalError } from "../../errors.js"

let defaultDevice: Device | undefined

/** The device factories use when none is given (the CPU unless changed with {@link setDefaultDevice}). */
export const getDefaultDevice = (): Device => {
  if (defaultDevice === undefined)
    throw new InternalError({ message: 'typegrad: no default device installed (import from "typegrad", not from internal modules)' })
  return defaultDevice
}

/**
 * Install the device factories use when none is given; returns the previous one. Internal: the
 * package entry installs the CPU, and there is deliberately no public setter, so that a factory's
 * result type (`"cpu"` unless a `device` option says otherwise) stays true.
 *
 * @internal
 */
export const setDefaultDevice = (d: Device): Device | undefined => {
  const prev = defaultDevice
  defaultDevice = d
  return prev
}
