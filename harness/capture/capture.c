/* capture.c — libpcap capture of a lab run's links into pcapng files, and the
 * root-namespace leak guard.
 *
 * Namespaces: a capture thread enters a link's namespace (setns CLONE_NEWNET), creates
 * and activates the handle there — the AF_PACKET socket and the ifindex lookup belong to
 * that namespace for the socket's life — and returns to the namespace it started in.
 * setns() only affects the calling thread, so the rest of the process is untouched.
 * One thread per set polls every handle's selectable fd plus an eventfd for stop.
 */
#include "capture.h"
#include "pcapng.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define CAP_SNAPLEN     65535
#define CAP_BUFSIZE     (4 * 1024 * 1024)
#define CAP_POLL_MS     200

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2  276
#endif

/* --- shared helpers ----------------------------------------------------------- */

/* Create and activate a handle in the calling thread's current namespace. */
static pcap_t *cap_open_handle(const char *dev, int snaplen, int promisc, int bufsize, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = pcap_create(dev, ebuf);
	int rc;

	if (!pc) {
		snprintf(err, errlen, "pcap_create %s: %s", dev, ebuf);
		return NULL;
	}
	if (pcap_set_snaplen(pc, snaplen) || pcap_set_promisc(pc, promisc) ||
	    pcap_set_immediate_mode(pc, 1) || pcap_set_buffer_size(pc, bufsize) ||
	    pcap_set_tstamp_precision(pc, PCAP_TSTAMP_PRECISION_NANO)) {
		snprintf(err, errlen, "pcap options %s: %s", dev, pcap_geterr(pc));
		pcap_close(pc);
		return NULL;
	}
	rc = pcap_activate(pc);
	if (rc < 0) {
		snprintf(err, errlen, "pcap_activate %s: %s (%s)", dev, pcap_statustostr(rc), pcap_geterr(pc));
		pcap_close(pc);
		return NULL;
	}
	/* rc > 0 is a warning (e.g. promiscuous not supported): the handle works */
	if (pcap_setnonblock(pc, 1, ebuf) < 0) {
		snprintf(err, errlen, "pcap_setnonblock %s: %s", dev, ebuf);
		pcap_close(pc);
		return NULL;
	}
	if (pcap_get_selectable_fd(pc) < 0) {
		snprintf(err, errlen, "%s: no selectable fd", dev);
		pcap_close(pc);
		return NULL;
	}
	return pc;
}

static int64_t ts_to_ns(const struct timeval *tv)
{
	/* nanosecond precision: tv_usec holds nanoseconds */
	return (int64_t)tv->tv_sec * 1000000000 + (int64_t)tv->tv_usec;
}

static void wake(int efd)
{
	uint64_t one = 1;

	if (write(efd, &one, sizeof(one)) < 0) {
		/* an eventfd write fails only when the counter would overflow: already woken */
	}
}

/* --- capture set -------------------------------------------------------------- */

struct cap_link {
	char link[LAB_NAME_MAX];
	char dev[16];
	char comment[160];
	char file[512];
	int ns_fd;
	pcap_t *pc;
	struct pcapng_writer w;
	uint64_t packets;       /* atomic access: read by cap_packets */
	uint64_t drops;
	int werr;
};

struct cap_set {
	int n;
	struct cap_link l[CAP_MAX];
	pthread_t th;
	int stop_fd;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int ready;              /* 0 pending, 1 running, -1 failed */
	int werr;
	char err[LAB_ERR_MAX];
};

static void cap_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cap_link *l = (struct cap_link *)user;

	if (pcapng_write(&l->w, ts_to_ns(&h->ts), bytes, h->caplen, h->len) < 0)
		l->werr = errno ? errno : EIO;
	else
		__atomic_add_fetch(&l->packets, 1, __ATOMIC_RELAXED);
}

