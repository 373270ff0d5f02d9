#include "app/cli/store_open.hpp"

#include <cstdlib>

#include "bot/district/secret_source.hpp"
#include "bot/store/postgres_connection.hpp"

namespace cli {

StoreChoice store_choice(const std::string& db_argument) {
  if (db_argument.starts_with("postgres://") || db_argument.starts_with("postgresql://"))
    return {true, db_argument, bot::postgres_display_name(db_argument) + " (from --db)"};
  if (auto url = bot::secret_value("HALLPASS_DATABASE_URL"))
    return {true, *url, bot::postgres_display_name(*url) + " (from HALLPASS_DATABASE_URL)"};
  if (const char* file = std::getenv("HALLPASS_DATABASE_URL_FILE"); file && *file)
    return {false, "", "",
            "HALLPASS_DATABASE_URL_FILE names " + std::string(file) +
                ", which cannot be read or is empty; fix it or unset it (without it the store "
                "would be the SQLite file " +
                db_argument + ")"};
  return {false, db_argument, "the SQLite file " + db_argument};
}

std::string store_district(const std::string& district_argument) {
  if (!district_argument.empty()) return district_argument;
  const char* key = std::getenv("HALLPASS_DISTRICT");
  return key ? key : "";
}

bot::StoreOptions store_options(bot::OpenMode mode, const std::string& district_argument) {
  bot::StoreOptions options{.mode = mode};
  options.district = store_district(district_argument);
  if (const char* key = std::getenv("HALLPASS_AUDIT_KEY")) options.audit_key = key;
  // Only the bot appends anchors: a reading command must not write anything.
  if (const char* anchor = std::getenv("HALLPASS_AUDIT_ANCHOR"); anchor && mode == bot::OpenMode::create)
    options.anchor_file = anchor;
  return options;
}

std::unique_ptr<bot::Store> open_store(std::string_view command, const std::string& db_argument, bot::OpenMode mode,
                                       std::ostream& err, const std::string& district_argument) {
  try {
    const StoreChoice choice = store_choice(db_argument);
    if (!choice.error.empty()) {
      err << "hallpass " << command << ": " << choice.error << '\n';
      return nullptr;
    }
    const bot::StoreOptions options = store_options(mode, district_argument);
    return choice.postgres ? bot::open_postgres_store(choice.target, options)
                           : bot::open_sqlite_store(choice.target, options);
  } catch (const std::exception& e) {
    err << "hallpass " << command << ": " << e.what() << '\n';
    return nullptr;
  }
}

}  // namespace cli
