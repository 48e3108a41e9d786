/* gw_log.c — refgw's log: one line per event, "YYYY-MM-DD HH:MM:SS.mmm TEXT".
 *
 * The timestamp is wall-clock local time with milliseconds (IOS `service timestamps
 * debug datetime msec`); TEXT reads like IOS `debug crypto isakmp` / `debug crypto
 * ipsec` output, prefixed by nothing else, so it can be read beside the documents. The
 * harness turns these lines into timeline events (drv_refgw.c). Drops are rate-limited
 * per reason so a flood of bad packets cannot flood the log (STYLE.md §5).
 */
#include "gw.h"

#include <stdarg.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static void gw_log_v(struct gw *g, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void gw_log_v(struct gw *g, const char *fmt, va_list ap)
{
	struct timeval tv;
	struct tm tm;
	char ts[48];

	if (!g->log)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(g->log, "%s.%03ld ", ts, (long)(tv.tv_usec / 1000));
	vfprintf(g->log, fmt, ap);
	fputc('\n', g->log);
	fflush(g->log);
}

void gw_log(struct gw *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gw_log_v(g, fmt, ap);
	va_end(ap);
}

#define GW_LOG_KEYS 64

void gw_log_drop(struct gw *g, unsigned key, const char *fmt, ...)
{
	static uint64_t last_ms[GW_LOG_KEYS];
	static uint64_t suppressed[GW_LOG_KEYS];
	struct timespec now;
	uint64_t ms;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u + 1;
	key %= GW_LOG_KEYS;
	if (last_ms[key] && ms - last_ms[key] < 1000) {
		suppressed[key]++;
		return;
	}
	last_ms[key] = ms;
	va_start(ap, fmt);
	gw_log_v(g, fmt, ap);
	va_end(ap);
	if (suppressed[key]) {
		gw_log(g, "  (%llu similar messages suppressed)", (unsigned long long)suppressed[key]);
		suppressed[key] = 0;
	}
}

const char *gw_ip(uint32_t a)
{
	static char buf[8][16];
	static unsigned i;
	char *b = buf[i++ % 8];

	snprintf(b, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return b;
}
