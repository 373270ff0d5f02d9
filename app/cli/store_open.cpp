#include "app/cli/store_open.hpp"

#include <cstdlib>

namespace cli {

bot::StoreOptions store_options(bot::OpenMode mode) {
  bot::StoreOptions options{.mode = mode};
  if (const char* key = std::getenv("HALLPASS_AUDIT_KEY")) options.audit_key = key;
  // Only the bot appends anchors: a reading command must not write anything.
  if (const char* anchor = std::getenv("HALLPASS_AUDIT_ANCHOR"); anchor && mode == bot::OpenMode::create)
    options.anchor_file = anchor;
  return options;
}

std::unique_ptr<bot::Store> open_store(std::string_view command, const std::string& path, bot::OpenMode mode,
                                       std::ostream& err) {
  try {
    return bot::open_sqlite_store(path, store_options(mode));
  } catch (const std::exception& e) {
    err << "hallpass " << command << ": " << e.what() << '\n';
    return nullptr;
  }
}

}  // namespace cli
