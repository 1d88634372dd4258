import Foundation
import TestSupport
import Testing

/// The demo site on a real Mosquitto broker: it appears through Home Assistant discovery, its
/// devices' documents are retained, it follows a command published to its topic, and a broker
/// that goes away and comes back costs neither the command in force nor the documents.
@Suite(.serialized)
struct MQTTTests {
    /// A Mosquitto broker on `port` (loopback, anonymous, nothing persisted), once it listens.
    final class Broker {
        let port: Int
        let folder: URL
        private(set) var peer: Peer

        init(port: Int = freePort(), folder: URL) throws {
            self.port = port
            self.folder = folder
            peer = try Self.start(port: port, folder: folder)
        }

        private static func start(port: Int, folder: URL) throws -> Peer {
            let config = folder.appendingPathComponent("mosquitto.conf")
            try "listener \(port) 127.0.0.1\nallow_anonymous true\npersistence false\n".write(
                to: config, atomically: true, encoding: .utf8)
            let peer = try Peer("/usr/sbin/mosquitto", ["-c", config.path])
            for _ in 0..<100 {
                if (try? runCommand("/usr/bin/mosquitto_pub", ["-p", "\(port)", "-t", "probe", "-n"]))?.status == 0 {
                    return peer
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            peer.stop()
            throw FixtureFailure("mosquitto did not start: \(peer.errorOutput)")
        }

        func restart() throws {
            peer.stop()
            _ = peer.waitForExit()
            peer = try Self.start(port: port, folder: folder)
        }

        func stop() { peer.stop() }

        /// The messages on `topic` (retained ones at once) within `seconds`, or the first `count`,
        /// read by a paho-mqtt client.
        func messages(_ topic: String, count: Int = 1, seconds: Double = 10) throws -> [(
            topic: String, payload: String
        )] {
            let result = try runCommand(
                Paths.python,
                [
                    Paths.root.appendingPathComponent("Tests/Interop/mqtt_peer.py").path, "collect", "--port",
                    "\(port)",
                    "--topic", topic, "--count", "\(count)", "--seconds", "\(seconds)",
                ], timeout: .seconds(Int(seconds) + 10))
            return result.output.split(separator: "\n").compactMap { line in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let topic = object["topic"] as? String, let payload = object["payload"] as? String
                else { return nil }
                return (topic, payload)
            }
        }

        func json(_ topic: String) throws -> [String: Any] {
            let payload = try #require(try messages(topic).first?.payload)
            return try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
        }

        func publish(_ topic: String, _ message: String) throws {
            let result = try runCommand(
                Paths.python,
                [
                    Paths.root.appendingPathComponent("Tests/Interop/mqtt_peer.py").path, "publish", "--port",
                    "\(port)",
                    "--topic", topic, "--message", message,
                ])
            #expect(result.status == 0, "\(result.errorOutput)")
        }
    }

    /// The demo site with an `mqtt:` section for `broker`, run by `busbar demo`.
    private func demo(broker: Broker) throws -> Peer {
        let sites = Paths.root.appendingPathComponent("sites").path
        let text =
            try String(contentsOfFile: sites + "/demo.yaml", encoding: .utf8)
            .replacingOccurrences(of: "map: devices/", with: "map: \(sites)/devices/")
            + "\nmqtt: {url: \"mqtt://127.0.0.1:\(broker.port)\", topic_prefix: busbar/test, interval: 2 s}\n"
        let file = broker.folder.appendingPathComponent("site.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let demo = try Peer(
            Paths.busbar,
            [
                "demo", "--site", file.path, "--port", "\(freePort())", "--openems-port", "\(freePort())",
                "--http-port", "0", "--status-interval", "0",
            ])
        guard demo.waitForOutput("Try this") else {
            demo.stop()
            throw FixtureFailure("busbar demo did not start: \(demo.output)\(demo.errorOutput)")
        }
        return demo
    }

    /// The batteries' summed active power as their MQTT documents have it, W.
    private func essPower(_ broker: Broker) throws -> Double {
        try ["ess1", "ess2"].reduce(0) { sum, id in
            let values = try broker.json("busbar/test/device/\(id)")["values"] as? [String: Any]
            return sum + (values?["active_power"] as? Double ?? .nan)
        }
    }

    private func waitUntil(_ seconds: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.3)
        }
        return false
    }

