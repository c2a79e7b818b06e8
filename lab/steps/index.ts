/**
 * Loads every step kind: each module of this folder that registers one (registry.ts). A new step kind
 * is a new module here, and nothing else in the engine names it.
 */
import { readdirSync } from "node:fs";
import { extname, join } from "node:path";

const own = extname(__filename);
for (const file of readdirSync(__dirname).sort()) {
  if (extname(file) !== own || file.endsWith(`.d${own}`) || file === `index${own}`) continue;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(join(__dirname, file));
}

export { fansOut, groupDrain, groupVerbs, kindOf, performStep, stepKind, stepVerbs } from "./registry";
