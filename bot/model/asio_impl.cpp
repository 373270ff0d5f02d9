// The one translation unit that compiles Asio and Beast (BOOST_*_SEPARATE_COMPILATION), so the
// rest of the code only includes their declarations and builds in seconds, not minutes.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
