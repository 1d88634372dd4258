import Foundation
import NIOCore
import NIOSSL

/// Modbus/TCP Security (TLS, port 802 by convention) for a listener: the server's certificate
/// and key, the CA whose certificates clients must present (mutual authentication: a client
/// without one, or with one from another CA, is refused at the handshake), and what each role
/// named in a client certificate's Modbus role extension may do. A certificate without the
/// extension, or with a role not in `roles`, reads only.
///
/// The files are read and the TLS context built once, when the value is made (by `busbar
/// check` and by a site's load or reload), so a listener never finds a bad file at accept.
public struct ModbusSecurity: Sendable, Hashable {
    /// Which file could not be used, and why.
    public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
        public enum File: String, Sendable, Hashable {
            case certificate = "cert"
            case key, ca
        }
        /// The file at fault; nil when each file loads but they do not fit together.
        public var file: File?
        public var reason: String
        public var description: String { file.map { "\($0.rawValue): \(reason)" } ?? reason }
    }

    public let certificatePath: String
    public let keyPath: String
    public let caPath: String
    /// What a client may do by the role name in its certificate.
    public let roles: [String: AccessPolicy.Role]
    /// The server's TLS context: TLS 1.2 or later, client certificates required and verified
    /// against the CA.
    let context: NIOSSLContext

    /// Reads the PEM files and builds the TLS context.
    /// - Throws: `LoadError` naming the file that is missing, unreadable or not what it should be.
    public init(certificate: String, key: String, ca: String, roles: [String: AccessPolicy.Role] = [:])
        throws(LoadError)
    {
        certificatePath = certificate
        keyPath = key
        caPath = ca
        self.roles = roles
        let chain = try Self.certificates(at: certificate, file: .certificate)
        let trusted = try Self.certificates(at: ca, file: .ca)
        let privateKey: NIOSSLPrivateKey
        do {
            try Self.checkReadable(key, file: .key)
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError(file: .key, reason: "cannot parse \"\(key)\", expected a PEM private key")
        }
        var configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey),
            trustRoots: .certificates(trusted))
        configuration.minimumTLSVersion = .tlsv12
        // A stopping server waits this long for a client's close_notify.
        configuration.shutdownTimeout = .seconds(1)
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw LoadError(
                file: nil, reason: "the key \"\(key)\" does not fit the certificate \"\(certificate)\" (\(error))")
        }
    }

    /// What the client with `certificate` (DER) may do: its role's right, read when the
    /// certificate names no role or one not in `roles`.
    public func role(ofCertificate certificate: [UInt8]?) -> AccessPolicy.Role {
        guard let certificate, let name = ModbusRoleExtension.role(inCertificate: certificate) else { return .read }
        return roles[name] ?? .read
    }

    public static func == (lhs: ModbusSecurity, rhs: ModbusSecurity) -> Bool {
        lhs.certificatePath == rhs.certificatePath && lhs.keyPath == rhs.keyPath && lhs.caPath == rhs.caPath
            && lhs.roles == rhs.roles
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(certificatePath)
        hasher.combine(keyPath)
        hasher.combine(caPath)
        hasher.combine(roles)
    }

    private static func certificates(at path: String, file: LoadError.File) throws(LoadError) -> [NIOSSLCertificate] {
        try checkReadable(path, file: file)
        guard let certificates = try? NIOSSLCertificate.fromPEMFile(path), !certificates.isEmpty else {
            throw LoadError(file: file, reason: "cannot parse \"\(path)\", expected PEM certificates")
        }
        return certificates
    }

    private static func checkReadable(_ path: String, file: LoadError.File) throws(LoadError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw LoadError(file: file, reason: "cannot read \"\(path)\", expected a readable PEM file")
        }
    }
}
