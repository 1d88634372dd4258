import Foundation
import Modbus
import TestSupport
import Testing

/// Modbus/TCP Security over real sockets, with pymodbus's TLS client as the master and a PKI
/// made by `openssl` for the run: mutual authentication at the handshake, and the client's role
/// taken from its certificate's Modbus role extension.
@Suite(.serialized)
struct ModbusSecurityTests {
    /// One PKI for the suite: `auditor` is a role the listener does not map.
    static let madePKI = Result { try TestCertificates(roles: ["operator", "viewer", "auditor"]) }

    let pki: TestCertificates
    let security: ModbusSecurity

    init() throws {
        pki = try Self.madePKI.get()
        security = try ModbusSecurity(
            certificate: pki.server.certificate, key: pki.server.key, ca: pki.ca,
            roles: ["operator": .write, "viewer": .read])
    }

    func server(access: AccessPolicy = .open) throws -> (ModbusTCPServer, RegisterBank) {
        let bank = RegisterBank(ranges: [.holding: [0..<10]])
        bank.set(.holding, address: 0, to: [42])
        let server = ModbusTCPServer(
            host: "127.0.0.1", port: 0, handler: bank,
            configuration: .init(access: access, security: security))
        try server.start()
        return (server, bank)
    }

    /// Each named client's attempt (`read`, `write_exception`, `error`), run by pymodbus.
    func attempts(port: Int, _ clients: [String: TestCertificates.Pair?]) throws -> [String: [String: Any]] {
        let specs = clients.map { name, pair in "\(name)=\(pair.map { "\($0.certificate),\($0.key)" } ?? "")" }
        let result = try runCommand(Paths.python, [Paths.script("pymodbus_tls.py"), "\(port)", pki.ca] + specs)
        let answer = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: [String: Any]]
        return try #require(answer, "pymodbus_tls.py: \(result.output) \(result.errorOutput)")
    }

    @Test func aWriteRoleReadsAndWritesAndTheWriteTakesEffect() throws {
        let (server, bank) = try server()
        defer { server.stop() }
        let operatorClient = try attempts(port: server.port, ["operator": pki.clients["operator"]])["operator"]
        #expect(operatorClient?["read"] as? Int == 42)
        #expect(operatorClient?["write_exception"] is NSNull)
        #expect(bank.get(.holding, address: 1, count: 1)[0] == 77)
        #expect(server.statistics.refusedWrites == 0 && server.statistics.refusedHandshakes == 0)
    }

    @Test func aReadRoleAnUnmappedRoleAndNoRoleReadButTheirWritesGetIllegalFunction() throws {
        let (server, bank) = try server()
        defer { server.stop() }
        let results = try attempts(
            port: server.port,
            ["viewer": pki.clients["viewer"], "auditor": pki.clients["auditor"], "none": pki.clients[""]])
        for name in ["viewer", "auditor", "none"] {
            #expect(results[name]?["read"] as? Int == 42, "\(name): \(results[name] ?? [:])")
            #expect(results[name]?["write_exception"] as? Int == 1, "\(name): \(results[name] ?? [:])")
        }
        #expect(bank.get(.holding, address: 1, count: 1)[0] == 0)
        #expect(server.statistics.refusedWrites == 3)
    }

    @Test func aClientWithoutACertificateOrWithAnotherCAsIsRefusedAtTheHandshake() throws {
        let (server, bank) = try server()
        defer { server.stop() }
        let results = try attempts(port: server.port, ["anonymous": nil, "stranger": pki.stranger])
        for name in ["anonymous", "stranger"] {
            #expect(results[name]?["read"] is NSNull, "\(name): \(results[name] ?? [:])")
            #expect(results[name]?["write_exception"] is NSNull)
        }
        #expect(bank.get(.holding, address: 1, count: 1)[0] == 0)
        #expect(server.statistics.refusedHandshakes >= 2)
    }

    @Test func aCertificatesRoleCannotWidenWhatTheClientsNetworkAllows() throws {
        let (server, bank) = try server(access: AccessPolicy(defaultRole: .read))
        defer { server.stop() }
        let operatorClient = try attempts(port: server.port, ["operator": pki.clients["operator"]])["operator"]
        #expect(operatorClient?["read"] as? Int == 42)
        #expect(operatorClient?["write_exception"] as? Int == 1)
        #expect(bank.get(.holding, address: 1, count: 1)[0] == 0)
    }

    @Test func aPlainModbusTCPMasterGetsNoAnswerFromATLSListener() throws {
        let (server, _) = try server()
        defer { server.stop() }
        let plain = try RawConnection(port: server.port)
        plain.send(RawConnection.frame(pdu: [0x03, 0, 0, 0, 1]))
        // The listener answers with a TLS alert at most, never with a Modbus reply, and closes.
        let reply = plain.receive(timeout: .seconds(2))
        #expect(reply == nil || reply?.first != 0x00)
        #expect(server.statistics.refusedHandshakes == 1)
    }

    @Test func theRoleExtensionIsReadFromTheCertificate() throws {
        let der = { (path: String) throws -> [UInt8] in
            let pem = try String(contentsOfFile: path, encoding: .utf8)
            let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            return Array(try #require(Data(base64Encoded: body)))
        }
        let operatorCertificate = try der(try #require(pki.clients["operator"]).certificate)
        let plainCertificate = try der(try #require(pki.clients[""]).certificate)
        let viewerCertificate = try der(try #require(pki.clients["viewer"]).certificate)
        #expect(ModbusRoleExtension.role(inCertificate: operatorCertificate) == "operator")
        #expect(ModbusRoleExtension.role(inCertificate: plainCertificate) == nil)
        #expect(security.role(ofCertificate: viewerCertificate) == .read)
        #expect(security.role(ofCertificate: operatorCertificate) == .write)
        #expect(security.role(ofCertificate: plainCertificate) == .read)
        #expect(security.role(ofCertificate: nil) == .read)
    }

    @Test func filesThatAreMissingOrDoNotFitAreNamed() {
        #expect(throws: ModbusSecurity.LoadError.self) {
            try ModbusSecurity(certificate: "/nonexistent.pem", key: pki.server.key, ca: pki.ca)
        }
        do {
            _ = try ModbusSecurity(certificate: pki.server.certificate, key: pki.server.certificate, ca: pki.ca)
            Issue.record("a certificate taken for a key was accepted")
        } catch {
            #expect(error.file == .key)
        }
        do {
            // The stranger's key is a key, but not the server certificate's.
            _ = try ModbusSecurity(certificate: pki.server.certificate, key: pki.stranger.key, ca: pki.ca)
            Issue.record("a key of another certificate was accepted")
        } catch {
            #expect(error.file == nil && error.reason.contains("does not fit"))
        }
    }
}
