import ServiceLifecycle
import SiteConfig

/// One upstream listener as a service. It is bound before the services run; on a graceful
/// shutdown it stops accepting, lets the answers under way go out and closes the masters'
/// connections (`ModbusTCPServer`'s quiescing). It also ends when a reload closes it.
struct UpstreamListenerService: Service, CustomStringConvertible {
    let listener: UpstreamListener

    var description: String { "upstream \(listener.upstream.profile.rawValue) on port \(listener.port)" }

    func run() async {
        // Returns when a reload closed the listener, or the program stops.
        _ = await listener.closing.wait()
        let listener = self.listener
        await OffPool.run("busbar-upstream-stop") { listener.stop() }
    }
}
