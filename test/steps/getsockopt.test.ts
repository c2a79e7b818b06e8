// getsockopt, the step kind added in its own module (lab/steps/getsockopt.ts): its grammar and
// mistakes as the loader reports them, its call and reply as the probe's table has them, and the
// options it reads checked against the probe's C option table. Its run on a kernel is the case
// cases/tcp-bind/reuse-options-are-per-socket.yaml.
import test from "ava";
import { readFileSync } from "node:fs";
import { loadCase } from "../../lab/case/load-case";
import type { ActorRuntime } from "../../lab/steps/actor-runtime";
import { getsockoptStep, READABLE } from "../../lab/steps/getsockopt";
import { parseOption } from "../../lab/steps/socket-options";
import { judge } from "../../lab/verdict/judge";

const head = "schemaVersion: 1\ntitle: t\nrule: r\nsource: s\nactors:\n  a: { uid: 1000 }\nsteps:\n";
const load = (steps: string) => loadCase("x.yaml", "x", head + steps);
const messages = (steps: string) => load(steps).problems.map((p) => `${p.line}: ${p.message} (${p.fix ?? ""})`);

test("getsockopt OPTION [on NAME] => VALUE reads an option of a socket the actor has", (t) => {
  const { case: c, problems } = load(
    "  - a: socket udp v6 as s\n  - a: getsockopt v6only on s => 0\n  - a: getsockopt rcvbuf => 8192..300000\n",
  );
  t.deepEqual(problems, []);
  const [, named, newest] = c!.variants[0]!.steps.map((s) => (s.members ? undefined : s));
  t.deepEqual(named!.step, { kind: "getsockopt", sock: "s", named: true, option: "v6only" });
  t.deepEqual(newest!.step, { kind: "getsockopt", sock: "s", option: "rcvbuf" });
  t.deepEqual(newest!.expect, { kind: "count", range: { min: 8192, max: 300000 } });
  t.is(named!.phrase, "reads IPV6_V6ONLY of its socket s");
  t.is(newest!.phrase, "reads SO_RCVBUF of its socket");
});

test("getsockopt's mistakes are refused at load, with the line and the fix", (t) => {
  t.deepEqual(messages("  - a: socket tcp as s\n  - a: getsockopt reuseport\n"), [
    "9: getsockopt: 'getsockopt' needs an expectation (write '=> …' (usage: getsockopt OPTION [on NAME] => VALUE))",
  ]);
  t.deepEqual(messages("  - a: socket tcp as s\n  - a: getsockopt reuseport=1\n"), [
    "9: getsockopt reads 'reuseport'; its value goes after '=>' (write getsockopt reuseport => 1)",
  ]);
  t.regex(
    messages("  - a: socket tcp as s\n  - a: getsockopt linger => 0\n")[0]!,
    /^9: getsockopt: option 'linger' cannot be read back \(getsockopt reads reuseaddr, /,
  );
  t.regex(
    messages("  - a: socket tcp as s\n  - a: getsockopt mcast-if => 0\n")[0]!,
    /^9: getsockopt: option 'mcast-if' cannot be read back/,
  );
  t.regex(
    messages("  - a: socket tcp as s\n  - a: getsockopt reusport => 1\n")[0]!,
    /^9: getsockopt: unknown socket option 'reusport' \(did you mean 'reuseport'\?\)/,
  );
  t.regex(
    messages("  - a: socket tcp as s\n  - a: getsockopt v6only => 0\n")[0]!,
    /^9: getsockopt: option 'v6only' is for IPv6 sockets; a's 's' is IPv4/,
  );
  t.regex(messages("  - a: getsockopt reuseport => 1\n")[0]!, /^8: getsockopt: a has no socket/);
  t.regex(
    messages("  - a: socket tcp as s\n  - a: getsockopt reuseport => ok\n")[0]!,
    /^9: getsockopt: this step cannot expect ok/,
  );
  t.regex(
    messages("  - a: socket tcp as s\n  - a: getsockopt reuseport on s extra => 1\n")[0]!,
    /^9: getsockopt: unexpected 'extra'/,
  );
});

/** An actor whose probe answers each call with the given reply fields. */
function actorAnswering(fields: Record<string, unknown>, calls: string[][]): ActorRuntime {
  return {
    name: "a",
    call: (words) => {
      calls.push([...words]);
      return Promise.resolve({ seq: calls.length, cmd: words[0]!, ...fields } as never);
    },
    fire: () => undefined,
    awaitExit: () => Promise.reject(new Error("not here")),
    resolve: () => "127.0.0.1",
  };
}

test("getsockopt asks the probe 'getsockopt NAME OPTION' and observes its value as the count", async (t) => {
  const calls: string[][] = [];
  const step = { kind: "getsockopt" as const, sock: "s", option: "rcvbuf" };
  const seen = await getsockoptStep.perform(step, actorAnswering({ ret: 0, errno: null, value: 8192 }, calls), {
    kind: "count",
    range: { min: 8192, max: 8192 },
  });
  t.deepEqual(calls, [["getsockopt", "s", "rcvbuf"]]);
  t.deepEqual(seen, { ret: 0, errno: null, count: 8192, trace: ["getsockopt s rcvbuf = 0"] });
  t.true(judge({ kind: "count", range: { min: 8192, max: 8192 } }, seen).ok);
  t.false(judge({ kind: "count", range: { min: 4096, max: 4096 } }, seen).ok);
  // A refused call has no value: the errno is the observation, and a count is not met.
  const refused = await getsockoptStep.perform(step, actorAnswering({ ret: -1, errno: "EBADF" }, []), {
    kind: "count",
    range: { min: 0, max: 0 },
  });
  t.deepEqual(refused, { ret: -1, errno: "EBADF", trace: ["getsockopt s rcvbuf = -1 EBADF"] });
  t.false(judge({ kind: "count", range: { min: 0, max: 0 } }, refused).ok);
});

test("the options getsockopt takes are those the probe reads as an int (images/probe/cmd_socket.c)", (t) => {
  const source = readFileSync("images/probe/cmd_socket.c", "utf8");
  const ints = [...source.matchAll(/\{\s*"(\w+)",[^{}]*,\s*(\w+)\s*\}/g)]
    .filter((m) => m[2] === "INT")
    .map((m) => m[1]);
  t.true(ints.length >= 8, ints.join(" "));
  t.deepEqual(READABLE.map((w) => parseOption(`${w}=0`).name).sort(), ints.sort());
});
