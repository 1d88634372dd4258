import Foundation
import SiteConfig
import TestSupport

/// `busbar run` on a site file written for one test, polling at 250 ms, with a native master in
/// front of it (and the local JSON API, when given a port). The `modbus` source's watchdog is
/// long, so a command holds for the whole test.
final class RunningSite {
    let folder: URL
    let path: String
    let site: LoadedSite
    let gateway: Peer
    let master: NativeMaster

    /// The local JSON API's address, when the site file enables it.
    let httpPort: Int?

    /// - Parameters:
    ///   - devices: the site file's devices, each a YAML flow mapping.
    ///   - httpPort: where the local JSON API listens (docs/http-api.md); none when nil.
    init(devices: [String], allocation: String = "equal", httpPort: Int? = nil) throws {
        self.httpPort = httpPort
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

            """ + (httpPort.map { "http: {listen: \"127.0.0.1:\($0)\"}\n" } ?? "") + "devices:\n"
            + devices.map { "  - \($0)\n" }.joined()
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
    func logged(_ message: String, device: String) -> Bool { !logLines(message, device: device).isEmpty }

    /// The lines busbar logged with `message` for the device.
    func logLines(_ message: String, device: String) -> [Substring] {
        gateway.errorOutput.split(separator: "\n").filter {
            $0.contains(message) && $0.contains("device.id=\(device) ")
        }
    }

    /// The device's entry in the local JSON API's `GET /api/status`; nil until the API answers.
    func status(of device: String) throws -> [String: Any]? {
        guard let httpPort else { throw FixtureFailure("the site file enables no local API") }
        let answer = try runCommand(
            "/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(httpPort)/api/status"])
        guard answer.status == 0,
            let object = (try? JSONSerialization.jsonObject(with: Data(answer.output.utf8))) as? [String: Any],
            let devices = object["devices"] as? [[String: Any]]
        else { return nil }
        return devices.first { $0["id"] as? String == device }
    }

    /// Whether the native profile says the device answers its polls.
    func isOnline(_ device: String) -> Bool { master.value("\(device).online") == 1 }
}

/// A shipped device map.
func loadShippedMap(_ name: String) throws -> DeviceMap {
    try DeviceMapLoader.load(path: shippedMap(name)).get()
}
