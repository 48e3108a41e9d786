/* drivers_lab.c — the drivers against the real daemons in ihhdev-drv-* namespaces.
 *
 * strongSwan ↔ strongSwan: IKEv1 Main Mode + Quick Mode, SAs listed on both sides with
 * matching SPIs, a ping through the tunnel, key tables written and (if tshark is
 * installed) proven by decrypting a capture; keepalived pair on a bridge: one MASTER
 * holding the VIP, then kill -9 of the master and the backup's takeover time; two BIRDs
 * forming OSPF over a veth pair; libreswan detected and skipped with its reason.
 * Every namespace and process is removed at the end, also on failure.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "driver.h"

static int failures;
static char workdir[256];
static pid_t tcpdump_pid;

#define CHECK(c, ...) do { if (c) { printf("ok   - "); printf(__VA_ARGS__); printf("\n"); } \
	else { failures++; printf("FAIL - "); printf(__VA_ARGS__); printf("  [%s:%d]\n", __FILE__, __LINE__); } \
	fflush(stdout); } while (0)

static const char *const namespaces[] = {
	"ihhdev-drv-ta", "ihhdev-drv-tb", "ihhdev-drv-tk1", "ihhdev-drv-tk2", "ihhdev-drv-tsw",
	"ihhdev-drv-tr1", "ihhdev-drv-tr2",
};

__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int ns_open(const char *name)
{
	char p[128];

	snprintf(p, sizeof(p), "/run/netns/%s", name);
	return open(p, O_RDONLY | O_CLOEXEC);
}

static void cleanup_ns(void)
{
	size_t i;

	for (i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
		sh("ip netns del %s 2>/dev/null", namespaces[i]);
}

static void node_init(struct drv_node *n, const struct driver *d, struct node_spec *s,
		      struct lab_node *lab, const char *ns, const char *sub)
{
	memset(n, 0, sizeof(*n));
	n->drv = d;
	n->spec = s;
	n->lab = lab;
	snprintf(n->ns_name, sizeof(n->ns_name), "%s", ns);
	n->ns_fd = ns_open(ns);
	snprintf(n->dir, sizeof(n->dir), "%.200s/%.40s", workdir, sub);
	n->time_scale = 1.0;
}

static void add_if(struct lab_node *lab, const char *ios, const char *lname, uint32_t a,
		   int plen, int loopback)
{
	struct lab_if *i = &lab->ifs[lab->nifs++];

	snprintf(i->ios, sizeof(i->ios), "%s", ios);
	snprintf(i->linux_name, sizeof(i->linux_name), "%s", lname);
	i->addrs[0].addr = a;
	i->addrs[0].plen = (uint8_t)plen;
	i->naddrs = 1;
	i->loopback = loopback;
	i->link = -1;
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* ---- strongSwan ------------------------------------------------------------------ */

static void ss_spec(struct node_spec *s, const char *name, uint32_t me, uint32_t peer,
		    uint32_t lnet, uint32_t rnet, int initiate)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->daemons[0], sizeof(s->daemons[0]), "strongswan");
	s->ndaemons = 1;
	s->has_ike = 1;
	s->ike_local = me;
	s->ike_peer = peer;
	snprintf(s->psk, sizeof(s->psk), "cisco123 with spaces \"and quotes\"");
	snprintf(s->ike_proposal, sizeof(s->ike_proposal), "aes128-sha1-modp2048");
	snprintf(s->esp_proposal, sizeof(s->esp_proposal), "aes128-sha1");
	s->flows[0].local.addr = lnet;
	s->flows[0].local.plen = 32;
	s->flows[0].remote.addr = rnet;
	s->flows[0].remote.plen = 32;
	s->nflows = 1;
	s->dpd.style = DPD_STRONGSWAN;
	s->dpd.interval_s = 3;
	s->dpd.timeout_s = 9;
	s->initiate = initiate;
}

static int find_sa(const struct sa_list *l, int kind)
{
	int i;

	for (i = 0; i < l->n; i++)
		if ((int)l->sa[i].kind == kind)
			return i;
	return -1;
}

