// SPDX-License-Identifier: GPL-2.0
/*
 * The claim is an abstract unix socket named after the interface index.
 * Abstract names belong to the network namespace the socket was made in
 * and vanish with the process, crash or SIGKILL included: no lock file
 * to go stale, and the same index in another namespace is another name.
 * A second ntsload that finds the name taken connects to it, learns the
 * holder's pid from SO_PEERCRED and its pin directory from one line the
 * holder writes back.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "fmt.h"
#include "instance.h"
#include "log.h"

/* How long to wait for the holder to say where its maps are. */
#define ASK_TIMEOUT_MS 1000

static socklen_t instance_addr(struct sockaddr_un *a, int ifindex)
{
	int n;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	/* sun_path[0] = '\0': the abstract namespace. */
	n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1,
		     "nts/ntsload/ifindex/%d", ifindex);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

/* The holder's pid and pin directory, as far as it tells them. */
static void ask_holder(const struct sockaddr_un *a, socklen_t alen,
		       pid_t *pid, char *dir, size_t len)
{
	struct pollfd pfd = { .events = POLLIN };
	struct ucred cr = {};
	socklen_t crlen = sizeof(cr);
	ssize_t n = -1;

	*pid = 0;
	snprintf(dir, len, "unknown");
	pfd.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (pfd.fd < 0)
		return;
	if (connect(pfd.fd, (const struct sockaddr *)a, alen))
		goto out;
	if (!getsockopt(pfd.fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen))
		*pid = cr.pid;
	/* A holder still starting answers once its event loop runs. */
	if (poll(&pfd, 1, ASK_TIMEOUT_MS) == 1)
		n = read(pfd.fd, dir, len - 1);
	if (n > 0)
		dir[n] = '\0';
out:
	close(pfd.fd);
}

int instance_claim(int ifindex, const char *ifname, int *fd)
{
	struct sockaddr_un a;
	socklen_t alen = instance_addr(&a, ifindex);
	char dir[256], esc[4 * sizeof(dir)];
	pid_t pid;
	int s, err;

	*fd = -1;
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0) {
		err = -errno;
		pr_err("cannot make the socket that keeps a second ntsload "
		       "off %s: %s",
		       ifname, strerror(-err));
		return err;
	}
	if (!bind(s, (struct sockaddr *)&a, alen) && !listen(s, 8)) {
		*fd = s;
		return 0;
	}
	err = -errno;
	close(s);
	if (err != -EADDRINUSE) {
		pr_err("cannot claim %s for this ntsload: %s", ifname,
		       strerror(-err));
		return err;
	}
	ask_holder(&a, alen, &pid, dir, sizeof(dir));
	pr_err("another ntsload is running on %s in this network namespace "
	       "(pid %d, maps in %s); one per interface: stop it first",
	       ifname, (int)pid, fmt_escape(esc, sizeof(esc), dir, sizeof(dir)));
	return -EBUSY;
}

void instance_serve(int fd, const char *pin_dir)
{
	int c;

	/* Nonblocking both ways: a caller that never reads costs nothing. */
	while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >=
	       0) {
		if (write(c, pin_dir, strlen(pin_dir)) < 0)
			pr_debug("cannot tell another ntsload where the maps "
				 "are: %s",
				 strerror(errno));
		close(c);
	}
}
