/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One ntsload per interface and network namespace, whatever its pin
 * directory (issue 22): two datapaths on one interface take each other
 * down.
 */
#ifndef NTSLOAD_INSTANCE_H
#define NTSLOAD_INSTANCE_H

/*
 * Claim interface @ifindex for this process. Refused (-EBUSY, printed,
 * naming the holder's pid and pin directory) when another ntsload holds
 * it. On success *@fd is a listening socket: poll it, and call
 * instance_serve() when it is readable; closing it (or dying) releases
 * the claim.
 */
int instance_claim(int ifindex, const char *ifname, int *fd);

/* Tell a refused ntsload who we are: our pin directory. */
void instance_serve(int fd, const char *pin_dir);

#endif /* NTSLOAD_INSTANCE_H */
