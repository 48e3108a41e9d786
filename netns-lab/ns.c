/* ns.c — named network namespaces without `ip`: create, open, enter, remove.
 *
 * Creation follows iproute2 (ip/ipnetns.c): /run/netns is made a shared mount (bind
 * it on itself first if it is not a mount point), an empty file /run/netns/NAME is
 * created, the calling thread unshares its network namespace and bind-mounts
 * /proc/thread-self/ns/net onto the file, then setns()es back. Only the calling
 * thread ever changes namespace (unshare/setns with CLONE_NEWNET are per thread), so
 * other threads of the process are undisturbed.
 */
#include "lab_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void lab_new_runid(char out[16])
{
	uint8_t b[3];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		unsigned v = (unsigned)getpid() * 2654435761u ^ (unsigned)time(NULL);

		b[0] = (uint8_t)v; b[1] = (uint8_t)(v >> 8); b[2] = (uint8_t)(v >> 16);
	}
	snprintf(out, 16, "%02x%02x%02x", b[0], b[1], b[2]);
}

void lab_ns_name(const struct lab_run *r, int node, char *out, size_t len)
{
	snprintf(out, len, LAB_PREFIX "-%s-%s", r->runid, r->topo->nodes[node].name);
}

void lab_seg_ns_name(const struct lab_run *r, int link, char *out, size_t len)
{
	snprintf(out, len, LAB_PREFIX "-%s-sw-%s", r->runid, r->topo->links[link].name);
}

int lab_ns_path(const char *name, char *out, size_t len)
{
	int n = snprintf(out, len, LAB_NETNS_DIR "/%s", name);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int lab_ns_open(const char *name)
{
	char path[300];

	if (lab_ns_path(name, path, sizeof(path)) < 0)
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* As iproute2: make /run/netns a shared mount so namespace mounts propagate to
 * mount namespaces created later (ip netns exec, containers). */
static int netns_dir_ready(char *err, size_t errlen)
{
	static int done;
	int bound = 0;

	if (done)
		return 0;
	if (mkdir(LAB_NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return lab_errf(err, errlen, "mkdir " LAB_NETNS_DIR ": %s", strerror(errno));
	while (mount("", LAB_NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL || bound)
			return lab_errf(err, errlen, "mount --make-shared " LAB_NETNS_DIR ": %s", strerror(errno));
		if (mount(LAB_NETNS_DIR, LAB_NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
			return lab_errf(err, errlen, "mount --bind " LAB_NETNS_DIR ": %s", strerror(errno));
		bound = 1;
	}
	done = 1;
	return 0;
}

int lab_ns_create(const char *name, int *fd_out, char *err, size_t errlen)
{
	char path[300];
	int self = -1, fd, rc = -1, moved = 0, e;

	if (lab_ns_path(name, path, sizeof(path)) < 0)
		return lab_errf(err, errlen, "namespace name too long: %s", name);
	if (netns_dir_ready(err, errlen) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return lab_errf(err, errlen, "create %s: %s", path, strerror(errno));
	close(fd);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		lab_errf(err, errlen, "open /proc/thread-self/ns/net: %s", strerror(errno));
		goto out;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		lab_errf(err, errlen, "unshare(CLONE_NEWNET) for %s: %s", name, strerror(errno));
		goto out;
	}
	moved = 1;
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0) {
		lab_errf(err, errlen, "bind-mount namespace on %s: %s", path, strerror(errno));
		goto out;
	}
	*fd_out = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*fd_out < 0) {
		lab_errf(err, errlen, "open new namespace %s: %s", name, strerror(errno));
		umount2(path, MNT_DETACH);
		goto out;
	}
	rc = 0;
out:
	e = errno;
	if (moved && setns(self, CLONE_NEWNET) < 0) {
		/* Cannot return to where we were: a broken local invariant. */
		fprintf(stderr, "netns-lab: setns back failed: %s\n", strerror(errno));
		abort();
	}
	if (self >= 0)
		close(self);
	if (rc < 0)
		unlink(path);
	errno = e;
	return rc;
}

int lab_ns_remove(const char *name)
{
	char path[300];

	if (lab_ns_path(name, path, sizeof(path)) < 0)
		return -1;
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -1;
	if (unlink(path) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

int lab_in_ns(int ns_fd, int (*fn)(void *), void *arg)
{
	int self, rc, e;

	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -1;
	if (setns(ns_fd, CLONE_NEWNET) < 0) {
		e = errno;
		close(self);
		errno = e;
		return -1;
	}
	rc = fn(arg);
	e = errno;
	if (setns(self, CLONE_NEWNET) < 0) {
		fprintf(stderr, "netns-lab: setns back failed: %s\n", strerror(errno));
		abort();
	}
	close(self);
	errno = e;
	return rc;
}

int lab_enter_ns(int ns_fd)
{
	return setns(ns_fd, CLONE_NEWNET);
}
