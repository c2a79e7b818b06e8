// Characters that make a case read differently from how it looks (lab/case/characters.ts): each named
// by code point, kind and line; prose may hold any letter and a no-break space, the case language not.
import test from "ava";
import { codePoint } from "../../lab/case/characters";
import { loadCase } from "../../lab/case/load-case";

const problems = (yaml: string) =>
  loadCase("x.yaml", "x", yaml).problems.map((p) => `${p.line}: ${p.message} | ${p.fix}`);
const TAIL = "source: s\nactors:\n  a: { uid: 1 }\nsteps:\n";
const ASCII =
  "the case language is ASCII: retype the word with ASCII letters (this one may be a look-alike from another alphabet)";
const DELETE = "delete it (retype the word)";

test("each character named: invisible, full-width, Latin, Greek, no script; prose allows letters and a no-break space", (t) => {
  t.deepEqual(
    problems(
      `schemaVersion: 1\ntitle: "t\u00a0—\u2019é"\nrule: "r\u200bx"\n${TAIL}` +
        "  - a: sleep \uff11\n  - a: sleep 1é\n  - a: sleep 1→\n  - a: sleep 1ω\n  - a: sleep 1\u200e\n  - a: sleep 1\u00a0\n  - a: sleep 1\u00ad\n",
    ),
    [
      `3: an invisible character (U+200B, zero width space) in 'r<U+200B>x' | ${DELETE}`,
      `8: '\uff11', not an ASCII character (U+FF11, a full-width '1') in 'sleep \uff11' | ${ASCII}`,
      `9: 'é', not an ASCII character (U+00E9, a non-ASCII Latin letter) in 'sleep 1é' | ${ASCII}`,
      `10: '→', not an ASCII character (U+2192) in 'sleep 1→' | ${ASCII}`,
      `11: 'ω', not an ASCII character (U+03C9, a Greek letter) in 'sleep 1ω' | ${ASCII}`,
      `12: an invisible character (U+200E, left-to-right mark) in 'sleep 1<U+200E>' | ${DELETE}`,
      `13: an invisible character (U+00A0, no-break space) in 'sleep 1<U+00A0>' | ${DELETE}`,
      `14: an invisible character (U+00AD, soft hyphen) in 'sleep 1<U+00AD>' | ${DELETE}`,
    ],
  );
});

test("the edges of full-width forms; an unassigned code point is shown by its number", (t) => {
  t.deepEqual(
    problems(
      `schemaVersion: 1\ntitle: t\nrule: r\n${TAIL}  - a: sleep \uff01\n  - a: sleep \uff5e\n  - a: sleep \uff5f\n  - a: sleep \uff00\n`,
    ),
    [
      `8: '\uff01', not an ASCII character (U+FF01, a full-width '!') in 'sleep \uff01' | ${ASCII}`,
      `9: '\uff5e', not an ASCII character (U+FF5E, a full-width '~') in 'sleep \uff5e' | ${ASCII}`,
      `10: '\uff5f', not an ASCII character (U+FF5F) in 'sleep \uff5f' | ${ASCII}`,
      `11: '\uff00', not an ASCII character (U+FF00) in 'sleep <U+FF00>' | ${ASCII}`,
    ],
  );
});

test("a character in a value of several lines is put on its own line", (t) => {
  t.deepEqual(
    problems(
      `schemaVersion: 1\ntitle: t\nrule: >-\n  line one\n  line t\u200bwo\n${TAIL}  - a: >-\n      sleep\n      1é\n`,
    ),
    [
      `5: an invisible character (U+200B, zero width space) in 'line one line t<U+200B>wo' | ${DELETE}`,
      `12: 'é', not an ASCII character (U+00E9, a non-ASCII Latin letter) in 'sleep 1é' | ${ASCII}`,
      // The step's own line is not the character's: what the step says is still reported there.
      "10: sleep: duration '1é' is not a whole number from 0 to 600000 | usage: sleep MS",
    ],
  );
});

