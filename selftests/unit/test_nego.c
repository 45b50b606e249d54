// SPDX-License-Identifier: GPL-2.0
/* NTS-Nego messages: round trips and every way a message is refused. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "keys.h"
#include "nego.h"
#include "test.h"

#define NOW 1800000000ULL

static struct nts_keyring keys;

/* A keyring with two keys, from tsig-keygen files. */
static bool keyring(void)
{
	char path[] = "/tmp/nts-unit-keys.XXXXXX", cmd[200], why[256];
	int fd;

	if (keys.n)
		return true;
	fd = mkstemp(path);
	if (fd < 0)
		return false;
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "tsig-keygen -a hmac-sha256 nts-key > %s && "
		 "tsig-keygen -a hmac-sha256 Other-Key. >> %s",
		 path, path);
	if (!ASSERT_EQ(system(cmd), 0, "tsig-keygen") ||
	    !ASSERT_OK(keys_load(&keys, path, why, sizeof(why)), why))
		keys.n = 0;
	unlink(path);
	return keys.n == 2;
}

static struct nego_msg notice(void)
{
	struct nego_msg m = {
		.txid = 42,
		.type = NEGO_NOTICE,
		.gn = htonl(0xc633640a),
		.fqdn = "alice.example.net",
	};

	return m;
}

static ssize_t signed_notice(__u8 *buf, size_t len, __u64 t)
{
	struct nego_msg m = notice();

	return nego_encode(&m, &keys.keys[0], t, buf, len);
}

static int receive(const __u8 *buf, size_t len, bool insecure,
		   struct nego_replay *r, __u64 now, struct nego_msg *m)
{
	struct nego_auth a = {
		.keys = &keys,
		.insecure = insecure,
		.replay = r,
	};

	return nego_receive(buf, len, &a, now, m, NULL);
}

TEST(keys_from_tsig_keygen)
{
	if (!keyring())
		return;
	ASSERT_TRUE(!strcmp(keys.keys[0].name, "nts-key"), "first name");
	ASSERT_TRUE(!strcmp(keys.keys[1].name, "other-key"),
		    "second name, lowercase, without the dot");
	ASSERT_EQ(keys.keys[0].secret_len, 32, "a 256-bit secret");
	ASSERT_TRUE(keys_find(&keys, "NTS-KEY", 7) == &keys.keys[0],
		    "found ignoring case");
	ASSERT_TRUE(!keys_find(&keys, "nts", 3), "not a prefix");
}

static int load_text(const char *text, char *why, size_t len)
{
	char path[] = "/tmp/nts-unit-badkey.XXXXXX";
	struct nts_keyring kr = {};
	int fd = mkstemp(path), err;

	if (write(fd, text, strlen(text)) < 0)
		return -EIO;
	close(fd);
	err = keys_load(&kr, path, why, len);
	unlink(path);
	keys_free(&kr);
	return err;
}

TEST(bad_key_files)
{
	char why[512];
	struct nts_keyring kr = {};

	ASSERT_EQ(load_text("key \"k\" { algorithm hmac-md5; secret \"AAAA\"; };",
			    why, sizeof(why)),
		  -EINVAL, "md5");
	ASSERT_TRUE(strstr(why, "only hmac-sha256") != NULL, why);
	ASSERT_EQ(load_text("key \"k\" { algorithm hmac-sha256; };", why,
			    sizeof(why)),
		  -EINVAL, "no secret");
	ASSERT_TRUE(strstr(why, "no secret") != NULL, why);
	ASSERT_EQ(load_text("key \"k\" { algorithm hmac-sha256; secret "
			    "\"not base64!\"; };",
			    why, sizeof(why)),
		  -EINVAL, "bad base64");
	ASSERT_EQ(load_text("options { };", why, sizeof(why)), -EINVAL,
		  "not a key");
	ASSERT_TRUE(strstr(why, ":1: expected 'key'") != NULL, why);
	ASSERT_EQ(load_text("", why, sizeof(why)), -EINVAL, "empty");
	ASSERT_EQ(keys_load(&kr, "/nonexistent/key", why, sizeof(why)),
		  -ENOENT, "missing file");
}

/* A key file holding @text, its path in @path (to unlink). */
static bool key_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok;
}

