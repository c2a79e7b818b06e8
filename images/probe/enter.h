#ifndef PROBE_ENTER_H
#define PROBE_ENTER_H

/* `probe enter NETNS UID CAPS [no-new-privs] [pdeathsig]` (enter.c): argv after "enter". */
int enter_main(int argc, char **argv);

/* The number of a capability named as capabilities(7) does, with or without "cap_"; -1 if unknown. */
int enter_cap_number(const char *name);

/* Empties the bounding set (needs CAP_SETPCAP): 0, or -1 with errno. */
int enter_drop_bounding_all(void);

#endif
