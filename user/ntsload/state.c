// SPDX-License-Identifier: GPL-2.0
/*
 * The state file, one entry a line, times as wall-clock milliseconds (the
 * maps' CLOCK_MONOTONIC starts again at boot):
 *
 *   nts-state 1
 *   phl NAME ADDR static|snooped REGISTERED_MS EXPIRES_MS   (0: never)
 *   phl6 NAME ADDR6 static|snooped REGISTERED_MS EXPIRES_MS (AAAA, ip6.h)
 *   policy NAME SPEC                                        (ntsctl policy)
 *   end COUNT                                               (the lines above)
 *
 * The last line tells a whole file from a truncated one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include <nts/ip6.h>
#include <nts/phl.h>
#include <nts/policy.h>

#include "dnsname.h"
#include "flow.h"
#include "log.h"
#include "mapwalk.h"
#include "policy.h"
#include "state.h"

#define STATE_MAGIC	"nts-state 1"
#define STATE_FILE_MAX	(64 << 20)

static __u64 real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

int state_init(struct state *s, const char *dir, const struct nts_maps *maps)
{
	memset(s, 0, sizeof(*s));
	s->maps = maps;
	if (!dir)
		return 0;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		pr_err("--state-dir %s: cannot make it: %s", dir,
		       strerror(errno));
		return -errno;
	}
	if (snprintf(s->path, sizeof(s->path), "%s/state", dir) >=
	    (int)sizeof(s->path)) {
		pr_err("--state-dir %s: too long a path", dir);
		s->path[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

/* ---- saving ---- */

struct save {
	FILE *f;
	__u64 hash; /* FNV-1a over the entries as the maps hold them */
	__u64 mono, real;
	unsigned int lines;
};

static void hash_bytes(struct save *sv, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		sv->hash = (sv->hash ^ *b++) * 0x100000001b3ULL;
}

/* A monotonic time of the maps as a wall-clock one. */
static __u64 to_real(const struct save *sv, __u64 ns)
{
	__s64 d = ((__s64)ns - (__s64)sv->mono) / 1000000;

	return (__u64)((__s64)sv->real + d);
}

static int save_name(const void *key, const void *value, void *ctx)
{
	const struct phl_entry *e = value;
	const struct phl_key *k = key;
	struct save *sv = ctx;
	char a[INET_ADDRSTRLEN];

	hash_bytes(sv, k, sizeof(*k));
	hash_bytes(sv, e, sizeof(*e));
	inet_ntop(AF_INET, &e->addr, a, sizeof(a));
	fprintf(sv->f, "phl %s %s %s %llu %llu\n", k->name, a,
		e->flags & PHL_F_STATIC ? "static" : "snooped",
		(unsigned long long)to_real(sv, e->registered_ns),
		e->expires_ns ? (unsigned long long)to_real(sv, e->expires_ns) :
				0ULL);
	sv->lines++;
	return 0;
}

static int save_name6(const void *key, const void *value, void *ctx)
{
	const struct phl6_entry *e = value;
	const struct phl_key *k = key;
	struct save *sv = ctx;
	char a[INET6_ADDRSTRLEN];

	hash_bytes(sv, k, sizeof(*k));
	hash_bytes(sv, e, sizeof(*e));
	inet_ntop(AF_INET6, &e->addr, a, sizeof(a));
	fprintf(sv->f, "phl6 %s %s %s %llu %llu\n", k->name, a,
		e->flags & PHL_F_STATIC ? "static" : "snooped",
		(unsigned long long)to_real(sv, e->registered_ns),
		e->expires_ns ? (unsigned long long)to_real(sv, e->expires_ns) :
				0ULL);
	sv->lines++;
	return 0;
}

static int save_policy(const void *key, const void *value, void *ctx)
{
	const struct phl_key *k = key;
	struct save *sv = ctx;
	char spec[512];

	hash_bytes(sv, k, sizeof(*k));
	hash_bytes(sv, value, sizeof(struct nts_policy));
	fprintf(sv->f, "policy %s %s\n", k->name,
		policy_format(value, spec, sizeof(spec)));
	sv->lines++;
	return 0;
}

