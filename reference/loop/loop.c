/* loop.c — epoll dispatch, a scaled monotonic clock, a min-heap of embedded timers and
 * a signalfd. See loop.h.
 */
#include "loop.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#define LOOP_EVENTS 64

struct loop_fd {
	loop_fd_cb cb;
	void *arg;
	uint32_t gen;       /* which registration of this fd number an epoll event belongs to */
	int used;
};

struct loop_sig {
	void (*cb)(void *arg, int signo);
	void *arg;
};

struct loop {
	int epfd;
	double scale;
	uint64_t start_ns;
	struct loop_fd *fds;          /* indexed by fd */
	size_t nfds;
	int nused;
	uint32_t gen;
	struct loop_timer **heap;
	size_t heap_len, heap_cap;
	uint64_t order;
	int sigfd;
	sigset_t sigmask;             /* signals delivered through sigfd */
	sigset_t blocked_by_us;       /* to unblock in loop_free */
	struct loop_sig sig[_NSIG];
	int stop;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct loop *loop_new(double scale)
{
	struct loop *l;

	if (!(scale > 0) || !isfinite(scale)) {
		errno = EINVAL;
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	l->scale = scale;
	l->start_ns = mono_ns();
	l->sigfd = -1;
	sigemptyset(&l->sigmask);
	sigemptyset(&l->blocked_by_us);
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	if (l->sigfd >= 0) {
		struct signalfd_siginfo si;

		/* Consume what is pending so unblocking does not deliver it with default action. */
		while (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			;
		close(l->sigfd);
		pthread_sigmask(SIG_UNBLOCK, &l->blocked_by_us, NULL);
	}
	close(l->epfd);
	free(l->fds);
	free(l->heap);
	free(l);
}

/* --- clock ---------------------------------------------------------------------------- */

double loop_scale(const struct loop *l)
{
	return l->scale;
}

uint64_t loop_real_ms(const struct loop *l)
{
	return (mono_ns() - l->start_ns) / 1000000u;
}

uint64_t loop_now_ms(const struct loop *l)
{
	return (uint64_t)((double)(mono_ns() - l->start_ns) / (l->scale * 1e6));
}

uint64_t loop_virtual_to_real_ms(const struct loop *l, uint64_t virtual_ms)
{
	return (uint64_t)ceil((double)virtual_ms * l->scale);
}

/* Real nanoseconds from now until virtual time reaches deadline (0 if already there). */
static uint64_t real_ns_until(const struct loop *l, uint64_t deadline)
{
	double at = ceil((double)deadline * l->scale * 1e6) + 1;   /* +1 ns: floor in loop_now_ms */
	uint64_t now = mono_ns() - l->start_ns;

	if (at <= (double)now)
		return 0;
	if (at - (double)now > 1e18)
		return (uint64_t)1e18;
	return (uint64_t)(at - (double)now);
}

/* --- fds ------------------------------------------------------------------------------ */

static int fd_slot(struct loop *l, int fd)
{
	size_t n;
	struct loop_fd *p;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	if ((size_t)fd < l->nfds)
		return 0;
	n = l->nfds ? l->nfds : 16;
	while (n <= (size_t)fd)
		n *= 2;
	p = realloc(l->fds, n * sizeof(*p));
	if (!p)
		return -1;
	memset(p + l->nfds, 0, (n - l->nfds) * sizeof(*p));
	l->fds = p;
	l->nfds = n;
	return 0;
}

int loop_fd_add(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events };
	struct loop_fd *e;

	if (fd_slot(l, fd) < 0)
		return -1;
	e = &l->fds[fd];
	if (e->used) {
		errno = EEXIST;
		return -1;
	}
	e->gen = ++l->gen;
	ev.data.u64 = (uint64_t)e->gen << 32 | (uint32_t)fd;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	e->cb = cb;
	e->arg = arg;
	e->used = 1;
	l->nused++;
	return 0;
}

int loop_fd_mod(struct loop *l, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };

	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd].used) {
		errno = ENOENT;
		return -1;
	}
	ev.data.u64 = (uint64_t)l->fds[fd].gen << 32 | (uint32_t)fd;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev);
}

int loop_fd_del(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd].used) {
		errno = ENOENT;
		return -1;
	}
	/* The caller may have closed fd already; the table entry goes either way. */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(&l->fds[fd], 0, sizeof(l->fds[fd]));
	l->nused--;
	return 0;
}

/* --- timers: a binary min-heap of pointers, each timer knowing its position ------------ */

static int timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->order < b->order);
}

static void heap_set(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->heap_pos = i + 1;
}

