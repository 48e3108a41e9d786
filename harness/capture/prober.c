/* prober.c — ICMP echo prober running inside a lab namespace, and its IOS-style summary.
 *
 * Echo format (RFC 792): type 8, code 0, checksum, identifier, sequence number; our
 * payload is "ihhprobe" + the send time (CLOCK_REALTIME ns, big endian) + zero fill to
 * 56 bytes like ping(8). Replies are matched on identifier, sequence number and the
 * echoed send time (so a reply to an old echo after a sequence wrap is not mistaken).
 * Packets are built and parsed byte by byte, never through casts.
 */
#include "prober.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROBE_PAYLOAD   56
#define PROBE_MAGIC     "ihhprobe"
#define PROBE_SLICE_NS  50000000LL     /* sender checks for stop at least this often */

struct prober {
	struct probe_cfg cfg;
	int64_t interval_ns, timeout_ns;
	int sock;
	int stop_fd;
	pthread_t tx, rx;
	int tx_running, rx_running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int rx_ready;           /* 0 pending, 1 ok, -1 failed */
	char err[256];
	int stop_tx, stop_rx;   /* atomic */
	int stopped;
	struct probe_rec *rec;
	size_t n, cap;
};

static int64_t now_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct timespec ns_to_ts(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };
	return ts;
}

static uint16_t inet_cksum(const uint8_t *b, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* --- receiver ----------------------------------------------------------------- */

static int open_socket(struct prober *p)
{
	int self = -1, fd = -1;
	struct icmp_filter filt = { .data = ~(1u << ICMP_ECHOREPLY) };
	int one = 1, rcvbuf = 1 << 20;

	if (p->cfg.ns_fd >= 0) {
		self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (self < 0) {
			snprintf(p->err, sizeof(p->err), "open /proc/thread-self/ns/net: %s", strerror(errno));
			return -1;
		}
		if (setns(p->cfg.ns_fd, CLONE_NEWNET) < 0) {
			snprintf(p->err, sizeof(p->err), "setns: %s", strerror(errno));
			close(self);
			return -1;
		}
	}
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0)
		snprintf(p->err, sizeof(p->err), "socket(SOCK_RAW, IPPROTO_ICMP): %s", strerror(errno));
	if (self >= 0) {
		if (setns(self, CLONE_NEWNET) < 0 && fd >= 0) {
			snprintf(p->err, sizeof(p->err), "setns back: %s", strerror(errno));
			close(fd);
			fd = -1;
		}
		close(self);
	}
	if (fd < 0)
		return -1;
	/* only echo replies reach us (requests we see on loopback are filtered out too) */
	setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (p->cfg.src) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(p->cfg.src) };

		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			snprintf(p->err, sizeof(p->err), "bind source: %s", strerror(errno));
			close(fd);
			return -1;
		}
	}
	p->sock = fd;
	return 0;
}

static void handle_reply(struct prober *p, const uint8_t *b, size_t len, int64_t t_ns)
{
	size_t ihl;
	const uint8_t *icmp;
	uint16_t id, seq;
	int64_t sent;

	if (len < 20 || (b[0] >> 4) != 4)
		return;
	ihl = (size_t)(b[0] & 15) * 4;
	if (ihl < 20 || len < ihl + 8 + 16 || b[9] != IPPROTO_ICMP)
		return;
	icmp = b + ihl;
	if (icmp[0] != ICMP_ECHOREPLY || icmp[1] != 0)
		return;
	id = (uint16_t)(icmp[4] << 8 | icmp[5]);
	seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
	if (id != p->cfg.ident || memcmp(icmp + 8, PROBE_MAGIC, 8) != 0)
		return;
	sent = (int64_t)get_be64(icmp + 16);

	pthread_mutex_lock(&p->mu);
	if (p->n > 0) {
		/* the latest record whose index ≡ seq (mod 2^16) */
		size_t last = p->n - 1, back = (size_t)((uint16_t)((uint16_t)last - seq));

		if (back <= last) {
			struct probe_rec *r = &p->rec[last - back];

			if (r->seq == seq && r->sent_ns == sent && r->reply_ns == 0 && r->send_errno == 0 &&
			    t_ns - sent <= p->timeout_ns)
				r->reply_ns = t_ns > sent ? t_ns : sent + 1;
		}
	}
	pthread_mutex_unlock(&p->mu);
}

