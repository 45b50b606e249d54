// SPDX-License-Identifier: GPL-2.0
/* The default NAT port range, from ip_local_port_range (issue 22). */
#include "ports.h"
#include "test.h"

static struct port_range dflt(__u16 lo, __u16 hi)
{
	struct port_range local = { lo, hi };

	return nat_port_range_default(&local);
}

TEST(default_range)
{
	struct port_range r;

	r = dflt(32768, 60999);
	ASSERT_TRUE(r.lo == 1024 && r.hi == 32767, "Linux's defaults: below");
	r = dflt(1024, 20000);
	ASSERT_TRUE(r.lo == 20001 && r.hi == 65535, "the larger stretch: above");
	ASSERT_EQ(port_range_size(&r), 45535, "its size");
}

/* Nothing left must come out empty, not wrap around to a range. */
TEST(default_range_degenerate)
{
	struct port_range r;

	r = dflt(1024, 65535);
	ASSERT_EQ(port_range_size(&r), 0, "1024 65535: nothing left");
	r = dflt(1, 65535);
	ASSERT_EQ(port_range_size(&r), 0, "1 65535: nothing left");
	r = dflt(0, 65535);
	ASSERT_EQ(port_range_size(&r), 0, "0 65535: nothing left, no wrap");
	r = dflt(2000, 65535);
	ASSERT_TRUE(r.lo == 1024 && r.hi == 1999, "only below");
	ASSERT_TRUE(port_range_size(&r) < NAT_PORTS_MIN, "and too small");
	r = dflt(500, 900);
	ASSERT_TRUE(r.lo == 1024 && r.hi == 65535,
		    "a local range below 1024 leaves all of 1024-65535");
}
