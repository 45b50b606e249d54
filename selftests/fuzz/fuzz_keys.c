// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of user/lib/keys.c's parser: any bytes as an ntsdns
 * --keys file (key and server statements) and as an ntsload -k file.
 * keys.c reads a path (a regular file): the input goes into a memfd,
 * read back through /proc/self/fd. Whatever it reads must be consistent:
 * every server's key is one of the ring's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nts_keyring kr = {};
	struct nts_keyconf c;
	char path[64], err[512];
	size_t i;
	int fd;

	fd = memfd_create("keys", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!keys_conf_load(&c, path, err, sizeof(err))) {
		for (i = 0; i < c.nserver; i++)
			if (c.server[i].key >= c.ring.n)
				abort();
		keys_conf_free(&c);
	} else if (c.ring.n || c.nserver || !err[0]) {
		abort(); /* refused: nothing kept, and said why */
	}
	if (keys_load(&kr, path, err, sizeof(err)) && kr.n)
		abort();
	keys_free(&kr);
	close(fd);
	return 0;
}
