/* PDB reader (MSF 7.0 container, the format of MSVC link.exe and lld-link
 * /DEBUG), hand-written over az_cursor.  Layout references: LLVM's "The PDB
 * File Format" (llvm.org/docs/PDB) and microsoft/microsoft-pdb (msf.h,
 * cvinfo.h, dbicommon.h).
 *
 * What is read: the superblock and stream directory; the PDB info stream
 * (GUID and age, which must match the image's CodeView record); the DBI
 * stream (module list, section contributions, section map, optional debug
 * headers); public symbols (S_PUB32), global data symbols (S_GDATA32 ...)
 * and each module's procedures (S_GPROC32 / S_LPROC32, whose code sizes give
 * symbol sizes) and thunks. */
#ifndef AZ_PDB_H
#define AZ_PDB_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "image.h"
#include "input.h"

/* The MSF 7.0 magic at the start of the file. */
bool az_pdb_sniff(const uint8_t *data, uint64_t size);

/* The PDB's identity: az_pe_identity_key of the PDB info stream's GUID and
 * age (`key` needs 42 bytes), plus the DBI stream's age when it differs
 * (0 when there is no DBI stream).  Errors when the container or the info
 * stream is unreadable. */
az_status az_pdb_identify(const uint8_t *data, uint64_t size, const char *path, char *key,
                          uint32_t *dbi_age, az_error *err);

/* Adds the PDB's symbols to img, a PE image whose sections are already read
 * (symbol addresses are section:offset, turned into RVAs through img's
 * section table).  Names are copied into img's arena.  Errors when the
 * container is unusable; damaged streams are warnings on img. */
az_status az_pdb_add_symbols(az_image *img, const uint8_t *data, uint64_t size, const char *path,
                             az_error *err);

/* Finds img's PDB: `explicit_path` when given; else `<name>.pdb` beside the
 * image (hello.exe -> hello.pdb, and hello.exe.pdb as the .NET SDK names it
 * when publishing on a non-Windows host), the CodeView record's file name
 * beside the image, and the CodeView record's path itself.  A candidate is
 * used only when its GUID and age match the image's CodeView record; one
 * that does not is refused with a warning on img.  On success *out holds the
 * mapped file.  Returns false when none was used. */
bool az_pdb_find(az_image *img, const char *explicit_path, az_input *out);

#endif
