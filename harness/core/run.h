/* run.h — one execution of a testcase: lab, captures, daemons, timeline, analysis. */
#ifndef HARNESS_RUN_H
#define HARNESS_RUN_H

#include <stdint.h>
#include "testcase.h"
#include "tcwin.h"
#include "event.h"
#include "../drivers/driver.h"
#include "../capture/capture.h"
#include "../capture/prober.h"
#include "../report/report.h"

#define RUN_MAX_PROBES 8
/* Scheduling and capture-timestamp allowance of the timer formulas (tcwin.h). */
#define RUN_WINDOW_SLACK_S TCWIN_SLACK_S

struct run_probe {
	char name[TC_NAME_MAX];
	int node;
	struct prober *p;
	struct probe_rec *rec;
	size_t nrec;
};

struct run {
	struct testcase *tc;
	double scale;
	int verbose;
	int link_latest;           /* out_dir is captures/<testcase>/<run-id>: keep `latest` */
	char out_dir[512];
	char runid[16];
	struct lab_run lab;
	struct cap_set *cap;
	struct cap_guard *guard;
	struct lab_root_snapshot root_before;
	struct drv_node drv[LAB_MAX_NODES][NODE_MAX_DAEMONS];
	int ndrv[LAB_MAX_NODES];
	struct run_probe probes[RUN_MAX_PROBES];
	int nprobes;
	uint64_t drop_handle[TC_MAX_ACTIONS];
	int64_t t0_ns, end_ns;
	int64_t act_ns[TC_MAX_ACTIONS];   /* when each action ran; 0 = not reached */
	int64_t exp_ns[TC_MAX_EXPECTS];   /* the moment an `expect … as NAME` measured; 0 = none */
	struct ev_list ev;
	struct exp_result res[TC_MAX_EXPECTS + TC_MAX_ACTIONS];
	int nres;
	char error[512];
};

/* Returns the verdict: 0 pass, 1 fail, 2 error, 3 skip. */
int run_testcase(struct run *r);

/* expect.c: evaluate the testcase's expectations over r->ev and the probes. */
void expect_evaluate(struct run *r);
/* The window of an expectation anchored at anchor_ns in seconds (scaled), with a
 * description, using the DPD settings in force at the anchor; 0, or -1 with the reason in
 * desc. */
int expect_window(const struct run *r, const struct tc_window *w, int64_t anchor_ns, double *lo, double *hi,
		  char *desc, size_t len);

#endif
