#pragma once
// The venue tables (`run --venue`, `venue-sim --venue`) looked up by their entries' `name`, and
// listed for the CLI's choices and help. Pure; thread-safe.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aitrapp {

template <class Entry>
const Entry* find_by_name(std::span<const Entry> table, std::string_view name) {
  for (const Entry& e : table)
    if (e.name == name) return &e;
  return nullptr;
}

template <class Entry>
std::vector<std::string> names_of(std::span<const Entry> table) {
  std::vector<std::string> out;
  for (const Entry& e : table) out.emplace_back(e.name);
  return out;
}

// "a: what a does; b: what b does", from the entries' `summary`.
template <class Entry>
std::string summaries_of(std::span<const Entry> table) {
  std::string out;
  for (const Entry& e : table)
    out += (out.empty() ? "" : "; ") + std::string(e.name) + ": " + std::string(e.summary);
  return out;
}

}  // namespace aitrapp
