#pragma once
// The district key as a bound parameter of PostgreSQL statements.
//
// Every statement of the store is scoped to its district. Written into the text as a literal, the
// key made each district's statements other texts: a county worker with 1,000 districts on one
// connection prepared each statement 1,000 times (about 270 MB of the server's memory). The store
// writes `?D` instead; this view of the connection binds the key there, first, so the text is the
// same for every district and prepared once per connection. SQLite keeps the literal: a file holds
// one district.
#include <memory>
#include <string>
#include <string_view>

#include "bot/store/sql_connection.hpp"

namespace bot {

inline constexpr std::string_view kDistrictParameter = "?D";

// `db` with `district` bound to each statement's `?D`. A connection bind_district or district_view
// made already is bound to `district` instead (one view, never a view of a view).
std::unique_ptr<SqlConnection> bind_district(std::unique_ptr<SqlConnection> db, std::string district);

// The same view of a connection several stores share (a county worker's districts on one
// PostgreSQL connection, shared_database.cpp): it keeps the connection open while it lives.
std::unique_ptr<SqlConnection> district_view(std::shared_ptr<SqlConnection> db, std::string district);

}  // namespace bot
