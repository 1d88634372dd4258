import Foundation
import SiteConfig
import TestSupport

/// `busbar run` on a site file written for one test, polling at 250 ms, with a native master in
/// front of it. The `modbus` source's watchdog is long, so a command holds for the whole test.
final class RunningSite {
    let folder: URL
    let path: String
    let site: LoadedSite
    let gateway: Peer
    let master: NativeMaster

    /// - Parameter devices: the site file's devices, each a YAML flow mapping.
    init(devices: [String], allocation: String = "equal") throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("site.yaml").path
        let port = freePort()
        let text = """
            site: Peers
            upstream:
              - {profile: native, listen: "127.0.0.1:\(port)", unit: 1}
            poll_interval: 250 ms
            allocation: \(allocation)
            sources:
              - {id: modbus, priority: 10, watchdog: 10 min}
            devices:

            """ + devices.map { "  - \($0)\n" }.joined()
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        site = try SiteLoader.load(path: path).get()
        gateway = try Peer(Paths.busbar, ["run", path])
        master = try NativeMaster(site: site, port: port)
        guard gateway.waitForOutput("gateway running") else {
            throw FixtureFailure("busbar run did not start: \(gateway.errorOutput)")
        }
    }

    deinit {
        gateway.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Whether busbar logged `message` for the device.
    func logged(_ message: String, device: String) -> Bool {
        gateway.errorOutput.split(separator: "\n").contains { $0.contains(message) && $0.contains("device.id=\(device) ") }
    }

    /// Whether the native profile says the device answers its polls.
    func isOnline(_ device: String) -> Bool { master.value("\(device).online") == 1 }
}

/// A shipped device map.
func loadShippedMap(_ name: String) throws -> DeviceMap {
    try DeviceMapLoader.load(path: shippedMap(name)).get()
}
