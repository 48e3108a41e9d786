/* check_loop.c — the event loop under a scaled clock (0.01: 1 virtual second is 10 ms
 * real), timer order and cancellation, fd dispatch, signals. No long sleeps. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include "loop.h"

#define SCALE 0.01

struct rec {
	struct loop *l;
	int order[64];
	int n;
};

struct tmr {
	struct loop_timer t;
	struct rec *r;
	int id;
	struct loop_timer *victims[4];
	int rearm;              /* re-arm itself this many more times, delay 0 */
	uint64_t fired_at;
	int fired;
};

static void tmr_cb(void *arg)
{
	struct tmr *m = arg;
	int i;

	m->fired_at = loop_now_ms(m->r->l);
	m->fired++;
	if (m->r->n < 64)
		m->r->order[m->r->n++] = m->id;
	for (i = 0; i < 4; i++)
		if (m->victims[i])
			loop_timer_stop(m->r->l, m->victims[i]);
	if (m->rearm > 0) {
		m->rearm--;
		loop_timer_in(m->r->l, &m->t, 0);
	}
}

static void tmr_init(struct tmr *m, struct rec *r, int id)
{
	memset(m, 0, sizeof(*m));
	m->r = r;
	m->id = id;
	loop_timer_init(&m->t, tmr_cb, m);
}

static uint64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

