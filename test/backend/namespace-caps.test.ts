// Which capabilities make a namespace one that no later run gets (lab/backend/namespace-caps.ts).
import test from "ava";
import { changesNamespace } from "../../lab/backend/namespace-caps";
import { CAPS } from "../../lab/case/read-actors";

test("who an actor is and which ports it may bind leave no trace in its namespace", (t) => {
  t.false(changesNamespace([]));
  t.false(changesNamespace(["SETUID", "SETGID"]));
  t.false(changesNamespace(["NET_BIND_SERVICE"]));
  t.false(changesNamespace(["setuid"]), "as a case file writes it, too");
});

test("NET_ADMIN and NET_RAW change it, alone or beside harmless ones", (t) => {
  t.true(changesNamespace(["NET_ADMIN"]));
  t.true(changesNamespace(["NET_RAW"]));
  t.true(changesNamespace(["SETUID", "NET_ADMIN", "NET_BIND_SERVICE"]));
});

test("every capability a case may give is judged, and one added later changes the namespace", (t) => {
  const harmless = CAPS.filter((c) => !changesNamespace([c.toUpperCase()]));
  t.deepEqual(harmless, ["setuid", "setgid", "net_bind_service"]);
  t.true(changesNamespace(["SYS_ADMIN"]));
});
