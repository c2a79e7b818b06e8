#ifndef PROBE_ENTER_H
#define PROBE_ENTER_H

/* `probe enter NETNS UID CAPS [no-new-privs] [pdeathsig]` (enter.c): argv after "enter". */
int enter_main(int argc, char **argv);

/* The number of a capability named as capabilities(7) does, with or without "cap_"; -1 if unknown. */
int enter_cap_number(const char *name);

/* setpriv's sequence, as `probe enter` makes it before its exec: no_new_privs (if nnp), the bounding
 * set reduced to the capabilities keep[] marks by number (NULL: emptied; needs CAP_SETPCAP), the
 * real, effective and saved uid and gid `uid`, no supplementary group. NULL, or the name of the step
 * that failed (errno set). */
const char *enter_identity(unsigned long uid, const int *keep, int nnp);

#endif
