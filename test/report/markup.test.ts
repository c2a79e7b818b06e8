// The HTML page's escaping (lab/report/html/markup.ts): text safe in an element or a quoted attribute,
// characters HTML cannot carry shown as \u{…}; ids made into anchors with every other character as ~hex~.
import test from "ava";
import { anchor, esc } from "../../lab/report/html/markup";

test("esc: the five characters markup reads, and control characters and lone surrogates shown as code points", (t) => {
  t.is(esc(`<a href="x">it's & more</a>`), "&lt;a href=&quot;x&quot;&gt;it&#39;s &amp; more&lt;/a&gt;");
  t.is(esc("a\u0001b\u007fc\ud800d\te\nf\u00e9"), "a\\u{1}b\\u{7f}c\\u{d800}d\te\nf\u00e9");
  t.is(esc(42), "42");
});

test("anchor: the id as it is where it can be, every other character as ~hex~", (t) => {
  t.is(anchor("run", "case.v@5.10"), "run-case.v@5.10");
  t.is(anchor("row", "a b#c\u00e9"), "row-a~20~b~23~c~e9~");
  t.is(anchor("claim", "x/y_z-1"), "claim-x/y_z-1");
});