static void heap_up(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	while (i > 0 && timer_before(t, l->heap[(i - 1) / 2])) {
		heap_set(l, i, l->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(l, i, t);
}

static void heap_down(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->heap_len)
			break;
		if (c + 1 < l->heap_len && timer_before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_before(l->heap[c], t))
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

static void heap_remove(struct loop *l, struct loop_timer *t)
{
	size_t i = t->heap_pos - 1;
	struct loop_timer *last = l->heap[--l->heap_len];

	t->heap_pos = 0;
	if (last == t)
		return;
	heap_set(l, i, last);
	if (i > 0 && timer_before(last, l->heap[(i - 1) / 2]))
		heap_up(l, i);
	else
		heap_down(l, i);
}

void loop_timer_init(struct loop_timer *t, void (*cb)(void *arg), void *arg)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->arg = arg;
}

void loop_timer_at(struct loop *l, struct loop_timer *t, uint64_t deadline)
{
	if (t->heap_pos)
		heap_remove(l, t);
	if (l->heap_len == l->heap_cap) {
		size_t n = l->heap_cap ? l->heap_cap * 2 : 64;
		struct loop_timer **p = realloc(l->heap, n * sizeof(*p));

		if (!p) {
			/* No memory for one pointer: the daemon cannot keep its protocol promises. */
			fprintf(stderr, "loop: out of memory for %zu timers\n", n);
			abort();
		}
		l->heap = p;
		l->heap_cap = n;
	}
	t->deadline = deadline;
	t->order = ++l->order;
	l->heap[l->heap_len] = t;
	heap_up(l, l->heap_len++);
}

void loop_timer_in(struct loop *l, struct loop_timer *t, uint64_t delay)
{
	uint64_t now = loop_now_ms(l);

	loop_timer_at(l, t, delay > UINT64_MAX - now ? UINT64_MAX : now + delay);
}

void loop_timer_stop(struct loop *l, struct loop_timer *t)
{
	if (t->heap_pos)
		heap_remove(l, t);
}

int loop_timer_pending(const struct loop_timer *t)
{
	return t->heap_pos != 0;
}

/* Fire what is due now. Timers armed during this pass (order > limit) wait for the
 * next pass, so a callback re-arming itself with delay 0 cannot starve the fds. */
static int run_timers(struct loop *l)
{
	uint64_t now = loop_now_ms(l), limit = l->order;
	int n = 0;

	while (l->heap_len && !l->stop) {
		struct loop_timer *t = l->heap[0];

		if (t->deadline > now || t->order > limit)
			break;
		heap_remove(l, t);
		t->cb(t->arg);
		n++;
	}
	return n;
}

/* --- signals -------------------------------------------------------------------------- */

static void signal_ready(void *arg, int fd, uint32_t events)
{
	struct loop *l = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (!l->stop && read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo < _NSIG && l->sig[si.ssi_signo].cb)
			l->sig[si.ssi_signo].cb(l->sig[si.ssi_signo].arg, (int)si.ssi_signo);
	}
}

int loop_signal(struct loop *l, int signo, void (*cb)(void *arg, int signo), void *arg)
{
	sigset_t one, old;

	if (signo <= 0 || signo >= _NSIG || !cb) {
		errno = EINVAL;
		return -1;
	}
	sigemptyset(&one);
	sigaddset(&one, signo);
	if (pthread_sigmask(SIG_BLOCK, &one, &old) != 0)
		return -1;
	if (!sigismember(&old, signo))
		sigaddset(&l->blocked_by_us, signo);
	sigaddset(&l->sigmask, signo);
	if (l->sigfd < 0) {
		l->sigfd = signalfd(-1, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
		if (l->sigfd < 0)
			return -1;
		if (loop_fd_add(l, l->sigfd, EPOLLIN, signal_ready, l) < 0)
			return -1;
	} else if (signalfd(l->sigfd, &l->sigmask, 0) < 0) {
		return -1;
	}
	l->sig[signo].cb = cb;
	l->sig[signo].arg = arg;
	return 0;
}

/* --- dispatch ------------------------------------------------------------------------- */

int loop_once(struct loop *l, int timeout_real_ms)
{
	struct epoll_event evs[LOOP_EVENTS];
	struct timespec ts, *tsp = NULL;
	uint64_t wait_ns = UINT64_MAX;
	int n, i, ran = 0;

	l->stop = 0;
	if (l->heap_len)
		wait_ns = real_ns_until(l, l->heap[0]->deadline);
	if (timeout_real_ms >= 0 && (uint64_t)timeout_real_ms * 1000000u < wait_ns)
		wait_ns = (uint64_t)timeout_real_ms * 1000000u;
	if (wait_ns != UINT64_MAX) {
		ts.tv_sec = (time_t)(wait_ns / 1000000000u);
		ts.tv_nsec = (long)(wait_ns % 1000000000u);
		tsp = &ts;
	}
	/* epoll_pwait2: nanosecond timeouts, so a 0.01 scale keeps sub-ms timers exact. */
	n = epoll_pwait2(l->epfd, evs, LOOP_EVENTS, tsp, NULL);
	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (i = 0; i < n && !l->stop; i++) {
		int fd = (int)(uint32_t)evs[i].data.u64;
		uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);
		struct loop_fd *e;

		if ((size_t)fd >= l->nfds)
			continue;
		e = &l->fds[fd];
		if (!e->used || e->gen != gen)
			continue;       /* deleted (or replaced) by an earlier callback of this pass */
		e->cb(e->arg, fd, evs[i].events);
		ran++;
	}
	return ran + run_timers(l);
}

int loop_run(struct loop *l)
{
	do {
		if (l->nused == 0 && l->heap_len == 0)
			break;
		if (loop_once(l, -1) < 0)
			return -1;
	} while (!l->stop);
	l->stop = 0;
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = 1;
}