/* A key with a secret of @n bytes (all 'A's decode to zeros). */
static const char *key_text(const char *name, size_t n)
{
	static char text[2048];
	size_t chars = (n + 2) / 3 * 4, off, i;

	off = snprintf(text, sizeof(text),
		       "key \"%s\" { algorithm hmac-sha256; secret \"", name);
	for (i = 0; i < chars && off < sizeof(text) - 8; i++)
		text[off++] = i >= chars - (3 - n % 3) % 3 ? '=' : 'A';
	snprintf(text + off, sizeof(text) - off, "\"; };\n");
	return text;
}

/* Issue 22: the smaller key file mistakes, each said for what it is. */
TEST(key_file_mistakes)
{
	char why[512], a[] = "/tmp/nts-unit-key-a.XXXXXX",
			b[] = "/tmp/nts-unit-key-b.XXXXXX",
			fifo[] = "/tmp/nts-unit-key-fifo.XXXXXX";
	struct nts_keyring kr = {};
	char two[1024];

	ASSERT_OK(load_text(key_text("k", 128), why, sizeof(why)),
		  "128 bytes: the limit");
	ASSERT_EQ(load_text(key_text("k", 200), why, sizeof(why)), -EINVAL,
		  "200 bytes");
	ASSERT_TRUE(strstr(why, "longer than 128 bytes, the limit") != NULL,
		    why);
	ASSERT_EQ(load_text(key_text("k", 600), why, sizeof(why)), -EINVAL,
		  "600 bytes, longer than a token");
	ASSERT_TRUE(strstr(why, "longer than 128 bytes") != NULL, why);

	snprintf(two, sizeof(two), "%s", key_text("twice", 32));
	strncat(two, key_text("Twice.", 32), sizeof(two) - strlen(two) - 1);
	ASSERT_EQ(load_text(two, why, sizeof(why)), -EINVAL,
		  "one name twice in a file");
	ASSERT_TRUE(strstr(why, "key 'twice' is in /tmp/nts-unit-badkey.") !=
			    NULL &&
		    strstr(why, "and again in /tmp/nts-unit-badkey.") != NULL,
		    why);

	if (ASSERT_TRUE(key_file(a, key_text("shared", 32)) &&
			key_file(b, key_text("shared", 32)), "key files")) {
		ASSERT_OK(keys_load(&kr, a, why, sizeof(why)), why);
		ASSERT_EQ(keys_load(&kr, b, why, sizeof(why)), -EINVAL,
			  "one name in two files");
		ASSERT_TRUE(strstr(why, a) && strstr(why, b) &&
			    strstr(why, "key 'shared'"), why);
		keys_free(&kr);
	}
	unlink(a);
	unlink(b);

	/* A FIFO with no writer: refused at once, not waited on. */
	if (ASSERT_TRUE(mkdtemp(fifo) != NULL, "temp dir")) {
		char path[sizeof(fifo) + 8];

		snprintf(path, sizeof(path), "%s/key", fifo);
		if (ASSERT_OK(mkfifo(path, 0600), "mkfifo")) {
			alarm(10);
			ASSERT_EQ(keys_load(&kr, path, why, sizeof(why)),
				  -EINVAL, "a FIFO");
			alarm(0);
			ASSERT_TRUE(strstr(why, "not a regular file") != NULL,
				    why);
			unlink(path);
		}
		rmdir(fifo);
	}
	keys_free(&kr);
}

TEST(signed_round_trip)
{
	__u8 buf[NEGO_MSG_MAX];
	struct nego_msg m, in = notice();
	const struct nts_key *k;
	struct nego_auth a = { .keys = &keys };
	ssize_t len;

	if (!keyring())
		return;
	len = nego_encode(&in, &keys.keys[1], NOW, buf, sizeof(buf));
	ASSERT_TRUE(len > 0, "encoded");
	ASSERT_OK(-nego_receive(buf, len, &a, NOW, &m, &k), "received");
	ASSERT_EQ(m.txid, 42, "txid");
	ASSERT_EQ(m.type, NEGO_NOTICE, "type");
	ASSERT_EQ(m.gn, in.gn, "gn");
	ASSERT_TRUE(!strcmp(m.fqdn, "alice.example.net"), "fqdn");
	ASSERT_TRUE(m.is_signed && m.time == NOW && m.nonce == in.nonce,
		    "trailer");
	ASSERT_TRUE(k == &keys.keys[1], "signed by the second key");
	ASSERT_EQ(len, 8 + 17 + 18 + 9 + 32, "length on the wire");
}

