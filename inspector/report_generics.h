/* The generics views (generics.h): definitions by size, value types by what
 * they cause, one definition in detail; text, JSON ("aotsize/1") or CSV. */
#ifndef AZ_REPORT_GENERICS_H
#define AZ_REPORT_GENERICS_H

#include "generics.h"
#include "report.h"

void az_view_generics(const az_analysis *a, const az_generics *g, const az_view_opts *o);
void az_view_generics_args(const az_analysis *a, const az_generics *g, const az_view_opts *o);
void az_view_generics_def(const az_analysis *a, const az_generics *g, size_t def, const az_view_opts *o);

#endif
