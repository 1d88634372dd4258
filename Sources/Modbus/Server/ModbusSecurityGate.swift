import NIOCore
import NIOSSL
import NIOTLS

/// Stands behind the TLS handler of a Modbus/TCP Security connection until its handshake is
/// done: then it takes the client's role from its certificate, puts the Modbus handlers for that
/// role in its place and leaves. A handshake that fails (no client certificate, one from another
/// CA, no common TLS version), or that is not done within the handshake timeout, closes the
/// connection before any Modbus byte is read.
final class ModbusSecurityGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let security: ModbusSecurity
    /// What the client's network allows; the certificate's role can only narrow it.
    private let networkRole: AccessPolicy.Role
    private let handshakeTimeout: TimeAmount
    private let onRefused: () -> Void
    private let modbusHandlers: (AccessPolicy.Role) -> [any ChannelHandler]
    private var deadline: Scheduled<Void>?
    private var refused = false

    /// - Parameters:
    ///   - onRefused: called once when the handshake fails or times out.
    ///   - modbusHandlers: the handlers that serve the connection with the role it was given.
    init(
        security: ModbusSecurity, networkRole: AccessPolicy.Role, handshakeTimeout: TimeAmount,
        onRefused: @escaping () -> Void, modbusHandlers: @escaping (AccessPolicy.Role) -> [any ChannelHandler]
    ) {
        self.security = security
        self.networkRole = networkRole
        self.handshakeTimeout = handshakeTimeout
        self.onRefused = onRefused
        self.modbusHandlers = modbusHandlers
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: handshakeTimeout) {
            let (gate, context) = loopBound.value
            gate.refuse(context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            deadline?.cancel()
            let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate()?.toDERBytes()
            let role: AccessPolicy.Role =
                networkRole == .write && security.role(ofCertificate: certificate) == .write ? .write : .read
            do {
                try context.pipeline.syncOperations.addHandlers(modbusHandlers(role), position: .after(self))
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            } catch {
                context.close(promise: nil)
            }
        } else if event is IdleStateHandler.IdleStateEvent {
            refuse(context: context)
        } else if event is ChannelShouldQuiesceEvent {
            // The server stops before the handshake is done: nothing to answer.
            deadline?.cancel()
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        refuse(context: context)
    }

    private func refuse(context: ChannelHandlerContext) {
        if !refused {
            refused = true
            onRefused()
        }
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension ModbusSecurityGate: Sendable {}
