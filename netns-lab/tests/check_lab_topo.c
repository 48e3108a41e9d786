/* check_lab_topo.c — unit tests of the topology parser and the IOS → Linux name map:
 * the seed 003 topology, every error with its exact file:line message, limits. */
#include "lab.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct lab_topo topo;
static char err[LAB_ERR_MAX];

static const char seed003[] =
	"# seed 003: F1060 and a pair of F1090 in VRRP\n"
	"node F1060\n"
	"  interface GigabitEthernet1/0/1 address 1.1.1.1/24\n"
	"  interface LoopBack0 address 2.2.2.2/32\n"
	"  route 0.0.0.0/0 via 1.1.1.254\n"
	"node F1090-1\n"
	"  interface GigabitEthernet1/0/2 address 1.1.1.3/24\n"
	"  interface GigabitEthernet1/0/3 linux inside0 address 10.0.0.1/30\n"
	"  interface LoopBack0 address 3.3.3.3/32\n"
	"node F1090-2\n"
	"  interface GigabitEthernet1/0/2 address 1.1.1.4/24\n"
	"  interface GigabitEthernet1/0/3 address 10.0.0.2/30\n"
	"  interface LoopBack0 address 3.3.3.3/32\n"
	"segment outside capture\n"
	"  port F1060 GigabitEthernet1/0/1\n"
	"  port F1090-1 GigabitEthernet1/0/2\n"
	"  port F1090-2 Gi1/0/2\n"
	"link sync F1090-1:GigabitEthernet1/0/3 F1090-2:GigabitEthernet1/0/3 capture\n";

START_TEST(test_seed003)
{
	const struct lab_node *n;
	const struct lab_link *l;
	static const uint8_t mac[6] = { 0x02, 0x69, 0x68, 0x02, 0x01, 0x00 };

	ck_assert_int_eq(lab_topo_parse("topology.lab", seed003, &topo, err, sizeof(err)), 0);
	ck_assert_int_eq(topo.nnodes, 3);
	ck_assert_int_eq(topo.nlinks, 2);
	ck_assert_str_eq(topo.path, "topology.lab");
	n = &topo.nodes[0];
	ck_assert_str_eq(n->name, "F1060");
	ck_assert_int_eq(n->nifs, 2);
	ck_assert_str_eq(n->ifs[0].linux_name, "ge1-0-1");
	ck_assert_int_eq(n->ifs[0].addrs[0].addr, 0x01010101);
	ck_assert_int_eq(n->ifs[0].addrs[0].plen, 24);
	ck_assert_int_eq(n->ifs[1].loopback, 1);
	ck_assert_str_eq(n->ifs[1].linux_name, "loop0");
	ck_assert_int_eq(n->ifs[1].link, -1);
	ck_assert_int_eq(n->nroutes, 1);
	ck_assert_int_eq(n->routes[0].dst.plen, 0);
	ck_assert_uint_eq(n->routes[0].via, 0x010101fe);
	ck_assert_int_eq(n->routes[0].line, 5);
	ck_assert_str_eq(topo.nodes[1].ifs[1].linux_name, "inside0");
	ck_assert_str_eq(topo.nodes[2].ifs[1].linux_name, "ge1-0-3");
	ck_assert_mem_eq(topo.nodes[2].ifs[1].mac, mac, 6);
	l = &topo.links[0];
	ck_assert_str_eq(l->name, "outside");
	ck_assert_int_eq(l->kind, LAB_LINK_SEGMENT);
	ck_assert_int_eq(l->capture, 1);
	ck_assert_int_eq(l->nports, 3);
	ck_assert_int_eq(l->ports[2].node, 2);
	ck_assert_int_eq(l->ports[2].ifidx, 0);     /* Gi1/0/2 → GigabitEthernet1/0/2 */
	ck_assert_str_eq(l->ports[1].sw_if, "p1-F1090-1");
	ck_assert_int_eq(topo.nodes[2].ifs[0].link, 0);
	l = &topo.links[1];
	ck_assert_int_eq(l->kind, LAB_LINK_P2P);
	ck_assert_int_eq(l->capture, 1);
	ck_assert_int_eq(l->nports, 2);
	ck_assert_int_eq(l->ports[0].node, 1);
	ck_assert_int_eq(l->ports[0].ifidx, 1);
	ck_assert_int_eq(l->line, 18);
	ck_assert_int_eq(topo.nodes[1].ifs[1].link, 1);
	ck_assert_int_eq(lab_find_node(&topo, "F1090-2"), 2);
	ck_assert_int_eq(lab_find_node(&topo, "nope"), -1);
	ck_assert_int_eq(lab_find_if(&topo.nodes[1], "inside0"), 1);
	ck_assert_int_eq(lab_find_if(&topo.nodes[1], "Gi1/0/3"), 1);
	ck_assert_int_eq(lab_find_if(&topo.nodes[1], "gigabitethernet1/0/3"), 1);
	ck_assert_int_eq(lab_find_if(&topo.nodes[1], "Lo0"), 2);
	ck_assert_int_eq(lab_find_if(&topo.nodes[1], "Gi1/0/9"), -1);
}
END_TEST

