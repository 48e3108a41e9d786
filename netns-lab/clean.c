/* clean.c — removing runs: a run's namespaces are every /run/netns/ihh-<runid>-*; the
 * processes inside them are found through /proc/PID/ns/net and SIGKILLed; then the
 * namespaces are unmounted and unlinked, the saved topology removed, the owner file
 * last (so a crash half-way leaves a dead owner behind, and the next clean finishes).
 *
 * lab_clean(all=0) = lab_clean_stale: a run goes if its owner file names a dead
 * process (or a reused PID: start time differs), or if it has no owner file and all
 * its namespaces are older than LAB_ORPHAN_AGE seconds. Runs held by the CLI (owner
 * pid 0) go only with `down` or all=1.
 */
#include "lab_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LAB_ORPHAN_AGE 60
#define MAX_RUN_NS     (LAB_MAX_NODES + LAB_MAX_LINKS)
#define MAX_RUNS       64

bool lab_runid_valid(const char *runid)
{
	int i;

	for (i = 0; i < 6; i++)
		if (!isdigit((unsigned char)runid[i]) && !(runid[i] >= 'a' && runid[i] <= 'f'))
			return false;
	return runid[6] == '\0';
}

bool lab_ns_runid(const char *ns, char runid[16])
{
	size_t pl = strlen(LAB_PREFIX);
	char id[7];

	if (strncmp(ns, LAB_PREFIX "-", pl + 1) != 0)
		return false;
	memcpy(id, ns + pl + 1, 6);
	id[6] = '\0';
	if (strlen(ns) < pl + 1 + 6 + 2 || ns[pl + 7] != '-' || !lab_runid_valid(id))
		return false;
	memcpy(runid, id, 7);
	return true;
}

/* Names of the namespaces of one run. */
static int run_namespaces(const char *runid, char names[][LAB_NAME_MAX + 32], int max)
{
	DIR *d = opendir(LAB_NETNS_DIR);
	struct dirent *de;
	char id[16];
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		if (lab_ns_runid(de->d_name, id) && strcmp(id, runid) == 0 &&
		    strlen(de->d_name) < LAB_NAME_MAX + 32)
			memcpy(names[n++], de->d_name, strlen(de->d_name) + 1);
	}
	closedir(d);
	return n;
}

static int ns_inode_of_pid(const char *pid, unsigned long long *ino)
{
	char path[300], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = '\0';
	return sscanf(link, "net:[%llu]", ino) == 1 ? 0 : -1;
}

/* SIGKILL every process whose network namespace is one of inos; returns how many were
 * still alive at the last scan. */
static int kill_scan(const unsigned long long *inos, int n)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int found = 0, i;
	pid_t self = getpid();

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		unsigned long long ino;

		if (!isdigit((unsigned char)de->d_name[0]) || atoi(de->d_name) == self)
			continue;
		if (ns_inode_of_pid(de->d_name, &ino) < 0)
			continue;
		for (i = 0; i < n; i++) {
			if (ino == inos[i]) {
				kill(atoi(de->d_name), SIGKILL);
				found++;
				break;
			}
		}
	}
	closedir(d);
	return found;
}

static void kill_inside(const unsigned long long *inos, int n)
{
	int tries;

	/* A killed process keeps its namespace until it exits; give it up to ~1 s. Zombies
	 * have dropped their namespaces already (readlink fails on them). */
	for (tries = 0; tries < 50 && kill_scan(inos, n) > 0; tries++)
		usleep(20000);
}

int lab_down_runid(const char *runid, char *err, size_t errlen)
{
	static char names[MAX_RUN_NS][LAB_NAME_MAX + 32];
	unsigned long long inos[MAX_RUN_NS];
	int n, i, k = 0, gone = 0, failed = 0;

	if (!lab_runid_valid(runid))
		return lab_errf(err, errlen, "invalid run id '%s' (expected 6 lower-case hex characters)", runid);
	n = run_namespaces(runid, names, MAX_RUN_NS);
	for (i = 0; i < n; i++) {
		char path[300];
		struct stat st;

		lab_ns_path(names[i], path, sizeof(path));
		if (stat(path, &st) == 0)
			inos[k++] = (unsigned long long)st.st_ino;
	}
	if (k)
		kill_inside(inos, k);
	for (i = 0; i < n; i++) {
		if (lab_ns_remove(names[i]) == 0)
			gone++;
		else
			failed++;
	}
	if (failed)
		return lab_errf(err, errlen, "run %s: %d namespace(s) could not be removed: %s", runid, failed,
				strerror(errno));
	lab_topo_forget(runid);
	lab_owner_remove(runid);
	return gone;
}

static bool all_older_than(const char *runid, int age)
{
	static char names[MAX_RUN_NS][LAB_NAME_MAX + 32];
	int n = run_namespaces(runid, names, MAX_RUN_NS), i;
	time_t now = time(NULL);

	for (i = 0; i < n; i++) {
		char path[300];
		struct stat st;

		lab_ns_path(names[i], path, sizeof(path));
		if (stat(path, &st) < 0 || now - st.st_mtime < age)
			return false;
	}
	return true;
}

/* Distinct run ids seen in /run/netns and /run/ihh. */
static int collect_runs(char ids[][16], int max)
{
	const char *dirs[] = { LAB_NETNS_DIR, LAB_RUN_DIR };
	int n = 0, d, i;

	for (d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *de;

		if (!dir)
			continue;
		while ((de = readdir(dir)) && n < max) {
			char id[16];

			if (d == 0) {
				if (!lab_ns_runid(de->d_name, id))
					continue;
			} else {
				const char *dot = strchr(de->d_name, '.');

				if (!dot || dot - de->d_name != 6 || strcmp(dot, ".owner") != 0)
					continue;
				memcpy(id, de->d_name, 6);
				id[6] = '\0';
				if (!lab_runid_valid(id))
					continue;
			}
			for (i = 0; i < n && strcmp(ids[i], id) != 0; i++)
				;
			if (i == n)
				snprintf(ids[n++], 16, "%s", id);
		}
		closedir(dir);
	}
	return n;
}

int lab_list_runs(char ids[][16], int max)
{
	return collect_runs(ids, max);
}

int lab_run_namespaces(const char *runid, char names[][LAB_NAME_MAX + 32], int max)
{
	return run_namespaces(runid, names, max);
}

int lab_owner_status(const char *runid, pid_t *pid)
{
	return lab_owner_check(runid, pid);
}

int lab_clean(int all, char *err, size_t errlen)
{
	char ids[MAX_RUNS][16];
	int n = collect_runs(ids, MAX_RUNS), i, total = 0, rc = 0;

	for (i = 0; i < n; i++) {
		int st = lab_owner_check(ids[i], NULL), gone;
		bool go;

		switch (st) {
		case 1:  go = false; break;                      /* alive */
		case 2:  go = all; break;                        /* held by the CLI */
		case 0:  go = true; break;                       /* dead or reused pid */
		default: go = all || all_older_than(ids[i], LAB_ORPHAN_AGE); break;
		}
		if (!go)
			continue;
		gone = lab_down_runid(ids[i], err, errlen);
		if (gone < 0)
			rc = -1;
		else
			total += gone;
	}
	return rc < 0 ? -1 : total;
}

int lab_clean_stale(char *err, size_t errlen)
{
	return lab_clean(0, err, errlen);
}
