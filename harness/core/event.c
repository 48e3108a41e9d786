/* event.c — the run's event list (see event.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "event.h"

void ev_list_init(struct ev_list *l)
{
	l->v = NULL;
	l->n = l->cap = 0;
}

void ev_list_free(struct ev_list *l)
{
	free(l->v);
	ev_list_init(l);
}

struct ev *ev_push(struct ev_list *l, const struct ev *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct ev *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = *e;
	return &l->v[l->n++];
}

/* Merge sort: stable, so events with the same timestamp keep their source order. */
static void ev_merge(struct ev *a, struct ev *tmp, size_t n)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	ev_merge(a, tmp, h);
	ev_merge(a + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = (a[j].t_ns < a[i].t_ns) ? a[j++] : a[i++];
	while (i < h)
		tmp[k++] = a[i++];
	while (j < n)
		tmp[k++] = a[j++];
	memcpy(a, tmp, n * sizeof(*a));
}

void ev_sort(struct ev_list *l)
{
	if (l->n < 2)
		return;
	struct ev *tmp = malloc(l->n * sizeof(*tmp));
	if (!tmp)
		return;
	ev_merge(l->v, tmp, l->n);
	free(tmp);
}

const char *ev_type_name(enum ev_type t)
{
	static const char *const names[EV_TYPE_MAX] = {
		[EV_IKE] = "ike", [EV_DPD] = "dpd", [EV_IKE_NOTIFY] = "notify",
		[EV_IKE_DELETE] = "delete", [EV_ESP] = "esp", [EV_VRRP] = "vrrp",
		[EV_HSRP] = "hsrp", [EV_ARP] = "arp", [EV_ICMP] = "icmp", [EV_LOG] = "log",
		[EV_ACTION] = "action", [EV_PING] = "ping", [EV_STATE] = "state",
	};
	return (unsigned)t < EV_TYPE_MAX && names[t] ? names[t] : "?";
}

int64_t ev_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
