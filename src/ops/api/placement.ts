/**
 * Where and as what a new tensor goes, checked once for every constructor and sampler: the
 * options' dtype and device (for untyped callers too), and the new shape's size on its device
 * before anything is allocated.
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import type { Aval } from "../core/aval.js"
import type { Device } from "../core/backend.js"
import { checkDevice, checkDTypeName, checkOptions } from "../core/check.js"
import { getDefaultDevice } from "../core/defaults.js"
import { checkDType } from "../core/interpreter.js"
import type { CreateOptions } from "./create.js"
import { checkShape } from "./random.js"

const createKeys = ["dtype", "device"]

/** The dtype and device of a constructor's options, checked for untyped callers. */
export const place = (
  op: string,
  o: CreateOptions | undefined,
  allowed: ReadonlyArray<string> = createKeys,
): [DType | undefined, Device] => {
  if (o === undefined) return [undefined, getDefaultDevice()]
  checkOptions(o, op, allowed)
  return [
    o.dtype === undefined ? undefined : checkDTypeName(o.dtype, op, "options.dtype"),
    o.device === undefined ? getDefaultDevice() : checkDevice(o.device, op, "options.device"),
  ]
}

/** Check a new tensor's shape, dtype and size on its device before anything is allocated (`OutOfMemory` past the device's limit). */
export const checkNew = (op: string, shape: ReadonlyArray<number>, dtype: DType, device: Device): Aval => {
  checkShape(op, shape)
  const aval = { shape: [...shape], dtype }
  checkDType(device, aval, op)
  device.backend.checkAlloc?.(aval, op)
  return aval
}
