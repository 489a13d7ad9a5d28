#pragma once
// Deterministic identifiers. A plan's id is a pure function of what the plan is, so a replayed
// or recovered run derives the very same ids and the store's UNIQUE constraint and the engine's
// dedupe catch any second attempt. Thread-safe (pure functions).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace aitrapp {

// 10 base-36 characters of SHA-256(day|strategy|symbol|signal_time|side).
std::string make_plan_id(std::string_view trading_day, std::string_view strategy,
                         std::string_view symbol, int64_t signal_time_ms, Side side);

// The highest attempt two base-36 characters hold.
constexpr int kMaxOrderAttempt = 36 * 36 - 1;

// "AT" + plan_id(10) + leg code(1) + attempt(2 base-36) = 15 alphanumeric characters: fits
// Kite's 20-char tag and Bitget's 40-char clientOid. attempt must be in [0, kMaxOrderAttempt].
std::string make_client_order_id(std::string_view plan_id, LegRole role, int attempt);

// The shape of every id make_client_order_id() makes: 1 to 20 ASCII letters and digits, which
// each venue adapter sends unchanged as the venue's own client id (Kite's `tag` allows exactly
// this; Bitget's `clientOid` allows more).
bool is_valid_client_order_id(std::string_view id);

}  // namespace aitrapp
