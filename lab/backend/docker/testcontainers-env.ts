// testcontainers must never pull: no registry is reachable. Ryuk (its reaper) is an image it would
// pull, so it is off; the lab removes its own objects by label instead (cleanup.ts).
process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "localhost";