static void cap_set_ready(struct cap_set *c, int state)
{
	pthread_mutex_lock(&c->mu);
	c->ready = state;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* Open every handle in its namespace; 0 or -1 with c->err. */
static int cap_open_all(struct cap_set *c)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int rc = 0;

	if (self < 0) {
		snprintf(c->err, sizeof(c->err), "open /proc/thread-self/ns/net: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < c->n && rc == 0; i++) {
		struct cap_link *l = &c->l[i];
		char e[PCAP_ERRBUF_SIZE + 128];

		if (setns(l->ns_fd, CLONE_NEWNET) < 0) {
			snprintf(c->err, sizeof(c->err), "link %s: setns: %s", l->link, strerror(errno));
			rc = -1;
			break;
		}
		l->pc = cap_open_handle(l->dev, CAP_SNAPLEN, 1, CAP_BUFSIZE, e, sizeof(e));
		if (!l->pc) {
			snprintf(c->err, sizeof(c->err), "link %s: %s", l->link, e);
			rc = -1;
		}
		if (setns(self, CLONE_NEWNET) < 0) {
			snprintf(c->err, sizeof(c->err), "link %s: setns back: %s", l->link, strerror(errno));
			rc = -1;
		}
	}
	close(self);
	return rc;
}

/* Dispatch everything a handle holds right now; number of packets. */
static int cap_drain_one(struct cap_link *l)
{
	int total = 0, k;

	while ((k = pcap_dispatch(l->pc, -1, cap_cb, (u_char *)l)) > 0)
		total += k;
	return total;
}

static void *cap_thread(void *arg)
{
	struct cap_set *c = arg;
	struct pollfd pfd[CAP_MAX + 1];

	if (cap_open_all(c) < 0) {
		cap_set_ready(c, -1);
		return NULL;
	}
	for (int i = 0; i < c->n; i++) {
		struct cap_link *l = &c->l[i];

		if (pcapng_open_write(&l->w, l->file, pcap_datalink(l->pc), l->dev, l->comment) < 0) {
			snprintf(c->err, sizeof(c->err), "link %s: %s: %s", l->link, l->file, strerror(errno));
			cap_set_ready(c, -1);
			return NULL;
		}
	}
	for (int i = 0; i < c->n; i++) {
		pfd[i].fd = pcap_get_selectable_fd(c->l[i].pc);
		pfd[i].events = POLLIN;
	}
	pfd[c->n].fd = c->stop_fd;
	pfd[c->n].events = POLLIN;
	cap_set_ready(c, 1);

	for (;;) {
		int k = poll(pfd, (nfds_t)c->n + 1, CAP_POLL_MS);

		if (k < 0 && errno != EINTR)
			break;
		if (k > 0 && (pfd[c->n].revents & POLLIN))
			break;
		for (int i = 0; i < c->n; i++)
			if (k <= 0 || pfd[i].revents)
				cap_drain_one(&c->l[i]);
	}
	/* drain: until two quiet passes 10 ms apart (at most 1 s) */
	for (int quiet = 0, round = 0; quiet < 2 && round < 100; round++) {
		int got = 0;
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		for (int i = 0; i < c->n; i++)
			got += cap_drain_one(&c->l[i]);
		quiet = got ? 0 : quiet + 1;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void cap_free(struct cap_set *c)
{
	for (int i = 0; i < c->n; i++) {
		if (c->l[i].pc)
			pcap_close(c->l[i].pc);
		if (c->l[i].w.f && pcapng_close(&c->l[i].w) < 0)
			c->werr = 1;
	}
	if (c->stop_fd >= 0)
		close(c->stop_fd);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
}

static void safe_name(char *out, size_t len, const char *in)
{
	snprintf(out, len, "%s", in);
	for (char *p = out; *p; p++)
		if (*p == '/' || *p == ' ')
			*p = '_';
}

struct cap_set *cap_start(const struct lab_run *r, const char *dir, char *err, size_t errlen)
{
	const struct lab_topo *t = r->topo;
	struct cap_set *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->stop_fd = -1;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (!t) {
		snprintf(err, errlen, "cap_start: run has no topology");
		goto fail;
	}
	for (int i = 0; i < t->nlinks; i++) {
		const struct lab_link *lk = &t->links[i];
		struct cap_link *l;
		char fname[LAB_NAME_MAX];

		if (!lk->capture)
			continue;
		if (c->n == CAP_MAX) {
			snprintf(err, errlen, "cap_start: more than %d captured links", CAP_MAX);
			goto fail;
		}
		l = &c->l[c->n];
		snprintf(l->link, sizeof(l->link), "%s", lk->name);
		if (lk->kind == LAB_LINK_SEGMENT) {
			l->ns_fd = r->seg_fd[i];
			snprintf(l->dev, sizeof(l->dev), "br0");
			snprintf(l->comment, sizeof(l->comment), "ihh segment %s: bridge br0", lk->name);
		} else {
			const struct lab_port *p = &lk->ports[0];

			if (lk->nports < 1 || p->node < 0 || p->node >= t->nnodes ||
			    p->ifidx < 0 || p->ifidx >= t->nodes[p->node].nifs) {
				snprintf(err, errlen, "cap_start: link %s: bad first port", lk->name);
				goto fail;
			}
			l->ns_fd = r->node_fd[p->node];
			snprintf(l->dev, sizeof(l->dev), "%s", t->nodes[p->node].ifs[p->ifidx].linux_name);
			snprintf(l->comment, sizeof(l->comment), "ihh p2p link %s: node %s interface %s (%s)",
				 lk->name, t->nodes[p->node].name, t->nodes[p->node].ifs[p->ifidx].ios,
				 t->nodes[p->node].ifs[p->ifidx].linux_name);
		}
		if (l->ns_fd < 0) {
			snprintf(err, errlen, "cap_start: link %s: no namespace fd", lk->name);
			goto fail;
		}
		safe_name(fname, sizeof(fname), lk->name);
		if ((size_t)snprintf(l->file, sizeof(l->file), "%s/%s.pcapng", dir, fname) >= sizeof(l->file)) {
			snprintf(err, errlen, "cap_start: path too long in %s", dir);
			goto fail;
		}
		c->n++;
	}
	c->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->stop_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if (pthread_create(&c->th, NULL, cap_thread, c) != 0) {
		snprintf(err, errlen, "pthread_create failed");
		goto fail;
	}
	/* the thread opens the handles, then the files (linktype from pcap_datalink) */
	pthread_mutex_lock(&c->mu);
	while (c->ready == 0)
		pthread_cond_wait(&c->cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
	if (c->ready < 0) {
		pthread_join(c->th, NULL);
		snprintf(err, errlen, "%s", c->err);
		goto fail;
	}
	return c;
fail:
	cap_free(c);
	return NULL;
}

uint64_t cap_packets(struct cap_set *c, int i)
{
	if (!c || i < 0 || i >= c->n)
		return 0;
	return __atomic_load_n(&c->l[i].packets, __ATOMIC_RELAXED);
}

int cap_stop(struct cap_set *c, struct cap_stats *st)
{
	int rc;

	if (!c)
		return -1;
	wake(c->stop_fd);
	pthread_join(c->th, NULL);
	for (int i = 0; i < c->n; i++) {
		struct pcap_stat ps;

		if (c->l[i].pc && pcap_stats(c->l[i].pc, &ps) == 0)
			c->l[i].drops = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
		if (c->l[i].werr)
			c->werr = 1;
	}
	if (st) {
		memset(st, 0, sizeof(*st));
		st->n = c->n;
		for (int i = 0; i < c->n; i++) {
			snprintf(st->l[i].link, sizeof(st->l[i].link), "%s", c->l[i].link);
			snprintf(st->l[i].file, sizeof(st->l[i].file), "%s", c->l[i].file);
			st->l[i].packets = c->l[i].packets;
			st->l[i].drops = c->l[i].drops;
		}
	}
	/* cap_free closes the files; a close error marks the set */
	for (int i = 0; i < c->n; i++) {
		if (c->l[i].w.f && pcapng_close(&c->l[i].w) < 0)
			c->werr = 1;
	}
	rc = c->werr ? -1 : 0;
	cap_free(c);
	return rc;
}

/* --- root-namespace guard ----------------------------------------------------- */

struct cap_guard {
	int root_fd;
	char filter[LAB_MAX_LINKS * 4 * 28 + 64];
	pcap_t *pc;
	int dlt;
	pthread_t th;
	int stop_fd;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int ready;
	char err[LAB_ERR_MAX];
	long count;
	int ndetail;
	char detail[CAP_GUARD_DETAIL][96];
};

static void guard_describe(struct cap_guard *g, const struct pcap_pkthdr *h, const u_char *b, char *out, size_t len)
{
	size_t hl, caplen = h->caplen;
	unsigned proto;
	char ifname[IF_NAMESIZE + 1] = "?";

	if (g->dlt == DLT_LINUX_SLL2 && caplen >= 20) {
		uint32_t idx = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
		if (!if_indextoname(idx, ifname))
			snprintf(ifname, sizeof(ifname), "if%u", idx);
		proto = (unsigned)b[0] << 8 | b[1];
		hl = 20;
	} else if (g->dlt == DLT_LINUX_SLL && caplen >= 16) {
		proto = (unsigned)b[14] << 8 | b[15];
		hl = 16;
	} else if (g->dlt == DLT_EN10MB && caplen >= 14) {
		proto = (unsigned)b[12] << 8 | b[13];
		hl = 14;
	} else {
		snprintf(out, len, "(linktype %d, %u bytes)", g->dlt, h->caplen);
		return;
	}
	b += hl;
	caplen -= hl;
	if (proto == 0x0800 && caplen >= 20) {
		char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, b + 12, s, sizeof(s));
		inet_ntop(AF_INET, b + 16, d, sizeof(d));
		snprintf(out, len, "%s %s->%s proto %u", ifname, s, d, b[9]);
	} else if (proto == 0x0806 && caplen >= 28) {
		char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, b + 14, s, sizeof(s));
		inet_ntop(AF_INET, b + 24, d, sizeof(d));
		snprintf(out, len, "%s arp %s->%s", ifname, s, d);
	} else {
		snprintf(out, len, "%s ethertype 0x%04x", ifname, proto);
	}
}

static void guard_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cap_guard *g = (struct cap_guard *)user;

	pthread_mutex_lock(&g->mu);
	if (g->ndetail < CAP_GUARD_DETAIL) {
		guard_describe(g, h, bytes, g->detail[g->ndetail], sizeof(g->detail[0]));
		g->ndetail++;
	}
	g->count++;
	pthread_mutex_unlock(&g->mu);
}

static void guard_set_ready(struct cap_guard *g, int state)
{
	pthread_mutex_lock(&g->mu);
	g->ready = state;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

static void *guard_thread(void *arg)
{
	struct cap_guard *g = arg;
	struct bpf_program prog;
	struct pollfd pfd[2];

	if (setns(g->root_fd, CLONE_NEWNET) < 0) {
		snprintf(g->err, sizeof(g->err), "guard: setns root: %s", strerror(errno));
		guard_set_ready(g, -1);
		return NULL;
	}
	g->pc = cap_open_handle("any", 256, 0, 2 * 1024 * 1024, g->err, sizeof(g->err));
	if (!g->pc) {
		guard_set_ready(g, -1);
		return NULL;
	}
	/* SLL2 carries the interface index: the detail names the device */
	pcap_set_datalink(g->pc, DLT_LINUX_SLL2);
	g->dlt = pcap_datalink(g->pc);
	if (pcap_compile(g->pc, &prog, g->filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(g->err, sizeof(g->err), "guard: filter \"%.300s\": %.180s", g->filter, pcap_geterr(g->pc));
		guard_set_ready(g, -1);
		return NULL;
	}
	if (pcap_setfilter(g->pc, &prog) < 0) {
		snprintf(g->err, sizeof(g->err), "guard: setfilter: %s", pcap_geterr(g->pc));
		pcap_freecode(&prog);
		guard_set_ready(g, -1);
		return NULL;
	}
	pcap_freecode(&prog);
	pfd[0].fd = pcap_get_selectable_fd(g->pc);
	pfd[0].events = POLLIN;
	pfd[1].fd = g->stop_fd;
	pfd[1].events = POLLIN;
	guard_set_ready(g, 1);
	for (;;) {
		int k = poll(pfd, 2, CAP_POLL_MS);

		if (k < 0 && errno != EINTR)
			break;
		while (pcap_dispatch(g->pc, -1, guard_cb, (u_char *)g) > 0)
			;
		if (k > 0 && (pfd[1].revents & POLLIN))
			break;
	}
	for (int round = 0; round < 3; round++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
		while (pcap_dispatch(g->pc, -1, guard_cb, (u_char *)g) > 0)
			;
	}
	return NULL;
}

static void guard_free(struct cap_guard *g)
{
	if (g->pc)
		pcap_close(g->pc);
	if (g->root_fd >= 0)
		close(g->root_fd);
	if (g->stop_fd >= 0)
		close(g->stop_fd);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g);
}

struct cap_guard *cap_guard_start(const struct lab_prefix *nets, int nnets, char *err, size_t errlen)
{
	struct cap_guard *g = calloc(1, sizeof(*g));
	size_t off = 0;

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->root_fd = -1;
	g->stop_fd = -1;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	if (nnets <= 0 || nnets > LAB_MAX_LINKS * 4) {
		snprintf(err, errlen, "cap_guard_start: need 1..%d prefixes, got %d", LAB_MAX_LINKS * 4, nnets);
		goto fail;
	}
	for (int i = 0; i < nnets; i++) {
		uint32_t plen = nets[i].plen > 32 ? 32 : nets[i].plen;
		uint32_t mask = plen ? 0xFFFFFFFFu << (32 - plen) : 0;
		uint32_t a = nets[i].addr & mask;

		off += (size_t)snprintf(g->filter + off, sizeof(g->filter) - off, "%snet %u.%u.%u.%u/%u",
					i ? " or " : "", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, plen);
	}
	g->root_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (g->root_fd < 0) {
		snprintf(err, errlen, "open /proc/thread-self/ns/net: %s", strerror(errno));
		goto fail;
	}
	g->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g->stop_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	if (pthread_create(&g->th, NULL, guard_thread, g) != 0) {
		snprintf(err, errlen, "pthread_create failed");
		goto fail;
	}
	pthread_mutex_lock(&g->mu);
	while (g->ready == 0)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
	if (g->ready < 0) {
		pthread_join(g->th, NULL);
		snprintf(err, errlen, "%s", g->err);
		goto fail;
	}
	return g;
fail:
	guard_free(g);
	return NULL;
}

long cap_guard_stop(struct cap_guard *g, char *detail, size_t len)
{
	long n;

	if (!g)
		return -1;
	wake(g->stop_fd);
	pthread_join(g->th, NULL);
	n = g->count;
	if (detail && len) {
		size_t off = 0;

		detail[0] = '\0';
		if (n > 0)
			off = (size_t)snprintf(detail, len, "%ld leaked packet(s):", n);
		for (int i = 0; i < g->ndetail && off < len; i++)
			off += (size_t)snprintf(detail + off, len - off, "%s %s", i ? ";" : "", g->detail[i]);
	}
	guard_free(g);
	return n;
}
