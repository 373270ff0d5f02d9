#pragma once
// Rows of a CSV file as Excel, LibreOffice and Google Sheets write it: an optional byte order
// mark, a comma, semicolon (Excel in much of Europe and Latin America) or tab between cells,
// quoted cells that may hold the separator, quotes ("") and line breaks. The parsing is Debian's
// libcsv; this file adds what a person fixing the file needs: the line each row starts on.
#include <string>
#include <string_view>
#include <vector>

namespace bot {

struct CsvRow {
  int line = 0;  // the line of the file the row starts on (1 = the first line)
  std::vector<std::string> cells;
};

struct CsvTable {
  char separator = ',';
  std::vector<CsvRow> rows;  // the header first; blank lines are skipped
  std::string error;         // set when the text could not be read at all
};

// The separator is the one the first line (the column names) uses most, outside quotes.
CsvTable read_csv(std::string_view text);

}  // namespace bot