static void *rx_thread(void *arg)
{
	struct prober *p = arg;
	struct pollfd pfd[2];
	int rc = open_socket(p);

	pthread_mutex_lock(&p->mu);
	p->rx_ready = rc < 0 ? -1 : 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (rc < 0)
		return NULL;

	pfd[0].fd = p->sock;
	pfd[0].events = POLLIN;
	pfd[1].fd = p->stop_fd;
	pfd[1].events = POLLIN;
	while (!__atomic_load_n(&p->stop_rx, __ATOMIC_ACQUIRE)) {
		int k = poll(pfd, 2, 100);

		if (k < 0 && errno != EINTR)
			break;
		if (k <= 0 || !(pfd[0].revents & POLLIN))
			continue;
		for (;;) {
			uint8_t buf[2048];
			union { char c[CMSG_SPACE(sizeof(struct timespec))]; struct cmsghdr align; } ctl;
			struct iovec iov = { buf, sizeof(buf) };
			struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.c,
					     .msg_controllen = sizeof(ctl.c) };
			ssize_t got = recvmsg(p->sock, &mh, MSG_DONTWAIT);
			int64_t t = 0;

			if (got < 0)
				break;
			for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
				if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
					struct timespec ts;

					memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
					t = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
				}
			}
			if (!t)
				t = now_ns(CLOCK_REALTIME);
			handle_reply(p, buf, (size_t)got, t);
		}
	}
	return NULL;
}

/* --- sender ------------------------------------------------------------------- */

static void send_one(struct prober *p, uint16_t seq)
{
	uint8_t pkt[8 + PROBE_PAYLOAD] = { 8, 0 };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(p->cfg.dst) };
	uint16_t ck;
	size_t idx;
	int64_t t;

	pthread_mutex_lock(&p->mu);
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 256;
		struct probe_rec *nr = realloc(p->rec, ncap * sizeof(*nr));

		if (!nr) {
			pthread_mutex_unlock(&p->mu);
			return;
		}
		p->rec = nr;
		p->cap = ncap;
	}
	idx = p->n++;
	t = now_ns(CLOCK_REALTIME);
	p->rec[idx] = (struct probe_rec){ .seq = seq, .sent_ns = t };
	pthread_mutex_unlock(&p->mu);

	pkt[4] = (uint8_t)(p->cfg.ident >> 8);
	pkt[5] = (uint8_t)p->cfg.ident;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	memcpy(pkt + 8, PROBE_MAGIC, 8);
	put_be64(pkt + 16, (uint64_t)t);
	ck = inet_cksum(pkt, sizeof(pkt));
	pkt[2] = (uint8_t)(ck >> 8);
	pkt[3] = (uint8_t)ck;
	if (sendto(p->sock, pkt, sizeof(pkt), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		pthread_mutex_lock(&p->mu);
		p->rec[idx].send_errno = e ? e : EIO;
		pthread_mutex_unlock(&p->mu);
	}
}

static void *tx_thread(void *arg)
{
	struct prober *p = arg;
	int64_t start = now_ns(CLOCK_MONOTONIC);

	for (long k = 0; p->cfg.count == 0 || k < p->cfg.count; k++) {
		int64_t deadline = start + k * p->interval_ns;

		/* absolute deadlines: no drift; sleep in slices to notice stop */
		for (;;) {
			int64_t now, until;
			struct timespec ts;

			if (__atomic_load_n(&p->stop_tx, __ATOMIC_ACQUIRE))
				return NULL;
			now = now_ns(CLOCK_MONOTONIC);
			if (now >= deadline)
				break;
			until = deadline - now > PROBE_SLICE_NS ? now + PROBE_SLICE_NS : deadline;
			ts = ns_to_ts(until);
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
				;
		}
		send_one(p, (uint16_t)k);
	}
	return NULL;
}

