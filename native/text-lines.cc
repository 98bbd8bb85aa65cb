// The text parser's fast path (src/ingest/parse/native.ts): reads whole flow-log lines of a known
// layout straight into the current batch's typed arrays, with the same rules as the JavaScript
// field handlers (src/ingest/parse/fields.ts, scan.ts) and the batch writer's commit rules. It
// takes only lines it can finish: any line that is blank is skipped, and any other line it cannot
// write whole (a possible header, a token that does not validate, a wrong token count, a non-ASCII
// string, an overlong line) is rolled back and handed back, so the JavaScript parser reads it,
// rejects it with its sample, or reads the header. The two must agree byte for byte: the
// differential property test (native.test.ts) holds them to it.
//
// Strings are dictionary-encoded per batch. This file owns the ASCII entries; the id of a new
// string is the length of the batch's JavaScript `strings` array, which it appends to, so ids
// given here and by the JavaScript side for non-ASCII strings never collide.

#include <node_api.h>

#include "typed-array.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

napi_value RegisterRoute(napi_env env, napi_value exports);   // route-batch.cc
napi_value RegisterGunzip(napi_env env, napi_value exports);  // gunzip.cc
napi_value RegisterStageOrder(napi_env env, napi_value exports);  // stage-order.cc

namespace {

enum FieldType : int32_t {
  kU8 = 1,
  kU16 = 2,
  kI64 = 3,
  kTime = 4,
  kIp = 5,
  kEnum = 6,
  kString = 7,
};

struct Field {
  int32_t type;
  int32_t a;  // storage column index
  int32_t b;  // second storage column (IPv6 half of an address), or -1
  std::vector<std::string> words;  // enum values, lower case
};

struct Layout {
  std::vector<Field> fields;
  uint8_t kind;
};

struct Column {
  uint8_t* data = nullptr;
  uint8_t* valid = nullptr;
};

struct Dict {
  std::vector<int32_t> table;  // entry + 1, 0 empty
  std::vector<uint32_t> hashes;  // by entry
  std::vector<uint32_t> offsets;  // by entry: where its bytes start in `pool`
  std::vector<uint32_t> lengths;
  std::vector<uint32_t> ids;  // by entry: the id in the batch's strings
  std::vector<uint8_t> pool;
  void reset() {
    table.assign(1024, 0);
    hashes.clear();
    offsets.clear();
    lengths.clear();
    ids.clear();
    pool.clear();
  }
};

struct Ctx {
  std::vector<Column> cols;
  uint8_t* kind = nullptr;
  napi_ref strings = nullptr;
  Dict dict;
  // storage column indexes for the commit rules
  int32_t status = -1, packets = -1, bytes = -1, action = -1, start = -1, end = -1;
};

constexpr uint64_t kMsThreshold = 100000000000ull;  // 1e11
constexpr uint32_t kMaxLine = 1u << 20;

inline bool isSpace(uint8_t c) { return c <= 32 && (c == 32 || c == 9 || c == 13); }

inline void setValid(uint8_t* mask, uint32_t row) { mask[row >> 3] |= static_cast<uint8_t>(1u << (row & 7)); }
inline void clearValid(uint8_t* mask, uint32_t row) { mask[row >> 3] &= static_cast<uint8_t>(~(1u << (row & 7))); }
inline bool isValid(const uint8_t* mask, uint32_t row) { return (mask[row >> 3] & (1u << (row & 7))) != 0; }

/** decimal, at most 15 digits (scanUint); false otherwise */
inline bool scanUint(const uint8_t* p, size_t n, uint64_t& out) {
  if (n == 0 || n > 15) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t d = static_cast<uint32_t>(p[i]) - 48u;
    if (d > 9) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

inline int64_t scanIPv4(const uint8_t* p, size_t n) {
  uint32_t v = 0, part = 0, digits = 0, dots = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = p[i];
    if (c == 46) {
      if (digits == 0 || dots == 3) return -1;
      v = v * 256 + part;
      part = 0;
      digits = 0;
      dots++;
      continue;
    }
    uint32_t d = static_cast<uint32_t>(c) - 48u;
    if (d > 9 || digits == 3) return -1;
    part = part * 10 + d;
    digits++;
    if (part > 255) return -1;
  }
  if (dots != 3 || digits == 0) return -1;
  return static_cast<int64_t>(v) * 256 + part;
}

inline int hexValue(uint8_t c) {
  if (c >= 48 && c <= 57) return c - 48;
  uint8_t l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

bool scanIPv6(const uint8_t* buf, size_t s, size_t e, uint16_t out[8]) {
  if (e - s < 2 || e - s > 45) return false;
  int n = 0, gap = -1;
  size_t i = s;
  if (buf[i] == 58) {
    if (buf[i + 1] != 58) return false;
    gap = 0;
    i += 2;
  }
  while (i < e) {
    size_t j = i;
    uint32_t v = 0;
    while (j < e && j - i < 5) {
      int h = hexValue(buf[j]);
      if (h < 0) break;
      v = v * 16 + static_cast<uint32_t>(h);
      j++;
    }
    if (j < e && buf[j] == 46) {
      int64_t v4 = scanIPv4(buf + i, e - i);
      if (v4 < 0 || n > 6) return false;
      out[n++] = static_cast<uint16_t>(static_cast<uint32_t>(v4) >> 16);
      out[n++] = static_cast<uint16_t>(v4 & 0xffff);
      break;
    }
    if (j == i || j - i > 4 || n == 8) return false;
    out[n++] = static_cast<uint16_t>(v);
    if (j == e) break;
    if (buf[j] != 58 || j + 1 == e) return false;
    if (buf[j + 1] == 58) {
      if (gap >= 0) return false;
      gap = n;
      i = j + 2;
    } else {
      i = j + 1;
    }
  }
  if (gap < 0) return n == 8;
  if (n > 7) return false;
  int tail = n - gap;
  for (int k = tail - 1; k >= 0; k--) out[8 - tail + k] = out[gap + k];
  for (int k = gap; k < 8 - tail; k++) out[k] = 0;
  return true;
}

inline uint32_t fnv(const uint8_t* p, size_t n) {
  uint32_t h = 0x811c9dc5u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x01000193u;
  return h;
}

void place(Dict& d, uint32_t h, uint32_t entry) {
  size_t mask = d.table.size() - 1;
  size_t k = h & mask;
  while (d.table[k] != 0) k = (k + 1) & mask;
  d.table[k] = static_cast<int32_t>(entry + 1);
}

/** The batch's id of an ASCII token, adding it (and its JavaScript string) on first sight; -1 when N-API fails. */
int64_t dictId(napi_env env, Ctx& c, const uint8_t* p, uint32_t n, uint32_t h, int32_t& entryOut) {
  Dict& d = c.dict;
  size_t mask = d.table.size() - 1;
  for (size_t k = h & mask; d.table[k] != 0; k = (k + 1) & mask) {
    uint32_t e = static_cast<uint32_t>(d.table[k] - 1);
    if (d.hashes[e] == h && d.lengths[e] == n && (n == 0 || memcmp(d.pool.data() + d.offsets[e], p, n) == 0)) {
      entryOut = static_cast<int32_t>(e);
      return d.ids[e];
    }
  }
  napi_value arr, str;
  uint32_t id;
  if (napi_get_reference_value(env, c.strings, &arr) != napi_ok) return -1;
  if (napi_get_array_length(env, arr, &id) != napi_ok) return -1;
  if (napi_create_string_latin1(env, reinterpret_cast<const char*>(p), n, &str) != napi_ok) return -1;
  if (napi_set_element(env, arr, id, str) != napi_ok) return -1;
  uint32_t e = static_cast<uint32_t>(d.hashes.size());
  d.hashes.push_back(h);
  d.offsets.push_back(static_cast<uint32_t>(d.pool.size()));
  d.lengths.push_back(n);
  d.ids.push_back(id);
  d.pool.insert(d.pool.end(), p, p + n);
  place(d, h, e);
  if ((e + 1) * 2 > d.table.size()) {
    std::vector<int32_t> old;
    old.swap(d.table);
    d.table.assign(old.size() * 2, 0);
    for (int32_t slot : old)
      if (slot != 0) place(d, d.hashes[static_cast<uint32_t>(slot - 1)], static_cast<uint32_t>(slot - 1));
  }
  entryOut = static_cast<int32_t>(e);
  return id;
}

enum Outcome { kWritten, kDecline, kFail };

/** One line `buf[i..e)` (leading blanks skipped) through the layout at `row`. */
Outcome writeLine(napi_env env, Ctx& c, Layout& L, std::vector<int32_t>& last, const uint8_t* buf, size_t i,
                  size_t e, uint32_t row) {
  const size_t nf = L.fields.size();
  for (size_t f = 0; f < nf; f++) {
    while (i < e && isSpace(buf[i])) i++;
    if (i >= e) return kDecline;
    const size_t ts = i;
    while (i < e && !isSpace(buf[i])) i++;
    const size_t n = i - ts;
    const uint8_t* p = buf + ts;
    if (n == 1 && p[0] == 45) continue;  // `-` is NULL for every type
    const Field& F = L.fields[f];
    Column& A = c.cols[static_cast<size_t>(F.a)];
    switch (F.type) {
      case kU8:
      case kU16: {
        uint64_t v;
        if (!scanUint(p, n, v) || v > (F.type == kU8 ? 255u : 65535u)) return kDecline;
        if (F.type == kU8)
          A.data[row] = static_cast<uint8_t>(v);
        else
          reinterpret_cast<uint16_t*>(A.data)[row] = static_cast<uint16_t>(v);
        break;
      }
      case kTime: {
        uint64_t v;
        if (!scanUint(p, n, v)) return kDecline;
        if (v >= kMsThreshold) v /= 1000;
        if (v >= 4294967296ull) return kDecline;
        reinterpret_cast<uint32_t*>(A.data)[row] = static_cast<uint32_t>(v);
        break;
      }
      case kI64: {
        uint64_t v = 0;
        if (n <= 15) {
          if (!scanUint(p, n, v)) return kDecline;
        } else {
          if (n > 19) return kDecline;
          for (size_t k = 0; k < n; k++) {
            uint32_t d = static_cast<uint32_t>(p[k]) - 48u;
            if (d > 9) return kDecline;
            v = v * 10 + d;
          }
          if (v >= (1ull << 63)) return kDecline;
        }
        memcpy(A.data + static_cast<size_t>(row) * 8, &v, 8);
        break;
      }
      case kIp: {
        int64_t v4 = scanIPv4(p, n);
        if (v4 >= 0) {
          reinterpret_cast<uint32_t*>(A.data)[row] = static_cast<uint32_t>(v4);
          break;
        }
        uint16_t w[8];
        if (!scanIPv6(buf, ts, i, w)) return kDecline;
        Column& B = c.cols[static_cast<size_t>(F.b)];
        uint32_t* out = reinterpret_cast<uint32_t*>(B.data) + static_cast<size_t>(row) * 4;
        out[0] = (static_cast<uint32_t>(w[6]) << 16) | w[7];
        out[1] = (static_cast<uint32_t>(w[4]) << 16) | w[5];
        out[2] = (static_cast<uint32_t>(w[2]) << 16) | w[3];
        out[3] = (static_cast<uint32_t>(w[0]) << 16) | w[1];
        setValid(B.valid, row);
        continue;
      }
      case kEnum: {
        int found = -1;
        for (size_t k = 0; k < F.words.size() && found < 0; k++) {
          const std::string& word = F.words[k];
          if (word.size() != n) continue;
          size_t m = 0;
          for (; m < n; m++) {
            uint8_t ch = p[m];
            if (ch >= 65 && ch <= 90) ch += 32;
            if (ch != static_cast<uint8_t>(word[m])) break;
          }
          if (m == n) found = static_cast<int>(k);
        }
        if (found < 0) return kDecline;
        A.data[row] = static_cast<uint8_t>(found);
        break;
      }
      case kString: {
        // Most string fields repeat row after row: compare with this field's last entry first.
        int32_t le = last[f];
        const Dict& d = c.dict;
        uint32_t id;
        if (le >= 0 && d.lengths[static_cast<size_t>(le)] == n &&
            memcmp(d.pool.data() + d.offsets[static_cast<size_t>(le)], p, n) == 0) {
          id = d.ids[static_cast<size_t>(le)];
        } else {
          uint32_t h = 0x811c9dc5u;
          uint8_t high = 0;
          for (size_t k = 0; k < n; k++) {
            high |= p[k];
            h = (h ^ p[k]) * 0x01000193u;
          }
          if (high > 127) return kDecline;  // non-ASCII: the JavaScript side decodes it
          int32_t entry;
          int64_t got = dictId(env, c, p, static_cast<uint32_t>(n), h, entry);
          if (got < 0) return kFail;
          last[f] = entry;
          id = static_cast<uint32_t>(got);
        }
        reinterpret_cast<uint32_t*>(A.data)[row] = id;
        break;
      }
      default:
        return kDecline;
    }
    setValid(A.valid, row);
  }
  while (i < e && isSpace(buf[i])) i++;
  return i < e ? kDecline : kWritten;
}

void rollback(Ctx& c, const Layout& L, uint32_t row) {
  for (const Field& F : L.fields) {
    clearValid(c.cols[static_cast<size_t>(F.a)].valid, row);
    if (F.b >= 0) clearValid(c.cols[static_cast<size_t>(F.b)].valid, row);
  }
}

// ---- N-API glue ----

#define CHECK(call)                                              \
  do {                                                           \
    if ((call) != napi_ok) {                                     \
      napi_throw_error(env, nullptr, "native text lines: " #call); \
      return nullptr;                                            \
    }                                                            \
  } while (0)

struct LayoutState {
  Layout layout;
  std::vector<int32_t> last;  // last dictionary entry per field, this batch
};

struct State {
  Ctx ctx;
  std::vector<LayoutState> layouts;
  uint8_t okIndex = 0;
};

void finalize(napi_env env, void* data, void*) {
  State* s = static_cast<State*>(data);
  if (s->ctx.strings != nullptr) napi_delete_reference(env, s->ctx.strings);
  delete s;
}

bool argsOf(napi_env env, napi_callback_info info, size_t want, napi_value* argv, State** state) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < want) {
    napi_throw_type_error(env, nullptr, "native text lines: too few arguments");
    return false;
  }
  if (napi_get_value_external(env, argv[0], reinterpret_cast<void**>(state)) != napi_ok) {
    napi_throw_type_error(env, nullptr, "native text lines: the first argument is not a parser state");
    return false;
  }
  return true;
}


int32_t int32Of(napi_env env, napi_value v) {
  int32_t x = -1;
  napi_get_value_int32(env, v, &x);
  return x;
}

/** create(columns, status, packets, bytes, action, start, end, okIndex): a parser state */
napi_value Create(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 8) {
    napi_throw_type_error(env, nullptr, "native text lines: create needs 8 arguments");
    return nullptr;
  }
  State* s = new State();
  s->ctx.cols.resize(static_cast<size_t>(int32Of(env, argv[0])));
  s->ctx.status = int32Of(env, argv[1]);
  s->ctx.packets = int32Of(env, argv[2]);
  s->ctx.bytes = int32Of(env, argv[3]);
  s->ctx.action = int32Of(env, argv[4]);
  s->ctx.start = int32Of(env, argv[5]);
  s->ctx.end = int32Of(env, argv[6]);
  s->okIndex = static_cast<uint8_t>(int32Of(env, argv[7]));
  s->ctx.dict.reset();
  napi_value ext;
  if (napi_create_external(env, s, finalize, nullptr, &ext) != napi_ok) {
    delete s;
    napi_throw_error(env, nullptr, "native text lines: cannot create the parser state");
    return nullptr;
  }
  return ext;
}

