// Which of a record's two IPv4 addresses is its interface's own, from the interface's rows
// together: of the two addresses of its first row with both, the one more of its rows hold.
// src/flow/own-address.ts is the reference; route-batch.cc and stage-order.cc both use this.

#pragma once

#include <cstdint>

/**
 * The own address of the interface whose rows are rows[from, to), or -1 when none of them has
 * both addresses. s4(r) and d4(r) give row r's source and destination, -1 for NULL.
 */
template <typename S4, typename D4>
inline int64_t ownAddress(const uint32_t* rows, uint32_t from, uint32_t to, S4 s4, D4 d4) {
  int64_t x = -1, y = -1;
  for (uint32_t i = from; i < to; i++) {
    const uint32_t r = rows[i];
    if (s4(r) >= 0 && d4(r) >= 0) {
      x = s4(r);
      y = d4(r);
      break;
    }
  }
  if (x < 0) return -1;
  uint32_t nx = 0, ny = 0;
  for (uint32_t i = from; i < to; i++) {
    const uint32_t r = rows[i];
    const int64_t a = s4(r), c = d4(r);
    if (a == x || c == x) nx++;
    if (a == y || c == y) ny++;
  }
  return nx >= ny ? x : y;
}
