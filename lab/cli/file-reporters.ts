/** --json, --junit, --html: the reporters that write a file when the session ends. */
import type { Reporter } from "../events/events";
import { HtmlReporter } from "../report/html-reporter";
import { JsonReporter } from "../report/json-reporter";
import { JunitReporter } from "../report/junit-reporter";
import type { ReportOptions } from "./options";

export function fileReporters(o: ReportOptions): Reporter[] {
  const reporters: Reporter[] = [];
  if (o.json) reporters.push(new JsonReporter(o.json));
  if (o.junit) reporters.push(new JunitReporter(o.junit));
  if (o.html) reporters.push(new HtmlReporter(o.html));
  return reporters;
}