/** addLayout(state, spec Int32Array [kind, n, (type, a, b) x n], enumWords string[][]): the layout's id */
napi_value AddLayout(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  State* s;
  if (!argsOf(env, info, 3, argv, &s)) return nullptr;
  uint8_t* raw;
  size_t len;
  if (!typedArrayBytes(env, argv[1], &raw, &len)) {
    napi_throw_type_error(env, nullptr, "native text lines: the layout spec is not an Int32Array");
    return nullptr;
  }
  const int32_t* spec = reinterpret_cast<const int32_t*>(raw);
  size_t words = len / 4;
  if (words < 2 || words != 2 + static_cast<size_t>(spec[1]) * 3) {
    napi_throw_range_error(env, nullptr, "native text lines: the layout spec has the wrong length");
    return nullptr;
  }
  LayoutState ls;
  ls.layout.kind = static_cast<uint8_t>(spec[0]);
  const size_t ncols = s->ctx.cols.size();
  for (int32_t f = 0; f < spec[1]; f++) {
    Field F;
    F.type = spec[2 + f * 3];
    F.a = spec[3 + f * 3];
    F.b = spec[4 + f * 3];
    if (F.a < 0 || static_cast<size_t>(F.a) >= ncols || F.b >= static_cast<int32_t>(ncols) ||
        (F.type == kIp && F.b < 0)) {
      napi_throw_range_error(env, nullptr, "native text lines: a layout field names no storage column");
      return nullptr;
    }
    if (F.type == kEnum) {
      napi_value list, word;
      uint32_t count;
      CHECK(napi_get_element(env, argv[2], static_cast<uint32_t>(f), &list));
      CHECK(napi_get_array_length(env, list, &count));
      for (uint32_t k = 0; k < count; k++) {
        char buf[64];
        size_t got;
        CHECK(napi_get_element(env, list, k, &word));
        CHECK(napi_get_value_string_latin1(env, word, buf, sizeof buf, &got));
        F.words.emplace_back(buf, got);
      }
    }
    ls.layout.fields.push_back(std::move(F));
  }
  ls.last.assign(ls.layout.fields.size(), -1);
  s->layouts.push_back(std::move(ls));
  napi_value id;
  CHECK(napi_create_int32(env, static_cast<int32_t>(s->layouts.size() - 1), &id));
  return id;
}

