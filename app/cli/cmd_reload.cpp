// hallpass reload: asks a running Hallpass, through its admin listener, to reload the district's
// file, and prints what it did or why it refused.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/args.hpp"
#include "app/cli/commands.hpp"

namespace cli {
namespace {

constexpr const char* kReloadHelp = R"(Usage: hallpass reload [--admin-port N] [--admin-host HOST]

Asks the Hallpass running on this machine to read its district file again (people, sites, places,
review window, digests, incident routing, prompts, policy documents), between two messages and
without dropping a connection. A file that does not validate is refused, with every problem, and
Hallpass goes on with what it had. Platform settings (tokens, ports) wait for a restart.
It talks to the admin listener (`hallpass run --admin-port N`; the installed unit uses 8081, the
default here). `systemctl reload hallpass` (SIGHUP) does the same, with the result in the log.
)";

namespace beast = boost::beast;
namespace http = beast::http;

}  // namespace

int cmd_reload(int argc, char** argv) {
  Args a = parse_args(argc, argv, 2, {"--admin-port", "--admin-host"}, {"--help"});
  if (a.has("--help")) return std::cout << kReloadHelp, 0;
  if (!a.error.empty()) return std::cerr << "hallpass reload: " << a.error << "\n\n" << kReloadHelp, 2;
  const std::string host = a.get("--admin-host", "127.0.0.1");
  const std::string port = a.get("--admin-port", "8081");
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(60));  // a reload of a large directory takes seconds
    stream.connect(resolver.resolve(host, port));
    http::request<http::empty_body> request{http::verb::post, "/reload", 11};
    request.set(http::field::host, host);
    request.set(http::field::content_length, "0");
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> reply;
    http::read(stream, buffer, reply);
    const int status = reply.result_int();
    if (status == 404) {
      std::cerr << "hallpass reload: the listener at " << host << ':' << port
                << " does not reload (is it a Hallpass admin listener?)\n";
      return 1;
    }
    if (status == 403) return std::cerr << "hallpass reload: " << reply.body(), 1;
    auto body = nlohmann::json::parse(reply.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      std::cerr << "hallpass reload: the listener at " << host << ':' << port << " answered HTTP " << status
                << " with something that is not Hallpass's answer\n";
      return 1;
    }
    if (!body.value("applied", false)) {
      std::cerr
          << "hallpass reload: refused; Hallpass goes on with the configuration it had. Fix these and reload again:\n"
          << body.value("problems", std::string());
      return 1;
    }
    std::cout << "Reloaded: " << body.value("summary", std::string()) << '\n';
    for (const auto& what : body.value("not_applied", std::vector<std::string>{}))
      std::cout << "Not applied until the next restart: " << what << " changed.\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "hallpass reload: no Hallpass admin listener answers at " << host << ':' << port << " (" << e.what()
              << "). Start it with `hallpass run --admin-port N`, or send SIGHUP: systemctl reload hallpass\n";
    return 1;
  }
}

}  // namespace cli