/* --- API ---------------------------------------------------------------------- */

struct prober *probe_start(const struct probe_cfg *c, char *err, size_t errlen)
{
	static unsigned counter;
	struct prober *p;

	if (!c->dst || !(c->interval_s > 0) || c->count < 0) {
		snprintf(err, errlen, "probe_start: need dst, interval > 0, count >= 0");
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->cfg = *c;
	p->sock = -1;
	if (!p->cfg.ident) {
		unsigned k = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
		p->cfg.ident = (uint16_t)((unsigned)getpid() * 31u + k * 7919u);
		if (!p->cfg.ident)
			p->cfg.ident = 1;
	}
	p->interval_ns = (int64_t)(c->interval_s * 1e9);
	if (p->interval_ns < 1000000)
		p->interval_ns = 1000000;       /* 1 ms floor */
	p->timeout_ns = (int64_t)((c->timeout_s > 0 ? c->timeout_s : 2.0) * 1e9);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->stop_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if (pthread_create(&p->rx, NULL, rx_thread, p) != 0) {
		snprintf(err, errlen, "pthread_create failed");
		goto fail;
	}
	p->rx_running = 1;
	pthread_mutex_lock(&p->mu);
	while (p->rx_ready == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	if (p->rx_ready < 0) {
		snprintf(err, errlen, "probe_start: %s", p->err);
		goto fail;
	}
	if (pthread_create(&p->tx, NULL, tx_thread, p) != 0) {
		snprintf(err, errlen, "pthread_create failed");
		goto fail;
	}
	p->tx_running = 1;
	return p;
fail:
	probe_free(p);
	return NULL;
}

uint16_t probe_ident(const struct prober *p)
{
	return p->cfg.ident;
}

/* Any echo still waiting for its reply within the timeout? */
static int outstanding(struct prober *p)
{
	int64_t now = now_ns(CLOCK_REALTIME);
	int any = 0;

	pthread_mutex_lock(&p->mu);
	for (size_t i = p->n; i-- > 0;) {
		const struct probe_rec *r = &p->rec[i];

		if (now - r->sent_ns > p->timeout_ns)
			break;
		if (!r->reply_ns && !r->send_errno) {
			any = 1;
			break;
		}
	}
	pthread_mutex_unlock(&p->mu);
	return any;
}

void probe_stop(struct prober *p)
{
	if (!p || p->stopped)
		return;
	__atomic_store_n(&p->stop_tx, 1, __ATOMIC_RELEASE);
	if (p->tx_running) {
		pthread_join(p->tx, NULL);
		p->tx_running = 0;
	}
	if (p->rx_running) {
		int64_t end = now_ns(CLOCK_MONOTONIC) + p->timeout_ns + 100000000;

		while (p->rx_ready > 0 && outstanding(p) && now_ns(CLOCK_MONOTONIC) < end) {
			struct timespec ts = { 0, 5000000 };
			nanosleep(&ts, NULL);
		}
		__atomic_store_n(&p->stop_rx, 1, __ATOMIC_RELEASE);
		{
			uint64_t one = 1;
			if (write(p->stop_fd, &one, sizeof(one)) < 0) {
				/* counter full: already woken */
			}
		}
		pthread_join(p->rx, NULL);
		p->rx_running = 0;
	}
	p->stopped = 1;
}

void probe_wait(struct prober *p)
{
	if (!p)
		return;
	if (p->cfg.count > 0 && p->tx_running) {
		pthread_join(p->tx, NULL);
		p->tx_running = 0;
	}
	probe_stop(p);
}

size_t probe_records(struct prober *p, struct probe_rec **out)
{
	size_t n;

	*out = NULL;
	pthread_mutex_lock(&p->mu);
	n = p->n;
	if (n) {
		*out = malloc(n * sizeof(**out));
		if (*out)
			memcpy(*out, p->rec, n * sizeof(**out));
		else
			n = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return n;
}

void probe_free(struct prober *p)
{
	if (!p)
		return;
	probe_stop(p);
	if (p->sock >= 0)
		close(p->sock);
	if (p->stop_fd >= 0)
		close(p->stop_fd);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->rec);
	free(p);
}

/* --- summary ------------------------------------------------------------------ */

void probe_summarize(const struct probe_rec *r, size_t n, struct probe_summary *s)
{
	size_t best_start = 0, best_len = 0, run_start = 0, run_len = 0;
	double sum = 0;

	memset(s, 0, sizeof(*s));
	s->sent = (unsigned)n;
	for (size_t i = 0; i < n; i++) {
		if (r[i].send_errno)
			s->send_errors++;
		if (r[i].reply_ns) {
			double rtt = (double)(r[i].reply_ns - r[i].sent_ns) / 1e6;

			if (!s->received || rtt < s->rtt_min_ms)
				s->rtt_min_ms = rtt;
			if (!s->received || rtt > s->rtt_max_ms)
				s->rtt_max_ms = rtt;
			sum += rtt;
			s->received++;
			run_len = 0;
			continue;
		}
		if (run_len == 0) {
			run_start = i;
			s->lost_runs++;
		}
		run_len++;
		if (run_len > best_len) {
			best_len = run_len;
			best_start = run_start;
		}
	}
	if (s->received)
		s->rtt_avg_ms = sum / s->received;
	s->percent = n ? (unsigned)((100ull * s->received) / n) : 0;
	if (!best_len)
		return;
	s->lost_run = (unsigned)best_len;
	s->lost_first = r[best_start].seq;
	s->lost_last = r[best_start + best_len - 1].seq;
	s->outage_start_ns = best_start > 0 ? r[best_start - 1].sent_ns : r[best_start].sent_ns;
	if (best_start + best_len < n) {
		s->outage_end_ns = r[best_start + best_len].sent_ns;
	} else {
		int64_t iv = n > 1 ? (r[n - 1].sent_ns - r[0].sent_ns) / (int64_t)(n - 1) : 0;

		s->outage_end_ns = r[n - 1].sent_ns + iv;
	}
	s->longest_outage_s = (double)(s->outage_end_ns - s->outage_start_ns) / 1e9;
}

static long round_ms(double ms)
{
	return (long)(ms + 0.5);
}

void probe_format(const struct probe_summary *s, char *buf, size_t len)
{
	int k;

	if (!len)
		return;
	k = snprintf(buf, len, "Success rate is %u percent (%u/%u)", s->percent, s->received, s->sent);
	if (s->received && k >= 0 && (size_t)k < len)
		snprintf(buf + k, len - (size_t)k, ", round-trip min/avg/max = %ld/%ld/%ld ms",
			 round_ms(s->rtt_min_ms), round_ms(s->rtt_avg_ms), round_ms(s->rtt_max_ms));
}

void probe_bangs(const struct probe_rec *r, size_t n, char *buf, size_t len)
{
	size_t i;

	if (!len)
		return;
	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = r[i].reply_ns ? '!' : '.';
	buf[i] = '\0';
}

void probe_lost_ranges(const struct probe_rec *r, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++) {
		size_t j = i;

		if (r[i].reply_ns)
			continue;
		while (j + 1 < n && !r[j + 1].reply_ns)
			j++;
		if (j == i)
			off += (size_t)snprintf(buf + off, len - off, "%s%u", off ? ", " : "", r[i].seq);
		else
			off += (size_t)snprintf(buf + off, len - off, "%s%u-%u", off ? ", " : "", r[i].seq, r[j].seq);
		i = j;
	}
}
