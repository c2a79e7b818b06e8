// ava in a project that depends on reuselab: each test declares an ad-hoc lab in code (the Lab
// builder) on the netns backend (root, no Docker engine needed) and asks the kernel directly. Our
// service binds 0.0.0.0:5353/udp with SO_REUSEPORT; another user's process on the same host must not
// be able to take its traffic. t.teardown() removes the lab whether the test passes or fails.
const test = require("ava");
const { Lab, LabError } = require("reuselab");

/** The service's host: the service (uid 1000), an intruder of another uid in its network namespace, and a client on another. */
async function startLab(t) {
  const lab = await new Lab({ backend: "netns", name: "service-port" })
    .actor("service", { uid: 1000 })
    .actor("intruder", { uid: 1001, netns: "service" })
    .actor("client", { uid: 1002 })
    .start();
  t.teardown(() => lab.stop());
  return { service: lab.actor("service"), intruder: lab.actor("intruder"), client: lab.actor("client") };
}

test("another uid cannot join our service's SO_REUSEPORT group", async (t) => {
  const { service, intruder } = await startLab(t);
  t.true((await service.bind("udp", "0.0.0.0:5353", { reuseport: true })).ok);
  const r = await intruder.bind("udp", "0.0.0.0:5353", { reuseport: true });
  t.is(r.errno, "EADDRINUSE", r.trace.join("\n"));
});

test("nor bind our service's specific address with both options: the service gets every datagram", async (t) => {
  const { service, intruder, client } = await startLab(t);
  await service.bind("udp", "0.0.0.0:5353", { reuseport: true });
  t.is((await intruder.bind("udp", "$service:5353", { reuseaddr: true, reuseport: true })).errno, "EADDRINUSE");
  await client.bind("udp", "0.0.0.0:0");
  t.is((await client.send(10, "$service:5353")).count, 10);
  t.is(await service.recv({ atLeast: 10 }), 10);
});

test("had the service set SO_REUSEADDR too, the intruder's specific bind would take every datagram", async (t) => {
  const { service, intruder, client } = await startLab(t);
  await service.bind("udp", "0.0.0.0:5353", { reuseaddr: true, reuseport: true });
  t.true((await intruder.bind("udp", "$service:5353", { reuseaddr: true })).ok, "SO_REUSEADDR has no uid check");
  await client.bind("udp", "0.0.0.0:0");
  await client.send(10, "$service:5353");
  t.is(await intruder.recv({ atLeast: 10 }), 10);
  t.is(await service.recv(), 0);
});

test("a typo in an actor's name is a LabError before any syscall", async (t) => {
  const { intruder } = await startLab(t);
  const e = await t.throwsAsync(intruder.bind("udp", "$servce:5353"), { instanceOf: LabError });
  t.is(e.code, "REUSELAB_BAD_LAB");
  t.regex(e.message, /unknown actor 'servce'.*did you mean 'service'\?/);
});