TEST(accept_with_address)
{
	__u8 buf[NEGO_MSG_MAX];
	struct nego_msg m, in = notice();
	ssize_t len;

	if (!keyring())
		return;
	in.type = NEGO_ACCEPT;
	in.has_addr = true;
	in.addr = htonl(0xc6336403);
	len = nego_encode(&in, &keys.keys[0], NOW, buf, sizeof(buf));
	ASSERT_OK(-receive(buf, len, false, NULL, NOW, &m), "received");
	ASSERT_TRUE(m.has_addr && m.addr == in.addr, "the address");
	ASSERT_EQ(buf[1], NEGO_ACCEPT | NEGO_F_ADDR, "flagged in Type");
}

/* NEGO_F_V6: GN's 16-byte address after the FQDN, the host's after it. */
TEST(ipv6_round_trip)
{
	static const __u8 gn6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, [15] = 0x10 };
	static const __u8 host6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x10 };
	__u8 buf[NEGO_MSG_MAX];
	struct nego_msg m, in = notice();
	ssize_t len;

	if (!keyring())
		return;
	in.v6 = true;
	memcpy(in.gn6, gn6, 16);
	len = nego_encode(&in, &keys.keys[0], NOW, buf, sizeof(buf));
	ASSERT_OK(-receive(buf, len, false, NULL, NOW, &m), "notice received");
	ASSERT_EQ(buf[1], NEGO_NOTICE | NEGO_F_V6, "flagged in Type");
	ASSERT_TRUE(m.v6 && !memcmp(m.gn6, gn6, 16) && !m.gn,
		    "GN's IPv6 address, the IPv4 field 0");
	ASSERT_TRUE(!memcmp(buf + 8 + 17, gn6, 16), "right after the FQDN");

	in.type = NEGO_ACCEPT;
	in.has_addr = true;
	memcpy(in.addr6, host6, 16);
	in.nonce = 0;
	len = nego_encode(&in, &keys.keys[0], NOW, buf, sizeof(buf));
	ASSERT_OK(-receive(buf, len, false, NULL, NOW, &m), "accept received");
	ASSERT_EQ(buf[1], NEGO_ACCEPT | NEGO_F_ADDR | NEGO_F_V6, "both flags");
	ASSERT_TRUE(m.has_addr && !memcmp(m.addr6, host6, 16),
		    "the host's IPv6 address");

	/* An IPv6 message with an IPv4 GN as well is not one. */
	buf[4] = 198;
	ASSERT_EQ(nego_decode(buf, len, &m), -NEGO_E_TYPE, "IPv4 field set");
	buf[4] = 0;
	/* Cut inside the addresses. */
	ASSERT_EQ(nego_decode(buf, 8 + 17 + 20, &m), -NEGO_E_SHORT, "short");
}

/* NEGO_F_PREFIX: GN is a network; its length in a byte after GN's address. */
TEST(prefix_round_trip)
{
	__u8 buf[NEGO_MSG_MAX];
	struct nego_msg m, in = notice();
	ssize_t len;

	if (!keyring())
		return;
	in.gn = htonl(0xc6336400); /* 198.51.100.0 */
	in.prefix = true;
	in.plen = 24;
	len = nego_encode(&in, &keys.keys[0], NOW, buf, sizeof(buf));
	ASSERT_OK(-receive(buf, len, false, NULL, NOW, &m), "notice received");
	ASSERT_EQ(buf[1], NEGO_NOTICE | NEGO_F_PREFIX, "flagged in Type");
	ASSERT_EQ(buf[8 + 17], 24, "the length right after the FQDN");
	ASSERT_TRUE(m.prefix && m.plen == 24 && m.gn == in.gn, "read back");

	in.type = NEGO_ACCEPT;
	in.has_addr = true;
	in.addr = htonl(0xc6336403);
	in.nonce = 0;
	len = nego_encode(&in, &keys.keys[0], NOW, buf, sizeof(buf));
	ASSERT_OK(-receive(buf, len, false, NULL, NOW, &m), "accept received");
	ASSERT_TRUE(m.prefix && m.plen == 24 && m.has_addr &&
			    m.addr == in.addr,
		    "the length, then the address");

	/* Host bits past the length, a length past the address. */
	in = notice();
	in.gn = htonl(0xc6336401);
	in.prefix = true;
	in.plen = 24;
	len = nego_encode(&in, NULL, NOW, buf, sizeof(buf));
	ASSERT_EQ(nego_decode(buf, len, &m), -NEGO_E_PREFIX, "a host bit set");
	in.gn = htonl(0xc6336401);
	in.plen = 33;
	len = nego_encode(&in, NULL, NOW, buf, sizeof(buf));
	ASSERT_EQ(nego_decode(buf, len, &m), -NEGO_E_PREFIX, "33 bits of 32");
	in.gn = 0;
	in.plen = 0;
	len = nego_encode(&in, NULL, NOW, buf, sizeof(buf));
	ASSERT_OK(-nego_decode(buf, len, &m), "0.0.0.0/0: anyone");
	ASSERT_TRUE(m.prefix && !m.plen, "length 0");
	ASSERT_EQ(nego_decode(buf, len - 1, &m), -NEGO_E_SHORT, "cut");
}

