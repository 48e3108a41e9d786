/* check_kern_mock.c — the mock records every call as the expected text line and models
 * links, addresses and routes well enough to answer; kern_route_str; the IPv4 header
 * check; the batched I/O helpers over the mock's socketpairs. */
#include <check.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "kern.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static void line_is(const struct kern_mock *m, size_t i, const char *want)
{
	const char *got = kern_mock_line(m, i);

	ck_assert_msg(got != NULL, "line %zu missing (want \"%s\")", i, want);
	ck_assert_str_eq(got, want);
}

START_TEST(records_calls)
{
	struct kern_mock *m = kern_mock_new();
	const struct kern_ops *ops = kern_mock_ops(m);
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
	struct kern_route rri = { .dst = IP(20, 1, 1, 0), .plen = 24, .via = IP(10, 1, 1, 2), .metric = 1,
				  .protocol = KERN_RTPROT_RRI, .realm = 99 };
	struct kern_route dev = { .dst = IP(10, 4, 0, 0), .plen = 16, .table = 150 };
	struct kern_steer sel[2] = {
		{ IP(10, 9, 1, 0), 24, IP(20, 1, 1, 0), 24, 0 },
		{ IP(10, 9, 2, 0), 24, IP(20, 1, 1, 0), 24, 6 },
	};
	char err[256];
	int ifindex = 0, fd, up = -1, carrier = -1;
	uint8_t got[6];

	kern_mock_link(m, "ge0-0", 1, 1, mac);
	fd = ops->tun_open(ops->k, "refgw0", 1400, &ifindex, err, sizeof(err));
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ifindex, 11);
	ck_assert_int_eq(ops->link_index(ops->k, "ge0-0"), 10);
	ck_assert_int_eq(ops->link_index(ops->k, "nope"), -1);
	ck_assert_int_eq(ops->addr_add(ops->k, "ge0-0", IP(10, 1, 1, 1), 24, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->addr_add(ops->k, "ge0-0", IP(10, 1, 1, 1), 24, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(ops->route_add(ops->k, &rri, err, sizeof(err)), 0);
	snprintf(dev.oif, sizeof(dev.oif), "refgw0");
	ck_assert_int_eq(ops->route_add(ops->k, &dev, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->steer_set(ops->k, "refgw0", 0x50, 150, sel, 2, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->link_set_up(ops->k, "ge0-0", 0, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->link_state(ops->k, "ge0-0", &up, &carrier), 0);
	ck_assert_int_eq(up, 0);
	ck_assert_int_eq(carrier, 0);
	ck_assert_int_eq(ops->link_mac(ops->k, "ge0-0", got), 0);
	ck_assert_mem_eq(got, mac, 6);
	ck_assert_int_eq(ops->link_mac(ops->k, "refgw0", got), -1);
	ck_assert_int_ge(ops->udp_socket(ops->k, IP(10, 1, 1, 1), 500, err, sizeof(err)), 0);
	ck_assert_int_ge(ops->esp_socket(ops->k, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->sysctl(ops->k, "net/ipv4/ip_forward", "1", err, sizeof(err)), 0);
	ck_assert_int_eq(ops->route_del(ops->k, &rri, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->route_del(ops->k, &rri, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ESRCH);
	ck_assert_int_eq(ops->steer_clear(ops->k, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->addr_del(ops->k, "ge0-0", IP(10, 1, 1, 1), 24, err, sizeof(err)), 0);

	line_is(m, 0, "tun_open refgw0 mtu 1400");
	line_is(m, 1, "link_index ge0-0");
	line_is(m, 2, "link_index nope");
	line_is(m, 3, "addr_add ge0-0 10.1.1.1/24");
	line_is(m, 4, "addr_add ge0-0 10.1.1.1/24");
	line_is(m, 5, "route_add 20.1.1.0/24 via 10.1.1.2 metric 1 proto rri realm 99");
	line_is(m, 6, "route_add 10.4.0.0/16 dev refgw0 table 150");
	line_is(m, 7, "steer_set refgw0 mark 0x50 table 150 10.9.1.0/24>20.1.1.0/24 10.9.2.0/24>20.1.1.0/24/proto 6");
	line_is(m, 8, "link_set_up ge0-0 down");
	line_is(m, 9, "link_state ge0-0");
	line_is(m, 10, "link_mac ge0-0");
	line_is(m, 11, "link_mac refgw0");
	line_is(m, 12, "udp_socket 10.1.1.1:500");
	line_is(m, 13, "esp_socket");
	line_is(m, 14, "sysctl net/ipv4/ip_forward=1");
	line_is(m, 15, "route_del 20.1.1.0/24 via 10.1.1.2 metric 1 proto rri realm 99");
	line_is(m, 17, "steer_clear");
	line_is(m, 18, "addr_del ge0-0 10.1.1.1/24");
	ck_assert_uint_eq(kern_mock_count(m), 19);
	ck_assert_ptr_null(kern_mock_line(m, 19));
	ck_assert_int_eq(kern_mock_find(m, 0, "steer_"), 7);
	ck_assert_int_eq(kern_mock_find(m, 8, "steer_"), 17);
	ck_assert_int_eq(kern_mock_find(m, 0, "route_dump"), -1);
	kern_mock_clear(m);
	ck_assert_uint_eq(kern_mock_count(m), 0);
	close(fd);
	kern_mock_free(m);
}
END_TEST

struct dump_rec {
	int n, connected;
	char text[8][128];
};

static void dump_cb(void *arg, const struct kern_route *r, int connected)
{
	struct dump_rec *d = arg;

	if (d->n < 8)
		kern_route_str(r, d->text[d->n++], sizeof(d->text[0]));
	d->connected += connected;
}

START_TEST(route_model)
{
	struct kern_mock *m = kern_mock_new();
	const struct kern_ops *ops = kern_mock_ops(m);
	struct kern_route r1 = { .dst = IP(20, 1, 1, 0), .plen = 24, .via = IP(10, 1, 1, 2) };
	struct kern_route r2 = { .dst = IP(0, 0, 0, 0), .plen = 0, .table = 150 };
	struct dump_rec d = { 0 };
	char err[256];

	kern_mock_link(m, "ge0-0", 1, 1, NULL);
	kern_mock_link(m, "ge0-1", 0, 0, NULL);
	ck_assert_int_eq(ops->addr_add(ops->k, "ge0-0", IP(10, 1, 1, 1), 24, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->addr_add(ops->k, "ge0-1", IP(10, 2, 2, 1), 24, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->addr_add(ops->k, "nope", IP(10, 3, 3, 1), 24, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_int_eq(ops->route_add(ops->k, &r1, err, sizeof(err)), 0);
	r1.via = IP(10, 1, 1, 3);     /* same prefix: replaced, not added */
	ck_assert_int_eq(ops->route_add(ops->k, &r1, err, sizeof(err)), 0);
	snprintf(r2.oif, sizeof(r2.oif), "refgw0");
	ck_assert_int_eq(ops->route_add(ops->k, &r2, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->route_dump(ops->k, 0, dump_cb, &d), 0);
	ck_assert_int_eq(d.n, 2);             /* ge0-1 is down: no connected route */
	ck_assert_int_eq(d.connected, 1);
	ck_assert_str_eq(d.text[0], "10.1.1.0/24 dev ge0-0 proto kernel");
	ck_assert_str_eq(d.text[1], "20.1.1.0/24 via 10.1.1.3");
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(ops->route_dump(ops->k, 150, dump_cb, &d), 0);
	ck_assert_int_eq(d.n, 1);
	ck_assert_str_eq(d.text[0], "0.0.0.0/0 dev refgw0 table 150");
	kern_mock_free(m);
}
END_TEST

START_TEST(injected_failure)
{
	struct kern_mock *m = kern_mock_new();
	const struct kern_ops *ops = kern_mock_ops(m);
	struct kern_route r = { .dst = IP(20, 1, 1, 0), .plen = 24 };
	char err[256] = "";

	kern_mock_fail(m, "route_add", ENETUNREACH);
	ck_assert_int_eq(ops->route_add(ops->k, &r, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ENETUNREACH);
	ck_assert_ptr_nonnull(strstr(err, "injected"));
	ck_assert_int_eq(ops->route_add(ops->k, &r, err, sizeof(err)), 0);   /* once only */
	ck_assert_uint_eq(kern_mock_count(m), 2);                             /* both recorded */
	kern_mock_fail(m, "steer_set", EPERM);
	ck_assert_int_eq(ops->steer_set(ops->k, "t", 1, 2, NULL, 0, err, sizeof(err)), -1);
	line_is(m, 2, "steer_set t mark 0x1 table 2");
	kern_mock_free(m);
}
END_TEST

/* the FHRP ops (refgw's gw_fhrp.c): a macvlan with the virtual MAC becomes a link the
 * model knows (its MAC, an address on it), goes away with link_del; the sockets are fds */
START_TEST(fhrp_ops)
{
	struct kern_mock *m = kern_mock_new();
	const struct kern_ops *ops = kern_mock_ops(m);
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
	static const uint8_t vmac[6] = { 0x00, 0x00, 0x0c, 0x07, 0xac, 0x01 };
	char err[256] = "";
	uint8_t got[6];
	int fd, wfd;

	kern_mock_link(m, "fa0-0", 1, 1, mac);
	ck_assert_int_eq(ops->macvlan_add(ops->k, "fa0-0", "fa0-0.v1", vmac, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->macvlan_add(ops->k, "fa0-0", "fa0-0.v1", vmac, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(ops->macvlan_add(ops->k, "nope", "nope.v1", vmac, err, sizeof(err)), -1);
	ck_assert_int_eq(ops->link_mac(ops->k, "fa0-0.v1", got), 0);
	ck_assert_mem_eq(got, vmac, 6);
	ck_assert_int_eq(ops->addr_add(ops->k, "fa0-0.v1", IP(172, 16, 172, 53), 32, err, sizeof(err)), 0);
	ck_assert_int_eq(ops->link_del(ops->k, "fa0-0.v1", err, sizeof(err)), 0);
	ck_assert_int_eq(ops->link_index(ops->k, "fa0-0.v1"), -1);
	ck_assert_int_eq(ops->link_del(ops->k, "fa0-0.v1", err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ENODEV);
	fd = ops->fhrp_socket(ops->k, "fa0-0", err, sizeof(err));
	ck_assert_int_ge(fd, 0);
	wfd = ops->link_watch(ops->k, err, sizeof(err));
	ck_assert_int_ge(wfd, 0);
	ck_assert_int_eq(write(kern_mock_peer(m, wfd), "x", 1), 1);
	ck_assert_int_eq(kern_link_watch_drain(wfd), 1);
	ck_assert_int_eq(kern_link_watch_drain(wfd), 0);
	line_is(m, 0, "macvlan_add fa0-0.v1 on fa0-0 mac 00:00:0c:07:ac:01");
	ck_assert_int_ge(kern_mock_find(m, 0, "link_del fa0-0.v1"), 0);
	ck_assert_int_ge(kern_mock_find(m, 0, "fhrp_socket fa0-0"), 0);
	ck_assert_int_ge(kern_mock_find(m, 0, "link_watch"), 0);
	kern_mock_free(m);
}
END_TEST

START_TEST(route_text)
{
	struct kern_route r = { .dst = IP(20, 1, 1, 0), .plen = 24, .via = IP(10, 1, 1, 2), .table = 254,
				.protocol = RTPROT_STATIC };
	char buf[128], tiny[12];

	ck_assert_str_eq(kern_route_str(&r, buf, sizeof(buf)), "20.1.1.0/24 via 10.1.1.2");
	r.protocol = 77;
	r.table = 7;
	ck_assert_str_eq(kern_route_str(&r, buf, sizeof(buf)), "20.1.1.0/24 via 10.1.1.2 table 7 proto 77");
	r.protocol = KERN_RTPROT_STEER;
	ck_assert_str_eq(kern_route_str(&r, tiny, sizeof(tiny)), "20.1.1.0/24");   /* cut, terminated */
}
END_TEST

static const uint8_t ipv4_esp[] = {
	0x45, 0x00, 0x00, 0x24, 0x12, 0x34, 0x40, 0x00, 0x40, 0x32, 0x00, 0x00,
	10, 9, 1, 2, 10, 9, 1, 1,
	0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x01,      /* SPI 0x1000, seq 1 */
	0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04,
};

START_TEST(ipv4_header)
{
	uint8_t p[64];
	struct kern_ipv4 ip;

	ck_assert_int_eq(kern_ipv4_parse(ipv4_esp, sizeof(ipv4_esp), &ip), CODEC_OK);
	ck_assert_uint_eq(ip.src, IP(10, 9, 1, 2));
	ck_assert_uint_eq(ip.dst, IP(10, 9, 1, 1));
	ck_assert_uint_eq(ip.proto, 50);
	ck_assert_uint_eq(ip.hlen, 20);
	ck_assert_uint_eq(ip.tot_len, 36);
	/* link padding after Total Length is not payload */
	memcpy(p, ipv4_esp, sizeof(ipv4_esp));
	ck_assert_int_eq(kern_ipv4_parse(p, sizeof(ipv4_esp) + 6, &ip), CODEC_OK);
	ck_assert_uint_eq(ip.tot_len, 36);
	ck_assert_int_eq(kern_ipv4_parse(p, 19, &ip), CODEC_TRUNCATED);
	ck_assert_int_eq(kern_ipv4_parse(p, 30, &ip), CODEC_TRUNCATED);    /* total length 36 */
	p[0] = 0x65;
	ck_assert_int_eq(kern_ipv4_parse(p, sizeof(ipv4_esp), &ip), CODEC_BAD_VERSION);
	p[0] = 0x44;                                                       /* IHL 4 < 5 */
	ck_assert_int_eq(kern_ipv4_parse(p, sizeof(ipv4_esp), &ip), CODEC_BAD_LENGTH);
	p[0] = 0x4f;                                                       /* IHL 60 > 36 */
	ck_assert_int_eq(kern_ipv4_parse(p, sizeof(ipv4_esp), &ip), CODEC_BAD_LENGTH);
	p[0] = 0x45;
	p[3] = 19;                                                         /* total < header */
	ck_assert_int_eq(kern_ipv4_parse(p, sizeof(ipv4_esp), &ip), CODEC_BAD_LENGTH);
}
END_TEST

/* The batch helpers over the mock's datagram socketpairs (addresses are AF_UNIX, so
 * none are reported; the lab test covers IP_PKTINFO). */
START_TEST(batched_io)
{
	struct kern_mock *m = kern_mock_new();
	const struct kern_ops *ops = kern_mock_ops(m);
	uint8_t bufs[4][64], small[8];
	struct kern_pkt p[4];
	char err[256];
	int ifindex, tun, esp, peer, i;

	tun = ops->tun_open(ops->k, "refgw0", 1400, &ifindex, err, sizeof(err));
	esp = ops->esp_socket(ops->k, err, sizeof(err));
	ck_assert_int_ge(tun, 0);
	ck_assert_int_ge(esp, 0);
	peer = kern_mock_peer(m, tun);
	ck_assert_int_ge(peer, 0);
	ck_assert_int_eq(kern_mock_peer(m, 12345), -1);

	/* TUN: three packets (two IPv4, one garbage) drained in one call */
	ck_assert_int_eq(write(peer, ipv4_esp, sizeof(ipv4_esp)), (ssize_t)sizeof(ipv4_esp));
	ck_assert_int_eq(write(peer, "\x60\x00", 2), 2);
	ck_assert_int_eq(write(peer, ipv4_esp, sizeof(ipv4_esp)), (ssize_t)sizeof(ipv4_esp));
	for (i = 0; i < 4; i++)
		p[i] = (struct kern_pkt){ .buf = bufs[i], .cap = sizeof(bufs[i]) };
	ck_assert_int_eq(kern_tun_read(tun, p, 4), 3);
	ck_assert_int_eq(p[0].drop, CODEC_OK);
	ck_assert_uint_eq(p[0].dst, IP(10, 9, 1, 1));
	ck_assert_uint_eq(p[0].len, sizeof(ipv4_esp));
	ck_assert_int_eq(p[1].drop, CODEC_TRUNCATED);
	ck_assert_int_eq(p[2].drop, CODEC_OK);
	ck_assert_int_eq(kern_tun_read(tun, p, 4), 0);
	ck_assert_int_eq(kern_tun_write(tun, ipv4_esp, sizeof(ipv4_esp)), 0);
	ck_assert_int_eq(read(peer, bufs[3], sizeof(bufs[3])), (ssize_t)sizeof(ipv4_esp));

	/* raw ESP receive strips the IP header */
	peer = kern_mock_peer(m, esp);
	ck_assert_int_eq(write(peer, ipv4_esp, sizeof(ipv4_esp)), (ssize_t)sizeof(ipv4_esp));
	ck_assert_int_eq(write(peer, ipv4_esp, 10), 10);
	ck_assert_int_eq(write(peer, ipv4_esp, sizeof(ipv4_esp)), (ssize_t)sizeof(ipv4_esp));
	ck_assert_int_eq(kern_esp_recv(esp, p, 2), 2);
	ck_assert_int_eq(p[0].drop, CODEC_OK);
	ck_assert_uint_eq(p[0].off, 20);
	ck_assert_uint_eq(p[0].len, 16);
	ck_assert_uint_eq(p[0].src, IP(10, 9, 1, 2));
	ck_assert_mem_eq(p[0].buf + p[0].off, ipv4_esp + 20, 16);
	ck_assert_int_eq(p[1].drop, CODEC_TRUNCATED);
	/* a datagram larger than the buffer is reported, not half-delivered */
	p[0] = (struct kern_pkt){ .buf = small, .cap = sizeof(small) };
	ck_assert_int_eq(kern_udp_recv(esp, p, 1), 1);
	ck_assert_int_eq(p[0].drop, CODEC_TRUNCATED);
	ck_assert_int_eq(kern_udp_recv(esp, p, 1), 0);

	/* send: a connected socketpair ignores the destination; both go out in one call */
	p[0] = (struct kern_pkt){ .buf = bufs[0], .len = 5 };
	p[1] = (struct kern_pkt){ .buf = bufs[1], .len = 7 };
	{
		int sv[2];

		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
		ck_assert_int_eq(kern_send(sv[0], p, 2), 2);
		ck_assert_int_eq(read(sv[1], small, sizeof(small)), 5);
		ck_assert_int_eq(read(sv[1], small, sizeof(small)), 7);
		close(sv[0]);
		close(sv[1]);
	}
	close(tun);
	close(esp);
	kern_mock_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kern_mock");
	TCase *tc = tcase_create("mock");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, records_calls);
	tcase_add_test(tc, route_model);
	tcase_add_test(tc, injected_failure);
	tcase_add_test(tc, route_text);
	tcase_add_test(tc, fhrp_ops);
	tcase_add_test(tc, ipv4_header);
	tcase_add_test(tc, batched_io);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
