/* Attribution: turns the image (symbols, regions, sections, segments) into
 * entities with exact file and VM sizes, such that every byte of the file and
 * of the mapped image is counted exactly once. */
#ifndef AZ_ATTRIBUTE_H
#define AZ_ATTRIBUTE_H

#include "analysis.h"

/* Builds a->entities and sets a->file_total / a->vm_total. */
void az_attribute(az_analysis *a);

/* Adds (or finds) the fallback entity for a label in a bucket. */
size_t az_label_entity(az_analysis *a, const char *label, az_bucket bucket, const char *group);

#endif