TEST(unsigned_only_when_insecure)
{
	__u8 buf[NEGO_MSG_MAX];
	struct nego_msg m, in = notice();
	ssize_t len;

	len = nego_encode(&in, NULL, NOW, buf, sizeof(buf));
	ASSERT_EQ(len, 8 + 17, "the paper's form: header and name");
	ASSERT_EQ(receive(buf, len, false, NULL, NOW, &m), -NEGO_E_UNSIGNED,
		  "secure mode");
	ASSERT_OK(-receive(buf, len, true, NULL, NOW, &m), "insecure mode");
	ASSERT_TRUE(!m.is_signed, "unsigned");
}

TEST(malformed)
{
	__u8 buf[NEGO_MSG_MAX], bad[NEGO_MSG_MAX];
	struct nego_msg m;
	ssize_t len;

	if (!keyring())
		return;
	len = signed_notice(buf, sizeof(buf), NOW);
#define TRY(l, e, what)                                                       \
	ASSERT_EQ(receive(bad, l, false, NULL, NOW, &m), -(e), what)
#define RESET() memcpy(bad, buf, len)

	RESET();
	TRY(7, NEGO_E_SHORT, "shorter than a header");
	TRY(8 + 10, NEGO_E_SHORT, "name cut short");
	TRY(len - 1, NEGO_E_LENGTH, "trailer one byte short");
	TRY(8 + 17 + 20, NEGO_E_SHORT, "trailer cut short");
	RESET();
	bad[2] = 0, bad[3] = 0;
	TRY(len, NEGO_E_LENGTH, "empty name");
	bad[2] = 0, bad[3] = 254;
	TRY(len, NEGO_E_SHORT, "name longer than the message");
	RESET();
	bad[3] = 16; /* the name's length lies by one */
	TRY(len, NEGO_E_LENGTH, "length that lies by one: the trailer is off");
	RESET();
	bad[3] = 18;
	TRY(len, NEGO_E_NAME, "length that lies: the trailer in the name");
	RESET();
	bad[1] = 0;
	TRY(len, NEGO_E_TYPE, "type 0");
	bad[1] = 5;
	TRY(len, NEGO_E_TYPE, "type 5");
	bad[1] = NEGO_NOTICE | NEGO_F_ADDR;
	TRY(len, NEGO_E_TYPE, "an address on a NOTICE");
	RESET();
	bad[8] = 'A';
	TRY(len, NEGO_E_NAME, "upper case");
	bad[8] = '\0';
	TRY(len, NEGO_E_NAME, "a NUL in the name");
	bad[8] = '*';
	TRY(len, NEGO_E_NAME, "not a host name");
	RESET();
	bad[8 + 17 + 16] = 0, bad[8 + 17 + 17] = 0;
	TRY(len, NEGO_E_LENGTH, "no key name");
	bad[8 + 17 + 17] = 10;
	TRY(len, NEGO_E_LENGTH, "key name length that lies");
#undef TRY
#undef RESET
}

