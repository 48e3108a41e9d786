/* owner.c — who owns a run: /run/ihh/<runid>.owner ("pid starttime"), written before
 * the first namespace and removed after the last, and /run/ihh/<runid>.topo, the
 * parsed topology, so `netns-lab fault|drop|exec` can act on a run they did not start.
 *
 * A PID alone is not proof of life: PIDs are reused. The owner file carries the
 * process start time (field 22 of /proc/PID/stat) and both must match.
 */
#include "lab_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOPO_MAGIC 0x69686874u   /* "ihht" */

unsigned long long lab_proc_start(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	FILE *f;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	/* comm may hold spaces and ')': fields restart after the last ')' (field 2). */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	if (p[0] == ' ' && (p[1] == 'Z' || p[1] == 'X'))
		return 0;     /* a zombie is dead for our purposes */
	for (field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

static void owner_path(const char *runid, const char *ext, char *out, size_t len)
{
	snprintf(out, len, LAB_RUN_DIR "/%s.%s", runid, ext);
}

static int write_file(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	char tmp[300];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return lab_errf(err, errlen, "create %s: %s", tmp, strerror(errno));
	if (write(fd, data, len) != (ssize_t)len) {
		lab_errf(err, errlen, "write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		lab_errf(err, errlen, "rename %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int lab_owner_write(const char *runid, pid_t pid, char *err, size_t errlen)
{
	char path[128], buf[64];
	int n;

	if (mkdir(LAB_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return lab_errf(err, errlen, "mkdir " LAB_RUN_DIR ": %s", strerror(errno));
	owner_path(runid, "owner", path, sizeof(path));
	n = snprintf(buf, sizeof(buf), "%d %llu\n", (int)pid, pid ? lab_proc_start(pid) : 0ULL);
	return write_file(path, buf, (size_t)n, err, errlen);
}

int lab_owner_check(const char *runid, pid_t *pid_out)
{
	char path[128];
	FILE *f;
	int pid = -1;
	unsigned long long start = 0;

	owner_path(runid, "owner", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d %llu", &pid, &start) != 2)
		pid = -1;
	fclose(f);
	if (pid_out)
		*pid_out = pid;
	if (pid == 0)
		return 2;
	if (pid < 0)
		return 0;     /* unreadable owner file: treat the owner as dead */
	return lab_proc_start(pid) == start && start != 0 ? 1 : 0;
}

void lab_owner_remove(const char *runid)
{
	char path[128];

	owner_path(runid, "owner", path, sizeof(path));
	unlink(path);
}

int lab_topo_save(const char *runid, const struct lab_topo *t, char *err, size_t errlen)
{
	char path[128];
	size_t len = sizeof(uint32_t) * 2 + sizeof(*t);
	char *buf = malloc(len);
	uint32_t hdr[2] = { TOPO_MAGIC, (uint32_t)sizeof(*t) };
	int rc;

	if (!buf)
		return lab_errf(err, errlen, "out of memory");
	memcpy(buf, hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), t, sizeof(*t));
	owner_path(runid, "topo", path, sizeof(path));
	rc = write_file(path, buf, len, err, errlen);
	free(buf);
	return rc;
}

int lab_topo_restore(const char *runid, struct lab_topo *t, char *err, size_t errlen)
{
	char path[128];
	uint32_t hdr[2];
	FILE *f;

	owner_path(runid, "topo", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return lab_errf(err, errlen, "run %s: %s: %s", runid, path, strerror(errno));
	if (fread(hdr, sizeof(hdr), 1, f) != 1 || hdr[0] != TOPO_MAGIC || hdr[1] != sizeof(*t) ||
	    fread(t, sizeof(*t), 1, f) != 1) {
		fclose(f);
		return lab_errf(err, errlen, "run %s: %s is not a topology of this netns-lab build", runid, path);
	}
	fclose(f);
	return 0;
}

void lab_topo_forget(const char *runid)
{
	char path[128];

	owner_path(runid, "topo", path, sizeof(path));
	unlink(path);
}
