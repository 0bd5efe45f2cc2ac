// mail/testing/recording_mailer.h: a Mailer for tests that keeps what it is
// given instead of sending it, or fails with a chosen status.
#pragma once

#include <mutex>
#include <vector>

#include "mail/mail.h"

namespace newsdesk {

class RecordingMailer : public Mailer {
 public:
  Status Send(const Message& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!fail_with_.ok()) return fail_with_;
    sent_.push_back(message);
    return Status::Ok();
  }
  std::vector<Message> sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }
  void FailWith(Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_with_ = std::move(s);
  }

 private:
  mutable std::mutex mu_;
  std::vector<Message> sent_;
  Status fail_with_;
};

}  // namespace newsdesk