/** clearLayouts(state) */
napi_value ClearLayouts(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  State* s;
  if (!argsOf(env, info, 1, argv, &s)) return nullptr;
  s->layouts.clear();
  return nullptr;
}

/** bind(state, data TypedArray[], valid Uint8Array[], kind Uint8Array, strings string[], capacity): a new batch */
napi_value Bind(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  State* s;
  if (!argsOf(env, info, 6, argv, &s)) return nullptr;
  Ctx& c = s->ctx;
  const uint32_t capacity = static_cast<uint32_t>(int32Of(env, argv[5]));
  for (size_t k = 0; k < c.cols.size(); k++) {
    napi_value d, v;
    size_t dl, vl;
    CHECK(napi_get_element(env, argv[1], static_cast<uint32_t>(k), &d));
    CHECK(napi_get_element(env, argv[2], static_cast<uint32_t>(k), &v));
    if (!typedArrayBytes(env, d, &c.cols[k].data, &dl) || !typedArrayBytes(env, v, &c.cols[k].valid, &vl) || vl * 8 < capacity ||
        dl < capacity) {
      napi_throw_type_error(env, nullptr, "native text lines: a batch column is not a typed array of the batch's size");
      return nullptr;
    }
  }
  size_t kl;
  if (!typedArrayBytes(env, argv[3], &c.kind, &kl) || kl < capacity) {
    napi_throw_type_error(env, nullptr, "native text lines: the kind column is not a Uint8Array of the batch's size");
    return nullptr;
  }
  if (c.strings != nullptr) napi_delete_reference(env, c.strings);
  c.strings = nullptr;
  CHECK(napi_create_reference(env, argv[4], 1, &c.strings));
  c.dict.reset();
  for (LayoutState& ls : s->layouts) ls.last.assign(ls.layout.fields.size(), -1);
  return nullptr;
}