START_TEST(test_free_form)
{
	static const char text[] =
		"node a   # trailing comment\n"
		"interface Eth0/0 address 10.0.0.1/24 address 10.0.1.1/24\n"
		"\tinterface Tunnel0\r\n"
		"route 10.9.0.0/16 dev Tu0\n"
		"route 10.8.0.0/16 dev e0-0\n"
		"node b\n"
		"interface Ethernet0/0 address 10.0.0.2/24\n"
		"link l a:Ethernet0/0 b:Eth0/0\n";

	ck_assert_msg(lab_topo_parse("t.lab", text, &topo, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(topo.nodes[0].ifs[0].naddrs, 2);
	ck_assert_int_eq(topo.nodes[0].ifs[1].naddrs, 0);
	ck_assert_str_eq(topo.nodes[0].ifs[1].linux_name, "tu0");
	ck_assert_str_eq(topo.nodes[0].routes[0].dev, "Tu0");
	ck_assert_int_eq(topo.links[0].capture, 0);
}
END_TEST

struct ifmap { const char *ios, *linux; };

START_TEST(test_ifname)
{
	static const struct ifmap ok[] = {
		{ "GigabitEthernet1/0/2", "ge1-0-2" }, { "Gi1/0/2", "ge1-0-2" },     { "gig1/0/2", "ge1-0-2" },
		{ "GigE0/1", "ge0-1" },                { "FastEthernet0/0", "fa0-0" }, { "Fa0/0", "fa0-0" },
		{ "Ethernet0/1", "e0-1" },             { "Eth0/1", "e0-1" },           { "E0/1", "e0-1" },
		{ "TenGigabitEthernet1/1", "te1-1" },  { "Te1/1", "te1-1" },           { "Loopback0", "loop0" },
		{ "LoopBack0", "loop0" },              { "Lo0", "loop0" },             { "Serial0/0:1", "se0-0-1" },
		{ "Se1/0", "se1-0" },                  { "Tunnel10", "tu10" },         { "Tu0", "tu0" },
		{ "Vlan-interface10", "vlan10" },      { "Vlan10", "vlan10" },         { "Port-channel1", "po1" },
		{ "Gi0/0.100", "ge0-0.100" },          { "GigabitEthernet1/0/1.10000", "ge1-0-1.10000" },
	};
	static const char *const bad[] = {
		"GigabitEthernet10/10/10.10000",  /* 16 characters */
		"Gi", "Foo0/1", "G0/1", "T0/1", "Gi0/1 x", "0/1", "",
	};
	char out[16];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(out, 0, sizeof(out));
		ck_assert_msg(lab_ifname_from_ios(ok[i].ios, out) == 0, "%s rejected", ok[i].ios);
		ck_assert_str_eq(out, ok[i].linux);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(lab_ifname_from_ios(bad[i], out) == -1, "'%s' accepted", bad[i]);
}
END_TEST

struct bad { const char *text, *msg; };

static const struct bad bads[] = {
	{ "node a\n  interface GigabitEthernet1/0/1 address 1.1.1.1/24\n\n\n\n\n"
	  "  interface GigabitEthernet1/0/2 adress 1.1.1.2/24\n",
	  "topology.lab:7: expected 'address A.B.C.D/LEN' after interface name, got 'adress'" },
	{ "node a\ninterface Gi0/0 address 1.1.1.256/24\n",
	  "topology.lab:2: expected 'address A.B.C.D/LEN', got '1.1.1.256/24'" },
	{ "node a\ninterface Gi0/0 address 1.1.1.1\n",
	  "topology.lab:2: expected 'address A.B.C.D/LEN', got '1.1.1.1'" },
	{ "node a\ninterface Gi0/0 address 1.1.1.1/33\n",
	  "topology.lab:2: expected 'address A.B.C.D/LEN', got '1.1.1.1/33'" },
	{ "node a\ninterface Gi0/0 address\n",
	  "topology.lab:2: expected 'address A.B.C.D/LEN' after 'address'" },
	{ "interface Gi0/0\n",
	  "topology.lab:1: 'interface' outside a node: expected 'node NAME' before it" },
	{ "node a\nnode a\n", "topology.lab:2: duplicate node 'a' (first at line 1)" },
	{ "node a b\n", "topology.lab:1: expected end of line after 'node a', got 'b'" },
	{ "node a/b\n",
	  "topology.lab:1: expected 'node NAME' with NAME of 1..31 characters [A-Za-z0-9_.-], got 'a/b'" },
	{ "node sw-x\n",
	  "topology.lab:1: node name 'sw-x' may not start with 'sw-' (reserved for segment namespaces)" },
	{ "node a\ninterface Gi0/0\ninterface GigabitEthernet0/0\n",
	  "topology.lab:3: duplicate interface 'GigabitEthernet0/0' on node 'a' (first at line 2)" },
	{ "node a\ninterface Gi0/0\ninterface Eth0/0 linux ge0-0\n",
	  "topology.lab:3: interface 'Eth0/0' maps to Linux name 'ge0-0', already used by 'Gi0/0' (line 2): add 'linux NAME'" },
	{ "node a\ninterface Widget0\n",
	  "topology.lab:2: cannot derive a Linux name (max 15 characters) from interface 'Widget0': add 'linux NAME'" },
	{ "node a\ninterface GigabitEthernet10/10/10.10000\n",
	  "topology.lab:2: cannot derive a Linux name (max 15 characters) from interface 'GigabitEthernet10/10/10.10000': add 'linux NAME'" },
	{ "node a\ninterface Gi0/0 linux a-very-long-linux-name\n",
	  "topology.lab:2: expected 'linux NAME' with a Linux interface name of 1..15 characters (not 'lo', no '/', ':' or spaces), got 'a-very-long-linux-name'" },
	{ "node a\ninterface Gi0/0\nroute 10.0.0.0/8 by 1.1.1.1\n",
	  "topology.lab:3: expected 'route DST/LEN via A.B.C.D' or 'route DST/LEN dev IFNAME', got 'by'" },
	{ "node a\nroute 10.0.0.0/8\n",
	  "topology.lab:2: expected 'route DST/LEN via A.B.C.D' or 'route DST/LEN dev IFNAME'" },
	{ "node a\nroute 10.0.0.1/8 via 1.1.1.1\n",
	  "topology.lab:2: route destination '10.0.0.1/8' has host bits set" },
	{ "node a\nroute 10.0.0.0/8 via 1.1.1\n", "topology.lab:2: expected 'via A.B.C.D', got '1.1.1'" },
	{ "node a\nroute 10.0.0.0/8 dev Gi0/0\n",
	  "topology.lab:2: unknown interface 'Gi0/0' on node 'a' (interfaces come before routes)" },
	{ "node a\ninterface Gi0/0\nsegment s\n  port b Gi0/0\n", "topology.lab:4: unknown node 'b'" },
	{ "node a\ninterface Gi0/0\nsegment s\n  port a Gi0/1\n",
	  "topology.lab:4: unknown interface 'Gi0/1' on node 'a'" },
	{ "node a\ninterface Gi0/0\nport a Gi0/0\n",
	  "topology.lab:3: 'port' outside a segment: expected 'segment NAME' before it" },
	{ "node a\ninterface Gi0/0\nnode b\ninterface Gi0/0\nsegment s\nport a Gi0/0\nlink l a:Gi0/0 b:Gi0/0\n",
	  "topology.lab:7: interface 'Gi0/0' of node 'a' already used by 's' (line 5)" },
	{ "node a\ninterface Lo0\nnode b\ninterface Gi0/0\nlink l a:Lo0 b:Gi0/0\n",
	  "topology.lab:5: interface 'Lo0' of node 'a' is a loopback and cannot be linked" },
	{ "node a\ninterface Gi0/0\nnode b\ninterface Gi0/0\nlink l a-Gi0/0 b:Gi0/0\n",
	  "topology.lab:5: expected 'link NAME NODE:IFNAME NODE:IFNAME [capture]', got 'a-Gi0/0'" },
	{ "node a\ninterface Gi0/0\nnode b\ninterface Gi0/0\nlink l a:Gi0/0 b:Gi0/0 capure\n",
	  "topology.lab:5: expected 'link NAME NODE:IFNAME NODE:IFNAME [capture]', got 'capure'" },
	{ "node a\ninterface Gi0/0\ninterface Gi0/1\nlink l a:Gi0/0 a:Gi0/1\n",
	  "topology.lab:4: link 'l' connects node 'a' to itself" },
	{ "node a\ninterface Gi0/0\nnode b\ninterface Gi0/0\nsegment l\nport a Gi0/0\nlink l a:Gi0/0 b:Gi0/0\n",
	  "topology.lab:7: duplicate segment/link name 'l' (first at line 5)" },
	{ "node a\nsegment s\n", "topology.lab:2: segment 's' has no ports: expected 'port NODE IFNAME' lines after it" },
	{ "node a\nsegment s captur\n", "topology.lab:2: expected 'segment NAME [capture]', got 'captur'" },
	{ "nodes a\n",
	  "topology.lab:1: expected 'node', 'interface', 'route', 'segment', 'port' or 'link', got 'nodes'" },
	{ "# nothing\n", "topology.lab:1: no nodes: expected at least one 'node NAME'" },
	{ "node a\ninterface Gi0/0 address 1.1.1.1/24 address 1.1.1.2/24 address 1.1.1.3/24 address 1.1.1.4/24 address 1.1.1.5/24\n",
	  "topology.lab:2: too many addresses on interface 'Gi0/0' (max 4)" },
};

START_TEST(test_bad)
{
	const struct bad *b = &bads[_i];

	memset(err, 0, sizeof(err));
	ck_assert_int_eq(lab_topo_parse("topology.lab", b->text, &topo, err, sizeof(err)), -1);
	ck_assert_str_eq(err, b->msg);
}
END_TEST

START_TEST(test_limits)
{
	size_t cap = 64 * 1024, len = 0;
	char *text = malloc(cap);
	int i;

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < LAB_MAX_NODES + 1; i++)
		len += (size_t)snprintf(text + len, cap - len, "node n%d\n", i);
	ck_assert_int_eq(lab_topo_parse("big.lab", text, &topo, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "big.lab:33: too many nodes (max 32)");
	len = (size_t)snprintf(text, cap, "node a\n");
	for (i = 0; i < LAB_MAX_IFS + 1; i++)
		len += (size_t)snprintf(text + len, cap - len, "interface Gi0/%d\n", i);
	ck_assert_int_eq(lab_topo_parse("big.lab", text, &topo, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "big.lab:18: too many interfaces on node 'a' (max 16)");
	len = (size_t)snprintf(text, cap, "node a\n");
	for (i = 0; i < LAB_MAX_ROUTES + 1; i++)
		len += (size_t)snprintf(text + len, cap - len, "route 10.%d.0.0/16 via 1.1.1.1\n", i);
	ck_assert_int_eq(lab_topo_parse("big.lab", text, &topo, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "big.lab:34: too many routes on node 'a' (max 32)");
	free(text);
}
END_TEST

START_TEST(test_load)
{
	ck_assert_int_eq(lab_topo_load("/nonexistent/x.lab", &topo, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/x.lab: No such file or directory");
	ck_assert_msg(lab_topo_load(LAB_TEST_DIR "/five.lab", &topo, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(topo.nnodes, 5);
	ck_assert_msg(lab_topo_load(LAB_TEST_DIR "/seed003.lab", &topo, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(topo.nnodes, 3);
}
END_TEST

/* Deterministic mutation: no single-byte change of the seed may crash the parser, and
 * every rejection names the file and a line. */
START_TEST(test_mutation)
{
	size_t len = strlen(seed003), i;
	char *m = malloc(len + 1);
	static const char subst[] = { ' ', '\n', '#', ':', '/', 'x', '0', '\0' };

	ck_assert_ptr_nonnull(m);
	for (i = 0; i < len; i++) {
		size_t k;

		for (k = 0; k < sizeof(subst); k++) {
			memcpy(m, seed003, len + 1);
			m[i] = subst[k];
			if (lab_topo_parse("m.lab", m, &topo, err, sizeof(err)) < 0)
				ck_assert_msg(strncmp(err, "m.lab:", 6) == 0, "bad error '%s'", err);
		}
	}
	free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lab_topo");
	TCase *tc = tcase_create("parser");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_seed003);
	tcase_add_test(tc, test_free_form);
	tcase_add_test(tc, test_ifname);
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof(bads) / sizeof(bads[0])));
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_mutation);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
