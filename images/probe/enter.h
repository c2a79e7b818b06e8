#ifndef PROBE_ENTER_H
#define PROBE_ENTER_H

/* `probe enter NETNS UID CAPS [no-new-privs] [pdeathsig]` (enter.c): argv after "enter". */
int enter_main(int argc, char **argv);

/* The number of a capability named as capabilities(7) does, with or without "cap_"; -1 if unknown. */
int enter_cap_number(const char *name);

#endif
