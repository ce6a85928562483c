/**
 * The staging interpreter: a partial evaluator that records operations on its own tracers as
 * equations of a jaxpr and forwards everything else (known values) to its parent, which computes
 * them eagerly. `linearize` stages the tangent half of a JVP with it; `jit` and the control-flow
 * primitives stage whole functions.
 *
 * @since 0.1.0
 */
import type { Aval } from "../ops/core/aval.js"
import type { Device } from "../ops/core/backend.js"
import { bind, checkDType, commonDevice, currentInterpreter, Interpreter, withInterpreter } from "../ops/core/interpreter.js"
import type { OpName, ParamsOf, Primitive } from "../ops/core/primitive.js"
import { Tensor, Tracer, type AnyTensor } from "../ops/core/tensor.js"
import { closeOver, dce, Var, type Eqn, type Jaxpr } from "./ir.js"

/** A staged value: the variable that will hold it. */
export class StagingTracer extends Tracer {
  constructor(
    readonly interpreter: StagingInterpreter,
    readonly v: Var,
  ) {
    super()
  }
}

export class StagingInterpreter extends Interpreter {
  readonly eqns: Eqn[] = []
  private readonly constVars: Var[] = []
  private readonly consts: AnyTensor[] = []
  private readonly constOf = new Map<AnyTensor, Var>()

  /** A fresh input variable, as a tensor. */
  newArg(aval: Aval, device: Device): AnyTensor {
    return new Tensor(aval, device, new StagingTracer(this, new Var(aval)))
  }

  /** The variable holding `t`: its own if `t` is staged here, else a constant captured from outside. */
  varOf(t: AnyTensor, op: string): Var {
    const tr = this.own(t, op)
    if (tr !== null) return (tr as StagingTracer).v
    let v = this.constOf.get(t)
    if (v === undefined) {
      v = new Var(t.aval)
      this.constOf.set(t, v)
      this.constVars.push(v)
      this.consts.push(t)
    }
    return v
  }

  override process<P extends OpName>(prim: Primitive<P>, args: ReadonlyArray<AnyTensor>, params: ParamsOf<P>): AnyTensor[] {
    if (!args.some((a) => this.own(a, prim.name) !== null)) return withInterpreter(this.parent!, () => bind(prim, args, params))
    const device = commonDevice(args, prim.name)
    const inputs = args.map((a) => this.varOf(a, prim.name))
    const outAvals = prim.abstractEval(
      args.map((a) => a.aval),
      params,
    )
    for (const av of outAvals) checkDType(device, av, prim.name)
    const outs = outAvals.map((av) => new Var(av))
    this.eqns.push({ prim, params, inputs, outs } as unknown as Eqn)
    return outs.map((v) => new Tensor(v.aval, device, new StagingTracer(this, v)))
  }

  /** The jaxpr from `ins` (tensors made by `newArg`) to `outs`. */
  finish(ins: ReadonlyArray<AnyTensor>, outs: ReadonlyArray<AnyTensor>): Jaxpr {
    const inVars = ins.map((t) => this.varOf(t, "stage"))
    const outVars = outs.map((t) => this.varOf(t, "stage"))
    return { constVars: this.constVars, consts: this.consts, inVars, eqns: this.eqns, outs: outVars }
  }
}

/**
 * Stage `f` on abstract inputs: the jaxpr of its computation on its own inputs, with values it
 * captures from outside (including tracers of enclosing transforms) as constants.
 */
export const stageFlat = (
  transform: string,
  f: (xs: AnyTensor[]) => AnyTensor[],
  avals: ReadonlyArray<Aval>,
  devices: ReadonlyArray<Device>,
): Jaxpr => {
  const S = new StagingInterpreter(transform, currentInterpreter())
  try {
    const ins = avals.map((av, i) => S.newArg(av, devices[i]!))
    const outs = withInterpreter(S, () => f(ins))
    return S.finish(ins, outs)
  } finally {
    S.active = false
  }
}

/** Stage `f` and closure-convert: a closed body (dead code removed) and the constants it captured. */
export const stageClosed = (
  transform: string,
  f: (xs: AnyTensor[]) => AnyTensor[],
  avals: ReadonlyArray<Aval>,
  devices: ReadonlyArray<Device>,
): [Jaxpr, AnyTensor[]] => closeOver(dce(stageFlat(transform, f, avals, devices)))
