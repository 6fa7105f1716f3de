/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * How the correlator's annotations are printed, for both formats: the extra fields of an audit or
 * syscall record (verdict, syscalls, context), the blind-spot record, and the correlation part of
 * --summary. The writers (out_json.c, out_plain.c) call the *_fields/suffix functions while
 * they build a record whose writer has w->corr set; everything else is called by main.c.
 */
#ifndef PYX_OUT_CORR_H
#define PYX_OUT_CORR_H

#include <stddef.h>

#include "correlate.h"
#include "out_writer.h"

/* JSON: append ,"verdict":...,"syscalls":[...] / ,"context":{...} to the object being built. */
void pyx_corr_json_fields(struct pyx_buf *b, const struct pyx_corr_item *it);
/* Plain: text for the end of the line ("  [matched: openat=3]", "  UNAUDITED after ..."). */
void pyx_corr_plain_suffix(const struct pyx_corr_item *it, char *buf, size_t size);

/* The four above, for struct pyx_writer.annot. */
extern const struct pyx_annot_ops pyx_corr_annot_ops;

/* --summary: the "correlation" member of the JSON summary record; lines after the plain one. */
void pyx_corr_json_summary(struct pyx_buf *b, const struct pyx_corr *c);
void pyx_corr_plain_summary(struct pyx_writer *w, const struct pyx_corr *c);

#endif /* PYX_OUT_CORR_H */
