/* PE/COFF reader: PE32+ images (x64 and arm64) as ILC plus the MSVC linker
 * or lld-link produce them.
 *
 * Addresses in the image model are RVAs (offsets from the image base):
 * section vm_addr = VirtualAddress, symbol addresses from the PDB are RVAs,
 * and a pointer fixup's target is the pointer's value minus ImageBase, so
 * every address the inspector sees lives in one space.  img->image_base keeps
 * the preferred load address. */
#ifndef AZ_PE_H
#define AZ_PE_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "image.h"

/* "MZ" at the start: a DOS header, which every PE image has. */
bool az_pe_sniff(const uint8_t *data, uint64_t size);

/* Reads headers, the section table and every data directory of img->data
 * into img: sections and one segment per section (plus the headers), so the
 * mapped size is SizeOfImage; format structures as regions, charged to the
 * code they describe where the image says (.pdata, .xdata, base
 * relocations, exports); pointer fixups from DIR64 base relocations; and the
 * CodeView record that names the PDB (img->debuglink = its path,
 * img->build_id = its symbol-server key, GUID then age, in hex).  Errors
 * only when the top headers are unusable; damaged directories are warnings. */
az_status az_pe_read(az_image *img, az_error *err);

/* The symbol-server key of a PDB identity: the GUID (Data1-Data3 as
 * little-endian integers, then Data4 bytes) in upper-case hex, then the age
 * in hex without leading zeros.  `out` needs 42 bytes. */
void az_pe_identity_key(const uint8_t guid[16], uint32_t age, char *out);

#endif
