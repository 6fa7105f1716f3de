// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The --syslog sink; design and accounting in out_syslog.h. */
#define _GNU_SOURCE /* POLLRDHUP */
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "out_syslog.h"

#define BACKOFF_MIN_NS 100000000ull  /* 0.1 s */
#define BACKOFF_MAX_NS 5000000000ull /* 5 s */

enum { T_UNIX, T_UDP, T_TCP };
enum { S_DOWN, S_CONNECTING, S_UP };

struct entry {
	char *data; /* the bytes on the wire: framed for TCP */
	size_t len;
};

struct pyx_syslog {
	int transport, state, fd;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char host[256];  /* RFC 5424 HOSTNAME: printable ASCII, no spaces */
	struct entry *q; /* circular, cap entries; indexes grow without wrapping */
	size_t cap;
	uint64_t head, sent, tail; /* head..sent: written, not acknowledged; sent..tail: unsent */
	size_t sent_off;           /* bytes of q[sent] already written (TCP) */
	size_t bytes, max_bytes;   /* queued bytes and their bound */
	uint64_t inflight;         /* TCP: bytes written on this connection for head..sent */
	uint64_t retry_at, backoff;
	uint64_t n_sent, n_lost, n_lost_unreported, n_reconnects;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int parse_addr(struct pyx_syslog *s, const char *addr)
{
	struct addrinfo hints = {}, *res = NULL;
	char host[256], *port;
	const char *rest;

	if (!strncmp(addr, "unix:", 5)) {
		struct sockaddr_un *un = (struct sockaddr_un *)&s->addr;

		if (!addr[5] || strlen(addr + 5) >= sizeof(un->sun_path))
			return -EINVAL;
		s->transport = T_UNIX;
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, addr + 5);
		s->addrlen = sizeof(*un);
		return 0;
	}
	if (!strncmp(addr, "udp:", 4))
		s->transport = T_UDP;
	else if (!strncmp(addr, "tcp:", 4))
		s->transport = T_TCP;
	else
		return -EINVAL;
	rest = addr + 4;
	/* [v6]:port or host:port */
	if (*rest == '[') {
		const char *close = strchr(rest, ']');

		if (!close || close[1] != ':' || (size_t)(close - rest - 1) >= sizeof(host))
			return -EINVAL;
		memcpy(host, rest + 1, close - rest - 1);
		host[close - rest - 1] = 0;
		port = (char *)close + 2;
	} else {
		const char *colon = strrchr(rest, ':');

		if (!colon || colon == rest || (size_t)(colon - rest) >= sizeof(host))
			return -EINVAL;
		memcpy(host, rest, colon - rest);
		host[colon - rest] = 0;
		port = (char *)colon + 1;
	}
	if (!*port)
		return -EINVAL;
	hints.ai_socktype = s->transport == T_TCP ? SOCK_STREAM : SOCK_DGRAM;
	/* resolved once, at start: a name that moves needs a restart */
	if (getaddrinfo(host, port, &hints, &res) || !res)
		return -EINVAL;
	memcpy(&s->addr, res->ai_addr, res->ai_addrlen);
	s->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int pyx_syslog_open(struct pyx_syslog **out, const char *addr, size_t max_bytes,
		    const char *hostname)
{
	struct pyx_syslog *s = calloc(1, sizeof(*s));
	size_t i, n = 0;

	if (!s)
		return -ENOMEM;
	if (parse_addr(s, addr)) {
		free(s);
		return -EINVAL;
	}
	s->fd = -1;
	s->cap = 1024;
	s->q = calloc(s->cap, sizeof(*s->q));
	if (!s->q) {
		free(s);
		return -ENOMEM;
	}
	s->max_bytes = max_bytes;
	s->backoff = BACKOFF_MIN_NS;
	for (i = 0; hostname[i] && n < sizeof(s->host) - 1; i++)
		if (hostname[i] > 32 && hostname[i] < 127)
			s->host[n++] = hostname[i];
	if (!n)
		s->host[n++] = '-';
	s->host[n] = 0;
	*out = s;
	return 0;
}

static struct entry *at(struct pyx_syslog *s, uint64_t i)
{
	return &s->q[i % s->cap];
}

static bool grow(struct pyx_syslog *s)
{
	struct entry *q = calloc(s->cap * 2, sizeof(*q));
	uint64_t i;

	if (!q)
		return false;
	for (i = s->head; i < s->tail; i++)
		q[i % (s->cap * 2)] = *at(s, i);
	free(s->q);
	s->q = q;
	s->cap *= 2;
	return true;
}

static void lose(struct pyx_syslog *s, uint64_t n)
{
	s->n_lost += n;
	s->n_lost_unreported += n;
}

void pyx_syslog_push(struct pyx_syslog *s, const char *json, size_t len)
{
	char hdr[512], ts[64], msgid[33] = "-";
	const char *t = strstr(json, "\"type\":\"");
	struct timespec now;
	struct tm tm;
	size_t n, i, total;
	struct entry *e;
	char *p;

	if (t && t - json < 8) {
		for (t += 8, i = 0; t[i] && t[i] != '"' && i < sizeof(msgid) - 1; i++)
			msgid[i] = t[i];
		msgid[i ? i : 1] = 0;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	/* RFC 5424 allows six digits of second fraction; the record's own "time" has nine */
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000);
	/* <30>: facility daemon (3), severity info (6); no structured data */
	n = (size_t)snprintf(hdr, sizeof(hdr), "<30>1 %s %s pyxcheck %d %s - ", ts, s->host,
			     (int)getpid(), msgid);
	total = n + len;
	if (s->transport == T_TCP) {
		char pre[24];
		int m = snprintf(pre, sizeof(pre), "%zu ", total);

		memmove(hdr + m, hdr, n + 1);
		memcpy(hdr, pre, m);
		n += m;
	}
	if (s->bytes + n + len > s->max_bytes || (s->tail - s->head == s->cap && !grow(s)) ||
	    !(p = malloc(n + len))) {
		lose(s, 1);
		return;
	}
	memcpy(p, hdr, n);
	memcpy(p + n, json, len);
	e = at(s, s->tail++);
	e->data = p;
	e->len = n + len;
	s->bytes += e->len;
}

static void pop(struct pyx_syslog *s)
{
	struct entry *e = at(s, s->head++);

	s->bytes -= e->len;
	free(e->data);
	e->data = NULL;
}

static void disconnect(struct pyx_syslog *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->state = S_DOWN;
	/* nothing written on that connection is known delivered beyond what was acknowledged */
	s->sent = s->head;
	s->sent_off = 0;
	s->inflight = 0;
	s->retry_at = mono_ns() + s->backoff;
	s->backoff = s->backoff * 2 > BACKOFF_MAX_NS ? BACKOFF_MAX_NS : s->backoff * 2;
}

static void try_connect(struct pyx_syslog *s)
{
	int type = s->transport == T_TCP ? SOCK_STREAM : SOCK_DGRAM;

	s->fd = socket(s->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		disconnect(s);
		return;
	}
	s->n_reconnects++;
	if (connect(s->fd, (struct sockaddr *)&s->addr, s->addrlen) == 0) {
		s->state = S_UP;
	} else if (errno == EINPROGRESS) {
		s->state = S_CONNECTING;
	} else {
		disconnect(s);
	}
}

/* TCP: drop from the queue what the peer's kernel acknowledged. */
static void account_acks(struct pyx_syslog *s)
{
	int outq = 0;
	uint64_t acked;

	if (ioctl(s->fd, SIOCOUTQ, &outq) < 0 || outq < 0 || (uint64_t)outq > s->inflight)
		return;
	acked = s->inflight - (uint64_t)outq;
	while (s->head < s->sent && at(s, s->head)->len <= acked) {
		acked -= at(s, s->head)->len;
		s->inflight -= at(s, s->head)->len;
		pop(s);
		s->n_sent++;
	}
}

/* The relay never writes to us: readable means it closed the connection (or an error). */
static bool peer_gone(struct pyx_syslog *s)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN | POLLRDHUP };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLRDHUP | POLLERR | POLLHUP));
}

