/**
 * connect tcp|udp ADDRESS:PORT [OPTIONS…] [within MS] [as NAME]   makes a socket and connects it
 * connect ADDRESS:PORT [OPTIONS…] [within MS] [on NAME]            connects a socket the actor has
 */
import { parseAddressedSocket, preparationCalls, type AddressedSocket } from "./addressed-socket";
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { takeMilliseconds } from "./grammar";
import { endpointPhrase, optionsPhrase, sockPhrase } from "./phrase";
import { registerStep } from "./registry";

export interface ConnectStep extends AddressedSocket {
  kind: "connect";
  timeoutMs: number;
}

declare module "./registry" {
  interface StepTypes {
    connect: ConnectStep;
  }
}

const usage =
  "connect tcp|udp ADDRESS:PORT [OPTIONS…] [within MS] [as NAME]  or  connect ADDRESS:PORT [within MS] [on NAME]";

export const connectStep = registerStep<ConnectStep>({
  verb: "connect",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    const timeoutMs = takeMilliseconds(words, "within") ?? 2000;
    return { kind: "connect", ...parseAddressedSocket("connect", words, ctx, usage), timeoutMs };
  },
  phrase: (step) =>
    `connects ${step.create ? `a new ${step.create.proto.toUpperCase()} socket` : sockPhrase(step)} to ${endpointPhrase(step.endpoint)}${optionsPhrase(step.options)}`,
  async perform(step, actor) {
    const target = [actor.resolve(step.endpoint.host), String(step.endpoint.port), String(step.timeoutMs)];
    return (
      await callChain(
        actor,
        [...preparationCalls(step), probeCall("connect", step.sock, ...target)],
        step.timeoutMs + 5000,
      )
    ).observation;
  },
});