static void test_strongswan(void)
{
	const struct driver *d = driver_find("strongswan");
	struct node_spec sa, sb;
	struct lab_node la, lb;
	struct drv_node a, b;
	struct sa_list lsa, lsb;
	struct ev_list ev = { 0 };
	char err[DRV_ERR_MAX], why[256], path[512], cmd[4096];
	int ia, ib, ca, cb, r, n_up = 0, n_child = 0;
	size_t i;
	FILE *ike, *esp;

	CHECK(d != NULL, "driver_find(strongswan)");
	if (!d)
		return;
	r = d->available(why, sizeof(why));
	CHECK(r == 0, "strongswan available (%s)", r ? why : "yes");
	if (r)
		return;
	CHECK(d->can_scale(1.0) && !d->can_scale(0.1), "strongswan can_scale only 1.0");
	sh("ip netns add ihhdev-drv-ta && ip netns add ihhdev-drv-tb && "
	   "ip link add va netns ihhdev-drv-ta type veth peer name vb netns ihhdev-drv-tb && "
	   "ip -n ihhdev-drv-ta addr add 10.0.0.1/24 dev va && ip -n ihhdev-drv-tb addr add 10.0.0.2/24 dev vb && "
	   "ip -n ihhdev-drv-ta link set va up && ip -n ihhdev-drv-tb link set vb up && "
	   "ip -n ihhdev-drv-ta link set lo up && ip -n ihhdev-drv-tb link set lo up && "
	   "ip -n ihhdev-drv-ta link add lo0 type ifb && ip -n ihhdev-drv-ta addr add 2.2.2.2/32 dev lo0 && "
	   "ip -n ihhdev-drv-ta link set lo0 up && "
	   "ip -n ihhdev-drv-tb link add lo0 type ifb && ip -n ihhdev-drv-tb addr add 3.3.3.3/32 dev lo0 && "
	   "ip -n ihhdev-drv-tb link set lo0 up");
	memset(&la, 0, sizeof(la));
	memset(&lb, 0, sizeof(lb));
	snprintf(la.name, sizeof(la.name), "A");
	snprintf(lb.name, sizeof(lb.name), "B");
	add_if(&la, "Ethernet0/0", "va", IP(10, 0, 0, 1), 24, 0);
	add_if(&lb, "Ethernet0/0", "vb", IP(10, 0, 0, 2), 24, 0);
	ss_spec(&sa, "A", IP(10, 0, 0, 1), IP(10, 0, 0, 2), IP(2, 2, 2, 2), IP(3, 3, 3, 3), 0);
	ss_spec(&sb, "B", IP(10, 0, 0, 2), IP(10, 0, 0, 1), IP(3, 3, 3, 3), IP(2, 2, 2, 2), 0);
	node_init(&a, d, &sa, &la, "ihhdev-drv-ta", "A");
	node_init(&b, d, &sb, &lb, "ihhdev-drv-tb", "B");
	CHECK(a.ns_fd >= 0 && b.ns_fd >= 0, "namespaces ihhdev-drv-ta/tb");

	r = d->prepare(&a, err, sizeof(err));
	CHECK(r == 0, "prepare A %s", r ? err : "");
	r = d->prepare(&b, err, sizeof(err));
	CHECK(r == 0, "prepare B %s", r ? err : "");
	r = d->start(&a, err, sizeof(err));
	CHECK(r == 0 && a.pid > 0, "start A (pid %d) %s", (int)a.pid, r ? err : "");
	r = d->start(&b, err, sizeof(err));
	CHECK(r == 0 && b.pid > 0, "start B (pid %d) %s", (int)b.pid, r ? err : "");
	if (a.pid <= 0 || b.pid <= 0)
		goto out;

	snprintf(path, sizeof(path), "%s/A.pcap", workdir);
	tcpdump_pid = fork();
	if (tcpdump_pid == 0) {
		execlp("ip", "ip", "netns", "exec", "ihhdev-drv-ta", "tcpdump", "-q", "-U", "--immediate-mode", "-i", "va",
		       "-w", path, (char *)NULL);
		_exit(127);
	}
	sleep(1);

	r = d->initiate(&a, err, sizeof(err));
	CHECK(r == 0, "initiate A→B %s", r ? err : "");
	r = sh("ip netns exec ihhdev-drv-ta ping -q -c 3 -i 0.2 -W 2 -I 2.2.2.2 3.3.3.3 >/dev/null");
	CHECK(r == 0, "ping 2.2.2.2 → 3.3.3.3 through the tunnel");
	usleep(1000000);
	if (tcpdump_pid > 0) {
		kill(tcpdump_pid, SIGTERM);
		waitpid(tcpdump_pid, NULL, 0);
		tcpdump_pid = 0;
	}

	r = d->list_sas(&a, &lsa, err, sizeof(err));
	CHECK(r == 0, "list_sas A %s", r ? err : "");
	r = d->list_sas(&b, &lsb, err, sizeof(err));
	CHECK(r == 0, "list_sas B %s", r ? err : "");
	ia = find_sa(&lsa, SA_IKE);
	ib = find_sa(&lsb, SA_IKE);
	ca = find_sa(&lsa, SA_IPSEC);
	cb = find_sa(&lsb, SA_IPSEC);
	CHECK(ia >= 0 && !strcmp(lsa.sa[ia].state, "ESTABLISHED"), "A: IKE SA ESTABLISHED");
	CHECK(ib >= 0 && !strcmp(lsb.sa[ib].state, "ESTABLISHED"), "B: IKE SA ESTABLISHED");
	if (ia >= 0 && ib >= 0) {
		CHECK(!memcmp(lsa.sa[ia].icookie, lsb.sa[ib].icookie, 8) &&
		      !memcmp(lsa.sa[ia].rcookie, lsb.sa[ib].rcookie, 8), "cookies match on both sides");
		CHECK(lsa.sa[ia].local == IP(10, 0, 0, 1) && lsa.sa[ia].remote == IP(10, 0, 0, 2),
		      "A: IKE addresses");
	}
	CHECK(ca >= 0 && !strcmp(lsa.sa[ca].state, "INSTALLED"), "A: IPsec SA INSTALLED");
	CHECK(cb >= 0 && !strcmp(lsb.sa[cb].state, "INSTALLED"), "B: IPsec SA INSTALLED");
	if (ca >= 0 && cb >= 0) {
		CHECK(lsa.sa[ca].spi_in == lsb.sa[cb].spi_out && lsa.sa[ca].spi_out == lsb.sa[cb].spi_in,
		      "SPIs match: A in %08x = B out %08x, A out %08x = B in %08x",
		      lsa.sa[ca].spi_in, lsb.sa[cb].spi_out, lsa.sa[ca].spi_out, lsb.sa[cb].spi_in);
		CHECK(lsa.sa[ca].local_ts.addr == IP(2, 2, 2, 2) && lsa.sa[ca].local_ts.plen == 32 &&
		      lsa.sa[ca].remote_ts.addr == IP(3, 3, 3, 3), "A: traffic selectors");
		CHECK(lsa.sa[ca].packets_out >= 3 && lsa.sa[ca].packets_in >= 3,
		      "A: ESP counters (in %llu out %llu packets)",
		      (unsigned long long)lsa.sa[ca].packets_in, (unsigned long long)lsa.sa[ca].packets_out);
	}
	{
		char st[32];
		CHECK(d->state(&a, "ike", st, sizeof(st)) == 0 && !strcmp(st, "ESTABLISHED"),
		      "state(ike) = ESTABLISHED");
	}

	r = d->logs(&a, &ev);
	CHECK(r > 0, "logs A: %d log lines, %zu events", r, ev.n);
	for (i = 0; i < ev.n; i++) {
		if (ev.v[i].type == EV_STATE && !strcmp(ev.v[i].state, "IKE_UP"))
			n_up++;
		if (ev.v[i].type == EV_STATE && !strcmp(ev.v[i].state, "CHILD_UP") &&
		    ca >= 0 && ev.v[i].spi == lsa.sa[ca].spi_in)
			n_child++;
	}
	CHECK(n_up == 1, "logs A: one IKE_UP state event");
	CHECK(n_child == 1, "logs A: CHILD_UP with the installed inbound SPI");
	if (ev.n) {
		int64_t age = (int64_t)time(NULL) * 1000000000LL - ev.v[0].t_ns;
		CHECK(age > 0 && age < 120LL * 1000000000LL, "log timestamps are CLOCK_REALTIME (first %.1f s ago)",
		      age / 1e9);
	}
	free(ev.v);

	snprintf(path, sizeof(path), "%s/ikev1_decryption_table", workdir);
	ike = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/esp_sa", workdir);
	esp = fopen(path, "w");
	r = ike && esp ? d->keys(&a, ike, esp) : -1;
	if (ike)
		fclose(ike);
	if (esp)
		fclose(esp);
	CHECK(r == 3, "keys A: %d rows (1 IKE + 2 ESP)", r);
	if (r > 0 && access("/usr/bin/tshark", X_OK) == 0) {
		/* the harness's decryption: each key-table row as a -o uat: option */
		char line[512], out[256];
		size_t o;
		FILE *p;
		int dec_icmp = 0, dec_id = 0;

		o = (size_t)snprintf(cmd, sizeof(cmd), "tshark -n -r %s/A.pcap -o esp.enable_encryption_decode:TRUE", workdir);
		snprintf(path, sizeof(path), "%s/ikev1_decryption_table", workdir);
		p = fopen(path, "r");
		while (p && fgets(line, sizeof(line), p)) {
			line[strcspn(line, "\n")] = '\0';
			o += (size_t)snprintf(cmd + o, sizeof(cmd) - o, " -o 'uat:ikev1_decryption_table:%s'", line);
		}
		if (p)
			fclose(p);
		snprintf(path, sizeof(path), "%s/esp_sa", workdir);
		p = fopen(path, "r");
		while (p && fgets(line, sizeof(line), p)) {
			line[strcspn(line, "\n")] = '\0';
			o += (size_t)snprintf(cmd + o, sizeof(cmd) - o, " -o 'uat:esp_sa:%s'", line);
		}
		if (p)
			fclose(p);
		snprintf(cmd + o, sizeof(cmd) - o, " -Y 'isakmp || esp' -T fields -e isakmp.typepayload "
			 "-e icmp.type 2>/dev/null");
		printf("#    %s\n", cmd);
		p = popen(cmd, "r");
		while (p && fgets(out, sizeof(out), p)) {
			if (strstr(out, "5,8"))      /* MM5: ID, HASH (decrypted) */
				dec_id++;
			if (out[0] == '\t' && (out[1] == '8' || out[1] == '0'))
				dec_icmp++;
		}
		if (p)
			pclose(p);
		CHECK(dec_id >= 2, "tshark decrypts Main Mode 5/6 (ID, HASH payloads): %d", dec_id);
		CHECK(dec_icmp >= 6, "tshark decrypts ESP to ICMP echo/reply: %d packets", dec_icmp);
	}
out:
	d->stop(&a);
	d->stop(&b);
	CHECK(a.pid == 0 && b.pid == 0, "strongswan stopped");
	if (a.ns_fd >= 0)
		close(a.ns_fd);
	if (b.ns_fd >= 0)
		close(b.ns_fd);
}

