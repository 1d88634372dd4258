import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request takes longer than `timeout` from its head to its end: a
/// client that sends its body a byte at a time would otherwise hold a connection for as long as
/// it likes, since every byte counts as activity for the idle timeout. (A request head that does
/// not arrive is the idle timeout's: no part of it reaches the server before it is whole.)
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let bound = context.loopBound
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                bound.value.close(promise: nil)
            }
        case .body:
            break
        case .end:
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}
