#ifndef PROBE_ENTER_H
#define PROBE_ENTER_H

/* `probe enter NETNS UID CAPS [no-new-privs] [pdeathsig]` (enter.c): argv after "enter". */
int enter_main(int argc, char **argv);

#endif