/* ---- keepalived ------------------------------------------------------------------ */

static void test_keepalived(void)
{
	const struct driver *d = driver_find("keepalived");
	struct node_spec s1, s2;
	struct lab_node l1, l2;
	struct drv_node k1, k2;
	struct ev_list ev = { 0 };
	char err[DRV_ERR_MAX], why[256], st1[32], st2[32];
	double t0, t;
	int r, i, masters = 0;
	size_t e;

	CHECK(d != NULL, "driver_find(keepalived)");
	if (!d || d->available(why, sizeof(why)) != 0) {
		CHECK(0, "keepalived available: %s", why);
		return;
	}
	sh("ip netns add ihhdev-drv-tk1 && ip netns add ihhdev-drv-tk2 && ip netns add ihhdev-drv-tsw && "
	   "ip -n ihhdev-drv-tsw link add br0 type bridge && ip -n ihhdev-drv-tsw link set br0 up && "
	   "ip link add e0 netns ihhdev-drv-tk1 type veth peer name p1 netns ihhdev-drv-tsw && "
	   "ip link add e0 netns ihhdev-drv-tk2 type veth peer name p2 netns ihhdev-drv-tsw && "
	   "ip -n ihhdev-drv-tsw link set p1 master br0 && ip -n ihhdev-drv-tsw link set p2 master br0 && "
	   "ip -n ihhdev-drv-tsw link set p1 up && ip -n ihhdev-drv-tsw link set p2 up && "
	   "ip -n ihhdev-drv-tk1 addr add 10.9.0.1/24 dev e0 && ip -n ihhdev-drv-tk1 link set e0 up && "
	   "ip -n ihhdev-drv-tk2 addr add 10.9.0.2/24 dev e0 && ip -n ihhdev-drv-tk2 link set e0 up && "
	   "ip -n ihhdev-drv-tk1 link set lo up && ip -n ihhdev-drv-tk2 link set lo up");
	memset(&l1, 0, sizeof(l1));
	memset(&l2, 0, sizeof(l2));
	add_if(&l1, "GigabitEthernet0/0", "e0", IP(10, 9, 0, 1), 24, 0);
	add_if(&l2, "GigabitEthernet0/0", "e0", IP(10, 9, 0, 2), 24, 0);
	memset(&s1, 0, sizeof(s1));
	snprintf(s1.name, sizeof(s1.name), "K1");
	s1.nvrrp = 1;
	s1.vrrp[0].vrid = 51;
	snprintf(s1.vrrp[0].ifname, sizeof(s1.vrrp[0].ifname), "GigabitEthernet0/0");
	s1.vrrp[0].vip = IP(10, 9, 0, 100);
	s1.vrrp[0].priority = 200;
	s1.vrrp[0].adver_int_s = 1;
	s1.vrrp[0].preempt = 1;
	s1.vrrp[0].version = 2;
	s2 = s1;
	snprintf(s2.name, sizeof(s2.name), "K2");
	s2.vrrp[0].priority = 100;
	node_init(&k1, d, &s1, &l1, "ihhdev-drv-tk1", "K1");
	node_init(&k2, d, &s2, &l2, "ihhdev-drv-tk2", "K2");
	r = d->prepare(&k1, err, sizeof(err));
	CHECK(r == 0, "prepare K1 %s", r ? err : "");
	r = d->prepare(&k2, err, sizeof(err));
	CHECK(r == 0, "prepare K2 %s", r ? err : "");
	r = d->start(&k2, err, sizeof(err));
	CHECK(r == 0, "start K2 %s", r ? err : "");
	r = d->start(&k1, err, sizeof(err));
	CHECK(r == 0, "start K1 %s", r ? err : "");
	r = d->wait_ready(&k1, 5000, err, sizeof(err));
	CHECK(r == 0, "K1 ready %s", r ? err : "");
	r = d->wait_ready(&k2, 5000, err, sizeof(err));
	CHECK(r == 0, "K2 ready %s", r ? err : "");
	for (i = 0; i < 100; i++) {
		d->state(&k1, "vrrp", st1, sizeof(st1));
		d->state(&k2, "vrrp", st2, sizeof(st2));
		if (!strcmp(st1, "MASTER") && !strcmp(st2, "BACKUP"))
			break;
		usleep(100000);
	}
	CHECK(!strcmp(st1, "MASTER") && !strcmp(st2, "BACKUP"), "K1 %s, K2 %s (prio 200/100)", st1, st2);
	CHECK(sh("ip -n ihhdev-drv-tk1 -4 addr show dev e0 | grep -q 10.9.0.100/24") == 0,
	      "K1 holds the VIP 10.9.0.100");
	CHECK(sh("ip -n ihhdev-drv-tk2 -4 addr show dev e0 | grep -q 10.9.0.100") != 0,
	      "K2 does not hold the VIP");
	/* crash the master: kill -9 of the whole keepalived process group */
	t0 = now_s();
	d->kill(&k1, SIGKILL);
	for (t = 0; t < 8; t = now_s() - t0) {
		d->state(&k2, "vrrp", st2, sizeof(st2));
		if (!strcmp(st2, "MASTER"))
			break;
		usleep(20000);
	}
	printf("#    K2 MASTER %.3f s after kill -9 of K1 (expected ≈ 3 + (256-100)/256 = 3.609 s "
	       "after K1's last advertisement)\n", t);
	CHECK(!strcmp(st2, "MASTER") && t > 2.5 && t < 5.0, "K2 takes over after kill -9 of K1 (%.3f s)", t);
	r = d->logs(&k2, &ev);
	for (e = 0; e < ev.n; e++)
		if (ev.v[e].type == EV_STATE && !strcmp(ev.v[e].state, "MASTER") && ev.v[e].value == 100)
			masters++;
	CHECK(r >= 2 && masters == 1, "logs K2: %d state events, MASTER with priority 100", r);
	free(ev.v);
	d->stop(&k2);
	d->stop(&k1);
	CHECK(k1.pid == 0 && k2.pid == 0, "keepalived stopped");
	close(k1.ns_fd);
	close(k2.ns_fd);
}

