#pragma once
// Bitget's error answers (docs/bitget-protocol.md, "Errors"): the code a client branches on, the
// message, and the HTTP status the exchange sends with it. The simulator answers with these and
// the adapter reads them; ccxt maps the codes to its exception classes. Pure; thread-safe.
#include <string>
#include <string_view>

namespace aitrapp::bitget {

enum class ErrorKind {
  AccessKeyEmpty,        // 40001
  SignEmpty,             // 40002
  PassphraseEmpty,       // 40011
  TimestampEmpty,        // 40003 (no ACCESS-TIMESTAMP)
  InvalidTimestamp,      // 40005: not a number
  TimestampExpired,      // 40008: more than 30 s from the server's clock
  InvalidKey,            // 40006
  SignatureError,        // 40009
  PassphraseIncorrect,   // 40012
  ParameterInvalid,      // 40808: a value outside its rules (precision, enum, format)
  ParameterEmpty,        // 40019: a required parameter is missing
  DuplicateClientOid,    // 40786
  OrderNotFound,         // 40768: cancel or modify of an order the account does not have
  OrderDetailNotFound,   // 40109: order detail of an unknown order
  SizeBelowMinimum,      // 45110: below minTradeNum or minTradeUSDT
  PositionModeMismatch,  // 40774: tradeSide sent in one-way mode
  NoPositionToClose,     // 22002: reduce-only with no position on the other side
  PositionNotEnough,     // 40757: reduce-only larger than the position
  InsufficientBalance,   // 43012
  TooManyRequests,       // 429
  SystemError,           // 40015: retry
  NotFound,              // 404: no such route (our simulator's answer: Bitget documents none)
};

struct ApiError {
  ErrorKind kind = ErrorKind::SystemError;
  std::string code;  // on the wire, e.g. "40786"
  std::string msg;
  int http_status = 400;
};

// The error of `kind` with Bitget's message, or `detail` appended to it when given (naming the
// parameter or value that was wrong).
ApiError api_error(ErrorKind kind, std::string_view detail = {});

}  // namespace aitrapp::bitget
