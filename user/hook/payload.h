/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The payload v1 serialiser (format: include/pyxcheck_wire.h, section 2). */
#ifndef PYX_HOOK_PAYLOAD_H
#define PYX_HOOK_PAYLOAD_H

#include "pyapi.h"
#include "pyxcheck_wire.h"

/*
 * Serialise one audit event into buf (PYX_PAYLOAD_MAX bytes) and return the payload length.
 * With python == 0 (no thread state: the interpreter is being created) no Python API is touched:
 * only the name is written, with PYX_PF_NO_ARGS | PYX_PF_NO_FRAME. Otherwise the caller holds the
 * GIL; the frame is the calling thread's current Python frame; a pending exception is saved and
 * restored; nothing that can run Python code is called. Never fails: any value that cannot be
 * read is written as an empty or truncated value.
 */
__u32 pyx_payload_encode(__u8 *buf, const char *name, __u32 event_id, PyObject *args, __u64 seq,
			 int python);

#endif /* PYX_HOOK_PAYLOAD_H */
