#include "adapters/common/path_segment.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace adapters::http {

std::string encode_path_segment(std::string_view segment) {
  return boost::urls::encode(segment, boost::urls::unreserved_chars);
}

}  // namespace adapters::http
