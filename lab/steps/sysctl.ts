/** sysctl NAME => VALUE | ENOENT: reads a sysctl of the actor's network namespace (a missing one is ENOENT). */
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { noMoreWords, StepSyntaxError } from "./grammar";
import { registerStep } from "./registry";

export interface SysctlStep {
  kind: "sysctl";
  name: string;
}

declare module "./registry" {
  interface StepTypes {
    sysctl: SysctlStep;
  }
}

const usage = "sysctl NAME => VALUE | ENOENT";

export const sysctlStep = registerStep<SysctlStep>({
  verb: "sysctl",
  usage,
  expects: ["count", "errno"],
  defaultExpectation: () => undefined,
  parse(words) {
    const name = words.shift() ?? "";
    noMoreWords(words, usage);
    if (!/^[a-z][a-z0-9_.-]*$/.test(name))
      throw new StepSyntaxError(`'${name}' is not a sysctl name`, "e.g. net.ipv4.tcp_fin_timeout");
    return { kind: "sysctl", name };
  },
  phrase: (step) => `reads the sysctl ${step.name} of its namespace`,
  async perform(step, actor) {
    const { observation, last } = await callChain(actor, [probeCall("sysctl", step.name)]);
    // The probe answers a number's value as ret (and as text in "value").
    const value = last?.ret;
    return observation.errno === null && value !== undefined ? { ...observation, count: value } : observation;
  },
});
