/**
 * The interpreter stack (Autodidax2 style): every primitive application goes through `bind`, which
 * hands it to the current interpreter. Evaluation is the bottom interpreter; transforms (jvp,
 * staging, batching in `src/grad`) push their own and lift values they do not own to constants.
 *
 * @since 0.1.0
 */
import { DeviceMismatch, DTypeError, TracerLeak } from "../../errors.js"
import type { Aval } from "./aval.js"
import type { Device, Storage } from "./backend.js"
import { checkTensor } from "./check.js"
import type { OpName, ParamsOf, Primitive, PrimitiveName } from "./primitive.js"
import { Tensor, Tracer, type AnyTensor } from "./tensor.js"

/** An interpreter of primitives. `transform` names it in errors ("grad", "vmap", "jit", …). */
export abstract class Interpreter {
  /** false once the transform that pushed it has returned: its tracers are then dead */
  active = true
  readonly level: number
  constructor(
    readonly transform: string,
    readonly parent: Interpreter | null,
  ) {
    this.level = parent === null ? 0 : parent.level + 1
  }
  abstract process<P extends OpName>(prim: Primitive<P>, args: ReadonlyArray<AnyTensor>, params: ParamsOf<P>): AnyTensor[]

  /** The tracer of `t` if this interpreter owns it; null for values to treat as constants. */
  own(t: AnyTensor, op: string): Tracer | null {
    const impl = t._impl
    if (!(impl instanceof Tracer)) return null
    if (impl.interpreter === this) return impl
    checkLive(impl, op)
    return null
  }
}

const checkLive = (tr: Tracer, op: string): void => {
  if (!tr.interpreter.active)
    throw new TracerLeak({
      transform: tr.interpreter.transform,
      message: `${op}: a value traced by ${tr.interpreter.transform} was used after ${tr.interpreter.transform} returned (a tracer leaked out of its transform; return it from the function instead of storing it)`,
    })
}

/** Device shared by all inputs of an op; a mismatch is a `DeviceMismatch` naming the op. */
export const commonDevice = (args: ReadonlyArray<AnyTensor>, op: string): Device => {
  if (!(args[0] instanceof Tensor)) checkTensor(args[0], op, args.length === 1 ? "the input" : "input 0")
  const d = args[0]!.device
  for (let i = 1; i < args.length; i++)
    if (args[i]!.device !== d) {
      // an untyped caller's non-tensor has no device: say so rather than "cpu vs undefined"
      checkTensor(args[i], op, `input ${i}`)
      throw new DeviceMismatch({
        op,
        devices: args.map((a) => a.device.name),
        message: `${op}: inputs live on different devices (${args.map((a) => a.device.name).join(" vs ")}); move them with to(x, device) first`,
      })
    }
  return d
}

/** Eager evaluation on the inputs' device. */
export class EvalInterpreter extends Interpreter {
  constructor() {
    super("eval", null)
  }
  process<P extends OpName>(prim: Primitive<P>, args: ReadonlyArray<AnyTensor>, params: ParamsOf<P>): AnyTensor[] {
    if (prim.impl !== undefined) return prim.impl(args, params)
    const storages: Storage[] = []
    for (const a of args) {
      const impl = a._impl
      if (impl instanceof Tracer) {
        checkLive(impl, prim.name)
        throw new TracerLeak({
          transform: impl.interpreter.transform,
          message: `${prim.name}: a value traced by ${impl.interpreter.transform} reached eager evaluation outside of ${impl.interpreter.transform}`,
        })
      }
      storages.push(impl)
    }
    const device = commonDevice(args, prim.name)
    const inAvals = args.map((a) => a.aval)
    const outAvals = prim.abstractEval(inAvals, params)
    for (const av of outAvals) {
      checkDType(device, av, prim.name)
      device.backend.checkAlloc?.(av, prim.name)
    }
    const outs = device.backend.run(prim.name as PrimitiveName, storages, inAvals, params as ParamsOf<PrimitiveName>, outAvals)
    return outs.map((s, i) => new Tensor(outAvals[i]!, device, s))
  }
}

export const checkDType = (device: Device, av: Aval, op: string): void => {
  if (!device.backend.supports(av.dtype))
    throw new DTypeError({ op, dtypes: [av.dtype], message: `${op}: dtype ${av.dtype} is not supported on ${device.name}` })
}

export const evalInterpreter = new EvalInterpreter()
let current: Interpreter = evalInterpreter

/** The interpreter ops are dispatched to right now. */
export const currentInterpreter = (): Interpreter => current

/** Run `f` with `interp` as the current interpreter (restored afterwards, also on throw). */
export const withInterpreter = <A>(interp: Interpreter, f: () => A): A => {
  const prev = current
  current = interp
  try {
    return f()
  } finally {
    current = prev
  }
}

/** Every input of a primitive is a tensor: the one run-time check all ops pass through (an untyped caller's `undefined` or `{}`). */
const checkArgs = (name: string, args: ReadonlyArray<AnyTensor>): void => {
  for (let i = 0; i < args.length; i++)
    if (!(args[i] instanceof Tensor)) checkTensor(args[i], name, args.length === 1 ? "the input" : `input ${i}`)
}

/** Apply a primitive under the current interpreter. */
export const bind = <P extends OpName>(prim: Primitive<P>, args: ReadonlyArray<AnyTensor>, params: ParamsOf<P>): AnyTensor[] => {
  checkArgs(prim.name, args)
  return current.process(prim, args, params)
}

/** `bind` for single-output primitives. */
export const bind1 = <P extends OpName>(prim: Primitive<P>, args: ReadonlyArray<AnyTensor>, params: ParamsOf<P>): AnyTensor => {
  checkArgs(prim.name, args)
  return current.process(prim, args, params)[0]!
}
