#include "oms/bracket.hpp"

#include <stdexcept>

namespace aitrapp {

const char* to_string(BracketState s) {
  switch (s) {
    case BracketState::Entering:
      return "ENTERING";
    case BracketState::Open:
      return "OPEN";
    case BracketState::Exiting:
      return "EXITING";
    case BracketState::Closed:
      return "CLOSED";
  }
  return "?";
}

BracketState bracket_state_from_string(const std::string& s) {
  for (auto st :
       {BracketState::Entering, BracketState::Open, BracketState::Exiting, BracketState::Closed})
    if (s == to_string(st)) return st;
  throw std::runtime_error("unknown bracket state '" + s + "'");
}

}  // namespace aitrapp
