// Minimal stand-in for <boost/fiber/channel_op_status.hpp> used by the
// taskleak lit tests. Not a working Boost.Fiber.
#pragma once

namespace boost {
namespace fibers {

enum class channel_op_status { success = 0, empty, full, closed, timeout };

} // namespace fibers
} // namespace boost
