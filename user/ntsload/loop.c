// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop: signals, NOTICEs, parked fragments, registrations for
 * the log, other ntsloads asking, and a tick a second. Bulk work
 * (expiry, the router's ports) is the housekeeping thread's.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "instance.h"
#include "log.h"
#include "ntsload.h"
#include "refresh.h"
#include "sdnotify.h"

/*
 * The signals the event loop reads (signalfd), blocked from the start:
 * one that comes while ntsload is still attaching waits for the loop,
 * instead of killing it halfway with the datapath half set up.
 */
void signals(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGHUP);
	sigprocmask(SIG_BLOCK, mask, NULL);
}

/*
 * Once a second: follow the router's addresses and links, and tell the
 * service manager's watchdog that the loop still turns.
 */
static void tick(struct ntsload *l, bool watchdog)
{
	if (watchdog)
		sd_notify_state("WATCHDOG=1");
	addrs_follow(l);
	tx_ports_refresh(nts_dp_tx_ports_fd(&l->dp), l->ifindex,
			 l->got_mode == XDP_MODE_GENERIC);
	frag_park_tick(&l->frags);
}

int run(struct ntsload *l)
{
	struct itimerspec its = {
		.it_interval.tv_sec = 1,
		.it_value.tv_sec = 1,
	};
	unsigned int watchdog = sd_watchdog_every_ms();
	struct pollfd pfd[6] = {};
	sigset_t mask;
	__u64 ticks;
	size_t i;

	signals(&mask);
	pfd[0].fd = signalfd(-1, &mask, SFD_CLOEXEC);
	pfd[1].fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (pfd[0].fd < 0 || pfd[1].fd < 0 ||
	    timerfd_settime(pfd[1].fd, 0, &its, NULL)) {
		pr_err("cannot set up the event loop: %s", strerror(errno));
		return -errno;
	}
	pfd[2].fd = nego_server_fd(&l->nego);
	pfd[3].fd = frag_park_fd(&l->frags);
	pfd[4].fd = phl_log_fd(&l->phl_log);
	pfd[5].fd = l->instance_fd;
	for (i = 0; i < sizeof(pfd) / sizeof(pfd[0]); i++)
		pfd[i].events = POLLIN;
	if (watchdog && watchdog < 1000)
		pr_err("WatchdogSec= below 2 s: ntsload tells the watchdog "
		       "once a second, so it may be killed as hung; set 2 s or "
		       "more (the unit has 30 s)");
	sd_notify_state("READY=1");

	for (;;) {
		if (poll(pfd, sizeof(pfd) / sizeof(pfd[0]),
			 nego_server_timeout_ms(&l->nego)) < 0) {
			if (errno == EINTR)
				continue;
			pr_err("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents) {
			struct signalfd_siginfo si;

			if (read(pfd[0].fd, &si, sizeof(si)) != sizeof(si))
				break;
			if (si.ssi_signo == SIGHUP) {
				keyfiles_reload(l);
				continue;
			}
			pr_info("%s, stopping", strsignal(si.ssi_signo));
			break;
		}
		if (pfd[1].revents &&
		    read(pfd[1].fd, &ticks, sizeof(ticks)) == sizeof(ticks))
			tick(l, watchdog);
		if (pfd[2].revents)
			nego_server_input(&l->nego);
		if (pfd[3].revents)
			frag_park_input(&l->frags);
		if (pfd[4].revents)
			phl_log_input(&l->phl_log);
		if (pfd[5].revents)
			instance_serve(l->instance_fd, l->pin_dir);
		nego_server_tick(&l->nego);
	}
	sd_notify_state("STOPPING=1");
	close(pfd[0].fd);
	close(pfd[1].fd);
	return 0;
}
