import NIOCore

/// Frames Modbus/TCP requests by their MBAP header, and closes a connection whose frame does
/// not arrive in time.
///
/// The framing is busbar's own rather than libmodbus's `modbus_receive`, which frames by what
/// the function code implies and so reads a PDU of the wrong length, or of a function it does
/// not know, into the next frame. Here the MBAP length is the frame (Modbus Messaging on TCP/IP
/// Implementation Guide v1.0b): a PDU whose length is not the one its function implies is
/// answered with 0x03 and the stream stays in step, and only a header that cannot frame a
/// request (protocol id other than 0, no function code, an ADU over 260 bytes) closes the
/// connection. A frame whose next byte takes longer than the byte timeout, or that takes longer
/// than the frame timeout from its first byte to its last, closes it too: a master that sends
/// one byte at a time never holds a connection.
final class MBAPFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// A header that cannot frame a request.
    struct UnframeableHeader: Error {}

    /// The largest Modbus/TCP ADU (Application Protocol v1.1b3 §4.1: a 253-byte PDU).
    static let maxADULength = 260

    private let byteTimeout: TimeAmount
    private let frameTimeout: TimeAmount
    /// When the first byte of the frame not framed yet arrived.
    private var frameStarted: NIODeadline?
    private var deadline: Scheduled<Void>?

    init(byteTimeout: TimeAmount, frameTimeout: TimeAmount) {
        self.byteTimeout = byteTimeout
        self.frameTimeout = frameTimeout
    }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.nextFrame(&buffer) else {
            watch(context, pending: buffer.readableBytes > 0)
            return .needMoreData
        }
        watch(context, pending: false)
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    /// After the peer closed: whole frames are answered, a partial one is dropped.
    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        guard let frame = try Self.nextFrame(&buffer) else {
            watch(context, pending: false)
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return .needMoreData
        }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    func decoderRemoved(context: ChannelHandlerContext) {
        watch(context, pending: false)
    }

    /// The next whole frame, nil until it has arrived.
    /// - Throws: `UnframeableHeader` for a header that cannot frame a request.
    private static func nextFrame(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
        let start = buffer.readerIndex
        guard buffer.readableBytes >= ModbusFrameResponder.headerLength,
            let protocolID = buffer.getInteger(at: start + 2, as: UInt16.self),
            let length = buffer.getInteger(at: start + 4, as: UInt16.self)
        else { return nil }
        guard protocolID == 0, length >= 2, 6 + Int(length) <= maxADULength else { throw UnframeableHeader() }
        return buffer.readSlice(length: 6 + Int(length))
    }

    /// Closes the connection when a pending frame's next byte or its end is late.
    private func watch(_ context: ChannelHandlerContext, pending: Bool) {
        deadline?.cancel()
        deadline = nil
        guard pending else {
            frameStarted = nil
            return
        }
        let now = NIODeadline.now()
        let started = frameStarted ?? now
        frameStarted = started
        deadline = context.eventLoop.assumeIsolated().scheduleTask(
            deadline: min(started + frameTimeout, now + byteTimeout)
        ) { context.close(promise: nil) }
    }
}

@available(*, unavailable)
extension MBAPFrameDecoder: Sendable {}