/* @text (@len bytes) as @path, whole or not at all. */
static int write_atomic(const char *path, const char *text, size_t len)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX], *slash;
	int fd, dfd, err = 0;
	ssize_t n;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (len && !err) {
		n = write(fd, text, len);
		if (n < 0 && errno != EINTR)
			err = -errno;
		if (n > 0) {
			text += n;
			len -= n;
		}
	}
	if (!err && fsync(fd))
		err = -errno;
	close(fd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	/* The rename itself, on disk. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int state_save(struct state *s, bool force)
{
	struct save sv = { .hash = 0xcbf29ce484222325ULL };
	char *text = NULL;
	size_t len = 0;
	int err;

	if (!s->path[0])
		return 0;
	sv.f = open_memstream(&text, &len);
	if (!sv.f)
		return -ENOMEM;
	sv.mono = mono_ns();
	sv.real = real_ms();
	fprintf(sv.f, "%s\n", STATE_MAGIC);
	err = map_walk(s->maps->phl, sizeof(struct phl_key),
		       sizeof(struct phl_entry), save_name, &sv);
	if (!err)
		err = map_walk(s->maps->phl6, sizeof(struct phl_key),
			       sizeof(struct phl6_entry), save_name6, &sv);
	if (!err)
		err = map_walk(s->maps->policy, sizeof(struct phl_key),
			       sizeof(struct nts_policy), save_policy, &sv);
	fprintf(sv.f, "end %u\n", sv.lines);
	if (fclose(sv.f) && !err)
		err = -ENOMEM;
	if (!err && !force && s->have_saved && sv.hash == s->saved)
		goto out;
	if (!err)
		err = write_atomic(s->path, text, len);
	if (err) {
		pr_err("--state-dir: cannot write %s: %s; the registrations "
		       "would not survive a reboot",
		       s->path, strerror(-err));
	} else {
		s->saved = sv.hash;
		s->have_saved = true;
	}
out:
	free(text);
	return err;
}

/* ---- restoring ---- */

struct restored {
	struct phl_key *names;
	struct phl_entry *entries;
	struct phl_key *pnames;
	struct nts_policy *policies;
	struct phl_key *names6;
	struct phl6_entry *entries6;
	size_t n, np, n6, cap;
};

/* One line; 0, or -EINVAL with what is wrong in @why. */
static int parse_line(char *line, struct restored *r, const char **why)
{
	char *f[7], *save, *end;
	unsigned long long reg, exp;
	struct phl6_entry e6 = {};
	struct phl_entry e = {};
	struct phl_key k = {};
	struct in_addr a;
	bool v6;
	char err[128];
	int n = 0;

	for (f[n] = strtok_r(line, " ", &save); f[n] && n < 6;
	     f[++n] = strtok_r(NULL, " ", &save))
		;
	if (n < 3 || dns_name_normalize(f[1], k.name, sizeof(k.name)) ||
	    strcmp(k.name, f[1])) {
		*why = "not a line of a state file";
		return -EINVAL;
	}
	if (!strcmp(f[0], "policy") && n == 3) {
		struct nts_policy p;

		if (policy_parse(f[2], &p, err, sizeof(err))) {
			*why = "a policy ntsload can't read";
			return -EINVAL;
		}
		r->pnames[r->np] = k;
		r->policies[r->np++] = p;
		return 0;
	}
	v6 = !strcmp(f[0], "phl6");
	if ((strcmp(f[0], "phl") && !v6) || n != 6 ||
	    (v6 ? inet_pton(AF_INET6, f[2], &e6.addr) :
		  inet_pton(AF_INET, f[2], &a)) != 1 ||
	    (strcmp(f[3], "static") && strcmp(f[3], "snooped"))) {
		*why = "not a line of a state file";
		return -EINVAL;
	}
	errno = 0;
	reg = strtoull(f[4], &end, 10);
	if (errno || *end)
		goto bad_time;
	exp = strtoull(f[5], &end, 10);
	if (errno || *end)
		goto bad_time;
	e.flags = !strcmp(f[3], "static") ? PHL_F_STATIC : PHL_F_RESTORED;
	/* Wall-clock ms for now; made monotonic when inserted. */
	e.registered_ns = reg;
	e.expires_ns = exp;
	if (v6) {
		e6.flags = e.flags;
		e6.registered_ns = reg;
		e6.expires_ns = exp;
		r->names6[r->n6] = k;
		r->entries6[r->n6++] = e6;
		return 0;
	}
	e.addr = a.s_addr;
	r->names[r->n] = k;
	r->entries[r->n++] = e;
	return 0;
bad_time:
	*why = "a time that is not a number";
	return -EINVAL;
}

/* The whole of @text, or nothing: -EINVAL with @line and @why. */
static int parse(char *text, struct restored *r, unsigned int *line,
		 const char **why)
{
	char *save, *l = strtok_r(text, "\n", &save);
	unsigned long long count;
	char *end;
	int err;

	*line = 1;
	if (!l || strcmp(l, STATE_MAGIC)) {
		*why = "not an ntsload state file (or of another version)";
		return -EINVAL;
	}
	for (l = strtok_r(NULL, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		++*line;
		if (!strncmp(l, "end ", 4)) {
			errno = 0;
			count = strtoull(l + 4, &end, 10);
			if (errno || *end || count != r->n + r->np + r->n6) {
				*why = "its end does not match its lines";
				return -EINVAL;
			}
			if (strtok_r(NULL, "\n", &save)) {
				*why = "lines after its end";
				return -EINVAL;
			}
			return 0;
		}
		if (r->n + r->np + r->n6 == r->cap) {
			*why = "more entries than the file can hold";
			return -EINVAL;
		}
		err = parse_line(l, r, why);
		if (err)
			return err;
	}
	*why = "truncated: no end line";
	return -EINVAL;
}

/* The file's text, NUL-terminated; NULL with errno (ENOENT: none). */
static char *read_file(const char *path, size_t *len)
{
	struct stat st;
	char *text;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > STATE_FILE_MAX) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	text = malloc(st.st_size + 1);
	n = text ? read(fd, text, st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		free(text);
		errno = EIO;
		return NULL;
	}
	text[n] = '\0';
	*len = n;
	return text;
}

/*
 * Wall-clock ms @reg and @exp (0: never), as the monotonic ns of this
 * boot. False if the entry expired while the router was down.
 */
static bool to_mono(__u64 *reg, __u64 *exp, __u64 mono, __u64 real)
{
	__u64 age = real > *reg ? (real - *reg) * 1000000ULL : 0;

	if (*exp && *exp <= real)
		return false;
	/* A name older than this boot: registered at its start. */
	*reg = age < mono ? mono - age : 1;
	*exp = *exp ? mono + (*exp - real) * 1000000ULL : 0;
	return true;
}

static void restore_into(struct state *s, struct restored *r)
{
	__u64 mono = mono_ns(), real = real_ms();
	unsigned int names = 0, statics = 0, expired = 0, full = 0, pols = 0;
	char v6[32] = "";
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct phl_entry *e = &r->entries[i];

		if (!to_mono(&e->registered_ns, &e->expires_ns, mono, real)) {
			expired++;
			continue;
		}
		if (bpf_map_update_elem(s->maps->phl, &r->names[i], e,
					BPF_NOEXIST)) {
			full++;
			continue;
		}
		names++;
		statics += !!(e->flags & PHL_F_STATIC);
	}
	for (i = 0; i < r->n6; i++) {
		struct phl6_entry *e = &r->entries6[i];

		if (!to_mono(&e->registered_ns, &e->expires_ns, mono, real)) {
			expired++;
			continue;
		}
		if (bpf_map_update_elem(s->maps->phl6, &r->names6[i], e,
					BPF_NOEXIST)) {
			full++;
			continue;
		}
		names++;
		statics += !!(e->flags & PHL_F_STATIC);
	}
	for (i = 0; i < r->np; i++)
		if (!bpf_map_update_elem(s->maps->policy, &r->pnames[i],
					 &r->policies[i], BPF_NOEXIST))
			pols++;
	if (r->n6)
		snprintf(v6, sizeof(v6), ", %zu IPv6", r->n6);
	pr_info("--state-dir: %s: %u names restored (%u static%s), %u "
		"policies; %u expired while the router was down%s",
		s->path, names, statics, v6, pols, expired,
		full ? "; some did not fit: raise --max-names" : "");
}

