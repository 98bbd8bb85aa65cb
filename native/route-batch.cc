// routeBatch in native code (src/flow/route-batch.ts and sort-batch.ts are the reference, and
// src/ingest/parse/native-route.test.ts holds the two to the same batches): decides per flow whether it
// fits the core table, orders the batch core flows first, each part by (interface, direction,
// remote address, start), moves every column, validity bit and kind along, and fills `dur` and
// `hasPkt` of the core rows.
// Returns the core length; the permutation is written out so JavaScript can move `extra`.

#include <node_api.h>

#include "own-address.h"
#include "typed-array.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

inline bool isValid(const uint8_t* mask, uint32_t row) { return (mask[row >> 3] & (1u << (row & 7))) != 0; }

bool anySet(const uint8_t* mask, uint32_t n) {
  const uint32_t bytes = (n + 7) / 8;
  for (uint32_t i = 0; i < bytes; i++)
    if (mask[i] != 0) return true;
  return false;
}

struct Col {
  uint8_t* data;
  uint8_t* valid;
  uint32_t width;
};


constexpr uint32_t kMaxDur = 65535;
constexpr uint32_t kMaxCountingRange = 1u << 20;

/** Stable counting sort of idx by key[idx[i]] - min (range values). */
void countingPass(std::vector<uint32_t>& idx, const std::vector<uint32_t>& key, uint32_t min, uint32_t range,
                  std::vector<uint32_t>& out, std::vector<uint32_t>& counts) {
  counts.assign(static_cast<size_t>(range) + 1, 0);
  for (uint32_t j : idx) counts[key[j] - min + 1]++;
  for (uint32_t k = 1; k <= range; k++) counts[k] += counts[k - 1];
  out.resize(idx.size());
  for (uint32_t j : idx) out[counts[key[j] - min]++] = j;
  idx.swap(out);
}

/** dst[i] = src[idx[i]] for rows of `words` T-sized words (T's alignment is the typed array's). */
template <typename T>
void permute(uint8_t* dst, const uint8_t* src, const std::vector<uint32_t>& idx, uint32_t n, size_t words) {
  T* d = reinterpret_cast<T*>(dst);
  const T* c = reinterpret_cast<const T*>(src);
  if (words == 1) {
    for (uint32_t i = 0; i < n; i++) d[i] = c[idx[i]];
    return;
  }
  for (uint32_t i = 0; i < n; i++)
    for (size_t k = 0; k < words; k++) d[i * words + k] = c[static_cast<size_t>(idx[i]) * words + k];
}

#define FAIL(msg)                                  \
  do {                                             \
    napi_throw_error(env, nullptr, "native route: " msg); \
    return nullptr;                                \
  } while (0)

/**
 * route(spec Int32Array, data TypedArray[], valid Uint8Array[], kind Uint8Array, extraRows
 * Uint32Array, n, dur Uint16Array, hasPkt Uint8Array, order Uint32Array): the core length.
 * spec: [interface, start, end, srcaddr_v4, dstaddr_v4, pkt_srcaddr_v4, pkt_dstaddr_v4,
 * wideOnlyCount, wideOnly..., then per storage column its byte width].
 */