/** dictId(state, buf, s, e): the batch's id of an ASCII token (the JavaScript side's lines use it) */
napi_value DictId(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  State* s;
  if (!argsOf(env, info, 4, argv, &s)) return nullptr;
  uint8_t* buf;
  size_t len;
  if (!typedArrayBytes(env, argv[1], &buf, &len)) {
    napi_throw_type_error(env, nullptr, "native text lines: the buffer is not a Uint8Array");
    return nullptr;
  }
  int32_t from = int32Of(env, argv[2]), to = int32Of(env, argv[3]);
  if (from < 0 || to < from || static_cast<size_t>(to) > len) {
    napi_throw_range_error(env, nullptr, "native text lines: token outside the buffer");
    return nullptr;
  }
  const uint8_t* p = buf + from;
  uint32_t n = static_cast<uint32_t>(to - from);
  int32_t entry;
  int64_t id = dictId(env, s->ctx, p, n, fnv(p, n), entry);
  if (id < 0) {
    napi_throw_error(env, nullptr, "native text lines: cannot add a string to the batch");
    return nullptr;
  }
  napi_value out;
  CHECK(napi_create_uint32(env, static_cast<uint32_t>(id), &out));
  return out;
}

/**
 * parse(state, layout, buf, s, e, row, room, out Float64Array(5)): writes the lines of buf[s..e)
 * (which ends just after a `\n`) from batch row `row`, at most `room` of them. Returns 0 when
 * every line was read, 1 when it stopped at a line the JavaScript side must read, 2 when `room`
 * rows were written. out: [where it stopped, lines passed (blank ones too), rows written,
 * rows whose start is after their end].
 */
