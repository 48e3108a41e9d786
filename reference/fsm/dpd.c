/* dpd.c — the DPD state machine of one ISAKMP SA (see dpd.h). Durations come from
 * windows.c only; this file decides which of them applies now. */
#include "dpd.h"
#include "ios_cfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Legal transitions (STYLE §4): every change of phase goes through set_phase. */
static const bool dpd_legal[3][3] = {
	/*                 IDLE   PROBING DEAD */
	[DPD_PH_IDLE]    = { true,  true,  false },
	[DPD_PH_PROBING] = { true,  true,  true  },
	[DPD_PH_DEAD]    = { false, false, true  },
};

static void set_phase(struct dpd_sa *s, enum dpd_phase to)
{
	if (!dpd_legal[s->phase][to])
		abort();        /* a broken local invariant, never input from the network */
	s->phase = to;
}

static uint64_t ms_of(double seconds)
{
	return seconds <= 0 ? 0 : (uint64_t)(seconds * 1000.0 + 0.5);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

bool dpd_active(const struct dpd_cfg *cfg)
{
	return cfg && (cfg->style == DPD_IOS || cfg->style == DPD_COMWARE) && cfg->interval_s > 0;
}

void dpd_init(struct dpd_sa *s, const struct dpd_cfg *cfg)
{
	memset(s, 0, sizeof(*s));
	if (cfg)
		s->cfg = *cfg;
	else
		s->cfg.style = DPD_OFF;
	s->phase = DPD_PH_IDLE;
}

/* IDLE: when is a probe due, and is it due now? */
static struct dpd_result idle_eval(struct dpd_sa *s, const struct dpd_input *in, bool may_probe)
{
	struct dpd_result r = { DPD_ACT_NONE, 0, 0, DPD_NEVER, false };
	uint64_t quiet_since = max_u64(in->last_in_ms, s->heard_ms);
	uint64_t due = quiet_since + ms_of(dpd_idle_to_probe_s(&s->cfg));

	if (s->cfg.mode != DPD_PERIODIC) {
		/* on-demand counts from the first packet sent after the last sign of life */
		if (in->last_out_ms <= quiet_since) {
			r.wait_outbound = true;     /* nothing sent: nothing to worry about */
			return r;
		}
		if (s->out_since_ms <= quiet_since)
			s->out_since_ms = in->last_out_ms;
		due = s->out_since_ms + ms_of(dpd_idle_to_probe_s(&s->cfg));
	}
	if (in->now_ms < due) {
		r.next_ms = due;
		return r;
	}
	if (!may_probe) {
		r.next_ms = in->now_ms;
		return r;
	}
	/* RFC 3706 §5.5: nothing came in for the interval → R-U-THERE */
	set_phase(s, DPD_PH_PROBING);
	s->attempt = 0;
	s->probe_ms = in->now_ms;
	s->next_ms = s->probe_ms + ms_of(dpd_step_after_probe_s(&s->cfg, 1));
	r.action = DPD_ACT_PROBE;
	r.attempts = (unsigned)dpd_retransmissions(&s->cfg);
	r.next_ms = s->next_ms;
	return r;
}

struct dpd_result dpd_step(struct dpd_sa *s, const struct dpd_input *in)
{
	struct dpd_result r = { DPD_ACT_NONE, 0, 0, DPD_NEVER, false };
	unsigned n = (unsigned)dpd_retransmissions(&s->cfg);

	if (!dpd_active(&s->cfg))
		return r;
	switch (s->phase) {
	case DPD_PH_IDLE:
		return idle_eval(s, in, true);
	case DPD_PH_PROBING:
		/* RFC 3706 §6: the ACK of our sequence, or anything authenticated from the
		 * peer after the probe, is proof of liveness */
		if (in->ack || in->last_in_ms > s->probe_ms) {
			/* the engine's inbound time is exact; an ACK flag without one dates
			 * from when it is seen */
			if (in->ack && in->last_in_ms <= s->probe_ms)
				s->heard_ms = max_u64(s->heard_ms, in->now_ms);
			set_phase(s, DPD_PH_IDLE);
			r = idle_eval(s, in, false);
			r.action = DPD_ACT_ALIVE;
			return r;
		}
		if (in->now_ms < s->next_ms) {
			r.next_ms = s->next_ms;
			return r;
		}
		if (s->attempt < n) {
			s->attempt++;
			s->next_ms = s->probe_ms + ms_of(dpd_step_after_probe_s(&s->cfg, (int)s->attempt + 1));
			set_phase(s, DPD_PH_PROBING);
			r.action = DPD_ACT_RETRANSMIT;
			r.attempt = s->attempt;
			r.attempts = n;
			r.next_ms = s->next_ms;
			return r;
		}
		/* (N + 1)·RETRY after the first probe: dpd_probe_to_dead_s() */
		set_phase(s, DPD_PH_DEAD);
		r.action = DPD_ACT_DEAD;
		r.attempt = s->attempt;
		r.attempts = n;
		return r;
	case DPD_PH_DEAD:
		break;
	}
	return r;
}

static void fmt_secs(char *buf, size_t len, double s)
{
	if (s == (double)(long)s)
		snprintf(buf, len, "%ld", (long)s);
	else
		snprintf(buf, len, "%g", s);
}

void dpd_cfg_from_ios(const struct ios_keepalive *ka, struct dpd_cfg *out)
{
	memset(out, 0, sizeof(*out));
	if (!ka->enabled)
		return;                 /* DPD_OFF */
	out->style = ka->comware ? DPD_COMWARE : DPD_IOS;
	out->mode = ka->mode == IOS_DPD_PERIODIC ? DPD_PERIODIC : DPD_ON_DEMAND;
	out->interval_s = ka->interval;
	out->retry_s = ka->retry;
	out->retry_s = dpd_retry_s(out);   /* 0 → the style's default */
}

const char *dpd_cfg_describe(const struct dpd_cfg *cfg, char *buf, size_t len)
{
	char i[32], r[32];

	if (!dpd_active(cfg)) {
		snprintf(buf, len, "no DPD");
		return buf;
	}
	fmt_secs(i, sizeof(i), cfg->interval_s);
	fmt_secs(r, sizeof(r), dpd_retry_s(cfg));
	snprintf(buf, len, "DPD %s/%s %s%s", i, r, cfg->mode == DPD_PERIODIC ? "periodic" : "on-demand",
		 cfg->style == DPD_COMWARE ? " (Comware)" : "");
	return buf;
}

const char *dpd_phase_name(enum dpd_phase p)
{
	switch (p) {
	case DPD_PH_IDLE:    return "idle";
	case DPD_PH_PROBING: return "probing";
	case DPD_PH_DEAD:    return "dead";
	}
	return "?";
}

const char *dpd_action_name(enum dpd_action a)
{
	switch (a) {
	case DPD_ACT_NONE:       return "none";
	case DPD_ACT_PROBE:      return "probe";
	case DPD_ACT_RETRANSMIT: return "retransmit";
	case DPD_ACT_ALIVE:      return "alive";
	case DPD_ACT_DEAD:       return "dead";
	}
	return "?";
}

const char *dpd_style_name(enum dpd_style st)
{
	switch (st) {
	case DPD_OFF:        return "off";
	case DPD_IOS:        return "ios";
	case DPD_COMWARE:    return "comware";
	case DPD_STRONGSWAN: return "strongswan";
	}
	return "?";
}