TEST(authentication)
{
	__u8 buf[NEGO_MSG_MAX];
	struct nego_msg m, in = notice();
	struct nts_key stranger = { .name = "nts-key", .secret_len = 32 };
	struct nts_key unknown = keys.keys[0];
	ssize_t len;

	if (!keyring())
		return;
	len = nego_encode(&in, &stranger, NOW, buf, sizeof(buf));
	ASSERT_EQ(receive(buf, len, false, NULL, NOW, &m), -NEGO_E_MAC,
		  "same name, other secret");
	snprintf(unknown.name, sizeof(unknown.name), "who-knows");
	len = nego_encode(&in, &unknown, NOW, buf, sizeof(buf));
	ASSERT_EQ(receive(buf, len, false, NULL, NOW, &m), -NEGO_E_KEY,
		  "unknown key");
	ASSERT_EQ(receive(buf, len, true, NULL, NOW, &m), -NEGO_E_KEY,
		  "insecure mode still checks a signed message");
	len = signed_notice(buf, sizeof(buf), NOW);
	buf[5] ^= 1;
	ASSERT_EQ(receive(buf, len, false, NULL, NOW, &m), -NEGO_E_MAC,
		  "a bit of the GN address flipped");
}

/*
 * A NOTICE of a later version: a flag of NEGO_F_LATER and bytes this
 * version can't read after the FQDN. Signed with @k if set.
 */
static size_t later_notice(__u8 *buf, const struct nts_key *k, __u64 t)
{
	static const char fqdn[] = "alice.example.net";
	size_t n = 0, klen;
	unsigned int maclen;
	int i;

	buf[n++] = 7;
	buf[n++] = NEGO_NOTICE | 0x08;
	buf[n++] = 0;
	buf[n++] = sizeof(fqdn) - 1;
	memset(buf + n, 0, 4);		/* GN: the later fields say */
	n += 4;
	memcpy(buf + n, fqdn, sizeof(fqdn) - 1);
	n += sizeof(fqdn) - 1;
	memset(buf + n, 0xee, 5);	/* what the flag adds */
	n += 5;
	if (!k)
		return n;
	for (i = 7; i >= 0; i--)
		buf[n++] = t >> (8 * i);
	memset(buf + n, 0x5a, 8);	/* nonce */
	n += 8;
	klen = strlen(k->name);
	buf[n++] = klen >> 8;
	buf[n++] = klen & 0xff;
	memcpy(buf + n, k->name, klen);
	n += klen;
	HMAC(EVP_sha256(), k->secret, k->secret_len, buf, n, buf + n, &maclen);
	return n + maclen;
}

TEST(later_flags_refused)
{
	struct nego_auth a = { .keys = &keys };
	const struct nts_key *key;
	__u8 buf[NEGO_MSG_MAX];
	struct nego_msg m;
	size_t len;

	if (!keyring())
		return;
	len = later_notice(buf, &keys.keys[1], NOW);
	ASSERT_EQ(nego_verify(buf, len, &a, NOW, &m, &key), -NEGO_E_TYPE,
		  "a flag this version does not know: not acted on");
	ASSERT_EQ(m.type, NEGO_NOTICE, "but a NOTICE, to be answered");
	ASSERT_STREQ(m.fqdn, "alice.example.net", "its name read");
	ASSERT_TRUE(key == &keys.keys[1], "its key found from the end");
	ASSERT_EQ(m.txid, 7, "its TxID");

	buf[len - 1] ^= 1;
	ASSERT_EQ(nego_verify(buf, len, &a, NOW, &m, &key), -NEGO_E_TYPE,
		  "a bad MAC");
	ASSERT_TRUE(!key, "no key: an unsigned REFUSED at most");

	len = later_notice(buf, &keys.keys[0], NOW - 3600);
	ASSERT_EQ(nego_verify(buf, len, &a, NOW, &m, &key), -NEGO_E_TIME,
		  "signed long ago");
	ASSERT_TRUE(!key, "not answered as signed");

	len = later_notice(buf, NULL, NOW);
	ASSERT_EQ(nego_verify(buf, len, &a, NOW, &m, &key), -NEGO_E_TYPE,
		  "unsigned");
	ASSERT_TRUE(!key && m.type == NEGO_NOTICE, "a NOTICE without a key");
	buf[1] = NEGO_ACCEPT | 0x08;
	nego_verify(buf, len, &a, NOW, &m, &key);
	ASSERT_TRUE(!m.type, "an answer of a later version: never answered");
}

TEST(time_window)
{
	__u8 buf[NEGO_MSG_MAX];
	struct nego_msg m;
	ssize_t len;

	if (!keyring())
		return;
	len = signed_notice(buf, sizeof(buf), NOW - 30);
	ASSERT_OK(-receive(buf, len, false, NULL, NOW, &m), "30 s old");
	len = signed_notice(buf, sizeof(buf), NOW - 31);
	ASSERT_EQ(receive(buf, len, false, NULL, NOW, &m), -NEGO_E_TIME,
		  "31 s old");
	len = signed_notice(buf, sizeof(buf), NOW + 31);
	ASSERT_EQ(receive(buf, len, false, NULL, NOW, &m), -NEGO_E_TIME,
		  "31 s ahead");
}

