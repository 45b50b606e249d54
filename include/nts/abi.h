/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What pinned maps hold is an ABI: a restarted or upgraded ntsload reuses
 * the maps, and so their layout (README "Upgrades"). Each such structure
 * states its size, and where its fields of most consequence are, so that
 * a change to it cannot go unnoticed by the build, in BPF and user space.
 */
#ifndef NTS_ABI_H
#define NTS_ABI_H

#define NTS_PINNED(type, size)                                                \
	_Static_assert(sizeof(type) == (size),                                \
		       #type ": the pinned layout changed (README \"Upgrades\")")
#define NTS_PINNED_AT(type, member, off)                                      \
	_Static_assert(__builtin_offsetof(type, member) == (off),             \
		       #type "." #member ": the pinned layout changed")

#endif /* NTS_ABI_H */
