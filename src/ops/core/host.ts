/**
 * Host data in and out of tensors, shared by the constructors and the readers: a tensor from a
 * flat host array, and nested JS arrays from flat host data. Internal: the public faces are
 * `tensor`/`zeros`/… and `toArraySync`/`toArray`.
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import { hostConvert, type Aval, type HostArray } from "./aval.js"
import type { Device } from "./backend.js"
import { checkDType } from "./interpreter.js"
import { Tensor, type AnyTensor } from "./tensor.js"

/** A tensor holding `data` (converted to `dtype`) on `device`; its size is checked before anything is allocated. */
export const fromHost = (data: ArrayLike<number>, shape: ReadonlyArray<number>, dtype: DType, device: Device, op = "tensor"): AnyTensor => {
  const aval = { shape: [...shape], dtype }
  checkDType(device, aval, op)
  device.backend.checkAlloc?.(aval, op)
  // the converted copy belongs to this tensor alone: a backend that can adopt it skips a second copy
  return adoptHost(hostConvert(data, dtype), aval, device)
}

/** A tensor that takes over `data`, host data of `aval`'s dtype built for it alone (checked already). */
export const adoptHost = (data: HostArray, aval: Aval, device: Device): AnyTensor => {
  const b = device.backend
  return new Tensor(aval, device, b.adopt !== undefined ? b.adopt(data, aval) : b.upload(data, aval))
}

/** Nested JS arrays from flat host data (booleans for a bool tensor). */
export const nest = (data: HostArray, shape: ReadonlyArray<number>, bool: boolean): unknown => {
  const conv = (v: number) => (bool ? v !== 0 : v)
  if (shape.length === 0) return conv(data[0]!)
  const go = (d: number, off: number): unknown => {
    const n = shape[d]!
    if (d === shape.length - 1) {
      const out = new Array<unknown>(n)
      for (let i = 0; i < n; i++) out[i] = conv(data[off + i]!)
      return out
    }
    const stride = shape.slice(d + 1).reduce((a, b) => a * b, 1)
    return Array.from({ length: n }, (_, i) => go(d + 1, off + i * stride))
  }
  return go(0, 0)
}
