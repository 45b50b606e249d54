// SPDX-License-Identifier: GPL-2.0
/* ntsctl policy: what hosts expose. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include <nts/phl.h>
#include <nts/policy.h>

#include "dnsname.h"
#include "log.h"
#include "policy.h"
#include "ntsctl.h"

static int policy_list(struct ctl *c)
{
	struct phl_key k, next;
	struct nts_policy p;
	char spec[512];
	int n = 0, err;

	if (c->cfg.json)
		printf("[");
	else
		printf("%-40s %s\n", "NAME", "EXPOSES");
	for (err = bpf_map_get_next_key(c->maps.policy, NULL, &next); !err;
	     err = bpf_map_get_next_key(c->maps.policy, &k, &next)) {
		k = next;
		if (bpf_map_lookup_elem(c->maps.policy, &k, &p))
			continue;
		policy_format(&p, spec, sizeof(spec));
		if (c->cfg.json)
			printf("%s\n {\"name\": \"%s\", \"policy\": \"%s\"}",
			       n ? "," : "", k.name, spec);
		else
			printf("%-40s %s\n", k.name, spec);
		n++;
	}
	if (c->cfg.json)
		printf("%s]\n", n ? "\n" : "");
	return 0;
}

int cmd_policy(struct ctl *c, int argc, char **argv)
{
	struct nts_policy p;
	struct phl_key k;
	char why[256];
	bool set, del;

	if (!argc)
		return policy_list(c);
	set = !strcmp(argv[0], "set") && argc == 3;
	del = !strcmp(argv[0], "del") && argc == 2;
	if (!set && !del) {
		pr_err("usage: ntsctl policy [set NAME SPEC | del NAME]");
		return -EINVAL;
	}
	if (dns_name_normalize(argv[1], k.name, sizeof(k.name))) {
		pr_err("'%s' is not a host name", argv[1]);
		return -EINVAL;
	}
	if (del) {
		if (bpf_map_delete_elem(c->maps.policy, &k)) {
			pr_err("%s: %s", k.name,
			       errno == ENOENT ? "has no policy" :
						 strerror(errno));
			return -errno;
		}
		return 0;
	}
	if (policy_parse(argv[2], &p, why, sizeof(why))) {
		pr_err("policy: %s", why);
		return -EINVAL;
	}
	if (bpf_map_update_elem(c->maps.policy, &k, &p, BPF_ANY)) {
		pr_err("cannot set the policy of %s: %s", k.name,
		       strerror(errno));
		return -errno;
	}
	return 0;
}
