import NIOCore

/// One master's connection: answers each frame the `MBAPFrameDecoder` framed, in order, and
/// closes the connection when it stays idle (an `IdleStateHandler` read event) or its input
/// cannot be framed. When the server stops (`ChannelShouldQuiesceEvent`) it closes once the
/// answers to every request read so far are sent: requests are answered as they are read, so
/// none is in progress when the event arrives.
final class ModbusConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let responder: ModbusFrameResponder
    private let onFrame: () -> Void

    /// - Parameter onFrame: called after every frame answered (the connection's activity).
    init(responder: ModbusFrameResponder, onFrame: @escaping () -> Void) {
        self.responder = responder
        self.onFrame = onFrame
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        let bytes = frame.readBytes(length: frame.readableBytes) ?? []
        if let reply = responder.reply(to: bytes[...]) {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply)), promise: nil)
        }
        onFrame()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else if event is ChannelShouldQuiesceEvent {
            // Writes complete in order: once this empty one is written, every answer is.
            let written = context.eventLoop.makePromise(of: Void.self)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: written)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension ModbusConnectionHandler: Sendable {}
