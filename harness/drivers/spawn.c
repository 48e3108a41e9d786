/* spawn.c — starting daemons and tools inside a node's network namespace.
 *
 * drv_spawn() forks; the child joins the node's namespace (setns), optionally gets a
 * private mount namespace with its own /run (daemons with compiled-in /run paths, e.g.
 * charon's /var/run/charon.pid; /var/run is a symlink to /run on Debian) and a /sys
 * that shows the node's interfaces, sends stdout/stderr to the log file, starts a new
 * session and execs. An exec failure comes back through a close-on-exec pipe so the
 * caller gets the reason, not just a dead pid. drv_run() does the same for a
 * short-lived command and captures its stdout, killing it when the timeout passes.
 * Nothing here touches the root network namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "drv_int.h"

extern char **environ;

/* In the child: enter the namespaces and set up the mounts. Returns errno-style
 * failure code and a step name. */
static int child_setup(struct drv_node *n, const char *private_run, const char **step)
{
	if (n->ns_fd >= 0 && setns(n->ns_fd, CLONE_NEWNET) < 0) {
		*step = "setns(CLONE_NEWNET)";
		return errno;
	}
	if (!private_run)
		return 0;
	if (unshare(CLONE_NEWNS) < 0) {
		*step = "unshare(CLONE_NEWNS)";
		return errno;
	}
	if (mount("", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		*step = "mount / private";
		return errno;
	}
	if (mount(private_run, "/run", NULL, MS_BIND, NULL) < 0) {
		*step = "bind-mount private run dir on /run";
		return errno;
	}
	/* like `ip netns exec`: a sysfs of the node's namespace */
	if (umount2("/sys", MNT_DETACH) == 0)
		mount("sysfs", "/sys", "sysfs", 0, NULL);
	return 0;
}

static void child_report(int fd, int code, const char *step)
{
	char msg[200];
	int len = snprintf(msg, sizeof(msg), "%s: %s", step, strerror(code));

	if (len > 0 && write(fd, msg, (size_t)len) < 0)
		_exit(127);
	_exit(127);
}

pid_t drv_spawn(struct drv_node *n, char *const argv[], const char *logfile,
		const char *private_run, char *const envp[], char *err, size_t len)
{
	int pfd[2], fd;
	pid_t pid;
	char msg[200];
	ssize_t r;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return drv_fail(err, len, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return drv_fail(err, len, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		const char *step = "";
		int code = child_setup(n, private_run, &step);

		if (code)
			child_report(pfd[1], code, step);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		fd = open(logfile ? logfile : "/dev/null",
			  O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0)
			child_report(pfd[1], errno, logfile);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		setsid();
		signal(SIGPIPE, SIG_DFL);
		execvpe(argv[0], argv, envp ? envp : environ);
		child_report(pfd[1], errno, argv[0]);
	}
	close(pfd[1]);
	do
		r = read(pfd[0], msg, sizeof(msg) - 1);
	while (r < 0 && errno == EINTR);
	close(pfd[0]);
	if (r > 0) {
		msg[r] = '\0';
		waitpid(pid, NULL, 0);
		return drv_fail(err, len, "starting %s: %s", argv[0], msg);
	}
	return pid;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run_capture(struct drv_node *n, char *const argv[], char *out, size_t outlen, int timeout_ms,
		       int with_stderr)
{
	int pfd[2], st = 0, fd;
	size_t got = 0;
	int64_t deadline = mono_ms() + timeout_ms;
	pid_t pid;
	char sink[4096];

	if (out && outlen)
		out[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		if (n && n->ns_fd >= 0 && setns(n->ns_fd, CLONE_NEWNET) < 0)
			_exit(126);
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 2);
			close(fd);
		}
		dup2(pfd[1], 1);
		if (with_stderr)
			dup2(pfd[1], 2);
		setsid();
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		struct pollfd p = { pfd[0], POLLIN, 0 };
		int64_t left = deadline - mono_ms();
		ssize_t r;

		if (left <= 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			close(pfd[0]);
			waitpid(pid, &st, 0);
			return -1;
		}
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		if (out && got + 1 < outlen) {
			r = read(pfd[0], out + got, outlen - 1 - got);
			if (r > 0) {
				got += (size_t)r;
				out[got] = '\0';
			}
		} else {
			r = read(pfd[0], sink, sizeof(sink));
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
	}
	close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return -1;
}

int drv_run(struct drv_node *n, char *const argv[], char *out, size_t outlen, int timeout_ms)
{
	return run_capture(n, argv, out, outlen, timeout_ms, 0);
}

int drv_run_both(struct drv_node *n, char *const argv[], char *out, size_t outlen, int timeout_ms)
{
	return run_capture(n, argv, out, outlen, timeout_ms, 1);
}
