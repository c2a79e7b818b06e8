// Reading the demo's story out of its services' logs, and printing it: no containers needed.
import test from "ava";
import type { HijackDemoResult } from "../../lab/demo/hijack-demo";
import { tallyClient, tallyServer } from "../../lab/demo/hijack-demo-logs";
import { formatHijackDemo } from "../../lab/demo/hijack-demo-report";

const clientLog = [
  "client: uid 1002 sends 4 requests to 10.214.7.10:5353/udp, one every 200 ms",
  "client: request 1/4 answered by attacker",
  "client: request 2/4 answered by victim",
  "client: request 3/4 unanswered after 500 ms",
  "client: request 4/4 answered by attacker",
  "client: done: 3 of 4 requests answered",
];

test("the client's log gives who answered each request, and whether it got to its end", (t) => {
  t.deepEqual(tallyClient(clientLog), {
    uid: 1002,
    sent: 4,
    answeredBy: { attacker: 2, victim: 1 },
    unanswered: 1,
    finished: true,
  });
  t.false(tallyClient(clientLog.slice(0, 3)).finished, "a client cut short is told apart");
  t.deepEqual(tallyClient(["client: request 1/4 not sent: ENETUNREACH"]), {
    sent: 0,
    answeredBy: {},
    unanswered: 0,
    finished: false,
  });
});

test("a service's log gives its uid, its bind and how many requests it answered", (t) => {
  const log = [
    "attacker: uid 1001 bound udp 10.214.7.10:5353 with SO_REUSEADDR; answering each request with my name",
    "attacker: answered request 1 from 10.214.7.2:40211 (1 so far)",
    "victim: answered request 2 from 10.214.7.2:40211 (1 so far)",
    "attacker: answered request 4 from 10.214.7.2:40211 (2 so far)",
  ];
  t.deepEqual(tallyServer("attacker", log), { uid: 1001, bound: "10.214.7.10:5353", reuseaddr: true, answered: 2 });
  const failed = tallyServer("attacker", ["attacker: bind udp 10.214.7.10:5353 failed: EADDRINUSE"]);
  t.is(failed.bound, undefined, "a failed bind is no bind");
  t.false(
    tallyServer("victim", ["victim: uid 1000 bound udp 0.0.0.0:5353; answering each request with my name"]).reuseaddr,
  );
});

const result: HijackDemoResult = {
  project: "reuselab-hijack-x",
  compose: "docker-compose version 1.29.2, build unknown",
  subnet: "10.214.7.0/24",
  victimIp: "10.214.7.10",
  requests: 10,
  sent: 10,
  answeredByAttacker: 10,
  answeredByVictim: 0,
  unanswered: 0,
  victim: { uid: 1000, bound: "0.0.0.0:5353", reuseaddr: true, answered: 0 },
  attacker: { uid: 1001, bound: "10.214.7.10:5353", reuseaddr: true, answered: 10 },
  clientUid: 1002,
  clientLog: [],
  durationMs: 4200,
};

test("the report says who answered, and what that means", (t) => {
  const text = formatHijackDemo(result);
  t.regex(text, /attacker +uid 1001 +bound udp 10\.214\.7\.10:5353 with SO_REUSEADDR +answered 10/);
  t.regex(text, /victim +uid 1000 +bound udp 0\.0\.0\.0:5353 with SO_REUSEADDR +answered 0/);
  t.regex(text, /answered by the attacker 10 of 10, by the victim 0, unanswered 0/);
  t.regex(text, /the attacker took every request/);
  t.regex(
    formatHijackDemo({ ...result, answeredByAttacker: 0, answeredByVictim: 10 }),
    /the victim answered every request/,
  );
  t.regex(formatHijackDemo({ ...result, answeredByAttacker: 6, unanswered: 4 }), /not the outcome the demo shows/);
});
