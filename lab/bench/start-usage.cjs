// Preloaded by cli-bench.ts (--require): when the process exits, writes its peak resident set size
// (KB, getrusage's ru_maxrss) and the CPU time it used (user + system, microseconds) to the file
// REUSELAB_START_USAGE names.
const { writeFileSync } = require("node:fs");
process.on("exit", () => {
  const u = process.resourceUsage();
  writeFileSync(process.env.REUSELAB_START_USAGE, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}`);
});
