#include "debugfile.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "elf.h"

/* The CRC32 .gnu_debuglink stores: zlib's crc32 over the whole file. */
static uint32_t file_crc32(const uint8_t *data, uint64_t size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {
        uInt chunk = size > (1u << 30) ? (1u << 30) : (uInt)size;
        crc = crc32(crc, data, chunk);
        data += chunk;
        size -= chunk;
    }
    return (uint32_t)crc;
}

/* Opens and checks one candidate.  Returns true and fills *out when it
 * matches img; otherwise warns (if it exists) and returns false. */
static bool try_candidate(az_image *img, const char *path, bool explicit_choice, az_input *out)
{
    az_input in;
    if (!az_input_open_candidate(img, path, explicit_choice, "debug file", &in))
        return false;
    az_error err = { 0 };
    az_elf_identity id;
    if (az_elf_identify(in.data, in.size, path, &id, &err) != AZ_OK) {
        az_image_warn(img, "debug file refused: %s", err.msg);
        az_input_close(&in);
        return false;
    }
    const char *why = NULL;
    char buf[400];
    if (img->build_id && id.build_id[0]) {
        if (strcmp(img->build_id, id.build_id) != 0) {
            snprintf(buf, sizeof buf, "its build-id %.64s differs from the binary's %.64s", id.build_id,
                     img->build_id);
            why = buf;
        }
    } else if (img->debuglink) {
        uint32_t crc = file_crc32(in.data, in.size);
        if (crc != img->debuglink_crc) {
            snprintf(buf, sizeof buf, "its CRC32 %08x differs from the binary's .gnu_debuglink CRC %08x", crc,
                     img->debuglink_crc);
            why = buf;
        }
    } else if (explicit_choice) {
        az_image_warn(img, "debug file %s cannot be verified (the binary has no build-id or debuglink); "
                           "using it as given", path);
    } else {
        why = "nothing identifies it (no build-id, no debuglink)";
    }
    if (!why && !id.has_symtab && !id.has_debug_info)
        why = "it has no symbol table and no debug information";
    if (why) {
        az_image_warn(img, "debug file %s does not match %s: %s; not used", path, img->path, why);
        az_input_close(&in);
        return false;
    }
    *out = in;
    return true;
}

bool az_debugfile_find(az_image *img, const char *explicit_path, const char *debug_root, az_input *out)
{
    memset(out, 0, sizeof *out);
    if (explicit_path)
        return try_candidate(img, explicit_path, true, out);
    if (!debug_root)
        debug_root = "/usr/lib/debug";

    char dir[4096];
    snprintf(dir, sizeof dir, "%s", img->path);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir ? 1 : 0] = 0;
    else
        snprintf(dir, sizeof dir, ".");

    char path[8192];
    if (img->debuglink && !strchr(img->debuglink, '/')) {
        snprintf(path, sizeof path, "%s/%s", dir, img->debuglink);
        if (try_candidate(img, path, false, out))
            return true;
        snprintf(path, sizeof path, "%s/.debug/%s", dir, img->debuglink);
        if (try_candidate(img, path, false, out))
            return true;
        snprintf(path, sizeof path, "%s%s%s/%s", debug_root, dir[0] == '/' ? "" : "/", dir, img->debuglink);
        if (try_candidate(img, path, false, out))
            return true;
    }
    if (img->build_id && strlen(img->build_id) > 2) {
        snprintf(path, sizeof path, "%s/.build-id/%.2s/%s.debug", debug_root, img->build_id, img->build_id + 2);
        if (try_candidate(img, path, false, out))
            return true;
    }
    /* Publish folders also carry <binary>.dbg when the binary was renamed
     * after linking (the debuglink keeps the original name). */
    snprintf(path, sizeof path, "%s.dbg", img->path);
    if (!img->debuglink || strcmp(strrchr(path, '/') ? strrchr(path, '/') + 1 : path, img->debuglink) != 0)
        if (try_candidate(img, path, false, out))
            return true;
    return false;
}