napi_value Route(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 9) FAIL("route needs 9 arguments");
  uint8_t* raw;
  size_t bytes;
  if (!typedArrayBytes(env, argv[0], &raw, &bytes)) FAIL("the spec is not an Int32Array");
  const int32_t* spec = reinterpret_cast<const int32_t*>(raw);
  const size_t specLen = bytes / 4;
  uint32_t n;
  if (napi_get_value_uint32(env, argv[5], &n) != napi_ok) FAIL("n is not a number");
  uint32_t ncols;
  if (napi_get_array_length(env, argv[1], &ncols) != napi_ok) FAIL("data is not an array");
  if (specLen < 8 || specLen != 8 + static_cast<size_t>(spec[7]) + ncols) FAIL("the spec does not match the columns");
  std::vector<Col> cols(ncols);
  for (uint32_t k = 0; k < ncols; k++) {
    napi_value d, v;
    size_t db, vb;
    if (napi_get_element(env, argv[1], k, &d) != napi_ok || napi_get_element(env, argv[2], k, &v) != napi_ok ||
        !typedArrayBytes(env, d, &cols[k].data, &db) || !typedArrayBytes(env, v, &cols[k].valid, &vb))
      FAIL("a column is not a typed array");
    cols[k].width = static_cast<uint32_t>(spec[8 + spec[7] + k]);
    if (db < static_cast<size_t>(n) * cols[k].width || vb * 8 < n) FAIL("a column is shorter than the batch");
  }
  uint8_t *kind, *extraRaw, *durRaw, *pkt, *orderRaw;
  size_t kb, eb, dub, pb, ob;
  if (!typedArrayBytes(env, argv[3], &kind, &kb) || !typedArrayBytes(env, argv[4], &extraRaw, &eb) || !typedArrayBytes(env, argv[6], &durRaw, &dub) ||
      !typedArrayBytes(env, argv[7], &pkt, &pb) || !typedArrayBytes(env, argv[8], &orderRaw, &ob))
    FAIL("kind, extra rows, dur, hasPkt and order must be typed arrays");
  if (kb < n || dub < static_cast<size_t>(n) * 2 || pb < n || ob < static_cast<size_t>(n) * 4)
    FAIL("kind, dur, hasPkt or order is shorter than the batch");
  for (int32_t i = 0; i < 7; i++)
    if (spec[i] < 0 || static_cast<uint32_t>(spec[i]) >= ncols) FAIL("the spec names no column");
  const Col& iface = cols[spec[0]];
  const Col& start = cols[spec[1]];
  const Col& end = cols[spec[2]];
  const Col& src = cols[spec[3]];
  const Col& dst = cols[spec[4]];
  const Col& psrc = cols[spec[5]];
  const Col& pdst = cols[spec[6]];
  const uint32_t* extraRows = reinterpret_cast<const uint32_t*>(extraRaw);
  const size_t extraCount = eb / 4;

  auto u32 = [](const Col& c, uint32_t i) { return reinterpret_cast<const uint32_t*>(c.data)[i]; };
  // pkt-* absent (0), both given and equal to srcaddr/dstaddr (1), anything else (-1)
  auto pktState = [&](uint32_t i) -> int {
    const bool ps = isValid(psrc.valid, i), pd = isValid(pdst.valid, i);
    if (!ps && !pd) return 0;
    if (!ps || !pd || !isValid(src.valid, i) || !isValid(dst.valid, i)) return -1;
    return u32(psrc, i) == u32(src, i) && u32(pdst, i) == u32(dst, i) ? 1 : -1;
  };

  // classify
  std::vector<uint32_t> group(n, 0);
  std::vector<const uint8_t*> busy;
  for (int32_t k = 0; k < spec[7]; k++) {
    const int32_t c = spec[8 + k];
    if (c < 0 || static_cast<uint32_t>(c) >= ncols) FAIL("a wide-only column is out of range");
    if (anySet(cols[c].valid, n)) busy.push_back(cols[c].valid);
  }
  for (size_t e = 0; e < extraCount; e++)
    if (extraRows[e] < n) group[extraRows[e]] = 1;
  for (uint32_t i = 0; i < n; i++) {
    bool wide = group[i] != 0 || kind[i] != 0;
    if (!wide) {
      const bool hs = isValid(start.valid, i), he = isValid(end.valid, i);
      if (hs != he)
        wide = true;
      else if (he) {
        const int64_t d = static_cast<int64_t>(u32(end, i)) - static_cast<int64_t>(u32(start, i));
        wide = d < 0 || d > kMaxDur;
      }
    }
    if (!wide) wide = pktState(i) < 0;
    for (size_t k = 0; !wide && k < busy.size(); k++) wide = isValid(busy[k], i);
    group[i] = wide ? 1 : 0;
  }

  // order: (group, interface, direction, remote address, start), NULL keys as 0, stable
  // (sort-batch.ts says why and how the direction is told)
  std::vector<uint32_t> k1(n), k2(n), idx(n), tmp, counts;
  uint32_t min1 = 0xffffffffu, max1 = 0, min2 = 0xffffffffu, max2 = 0;
  for (uint32_t i = 0; i < n; i++) {
    idx[i] = i;
    k1[i] = isValid(iface.valid, i) ? u32(iface, i) : 0;
    k2[i] = isValid(start.valid, i) ? u32(start, i) : 0;
    min1 = std::min(min1, k1[i]);
    max1 = std::max(max1, k1[i]);
    min2 = std::min(min2, k2[i]);
    max2 = std::max(max2, k2[i]);
  }
  if (n > 1) {
    const bool wideRange = max1 - min1 + 1 > kMaxCountingRange || max2 - min2 + 1 > kMaxCountingRange;
    // the rows grouped by interface key, in batch order
    std::vector<uint32_t> byIface(idx);
    if (wideRange)
      std::stable_sort(byIface.begin(), byIface.end(), [&](uint32_t x, uint32_t y) { return k1[x] < k1[y]; });
    else
      countingPass(byIface, k1, min1, max1 - min1 + 1, tmp, counts);
    std::vector<uint32_t> out(n, 0), remote(n, 0);
    auto s4 = [&](uint32_t r) -> int64_t { return isValid(src.valid, r) ? static_cast<int64_t>(u32(src, r)) : -1; };
    auto d4 = [&](uint32_t r) -> int64_t { return isValid(dst.valid, r) ? static_cast<int64_t>(u32(dst, r)) : -1; };
    for (uint32_t s = 0; s < n;) {
      const uint32_t v = k1[byIface[s]];
      uint32_t e = s + 1;
      while (e < n && k1[byIface[e]] == v) e++;
      const int64_t own = ownAddress(byIface.data(), s, e, s4, d4);
      for (uint32_t i = s; i < e; i++) {
        const uint32_t r = byIface[i];
        const bool leaves = own >= 0 && s4(r) == own;
        out[r] = leaves ? 1 : 0;
        remote[r] = static_cast<uint32_t>(std::max<int64_t>(0, leaves ? d4(r) : s4(r)));
      }
      s = e;
    }
    if (wideRange) {
      std::stable_sort(idx.begin(), idx.end(), [&](uint32_t x, uint32_t y) {
        if (group[x] != group[y]) return group[x] < group[y];
        if (k1[x] != k1[y]) return k1[x] < k1[y];
        if (out[x] != out[y]) return out[x] < out[y];
        if (remote[x] != remote[y]) return remote[x] < remote[y];
        return k2[x] < k2[y];
      });
    } else {
      std::vector<uint32_t> half(n);
      countingPass(idx, k2, min2, max2 - min2 + 1, tmp, counts);
      for (uint32_t i = 0; i < n; i++) half[i] = remote[i] & 0xffffu;
      countingPass(idx, half, 0, 0x10000, tmp, counts);
      for (uint32_t i = 0; i < n; i++) half[i] = remote[i] >> 16;
      countingPass(idx, half, 0, 0x10000, tmp, counts);
      countingPass(idx, out, 0, 2, tmp, counts);
      countingPass(idx, k1, min1, max1 - min1 + 1, tmp, counts);
      countingPass(idx, group, 0, 2, tmp, counts);
    }
    // move every column that has a value, its validity, and kind
    std::vector<uint8_t> copy;
    std::vector<uint8_t> bits;
    const uint32_t maskBytes = (n + 7) / 8;
    for (Col& c : cols) {
      if (!anySet(c.valid, n)) continue;
      const size_t w = c.width;
      copy.resize(static_cast<size_t>(n) * w);
      memcpy(copy.data(), c.data, copy.size());
      switch (w) {
        case 1:
          permute<uint8_t>(c.data, copy.data(), idx, n, 1);
          break;
        case 2:
          permute<uint16_t>(c.data, copy.data(), idx, n, 1);
          break;
        case 4:
          permute<uint32_t>(c.data, copy.data(), idx, n, 1);
          break;
        default:  // 8 and 16 bytes: as 64-bit words
          permute<uint64_t>(c.data, copy.data(), idx, n, w / 8);
          break;
      }
      bits.resize(maskBytes);
      memcpy(bits.data(), c.valid, maskBytes);
      for (uint32_t b = 0; b < maskBytes; b++) {
        uint8_t out = 0;
        const uint32_t top = std::min<uint32_t>(8, n - b * 8);
        for (uint32_t k = 0; k < top; k++) {
          const uint32_t j = idx[b * 8 + k];
          out |= static_cast<uint8_t>(((bits[j >> 3] >> (j & 7)) & 1u) << k);
        }
        c.valid[b] = out;
      }
    }
    copy.resize(n);
    memcpy(copy.data(), kind, n);
    for (uint32_t i = 0; i < n; i++) kind[i] = copy[idx[i]];
  }
  uint32_t* order = reinterpret_cast<uint32_t*>(orderRaw);
  uint32_t core = 0;
  for (uint32_t i = 0; i < n; i++) {
    order[i] = idx[i];
    if (group[i] == 0) core++;
  }
  uint16_t* dur = reinterpret_cast<uint16_t*>(durRaw);
  for (uint32_t i = 0; i < core; i++) {
    dur[i] = isValid(end.valid, i) ? static_cast<uint16_t>(u32(end, i) - u32(start, i)) : 0;
    pkt[i] = static_cast<uint8_t>(pktState(i));
  }
  napi_value out;
  if (napi_create_uint32(env, core, &out) != napi_ok) FAIL("cannot return the core length");
  return out;
}

}  // namespace

napi_value RegisterRoute(napi_env env, napi_value exports) {
  napi_property_descriptor fn = {"route", nullptr, Route, nullptr, nullptr, nullptr, napi_default, nullptr};
  if (napi_define_properties(env, exports, 1, &fn) != napi_ok) return nullptr;
  return exports;
}
