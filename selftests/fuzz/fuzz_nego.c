// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the NTS-Nego decoder and authenticator: whatever
 * the bytes, no read past them, no crash; and what decodes re-encodes to
 * the same message.
 */
#include <stdint.h>
#include <string.h>

#include "keys.h"
#include "nego.h"

#define NOW 1800000000ULL

/* The key the seed corpus is signed with (selftests/fuzz/seeds.py). */
static struct nts_key key = {
	.name = "fuzz-key",
	.secret = "0123456789abcdef0123456789abcdef",
	.secret_len = 32,
};
static struct nts_keyring ring = { .keys = &key, .n = 1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nego_replay *replay;
	struct nego_auth auth = { .keys = &ring, .insecure = size & 1 };
	struct nego_msg m, again;
	uint8_t buf[NEGO_MSG_MAX];
	ssize_t len;

	if (!replay)
		replay = nego_replay_new(4096);
	auth.replay = replay;
	nego_receive(data, size, &auth, NOW, &m, NULL);

	if (nego_decode(data, size, &m))
		return 0;
	/* Re-encode unsigned: header, name and address must come back. */
	len = nego_encode(&m, NULL, NOW, buf, sizeof(buf));
	if (len < 0 || nego_decode(buf, len, &again) || again.txid != m.txid ||
	    again.type != m.type || again.gn != m.gn ||
	    strcmp(again.fqdn, m.fqdn) || again.has_addr != m.has_addr ||
	    again.addr != m.addr || memcmp(buf, data, len))
		__builtin_trap();
	return 0;
}
