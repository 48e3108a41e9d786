/* ctl.c — the control channel's socket side (see ctl.h). */
#include "ctl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define CTL_NETNS_DIR "/run/netns"

struct ctl_server {
	int fd;
};

static int ctl_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int ctl_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static socklen_t ctl_addr(const char *name, struct sockaddr_un *sa)
{
	size_t n;

	if (!name)
		name = CTL_ABSTRACT_NAME;
	n = strlen(name);
	if (n > sizeof(sa->sun_path) - 1)
		n = sizeof(sa->sun_path) - 1;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path + 1, name, n);      /* sun_path[0] = 0: abstract */
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static void ctl_timeouts(int fd, int secs)
{
	struct timeval tv = { .tv_sec = secs, .tv_usec = 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

struct ctl_server *ctl_listen(const char *abstract_name, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	socklen_t salen = ctl_addr(abstract_name, &sa);
	struct ctl_server *s;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		ctl_errf(err, errlen, "control socket: %s", strerror(errno));
		return NULL;
	}
	if (bind(fd, (struct sockaddr *)&sa, salen) < 0 || listen(fd, 16) < 0) {
		ctl_errf(err, errlen, "control socket @%s: %s (is another refgw running in this namespace?)",
			 abstract_name ? abstract_name : CTL_ABSTRACT_NAME, strerror(errno));
		close(fd);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		ctl_errf(err, errlen, "out of memory");
		return NULL;
	}
	s->fd = fd;
	return s;
}

int ctl_server_fd(const struct ctl_server *s)
{
	return s ? s->fd : -1;
}

static int ctl_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read until EOF into a NUL-terminated malloc'd buffer of at most `max` bytes. */
static char *ctl_read_all(int fd, size_t max, size_t *len_out)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return NULL;
	for (;;) {
		ssize_t r;

		if (len + 1 >= cap) {
			char *nb;

			if (cap >= max + 1) {
				free(buf);
				errno = EMSGSIZE;
				return NULL;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - 1 - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	if (len_out)
		*len_out = len;
	return buf;
}

void ctl_server_serve(struct ctl_server *s, ctl_handler h, void *arg)
{
	int c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
	char *req, *body = NULL;
	size_t body_len = 0;
	FILE *out;
	int rc;

	if (c < 0)
		return;
	ctl_timeouts(c, 2);
	req = ctl_read_all(c, CTL_MAX_REQUEST, NULL);
	if (!req) {
		static const char msg[] = "error\n% request too long or unreadable\n";

		ctl_write_all(c, msg, sizeof(msg) - 1);
		close(c);
		return;
	}
	out = open_memstream(&body, &body_len);
	if (!out) {
		free(req);
		close(c);
		return;
	}
	rc = h(arg, req, out);
	fclose(out);
	ctl_write_all(c, rc == 0 ? "ok\n" : "error\n", rc == 0 ? 3 : 6);
	ctl_write_all(c, body, body_len);
	free(body);
	free(req);
	close(c);
}

void ctl_server_close(struct ctl_server *s)
{
	if (!s)
		return;
	close(s->fd);
	free(s);
}

int ctl_request(const char *abstract_name, const char *request, char **body, int *status,
		char *err, size_t errlen)
{
	struct sockaddr_un sa;
	socklen_t salen = ctl_addr(abstract_name, &sa);
	char *resp, *nl;
	size_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	*body = NULL;
	if (fd < 0)
		return ctl_errf(err, errlen, "socket: %s", strerror(errno));
	ctl_timeouts(fd, 10);
	if (connect(fd, (struct sockaddr *)&sa, salen) < 0) {
		int e = errno;

		close(fd);
		return ctl_errf(err, errlen, "no refgw answers in this namespace (@%s): %s",
				abstract_name ? abstract_name : CTL_ABSTRACT_NAME, strerror(e));
	}
	if (ctl_write_all(fd, request, strlen(request)) < 0 || shutdown(fd, SHUT_WR) < 0) {
		int e = errno;

		close(fd);
		return ctl_errf(err, errlen, "sending the request: %s", strerror(e));
	}
	resp = ctl_read_all(fd, 64u << 20, &len);
	close(fd);
	if (!resp)
		return ctl_errf(err, errlen, "reading the answer: %s", strerror(errno));
	nl = strchr(resp, '\n');
	if (!nl || (strncmp(resp, "ok\n", 3) && strncmp(resp, "error\n", 6))) {
		free(resp);
		return ctl_errf(err, errlen, "malformed answer from refgw");
	}
	*status = resp[0] == 'o' ? 0 : 1;
	memmove(resp, nl + 1, len - (size_t)(nl + 1 - resp) + 1);
	*body = resp;
	return 0;
}

/* ihh-<run>-<node>: run has no '-' (netns-lab makes 6 hex digits). */
static int ctl_ns_matches(const char *ns, const char *node, const char *run)
{
	const char *p, *dash;
	size_t nl = strlen(node);

	if (strncmp(ns, "ihh-", 4))
		return 0;
	p = ns + 4;
	dash = strchr(p, '-');
	if (!dash || dash == p)
		return 0;
	if (run && (strlen(run) != (size_t)(dash - p) || strncmp(p, run, (size_t)(dash - p))))
		return 0;
	return strlen(dash + 1) == nl && !strcmp(dash + 1, node);
}

int ctl_enter_node(const char *node, const char *run, char *err, size_t errlen)
{
	char path[512], found[256] = "", list[1024] = "";
	struct dirent *de;
	int nfound = 0, fd;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", CTL_NETNS_DIR, node);
	if (access(path, F_OK) < 0) {
		d = opendir(CTL_NETNS_DIR);
		if (!d)
			return ctl_errf(err, errlen, "node %s: no lab namespaces (%s: %s)", node, CTL_NETNS_DIR,
					strerror(errno));
		while ((de = readdir(d))) {
			if (!ctl_ns_matches(de->d_name, node, run))
				continue;
			nfound++;
			snprintf(found, sizeof(found), "%s", de->d_name);
			if (strlen(list) + strlen(de->d_name) + 2 < sizeof(list)) {
				strcat(list, " ");
				strcat(list, de->d_name);
			}
		}
		closedir(d);
		if (nfound == 0)
			return ctl_errf(err, errlen, "node %s: no namespace ihh-%s-%s (is the lab up? see `netns-lab list`)",
					node, run ? run : "*", node);
		if (nfound > 1)
			return ctl_errf(err, errlen, "node %s is in several labs:%s; pick one with --run RUNID", node, list);
		snprintf(path, sizeof(path), "%s/%s", CTL_NETNS_DIR, found);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ctl_errf(err, errlen, "%s: %s", path, strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;

		close(fd);
		return ctl_errf(err, errlen, "entering %s: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}
