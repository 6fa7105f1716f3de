/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Validation of an audit ring-buffer record and of the payload it carries, in one place. */
#ifndef PYX_DECODE_RECORD_H
#define PYX_DECODE_RECORD_H

#include <stddef.h>

#include "decode_payload.h"

/* rec/size as the loader hands them (size >= the common header). Returns 0 with ev decoded, or
 * -EINVAL with *why set (a malformed record: the caller reports it and goes on). *payload and
 * *payload_len are set whenever the payload bounds checked out (for a hex head), else the record.
 * */
int pyx_audit_decode(const void *rec, size_t size, struct pyx_arena *arena, struct pyx_event *ev,
		     const char **why, const void **payload, size_t *payload_len);

#endif /* PYX_DECODE_RECORD_H */
