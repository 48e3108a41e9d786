/* report.h — what a run leaves for people and CI: report.json (every expectation with
 * status, measured value and window), junit.xml, and timeline.html (an SVG picture:
 * lanes per node with VRRP state, SA lifetimes by SPI, DPD probes, ping outage, actions).
 */
#ifndef HARNESS_REPORT_H
#define HARNESS_REPORT_H

#include <stdio.h>
#include "../core/event.h"

enum exp_status { EXP_PASS, EXP_FAIL, EXP_SKIP, EXP_ERROR };

struct exp_result {
	char name[160];          /* the expectation as written, e.g. "esp F1060 -> F1090-2 spi same-as before SWITCH" */
	char file[256]; int line;
	enum exp_status status;
	char measured[160];      /* "12.431 s", "3 messages", "spi 0xc2b1a0f3" */
	char window[240];        /* "[9.000 s, 12.300 s] from SWITCH (dpd comware interval 3 retry 3)" */
	char detail[512];        /* why it failed / what was seen */
	double seconds;          /* time spent evaluating or waiting */
	/* Numeric view of the same judgement for the picture, in seconds from the run start
	 * (run_report.start_ns); each part is drawn only when its has_* flag is set, so a
	 * zero-initialised result stays valid. */
	int has_window;  double win_lo_s, win_hi_s;   /* the accepted window, absolute */
	int has_measured; double measured_s;          /* when the measured thing happened */
	int has_anchor;  double anchor_s;             /* the moment the window counts from */
	char anchor[32];                              /* its name: "SWITCH", "first R-U-THERE" */
	char window_name[64];    /* the window as written: "dpd-detect(F1060) plus 0..2", "0..1" */
	/* `before FORMULA(NODE)`: the window is a reference the measured time had to beat
	 * (come before its lower bound), shown beside it; margin_s = the window's lower bound
	 * minus the measured time, > 0 = that much sooner. */
	int before_window; double margin_s;
};

struct run_report {
	char testcase[128];
	char variant[32];        /* the gateway implementation variant run ("" = the testcase has none) */
	char run_id[16];
	char out_dir[512];
	double time_scale;
	int64_t start_ns, end_ns;
	int verdict;             /* 0 pass, 1 fail, 2 error, 3 skip */
	char skip_reason[256];
	char error[512];
	struct exp_result *exps; int nexps;
	const struct ev_list *events;
	char nodes[32][32]; int nnodes;     /* lane order */
	char ping_summary[8][256]; int nping;   /* "P: Success rate is …" */
	char files[32][256]; int nfiles;    /* pcapng, key tables, logs, relative to out_dir */
	char leak[256];                     /* root-namespace guard result */
};

/* Caps of the reports: raw events listed in report.json / timeline.html. */
#define REPORT_MAX_EVENTS 20000

int report_write_json(const struct run_report *r, const char *path);
int report_write_junit(const struct run_report *r, const char *path);
int report_write_html(const struct run_report *r, const char *path);
const char *exp_status_name(enum exp_status s);   /* "pass", "fail", "skip", "error" */
const char *report_verdict_name(int verdict);     /* "pass", "fail", "error", "skip" */
/* All three files into r->out_dir (report.json, junit.xml, timeline.html); 0 or -1. */
int report_write_all(const struct run_report *r);
/* The terminal view: one line per interesting event relative to the run start
 * ("+12.431 s  F1060 -> F1090-2  R-U-THERE seq 0x1a2b3c4d"), ESP/ping runs folded into
 * one line per SPI/outage, then every expectation with PASS/FAIL, then the verdict. */
void report_print_timeline(const struct run_report *r, FILE *out, int color);

#endif
