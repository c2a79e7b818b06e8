/**
 * bind tcp|udp ADDRESS:PORT [OPTIONS…] [as NAME]   makes a socket, sets its options, binds it
 * bind ADDRESS:PORT [OPTIONS…] [on NAME]           binds a socket the actor already has
 */
import { parseAddressedSocket, preparationCalls, type AddressedSocket } from "./addressed-socket";
import { probeCall } from "../probe/commands";
import { callChain } from "./calls";
import { endpointPhrase, optionsPhrase, sockPhrase } from "./phrase";
import { registerStep } from "./registry";

export interface BindStep extends AddressedSocket {
  kind: "bind";
}

declare module "./registry" {
  interface StepTypes {
    bind: BindStep;
  }
}

const usage = "bind tcp|udp ADDRESS:PORT [OPTIONS…] [as NAME]  or  bind ADDRESS:PORT [OPTIONS…] [on NAME]";

export const bindStep = registerStep<BindStep>({
  verb: "bind",
  usage,
  expects: ["ok", "errno"],
  defaultExpectation: () => ({ kind: "ok" }),
  parse(words, ctx) {
    return { kind: "bind", ...parseAddressedSocket("bind", words, ctx, usage) };
  },
  phrase: (step) =>
    `binds ${step.create ? `a new ${step.create.proto.toUpperCase()} socket` : sockPhrase(step)} to ${endpointPhrase(step.endpoint)}${optionsPhrase(step.options)}`,
  async perform(step, actor) {
    const calls = [
      ...preparationCalls(step),
      probeCall("bind", step.sock, actor.resolve(step.endpoint.host), String(step.endpoint.port)),
    ];
    return (await callChain(actor, calls)).observation;
  },
});
