#include "venue/adapter/request_lanes.hpp"

#include <algorithm>

namespace aitrapp {

void RequestLanes::push(const VenueRequest& r) {
  if (std::holds_alternative<QueryRequest>(r) || std::holds_alternative<CancelRequest>(r)) {
    const std::string& cid = request_client_id(r);
    for (auto* q : {&exits_, &entries_})
      for (Job& j : *q)
        if (j.req.index() == r.index() && request_client_id(j.req) == cid) {
          if (const auto* query = std::get_if<QueryRequest>(&r))
            std::get<QueryRequest>(j.req).seq = query->seq;
          return;
        }
  }
  lane(r).push_back(Job{r});
}

bool RequestLanes::withdraw_place(const std::string& cid) {
  for (auto* q : {&exits_, &entries_})
    for (auto it = q->begin(); it != q->end(); ++it)
      if (const auto* p = std::get_if<PlaceRequest>(&it->req);
          p && p->spec.client_order_id == cid) {
        q->erase(it);
        return true;
      }
  return false;
}

bool RequestLanes::ready(int64_t now) const {
  const auto due = [now](const Job& j) { return j.not_before <= now; };
  return std::any_of(exits_.begin(), exits_.end(), due) ||
         std::any_of(entries_.begin(), entries_.end(), due);
}

std::optional<RequestLanes::Job> RequestLanes::take_ready(int64_t now) {
  for (auto* q : {&exits_, &entries_}) {
    const auto it =
        std::find_if(q->begin(), q->end(), [now](const Job& j) { return j.not_before <= now; });
    if (it == q->end()) continue;
    Job j = std::move(*it);
    q->erase(it);
    return j;
  }
  return std::nullopt;
}

void RequestLanes::put_back(Job job) {
  lane(job.req).push_front(std::move(job));
}

void RequestLanes::back_off(Job& job, int64_t now, std::chrono::milliseconds max) {
  const int64_t wait = std::min<int64_t>(max.count(), 250LL << std::min(job.attempts, 4));
  ++job.attempts;
  job.not_before = now + wait;
}

}  // namespace aitrapp
