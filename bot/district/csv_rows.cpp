#include "bot/district/csv_rows.hpp"

#include <csv.h>

#include <algorithm>
#include <array>

namespace bot {
namespace {

char separator_of(std::string_view first_line) {
  std::array<std::pair<char, int>, 3> counts{{{',', 0}, {';', 0}, {'\t', 0}}};
  bool quoted = false;
  for (char c : first_line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    for (auto& [sep, n] : counts)
      if (c == sep) ++n;
  }
  auto best =
      std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return best->second > 0 ? best->first : ',';
}

// libcsv trims spaces and tabs around unquoted cells; with tabs as the separator only spaces.
int is_space_only(unsigned char c) { return c == ' ' ? 1 : 0; }
int is_space_or_tab(unsigned char c) { return c == ' ' || c == '\t' ? 1 : 0; }

struct Collector {
  CsvTable* table;
  int row_line = 1;
  std::vector<std::string> cells;
};

void on_cell(void* data, size_t size, void* self) {
  auto* c = static_cast<Collector*>(self);
  c->cells.emplace_back(data ? static_cast<const char*>(data) : "", data ? size : 0);
}

void on_row_end(int, void* self) {
  auto* c = static_cast<Collector*>(self);
  c->table->rows.push_back({c->row_line, std::move(c->cells)});
  c->cells.clear();
}

}  // namespace

CsvTable read_csv(std::string_view text) {
  CsvTable table;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // the byte order mark Excel writes
  table.separator = separator_of(text.substr(0, text.find('\n')));

  csv_parser parser;
  if (csv_init(&parser, 0) != 0) {
    table.error = "there was not enough memory to read it";
    return table;
  }
  csv_set_delim(&parser, static_cast<unsigned char>(table.separator));
  csv_set_space_func(&parser, table.separator == '\t' ? is_space_only : is_space_or_tab);

  Collector collector{&table};
  // Fed a line at a time so each row knows its first line. A row goes on past a line break
  // while a quote is open: an odd number of quote characters so far (a quote inside a cell is
  // written twice, so it never changes the count's parity).
  bool inside_quotes = false;
  int line = 0;
  size_t start = 0;
  while (start < text.size() && table.error.empty()) {
    size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    const std::string_view piece = text.substr(start, end - start);
    ++line;
    if (!inside_quotes) collector.row_line = line;
    if (csv_parse(&parser, piece.data(), piece.size(), on_cell, on_row_end, &collector) != piece.size())
      table.error = csv_strerror(csv_error(&parser));
    if (std::count(piece.begin(), piece.end(), '"') % 2 == 1) inside_quotes = !inside_quotes;
    start = end;
  }
  if (table.error.empty()) csv_fini(&parser, on_cell, on_row_end, &collector);
  csv_free(&parser);
  return table;
}

}  // namespace bot
