#pragma once
// LeaderLock port: only the holder of the lock trades. The embedded implementation is an
// exclusive file lock (one host); Redis with fencing tokens is the production one.
// FileLeaderLock is used from one thread; RedisLeaderLock is thread-safe.
#include <cstdint>
#include <string>

namespace aitrapp {

enum class Leadership {
  Follower,  // never held it, or waiting to take it over
  Leader,    // holds a valid lease: may send anything
  Lapsed,    // the lease ran out while its store (Redis) was unreachable and nobody else is known
             // to hold it: exits only, no new risk
  Lost,      // another instance holds it: send nothing, stop
};
const char* to_string(Leadership l);

class LeaderLock {
 public:
  virtual ~LeaderLock() = default;
  // Takes the lock if it is free (non-blocking); true while this instance holds it.
  virtual bool try_acquire() = 0;
  virtual Leadership leadership() const = 0;
  bool is_leader() const { return leadership() == Leadership::Leader; }
  virtual const std::string& instance_id() const = 0;
  // Fencing token of the lease held now (0: the lock has none); grows with every acquisition.
  virtual uint64_t fencing_token() const { return 0; }
  // The instance id of the holder as last seen (this one's own while it leads); empty when
  // nobody is known to hold it. For messages only: it may be stale by the time it is read.
  virtual std::string holder() const = 0;
};

// flock(2) on a file: released by the kernel when the process dies, so a crashed leader never
// blocks its successor.
class FileLeaderLock final : public LeaderLock {
 public:
  FileLeaderLock(std::string path, std::string instance_id);
  ~FileLeaderLock() override;
  bool try_acquire() override;
  Leadership leadership() const override {
    return held_ ? Leadership::Leader : Leadership::Follower;
  }
  const std::string& instance_id() const override { return instance_id_; }
  std::string holder() const override;  // what the holder wrote into the lock file
  const std::string& path() const { return path_; }

 private:
  std::string path_, instance_id_;
  int fd_ = -1;
  bool held_ = false;
};

// hostname:pid, the default instance id.
std::string default_instance_id();

}  // namespace aitrapp
