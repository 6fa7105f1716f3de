/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --syslog ADDR: every JSON record as one RFC 5424 message (the JSON is MSG), to a local socket
 * (unix:PATH, datagrams, as /dev/log takes them), a UDP relay (udp:HOST:PORT, one datagram per
 * record) or a TCP relay (tcp:HOST:PORT, RFC 6587 octet-counting framing).
 *
 * The sink never blocks the ring-buffer consumer: records wait in a bounded queue and go out on
 * a non-blocking socket from pyx_syslog_pump(), called every poll round. When the relay is away
 * the queue holds records up to its bound, the sink reconnects with exponential backoff
 * (0.1 s to 5 s), and each record the queue cannot take is counted as lost.
 *
 * TCP accounting: a record leaves the queue only when the peer's kernel has acknowledged all of
 * its bytes (SIOCOUTQ: bytes in the send queue not yet acknowledged). When the connection breaks
 * (the relay closed it: seen as readable/EOF before any write, or a send error), every record not
 * yet acknowledged is sent again on the next connection, so none is lost in the socket buffers
 * of a dead connection. What a relay acknowledged and then dropped without reading is beyond
 * what TCP can tell (RELP exists for that).
 */
#ifndef PYX_OUT_SYSLOG_H
#define PYX_OUT_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

struct pyx_syslog;

struct pyx_syslog_stats {
	uint64_t sent;   /* datagrams sent, or TCP records acknowledged by the relay's kernel */
	uint64_t lost;   /* records never delivered: the queue was full, or left at exit */
	uint64_t queued; /* waiting now (TCP: includes sent, not yet acknowledged) */
	uint64_t reconnects;
};

/* Parse ADDR and set up the sink (the first connection is tried at the first pump). max_bytes
 * bounds the queue. Returns 0 or -EINVAL (bad address, printed) / -ENOMEM. */
int pyx_syslog_open(struct pyx_syslog **out, const char *addr, size_t max_bytes,
		    const char *hostname);

/* Queue one JSON record (no newline); msgid is its type. Counted as lost when the queue is full. */
void pyx_syslog_push(struct pyx_syslog *s, const char *json, size_t len);

/* Reconnect when due, account acknowledged bytes, send what the socket takes. */
void pyx_syslog_pump(struct pyx_syslog *s);

/* At exit: pump until everything is delivered or timeout_ms passed; what is left is lost. */
void pyx_syslog_finish(struct pyx_syslog *s, int timeout_ms);

void pyx_syslog_stats(const struct pyx_syslog *s, struct pyx_syslog_stats *st);

/* Lost records not reported yet by a `lost` record (resets the count). */
uint64_t pyx_syslog_take_lost(struct pyx_syslog *s);

void pyx_syslog_close(struct pyx_syslog *s);

#endif /* PYX_OUT_SYSLOG_H */
