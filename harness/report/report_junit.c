/* report_junit.c — junit.xml for CI: one <testsuite> per run, one <testcase> per
 * expectation (failure/error/skipped with the detail), a single skipped or errored
 * <testcase> when the run never got to its expectations, and the terminal timeline as
 * <system-out>.
 */
#include <stdlib.h>
#include <string.h>
#include "report_int.h"

static void report_x(FILE *f, const char *s) { report_xml_escape(f, s); }

static void report_junit_case(FILE *f, const struct run_report *r, const char *name,
			   double secs, const char *file, int line)
{
	fputs("\t<testcase classname=\"ipsec-ha-harness.", f);
	report_x(f, r->testcase);
	if (r->variant[0]) {
		fputc('.', f);
		report_x(f, r->variant);
	}
	fputs("\" name=\"", f);
	report_x(f, name);
	fprintf(f, "\" time=\"%.3f\"", secs);
	if (file && file[0]) {
		fputs(" file=\"", f);
		report_x(f, file);
		fprintf(f, "\" line=\"%d\"", line);
	}
}

int report_write_junit(const struct run_report *r, const char *path)
{
	struct report_ctx c;
	char tmp[1024];
	FILE *f = report_begin(&c, r, path, tmp, sizeof(tmp));
	if (!f)
		return -1;
	int tests = 0, failures = 0, errors = 0, skipped = 0;
	/* A run without expectations (skipped, or broken before them) is one testcase. */
	int run_case = r->nexps == 0 || r->verdict == 3 || (r->verdict == 2 && r->error[0]);
	int exp_fail = 0;
	for (int i = 0; i < r->nexps; i++)
		exp_fail += r->exps[i].status == EXP_FAIL;
	if (r->verdict == 1 && exp_fail == 0)
		run_case = 1;   /* failed for a reason outside the expectations (leak guard …) */
	for (int i = 0; i < r->nexps && r->verdict != 3; i++) {
		tests++;
		switch (r->exps[i].status) {
		case EXP_FAIL: failures++; break;
		case EXP_ERROR: errors++; break;
		case EXP_SKIP: skipped++; break;
		default: break;
		}
	}
	if (run_case) {
		tests++;
		if (r->verdict == 3)
			skipped++;
		else if (r->verdict == 2)
			errors++;
		else if (r->verdict == 1 && exp_fail == 0)
			failures++;
	}
	char iso[40];
	report_iso8601(c.t0, iso, sizeof(iso));
	iso[19] = 0;   /* JUnit's timestamp has no fraction or zone */
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"", f);
	report_x(f, r->testcase);
	if (r->variant[0]) {   /* the CTest name: tc-<testcase>/<variant> */
		fputc('/', f);
		report_x(f, r->variant);
	}
	fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\""
		" timestamp=\"%s\" id=\"", tests, failures, errors, skipped, report_duration(&c), iso);
	report_x(f, r->run_id);
	fputs("\">\n\t<properties>\n", f);
	fprintf(f, "\t\t<property name=\"time_scale\" value=\"%g\"/>\n", r->time_scale);
	if (r->variant[0]) {
		fputs("\t\t<property name=\"variant\" value=\"", f);
		report_x(f, r->variant);
		fputs("\"/>\n", f);
	}
	fprintf(f, "\t\t<property name=\"verdict\" value=\"%s\"/>\n", report_verdict_name(r->verdict));
	if (r->leak[0]) {
		fputs("\t\t<property name=\"leak_guard\" value=\"", f);
		report_x(f, r->leak);
		fputs("\"/>\n", f);
	}
	for (int i = 0; i < r->nfiles && i < 32; i++) {
		fputs("\t\t<property name=\"file\" value=\"", f);
		report_x(f, r->files[i]);
		fputs("\"/>\n", f);
	}
	fputs("\t</properties>\n", f);

	for (int i = 0; i < r->nexps && r->verdict != 3; i++) {
		const struct exp_result *x = &r->exps[i];
		report_junit_case(f, r, x->name, x->seconds, x->file, x->line);
		const char *tag = x->status == EXP_FAIL ? "failure" : x->status == EXP_ERROR ? "error" :
				  x->status == EXP_SKIP ? "skipped" : NULL;
		if (!tag) {
			fputs("/>\n", f);
			continue;
		}
		fprintf(f, ">\n\t\t<%s message=\"", tag);
		report_x(f, x->detail[0] ? x->detail : exp_status_name(x->status));
		if (x->status == EXP_SKIP) {
			fputs("\"/>\n\t</testcase>\n", f);
			continue;
		}
		fprintf(f, "\" type=\"%s\">", exp_status_name(x->status));
		fputs("expectation: ", f);
		report_x(f, x->name);
		fprintf(f, "\nat: ");
		report_x(f, x->file);
		fprintf(f, ":%d\nmeasured: ", x->line);
		report_x(f, x->measured);
		fputs("\nwindow: ", f);
		report_x(f, x->window);
		fputs("\ndetail: ", f);
		report_x(f, x->detail);
		fprintf(f, "</%s>\n\t</testcase>\n", tag);
	}
	if (run_case) {
		report_junit_case(f, r, "run", report_duration(&c), NULL, 0);
		if (r->verdict == 3) {
			fputs(">\n\t\t<skipped message=\"", f);
			report_x(f, r->skip_reason[0] ? r->skip_reason : "skipped");
			fputs("\"/>\n\t</testcase>\n", f);
		} else if (r->verdict == 2) {
			fputs(">\n\t\t<error message=\"", f);
			report_x(f, r->error[0] ? r->error : "error");
			fputs("\"/>\n\t</testcase>\n", f);
		} else if (r->verdict == 1 && exp_fail == 0) {
			fputs(">\n\t\t<failure message=\"", f);
			report_x(f, r->error[0] ? r->error : r->leak[0] ? r->leak : "run failed");
			fputs("\"/>\n\t</testcase>\n", f);
		} else {
			fputs("/>\n", f);
		}
	}
	char *tl = report_timeline_string(r);
	fputs("\t<system-out>", f);
	if (tl)
		report_x(f, tl);
	fputs("</system-out>\n</testsuite>\n", f);
	free(tl);
	report_ctx_free(&c);
	return report_close_tmp(f, tmp, path, 1);
}