/* A file that can't be read back is kept for the operator, as .bad. */
static void set_aside(const struct state *s, unsigned int line,
		      const char *why)
{
	char bad[PATH_MAX + 8];

	snprintf(bad, sizeof(bad), "%s.bad", s->path);
	if (rename(s->path, bad))
		bad[0] = '\0';
	pr_err("--state-dir: %s, line %u: %s; starting with empty tables%s%s",
	       s->path, line, why, bad[0] ? ", the file kept as " : "", bad);
}

void state_restore(struct state *s)
{
	struct restored r = {};
	const char *why = NULL;
	unsigned int line = 0;
	size_t len = 0;
	char *text;

	if (!s->path[0])
		return;
	text = read_file(s->path, &len);
	if (!text) {
		if (errno == ENOENT)
			pr_info("--state-dir: no %s yet: an empty start",
				s->path);
		else
			pr_err("--state-dir: cannot read %s: %s; starting with "
			       "empty tables",
			       s->path, strerror(errno));
		return;
	}
	/* No line is shorter than 16 bytes: room enough for every one. */
	r.cap = len / 16 + 1;
	r.names = calloc(r.cap, sizeof(*r.names));
	r.entries = calloc(r.cap, sizeof(*r.entries));
	r.pnames = calloc(r.cap, sizeof(*r.pnames));
	r.policies = calloc(r.cap, sizeof(*r.policies));
	r.names6 = calloc(r.cap, sizeof(*r.names6));
	r.entries6 = calloc(r.cap, sizeof(*r.entries6));
	if (!r.names || !r.entries || !r.pnames || !r.policies || !r.names6 ||
	    !r.entries6)
		pr_err("--state-dir: no memory to read %s; starting with empty "
		       "tables", s->path);
	else if (parse(text, &r, &line, &why))
		set_aside(s, line, why);
	else
		restore_into(s, &r);
	free(text);
	free(r.names);
	free(r.entries);
	free(r.pnames);
	free(r.policies);
	free(r.names6);
	free(r.entries6);
}
