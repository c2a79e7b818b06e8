// A variant's parameters in a case's strings (lab/case/variants.ts): "{name}" is replaced by the variant's
// value, runs of white space (a folded YAML line, a value with spaces) become one space, the ends are
// trimmed, and a name no parameter defines is reported, left as written.
import test from "ava";
import { substitute } from "../../lab/case/variants";

const params = new Map([
  ["addr", "10.0.0.1:53"],
  ["proto", "udp"],
]);

test("each {name} becomes its value; white space runs become one space; the ends are trimmed", (t) => {
  t.deepEqual(substitute("  bind {proto}\n   {addr}\t ", params), { text: "bind udp 10.0.0.1:53", unknown: [] });
  t.deepEqual(substitute("bind  {proto}  0.0.0.0:53", params), { text: "bind udp 0.0.0.0:53", unknown: [] });
});

test("a name no parameter defines stays as written and is named, once per use; Object's members are not parameters", (t) => {
  t.deepEqual(substitute("send {n} {proto} {port} {n}", params), {
    text: "send {n} udp {port} {n}",
    unknown: ["n", "port", "n"],
  });
  t.deepEqual(substitute("{constructor} {toString}", params), {
    text: "{constructor} {toString}",
    unknown: ["constructor", "toString"],
  });
  t.deepEqual(substitute("{1x} {}", params), { text: "{1x} {}", unknown: [] });
});