napi_value Parse(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  State* s;
  if (!argsOf(env, info, 8, argv, &s)) return nullptr;
  Ctx& c = s->ctx;
  const int32_t layoutId = int32Of(env, argv[1]);
  if (layoutId < 0 || static_cast<size_t>(layoutId) >= s->layouts.size()) {
    napi_throw_range_error(env, nullptr, "native text lines: no such layout");
    return nullptr;
  }
  LayoutState& ls = s->layouts[static_cast<size_t>(layoutId)];
  Layout& L = ls.layout;
  uint8_t* buf;
  size_t blen;
  uint8_t* outRaw;
  size_t olen;
  if (!typedArrayBytes(env, argv[2], &buf, &blen) || !typedArrayBytes(env, argv[7], &outRaw, &olen) || olen < 4 * 8) {
    napi_throw_type_error(env, nullptr, "native text lines: parse needs a Uint8Array and a Float64Array(4)");
    return nullptr;
  }
  double* out = reinterpret_cast<double*>(outRaw);
  const int64_t start = int32Of(env, argv[3]), end = int32Of(env, argv[4]);
  const int64_t row0 = int32Of(env, argv[5]), room = int32Of(env, argv[6]);
  if (start < 0 || end < start || static_cast<size_t>(end) > blen || row0 < 0 || room < 0 || c.kind == nullptr) {
    napi_throw_range_error(env, nullptr, "native text lines: parse arguments out of range");
    return nullptr;
  }
  Column* st = c.status >= 0 ? &c.cols[static_cast<size_t>(c.status)] : nullptr;
  Column& pk = c.cols[static_cast<size_t>(c.packets)];
  Column& by = c.cols[static_cast<size_t>(c.bytes)];
  Column& ac = c.cols[static_cast<size_t>(c.action)];
  Column& t0 = c.cols[static_cast<size_t>(c.start)];
  Column& t1 = c.cols[static_cast<size_t>(c.end)];

  size_t pos = static_cast<size_t>(start);
  const size_t e = static_cast<size_t>(end);
  uint32_t rows = 0, passed = 0, late = 0;
  int status = 0;
  while (pos < e) {
    if (rows == room) {
      status = 2;
      break;
    }
    const void* nl = memchr(buf + pos, 10, e - pos);
    if (nl == nullptr) {
      status = 1;
      break;
    }
    const size_t le = static_cast<size_t>(static_cast<const uint8_t*>(nl) - buf);
    size_t ls0 = pos;
    while (ls0 < le && isSpace(buf[ls0])) ls0++;
    if (ls0 == le) {  // blank
      pos = le + 1;
      passed++;
      continue;
    }
    // a header may start with a lower-case letter; overlong lines are rejected by the JavaScript side
    if ((buf[ls0] >= 97 && buf[ls0] <= 122) || le - pos > kMaxLine) {
      status = 1;
      break;
    }
    const uint32_t row = static_cast<uint32_t>(row0) + rows;
    Outcome o = writeLine(env, c, L, ls.last, buf, ls0, le, row);
    if (o == kFail) return nullptr;  // an exception is pending
    if (o == kDecline) {
      rollback(c, L, row);
      status = 1;
      break;
    }
    if (st != nullptr && isValid(st->valid, row) && st->data[row] != s->okIndex) {
      clearValid(pk.valid, row);
      clearValid(by.valid, row);
      clearValid(ac.valid, row);
    }
    if (L.kind == 1) clearValid(ac.valid, row);
    if (isValid(t0.valid, row) && isValid(t1.valid, row) &&
        reinterpret_cast<uint32_t*>(t0.data)[row] > reinterpret_cast<uint32_t*>(t1.data)[row])
      late++;
    c.kind[row] = L.kind;
    rows++;
    passed++;
    pos = le + 1;
  }
  out[0] = static_cast<double>(pos);
  out[1] = passed;
  out[2] = rows;
  out[3] = late;
  napi_value r;
  CHECK(napi_create_int32(env, status, &r));
  return r;
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor fns[] = {
      {"create", nullptr, Create, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"addLayout", nullptr, AddLayout, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"clearLayouts", nullptr, ClearLayouts, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bind", nullptr, Bind, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"dictId", nullptr, DictId, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"parse", nullptr, Parse, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns) != napi_ok) return nullptr;
  if (RegisterRoute(env, exports) == nullptr) return nullptr;
  if (RegisterStageOrder(env, exports) == nullptr) return nullptr;
  return RegisterGunzip(env, exports);
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
