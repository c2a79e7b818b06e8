/** pin-cpu N: the actor's process runs on CPU N only, so what it sends is received on CPU N. */
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, parseCount, StepSyntaxError } from "./grammar";
import { registerStep } from "./registry";

export interface PinCpuStep {
  kind: "pin-cpu";
  cpu: number;
}

declare module "./registry" {
  interface StepTypes {
    "pin-cpu": PinCpuStep;
  }
}

export const pinCpuStep = registerStep<PinCpuStep>({
  verb: "pin-cpu",
  usage: "pin-cpu CPU",
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words) {
    const cpu = words.shift();
    if (cpu === undefined) throw new StepSyntaxError("pin-cpu needs a CPU number", "write pin-cpu 0");
    noMoreWords(words, "pin-cpu CPU");
    return { kind: "pin-cpu", cpu: parseCount(cpu, "CPU", 1023) };
  },
  phrase: (step) => `pins itself to CPU ${step.cpu}`,
  async perform(step, actor) {
    return (await callChain(actor, [probeCall("pin-cpu", String(step.cpu))])).observation;
  },
});
