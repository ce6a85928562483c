import * as tg from "../../src/index.js"
const f = (x: tg.AnyTensor) => x.mul(tg.cond(x.gt(0), (y: tg.AnyTensor) => y.mul(2).sin(), (y: tg.AnyTensor) => y.add(0.5).tanh(), x))
try { console.log(tg.grad(f as never)(tg.scalar(0.3) as never).toString()) } catch (e) { console.log(String(e)) }
const g = (x: tg.AnyTensor) => tg.cond(x.gt(0), (y: tg.AnyTensor) => y.mul(2).sin(), (y: tg.AnyTensor) => y.add(0.5).tanh(), x).mul(3)
try { console.log(tg.grad(g as never)(tg.scalar(0.3) as never).toString()) } catch (e) { console.log(String(e)) }