test("a character written as an escape is put on the line of the value that holds it", (t) => {
  // The key starts its line: the line before it is not the one to blame.
  t.deepEqual(problems(`schemaVersion: 1\n"\\u00e9": 1\ntitle: t\nrule: r\n${TAIL}  - a: sleep 1\n`), [
    `2: 'é', not an ASCII character (U+00E9, a non-ASCII Latin letter) in 'é' | ${ASCII}`,
  ]);
});

test("keys and kernels: of a step are the case language too", (t) => {
  t.deepEqual(
    problems(
      `schemaVersion: 1\ntitle: t\nrule: r\n${TAIL}  - a: sleep 1\n    kernels: { "<5.14": EADDRINUSE\u200b }\n  - é: sleep 1\n`,
    ),
    [
      `9: an invisible character (U+200B, zero width space) in 'EADDRINUSE<U+200B>' | ${DELETE}`,
      `10: 'é', not an ASCII character (U+00E9, a non-ASCII Latin letter) in 'é' | ${ASCII}`,
    ],
  );
});

test("every invisible character the loader knows, by its name; in prose too, but for the no-break space", (t) => {
  const named: [number, string][] = [
    [0x00ad, "soft hyphen"],
    [0x180e, "Mongolian vowel separator"],
    [0x200b, "zero width space"],
    [0x200c, "zero width non-joiner"],
    [0x200d, "zero width joiner"],
    [0x200e, "left-to-right mark"],
    [0x200f, "right-to-left mark"],
    [0x2028, "line separator"],
    [0x2029, "paragraph separator"],
    [0x202a, "left-to-right embedding"],
    [0x202b, "right-to-left embedding"],
    [0x202c, "pop directional formatting"],
    [0x202d, "left-to-right override"],
    [0x202e, "right-to-left override"],
    [0x2060, "word joiner"],
    [0x2066, "left-to-right isolate"],
    [0x2067, "right-to-left isolate"],
    [0x2068, "first strong isolate"],
    [0x2069, "pop directional isolate"],
    [0xfeff, "zero width no-break space (byte order mark)"],
  ];
  for (const [cp, name] of named) {
    const c = String.fromCodePoint(cp);
    const code = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
    t.deepEqual(
      problems(`schemaVersion: 1\ntitle: "t${c}"\nrule: r\n${TAIL}  - a: sleep 1${c}\n`),
      [
        `2: an invisible character (${code}, ${name}) in 't<${code}>' | ${DELETE}`,
        `8: an invisible character (${code}, ${name}) in 'sleep 1<${code}>' | ${DELETE}`,
      ],
      name,
    );
  }
  t.deepEqual(problems(`schemaVersion: 1\ntitle: "t\u00a0x"\nrule: r\n${TAIL}  - a: sleep 1\n`), []);
});

test("prose is the title, rule, source, xfail, a requirement's because and a fix's subject: letters are fine there only", (t) => {
  const prose = "é — ’";
  const { case: c, problems: p } = loadCase(
    "x.yaml",
    "x",
    `schemaVersion: 1\ntitle: t ${prose}\nrule: r ${prose}\nsource: s ${prose}\nxfail: x ${prose}\n` +
      `requires: { kernel: host, because: b ${prose} }\n` +
      `fix: { commit: d6ace0dbcbb7, subject: "u ${prose}", mainline: "6.2", source: s }\n` +
      "actors:\n  a: { uid: 1 }\nsteps:\n  - a: sleep 1\n",
  );
  t.deepEqual(p, []);
  t.is(c!.title, `t ${prose}`);
  t.deepEqual(problems(`schemaVersion: 1\ntitle: t\nrule: r\ntags: [é]\n${TAIL}  - a: sleep 1\n`), [
    `4: 'é', not an ASCII character (U+00E9, a non-ASCII Latin letter) in 'é' | ${ASCII}`,
  ]);
});

test("codePoint: four hex digits at least, in upper case, astral ones whole", (t) => {
  t.is(codePoint("a"), "U+0061");
  t.is(codePoint("é"), "U+00E9");
  t.is(codePoint("\u200b"), "U+200B");
  t.is(codePoint("😀"), "U+1F600");
});
