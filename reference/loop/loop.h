/* loop.h — refgw's one event loop (STYLE.md §2): single-threaded epoll over every fd
 * the daemon owns, timers embedded in their owners, signals through a signalfd.
 *
 * Time. The loop keeps one clock on CLOCK_MONOTONIC with a scale: loop_new(0.1) makes
 * protocol time run ten times faster than real time. loop_now_ms() is VIRTUAL time,
 * milliseconds since loop_new (real elapsed / scale); timers take virtual deadlines,
 * so every protocol timer (DPD, HSRP hello/hold, VRRP advert, lifetimes) scales
 * together and a 60 s failover sequence runs in 6 s. loop_real_ms() is unscaled (for
 * log timestamps).
 *
 * Timers are struct loop_timer embedded in whatever owns them (an SA, a peer, an HSRP
 * group); the loop keeps a min-heap of pointers to them, ordered by deadline and, for
 * equal deadlines, by the order they were armed. A timer is popped before its
 * callback runs, so the callback may re-arm it, stop others or free its owner.
 *
 * Functions returning int return 0 on success, -1 with errno set.
 */
#ifndef IHH_LOOP_H
#define IHH_LOOP_H

#include <stddef.h>
#include <stdint.h>

struct loop;

struct loop_timer {
	uint64_t deadline;          /* virtual ms since loop start, valid while pending */
	void (*cb)(void *arg);
	void *arg;
	/* private to loop.c */
	size_t heap_pos;            /* 0: not pending; else 1 + index in the loop's heap */
	uint64_t order;             /* arming order: FIFO among equal deadlines */
};

/* scale > 0 (1.0 real time; 0.1 protocol time runs 10x faster). NULL on a bad scale
 * (errno EINVAL) or when epoll cannot be created. */
struct loop *loop_new(double scale);
/* Closes the loop's own fds (epoll, signalfd) and restores the signal mask; the fds
 * registered by callers stay theirs to close. Pending timers are simply forgotten. */
void loop_free(struct loop *l);

/* --- fds ---------------------------------------------------------------------------- */

typedef void (*loop_fd_cb)(void *arg, int fd, uint32_t events);

/* events: EPOLLIN, EPOLLOUT, EPOLLET … (level-triggered unless EPOLLET). */
int loop_fd_add(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg);
int loop_fd_mod(struct loop *l, int fd, uint32_t events);
/* Safe inside any callback, also for an fd whose event is still queued in this pass
 * (that event is then dropped). */
int loop_fd_del(struct loop *l, int fd);

/* --- timers ------------------------------------------------------------------------- */

void loop_timer_init(struct loop_timer *t, void (*cb)(void *arg), void *arg);
/* Arm (or re-arm) at an absolute virtual deadline; a deadline in the past fires on
 * the next pass. */
void loop_timer_at(struct loop *l, struct loop_timer *t, uint64_t virtual_deadline_ms);
void loop_timer_in(struct loop *l, struct loop_timer *t, uint64_t virtual_delay_ms);
void loop_timer_stop(struct loop *l, struct loop_timer *t);
int loop_timer_pending(const struct loop_timer *t);

/* --- signals ------------------------------------------------------------------------ */

/* Block signo and deliver it through the loop's signalfd to cb (one cb per signal). */
int loop_signal(struct loop *l, int signo, void (*cb)(void *arg, int signo), void *arg);

/* --- running ------------------------------------------------------------------------ */

/* Dispatch until loop_stop, or until nothing is registered (no fd, timer or signal).
 * Returns 0, or -1 if epoll fails. */
int loop_run(struct loop *l);
/* Make loop_run return after the callback that calls it. */
void loop_stop(struct loop *l);
/* Run one pass: wait at most until the next timer (or timeout_real_ms, -1 = no limit),
 * dispatch fd events, fire due timers. Returns the number of callbacks run, -1 on error. */
int loop_once(struct loop *l, int timeout_real_ms);

/* --- clock -------------------------------------------------------------------------- */

double loop_scale(const struct loop *l);
uint64_t loop_now_ms(const struct loop *l);     /* virtual ms since loop_new */
uint64_t loop_real_ms(const struct loop *l);    /* real ms since loop_new */
/* Virtual ms → real ms under this loop's scale (rounded up), e.g. for socket timeouts. */
uint64_t loop_virtual_to_real_ms(const struct loop *l, uint64_t virtual_ms);

#endif
