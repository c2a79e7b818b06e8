/**
 * A builder call's socket options as the case language's words ("reuseaddr", "rcvbuf=4096"), so that
 * the step's own parser checks them (lab/steps/socket-options.ts): one grammar for cases and code.
 */

/** Options set on the socket a call makes, before its bind or connect. `false` sets the option to 0. */
export interface SocketOptions {
  /** SO_REUSEADDR. */
  reuseaddr?: boolean;
  /** SO_REUSEPORT. */
  reuseport?: boolean;
  /** IPV6_V6ONLY (IPv6 sockets only). */
  v6only?: boolean;
  /** SO_RCVBUF, in bytes. */
  rcvbuf?: number;
  /** SO_SNDBUF, in bytes. */
  sndbuf?: number;
  /** SO_LINGER on, with this many seconds (0: close() aborts the connection with a RST). */
  linger?: number;
}

const WORDS: Record<keyof SocketOptions, string> = {
  reuseaddr: "reuseaddr",
  reuseport: "reuseport",
  v6only: "v6only",
  rcvbuf: "rcvbuf",
  sndbuf: "sndbuf",
  linger: "linger",
};

/** The options' words, in a fixed order; an unknown key is passed on as written, for the parser to refuse by name. */
export function optionWords(options: SocketOptions): string[] {
  const words: string[] = [];
  for (const [key, value] of Object.entries(options) as [string, unknown][]) {
    if (value === undefined) continue;
    const word = WORDS[key as keyof SocketOptions] ?? key;
    if (typeof value === "boolean") words.push(value ? word : `${word}=0`);
    else words.push(`${word}=${String(value)}`);
  }
  return words;
}
