/* drv_libreswan.c — Libreswan: detected and skipped on this kernel.
 *
 * Libreswan's Quick Mode installs ESP SAs in the kernel (XFRM), and this kernel has
 * no ESP (CONFIG_INET_ESP unset). available() proves it instead of assuming it: a
 * short-lived child enters the node's namespace (or a fresh one it creates, so
 * nothing touches the root namespace) and asks the kernel for an ESP state through
 * XFRM_MSG_NEWSA; the errno text becomes the skip reason. It also skips when pluto is
 * not installed (the package conflicts with strongSwan on Debian, so it never is).
 * Every other operation reports that the driver is unavailable.
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "drv_int.h"

static void nla_put(char *buf, size_t *off, unsigned short type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(buf + *off);

	a->nla_type = type;
	a->nla_len = (unsigned short)(NLA_HDRLEN + len);
	memcpy(buf + *off + NLA_HDRLEN, data, len);
	*off += NLA_ALIGN(a->nla_len);
}

/* In the probing child: 0 if the kernel accepted an ESP state, else an errno. */
static int xfrm_esp_probe(void)
{
	char buf[1024] __attribute__((aligned(8)));
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct xfrm_usersa_info *sa;
	struct sockaddr_nl sn = { .nl_family = AF_NETLINK };
	/* algorithm structs end in a flexible key array: keep them in byte buffers */
	unsigned char crypt[sizeof(struct xfrm_algo) + 16] __attribute__((aligned(8)));
	unsigned char auth[sizeof(struct xfrm_algo_auth) + 20] __attribute__((aligned(8)));
	struct xfrm_algo *ca = (struct xfrm_algo *)crypt;
	struct xfrm_algo_auth *aa = (struct xfrm_algo_auth *)auth;
	size_t off;
	ssize_t r;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);

	if (fd < 0)
		return errno;
	memset(buf, 0, sizeof(buf));
	nh->nlmsg_type = XFRM_MSG_NEWSA;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nh->nlmsg_seq = 1;
	sa = (struct xfrm_usersa_info *)NLMSG_DATA(nh);
	sa->family = AF_INET;
	sa->id.proto = IPPROTO_ESP;
	sa->id.spi = htonl(0x1000);
	sa->id.daddr.a4 = htonl(0x0a000002);
	sa->saddr.a4 = htonl(0x0a000001);
	sa->mode = XFRM_MODE_TUNNEL;
	sa->reqid = 1;
	sa->lft.soft_byte_limit = sa->lft.hard_byte_limit = XFRM_INF;
	sa->lft.soft_packet_limit = sa->lft.hard_packet_limit = XFRM_INF;
	off = NLMSG_SPACE(sizeof(*sa));
	memset(crypt, 0, sizeof(crypt));
	strcpy(ca->alg_name, "cbc(aes)");
	ca->alg_key_len = 128;
	nla_put(buf, &off, XFRMA_ALG_CRYPT, crypt, sizeof(crypt));
	memset(auth, 0, sizeof(auth));
	strcpy(aa->alg_name, "hmac(sha1)");
	aa->alg_key_len = 160;
	aa->alg_trunc_len = 96;
	nla_put(buf, &off, XFRMA_ALG_AUTH_TRUNC, auth, sizeof(auth));
	nh->nlmsg_len = (unsigned)off;
	if (sendto(fd, buf, off, 0, (struct sockaddr *)&sn, sizeof(sn)) < 0) {
		close(fd);
		return errno;
	}
	r = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	if (r < (ssize_t)NLMSG_HDRLEN)
		return EIO;
	if (nh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = (struct nlmsgerr *)NLMSG_DATA(nh);
		return -e->error;
	}
	return 0;
}

/* Probe kernel ESP inside ns_fd (a node namespace), or in a fresh namespace when
 * ns_fd < 0. Returns 1 with the reason when ESP is missing, 0 when present, -1 on
 * error. Added API (see driver.h's libreswan note). */
int drv_libreswan_available_ns(int ns_fd, char *why, size_t len)
{
	int pfd[2], code = 0, st;
	pid_t pid;
	ssize_t r;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return drv_fail(why, len, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return drv_fail(why, len, "fork: %s", strerror(errno));
	if (pid == 0) {
		int e;

		if (ns_fd >= 0 ? setns(ns_fd, CLONE_NEWNET) : unshare(CLONE_NEWNET))
			e = -errno;   /* negative: could not get a namespace */
		else
			e = xfrm_esp_probe();
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	r = read(pfd[0], &code, sizeof(code));
	close(pfd[0]);
	waitpid(pid, &st, 0);
	if (r != sizeof(code))
		return drv_fail(why, len, "ESP probe child failed");
	if (code < 0)
		return drv_fail(why, len, "ESP probe: cannot enter a network namespace: %s",
				strerror(-code));
	if (code > 0) {
		drv_fail(why, len, "kernel has no ESP (XFRM_MSG_NEWSA for ESP: %s)",
			 strerror(code));
		return 1;
	}
	if (access("/usr/sbin/ipsec", X_OK) < 0 && access("/usr/libexec/ipsec/pluto", X_OK) < 0) {
		drv_fail(why, len, "libreswan (ipsec/pluto) is not installed");
		return 1;
	}
	return 0;
}

static int ls_available(char *why, size_t len)
{
	return drv_libreswan_available_ns(-1, why, len);
}

static int ls_can_scale(double scale)
{
	return 0;
}

static int ls_unavailable(char *err, size_t len)
{
	char why[256];

	if (ls_available(why, sizeof(why)) == 0)
		snprintf(why, sizeof(why), "libreswan support is detection-only");
	return drv_fail(err, len, "libreswan driver unavailable: %s", why);
}

static int ls_prepare(struct drv_node *n, char *err, size_t len) { return ls_unavailable(err, len); }
static int ls_start(struct drv_node *n, char *err, size_t len) { return ls_unavailable(err, len); }
static int ls_wait_ready(struct drv_node *n, int ms, char *err, size_t len) { return ls_unavailable(err, len); }
static int ls_initiate(struct drv_node *n, char *err, size_t len) { return ls_unavailable(err, len); }
static int ls_list_sas(struct drv_node *n, struct sa_list *o, char *err, size_t len)
{
	o->n = 0;
	return ls_unavailable(err, len);
}
static int ls_state(struct drv_node *n, const char *what, char *out, size_t outlen) { return -1; }
static int ls_kill(struct drv_node *n, int sig) { return -1; }
static int ls_stop(struct drv_node *n) { return -1; }
static int ls_logs(struct drv_node *n, struct ev_list *out) { return -1; }
static int ls_keys(struct drv_node *n, FILE *a, FILE *b) { return -1; }

const struct driver driver_libreswan = {
	.name = "libreswan",
	.available = ls_available,
	.can_scale = ls_can_scale,
	.prepare = ls_prepare,
	.start = ls_start,
	.wait_ready = ls_wait_ready,
	.initiate = ls_initiate,
	.list_sas = ls_list_sas,
	.state = ls_state,
	.kill = ls_kill,
	.stop = ls_stop,
	.logs = ls_logs,
	.keys = ls_keys,
};
