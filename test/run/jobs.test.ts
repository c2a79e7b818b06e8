// How many runs go at once when --jobs is not given (lab/run/jobs.ts): one per core on this machine's
// kernel, at least 2 and at most 32; 2 in a guest (one virtual CPU).
import test from "ava";
import { availableParallelism } from "node:os";
import { defaultJobs } from "../../lab/run/jobs";

test("this machine's kernel: one run per core, never fewer than 2, never more than 32", (t) => {
  t.is(defaultJobs("host", 1), 2);
  t.is(defaultJobs("host", 2), 2);
  t.is(defaultJobs("host", 6), 6);
  t.is(defaultJobs("host", 32), 32);
  t.is(defaultJobs("host", 96), 32);
  t.is(defaultJobs("host"), Math.min(32, Math.max(2, availableParallelism())));
});

test("a guest kernel: 2, whatever the machine has (the guest has one CPU)", (t) => {
  t.is(defaultJobs("5.10", 1), 2);
  t.is(defaultJobs("6.12", 64), 2);
  t.is(defaultJobs("sid"), 2);
});
