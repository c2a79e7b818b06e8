/**
 * The debug log: what the lab chose not to treat as an error (a teardown step that found nothing to
 * remove, a best-effort read that failed), one line each, so nothing is swallowed without a trace.
 * Off unless REUSELAB_DEBUG is set: `REUSELAB_DEBUG=1` writes to stderr, any other value is a file the
 * lines are appended to. Each line: time, where (a stable "folder/what" tag), and what happened.
 */
import { appendFileSync } from "node:fs";

function target(): string | undefined {
  const v = process.env.REUSELAB_DEBUG;
  return v === undefined || v === "" || v === "0" ? undefined : v;
}

/** True when REUSELAB_DEBUG is on: for a caller that would otherwise build an expensive message. */
export function debugEnabled(): boolean {
  return target() !== undefined;
}

function describe(what: unknown): string {
  if (what instanceof Error)
    return `${what.name}${"code" in what && what.code ? ` ${String(what.code)}` : ""}: ${what.message}`;
  return typeof what === "string" ? what : JSON.stringify(what);
}

/** One line in the debug log: `where` is a stable tag such as "netns/teardown", `what` an error or a sentence. */
export function debugLog(where: string, what: unknown): void {
  const to = target();
  if (to === undefined) return;
  const line = `${new Date().toISOString()} reuselab ${where}: ${describe(what).replace(/\s*\n\s*/g, " | ")}\n`;
  try {
    if (to === "1" || to === "stderr") process.stderr.write(line);
    else appendFileSync(to, line);
  } catch {
    // The debug log must never change what the lab does; a log file that cannot be written is dropped.
  }
}

/**
 * For `.catch(ignored("docker/remove-network"))` and `catch (e) { ignored("…")(e) }`: an error the
 * caller expects and lets go, written to the debug log instead of vanishing.
 */
export function ignored(where: string): (error: unknown) => undefined {
  return (error: unknown) => {
    debugLog(where, error);
    return undefined;
  };
}
