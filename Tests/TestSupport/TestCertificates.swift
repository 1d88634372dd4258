public import Foundation
import Synchronization

/// Serial numbers for the certificates one CA issues (each distinct).
private let serial = Atomic<Int>(1)

/// A throwaway PKI for Modbus/TCP Security tests, made with the `openssl` command-line tool in a
/// fresh folder: a CA, the listener's certificate for 127.0.0.1, client certificates carrying the
/// Modbus role extension (OID 1.3.6.1.4.1.50316.802.1, a UTF8String) or none, and a second CA
/// with a client of its own (a certificate the listener must not trust). EC P-256 keys, so the
/// whole set takes a fraction of a second.
public struct TestCertificates: Sendable {
    /// A certificate and its private key, as PEM files.
    public struct Pair: Sendable {
        public var certificate: String
        public var key: String
    }

    public let folder: URL
    public let ca: String
    public let server: Pair
    /// Clients of the CA, by role name; `""` is the client whose certificate has no role extension.
    public let clients: [String: Pair]
    /// A client whose certificate another CA signed.
    public let stranger: Pair

    /// Makes the CA, the server and one client per role in `roles` (and one without a role).
    public init(roles: [String]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = """
            [req]
            distinguished_name = dn
            prompt = no
            [dn]
            CN = busbar test
            [ca]
            basicConstraints = critical, CA:true
            keyUsage = critical, keyCertSign, cRLSign
            subjectKeyIdentifier = hash
            [server]
            basicConstraints = CA:false
            subjectAltName = IP:127.0.0.1, DNS:localhost
            extendedKeyUsage = serverAuth
            [client]
            basicConstraints = CA:false
            extendedKeyUsage = clientAuth

            """
        for (index, role) in roles.enumerated() {
            config += """
                [role\(index)]
                basicConstraints = CA:false
                extendedKeyUsage = clientAuth
                1.3.6.1.4.1.50316.802.1 = ASN1:UTF8String:\(role)

                """
        }
        try config.write(to: folder.appendingPathComponent("openssl.cnf"), atomically: true, encoding: .utf8)
        ca = try Self.authority("ca", in: folder).certificate
        _ = try Self.authority("stranger-ca", in: folder)
        server = try Self.issue("server", section: "server", in: folder)
        var clients = ["": try Self.issue("client", section: "client", in: folder)]
        for (index, role) in roles.enumerated() {
            clients[role] = try Self.issue("client-\(role)", section: "role\(index)", in: folder)
        }
        self.clients = clients
        stranger = try Self.issue("stranger", section: "client", in: folder, by: "stranger-ca")
    }

    /// Removes the folder with every key.
    public func remove() { try? FileManager.default.removeItem(at: folder) }

    /// What `openssl` said when it failed.
    public struct OpenSSLFailed: Error, CustomStringConvertible {
        public var description: String
    }

    private static func authority(_ name: String, in folder: URL) throws -> Pair {
        try openssl(
            [
                "req", "-config", "openssl.cnf", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", "/CN=busbar \(name)",
                "-extensions", "ca",
            ], in: folder)
        return pair(name, in: folder)
    }

    /// A certificate with the extensions of `section`, signed by the authority `caName`.
    private static func issue(_ name: String, section: String, in folder: URL, by caName: String = "ca") throws -> Pair
    {
        try openssl(
            [
                "req", "-config", "openssl.cnf", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=busbar \(name)",
            ], in: folder)
        try openssl(
            [
                "x509", "-req", "-in", "\(name).csr", "-CA", "\(caName).pem", "-CAkey", "\(caName).key",
                "-set_serial", "\(serial.add(1, ordering: .relaxed).newValue)", "-days", "2", "-extfile", "openssl.cnf",
                "-extensions", section, "-out", "\(name).pem",
            ], in: folder)
        return pair(name, in: folder)
    }

    private static func pair(_ name: String, in folder: URL) -> Pair {
        Pair(
            certificate: folder.appendingPathComponent("\(name).pem").path,
            key: folder.appendingPathComponent("\(name).key").path)
    }

    private static func openssl(_ arguments: [String], in folder: URL) throws {
        let result = try runCommand("/usr/bin/openssl", arguments, timeout: .seconds(20), currentDirectory: folder)
        guard result.status == 0 else {
            throw OpenSSLFailed(description: "openssl \(arguments.joined(separator: " ")): \(result.errorOutput)")
        }
    }
}
