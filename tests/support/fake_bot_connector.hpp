#pragma once
// FakeBotConnector: the Bot Connector REST API (v3) on 127.0.0.1 (port 0, plain http) inside the
// test's io_context, for the Teams Connector client and adapter tests.
// - Serves under a regional base path like the real service: service_url() is
//   "http://127.0.0.1:<port>/amer/".
// - Every request must carry "Authorization: Bearer <expected token>"; others get 401
//   {"message":"Authorization has been denied for this request."} and are counted.
// - Conversation ids are accepted percent-encoded or raw in paths (SDKs do both).
// - POST /v3/conversations/{id}/activities, POST …/activities/{replyToId} (a reply), PUT …/{id}
//   (an update), DELETE …/{id}: recorded in arrival order with their time; answers {"id":"…"}
//   with numeric ids like Teams' ("1700000000001", …).
// - POST /v3/conversations: a personal chat (same user → same "a:…" id), or with
//   channelData.channel.id and an activity, a new channel thread ("19:…;messageid=<id>").
// - GET /v3/conversations/{id}/members/{userId} (by 29: id, aadObjectId, email or UPN) and
//   GET …/members, from the roster given with add_member.
// - fail_next(path part, status, Retry-After seconds): the next matching request fails.
// Every response carries X-Correlating-OperationId.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace test_support {

struct FakeConnectorState;

class FakeBotConnector {
 public:
  // Listens at once. base_path: the regional path of service_url(), e.g. "/amer".
  FakeBotConnector(boost::asio::io_context& io, std::string expected_token, std::string base_path = "/amer");
  ~FakeBotConnector();

  std::string service_url() const;  // "http://127.0.0.1:<port>/amer/"
  std::string origin() const;       // "http://127.0.0.1:<port>"
  void stop();

  void expect_token(std::string token);
  // Accepts every bearer token check() approves instead of one fixed token (e.g. those a
  // FakeBotFrameworkAuth issued and that have not expired).
  void accept_tokens(std::function<bool(const std::string& token)> check);

  struct Member {
    std::string id;  // "29:…"
    std::string name;
    std::string aad_object_id;
    std::string email;
    std::string user_principal_name;
  };
  void add_member(Member member);

  // The next request whose decoded path contains path_part fails with status; retry_after_s:
  // a Retry-After header in seconds. body: the error body (default {"error":{"code","message"}};
  // a 403 by default is the "MessageWritesBlocked" a blocked bot gets).
  void fail_next(const std::string& path_part, int status, std::optional<int> retry_after_s = std::nullopt,
                 std::string body = {});

  // The next request whose decoded path contains path_part is held before it is answered: for
  // `hold` (a slow Connector, a stalled look-up), or until release_held(). Other requests are
  // answered meanwhile. held() counts the requests being held now.
  void hold_next(const std::string& path_part,
                 std::chrono::milliseconds hold = std::chrono::milliseconds(std::chrono::hours(24)));
  void release_held();
  int held() const;

  enum class Write { post, reply, update, remove };
  struct Activity {
    Write kind = Write::post;
    std::string conversation_id;               // as addressed, decoded ("19:…;messageid=…" for thread replies)
    std::string activity_id;                   // the id given (post, reply) or changed (update, remove)
    std::string reply_to_id;                   // replies: the path's activity id, else the body's replyToId
    nlohmann::json activity;                   // the body as received
    std::chrono::steady_clock::time_point at;  // when it arrived
  };
  // Accepted writes in arrival order. conversation: only those whose conversation id, without
  // ";messageid=…", is this one (so a channel's thread replies count in the channel).
  std::vector<Activity> activities(const std::string& conversation = {}) const;
  // Arrival times of accepted writes to a conversation (as in activities()), for pacing checks.
  std::vector<std::chrono::steady_clock::time_point> write_times(const std::string& conversation) const;
  // The latest content of an activity after updates; null when unknown or deleted.
  nlohmann::json current(const std::string& activity_id) const;

  struct Created {
    std::string conversation_id;
    nlohmann::json parameters;  // the ConversationParameters as received
  };
  std::vector<Created> created_conversations() const;

  struct Request {
    std::string method;
    std::string path;  // decoded, without the base path
    int status = 0;    // what the fake answered
    std::chrono::steady_clock::time_point at;
  };
  std::vector<Request> requests() const;  // every request, including refused and failed ones
  int unauthorized_requests() const;

 private:
  std::shared_ptr<FakeConnectorState> state_;
};

}  // namespace test_support
