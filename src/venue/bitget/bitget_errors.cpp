#include "venue/bitget/bitget_errors.hpp"

namespace aitrapp::bitget {

ApiError api_error(ErrorKind kind, std::string_view detail) {
  struct Row {
    const char* code;
    const char* msg;
    int http;
  };
  const Row r = [&]() -> Row {
    switch (kind) {
      case ErrorKind::AccessKeyEmpty:
        return {"40001", "ACCESS_KEY cannot be empty", 401};
      case ErrorKind::SignEmpty:
        return {"40002", "ACCESS_SIGN cannot be empty", 401};
      case ErrorKind::PassphraseEmpty:
        return {"40011", "ACCESS_PASSPHRASE cannot be empty", 401};
      case ErrorKind::TimestampEmpty:
        return {"40003", "ACCESS_TIMESTAMP cannot be empty", 401};
      case ErrorKind::InvalidTimestamp:
        return {"40005", "Invalid ACCESS_TIMESTAMP", 401};
      case ErrorKind::TimestampExpired:
        return {"40008", "Request timestamp expired", 401};
      case ErrorKind::InvalidKey:
        return {"40006", "Invalid ACCESS_KEY", 401};
      case ErrorKind::SignatureError:
        return {"40009", "sign signature error", 401};
      case ErrorKind::PassphraseIncorrect:
        return {"40012", "apikey/password is incorrect", 401};
      case ErrorKind::ParameterInvalid:
        return {"40808", "Parameter verification exception", 400};
      case ErrorKind::ParameterEmpty:
        return {"40019", "Parameter cannot be empty", 400};
      case ErrorKind::DuplicateClientOid:
        return {"40786", "Duplicate clientOid", 400};
      case ErrorKind::OrderNotFound:
        return {"40768", "Order does not exist", 400};
      case ErrorKind::OrderDetailNotFound:
        return {"40109", "The data of the order cannot be found, please confirm the order number",
                400};
      case ErrorKind::SizeBelowMinimum:
        return {"45110", "less than the minimum order quantity", 400};
      case ErrorKind::PositionModeMismatch:
        return {"40774",
                "The order type for unilateral position must also be the unilateral "
                "position type.",
                400};
      case ErrorKind::NoPositionToClose:
        return {"22002", "No position to close", 400};
      case ErrorKind::PositionNotEnough:
        return {"40757", "Not enough position is available", 400};
      case ErrorKind::InsufficientBalance:
        return {"43012", "Insufficient balance", 400};
      case ErrorKind::TooManyRequests:
        return {"429", "Too Many Requests", 429};
      case ErrorKind::SystemError:
        return {"40015", "System error", 500};
      case ErrorKind::NotFound:
        return {"404", "Not Found", 404};
    }
    return {"40015", "System error", 500};
  }();
  std::string msg = r.msg;
  if (!detail.empty()) msg += ": " + std::string(detail);
  return ApiError{kind, r.code, std::move(msg), r.http};
}

}  // namespace aitrapp::bitget