/* ---- BIRD ------------------------------------------------------------------------ */

static void test_bird(void)
{
	const struct driver *d = driver_find("bird");
	struct node_spec s1, s2;
	struct lab_node l1, l2;
	struct drv_node r1, r2;
	struct ev_list ev = { 0 };
	char err[DRV_ERR_MAX], why[256];
	static char out[8192];
	int r, i, full = 0, route = 0, fullev = 0;
	size_t e;

	CHECK(d != NULL, "driver_find(bird)");
	if (!d || d->available(why, sizeof(why)) != 0) {
		CHECK(0, "bird available: %s", why);
		return;
	}
	sh("ip netns add ihhdev-drv-tr1 && ip netns add ihhdev-drv-tr2 && "
	   "ip link add e0 netns ihhdev-drv-tr1 type veth peer name e0 netns ihhdev-drv-tr2 && "
	   "ip -n ihhdev-drv-tr1 addr add 10.1.1.1/24 dev e0 && ip -n ihhdev-drv-tr2 addr add 10.1.1.2/24 dev e0 && "
	   "ip -n ihhdev-drv-tr1 link set e0 up && ip -n ihhdev-drv-tr2 link set e0 up && "
	   "ip -n ihhdev-drv-tr1 link set lo up && ip -n ihhdev-drv-tr2 link set lo up && "
	   "ip -n ihhdev-drv-tr2 link add lo0 type ifb && ip -n ihhdev-drv-tr2 addr add 5.5.5.5/32 dev lo0 && "
	   "ip -n ihhdev-drv-tr2 link set lo0 up");
	memset(&l1, 0, sizeof(l1));
	memset(&l2, 0, sizeof(l2));
	add_if(&l1, "FastEthernet0/0", "e0", IP(10, 1, 1, 1), 24, 0);
	add_if(&l2, "FastEthernet0/0", "e0", IP(10, 1, 1, 2), 24, 0);
	add_if(&l2, "Loopback0", "lo0", IP(5, 5, 5, 5), 32, 1);
	memset(&s1, 0, sizeof(s1));
	snprintf(s1.name, sizeof(s1.name), "R1");
	s1.router_id = IP(1, 1, 1, 1);
	s1.ospf[0].net.addr = IP(10, 1, 1, 0);
	s1.ospf[0].net.plen = 24;
	s1.nospf = 1;
	s2 = s1;
	snprintf(s2.name, sizeof(s2.name), "R2");
	s2.router_id = IP(2, 2, 2, 2);
	s2.ospf[1].net.addr = IP(5, 5, 5, 5);
	s2.ospf[1].net.plen = 32;
	s2.nospf = 2;
	node_init(&r1, d, &s1, &l1, "ihhdev-drv-tr1", "R1");
	node_init(&r2, d, &s2, &l2, "ihhdev-drv-tr2", "R2");
	r = d->prepare(&r1, err, sizeof(err));
	CHECK(r == 0, "prepare R1 %s", r ? err : "");
	r = d->prepare(&r2, err, sizeof(err));
	CHECK(r == 0, "prepare R2 %s", r ? err : "");
	r = d->start(&r1, err, sizeof(err)) || d->wait_ready(&r1, 5000, err, sizeof(err));
	CHECK(r == 0, "start R1 %s", r ? err : "");
	r = d->start(&r2, err, sizeof(err)) || d->wait_ready(&r2, 5000, err, sizeof(err));
	CHECK(r == 0, "start R2 %s", r ? err : "");
	for (i = 0; i < 200 && !(full && route); i++) {
		if (d->state(&r1, "ospf neighbors", out, sizeof(out)) == 0 && strstr(out, "Full"))
			full = 1;
		if (d->state(&r1, "route 5.5.5.5/32", out, sizeof(out)) == 0 && strstr(out, "OSPF"))
			route = 1;
		usleep(100000);
	}
	CHECK(full, "R1 ↔ R2 OSPF adjacency Full after %.1f s", i / 10.0);
	CHECK(route, "R1 learns 5.5.5.5/32 via OSPF");
	if (route)
		CHECK(sh("ip -n ihhdev-drv-tr1 route show 5.5.5.5 | grep -q 'via 10.1.1.2'") == 0,
		      "R1 kernel route to 5.5.5.5 via 10.1.1.2");
	/* the IOS view of R1's table (route/rt_show.c), interface names from the topology */
	r = d->state(&r1, "show ip route", out, sizeof(out));
	CHECK(r == 0 && strstr(out, "O        5.5.5.5 [110/") && strstr(out, "via 10.1.1.2, FastEthernet0/0\n") &&
	      strstr(out, "C        10.1.1.0 is directly connected, FastEthernet0/0\n"),
	      "R1 show ip route:\n%s", out);
	r = d->state(&r1, "json show ip route", out, sizeof(out));
	CHECK(r == 0 && strstr(out, "\"prefix\": \"5.5.5.5/32\"") && strstr(out, "\"code\": \"O\""),
	      "R1 json show ip route:\n%s", out);
	r = d->logs(&r1, &ev);
	for (e = 0; e < ev.n; e++)
		if (ev.v[e].type == EV_STATE && strstr(ev.v[e].state, "Full"))
			fullev++;
	CHECK(r > 0 && fullev >= 1, "logs R1: %d lines, neighbour Full state event", r);
	free(ev.v);
	d->stop(&r1);
	d->stop(&r2);
	close(r1.ns_fd);
	close(r2.ns_fd);
}

