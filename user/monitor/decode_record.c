// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>

#include "pyxcheck_wire.h"
#include "decode_catalog.h"
#include "decode_record.h"

_Static_assert(sizeof(struct pyx_rec_hdr) == 56, "pyx_rec_hdr layout");
_Static_assert(sizeof(struct pyx_rec_audit) == 72, "pyx_rec_audit layout");
_Static_assert(sizeof(struct pyx_rec_lifecycle) == 88, "pyx_rec_lifecycle layout");
_Static_assert(sizeof(struct pyx_rec_lost) == 72, "pyx_rec_lost layout");
_Static_assert(sizeof(struct pyx_rec_throttled) == 72, "pyx_rec_throttled layout");

/* The body number and event id whose name last matched the catalogue's (per thread: the body
 * numbers are the decoder's, decode_payload.h). */
static __thread struct {
	uint64_t gen;
	unsigned int id;
} name_ok;

int pyx_audit_decode(const void *rec, size_t size, struct pyx_arena *arena, struct pyx_event *ev,
		     const char **why, const void **payload, size_t *payload_len)
{
	const struct pyx_rec_audit *a = rec;
	const struct pyx_cat_event *ce;
	int err;

	*payload = rec;
	*payload_len = size;
	if (size < sizeof(*a)) {
		*why = "audit record shorter than its header";
		return -EINVAL;
	}
	if (a->payload_len > size - sizeof(*a) || a->payload_len > PYX_PAYLOAD_MAX) {
		*why = "payload_len runs past the record";
		return -EINVAL;
	}
	*payload = a->payload;
	*payload_len = a->payload_len;
	if (a->hdr.flags & PYX_AF_COPY_FAILED) {
		*why = "the payload could not be copied from the process";
		return -EINVAL;
	}
	if (a->claimed_len != a->payload_len) {
		*why = "payload_len differs from the probe's claimed length";
		return -EINVAL;
	}
	pyx_arena_reset(arena);
	err = pyx_payload_decode(a->payload, a->payload_len, arena, ev, why);
	if (err) {
		/* the arena is sized for any payload: running out means the payload lies */
		return -EINVAL;
	}
	if (ev->event_id != a->event_id) {
		*why = "event id of the probe and of the payload differ";
		return -EINVAL;
	}
	ce = pyx_cat_event(ev->event_id);
	/* the name checked once per kept body and event id: the body (pyx_event.body_gen) holds
	 * the name's bytes, and the check is a function of them and the id alone */
	if (ce && !(ev->body_gen && ev->body_gen == name_ok.gen && ev->event_id == name_ok.id)) {
		if (strlen(ce->name) != ev->name->len ||
		    memcmp(ce->name, ev->name->s.data, ev->name->len)) {
			*why = "event name differs from the catalogue's for its id";
			return -EINVAL;
		}
		name_ok.gen = ev->body_gen;
		name_ok.id = ev->event_id;
	}
	if (ce ? ce->category != a->category : a->category != PYX_CAT_OTHER) {
		*why = "event fired on another category's probe";
		return -EINVAL;
	}
	return 0;
}