TEST(replay)
{
	__u8 buf[NEGO_MSG_MAX], other[NEGO_MSG_MAX];
	struct nego_replay *r = nego_replay_new(1024);
	struct nego_msg m;
	ssize_t len, len2;

	if (!keyring() || !ASSERT_TRUE(r != NULL, "replay cache"))
		goto out;
	len = signed_notice(buf, sizeof(buf), NOW);
	len2 = signed_notice(other, sizeof(other), NOW);
	ASSERT_OK(-receive(buf, len, false, r, NOW, &m), "first time");
	ASSERT_EQ(receive(buf, len, false, r, NOW + 1, &m), -NEGO_E_REPLAY,
		  "the same again");
	ASSERT_OK(-receive(other, len2, false, r, NOW + 1, &m),
		  "another nonce");
	/* A forged copy must not poison the cache for the real one. */
	buf[len - 1] ^= 1;
	ASSERT_EQ(receive(buf, len, false, r, NOW + 2, &m), -NEGO_E_MAC,
		  "bad MAC");
out:
	nego_replay_free(r);
}

TEST(replay_cache_bounded)
{
	__u8 buf[NEGO_MSG_MAX];
	struct nego_replay *r = nego_replay_new(16);
	struct nego_msg m;
	int i, busy = 0;
	ssize_t len;

	if (!keyring())
		goto out;
	for (i = 0; i < 40; i++) {
		len = signed_notice(buf, sizeof(buf), NOW);
		busy += receive(buf, len, false, r, NOW, &m) == -NEGO_E_BUSY;
	}
	ASSERT_EQ(busy, 40 - 16, "full: refused, not forgotten");
	len = signed_notice(buf, sizeof(buf), NOW + 31);
	ASSERT_OK(-receive(buf, len, false, r, NOW + 31, &m),
		  "room again once the others' times are out of the window");
out:
	nego_replay_free(r);
}

/* Issue 15: at any rate, every nonce of the window is remembered. */
TEST(replay_cache_keeps_up)
{
	static __u8 first[NEGO_MSG_MAX], buf[NEGO_MSG_MAX];
	struct nego_replay *r = nego_replay_new(NEGO_REPLAY_MAX);
	ssize_t len, first_len;
	struct nego_msg m;
	int i, refused = 0;

	if (!keyring())
		goto out;
	first_len = signed_notice(first, sizeof(first), NOW);
	ASSERT_OK(-receive(first, first_len, false, r, NOW, &m), "first");
	/* 100,000 NOTICEs within 10 s, far past the old 65,536 slots. */
	for (i = 0; i < 100000; i++) {
		len = signed_notice(buf, sizeof(buf), NOW + i / 10000);
		refused += receive(buf, len, false, r, NOW + i / 10000, &m) != 0;
	}
	ASSERT_EQ(refused, 0, "none refused");
	ASSERT_EQ(receive(first, first_len, false, r, NOW + 10, &m),
		  -NEGO_E_REPLAY, "the first is still remembered");
	ASSERT_EQ(receive(buf, len, false, r, NOW + 10, &m), -NEGO_E_REPLAY,
		  "and the last");
	ASSERT_EQ(receive(first, first_len, false, r, NOW + 31, &m),
		  -NEGO_E_TIME, "then its time is out of the window");
out:
	nego_replay_free(r);
}

/* Issue 22: a restart forgets the nonces; what was signed before, refused. */
TEST(signed_before_start_refused)
{
	__u8 buf[NEGO_MSG_MAX];
	struct nego_replay *r = nego_replay_new(16);
	struct nego_auth a = { .keys = &keys, .replay = r, .not_before = NOW };
	struct nego_msg m;
	ssize_t len;

	if (!keyring())
		goto out;
	len = signed_notice(buf, sizeof(buf), NOW - 1);
	ASSERT_EQ(nego_receive(buf, len, &a, NOW + 5, &m, NULL),
		  -NEGO_E_STALE, "signed a second before the start");
	len = signed_notice(buf, sizeof(buf), NOW);
	ASSERT_OK(-nego_receive(buf, len, &a, NOW + 5, &m, NULL),
		  "signed in the second of the start");
	a.not_before = 0;
	len = signed_notice(buf, sizeof(buf), NOW - 1);
	ASSERT_OK(-nego_receive(buf, len, &a, NOW + 5, &m, NULL),
		  "no not_before: only the skew window counts");
out:
	nego_replay_free(r);
}

