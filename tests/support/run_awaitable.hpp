#pragma once
// Runs coroutines on a test's io_context (and whatever fake servers live on it) until they
// finish, with a generous deadline so a hang fails the test instead of stalling the suite.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

namespace test_support {

// Starts every coroutine at once (so they overlap, as concurrent requests would) and returns
// their results in order. Rethrows the first exception; throws std::runtime_error on timeout.
template <class T>
std::vector<T> run_all(boost::asio::io_context& io, std::vector<boost::asio::awaitable<T>> work,
                       std::chrono::seconds deadline = std::chrono::seconds(20)) {
  // Shared with the handlers: after a timeout they may still run later without writing to a dead frame.
  struct Progress {
    std::vector<std::optional<T>> results;
    std::exception_ptr failure;
    size_t done = 0;
  };
  auto p = std::make_shared<Progress>();
  p->results.resize(work.size());
  for (size_t i = 0; i < work.size(); ++i)
    boost::asio::co_spawn(io, std::move(work[i]), [p, i](std::exception_ptr e, T value) {
      if (e && !p->failure) p->failure = e;
      if (!e) p->results[i] = std::move(value);
      ++p->done;
    });
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (p->done < p->results.size() && std::chrono::steady_clock::now() < until)
    io.run_one_for(std::chrono::milliseconds(10));
  if (p->failure) std::rethrow_exception(p->failure);
  if (p->done < p->results.size()) throw std::runtime_error("the coroutines did not finish in time");
  std::vector<T> out;
  for (auto& r : p->results) out.push_back(std::move(*r));
  return out;
}

template <class T>
T run_awaitable(boost::asio::io_context& io, boost::asio::awaitable<T> work,
                std::chrono::seconds deadline = std::chrono::seconds(20)) {
  std::vector<boost::asio::awaitable<T>> one;
  one.push_back(std::move(work));
  return std::move(run_all(io, std::move(one), deadline).front());
}

}  // namespace test_support
