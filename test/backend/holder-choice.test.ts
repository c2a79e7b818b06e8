// Which idle namespace a docker run gets (holder-pool.ts bestHolder): the one whose idle containers
// run as most of the actors' uids, each container serving one actor.
import test from "ava";
import { bareHolder, bestHolder, type Holder } from "../../lab/backend/docker/holder-pool";

const holder = (id: string, uids: number[]): Holder => ({
  id,
  pid: 0,
  tuned: {},
  addresses: ["", ""],
  baseline: {},
  idle: uids.map((uid, i) => ({ id: `${id}-${i}`, uid, probe: undefined as never })),
});

test("the holder with containers for most of the uids, not the first", (t) => {
  const idle = [holder("a", [1000]), holder("b", [1000, 1001]), holder("c", [1001])];
  t.is(bestHolder(idle, [1000, 1001])?.id, "b");
  t.is(bestHolder(idle, [1001])?.id, "b", "the first of equals");
  t.is(bestHolder(idle, [2000])?.id, "a", "none serves: the first one still saves making a namespace");
});

test("a container serves one actor: two actors of a uid need two containers of it", (t) => {
  const idle = [holder("one", [1000, 1002]), holder("two", [1000, 1000])];
  t.is(bestHolder(idle, [1000, 1000])?.id, "two");
  t.is(bestHolder(idle, [1000, 1002])?.id, "one");
});

test("no idle holder: none", (t) => {
  t.is(bestHolder([], []), undefined);
  t.is(bestHolder([], [1000]), undefined);
});

test("a namespace the run will change gets an idle holder that keeps no container, or a new one", (t) => {
  t.is(bareHolder([holder("a", [1000]), holder("b", []), holder("c", [])])?.id, "b");
  t.is(bareHolder([holder("a", [1000]), holder("b", [1001, 1002])]), undefined, "their containers would go with it");
  t.is(bareHolder([]), undefined);
});
