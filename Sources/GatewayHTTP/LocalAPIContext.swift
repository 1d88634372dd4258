import Hummingbird
import NIOCore

/// The local API's request context: Hummingbird's basics and the client's address, which the
/// audit journal records beside each command the client sends.
struct LocalAPIContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// `127.0.0.1:50123`, `[::1]:50123`; nil when the address is not an IP address.
    var client: String? {
        guard let address = remoteAddress, let ip = address.ipAddress else { return nil }
        let port = address.port.map { ":\($0)" } ?? ""
        if case .v6 = address { return "[\(ip)]\(port)" }
        return ip + port
    }
}