static void test_libreswan(void)
{
	const struct driver *d = driver_find("libreswan");
	char why[256] = "", err[DRV_ERR_MAX];
	int r;

	CHECK(d != NULL, "driver_find(libreswan)");
	if (!d)
		return;
	r = d->available(why, sizeof(why));
	CHECK(r == 1 && strstr(why, "kernel has no ESP"), "libreswan skipped: %s", why);
	CHECK(d->prepare(NULL, err, sizeof(err)) < 0 && strstr(err, "unavailable"),
	      "libreswan prepare errors: %s", err);
}

static void on_signal(int sig)
{
	(void)sig;
	_exit(2);   /* atexit handlers do not run; the next run's cleanup_ns() covers it */
}

int main(void)
{
	char why[64];

	if (geteuid() != 0) {
		printf("skip: drivers_lab needs root (namespaces)\n");
		return 77;
	}
	signal(SIGINT, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	cleanup_ns();
	snprintf(workdir, sizeof(workdir), "/tmp/ihhdev-drv-test-%d", (int)getpid());
	mkdir(workdir, 0755);
	printf("# work dir %s\n", workdir);
	CHECK(driver_find("nonexistent") == NULL, "driver_find(unknown) = NULL");
	(void)why;
	test_libreswan();
	test_strongswan();
	test_keepalived();
	test_bird();
	if (tcpdump_pid > 0) {
		kill(tcpdump_pid, SIGTERM);
		waitpid(tcpdump_pid, NULL, 0);
	}
	cleanup_ns();
	if (!failures && !getenv("IHH_KEEP"))
		sh("rm -rf %s", workdir);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
