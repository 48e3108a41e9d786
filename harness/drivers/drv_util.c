/* drv_util.c — helpers shared by the drivers: errors, files, addresses, log
 * timestamps, events, process reaping, control-socket polling (see drv_int.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "drv_int.h"

int drv_fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int drv_write_file(const char *dir, const char *name, const char *text, int secret,
		   char *err, size_t len)
{
	char path[512];
	size_t n = strlen(text);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0644);
	if (fd < 0)
		return drv_fail(err, len, "%s: %s", path, strerror(errno));
	if (write(fd, text, n) != (ssize_t)n) {
		close(fd);
		return drv_fail(err, len, "%s: short write", path);
	}
	close(fd);
	return 0;
}

char *drv_read_file(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	for (;;) {
		if (cap - n < 65536) {
			char *nb = realloc(buf, cap + 65536 + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[n] = '\0';
	if (len_out)
		*len_out = n;
	return buf;
}

const char *drv_ip(uint32_t a)
{
	static char bufs[8][16];
	static unsigned i;
	char *b = bufs[i++ % 8];

	snprintf(b, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return b;
}

int drv_parse_ip(const char *s, uint32_t *out)
{
	struct in_addr in;
	char buf[16];
	size_t n = strcspn(s, "/[]:, \t\n");

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &in) != 1)
		return -1;
	*out = ntohl(in.s_addr);
	return 0;
}

int drv_parse_prefix(const char *s, struct lab_prefix *p)
{
	const char *slash;

	if (drv_parse_ip(s, &p->addr) < 0)
		return -1;
	slash = s + strcspn(s, "/ ]");
	p->plen = *slash == '/' ? (uint8_t)atoi(slash + 1) : 32;
	return 0;
}

int64_t drv_parse_local_ts(const char *s, size_t *consumed)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, ms = 0, n = 0, n2 = 0;
	time_t t;

	if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return -1;
	if (s[n] == '.' && sscanf(s + n, ".%3d%n", &ms, &n2) == 1)
		n += n2;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;        /* the log is in local time; let mktime find DST */
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	if (consumed)
		*consumed = (size_t)n;
	return (int64_t)t * 1000000000LL + (int64_t)ms * 1000000LL;
}

struct ev *drv_ev_add(struct ev_list *l, int64_t t_ns, enum ev_type type, const char *node,
		      const char *text)
{
	struct ev e;

	memset(&e, 0, sizeof(e));
	e.t_ns = t_ns;
	e.src = type == EV_STATE ? EV_SRC_STATE : EV_SRC_LOG;
	e.type = type;
	snprintf(e.node, sizeof(e.node), "%s", node ? node : "");
	snprintf(e.text, sizeof(e.text), "%s", text ? text : "");
	return ev_push(l, &e);
}

void drv_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int drv_signal_reap(struct drv_node *n, int sig, int grace_ms)
{
	int waited = 0, st;
	pid_t r;

	if (n->pid <= 0)
		return 0;
	if (kill(n->pid, sig) < 0 && errno == ESRCH) {
		waitpid(n->pid, &st, WNOHANG);
		n->pid = 0;
		return 0;
	}
	for (;;) {
		r = waitpid(n->pid, &st, WNOHANG);
		if (r == n->pid || (r < 0 && errno == ECHILD))
			break;
		if (waited >= grace_ms) {
			kill(n->pid, SIGKILL);
			waitpid(n->pid, &st, 0);
			break;
		}
		drv_sleep_ms(20);
		waited += 20;
	}
	n->pid = 0;
	return 0;
}

int drv_wait_unix(const char *path, int timeout_ms)
{
	struct sockaddr_un sa;
	int waited = 0, fd, ok;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
		if (ok)
			return 0;
		if (waited >= timeout_ms)
			return -1;
		drv_sleep_ms(50);
		waited += 50;
	}
}

const struct lab_if *drv_find_if(const struct lab_node *lab, const char *name)
{
	int i;

	if (!lab)
		return NULL;
	for (i = 0; i < lab->nifs; i++)
		if (strcasecmp(lab->ifs[i].ios, name) == 0 ||
		    strcmp(lab->ifs[i].linux_name, name) == 0)
			return &lab->ifs[i];
	return NULL;
}
