#include "net/ws_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <utility>

#include "core/scaled_clock.hpp"

namespace aitrapp::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct WsSession::Impl {
  Impl(tcp::socket s, http::request<http::string_body> req)
      : ws(std::move(s)), request(std::move(req)), idle(ws.get_executor()) {}
  websocket::stream<beast::tcp_stream> ws;
  http::request<http::string_body> request;  // kept until the handshake completes
  asio::steady_timer idle;
  beast::flat_buffer in;
  struct Frame {
    std::string data;
    bool binary;
    bool counted;  // queued through send(), so it is in the queue's bounds
  };
  std::deque<Frame> out;
  int64_t last_write_ms = 0;
  bool writing = false;  // the front frame is being written: its buffer must outlive the write
  bool closed = false;   // executor-side
};

WsSession::WsSession(WsSessionOptions options, Callbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)) {}

WsSession::~WsSession() = default;

std::shared_ptr<WsSession> WsSession::accept(tcp::socket socket,
                                             http::request<http::string_body> request,
                                             WsSessionOptions options, Callbacks callbacks) {
  std::shared_ptr<WsSession> s(new WsSession(std::move(options), std::move(callbacks)));
  s->impl_ = std::make_unique<Impl>(std::move(socket), std::move(request));
  Impl& im = *s->impl_;
  beast::get_lowest_layer(im.ws).expires_never();
  // Live data: a frame goes out when written, not when the peer's delayed ack allows.
  beast::error_code ignored;
  beast::get_lowest_layer(im.ws).socket().set_option(tcp::no_delay(true), ignored);
  im.ws.async_accept(im.request, [self = s](beast::error_code ec) {
    Impl& m = *self->impl_;
    m.request = {};
    if (ec) {
      m.closed = true;
      if (self->callbacks_.on_close) self->callbacks_.on_close(*self, "handshake: " + ec.message());
      return;
    }
    self->open_ = true;
    m.last_write_ms = steady_now_ms();
    if (self->callbacks_.on_open) self->callbacks_.on_open(*self);
    self->read();
    self->beat();
  });
  return s;
}

bool WsSession::send(std::string frame, bool binary) {
  if (!open_.load()) return false;
  const size_t frames = ++queued_frames_;
  const size_t bytes = queued_bytes_ += frame.size();
  if (frames > options_.max_queued_frames || bytes > options_.max_queued_bytes) {
    --queued_frames_;
    queued_bytes_ -= frame.size();
    close("dropped: the client fell behind (" + std::to_string(frames - 1) + " frames, " +
          std::to_string(bytes - frame.size()) + " bytes queued)");
    return false;
  }
  asio::post(impl_->ws.get_executor(),
             [self = shared_from_this(), f = std::move(frame), binary]() mutable {
               self->push(std::move(f), binary, true);
             });
  return true;
}

void WsSession::close(const std::string& why) {
  asio::post(impl_->ws.get_executor(), [self = shared_from_this(), why] { self->shut(why); });
}

// ---------------------------------------------------------------------------------------------
// Executor side.

void WsSession::push(std::string frame, bool binary, bool counted) {
  Impl& m = *impl_;
  if (m.closed) {
    if (counted) uncount(frame.size());
    return;
  }
  m.out.push_back({std::move(frame), binary, counted});
  if (!m.writing) write();
}

void WsSession::uncount(size_t bytes) {
  --queued_frames_;
  queued_bytes_ -= bytes;
}

void WsSession::write() {
  Impl& m = *impl_;
  m.writing = true;
  m.ws.binary(m.out.front().binary);
  m.ws.async_write(asio::buffer(m.out.front().data),
                   [self = shared_from_this()](beast::error_code ec, size_t) {
                     Impl& im = *self->impl_;
                     im.writing = false;
                     Impl::Frame done = std::move(im.out.front());
                     im.out.pop_front();
                     if (done.counted) self->uncount(done.data.size());
                     if (im.closed) return;
                     if (ec) return self->shut("write: " + ec.message());
                     im.last_write_ms = steady_now_ms();
                     if (!im.out.empty()) self->write();
                   });
}

void WsSession::read() {
  impl_->ws.async_read(impl_->in, [self = shared_from_this()](beast::error_code ec, size_t) {
    Impl& m = *self->impl_;
    if (m.closed) return;
    if (ec)
      return self->shut(ec == websocket::error::closed ? "closed by the client"
                                                       : "read: " + ec.message());
    const std::string msg = beast::buffers_to_string(m.in.data());
    m.in.consume(m.in.size());
    if (self->callbacks_.on_message) self->callbacks_.on_message(*self, msg, m.ws.got_binary());
    self->read();
  });
}

void WsSession::beat() {
  if (options_.idle_after.count() <= 0) return;
  Impl& m = *impl_;
  m.idle.expires_after(options_.idle_after);
  m.idle.async_wait([self = shared_from_this()](beast::error_code ec) {
    Impl& im = *self->impl_;
    if (ec || im.closed) return;
    if (im.out.empty() && steady_now_ms() - im.last_write_ms >= self->options_.idle_after.count())
      self->push(self->options_.idle_frame, self->options_.idle_binary, false);
    self->beat();
  });
}

void WsSession::shut(const std::string& why) {
  Impl& m = *impl_;
  if (m.closed) return;
  m.closed = true;
  open_ = false;
  m.idle.cancel();
  // The frame being written stays until its write completes (aborted by the close below).
  while (m.out.size() > (m.writing ? 1u : 0u)) {
    if (m.out.back().counted) uncount(m.out.back().data.size());
    m.out.pop_back();
  }
  // A hard close: a client that fell behind would not read a close frame either, and a venue
  // that drops its connections does not say goodbye.
  beast::error_code ec;
  auto& sock = beast::get_lowest_layer(m.ws).socket();
  sock.shutdown(tcp::socket::shutdown_both, ec);
  sock.close(ec);
  if (callbacks_.on_close) callbacks_.on_close(*this, why);
}

}  // namespace aitrapp::net
