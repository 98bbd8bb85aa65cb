// A store stage's insert order in native code (src/flow/stage-order.ts is the reference, and
// src/ingest/parse/native-stage.test.ts holds the two to the same result): by interface, then
// direction (arriving first), then remote address, stable; every column and validity bit moved
// along in place, the permutation written out so JavaScript can move the unknown fields.

#include <node_api.h>

#include "own-address.h"
#include "typed-array.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

inline bool isValid(const uint8_t* mask, uint32_t row) {
  return mask == nullptr || (mask[row >> 3] & (1u << (row & 7))) != 0;
}

#define FAIL(msg)                                                \
  do {                                                           \
    napi_throw_error(env, nullptr, "native stage order: " msg); \
    return nullptr;                                              \
  } while (0)

struct Column {
  uint8_t* data = nullptr;
  size_t bytes = 0;
  uint32_t width = 0;
  uint8_t* valid = nullptr;  // nullptr: always valid
  size_t validBytes = 0;
};

/**
 * reorderStage(n, keys Int32Array [iface, src, dst], data Uint8Array[], widths Int32Array,
 * valid (Uint8Array | undefined)[], perm Uint32Array): undefined.
 */
napi_value ReorderStage(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 6) FAIL("six arguments");
  uint32_t n;
  if (napi_get_value_uint32(env, argv[0], &n) != napi_ok) FAIL("n must be a number");
  uint8_t *keysRaw, *widthsRaw, *permRaw;
  size_t kb, wb, pb;
  if (!typedArrayBytes(env, argv[1], &keysRaw, &kb) || kb < 12) FAIL("keys must be an Int32Array of 3");
  if (!typedArrayBytes(env, argv[3], &widthsRaw, &wb)) FAIL("widths must be an Int32Array");
  if (!typedArrayBytes(env, argv[5], &permRaw, &pb) || pb < static_cast<size_t>(n) * 4) FAIL("perm is shorter than the stage");
  const int32_t* keys = reinterpret_cast<const int32_t*>(keysRaw);
  const int32_t* widths = reinterpret_cast<const int32_t*>(widthsRaw);
  uint32_t ncols;
  if (napi_get_array_length(env, argv[2], &ncols) != napi_ok || wb / 4 < ncols) FAIL("data and widths must match");
  std::vector<Column> cols(ncols);
  for (uint32_t c = 0; c < ncols; c++) {
    napi_value d, v;
    if (napi_get_element(env, argv[2], c, &d) != napi_ok || napi_get_element(env, argv[4], c, &v) != napi_ok)
      FAIL("cannot read a column");
    Column& col = cols[c];
    col.width = static_cast<uint32_t>(widths[c]);
    if (!typedArrayBytes(env, d, &col.data, &col.bytes) || col.bytes < static_cast<size_t>(n) * col.width)
      FAIL("a column's data is shorter than the stage");
    napi_valuetype t;
    napi_typeof(env, v, &t);
    if (t != napi_undefined && t != napi_null) {
      if (!typedArrayBytes(env, v, &col.valid, &col.validBytes) || col.validBytes < (n + 7) / 8)
        FAIL("a column's validity is shorter than the stage");
    }
  }
  for (int k = 0; k < 3; k++)
    if (keys[k] < 0 || static_cast<uint32_t>(keys[k]) >= ncols || cols[keys[k]].width != 4) FAIL("a key column is not a u32 column");
  const Column& ic = cols[keys[0]];
  const Column& sc = cols[keys[1]];
  const Column& dc = cols[keys[2]];
  auto u32 = [](const Column& c, uint32_t i) { return reinterpret_cast<const uint32_t*>(c.data)[i]; };

  // the rows grouped by interface key (NULL 0, id v as v + 1), in stage order
  std::vector<uint64_t> key(n);
  for (uint32_t i = 0; i < n; i++) key[i] = isValid(ic.valid, i) ? static_cast<uint64_t>(u32(ic, i)) + 1 : 0;
  std::vector<uint32_t> byIface(n);
  for (uint32_t i = 0; i < n; i++) byIface[i] = i;
  std::stable_sort(byIface.begin(), byIface.end(), [&](uint32_t x, uint32_t y) { return key[x] < key[y]; });

  auto s4 = [&](uint32_t r) -> int64_t { return isValid(sc.valid, r) ? static_cast<int64_t>(u32(sc, r)) : -1; };
  auto d4 = [&](uint32_t r) -> int64_t { return isValid(dc.valid, r) ? static_cast<int64_t>(u32(dc, r)) : -1; };
  uint32_t* perm = reinterpret_cast<uint32_t*>(permRaw);
  std::vector<uint64_t> sk;
  for (uint32_t s = 0; s < n;) {
    uint32_t e = s + 1;
    while (e < n && key[byIface[e]] == key[byIface[s]]) e++;
    const int64_t own = ownAddress(byIface.data(), s, e, s4, d4);
    // (direction, remote address, row) in one 64-bit key: 1 + 32 + 17 bits
    sk.resize(e - s);
    for (uint32_t i = s; i < e; i++) {
      const uint32_t r = byIface[i];
      const bool out = own >= 0 && s4(r) == own;
      const uint64_t far = static_cast<uint64_t>(std::max<int64_t>(0, out ? d4(r) : s4(r)));
      sk[i - s] = ((static_cast<uint64_t>(out ? 1 : 0) << 32 | far) << 17) | r;
    }
    std::sort(sk.begin(), sk.end());
    for (uint32_t i = s; i < e; i++) perm[i] = static_cast<uint32_t>(sk[i - s] & ((1u << 17) - 1));
    s = e;
  }

  // every column and validity bit in perm's order
  std::vector<uint8_t> copy;
  for (Column& c : cols) {
    if (c.width > 0) {
      const size_t w = c.width;
      copy.assign(c.data, c.data + static_cast<size_t>(n) * w);
      switch (w) {
        case 1:
          for (uint32_t i = 0; i < n; i++) c.data[i] = copy[perm[i]];
          break;
        case 2: {
          uint16_t* d = reinterpret_cast<uint16_t*>(c.data);
          const uint16_t* o = reinterpret_cast<const uint16_t*>(copy.data());
          for (uint32_t i = 0; i < n; i++) d[i] = o[perm[i]];
          break;
        }
        case 4: {
          uint32_t* d = reinterpret_cast<uint32_t*>(c.data);
          const uint32_t* o = reinterpret_cast<const uint32_t*>(copy.data());
          for (uint32_t i = 0; i < n; i++) d[i] = o[perm[i]];
          break;
        }
        default:
          for (uint32_t i = 0; i < n; i++) memcpy(c.data + i * w, copy.data() + static_cast<size_t>(perm[i]) * w, w);
      }
    }
    if (c.valid != nullptr) {
      const uint32_t bytes = (n + 7) / 8;
      copy.assign(c.valid, c.valid + bytes);
      for (uint32_t b = 0; b < bytes; b++) {
        const uint32_t top = std::min<uint32_t>(8, n - b * 8);
        uint8_t v = top == 8 ? 0 : static_cast<uint8_t>(c.valid[b] & ~((1u << top) - 1));  // bits past n stay
        for (uint32_t k = 0; k < top; k++) {
          const uint32_t j = perm[b * 8 + k];
          v |= static_cast<uint8_t>(((copy[j >> 3] >> (j & 7)) & 1u) << k);
        }
        c.valid[b] = v;
      }
    }
  }
  return nullptr;
}

}  // namespace

napi_value RegisterStageOrder(napi_env env, napi_value exports) {
  napi_property_descriptor fn = {"reorderStage", nullptr, ReorderStage, nullptr, nullptr, nullptr, napi_default, nullptr};
  if (napi_define_properties(env, exports, 1, &fn) != napi_ok) return nullptr;
  return exports;
}
