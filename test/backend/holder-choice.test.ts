// Which idle namespace a docker run gets (holder-pool.ts bestHolder): the one whose idle containers
// serve most of the actors (any container serves any uid, each one actor), and of those the one whose
// workers already run as most of the actors' uids.
import test from "ava";
import { bareHolder, bestHolder, type Holder } from "../../lab/backend/docker/holder-pool";

const holder = (id: string, uids: number[]): Holder => ({
  id,
  pid: 0,
  tuned: {},
  addresses: ["", ""],
  baseline: {},
  idle: uids.map((uid, i) => ({ id: `${id}-${i}`, uid, probe: undefined as never })),
  unplug: () => Promise.resolve(),
});

test("the holder whose containers serve most of the actors, whatever their uids", (t) => {
  const idle = [holder("a", [1000]), holder("b", [2000, 2001, 2002])];
  t.is(bestHolder(idle, [1000, 1000])?.id, "b", "two containers to recycle beat one of the uid and one to make");
  t.is(bestHolder(idle, [1000])?.id, "a", "one serves either way: the one already of the uid");
  t.is(bestHolder(idle, [3000])?.id, "a", "none of the uid: the first of equals");
});

test("containers beyond the actors' count do not count; of equals, the one with most workers of the uids", (t) => {
  const idle = [holder("many", [5, 6, 7, 8]), holder("two", [1000, 1001]), holder("other", [2000, 1001])];
  t.is(bestHolder(idle, [1000, 1001])?.id, "two");
  t.is(bestHolder(idle, [2000, 1001])?.id, "other");
  t.is(bestHolder(idle, [1000, 1000, 1000])?.id, "many", "three to serve: four containers beat two");
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
