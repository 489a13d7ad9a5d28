#include "ops/publishing_store.hpp"

#include "ops/record_json.hpp"

namespace aitrapp::ops {

void PublishingStore::write(const WriteBatch& batch) {
  inner_.write(batch);
  for (const auto& w : batch.writes)
    if (auto ev = bus_event(w, cal_)) bus_.publish(ev->first, ev->second.dump());
}

}  // namespace aitrapp::ops
