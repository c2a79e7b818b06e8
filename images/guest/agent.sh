#!/bin/bash
# The reuselab guest agent: runs the host's command lines one at a time and starts probes on virtio
# ports. /init starts it with stdin, stdout and fd 3 on the control port. The protocol is described in
# images/guest/PROTOCOL.md; keep the two in step.
export PATH=/bin LC_ALL=C

# Every message is one line written with one printf, so that lines from background watchers (S, X) and
# from the command loop never mix. stdio flushes a longer line in pieces, hence the cut.
readonly MAX_OUTPUT=3500

# The names `probe enter` takes (capabilities(7) without "cap_"), up to Linux 5.9.
readonly CAPABILITIES="chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap
  linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module
  sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time
  sys_tty_config mknod lease audit_write audit_control setfcap mac_override mac_admin syslog
  wake_alarm block_suspend audit_read perfmon bpf checkpoint_restore"

# The /dev node of the virtio port with this name, e.g. reuselab.p0 -> /dev/vport0p2.
# (read, not $(<...): a fork per port costs ~5 ms under TCG.)
port_dev() {
  local port name
  for port in /sys/class/virtio-ports/*; do
    read -r name <"$port/name" 2>/dev/null && [ "$name" = "$1" ] && printf '/dev/%s\n' "${port##*/}" && return 0
  done
  return 1
}

# Runs one command line in a subshell (nothing it changes outlives it) and relays what it printed.
run() {
  local id=$1
  { ( eval "$2" ) </dev/null 3>&- 2>&1; } | while IFS= read -r out || [ -n "$out" ]; do
    printf 'O %s %s\n' "$id" "${out:0:MAX_OUTPUT}"
  done
  printf 'R %s %s\n' "$id" "${PIPESTATUS[0]}"
}

refuse() { # id message: a request that could not be carried out
  printf 'O %s %s\n' "$1" "${2:0:MAX_OUTPUT}"
  printf 'R %s 1\n' "$1"
}

# One per probe, in the background. It opens the port, starts the probe on it and prints the probe's
# pid to its stdout (a pipe the agent reads): the port is open before the host is told to use it,
# because virtio_console drops what the host sends to a port nobody in the guest has open. It then
# waits for the probe and reports its exit status on the control port (fd 3).
watch_probe() { # port dev netns uid caps [init]
  exec </dev/null
  { exec 5<>"$2"; } 2>&1 || exit 0 # bash's message ("...: Device or resource busy") goes to the agent
  # While the host is not connected to the port's socket (or QEMU's news of it is still on its way),
  # virtio_console makes the port look readable and a read returns EOF: a probe started now would end
  # at once. Wait up to 2 s for the host instead.
  local tries=0
  while read -t 0 -u 5; do
    ((++tries <= 40)) || { echo "the host is not connected to this port's socket"; exit 0; }
    sleep 0.05
  done
  # The probe enters the namespace and the credentials itself, then execs itself (images/probe/enter.c):
  # nsenter and setpriv cost ~110 ms each under TCG, the static probe ~15 ms.
  /probe enter "/run/netns/$3" "$4" "$5" no-new-privs ${6:+"$6"} <&5 >&5 2>"/tmp/$1.err" 5>&- 3>&- &
  local pid=$!
  exec 5>&-
  printf '%s\n' "$pid"
  exec >/dev/null
  wait "$pid"
  printf 'X %s %s\n' "$1" "$?" >&3
}

spawn() { # id port netns uid caps [init]
  local id=$1 port=$2 netns=$3 uid=$4 caps=$5 init=${6:-} dev cap line
  [[ $port =~ ^[A-Za-z0-9._-]+$ ]] || { refuse "$id" "spawn: bad port name '$port'"; return; }
  [[ $netns =~ ^[A-Za-z0-9._-]+$ ]] && [ -e "/run/netns/$netns" ] ||
    { refuse "$id" "spawn: no network namespace '$netns' (create it first: ip netns add $netns)"; return; }
  [[ $uid =~ ^[0-9]+$ ]] || { refuse "$id" "spawn: bad uid '$uid' (a number)"; return; }
  [[ -z $init || $init = init ]] || { refuse "$id" "spawn: unknown option '$init' (init, or nothing)"; return; }
  [[ $caps = - || $caps =~ ^[a-z_]+(,[a-z_]+)*$ ]] ||
    { refuse "$id" "spawn: bad capability list '$caps' (like net_admin,setuid, or - for none)"; return; }
  dev=$(port_dev "$port") || { refuse "$id" "spawn: no virtio port named '$port'"; return; }
  if [ "$caps" != - ]; then
    for cap in ${caps//,/ }; do
      cap=${cap#cap_}
      # Checked here rather than left to the probe, which would fail after S as a probe that exits at once.
      [[ " $CAPABILITIES " = *" $cap "* ]] || { refuse "$id" "spawn: unknown capability '$cap'"; return; }
    done
  fi
  IFS= read -r line < <(watch_probe "$port" "$dev" "$netns" "$uid" "$caps" $init)
  [[ $line =~ ^[0-9]+$ ]] || { refuse "$id" "spawn: $port ($dev): ${line:-no answer}"; return; }
  printf 'S %s %s\n' "$id" "$line"
  printf 'R %s 0\n' "$id"
}

printf 'READY %s\n' "$(</proc/sys/kernel/osrelease)"
# EOF on the control port means the host closed it: the agent ends and /init powers the guest off.
while IFS= read -r request; do
  request=${request%$'\r'}
  [ -n "$request" ] || continue
  if ! [[ $request =~ ^([0-9]+)( (.*))?$ ]]; then
    printf 'E %s\n' "not '<id> <command line>': ${request:0:MAX_OUTPUT}"
    continue
  fi
  id=${BASH_REMATCH[1]} command=${BASH_REMATCH[3]}
  read -r -a words <<<"$command"
  if [ "${words[0]:-}" = spawn ]; then
    if [ ${#words[@]} -ne 5 ] && [ ${#words[@]} -ne 6 ]; then
      refuse "$id" "usage: spawn <port-name> <netns> <uid> <caps> [init]"
    else
      spawn "$id" "${words[@]:1}"
    fi
  else
    run "$id" "$command"
  fi
done
