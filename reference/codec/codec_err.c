/* codec_err.c — reason names and the one error setter every decoder in codec/ uses. */
#include <stdarg.h>
#include <stdio.h>
#include "codec_err.h"

static const char *const codec_reason_names[CODEC_REASON_MAX] = {
	[CODEC_OK] = "ok",
	[CODEC_TRUNCATED] = "truncated",
	[CODEC_BAD_LENGTH] = "bad-length",
	[CODEC_BAD_VERSION] = "bad-version",
	[CODEC_BAD_RESERVED] = "bad-reserved",
	[CODEC_BAD_TYPE] = "bad-type",
	[CODEC_TOO_MANY] = "too-many",
	[CODEC_TRAILING] = "trailing",
	[CODEC_BAD_CHECKSUM] = "bad-checksum",
	[CODEC_BAD_VALUE] = "bad-value",
};

const char *codec_reason_name(enum codec_reason r)
{
	if ((unsigned)r >= CODEC_REASON_MAX)
		return "unknown";
	return codec_reason_names[r];
}

int codec_err_set(struct codec_err *e, enum codec_reason r, size_t offset, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->reason = r;
	e->offset = offset;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	return -1;
}