    @Test func theDemoSiteAppearsThroughDiscoveryAndFollowsACommand() throws {
        let folder = try temporaryFolder("mqtt")
        defer { try? FileManager.default.removeItem(at: folder) }
        let broker = try Broker(folder: folder)
        defer { broker.stop() }
        let demo = try demo(broker: broker)
        defer { demo.stop() }

        // Discovery: every device of the demo, with units and classes Home Assistant knows.
        #expect(try waitUntil { try broker.messages("busbar/test/availability").first?.payload == "online" })
        let configs = try broker.messages("homeassistant/sensor/+/config", count: 20)
        #expect(configs.count >= 20)
        let soc = try #require(
            try broker.messages("homeassistant/sensor/busbar_demo_site_ess1_soc/config").first?.payload)
        let socConfig = try #require(try JSONSerialization.jsonObject(with: Data(soc.utf8)) as? [String: Any])
        #expect(socConfig["unit_of_measurement"] as? String == "%")
        #expect(socConfig["device_class"] as? String == "battery")
        #expect(socConfig["state_topic"] as? String == "busbar/test/device/ess1")
        #expect(socConfig["availability_topic"] as? String == "busbar/test/availability")
        let all = try broker.messages("homeassistant/sensor/+/config", count: 0, seconds: 2).map(\.topic)
        for id in ["ess1", "ess2", "evse1", "evse2", "grid", "pv1"] {
            #expect(all.contains { $0.contains("busbar_demo_site_\(id)_active_power") }, "\(id)")
        }
        let ess1 = try broker.json("busbar/test/device/ess1")
        #expect(ess1["online"] as? Bool == true)
        #expect((ess1["values"] as? [String: Any])?["soc"] is Double)
        #expect(try broker.json("busbar/test/status")["devices"] != nil)

        // A command on the command topic, answered on the result topic, followed by the batteries.
        let result = try Peer(
            Paths.python,
            [
                Paths.root.appendingPathComponent("Tests/Interop/mqtt_peer.py").path, "collect", "--port",
                "\(broker.port)", "--topic", "busbar/test/command/result", "--count", "2", "--seconds", "20",
            ])
        defer { result.stop() }
        Thread.sleep(forTimeInterval: 0.5)
        try broker.publish(
            "busbar/test/command", #"{"activateControlModes": {"ess": {"mode": "FORCE_CHARGE", "power": 3000}}}"#)
        let charging = try waitUntil { abs(try essPower(broker) + 3000) < 300 }
        #expect(charging, "ESS power \((try? essPower(broker)) ?? .nan) W")
        try broker.publish("busbar/test/command", "{not json")
        #expect(result.waitForExit() == 0)
        let answers = result.output.split(separator: "\n")
        #expect(answers.count == 2)
        #expect(answers.first?.contains("FORCE_CHARGE") == true, "\(answers)")
        #expect(answers.last?.contains("error") == true, "\(answers)")

        // The broker goes away and comes back: busbar reconnects, publishes again (nothing was
        // persisted) and the command is still in force.
        try broker.restart()
        let republished = waitUntil(40) { (try? broker.messages("busbar/test/device/ess1", seconds: 2).count) == 1 }
        #expect(republished)
        #expect(abs(try essPower(broker) + 3000) < 300)
        #expect(demo.errorOutput.components(separatedBy: "lost the MQTT broker").count - 1 == 1, "\(demo.errorOutput)")

        demo.signal(SIGTERM)
        #expect(demo.waitForExit() == 0)
        #expect(try broker.messages("busbar/test/availability").first?.payload == "offline")
    }
}