void pyx_syslog_pump(struct pyx_syslog *s)
{
	ssize_t n;

	if (s->state == S_DOWN) {
		if (s->head == s->tail || mono_ns() < s->retry_at)
			return;
		try_connect(s);
	}
	if (s->state == S_CONNECTING) {
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };
		int err = 0;
		socklen_t len = sizeof(err);

		if (poll(&p, 1, 0) <= 0)
			return;
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
			disconnect(s);
			return;
		}
		s->state = S_UP;
	}
	if (s->transport == T_TCP) {
		account_acks(s);
		if (peer_gone(s)) {
			disconnect(s);
			return;
		}
	}
	while (s->sent < s->tail) {
		struct entry *e = at(s, s->sent);

		n = send(s->fd, e->data + s->sent_off, e->len - s->sent_off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ENOBUFS)
				break;
			if (errno == EMSGSIZE && s->transport != T_TCP) {
				/* a record past the datagram limit never fits: lost, go on */
				pop(s);
				s->sent = s->head;
				lose(s, 1);
				continue;
			}
			disconnect(s);
			return;
		}
		if (s->transport != T_TCP) {
			pop(s);
			s->sent = s->head;
			s->n_sent++;
			continue;
		}
		s->sent_off += (size_t)n;
		s->inflight += (uint64_t)n;
		if (s->sent_off == e->len) {
			s->sent++;
			s->sent_off = 0;
		}
	}
	/* a connection that carries records is a good one again */
	s->backoff = BACKOFF_MIN_NS;
	if (s->transport == T_TCP)
		account_acks(s);
}

void pyx_syslog_finish(struct pyx_syslog *s, int timeout_ms)
{
	uint64_t end = mono_ns() + (uint64_t)timeout_ms * 1000000ull;

	while (s->head < s->tail && mono_ns() < end) {
		/* no backoff wait at the end: try again at each round */
		if (s->state == S_DOWN)
			s->retry_at = 0;
		pyx_syslog_pump(s);
		if (s->head < s->tail)
			usleep(20000);
	}
	if (s->head < s->tail) {
		lose(s, s->tail - s->head);
		while (s->head < s->tail)
			pop(s);
	}
	s->sent = s->head;
}

void pyx_syslog_stats(const struct pyx_syslog *s, struct pyx_syslog_stats *st)
{
	st->sent = s->n_sent;
	st->lost = s->n_lost;
	st->queued = s->tail - s->head;
	st->reconnects = s->n_reconnects;
}

uint64_t pyx_syslog_take_lost(struct pyx_syslog *s)
{
	uint64_t n = s->n_lost_unreported;

	s->n_lost_unreported = 0;
	return n;
}

void pyx_syslog_close(struct pyx_syslog *s)
{
	if (!s)
		return;
	while (s->head < s->tail)
		pop(s);
	if (s->fd >= 0)
		close(s->fd);
	free(s->q);
	free(s);
}
