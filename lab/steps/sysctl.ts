/** sysctl NAME => VALUE | ENOENT: reads a sysctl of the actor's network namespace (a missing one is ENOENT). */
import { callChain, numberField } from "./calls";
import { noMoreWords, StepSyntaxError } from "./grammar";
import { registerStep } from "./registry";

export interface SysctlStep {
  kind: "sysctl";
  name: string;
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
    if (!/^[a-z][a-z0-9_.-]*$/.test(name)) throw new StepSyntaxError(`'${name}' is not a sysctl name`, "e.g. net.ipv4.tcp_fin_timeout");
    return { kind: "sysctl", name };
  },
  async perform(step, actor) {
    const { observation, last } = await callChain(actor, [["sysctl", step.name]]);
    const value = numberField(last, "ret");
    return observation.errno === null && value !== undefined ? { ...observation, count: value } : observation;
  },
});
