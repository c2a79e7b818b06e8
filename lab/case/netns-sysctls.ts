/**
 * The sysctls an actor may set for its network namespace (`sysctls:` in `actors:`).
 *
 * An allowlist, not a look at /proc/sys/net: the host's /proc/sys/net is the initial namespace's and
 * shows global sysctls too (net.core.rmem_max is global on 5.10), and looking inside a fresh namespace
 * needs root and differs by kernel. Each name here is per network namespace on every kernel the lab
 * runs (Debian's 5.10, 6.1, 6.12 and newer; net.ipv4.tcp_migrate_req is 5.14, and in Debian's
 * 5.10.223) and is about sockets, ports, TCP states or delivery. A name the kernel lacks is still
 * refused by the kernel when the namespace is made. Read with the `sysctl` step in a fresh namespace,
 * every name is there on 5.10.223 and 6.18; net.core.rmem_max is not on 5.10 or 6.1. docs/cases.md
 * lists them (a test keeps the two equal).
 */
export const NETNS_SYSCTLS: readonly string[] = [
  "net.core.somaxconn",
  "net.ipv4.icmp_echo_ignore_all",
  "net.ipv4.icmp_echo_ignore_broadcasts",
  "net.ipv4.icmp_ratelimit",
  "net.ipv4.ip_autobind_reuse",
  "net.ipv4.ip_default_ttl",
  "net.ipv4.ip_early_demux",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.ip_nonlocal_bind",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.ping_group_range",
  "net.ipv4.tcp_abort_on_overflow",
  "net.ipv4.tcp_congestion_control",
  "net.ipv4.tcp_early_demux",
  "net.ipv4.tcp_ecn",
  "net.ipv4.tcp_fastopen",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_l3mdev_accept",
  "net.ipv4.tcp_max_syn_backlog",
  "net.ipv4.tcp_max_tw_buckets",
  "net.ipv4.tcp_migrate_req",
  "net.ipv4.tcp_no_metrics_save",
  "net.ipv4.tcp_orphan_retries",
  "net.ipv4.tcp_retries1",
  "net.ipv4.tcp_retries2",
  "net.ipv4.tcp_rfc1337",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_sack",
  "net.ipv4.tcp_syn_retries",
  "net.ipv4.tcp_synack_retries",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.tcp_timestamps",
  "net.ipv4.tcp_tw_reuse",
  "net.ipv4.tcp_window_scaling",
  "net.ipv4.tcp_wmem",
  "net.ipv4.udp_early_demux",
  "net.ipv4.udp_l3mdev_accept",
  "net.ipv4.udp_rmem_min",
  "net.ipv4.udp_wmem_min",
  "net.ipv6.bindv6only",
  "net.ipv6.ip_nonlocal_bind",
];
