/* rt_show.c — the route list and IOS `show ip route` (see rt_show.h for the kernel
 * encoding of route kinds). Pure: no I/O but the FILE the caller gives. */
#include "rt_show.h"

#include <stdlib.h>
#include <string.h>
#include "json.h"

#define RTPROT_KERNEL_ 2
#define RTPROT_BOOT_   3
#define RTPROT_STATIC_ 4

static const char *ip_str(uint32_t a, char *b)
{
	snprintf(b, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return b;
}

static uint32_t plen_mask(unsigned plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

uint32_t rt_kmetric(enum rt_kind kind, uint32_t cost)
{
	unsigned k = kind >= RT_OSPF && kind <= RT_OSPF_N2 ? (unsigned)(kind - RT_OSPF) + 1 : 0;

	return k * RT_KMETRIC_UNIT + (cost < RT_KMETRIC_UNIT ? cost : RT_KMETRIC_UNIT - 1);
}

enum rt_kind rt_kind_of(uint8_t protocol, uint32_t kmetric, bool connected, unsigned *distance, uint32_t *cost)
{
	unsigned k = kmetric / RT_KMETRIC_UNIT;

	*distance = 0;
	*cost = 0;
	if (connected)
		return RT_CONNECTED;
	if (protocol == RTPROT_STATIC_ || protocol == RTPROT_BOOT_ || protocol == RT_RTPROT_RRI) {
		/* refgw writes an `ip route`'s distance as the metric; RRI is [1/0] */
		*distance = protocol != RT_RTPROT_RRI && kmetric >= 1 && kmetric <= 255 ? kmetric : 1;
		return RT_STATIC;
	}
	if (protocol == RT_RTPROT_BIRD && k >= 1 && k <= 6) {
		*distance = 110;
		*cost = kmetric % RT_KMETRIC_UNIT;
		return (enum rt_kind)(RT_OSPF + (int)k - 1);
	}
	*cost = kmetric;
	return RT_OTHER;
}

const char *rt_kind_code(enum rt_kind kind)
{
	static const char *const codes[] = { "C", "S", "O", "O IA", "O E1", "O E2", "O N1", "O N2", "?" };

	return kind <= RT_OTHER ? codes[kind] : "?";
}

int rt_kind_parse(const char *word, enum rt_kind *kind)
{
	static const char *const words[] = { "C", "S", "O", "IA", "E1", "E2", "N1", "N2" };

	for (int i = 0; i < 8; i++)
		if (!strcmp(word, words[i])) {
			*kind = (enum rt_kind)i;
			return 0;
		}
	return -1;
}

static const char *kind_type(enum rt_kind kind)
{
	static const char *const t[] = { "connected", "static", "ospf", "ospf-ia", "ospf-e1", "ospf-e2",
					 "ospf-n1", "ospf-n2", "other" };

	return kind <= RT_OTHER ? t[kind] : "other";
}

int rt_list_add(struct rt_list *l, uint32_t dst, uint8_t plen, uint32_t via, const char *ifname, uint8_t protocol,
		uint32_t kmetric, uint32_t realm, bool connected)
{
	struct rt_entry *e;

	if (plen > 32)
		return -1;
	dst &= plen_mask(plen);
	/* the other next hops of a multipath route come with the same key */
	for (int i = 0; i < l->n; i++) {
		e = &l->e[i];
		if (e->dst == dst && e->plen == plen && e->protocol == protocol && e->kmetric == kmetric &&
		    e->tag == realm && (bool)(e->kind == RT_CONNECTED) == connected) {
			if (e->npaths < RT_MAX_PATHS) {
				e->paths[e->npaths].via = via;
				snprintf(e->paths[e->npaths].ifname, RT_IFNAME_MAX, "%s", ifname ? ifname : "");
				e->npaths++;
			}
			return 0;
		}
	}
	if (l->n == RT_MAX_ROUTES)
		return -1;
	e = &l->e[l->n++];
	memset(e, 0, sizeof(*e));
	e->dst = dst;
	e->plen = plen;
	e->protocol = protocol;
	e->kmetric = kmetric;
	e->tag = realm;
	e->kind = rt_kind_of(protocol, kmetric, connected, &e->distance, &e->cost);
	e->npaths = 1;
	e->paths[0].via = via;
	snprintf(e->paths[0].ifname, RT_IFNAME_MAX, "%s", ifname ? ifname : "");
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct rt_entry *x = a, *y = b;

	if (x->dst != y->dst)
		return x->dst < y->dst ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen < y->plen ? -1 : 1;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	if (x->kmetric != y->kmetric)
		return x->kmetric < y->kmetric ? -1 : 1;
	return 0;
}

void rt_list_select(struct rt_list *l)
{
	int o = 0;

	qsort(l->e, (size_t)l->n, sizeof(l->e[0]), cmp_entry);
	/* the RIB keeps the lowest distance per prefix (RFC 1812 §5.2.4.3's "preference") */
	for (int i = 0; i < l->n; i++) {
		if (o && l->e[o - 1].dst == l->e[i].dst && l->e[o - 1].plen == l->e[i].plen)
			continue;
		if (o != i)
			l->e[o] = l->e[i];
		o++;
	}
	l->n = o;
}

void rt_list_rename(struct rt_list *l, const char *(*name)(void *arg, const char *lnx), void *arg)
{
	for (int i = 0; i < l->n; i++)
		for (int p = 0; p < l->e[i].npaths; p++) {
			struct rt_path *pa = &l->e[i].paths[p];
			const char *n = pa->ifname[0] ? name(arg, pa->ifname) : NULL;

			if (n && n != pa->ifname)
				snprintf(pa->ifname, RT_IFNAME_MAX, "%s", n);
		}
}

const struct rt_entry *rt_list_find(const struct rt_list *l, uint32_t dst, uint8_t plen)
{
	for (int i = 0; i < l->n; i++)
		if (l->e[i].dst == (dst & plen_mask(plen)) && l->e[i].plen == plen)
			return &l->e[i];
	return NULL;
}

/* --- text ------------------------------------------------------------------------------- */

/* The classful length of an address (RFC 791 classes A/B/C; D/E as host routes). */
static unsigned class_plen(uint32_t a)
{
	return a < 0x80000000u ? 8 : a < 0xc0000000u ? 16 : a < 0xe0000000u ? 24 : 32;
}

/* "O E2" → "O*E2" (candidate default), "S" → "S*" */
static void code_of(const struct rt_entry *e, char *buf, size_t len)
{
	const char *c = rt_kind_code(e->kind);

	if (e->plen == 0 && e->dst == 0) {
		if (c[1] == ' ')
			snprintf(buf, len, "%c*%s", c[0], c + 2);
		else
			snprintf(buf, len, "%s*", c);
	} else {
		snprintf(buf, len, "%s", c);
	}
}

static void print_paths(const struct rt_entry *e, FILE *out, int col)
{
	char b[16];

	for (int p = 0; p < e->npaths; p++) {
		const struct rt_path *pa = &e->paths[p];

		if (p)
			fprintf(out, "%*s", col, "");
		if (e->kind == RT_CONNECTED || (!pa->via && e->kind != RT_OTHER)) {
			fprintf(out, "is directly connected, %s\n", pa->ifname);
			continue;
		}
		if (e->kind == RT_OTHER)
			fprintf(out, "[?/%u]", e->cost);
		else
			fprintf(out, "[%u/%u]", e->distance, e->cost);
		if (pa->via)
			fprintf(out, " via %s", ip_str(pa->via, b));
		/* IOS names the interface of dynamic routes; a static shows its next hop only */
		if (pa->ifname[0] && (e->kind != RT_STATIC || !pa->via))
			fprintf(out, "%s%s", pa->via ? ", " : " ", pa->ifname);
		fputc('\n', out);
	}
}

/* One route line; `width` is the code column (6 at top level, 9 under a header, as IOS 15
 * prints them in seed 000), `with_len` whether the prefix is written with /len. */
static void print_route(const struct rt_entry *e, FILE *out, int width, bool with_len)
{
	char code[8], b[16], pfx[24];
	int col;

	code_of(e, code, sizeof(code));
	if (with_len)
		snprintf(pfx, sizeof(pfx), "%s/%u", ip_str(e->dst, b), e->plen);
	else
		snprintf(pfx, sizeof(pfx), "%s", ip_str(e->dst, b));
	col = fprintf(out, "%-*s%s ", width, code, pfx);
	print_paths(e, out, col);
}

void rt_show_text(const struct rt_list *l, FILE *out, bool codes)
{
	const struct rt_entry *def = rt_list_find(l, 0, 0);
	char b[16];

	if (codes)
		fprintf(out, "Codes: C - connected, S - static, R - RIP, M - mobile, B - BGP\n"
			"       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area\n"
			"       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2\n"
			"       E1 - OSPF external type 1, E2 - OSPF external type 2\n"
			"       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2\n"
			"       ia - IS-IS inter area, * - candidate default, U - per-user static route\n"
			"       o - ODR, P - periodic downloaded static route\n\n");
	if (def)
		fprintf(out, "Gateway of last resort is %s to network 0.0.0.0\n\n", ip_str(def->paths[0].via, b));
	else
		fprintf(out, "Gateway of last resort is not set\n\n");
	for (int i = 0; i < l->n; ) {
		const struct rt_entry *e = &l->e[i];
		unsigned cl = class_plen(e->dst);
		uint32_t major = e->dst & plen_mask(cl);
		int j, nsub = 0, nmasks = 0;
		bool masks[33] = { false };

		if (e->plen <= cl) {
			print_route(e, out, 6, true);
			i++;
			continue;
		}
		/* the subnets of one classful network: a header, then each route */
		for (j = i; j < l->n && l->e[j].plen > cl && (l->e[j].dst & plen_mask(cl)) == major; j++) {
			nsub++;
			if (!masks[l->e[j].plen]) {
				masks[l->e[j].plen] = true;
				nmasks++;
			}
		}
		if (nmasks == 1)
			fprintf(out, "      %s/%u is subnetted, %d subnets\n", ip_str(major, b), e->plen, nsub);
		else
			fprintf(out, "      %s/%u is variably subnetted, %d subnets, %d masks\n", ip_str(major, b), cl,
				nsub, nmasks);
		for (; i < j; i++)
			print_route(&l->e[i], out, 9, nmasks > 1);
	}
}

void rt_show_json(const struct rt_list *l, FILE *out)
{
	const struct rt_entry *def = rt_list_find(l, 0, 0);
	struct json_w w;
	char b[16], code[8];

	json_init(&w, out, 1);
	json_begin_object(&w);
	json_key(&w, "gateway_of_last_resort");
	if (def)
		json_string(&w, ip_str(def->paths[0].via, b));
	else
		json_null(&w);
	json_key(&w, "routes");
	json_begin_array(&w);
	for (int i = 0; i < l->n; i++) {
		const struct rt_entry *e = &l->e[i];

		code_of(e, code, sizeof(code));
		json_begin_object(&w);
		json_key(&w, "prefix");
		json_stringf(&w, "%s/%u", ip_str(e->dst, b), e->plen);
		json_kv_string(&w, "code", code);
		json_kv_string(&w, "type", kind_type(e->kind));
		json_kv_int(&w, "distance", e->distance);
		json_kv_int(&w, "metric", e->cost);
		json_kv_int(&w, "tag", e->tag);
		json_kv_int(&w, "protocol", e->protocol);
		json_key(&w, "paths");
		json_begin_array(&w);
		for (int p = 0; p < e->npaths; p++) {
			json_begin_object(&w);
			json_kv_string(&w, "via", e->paths[p].via ? ip_str(e->paths[p].via, b) : "");
			json_kv_string(&w, "interface", e->paths[p].ifname);
			json_end_object(&w);
		}
		json_end_array(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
	fputc('\n', out);
}
