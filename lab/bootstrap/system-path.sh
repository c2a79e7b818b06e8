# shellcheck shell=bash
# Sourced first by every script of the lab that checks, installs or runs a system tool. Under `npm run`
# node_modules/.bin comes first on PATH, and an npm package may carry a command named like a system tool
# (ava depends on @vercel/nft, whose command is `nft`): `command -v nft` then finds JavaScript, not
# nftables. So the system's own folders come first and no node_modules folder is searched at all; the
# rest of the caller's PATH follows (a docker client installed elsewhere still answers).
# REUSELAB_SYSTEM_PATH replaces the system's folders (the tests hide a tool that way).
reuselab_system_path() {
  local dirs=${REUSELAB_SYSTEM_PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}
  local rest=() d
  IFS=: read -r -a rest <<<"$PATH"
  for d in "${rest[@]}"; do
    case "$d" in "" | *node_modules*) continue ;; esac
    case ":$dirs:" in *":$d:"*) continue ;; esac
    dirs=$dirs:$d
  done
  printf '%s' "$dirs"
}
PATH=$(reuselab_system_path)
export PATH
