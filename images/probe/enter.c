/*
 * `probe enter NETNS UID CAPS [no-new-privs] [pdeathsig] [init]`: puts this process where an actor runs and
 * then execs the probe itself, so that the kernel computes the actor's credentials at that exec, as it
 * did when the agent ran nsenter and setpriv (`nsenter --net=NETNS -- setpriv --reuid=UID --regid=UID
 * --clear-groups --bounding-set=-all,+CAP… [--no-new-privs] [--pdeathsig=KILL] -- probe`). It is the
 * same sequence of calls, in setpriv's order, with two program starts fewer: under software emulation
 * each dynamically linked program costs a guest ~110 ms, and every actor of every run started two.
 *
 *   NETNS  a network namespace file (/run/netns/NAME)
 *   UID    the real, effective and saved uid and gid (no supplementary groups)
 *   CAPS   the capabilities kept in the bounding set, e.g. net_admin,setuid (capabilities(7) names,
 *          without "cap_"), or - for none: a uid 0 actor then has no capability after the exec
 *   init   exec `probe init`: a worker under an init of its own, which `recycle` replaces (main.c)
 */
#include "enter.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* capabilities(7), by number. */
static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
	"setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
	"sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
	"lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
	"wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};
#define NCAPS ((int)(sizeof(cap_names) / sizeof(cap_names[0])))

static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "probe enter: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	return 2;
}

int enter_cap_number(const char *name)
{
	if (!strncmp(name, "cap_", 4))
		name += 4;
	for (int n = 0; n < NCAPS; n++)
		if (!strcmp(cap_names[n], name))
			return n;
	return -1;
}

/* CAPS into keep[] (by number); 0, or -1 naming the word it does not know in *bad. */
static int parse_caps(char *caps, int keep[NCAPS], const char **bad)
{
	memset(keep, 0, sizeof(int) * NCAPS);
	if (!strcmp(caps, "-"))
		return 0;
	for (char *word = strtok(caps, ","); word; word = strtok(NULL, ",")) {
		int n = enter_cap_number(word);
		if (n < 0) {
			*bad = strncmp(word, "cap_", 4) ? word : word + 4;
			return -1;
		}
		keep[n] = 1;
	}
	return 0;
}

/* Drops every capability not kept from the bounding set: all the kernel knows, up to cap_last_cap. */
static int drop_bounding(const int keep[NCAPS])
{
	for (int cap = 0;; cap++) {
		if (cap < NCAPS && keep[cap])
			continue;
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			return errno == EINVAL ? 0 : -1; /* past the kernel's last capability */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -1;
	}
}

const char *enter_identity(unsigned long uid, const int *keep, int nnp)
{
	static const int none[NCAPS];
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return "no_new_privs";
	if (drop_bounding(keep ? keep : none) < 0)
		return "bounding set";
	if (setresgid(uid, uid, uid) < 0)
		return "setresgid";
	if (setgroups(0, NULL) < 0)
		return "setgroups";
	if (setresuid(uid, uid, uid) < 0)
		return "setresuid";
	return NULL;
}

int enter_main(int argc, char **argv)
{
	if (argc < 3 || argc > 6)
		return fail("usage: probe enter NETNS UID CAPS|- [no-new-privs] [pdeathsig] [init]", NULL);
	int nnp = 0, pdeathsig = 0, init = 0;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "no-new-privs"))
			nnp = 1;
		else if (!strcmp(argv[i], "pdeathsig"))
			pdeathsig = 1;
		else if (!strcmp(argv[i], "init"))
			init = 1;
		else
			return fail("unknown option (no-new-privs, pdeathsig or init)", argv[i]);
	}
	char *end;
	errno = 0;
	unsigned long uid = strtoul(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || uid > 65535)
		return fail("bad uid (a number up to 65535)", argv[1]);
	int keep[NCAPS];
	const char *bad = NULL;
	if (parse_caps(argv[2], keep, &bad) < 0)
		return fail("unknown capability", bad);

	/* Opened while root: the exec below goes by this descriptor, so it needs no search permission on
	 * the folders above the binary (a package unpacked in a private folder, mode 0700). */
	int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return fail("/proc/self/exe", strerror(errno));

	int ns = open(argv[0], O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return fail(argv[0], strerror(errno));
	if (setns(ns, CLONE_NEWNET) < 0)
		return fail("setns", strerror(errno));
	close(ns);
	const char *step = enter_identity(uid, keep, nnp);
	if (step)
		return fail(step, strerror(errno));
	/* After the uid change, which clears it. */
	if (pdeathsig && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return fail("pdeathsig", strerror(errno));
	char *const args[] = { "probe", init ? "init" : NULL, NULL };
	fexecve(self, args, environ);
	return fail("exec of the probe", strerror(errno));
}
