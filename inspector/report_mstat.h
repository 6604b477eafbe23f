/* `aotsize mstat FILE`: an .mstat file on its own (formats/mstat.h). */
#ifndef AZ_REPORT_MSTAT_H
#define AZ_REPORT_MSTAT_H

#include "../formats/mstat.h"
#include "report.h"

void az_view_mstat(const az_mstat *m, const char *path, const az_view_opts *o);

#endif
