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

        /// What a client needs besides the port: TLS's CA, a user and its password.
        struct Credentials {
            var ca: String
            var username: String
            var password: String
        }

        let credentials: Credentials?

        /// - Parameter credentials: a TLS listener with these, users from a password file and
        ///   no anonymous clients; nil for a plain, anonymous listener.
        init(port: Int = freePort(), folder: URL, credentials: Credentials? = nil) throws {
            self.port = port
            self.folder = folder
            self.credentials = credentials
            peer = try Self.start(port: port, folder: folder, credentials: credentials)
        }

        private static func start(port: Int, folder: URL, credentials: Credentials?) throws -> Peer {
            let config = folder.appendingPathComponent("mosquitto.conf")
            var text = "listener \(port) 127.0.0.1\npersistence false\n"
            var probe = ["-p", "\(port)", "-t", "probe", "-n"]
            if let credentials {
                let passwords = folder.appendingPathComponent("mosquitto.passwd").path
                let made = try runCommand(
                    "/usr/bin/mosquitto_passwd", ["-b", "-c", passwords, credentials.username, credentials.password])
                guard made.status == 0 else { throw FixtureFailure("mosquitto_passwd: \(made.errorOutput)") }
                try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: passwords)
                let tls = folder.path
                text +=
                    "allow_anonymous false\npassword_file \(passwords)\ncafile \(credentials.ca)\n"
                    + "certfile \(tls)/broker.pem\nkeyfile \(tls)/broker.key\n"
                probe += [
                    "--cafile", credentials.ca, "-h", "127.0.0.1", "-u", credentials.username, "-P",
                    credentials.password,
                ]
            } else {
                text += "allow_anonymous true\n"
            }
            try text.write(to: config, atomically: true, encoding: .utf8)
            let peer = try Peer("/usr/sbin/mosquitto", ["-c", config.path])
            for _ in 0..<100 {
                if (try? runCommand("/usr/bin/mosquitto_pub", probe))?.status == 0 {
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
            peer = try Self.start(port: port, folder: folder, credentials: credentials)
        }

        /// mqtt_peer.py's arguments for this broker.
        private var clientArguments: [String] {
            guard let credentials else { return ["--port", "\(port)"] }
            return [
                "--port", "\(port)", "--ca", credentials.ca, "--username", credentials.username, "--password",
                credentials.password,
            ]
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
                    Paths.root.appendingPathComponent("Tests/Interop/mqtt_peer.py").path, "collect",
                ] + clientArguments + [
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
                    Paths.root.appendingPathComponent("Tests/Interop/mqtt_peer.py").path, "publish",
                ] + clientArguments + [
                    "--topic", topic, "--message", message,
                ])
            #expect(result.status == 0, "\(result.errorOutput)")
        }
    }

    /// The demo site with an `mqtt:` section for `broker`, run by `busbar demo`.
    /// - Parameter ca: the CA the site trusts, when not the broker's own.
    private func demo(broker: Broker, ca: String? = nil) throws -> Peer {
        let sites = Paths.root.appendingPathComponent("sites").path
        var mqtt = "url: \"mqtt://127.0.0.1:\(broker.port)\""
        if let credentials = broker.credentials {
            let passwordFile = broker.folder.appendingPathComponent("busbar.password")
            try "\(credentials.password)\n".write(to: passwordFile, atomically: true, encoding: .utf8)
            mqtt =
                "url: \"mqtts://127.0.0.1:\(broker.port)\", tls: {ca: \"\(ca ?? credentials.ca)\"}, "
                + "username: \(credentials.username), password_file: \"\(passwordFile.path)\""
        }
        let text =
            try String(contentsOfFile: sites + "/demo.yaml", encoding: .utf8)
            .replacingOccurrences(of: "map: devices/", with: "map: \(sites)/devices/")
            + "\nmqtt: {\(mqtt), topic_prefix: busbar/test, interval: 2 s}\n"
        let file = broker.folder.appendingPathComponent("site.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let demo = try Peer(
            Paths.busbar,
            [
                "demo", "--site", file.path, "--port", "\(freePort())", "--openems-port", "\(freePort())",
                "--http-port", "0", "--status-interval", "0", "--journal",
                broker.folder.appendingPathComponent("journal.sqlite").path,
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

        // The journal has who set the mode: source mqtt, from the broker the command came through.
        let journal = try busbar(
            "journal", "--file", broker.folder.appendingPathComponent("journal.sqlite").path, "--device", "ess",
            "--format", "json")
        #expect(journal.status == 0, "\(journal.errorOutput)")
        let entries = try #require(
            try JSONSerialization.jsonObject(with: Data(journal.output.utf8)) as? [[String: Any]])
        let command = try #require(
            entries.first { $0["kind"] as? String == "command" && $0["source"] as? String == "mqtt" }, "\(entries)")
        #expect(command["mode"] as? String == "FORCE_CHARGE")
        #expect(command["outcome"] as? String == "accepted")
        #expect(command["client"] as? String == "127.0.0.1", "\(command)")
    }

    /// A CA and a broker certificate for 127.0.0.1 signed by it, made with the openssl CLI in
    /// `folder` (broker.pem, broker.key), and a second CA that signed nothing; returns both CA
    /// files.
    private func certificates(in folder: URL) throws -> (ca: String, other: String) {
        func openssl(_ arguments: [String]) throws {
            let result = try runCommand("/usr/bin/openssl", arguments, currentDirectory: folder)
            guard result.status == 0 else { throw FixtureFailure("openssl \(arguments): \(result.errorOutput)") }
        }
        for name in ["ca", "other-ca"] {
            try openssl([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=busbar test \(name)",
                "-keyout", "\(name).key", "-out", "\(name).pem",
            ])
        }
        try "subjectAltName=IP:127.0.0.1\n".write(
            to: folder.appendingPathComponent("san.ext"), atomically: true, encoding: .utf8)
        try openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "broker.key", "-out",
            "broker.csr",
        ])
        try openssl([
            "x509", "-req", "-in", "broker.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "san.ext", "-out", "broker.pem",
        ])
        // Mosquitto started as root reads its files as the mosquitto user.
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o644], ofItemAtPath: folder.appendingPathComponent("broker.key").path)
        return (folder.appendingPathComponent("ca.pem").path, folder.appendingPathComponent("other-ca.pem").path)
    }

    @Test func reachesABrokerOverTLSWithAUserAndAPasswordFileAndRefusesAnUntrustedOne() throws {
        let folder = try temporaryFolder("mqtt-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try certificates(in: folder)
        let broker = try Broker(
            folder: folder, credentials: .init(ca: files.ca, username: "busbar", password: "s3cret pass"))
        defer { broker.stop() }
        let demo = try demo(broker: broker)
        defer { demo.stop() }

        #expect(try waitUntil { try broker.messages("busbar/test/availability").first?.payload == "online" })
        #expect(try broker.json("busbar/test/device/ess1")["online"] as? Bool == true)
        try broker.publish(
            "busbar/test/command", #"{"activateControlModes": {"ess": {"mode": "FORCE_CHARGE", "power": 2000}}}"#)
        #expect(try waitUntil { abs(try essPower(broker) + 2000) < 300 })
        #expect(!demo.errorOutput.contains(" error "), "\(demo.errorOutput)")
        #expect(!demo.errorOutput.contains("s3cret"), "the password is never logged")
        demo.signal(SIGTERM)
        #expect(demo.waitForExit() == 0)

        // A site that trusts another CA never gets through the handshake, and says so once.
        let untrusted = try self.demo(broker: broker, ca: files.other)
        defer { untrusted.stop() }
        #expect(
            waitUntil { untrusted.errorOutput.contains("cannot connect to the MQTT broker") },
            "\(untrusted.errorOutput)")
        #expect(untrusted.errorOutput.contains("certificate verify failed"), "\(untrusted.errorOutput)")
        Thread.sleep(forTimeInterval: 3)
        #expect(untrusted.errorOutput.components(separatedBy: "cannot connect to the MQTT broker").count - 1 == 1)
        #expect(!untrusted.errorOutput.contains("connected to the MQTT broker"))
    }
}