TEST(encode_limits)
{
	__u8 buf[NEGO_MSG_MAX];
	struct nego_msg m = notice();

	m.fqdn[0] = '\0';
	ASSERT_EQ(nego_encode(&m, NULL, NOW, buf, sizeof(buf)), -EINVAL,
		  "empty name");
	m = notice();
	if (!keyring())
		return;
	ASSERT_EQ(nego_encode(&m, &keys.keys[0], NOW, buf, 40), -ENOSPC,
		  "no room");
}

/* The MAC of @len bytes of @buf by OpenSSL's one-shot HMAC(). */
static bool mac_is(const struct nts_key *k, const __u8 *buf, size_t len)
{
	__u8 want[NEGO_MAC_LEN];
	unsigned int n = sizeof(want);

	HMAC(EVP_sha256(), k->secret, k->secret_len, buf, len - NEGO_MAC_LEN,
	     want, &n);
	return !memcmp(want, buf + len - NEGO_MAC_LEN, NEGO_MAC_LEN);
}

#define MAC_KEYS 12	/* more than a thread keeps contexts for */

struct mac_run {
	struct nts_key k[MAC_KEYS];
	int wrong;
};

static void *mac_rounds(void *arg)
{
	struct mac_run *run = arg;
	__u8 buf[NEGO_MSG_MAX];
	int round, i;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < MAC_KEYS; i++) {
			struct nego_msg m = notice();
			ssize_t len;

			m.nonce = round * 100 + i + 1;
			len = nego_encode(&m, &run->k[i], NOW, buf, sizeof(buf));
			run->wrong += len <= 0 || !mac_is(&run->k[i], buf, len);
		}
	}
	nego_thread_done();
	return NULL;
}

/* Keyed contexts kept per thread give HMAC()'s MACs, key after key. */
TEST(mac_contexts)
{
	struct mac_run a = {}, b = {};
	pthread_t t;
	int i;

	for (i = 0; i < MAC_KEYS; i++) {
		snprintf(a.k[i].name, sizeof(a.k[i].name), "k%d", i);
		a.k[i].secret_len = i == 0 ? 1 : 16 + i;
		memset(a.k[i].secret, 'a' + i, a.k[i].secret_len);
	}
	/* Same secret, another length: another key. */
	a.k[1].secret_len = a.k[2].secret_len;
	memset(a.k[1].secret, 'a' + 2, a.k[1].secret_len - 1);
	b = a;
	if (!ASSERT_OK(pthread_create(&t, NULL, mac_rounds, &b), "thread"))
		return;
	mac_rounds(&a);
	pthread_join(t, NULL);
	ASSERT_EQ(a.wrong, 0, "this thread's MACs");
	ASSERT_EQ(b.wrong, 0, "the other thread's, at the same time");
}

/* nego_receive() is nego_verify() then nego_replay_check(). */
TEST(verify_then_replay_check)
{
	__u8 buf[NEGO_MSG_MAX];
	struct nego_replay *r = nego_replay_new(1024);
	struct nego_auth a = { .keys = &keys, .replay = r };
	struct nego_msg m;
	ssize_t len;

	if (!keyring())
		goto out;
	len = signed_notice(buf, sizeof(buf), NOW);
	ASSERT_OK(-nego_verify(buf, len, &a, NOW, &m, NULL), "verified");
	ASSERT_OK(-nego_verify(buf, len, &a, NOW, &m, NULL),
		  "verifying remembers no nonce");
	ASSERT_OK(-nego_replay_check(r, &m, NOW), "the nonce, first time");
	ASSERT_EQ(nego_replay_check(r, &m, NOW), -NEGO_E_REPLAY,
		  "the nonce again");
	ASSERT_EQ(nego_receive(buf, len, &a, NOW, &m, NULL), -NEGO_E_REPLAY,
		  "nego_receive() sees the same cache");
	buf[len - 1] ^= 1;
	ASSERT_EQ(nego_verify(buf, len, &a, NOW, &m, NULL), -NEGO_E_MAC,
		  "a bad MAC");
out:
	nego_replay_free(r);
}
