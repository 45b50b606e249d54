/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's service notifications (sd_notify(3), Type=notify and
 * WatchdogSec=) by their documented datagram protocol, without
 * libsystemd. Without $NOTIFY_SOCKET (not run by systemd) they do nothing.
 */
#ifndef NTS_SDNOTIFY_H
#define NTS_SDNOTIFY_H

/*
 * Send @state ("READY=1", "WATCHDOG=1", "STOPPING=1", "STATUS=...",
 * newline-separated) to the service manager. 0 when sent or when there
 * is nobody to tell; -errno (said once) when $NOTIFY_SOCKET is unusable.
 */
int sd_notify_state(const char *state);

/*
 * How often to send WATCHDOG=1, in ms: half of $WATCHDOG_USEC when the
 * watchdog is on for this process ($WATCHDOG_PID unset or ours); 0 when
 * it is off.
 */
unsigned int sd_watchdog_every_ms(void);

#endif /* NTS_SDNOTIFY_H */
