#include "core/result.hpp"

namespace aitrapp {

std::string_view to_string(ErrorCode c) {
  switch (c) {
    case ErrorCode::Invalid:
      return "invalid";
    case ErrorCode::NotFound:
      return "not_found";
    case ErrorCode::Refused:
      return "refused";
    case ErrorCode::Conflict:
      return "conflict";
    case ErrorCode::Unavailable:
      return "unavailable";
  }
  return "invalid";
}

}  // namespace aitrapp