START_TEST(bad_scale)
{
	ck_assert_ptr_null(loop_new(0));
	ck_assert_ptr_null(loop_new(-1));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(scaled_clock)
{
	struct rec r = { .l = loop_new(SCALE) };
	struct tmr a;
	uint64_t t0 = real_ms(), took;

	ck_assert_ptr_nonnull(r.l);
	ck_assert_double_eq(loop_scale(r.l), SCALE);
	tmr_init(&a, &r, 1);
	loop_timer_in(r.l, &a.t, 2000);            /* 2 virtual seconds = 20 ms real */
	ck_assert(loop_timer_pending(&a.t));
	ck_assert_int_eq(loop_run(r.l), 0);        /* returns: nothing left registered */
	took = real_ms() - t0;
	ck_assert_int_eq(r.n, 1);
	ck_assert(!loop_timer_pending(&a.t));
	ck_assert_uint_ge(a.fired_at, 2000);
	ck_assert_uint_lt(a.fired_at, 2000 + 20000); /* within 200 ms real of its deadline */
	ck_assert_uint_ge(took, 19);
	ck_assert_uint_lt(took, 2000);
	/* virtual runs 100x faster than real */
	ck_assert_uint_ge(loop_now_ms(r.l), 100 * loop_real_ms(r.l) - 100);
	ck_assert_uint_eq(loop_virtual_to_real_ms(r.l, 1000), 10);
	loop_free(r.l);
}
END_TEST

START_TEST(timer_order)
{
	struct rec r = { .l = loop_new(SCALE) };
	static const uint64_t at[] = { 50, 10, 30, 10, 20, 0 };
	struct tmr m[6];
	int i;

	for (i = 0; i < 6; i++) {
		tmr_init(&m[i], &r, i);
		loop_timer_at(r.l, &m[i].t, at[i]);
	}
	/* re-arming moves a timer: 2 from 30 to 5 */
	loop_timer_at(r.l, &m[2].t, 5);
	ck_assert_int_eq(loop_run(r.l), 0);
	ck_assert_int_eq(r.n, 6);
	/* deadline order; equal deadlines (1 and 3 at 10) in arming order */
	ck_assert_int_eq(r.order[0], 5);
	ck_assert_int_eq(r.order[1], 2);
	ck_assert_int_eq(r.order[2], 1);
	ck_assert_int_eq(r.order[3], 3);
	ck_assert_int_eq(r.order[4], 4);
	ck_assert_int_eq(r.order[5], 0);
	for (i = 0; i < 6; i++)
		ck_assert_uint_ge(m[i].fired_at, m[i].t.deadline);
	loop_free(r.l);
}
END_TEST

START_TEST(cancel_in_callback)
{
	struct rec r = { .l = loop_new(SCALE) };
	struct tmr a, b, c, d;

	tmr_init(&a, &r, 1);
	tmr_init(&b, &r, 2);
	tmr_init(&c, &r, 3);
	tmr_init(&d, &r, 4);
	/* a and b are due in the same pass; a stops b (already due) and c (later) */
	loop_timer_at(r.l, &a.t, 10);
	loop_timer_at(r.l, &b.t, 10);
	loop_timer_at(r.l, &c.t, 40);
	loop_timer_at(r.l, &d.t, 60);
	a.victims[0] = &b.t;
	a.victims[1] = &c.t;
	a.rearm = 2;            /* and re-arms itself twice */
	ck_assert_int_eq(loop_run(r.l), 0);
	/* a first; then a's re-arms (delay 0) and d, in an order that depends on how much
	 * real time passed: count, do not order */
	ck_assert_int_eq(r.n, 4);
	ck_assert_int_eq(r.order[0], 1);
	ck_assert_int_eq(a.fired, 3);
	ck_assert_int_eq(b.fired, 0);
	ck_assert_int_eq(c.fired, 0);
	ck_assert_int_eq(d.fired, 1);
	ck_assert(!loop_timer_pending(&b.t));
	ck_assert(!loop_timer_pending(&c.t));
	loop_timer_stop(r.l, &c.t);         /* stopping a stopped timer is harmless */
	loop_free(r.l);
}
END_TEST

START_TEST(past_deadline_and_stop)
{
	struct rec r = { .l = loop_new(SCALE) };
	struct tmr a, b;

	tmr_init(&a, &r, 1);
	tmr_init(&b, &r, 2);
	loop_timer_in(r.l, &a.t, 30);
	ck_assert_int_eq(loop_run(r.l), 0);
	/* deadline already passed: fires on the next pass */
	loop_timer_at(r.l, &b.t, 1);
	ck_assert_int_eq(loop_once(r.l, 100), 1);
	ck_assert_int_eq(r.n, 2);
	loop_free(r.l);
}
END_TEST

/* Many timers, random deadlines, random cancellations: fire order never goes back,
 * cancelled ones never fire, all others do. */
START_TEST(heap_stress)
{
	enum { N = 2000 };
	struct rec r = { .l = loop_new(SCALE) };
	struct tmr *m = calloc(N, sizeof(*m));
	int *cancelled = calloc(N, sizeof(int));
	int i, fired = 0, want = 0;

	srand(7);
	for (i = 0; i < N; i++) {
		tmr_init(&m[i], &r, i);
		loop_timer_at(r.l, &m[i].t, (uint64_t)(rand() % 300));
	}
	for (i = 0; i < N; i++) {
		if (rand() % 3 == 0) {
			loop_timer_stop(r.l, &m[i].t);
			cancelled[i] = 1;
		} else if (rand() % 5 == 0) {
			loop_timer_at(r.l, &m[i].t, (uint64_t)(rand() % 300));
		}
		want += !cancelled[i];
	}
	r.n = 64;       /* order[] is too small here; count through .fired */
	ck_assert_int_eq(loop_run(r.l), 0);
	for (i = 0; i < N; i++) {
		if (cancelled[i]) {
			ck_assert_int_eq(m[i].fired, 0);
			continue;
		}
		ck_assert_int_eq(m[i].fired, 1);
		ck_assert_uint_ge(m[i].fired_at, m[i].t.deadline);
		fired++;
	}
	ck_assert_int_eq(fired, want);
	free(m);
	free(cancelled);
	loop_free(r.l);
}
END_TEST

struct fdrec {
	struct loop *l;
	int calls[2];
	int fds[2];             /* read ends */
	int del_other;
	uint32_t last_events;
};

static void fd_cb(void *arg, int fd, uint32_t events)
{
	struct fdrec *f = arg;
	int who = fd == f->fds[0] ? 0 : 1;
	char c;

	f->calls[who]++;
	f->last_events = events;
	if (events & EPOLLIN)
		ck_assert_int_eq(read(fd, &c, 1), 1);
	if (f->del_other)
		ck_assert_int_eq(loop_fd_del(f->l, f->fds[1 - who]), 0);
	loop_stop(f->l);
}

START_TEST(fd_dispatch)
{
	struct fdrec f = { .l = loop_new(SCALE) };
	int p0[2], p1[2];

	ck_assert_int_eq(pipe(p0), 0);
	ck_assert_int_eq(pipe(p1), 0);
	f.fds[0] = p0[0];
	f.fds[1] = p1[0];
	ck_assert_int_eq(loop_fd_add(f.l, p0[0], EPOLLIN, fd_cb, &f), 0);
	ck_assert_int_eq(loop_fd_add(f.l, p1[0], EPOLLIN, fd_cb, &f), 0);
	ck_assert_int_eq(loop_fd_add(f.l, p1[0], EPOLLIN, fd_cb, &f), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(write(p0[1], "x", 1), 1);
	ck_assert_int_eq(loop_run(f.l), 0);           /* stopped by the callback */
	ck_assert_int_eq(f.calls[0], 1);
	ck_assert_int_eq(f.calls[1], 0);
	ck_assert(f.last_events & EPOLLIN);

	/* both readable in one pass; whichever runs first deletes the other: one call only */
	f.calls[0] = f.calls[1] = 0;
	f.del_other = 1;
	ck_assert_int_eq(write(p0[1], "x", 1), 1);
	ck_assert_int_eq(write(p1[1], "y", 1), 1);
	ck_assert_int_eq(loop_once(f.l, 100), 1);
	ck_assert_int_eq(f.calls[0] + f.calls[1], 1);

	/* loop_fd_mod: EPOLLOUT on a write end, then nothing */
	f.del_other = 0;
	loop_fd_del(f.l, p0[0]);
	loop_fd_del(f.l, p1[0]);
	ck_assert_int_eq(loop_fd_del(f.l, p1[0]), -1);
	f.fds[0] = p0[1];
	ck_assert_int_eq(loop_fd_add(f.l, p0[1], 0, fd_cb, &f), 0);
	f.calls[0] = 0;
	ck_assert_int_eq(loop_once(f.l, 5), 0);
	ck_assert_int_eq(loop_fd_mod(f.l, p0[1], EPOLLOUT), 0);
	ck_assert_int_eq(loop_once(f.l, 100), 1);
	ck_assert_int_eq(f.calls[0], 1);
	ck_assert(f.last_events & EPOLLOUT);
	ck_assert_int_eq(loop_fd_mod(f.l, 999, EPOLLOUT), -1);
	loop_free(f.l);
	close(p0[0]); close(p0[1]); close(p1[0]); close(p1[1]);
}
END_TEST

/* An fd event and a timer that keeps re-arming itself at delay 0: the fd still runs. */
START_TEST(no_starvation)
{
	struct fdrec f = { .l = loop_new(SCALE) };
	struct rec r = { .l = f.l };
	struct tmr a;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	f.fds[0] = p[0];
	f.fds[1] = -1;
	tmr_init(&a, &r, 1);
	a.rearm = 1000000;
	loop_timer_in(f.l, &a.t, 0);
	ck_assert_int_eq(loop_fd_add(f.l, p[0], EPOLLIN, fd_cb, &f), 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(loop_run(f.l), 0);           /* fd_cb stops the loop */
	ck_assert_int_eq(f.calls[0], 1);
	ck_assert_int_le(r.n, 3);
	loop_free(f.l);
	close(p[0]); close(p[1]);
}
END_TEST

static int got_signo;

static void sig_cb(void *arg, int signo)
{
	got_signo = signo;
	loop_stop(arg);
}

START_TEST(signals)
{
	struct loop *l = loop_new(SCALE);
	sigset_t cur;

	ck_assert_int_eq(loop_signal(l, SIGUSR1, sig_cb, l), 0);
	ck_assert_int_eq(loop_signal(l, SIGUSR2, sig_cb, l), 0);
	ck_assert_int_eq(loop_signal(l, 0, sig_cb, l), -1);
	raise(SIGUSR2);         /* blocked: waits in the signalfd */
	ck_assert_int_eq(loop_run(l), 0);
	ck_assert_int_eq(got_signo, SIGUSR2);
	raise(SIGUSR1);
	loop_free(l);           /* drains SIGUSR1, unblocks: the process survives */
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	ck_assert(!sigismember(&cur, SIGUSR1));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("loop");
	TCase *tc = tcase_create("loop");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, bad_scale);
	tcase_add_test(tc, scaled_clock);
	tcase_add_test(tc, timer_order);
	tcase_add_test(tc, cancel_in_callback);
	tcase_add_test(tc, past_deadline_and_stop);
	tcase_add_test(tc, heap_stress);
	tcase_add_test(tc, fd_dispatch);
	tcase_add_test(tc, no_starvation);
	tcase_add_test(tc, signals);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
