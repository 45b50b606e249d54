// SPDX-License-Identifier: GPL-2.0
/*
 * ntsload: the NTS router daemon. Loads the NAT datapath onto the WAN
 * interface, keeps its tables, and runs in the foreground until SIGINT or
 * SIGTERM; SIGHUP reloads the key files. The parts are in ntsload.h.
 */
#include <time.h>

#include "log.h"
#include "ntsload.h"

int main(int argc, char **argv)
{
	/* Large (the NOTICE path's tables): not on the stack. */
	static struct ntsload l = {
		.nego.recv.fd = -1,
		.frags.raw = -1,
		.lock_fd = -1,
		.instance_fd = -1,
	};
	sigset_t mask;
	int err;

	nts_log_init("ntsload", 0);
	/* NOTICEs signed before this are refused: they may be replays. */
	l.cfg.nego.started = time(NULL);
	err = ntsload_parse(&l.cfg, argc, argv);
	if (err > 0)
		return 0;
	if (err)
		return 1;
	nts_log_init("ntsload", l.cfg.verbose);
	err = keyfiles_load(&l);
	if (!err)
		err = check_env(&l);
	if (err)
		return 1;
	if (l.cfg.detach)
		return do_detach(&l) ? 1 : 0;

	signals(&mask);
	err = start(&l);
	if (err)
		return 1;
	run(&l);
	stop(&l);
	return 0;
}
